"""The claims of the current view as a flat table, a spreadsheet-safe CSV and a GeoJSON map layer."""

from __future__ import annotations

import json
import re

import pandas as pd

from claimmap.analysis.dataset import Dataset
from claimmap.analysis.provenance import attribution_chain, format_chain
from claimmap.tables.csvio import LINE

# Columns placed right after the claim column they describe.
_PLACE_COLUMNS = ["place_name", "place_kind", "lat", "lon", "position_source", "position_precision"]
_DERIVED_AFTER = {"place_id": _PLACE_COLUMNS, "actor_id": ["actor"], "via": ["chain"]}
_CROSS_REFERENCES = ["supporting_claim_ids", "independent_origins", "corroborated", "contradicting_claim_ids"]
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


def view_claims_table(dataset: Dataset, claims: pd.DataFrame) -> pd.DataFrame:
    """One row per claim of `claims` (a filtered dataset.claims) with its place, actor name,
    attribution chain, supporting and contradicting claim ids; dates as ISO text ("" for blank).

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
        .merge(dataset.corroboration, on="claim_id", how="left")
        .merge(_contradicting_ids(dataset.contradictions, claims["claim_id"]), on="claim_id", how="left")
    )
    table["actor"] = claims["actor_id"].map(actor_names).fillna(claims["actor_id"]).to_numpy()
    table["chain"] = _chains(claims, dataset).to_numpy()
    for column in _DATE_COLUMNS:
        table[column] = table[column].dt.strftime("%Y-%m-%d").fillna("")
    text_columns = [
        "place_name",
        "place_kind",
        "position_source",
        "position_precision",
        "supporting_claim_ids",
        "contradicting_claim_ids",
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


def _chains(claims: pd.DataFrame, dataset: Dataset) -> pd.Series:
    """format_chain for each claim, worked out once per distinct (source, claimant, via)."""
    keys = ["source_id", "claimant", "via"]
    distinct = claims[keys].drop_duplicates()
    tables = dataset.tables
    distinct["chain"] = [
        format_chain(attribution_chain(dict(zip(keys, voice)), tables.speakers, tables.sources))
        for voice in distinct.itertuples(index=False)
    ]
    return claims[keys].merge(distinct, on=keys, how="left")["chain"]


def _contradicting_ids(pairs: pd.DataFrame, claim_ids: pd.Series) -> pd.DataFrame:
    """claim_id (of `claim_ids`) and the '|'-separated ids, in numeric order, of the claims each
    one contradicts, in the view or not."""
    both_ways = pd.concat(
        [
            pairs[["claim_a", "claim_b"]].set_axis(["claim_id", "other"], axis=1),
            pairs[["claim_b", "claim_a"]].set_axis(["claim_id", "other"], axis=1),
        ]
    )
    both_ways = both_ways[both_ways["claim_id"].isin(claim_ids)]
    both_ways = both_ways.assign(number=both_ways["other"].str.slice(1).astype("int64")).sort_values("number")
    return (
        both_ways.groupby("claim_id", as_index=False)["other"]
        .agg("|".join)
        .rename(columns={"other": "contradicting_claim_ids"})
    )
