"""With more places than the map sends one by one, the page sends what is on screen and sums
crowded cells up in bubbles (the limit is lowered here so the fixture's ten places are 'many')."""

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import claimmap.analysis.viewport as viewport

DASHBOARD = str(Path(__file__).resolve().parents[2] / "dashboard.py")
MAP_KEY = "claimmap_map"
WORLD = {"_southWest": {"lat": -80, "lng": -170}, "_northEast": {"lat": 80, "lng": 170}}
COAST = {"_southWest": {"lat": 35.3, "lng": 35.8}, "_northEast": {"lat": 35.5, "lng": 36.1}}


def map_args(at: AppTest) -> dict:
    (component,) = [c for c in at.get("component_instance") if c.proto.component_name == "streamlit_folium.st_folium"]
    return json.loads(component.proto.json_args)


def places_data(at: AppTest) -> dict:
    """The data of the claimmap.places(group, DATA, selected) call the map gets."""
    call = re.search(r"claimmap\.places\(\w+, (\{.*\}), (?:null|\"[^\"]*\")\);", map_args(at)["feature_group"])
    return json.loads(call.group(1))


def place_ids_on_map(at: AppTest) -> set[str]:
    return {f["id"] for f in places_data(at)["features"]}


def bubble_counts(at: AppTest) -> list[int]:
    return [b["n"] for b in places_data(at)["bubbles"]]


@pytest.fixture
def many(monkeypatch):
    monkeypatch.setattr(viewport, "MAX_MARKERS", 3)
    return AppTest.from_file(DASHBOARD, default_timeout=60)


def test_the_map_reports_its_view_and_gets_what_is_in_it(many):
    at = many.run()
    assert not at.exception
    assert map_args(at)["returned_objects"] == ["last_active_drawing", "bounds", "zoom"]
    at.session_state[MAP_KEY] = {"bounds": COAST, "zoom": 11, "last_active_drawing": None}
    at.run()
    assert place_ids_on_map(at) == {"jableh", "khmeimim"}
    assert bubble_counts(at) == []


def test_zoomed_out_crowded_places_become_one_bubble_and_the_selected_place_stays(many):
    many.query_params["place"] = "aleppo"
    at = many.run()
    at.session_state[MAP_KEY] = {"bounds": WORLD, "zoom": 0, "last_active_drawing": None}
    at.run()
    assert not at.exception
    assert place_ids_on_map(at) == {"aleppo", "moscow"}  # Moscow is far from the Syrian crowd
    assert bubble_counts(at) == [8]
    assert any("8 of the places on screen are summed up in bubbles" in c.value for c in at.caption)
