"""Exports of the current view: the flat table, spreadsheet-safe CSV and RFC 7946 GeoJSON."""

from __future__ import annotations

import csv
import io
import json

import pandas as pd
import pytest

from claimmap.analysis.dataset import Dataset
from claimmap.views.export import to_csv_bytes, to_geojson, to_geojson_bytes, view_claims_table


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


def test_geojson_is_a_valid_rfc7946_feature_collection(dataset: Dataset, table: pd.DataFrame):
    collection = json.loads(json.dumps(to_geojson(table), allow_nan=False))
    assert collection["type"] == "FeatureCollection" and "crs" not in collection
    place_ids = set(dataset.tables.places["place_id"])
    for feature in collection["features"]:
        assert feature["type"] == "Feature" and feature["id"] in place_ids
        assert feature["geometry"]["type"] == "Point"
        assert all(round(value, 6) == value for value in feature["geometry"]["coordinates"])
    khmeimim = next(f for f in collection["features"] if f["id"] == "khmeimim")
    lon, lat = khmeimim["geometry"]["coordinates"]
    assert lon == pytest.approx(35.94, abs=0.01) and lat == pytest.approx(35.41, abs=0.01)
    exported = [claim["claim_id"] for f in collection["features"] for claim in f["properties"]["claims"]]
    assert sorted(exported) == sorted(table["claim_id"])


def test_geojson_bytes_parse_back(table: pd.DataFrame):
    assert json.loads(to_geojson_bytes(table)) == to_geojson(table)


def test_a_place_without_position_keeps_its_claims_under_a_null_geometry(table: pd.DataFrame):
    unplaced = table.assign(lat=float("nan"), lon=float("nan"))
    collection = json.loads(to_geojson_bytes(unplaced))
    assert all(feature["geometry"] is None for feature in collection["features"])
    assert sum(len(f["properties"]["claims"]) for f in collection["features"]) == len(table)


def test_only_the_claims_of_the_view_are_exported(dataset: Dataset):
    claims = dataset.claims[dataset.claims["place_id"].isin(["khmeimim", "jableh"])]
    view = view_claims_table(dataset, claims)
    assert sorted(row["claim_id"] for row in csv_rows(to_csv_bytes(view))) == sorted(claims["claim_id"])
    features = to_geojson(view)["features"]
    assert {f["id"] for f in features} == {"khmeimim", "jableh"}
    assert sorted(c["claim_id"] for f in features for c in f["properties"]["claims"]) == sorted(claims["claim_id"])


def test_unicode_round_trips(dataset: Dataset):
    statement = "المعارضة تسيطر على «حميميم» — “fully”, it’s said"
    view = view_claims_table(dataset, dataset.claims.head(2).assign(statement=statement))
    assert [row["statement"] for row in csv_rows(to_csv_bytes(view))] == [statement] * 2
    features = json.loads(to_geojson_bytes(view).decode("utf-8"))["features"]
    assert {c["statement"] for f in features for c in f["properties"]["claims"]} == {statement}


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
