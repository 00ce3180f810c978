"""Exports of the current view: the flat table, spreadsheet-safe CSV and RFC 7946 GeoJSON."""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
import pytest

from claimmap.analysis.asof import facility_status, place_states
from claimmap.analysis.dataset import Dataset
from claimmap.views.export import (
    state_table,
    to_csv_bytes,
    to_geojson,
    to_geojson_bytes,
    to_state_geojson,
    view_claims_table,
)
from claimmap.views.mapview import marker_table


@pytest.fixture
def dataset(bundled_dataset: Dataset) -> Dataset:
    return bundled_dataset


@pytest.fixture(scope="module")
def table(bundled_dataset: Dataset) -> pd.DataFrame:
    return view_claims_table(bundled_dataset, bundled_dataset.claims)


def csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_table_has_one_row_per_claim_with_joined_columns(dataset: Dataset, table: pd.DataFrame):
    assert table["claim_id"].tolist() == dataset.claims["claim_id"].tolist()
    assert "_line" not in table.columns
    c010 = table.set_index("claim_id").loc["c010"]
    assert (c010["place_name"], c010["place_kind"], c010["actor"]) == ("Khmeimim Air Base", "airbase", "Russia")
    assert c010["chain"] == "another TASS source in Syria → TASS → unknown outlet (src000)"
    assert c010["valid_from"] == "2024-12-09" and c010["valid_to"] == ""
    assert set(c010["contradicting_claim_ids"].split("|")) >= {"c026"}
    assert c010["supporting_claim_ids"] == "c020"
    assert (c010["outlet"], c010["source_url"], c010["published"]) == (
        dataset.tables.sources.at[0, "outlet"],
        dataset.tables.sources.at[0, "url"],
        "2024-12-09",
    )


@pytest.mark.parametrize("cell", ["=SUM(1)", "+1", "-1+1", "@cmd", "\t=1", "\r=1"])
def test_cells_that_start_a_formula_get_a_leading_quote(cell: str):
    row = csv_rows(to_csv_bytes(pd.DataFrame({"text": [cell], "lat": [-35.41]})))[0]
    assert row["text"] == "'" + cell


def test_normal_text_and_negative_numbers_are_left_alone():
    row = csv_rows(to_csv_bytes(pd.DataFrame({"text": ["Khmeimim - airbase"], "lat": [-35.41]})))[0]
    assert row == {"text": "Khmeimim - airbase", "lat": "-35.41"}


def test_formula_in_a_curated_statement_is_neutralised(dataset: Dataset):
    claims = dataset.claims.assign(statement='=HYPERLINK("http://example.com")')
    rows = csv_rows(to_csv_bytes(view_claims_table(dataset, claims)))
    assert all(row["statement"].startswith("'=") for row in rows)
    assert rows[0]["lat"] and not rows[0]["lat"].startswith("'")


def test_geojson_is_one_feature_per_claim_with_flat_properties(dataset: Dataset, table: pd.DataFrame):
    collection = json.loads(to_geojson_bytes(to_geojson(table)))
    assert collection["type"] == "FeatureCollection" and "crs" not in collection
    assert [f["id"] for f in collection["features"]] == table["claim_id"].tolist()
    for feature in collection["features"]:
        assert feature["type"] == "Feature"
        assert all(
            value is None or isinstance(value, (str, int, float, bool)) for value in feature["properties"].values()
        )
    c012 = next(f for f in collection["features"] if f["id"] == "c012")
    props = c012["properties"]
    assert props["valid_from"] == "2024-12-08" and props["claim_type"] == "withdrawal" and props["hedge"] == "reported"
    assert props["actor"] == "Russia" and props["claimant"] == "ukraine_gur" and "→" in props["chain"]
    assert props["quote"] == "Russia is withdrawing its warships from the port of Tartus"
    assert props["source_url"] == dataset.tables.sources.at[0, "url"] and props["published"] == "2024-12-09"
    lon, lat = c012["geometry"]["coordinates"]
    assert c012["geometry"]["type"] == "Point" and (lon, lat) == pytest.approx((35.874, 34.915), abs=0.01)


