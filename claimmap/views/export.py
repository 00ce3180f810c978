"""The claims of the current view as a flat table, a spreadsheet-safe CSV and a GeoJSON map layer."""

from __future__ import annotations

import json
import re

import pandas as pd

from claimmap.analysis.asof import Day, as_timestamp, holds_on
from claimmap.analysis.dataset import Dataset
from claimmap.analysis.provenance import Provenance
from claimmap.tables.csvio import LINE

# Columns placed right after the claim column they describe.
_PLACE_COLUMNS = ["place_name", "place_kind", "lat", "lon", "position_source", "position_precision"]
_DERIVED_AFTER = {"place_id": _PLACE_COLUMNS, "actor_id": ["actor"], "via": ["chain"]}
# Support and contradiction, counted as the map counts them (see view_claims_table).
_CROSS_REFERENCES = [
    "support_counted",
    "origin",
    "independent_origins",
    "origins",
    "corroborated",
    "supporting_claim_ids",
    "same_origin_claims",
    "unattributed_claims",
    "contradicting_claim_ids",
]
_DATE_COLUMNS = ["reported_on", "valid_from", "valid_to"]

# OWASP CSV injection: a cell starting with one of these may be run as a formula by a spreadsheet.
_FORMULA_START = re.compile(r"[=+\-@\t\r]")
_COORDINATE_DECIMALS = 6  # about 10 cm; more digits only pretend to precision (RFC 7946 §11.2)
_FEATURE_CLAIM_FIELDS = [
    "claim_id",
    "statement",
    "quote",
    "source_id",
    "claimant",
    "via",
    "chain",
    "claim_type",
    "actor",
    "valid_from",
    "valid_to",
    "date_precision",
    "reported_on",
    "hedge",
    "reliability",
    "credibility",
    "against_interest",
]


def view_claims_table(dataset: Dataset, claims: pd.DataFrame, day: Day | None = None) -> pd.DataFrame:
    """One row per claim of `claims` (a filtered dataset.claims) with its place, actor name,
    attribution chain, origins, supporting and contradicting claim ids; dates as ISO text ("" for
    blank). Support and contradictions are counted among `claims`: for a claim holding on `day`,
    among those holding that day, as on the map; for the others (and without a day) over their
    own dates; `support_counted` says which ('on 2024-12-09' or 'over its own dates').

    lat/lon stay numbers (NaN where the place has no known position).
    """
    tables = dataset.tables
    places = (
        tables.places[["place_id", "name", "kind"]]
        .rename(columns={"name": "place_name", "kind": "place_kind"})
        .merge(
            dataset.places[["place_id", "lat", "lon", "position_source", "precision"]].rename(
                columns={"precision": "position_precision"}
            ),
            on="place_id",
            how="left",
        )
    )
    actor_names = dataset.names["actors"]
    table = (
        claims.drop(columns=LINE)
        .merge(places, on="place_id", how="left")
        .merge(_support(dataset, claims, day), on="claim_id", how="left")
    )
    table["actor"] = claims["actor_id"].map(actor_names).fillna(claims["actor_id"]).to_numpy()
    table["chain"] = claims["claim_id"].map(dataset.chains["chain"]).to_numpy()
    for column in _DATE_COLUMNS:
        table[column] = table[column].dt.strftime("%Y-%m-%d").fillna("")
    text_columns = [
        "place_name",
        "place_kind",
        "position_source",
        "position_precision",
        *(c for c in _CROSS_REFERENCES if c not in ("independent_origins", "corroborated")),
    ]
    table[text_columns] = table[text_columns].fillna("")
    order = [c for column in claims.columns.drop(LINE) for c in (column, *_DERIVED_AFTER.get(column, []))]
    return table[order + _CROSS_REFERENCES]


def to_csv_bytes(table: pd.DataFrame) -> bytes:
    """`table` as UTF-8 CSV, text cells that a spreadsheet would read as a formula prefixed with '.

    Only text columns are touched, so negative numbers (lat/lon) stay numbers. The byte order
    mark makes Excel read the file as UTF-8 rather than the local code page (Arabic names).
    Rows end in CRLF (RFC 4180), which also makes the writer quote any cell holding a lone CR.
    """
    safe = table.copy()
    for column in safe.columns[safe.dtypes.map(pd.api.types.is_string_dtype)]:
        cells = safe[column]
        risky = cells.str.match(_FORMULA_START).fillna(False).astype(bool)
        safe[column] = cells.where(~risky, "'" + cells)
    return safe.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def to_geojson(table: pd.DataFrame) -> dict:
    """An RFC 7946 FeatureCollection of `view_claims_table` rows: one feature per place, its
    claims in a `claims` property. A place without a position gets a null geometry, so that
    every claim of the view is in the collection."""
    claims = table[_FEATURE_CLAIM_FIELDS].astype(object)
    claims = claims.where(table[_FEATURE_CLAIM_FIELDS].notna(), None).to_dict("records")
    by_place: dict[str, list[dict]] = {}
    for place_id, claim in zip(table["place_id"], claims):  # plain dicts: pandas per group is far slower
        by_place.setdefault(place_id, []).append(claim)
    places = table.drop_duplicates("place_id").set_index("place_id")
    features = [
        {
            "type": "Feature",
            "id": place_id,
            "geometry": _point(place["lon"], place["lat"]),
            "properties": {
                "name": place["place_name"],
                "kind": place["place_kind"],
                "precision": place["position_precision"],
                "position_source": place["position_source"],
                "claims": by_place[place_id],
            },
        }
        for place_id, place in zip(places.index, places.to_dict("records"))
    ]
    return {"type": "FeatureCollection", "features": features}


def to_geojson_bytes(table: pd.DataFrame) -> bytes:
    """`to_geojson` as UTF-8 JSON text; raises ValueError rather than write NaN."""
    return json.dumps(to_geojson(table), ensure_ascii=False, allow_nan=False).encode("utf-8")


def _point(lon: float, lat: float) -> dict | None:
    if pd.isna(lon) or pd.isna(lat):
        return None
    return {
        "type": "Point",
        "coordinates": [round(float(lon), _COORDINATE_DECIMALS), round(float(lat), _COORDINATE_DECIMALS)],
    }


def _support(dataset: Dataset, claims: pd.DataFrame, day: Day | None) -> pd.DataFrame:
    """claim_id and the _CROSS_REFERENCES columns: for claims holding on `day` as of that day,
    for the others over their own dates."""
    holding = pd.Series(False, index=claims.index) if day is None else holds_on(claims, day)
    parts = [_support_of(dataset.provenance.among(claims), claims.loc[~holding, "claim_id"], "over its own dates")]
    if day is not None:
        on_day = dataset.provenance.among(claims, day)
        parts.append(_support_of(on_day, claims.loc[holding, "claim_id"], f"on {as_timestamp(day).date()}"))
    return pd.concat(parts, ignore_index=True)[["claim_id", *_CROSS_REFERENCES]]


def _support_of(view: Provenance, claim_ids: pd.Series, counted: str) -> pd.DataFrame:
    support = view.corroboration()
    support = support[support["claim_id"].isin(claim_ids)].drop(columns="place_id")
    return support.merge(_contradicting_ids(view.sides()), on="claim_id", how="left").assign(support_counted=counted)


def _contradicting_ids(sides: pd.DataFrame) -> pd.DataFrame:
    """claim_id and the '|'-separated ids, in id order, of the claims each one contradicts."""
    return (
        sides.groupby("claim_id", as_index=False, sort=False)["other"]
        .agg("|".join)
        .rename(columns={"other": "contradicting_claim_ids"})
    )
