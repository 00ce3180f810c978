"""The page, run headless with Streamlit's AppTest (no browser): widgets, map payload, panel."""

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from fixture_data import BUNDLED

REPO = Path(__file__).resolve().parents[2]
DASHBOARD = str(REPO / "dashboard.py")


def run_app(**query) -> AppTest:
    at = AppTest.from_file(DASHBOARD, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def map_args(at: AppTest) -> dict:
    (component,) = [c for c in at.get("component_instance") if c.proto.component_name == "streamlit_folium.st_folium"]
    return json.loads(component.proto.json_args)


def place_ids_on_map(at: AppTest) -> set[str]:
    return set(re.findall(r"place-([a-z0-9_]+)", map_args(at)["feature_group"]))


@pytest.fixture(scope="module")
def app() -> AppTest:
    return run_app()


def test_page_runs_without_exceptions(app):
    assert not app.exception
    assert not app.error  # the bundled data has no problems to report


def test_slider_spans_the_claims_dates(app):
    slider = app.slider(key="day")
    assert slider.value == dt.date(2024, 12, 9)  # opens on the latest day
    assert dt.datetime.fromtimestamp(slider.min / 1e6, dt.UTC).date() == dt.date(2024, 11, 21)
    assert dt.datetime.fromtimestamp(slider.max / 1e6, dt.UTC).date() == dt.date(2024, 12, 9)


def test_map_layer_follows_the_date():
    at = run_app()
    assert {"khmeimim", "tartus_naval_base", "latakia_gov", "jableh"} <= place_ids_on_map(at)
    at.slider(key="day").set_value(dt.date(2024, 11, 22)).run()
    early = place_ids_on_map(at)
    assert "syria" in early and "aleppo" in early
    assert not early & {"khmeimim", "tartus_naval_base", "latakia_gov"}


def test_map_component_key_survives_slider_moves():
    """The same key means streamlit-folium swaps the layers in place instead of remounting the map."""
    at = run_app()
    key = map_args(at)["key"]
    for day in (dt.date(2024, 11, 22), dt.date(2024, 12, 8)):
        at.slider(key="day").set_value(day).run()
        assert map_args(at)["key"] == key


def test_map_returns_only_the_clicked_feature(app):
    assert map_args(app)["returned_objects"] == ["last_active_drawing"]


def test_no_script_or_stylesheet_from_a_cdn(app):
    args = map_args(app)
    assert args["js_links"] and all(u.startswith("/app/static/") for u in args["js_links"] + args["css_links"])


def test_reruns_send_no_basemap_geometry(app):
    """The browser fetches the basemap once; a rerun carries only the date's markers and areas."""
    args = map_args(app)
    assert "claimmap.basemap(" in args["script"] and "levant_land.geojson" in args["script"]
    assert '"coordinates": [[' not in args["script"] + args["feature_group"]  # no polygon or line
    assert len(args["script"]) + len(args["header"]) + len(args["feature_group"]) < 40_000


def panel_data_sent(at: AppTest) -> dict:
    """What the panel's component was given to draw."""
    (panel,) = [c for c in at.get("bidi_component") if c.proto.component_name == "claimmap_panel"]
    return json.loads(panel.proto.json)


def test_place_and_date_from_the_url_fill_the_panel():
    at = run_app(place="khmeimim", date="2024-12-09")
    assert "Sourcing: Khmeimim Air Base" in [h.value for h in at.subheader][0]
    panel = panel_data_sent(at)
    assert any("the Khmeimim base is isolated" in card["quote"] for card in panel["holding"])
    assert panel["day"] == "2024-12-09" and panel["sides"]  # sources disagree there
    assert at.query_params["place"] == ["khmeimim"] or at.query_params["place"] == "khmeimim"


def test_date_from_the_url_moves_the_slider_and_splits_later_claims():
    at = run_app(place="syria", date="2024-11-25")
    assert at.slider(key="day").value == dt.date(2024, 11, 25)
    assert any(fold["title"].startswith("Later claims") for fold in panel_data_sent(at)["folded"])


def test_unknown_place_in_the_url_is_ignored():
    at = run_app(place="atlantis")
    assert not at.exception and at.selectbox(key="place_box").value is None


def test_problems_are_listed_while_valid_rows_still_draw(tmp_path, monkeypatch):
    shutil.copytree(BUNDLED / "data", tmp_path / "data")
    shutil.copytree(BUNDLED / "seeds", tmp_path / "seeds")
    claims = tmp_path / "data" / "claims.csv"
    claims.write_text(
        claims.read_text(encoding="utf-8").replace("c026,src000,khmeimim", "c026,src000,atlantis"), encoding="utf-8"
    )
    monkeypatch.setenv("CLAIMMAP_DATA", str(tmp_path / "data"))
    at = run_app()
    assert at.error and "problem" in at.error[0].value
    assert not at.code  # folded: the list is drawn once opened
    at.session_state["problems_box"] = True
    listing = at.run().code[0].value
    assert re.search(r"claims\.csv:\d+: place_id: .*atlantis", listing)
    assert "khmeimim" in place_ids_on_map(at)  # its other claims still draw


def test_names_in_widget_options_cannot_reorder_the_text(tmp_path, monkeypatch):
    shutil.copytree(BUNDLED / "data", tmp_path / "data")
    shutil.copytree(BUNDLED / "seeds", tmp_path / "seeds")
    for name, old in (("places.csv", "Khmeimim Air Base"), ("actors.csv", "Russia,")):
        path = tmp_path / "data" / name
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, "\u202e" + old), encoding="utf-8")
    monkeypatch.setenv("CLAIMMAP_DATA", str(tmp_path / "data"))
    at = run_app()
    assert not at.exception
    options = [o for box in [*at.selectbox, *at.multiselect] for o in box.options]
    assert not [o for o in options if "\u202e" in o]
    # (the place box's label goes on with the place's other names)
    assert any(o.startswith("<U+202E>Khmeimim Air Base") for o in options) and "<U+202E>Russia" in options


def test_only_the_chosen_view_is_built():
    """Timeline and reader are computed only when shown, so slider moves on the map stay fast."""
    at = run_app()
    assert not at.get("vega_lite_chart") and at.get("component_instance")
    timeline = run_app(view="timeline")
    assert timeline.get("vega_lite_chart") and not timeline.get("component_instance")
    reader = run_app(view="reader", place="khmeimim")
    (component,) = reader.get("component_instance")
    args = json.loads(component.proto.json_args)
    assert "c026" in args["emphasised"]  # the selected place's quotes are marked
    assert any(s["text"] == "the Khmeimim base is isolated" for p in args["paragraphs"] for s in p)
    assert component.proto.component_name != "streamlit_folium.st_folium"