def test_governorate_and_country_claims_are_polygons(table: pd.DataFrame):
    features = {f["id"]: f for f in to_geojson(table)["features"]}
    assert features["c007"]["properties"]["place_id"] == "latakia_gov"
    assert features["c007"]["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    assert features["c001"]["geometry"]["type"] in {"Polygon", "MultiPolygon"}  # Syria
    assert features["c035"]["geometry"]["type"] == "Point"  # Moscow


def state_on(dataset: Dataset, day: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    on_day = dataset.provenance.among(dataset.claims, day)
    states = place_states(dataset.claims, day, contested=on_day.contested_places())
    statuses = facility_status(dataset.claims, dataset.places, day, dataset.chains["voice"])
    markers = marker_table(states, dataset.places, dataset.tables.actors, statuses)
    return markers, state_table(markers, dataset.claims, dataset.places, day)


def test_state_on_a_day_says_what_the_map_shows(dataset: Dataset):
    day = "2024-12-05"
    markers, state = state_on(dataset, day)
    collection = json.loads(to_geojson_bytes(to_state_geojson(state)))
    features = {f["id"]: f for f in collection["features"]}
    assert set(features) == set(markers["place_id"])
    syria = features["syria"]["properties"]
    assert syria["date"] == day and syria["holder"] == "" and syria["parts_holder_actor_id"] == "opposition"
    assert set(syria["holding_claim_ids"].split("|")) >= {"c030", "c036"}
    assert features["syria"]["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    assert features["aleppo"]["geometry"]["type"] == "Point"
    khmeimim = state_on(dataset, "2024-12-09")[1].set_index("place_id").loc["khmeimim"]
    assert "operating" in khmeimim["status"].split() and "operating: " in khmeimim["status_text"]


def test_a_place_without_position_keeps_its_claims_under_a_null_geometry(table: pd.DataFrame):
    unplaced = table.assign(lat=float("nan"), lon=float("nan"), iso_code="")
    collection = json.loads(to_geojson_bytes(to_geojson(unplaced)))
    assert all(feature["geometry"] is None for feature in collection["features"])
    assert len(collection["features"]) == len(table)


def test_only_the_claims_of_the_view_are_exported(dataset: Dataset):
    claims = dataset.claims[dataset.claims["place_id"].isin(["khmeimim", "jableh"])]
    view = view_claims_table(dataset, claims)
    assert sorted(row["claim_id"] for row in csv_rows(to_csv_bytes(view))) == sorted(claims["claim_id"])
    features = to_geojson(view)["features"]
    assert sorted(f["id"] for f in features) == sorted(claims["claim_id"])


def test_unicode_round_trips(dataset: Dataset):
    statement = "المعارضة تسيطر على «حميميم» — “fully”, it’s said"
    view = view_claims_table(dataset, dataset.claims.head(2).assign(statement=statement))
    assert [row["statement"] for row in csv_rows(to_csv_bytes(view))] == [statement] * 2
    features = json.loads(to_geojson_bytes(to_geojson(view)).decode("utf-8"))["features"]
    assert {f["properties"]["statement"] for f in features} == {statement}


def test_support_in_the_export_is_counted_as_the_map_counts_it(dataset: Dataset):
    table = view_claims_table(dataset, dataset.claims, "2024-12-08").set_index("claim_id")
    gur = table.loc["c012"]
    # On the 8th only the OSINT observers say the same; Rybar (c027) speaks of the 9th.
    assert (gur["support_counted"], gur["independent_origins"], gur["origins"]) == (
        "on 2024-12-08",
        1,
        "osint_observers",
    )
    rybar = table.loc["c027"]  # not holding on the 8th: counted over its own dates
    assert (rybar["support_counted"], rybar["origins"]) == ("over its own dates", "osint_observers|ukraine_gur")
    latakia = table.loc["c015"]
    assert (latakia["origin"], latakia["same_origin_claims"], latakia["corroborated"]) == ("tass", "", False)
    # No contradiction holds on the 8th at Khmeimim; over their own dates c010 and c026 clash.
    assert table.loc["c022", "contradicting_claim_ids"] == ""
    assert set(table.loc["c010", "contradicting_claim_ids"].split("|")) >= {"c026"}
