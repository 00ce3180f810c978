"""The Curate view, run headless with Streamlit's AppTest: drafts checked live, saved to the
tables, shown on the map on the next run, and the save undone."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from claimmap.config import DATA_ENV
from claimmap.page.curate import EDITED, _from_editor, _speakers_from_editor, _to_editor
from claimmap.tables.csvio import read_raw
from claimmap.tables.schema import read_package
from claimmap.views.curate import picker_payload, place_labels, selected_quote
from fixture_data import BUNDLED, BUNDLED_DATA, REPO

CLAIMS = read_package(BUNDLED_DATA / "datapackage.json").resource("claims")
QUOTE = "the opposition now fully controls the coastal regions of Tartus and Latakia"
DRAFT = {
    "source_id": "src000",
    "place_id": "aleppo_gov",
    "actor_id": "opposition",
    "claim_type": "control",
    "statement": "The opposition holds Aleppo Governorate.",
    "valid_from": "2024-12-09",
    "date_precision": "as_of_report",
    "claimant": "tass_syria_source",
    "via": "tass",
    "hedge": "reported",
    "reliability": "F",
    "credibility": "3",
    "against_interest": "false",
    "quote": QUOTE,
}


def drafts_frame(*rows: dict) -> pd.DataFrame:
    frame = pd.DataFrame([dict.fromkeys(CLAIMS.column_names, "") | row for row in rows], dtype=str)
    return frame.assign(_line=range(2, len(frame) + 2))


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(BUNDLED, tmp_path, dirs_exist_ok=True)
    monkeypatch.setenv(DATA_ENV, str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write_drafts(root: Path, *rows: dict) -> Path:
    drafts = root / "drafts" / "src000.csv"
    drafts.parent.mkdir(exist_ok=True)
    drafts_frame(*rows).drop(columns="_line").to_csv(drafts, index=False)
    return drafts


def curate(root: Path) -> AppTest:
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=90)
    at.query_params["view"] = "curate"
    return at.run()


def place_ids_on_map(at: AppTest) -> set[str]:
    (component,) = [c for c in at.get("component_instance") if c.proto.component_name == "streamlit_folium.st_folium"]
    return set(re.findall(r"place-([a-z0-9_]+)", json.loads(component.proto.json_args)["feature_group"]))


def test_drafts_are_checked_live_saved_shown_on_the_map_and_undone(root: Path):
    claims_before = (root / "data" / "claims.csv").read_bytes()
    drafts = write_drafts(root, DRAFT, DRAFT | {"quote": "the opposition now controls the coast"})
    at = curate(root)
    assert not at.exception
    (checks,) = at.code
    assert checks.value == (
        "row 2: drafts/src000.csv:3: quote: quote not found verbatim in seeds/000_ae3071192ac73a97.txt; "
        "copy the words from the source exactly"
    )
    save = at.button(key="curate_save")
    assert save.label == "Save 1 claim(s) to the tables"
    save.click().run()
    assert not at.exception
    assert at.success[0].value.startswith("Saved c038 to the tables")
    claims = read_raw(root / "data" / "claims.csv", CLAIMS).frame.set_index("claim_id")
    assert claims.at["c038", "place_id"] == "aleppo_gov" and claims.at["c038", "quote_start"] != ""
    assert read_raw(drafts, CLAIMS).frame["quote"].tolist() == ["the opposition now controls the coast"]

    at.segmented_control(key="view").set_value("map").run()  # the next run shows the new claim
    assert "aleppo_gov" in place_ids_on_map(at)

    at.segmented_control(key="view").set_value("curate").run()
    at.button(key="curate_undo").click().run()
    assert "undone" in at.success[0].value
    assert (root / "data" / "claims.csv").read_bytes() == claims_before
    assert len(read_raw(drafts, CLAIMS).frame) == 2


def test_editor_rows_round_trip_to_text_cells():
    drafts = drafts_frame(DRAFT | {"via": "tass>rybar", "valid_to": "", "quote_start": "5", "quote_end": "9"})
    shown = _to_editor(drafts)
    assert list(shown.columns) == EDITED and shown.index.tolist() == [1]
    assert shown.at[1, "via"] == ["tass", "rybar"] and not shown.at[1, "against_interest"]
    back = _from_editor(shown, drafts, "src000")
    assert back.drop(columns="_line").equals(drafts.drop(columns="_line"))
    added = pd.concat([shown, shown.iloc[:1].set_axis([2])])  # a row added in the editor
    two = _from_editor(added, drafts, "src000")
    assert two["source_id"].tolist() == ["src000", "src000"] and two["quote_start"].tolist() == ["5", ""]


def test_new_voices_keep_their_aliases_and_get_an_id_from_the_name():
    edited = pd.DataFrame(
        [{"name": "Coast Monitor", "aliases": "CM|Coast Monitor Network", "kind": "osint_aggregator", "speaker_id": ""}]
    )
    (row,) = _speakers_from_editor(edited).to_dict("records")
    assert row["aliases"] == "CM|Coast Monitor Network" and row["speaker_id"] == "coast_monitor"


def test_picker_payload_carries_offsets_and_marks_drafted_quotes():
    text = "First paragraph.\n\nThe base is isolated, they said.\n"
    drafts = drafts_frame(DRAFT | {"quote": "is isolated", "quote_start": "27", "quote_end": "38"})
    payload = picker_payload(text, drafts)
    texts = [[s["text"] for s in p] for p in payload]
    assert texts == [["First paragraph."], ["The base ", "is isolated", ", they said."]]
    assert [s["start"] for s in payload[1]] == [18, 27, 38] and payload[1][1]["rows"] == ["row 1"]
    assert text[27:38] == "is isolated"
    assert selected_quote(text, 26, 39) == (27, 39) and selected_quote(text, 16, 18) is None


def test_places_are_listed_by_name_kind_parent_and_aliases():
    places = read_raw(BUNDLED_DATA / "places.csv", read_package(BUNDLED_DATA / "datapackage.json").resource("places"))
    frame = places.frame
    labels = place_labels(frame, dict(zip(frame["place_id"], frame["name"])))
    assert labels["khmeimim"].startswith("Khmeimim Air Base — airbase in Latakia Governorate (")
    assert "Hmeimim" in labels["khmeimim"]


def test_the_check_list_shows_controls_in_a_drafted_cell_as_their_code(root: Path):
    write_drafts(root, DRAFT | {"place_id": "aleppo\u202egov\x1b[2J"})
    at = curate(root)
    assert not at.exception
    (checks,) = at.code
    assert "aleppo\\u202egov\\x1b[2J" in checks.value
    assert "\u202e" not in checks.value and "\x1b" not in checks.value
