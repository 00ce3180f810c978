"""Provenance across sources, on the bundled article plus three invented ones (multisource fixture):
src101 relays, through TASS, origins already in the data; src102 brings independent voices;
src103 a ministry's denial, an unattributed rumour and the outlet's own hedged account."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pytest

from claimmap.analysis.asof import facility_status, place_states
from claimmap.analysis.dataset import Dataset, load_dataset
from claimmap.analysis.provenance import NO_ORIGIN, provenance
from claimmap.views.mapview import marker_table, place_features
from claimmap.views.panel import place_dossier
from fixture_data import MULTISOURCE, MULTISOURCE_DATA


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    return load_dataset(MULTISOURCE_DATA)


def support(dataset: Dataset, day=None, claims: pd.DataFrame | None = None) -> pd.DataFrame:
    claims = dataset.claims if claims is None else claims
    return provenance(claims, dataset.tables.speakers).among(claims, day).corroboration().set_index("claim_id")


def test_the_fixture_loads_without_problems(dataset):
    assert [str(p) for p in dataset.problems] == []
    assert len(dataset.claims) == 53 and set(dataset.claims["source_id"]) == {"src000", "src101", "src102", "src103"}


def test_relays_add_no_origin(dataset):
    claims = dataset.claims
    bundled = claims[claims["source_id"] == "src000"]
    relays = claims[(claims["source_id"] == "src101") & (claims["via"] == "tass")]
    assert len(relays) == 6
    before = support(dataset, claims=bundled)
    after = support(dataset, claims=pd.concat([bundled, relays]))
    columns = ["origin", "independent_origins", "origins", "corroborated"]
    assert after.loc[before.index, columns].equals(before[columns])
    # The relayed claims themselves only repeat TASS's origin.
    assert after.loc[relays["claim_id"], "independent_origins"].tolist() == [0] * 6
    assert after.loc["c105", "same_origin_claims"] == "c010|c020"
    assert not after.loc[relays["claim_id"], "corroborated"].any()


def test_the_rumour_adds_no_origin(dataset):
    everything = support(dataset)
    assert everything.loc["c114", "origin"] == NO_ORIGIN
    listed = set(everything["origins"].str.split("|").explode()) - {""}
    assert "rumors" not in listed and listed <= set(everything["origin"])
    assert not everything["supporting_claim_ids"].str.contains("c114").any()
    # Khmeimim has no independent voice on any day: every operating claim goes back to TASS.
    assert not everything.loc[everything["place_id"] == "khmeimim", "corroborated"].any()


@pytest.mark.parametrize("claimant, corroborated", [("rumors", False), ("rybar", True)])
def test_a_rumour_agreeing_with_a_claim_does_not_corroborate_it(tmp_path: Path, claimant, corroborated):
    # Move the rumour onto the day and type of Orbit Watch's observation (aircraft loaded at
    # Khmeimim on the 10th): backed by a named voice it corroborates, as a rumour it does not.
    shutil.copytree(MULTISOURCE, tmp_path, dirs_exist_ok=True)
    path = tmp_path / "data" / "claims.csv"
    text = path.read_text(encoding="utf-8")
    old = "c114,src103,khmeimim,russia,evacuation,"
    assert text.count(old) == 1
    row_start = text.index(old)
    row_end = text.index("\n", row_start)
    row = text[row_start:row_end].replace(old, "c114,src103,khmeimim,,withdrawal,")
    row = row.replace(",2024-12-11,2024-12-11,day,rumors,", f",2024-12-10,2024-12-10,day,{claimant},")
    path.write_text(text[:row_start] + row + text[row_end:], encoding="utf-8")
    edited = load_dataset(tmp_path / "data")
    assert bool(support(edited, "2024-12-10").loc["c109", "corroborated"]) is corroborated
    states = place_states(
        edited.claims,
        "2024-12-10",
        corroborated=edited.provenance.among(edited.claims, "2024-12-10").corroborated_claims(),
    )
    assert bool(states.loc["khmeimim", "corroborated"]) is corroborated  # the marker: filled or hollow


def test_a_later_claim_does_not_corroborate_an_earlier_day(dataset):
    # GUR's withdrawal claim of the 8th: on the 8th only the OSINT observers say the same; the
    # fisherman (9th), Rybar (9th) and Cedar Coast Bulletin's own account (9th) come later.
    assert support(dataset, "2024-12-08").loc["c012", "origins"] == "osint_observers"
    assert support(dataset, "2024-12-09").loc["c012", "origins"] == "khalil_fisherman|osint_observers|rybar|src103"
    # "Operating normally" at Tartus: TASS alone until the ministry speaks on the 11th.
    assert not support(dataset, "2024-12-10").loc["c011", "corroborated"]
    assert support(dataset, "2024-12-11").loc["c011", "origins"] == "russia_mod"


def test_two_anonymous_sources_behind_one_agency_are_one_origin(dataset):
    # tass_syria_source (c007) and regional_sources (c014, c015): both anonymous, both heard only through TASS.
    on_9th = support(dataset, "2024-12-09")
    assert on_9th.loc["c007", ["origin", "independent_origins", "same_origin_claims"]].tolist() == [
        "tass",
        0,
        "c014|c015",
    ]
    assert not on_9th.loc[["c007", "c014", "c015"], "corroborated"].any()
    # From the 10th the opposition's spokesman (src102) says the same, independently.
    assert support(dataset, "2024-12-10").loc["c007", "origins"] == "sahli_opposition"


def days(dataset: Dataset) -> list[dt.date]:
    first, last = dataset.claims["valid_from"].min().date(), dataset.claims["valid_to"].max().date()
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def test_map_caption_and_panel_agree_on_contested_every_day(dataset):
    places, actors = dataset.places, dataset.tables.actors
    checked = 0
    for day in days(dataset):
        on_day = dataset.provenance.among(dataset.claims, day)
        states = place_states(
            dataset.claims, day, contested=on_day.contested_places(), corroborated=on_day.corroborated_claims()
        )
        markers = marker_table(states, places, actors)
        features = place_features(markers)["features"]
        on_map = {f["id"] for f in features if "contested" in f["properties"]["classes"].split()}
        caption_count = int(markers["contested"].sum())  # the dashboard's caption counts this column
        in_panel = {p for p in markers["place_id"] if place_dossier(dataset, p, day).competing}
        assert on_map == in_panel, day
        assert caption_count == len(on_map), day
        checked += len(on_map)
    assert checked > 0


def test_bases_tell_their_story_on_8_and_9_december(dataset):
    voices = dataset.chains["voice"]
    status = {day: facility_status(dataset.claims, dataset.places, day, voices) for day in ("2024-12-08", "2024-12-09")}
    assert status["2024-12-08"].loc["tartus_naval_base", "status_text"] == (
        "withdrawal or evacuation under way: Main Intelligence Directorate of Ukraine (GUR); various OSINT observers"
    )
    assert status["2024-12-08"].loc["khmeimim", "status"] == "withdrawing"  # the presumed evacuation flights
    assert status["2024-12-09"].loc["khmeimim", "status"] == "operating isolated withdrawing"
    assert status["2024-12-09"].loc["tartus_naval_base", "status"] == "operating withdrawing"
    assert (
        "operating: another TASS source in Syria → TASS; regional sources (cited by TASS) → TASS"
        in (status["2024-12-09"].loc["tartus_naval_base", "status_text"])
    )
