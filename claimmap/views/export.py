"""The claims of the current view as a flat table, a spreadsheet-safe CSV and GeoJSON an analyst
can load into QGIS: one feature per claim with flat properties, and the state of each place on a
day. A governorate or country is exported as its polygon, other places as points."""

from __future__ import annotations

import json
import re

import pandas as pd

from claimmap.analysis.asof import Day, as_timestamp, claims_as_of, holds_on
from claimmap.analysis.dataset import Dataset
from claimmap.analysis.provenance import Provenance
from claimmap.tables.csvio import LINE
from geo.boundaries import boundary_geometry

# Columns placed right after the claim column they describe.
_PLACE_COLUMNS = ["place_name", "place_kind", "iso_code", "lat", "lon", "position_source", "position_precision"]
_SOURCE_COLUMNS = ["outlet", "source_url", "published"]
_DERIVED_AFTER = {"place_id": _PLACE_COLUMNS, "source_id": _SOURCE_COLUMNS, "actor_id": ["actor"], "via": ["chain"]}
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
_DATE_COLUMNS = ["reported_on", "valid_from", "valid_to", "published"]

# OWASP CSV injection: a cell starting with one of these may be run as a formula by a spreadsheet.
_FORMULA_START = re.compile(r"[=+\-@\t\r]")
_COORDINATE_DECIMALS = 6  # about 10 cm; more digits only pretend to precision (RFC 7946 §11.2)


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
        tables.places[["place_id", "name", "kind", "iso_code"]]
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
    sources = tables.sources[["source_id", "outlet", "url", "published"]].rename(columns={"url": "source_url"})
    table = (
        claims.drop(columns=LINE)
        .merge(places, on="place_id", how="left")
        .merge(sources, on="source_id", how="left")
        .merge(_support(dataset, claims, day), on="claim_id", how="left")
    )
    table["actor"] = claims["actor_id"].map(actor_names).fillna(claims["actor_id"]).to_numpy()
    table["chain"] = claims["claim_id"].map(dataset.chains["chain"]).to_numpy()
    for column in _DATE_COLUMNS:
        table[column] = table[column].dt.strftime("%Y-%m-%d").fillna("")
    text_columns = [
        "place_name",
        "place_kind",
        "iso_code",
        "outlet",
        "source_url",
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
    """An RFC 7946 FeatureCollection of `view_claims_table` rows: one feature per claim, its
    columns as flat properties (text, numbers, booleans; null for a blank number). A governorate
    or country with a bundled boundary is its polygon, other places their point; a place without a
    position gets a null geometry, so that every claim of the view is in the collection."""
    geometries = _geometries(table)
    rows = _flat_records(table.drop(columns=["lat", "lon"]))
    features = [
        {"type": "Feature", "id": row["claim_id"], "geometry": geometries[row["place_id"]], "properties": row}
        for row in rows
    ]
    return {"type": "FeatureCollection", "features": features}


def to_geojson_bytes(collection: dict) -> bytes:
    """A FeatureCollection as UTF-8 JSON text; raises ValueError rather than write NaN."""
    return json.dumps(collection, ensure_ascii=False, allow_nan=False).encode("utf-8")


def state_table(markers: pd.DataFrame, claims: pd.DataFrame, places: pd.DataFrame, day: Day) -> pd.DataFrame:
    """The map's state on `day`, one row per place it draws, for export.

    `markers` is what the map draws (mapview.marker_table of asof.place_states), `claims` the view's
    claims, `places` the located places (for the ISO code). Columns: date, place_id, name, kind,
    iso_code, lat, lon, holder and holder_actor_id (control over the whole place, "" when none),
    parts_holder and parts_holder_actor_id (control claimed over unnamed parts of it), status and
    status_text (for a facility, the states claimed and by whom, asof.facility_status), uncertain,
    contested, doubtful, corroborated, n_holding, holding_claim_ids ('|'-joined).
    """
    holding = claims_as_of(claims, day)
    ids = holding.sort_values("claim_id").groupby("place_id")["claim_id"].agg("|".join)
    table = markers.merge(places[["place_id", "iso_code"]], on="place_id", how="left")
    out = pd.DataFrame(
        {
            "date": as_timestamp(day).strftime("%Y-%m-%d"),
            "place_id": table["place_id"],
            "name": table["name"],
            "kind": table["kind"],
            "iso_code": table["iso_code"].fillna(""),
            "lat": table["lat"],
            "lon": table["lon"],
            "holder": table["holder"],
            "holder_actor_id": table["actor_id"],
            "parts_holder": table["partial_holder"],
            "parts_holder_actor_id": table["partial_actor_id"],
        }
    )
    for column in ("status", "status_text", "uncertain", "contested", "doubtful", "corroborated", "n_holding"):
        out[column] = table[column]
    out["holding_claim_ids"] = table["place_id"].map(ids).fillna("")
    return out


def to_state_geojson(state: pd.DataFrame) -> dict:
    """`state_table` as an RFC 7946 FeatureCollection: one feature per place, id the place_id."""
    geometries = _geometries(state.rename(columns={"name": "place_name"}))
    features = [
        {"type": "Feature", "id": row["place_id"], "geometry": geometries[row["place_id"]], "properties": row}
        for row in _flat_records(state.drop(columns=["lat", "lon"]))
    ]
    return {"type": "FeatureCollection", "features": features}


def _geometries(table: pd.DataFrame) -> dict[str, dict | None]:
    """Per place_id of `table` (with iso_code, lat, lon): its boundary polygon when one is bundled
    for its ISO code, else its point, else None. Worked out once per place."""
    places = table.drop_duplicates("place_id")
    return {
        place_id: (boundary_geometry(iso) if iso else None) or _point(lon, lat)
        for place_id, iso, lat, lon in zip(places["place_id"], places["iso_code"], places["lat"], places["lon"])
    }


def _flat_records(table: pd.DataFrame) -> list[dict]:
    """Rows as dicts of plain JSON values: NaN and NA become None, numpy scalars Python ones."""
    cells = table.astype(object)
    return cells.where(table.notna(), None).to_dict("records")


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
