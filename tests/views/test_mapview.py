import json
import re

import branca
import pandas as pd
import pytest

from claimmap.views.assets import APP_URL, BASEMAP_NAMES, STATIC_URL
from claimmap.views.mapview import (
    SELECTED_LAYER,
    SYRIA_BOUNDS,
    base_map,
    claim_bounds,
    clicked_place_id,
    governorate_features,
    governorate_layer,
    governorate_layer_data,
    map_text,
    marker_table,
    newly_clicked_place_id,
    place_features,
    place_layer,
    place_layer_data,
    place_tooltips,
    script_json,
)
from geo import MAP_CREDITS

HOSTILE = 'Khmeimim <img src=x onerror=alert(1)> ${alert(2)} `tick` C:\\users "q" \'s & </script>'
ACTORS = pd.DataFrame(
    {"actor_id": ["rebels", "russia"], "name": ["Rebels <b>", "Russia"], "color": ["#009E73", "#0072B2"]}
)


def markers(**overrides):
    row = {
        "place_id": "khmeimim",
        "name": "Khmeimim Air Base",
        "kind": "airbase",
        "lat": 35.41,
        "lon": 35.95,
        "color": "#0072B2",
        "uncertain": False,
        "contested": False,
        "doubtful": False,
        "corroborated": True,
        "actor_id": "",
        "holder": "",
        "partial_actor_id": "",
        "partial_holder": "",
        "n_claims": 3,
        "n_holding": 2,
    }
    row.update(overrides)
    return pd.DataFrame([row])


@pytest.mark.parametrize(
    "raw, forbidden",
    [
        ("<img src=x>", "<"),  # HTML tags
        ("a & b", "& "),  # entities
        ('say "x"', '"'),  # attribute breakout
        ("it's", "'"),
        ("`x`", "`"),  # closes folium's JS template literal
        ("${alert(1)}", "$"),  # template-literal interpolation runs code
        ("C:\\users", "\\"),  # backslash escapes break the JS string (a SyntaxError blanks the map)
    ],
)
def test_map_text_neutralises_html_and_template_literals(raw, forbidden):
    assert forbidden not in map_text(raw)


def test_place_features_carry_the_place_id_for_click_mapping():
    feature = place_features(markers())["features"][0]
    assert feature["id"] == feature["properties"]["id"] == "khmeimim"
    assert feature["geometry"] == {"type": "Point", "coordinates": [35.95, 35.41]}


@pytest.mark.parametrize(
    "flags, expected, absent",
    [
        ({"uncertain": True}, {"uncertain"}, {"contested", "hollow"}),
        ({"contested": True}, {"contested"}, {"uncertain"}),
        ({"corroborated": False}, {"hollow"}, {"contested"}),  # drawn hollow until independently corroborated
        ({"doubtful": True}, {"doubtful"}, {"contested", "hollow"}),
    ],
)
def test_marker_classes_show_uncertainty_dispute_and_corroboration(flags, expected, absent):
    classes = set(place_features(markers(**flags))["features"][0]["properties"]["classes"].split())
    assert {"claim-marker", "shape-facility", "place-khmeimim"} | expected <= classes
    assert not classes & absent


@pytest.mark.parametrize(
    "kind, shape",
    [
        ("airbase", "facility"),
        ("naval_base", "facility"),
        ("city", "town"),
        ("governorate", "area"),
        ("country", "area"),
    ],
)
def test_marker_shape_tells_the_kind(kind, shape):
    assert f"shape-{shape}" in place_features(markers(kind=kind))["features"][0]["properties"]["classes"]


def test_the_selected_place_is_named_to_the_browser_apart_from_the_day_s_markers():
    data = place_layer_data(markers())
    m = base_map(ACTORS, MAP_CREDITS)
    place_layer(data, selected="khmeimim").add_to(m)
    assert re.search(r'claimmap\.places\(\w+, \{.*\}, "khmeimim"\);', rendered(m))
    assert "selected" not in data.replace("selectedZ", "")  # so clicks reuse the cached day layer


def rendered(m) -> str:
    return m.get_root().render()


def test_hostile_names_reach_the_rendered_map_only_escaped():
    m = base_map(ACTORS.assign(name=HOSTILE), MAP_CREDITS)
    place_layer(place_layer_data(markers(name=HOSTILE))).add_to(m)
    out = rendered(m)
    for fragment in ("<img src=x", "${alert", "`tick`", "C:\\users", "</script> ", "<b>"):
        assert fragment not in out
    assert "Khmeimim &lt;img" in out.replace("\\u0026", "&")  # the legend's HTML, as text


@pytest.mark.parametrize("name", ["{{ 7*7 }}", "{% broken", "{# open"])
def test_names_that_look_like_jinja_reach_the_map_as_text(name):
    # branca compiles a rendered script as a template again: '{{ 7*7 }}' became 49, '{%' raised.
    m = base_map(ACTORS.assign(name=name), MAP_CREDITS)
    place_layer(place_layer_data(markers(name=name))).add_to(m)
    (call,) = re.findall(r"claimmap\.places\(.*", rendered(m))
    assert json.dumps(name)[1:-1] in call  # as written, not evaluated


@pytest.mark.parametrize("text", [HOSTILE, '\\"', "a\\u0041", "line\u2028break", "tab\there"])
def test_script_json_keeps_the_value_and_nothing_that_ends_a_script_or_template(text):
    literal = script_json({"name": text})
    assert json.loads(literal) == {"name": text}
    assert not set(literal) & set("<>&'`$\u2028\u2029")
    assert "\\\\" not in literal  # no literal backslash pair either (a template literal would undo it)


def test_tooltips_say_in_words_who_holds_it_and_its_marks():
    table = pd.concat(
        [
            markers(actor_id="rebels", holder="Rebels", contested=True, uncertain=True),
            markers(place_id="jableh", name="Jableh", kind="city", doubtful=True, corroborated=False),
        ],
        ignore_index=True,
    )
    held, unheld = place_tooltips(table)
    assert held[:2] == ["air base", "Held by Rebels, as claimed"]
    assert {"Date only approximate", "! contested: sources disagree", "Independently corroborated"} <= set(held)
    assert "No claim on this day of who holds it" in unheld
    assert {"? only alleged, presumed or rumored", "Not independently corroborated"} <= set(unheld)
    assert "2 claim(s) holding on this day" in unheld


def test_markers_have_an_accessible_name_and_exact_places_keep_their_labels_first():
    table = pd.concat(
        [markers(place_id="gov", name="Gov", kind="governorate"), markers(), markers(place_id="town", kind="city")],
        ignore_index=True,
    )
    features = {f["id"]: f["properties"] for f in place_features(table)["features"]}
    assert features["khmeimim"]["aria"].startswith("Khmeimim Air Base: air base; No claim")
    assert features["khmeimim"]["rank"] < features["town"]["rank"] < features["gov"]["rank"]


def test_every_script_and_stylesheet_is_served_locally():
    m = base_map(ACTORS, MAP_CREDITS)
    place_layer(place_layer_data(markers())).add_to(m)

    def walk(element):
        yield element
        for child in getattr(element, "_children", {}).values():
            yield from walk(child)

    urls = [url for e in walk(m) for _, url in [*getattr(e, "default_js", []), *getattr(e, "default_css", [])]]
    assert urls and all(url.startswith((STATIC_URL, APP_URL)) for url in urls), urls
    assert not any(isinstance(e, branca.colormap.ColorMap) for e in walk(m))  # would pull d3 from a CDN


def test_base_map_is_the_same_on_every_build():
    """streamlit-folium remounts the map when its script changes; only the date layers may vary."""

    def script():
        m = base_map(ACTORS, MAP_CREDITS, claim_bounds(markers()))
        return re.sub(r"_[0-9a-f]{32}", "", rendered(m))

    assert script() == script()


def test_base_map_fetches_the_basemap_instead_of_embedding_it():
    out = rendered(base_map(ACTORS, MAP_CREDITS))
    assert "claimmap.basemap(" in out and all(name in out for name in BASEMAP_NAMES)
    assert '"coordinates"' not in out  # no geometry travels with the page's reruns
    assert len(out) < 20_000


def test_map_is_fitted_to_the_places_on_the_basemap():
    coast = pd.concat([markers(), markers(place_id="tartus", lat=34.89, lon=35.89)], ignore_index=True)
    (south, west), (north, east) = claim_bounds(coast)
    assert south < 34.89 and north > 35.41 and west < 35.89 and east > 35.95
    assert north - south < 3  # tight around the coast, not the whole of Syria
    moscow = markers(place_id="moscow", lat=55.75, lon=37.62)
    assert claim_bounds(pd.concat([coast, moscow])) == claim_bounds(coast)  # off the basemap: not fitted
    assert claim_bounds(moscow) == SYRIA_BOUNDS


def test_governorates_shaded_by_claimed_actor_only_where_claimed():
    control = pd.DataFrame(
        {
            "place_id": ["latakia_gov"],
            "iso_code": ["SY-LA"],
            "actor_id": ["rebels"],
            "uncertain": [True],
            "partial": [False],
        }
    )
    (area,) = governorate_features(control, ACTORS, {"latakia_gov": "Latakia Governorate"})
    assert (area["id"], area["iso"], area["name"]) == ("latakia_gov", "SY-LA", "Latakia Governorate")
    assert area["style"]["fillColor"] == "#009E73" and area["style"]["dashArray"]  # uncertain: dashed
    assert area["tooltip"] == ["Held by Rebels <b>, as claimed", "Date only approximate"]
    m = base_map(ACTORS, MAP_CREDITS)
    governorate_layer(governorate_layer_data(control, ACTORS, {})).add_to(m)
    out = rendered(m)
    assert "claimmap.areas(" in out and "Rebels \\u003cb\\u003e" in out


def test_a_claim_about_parts_of_an_area_is_drawn_as_parts_never_as_held():
    parts = markers(place_id="syria", name="Syria", kind="country", partial_actor_id="rebels", partial_holder="Rebels")
    (feature,) = place_features(parts)["features"]
    assert "partial" in feature["properties"]["classes"].split()
    assert feature["properties"]["tooltip"][1] == (
        "Parts held by Rebels, as claimed of unnamed parts of it, not the whole"
    )
    both = parts.assign(actor_id="russia", holder="Russia")
    (feature,) = place_features(both)["features"]
    assert "partial" not in feature["properties"]["classes"].split()
    assert feature["properties"]["tooltip"][1:3] == [
        "Held by Russia, as claimed",
        "Later: parts held by Rebels, as claimed of unnamed parts of it, not the whole",
    ]


def test_a_governorate_claimed_in_parts_gets_a_dotted_outline_and_no_fill():
    control = pd.DataFrame(
        {"place_id": ["g"], "iso_code": ["SY-LA"], "actor_id": ["rebels"], "uncertain": [False], "partial": [True]}
    )
    (area,) = governorate_features(control, ACTORS, {})
    assert area["style"]["fillOpacity"] == 0 and area["style"]["dashArray"]
    assert area["tooltip"][0].startswith("Parts held by Rebels")


def test_marker_table_colors_by_control_and_neutral_without():
    states = pd.DataFrame(
        {
            "actor_id": ["rebels", ""],
            "partial_actor_id": ["", ""],
            "uncertain": [False, False],
            "contested": [False, False],
            "doubtful": [False, False],
            "corroborated": [True, True],
        },
        index=pd.Index(["tartus", "khmeimim"], name="place_id"),
    )
    places = pd.DataFrame(
        {
            "place_id": ["tartus", "khmeimim"],
            "name": ["Tartus", "Khmeimim"],
            "kind": ["city", "airbase"],
            "lat": [34.9, 35.4],
            "lon": [35.9, 35.9],
        }
    )
    table = marker_table(states, places, ACTORS).set_index("place_id")
    assert table.loc["tartus", "color"] == "#009E73" and table.loc["tartus", "holder"] == "Rebels <b>"
    assert table.loc["khmeimim", "color"] == "#9E9E9E"


@pytest.mark.parametrize(
    "value, expected",
    [
        (None, None),  # map not clicked yet
        ({"last_active_drawing": None}, None),
        ({"last_active_drawing": {"properties": {"id": "khmeimim"}}}, "khmeimim"),
        ({"last_active_drawing": {"id": "tartus", "properties": {}}}, "tartus"),  # falls back to the feature id
        ({"last_active_drawing": {"properties": {"id": 7}}}, None),  # not one of our string ids
    ],
)
def test_clicked_place_id(value, expected):
    assert clicked_place_id(value) == expected


def test_legend_names_every_actor_escaped_and_starts_folded():
    out = rendered(base_map(ACTORS, MAP_CREDITS))
    legend = json.loads(re.search(r"div\.innerHTML = (\".*?\");", out).group(1))
    assert "Rebels &lt;b&gt;" in legend and "Russia" in legend and "contested" in legend
    assert legend.startswith("<details><summary>")  # folded: no `open`


def test_exact_markers_sit_above_area_rings_and_the_selected_goes_above_all():
    table = pd.concat(
        [
            markers(place_id="gov", kind="governorate"),
            markers(place_id="base", kind="airbase"),
            markers(place_id="town", kind="city"),
        ]
    )
    z = {f["id"]: f["properties"]["z"] for f in place_features(table)["features"]}
    assert z["gov"] < z["town"] < z["base"] < SELECTED_LAYER


def test_place_layer_sends_its_markers_as_data_to_the_static_map_code():
    m = base_map(ACTORS, MAP_CREDITS)
    place_layer(place_layer_data(markers())).add_to(m)
    out = rendered(m)
    call = re.search(r"claimmap\.places\(\w+, (\{.*\}), null\);", out)
    data = json.loads(call.group(1))
    assert [f["id"] for f in data["features"]] == ["khmeimim"]
    assert data["clusterMin"] > 5 and len(data["window"]) == 4
    assert data["bubbles"] == []


def test_cells_the_server_sums_up_go_as_count_bubbles_with_numbers_only():
    clusters = pd.DataFrame({"lat": [35.0, 36.0], "lon": [38.0, 37.0], "n_places": [12, 9], "n_contested": [2, 0]})
    data = json.loads(place_layer_data(markers(), clusters))
    assert data["bubbles"] == [
        {"lat": 35.0, "lon": 38.0, "n": 12, "label": "12 places, 2 contested: zoom in"},
        {"lat": 36.0, "lon": 37.0, "n": 9, "label": "9 places: zoom in"},
    ]


def test_only_a_new_click_selects_a_place_not_a_pan():
    click = {"type": "Feature", "id": "khmeimim", "properties": {"id": "khmeimim"}}
    panned = {"bounds": {"_southWest": {"lat": 35, "lng": 35}}, "zoom": 9, "last_active_drawing": click}
    assert newly_clicked_place_id({"last_active_drawing": click}, None) == "khmeimim"
    assert newly_clicked_place_id(panned, click) is None
    other = {"type": "Feature", "id": "jableh", "properties": {"id": "jableh"}}
    assert newly_clicked_place_id({**panned, "last_active_drawing": other}, click) == "jableh"
    assert newly_clicked_place_id(None, click) is None


def test_facility_status_is_shown_in_signs_classes_and_words():
    row = markers(
        status="operating withdrawing",
        status_text=f"operating: TASS · withdrawal or evacuation under way: {HOSTILE}",
        contested=True,
    )
    props = place_features(row)["features"][0]["properties"]
    assert {"status-operating", "status-withdrawing", "contested"} <= set(props["classes"].split())
    assert props["status_signs"] == "✓↗"
    assert props["status_words"] == "claimed: operating; withdrawal or evacuation under way"
    lines = props["tooltip"]
    assert lines[2:4] == ["✓ claimed operating: TASS", f"↗ claimed withdrawal or evacuation under way: {HOSTILE}"]
    assert "! contested: sources disagree" in lines
    assert "claimed operating: TASS" in props["aria"]  # a screen reader hears it too


def test_a_place_without_status_has_no_signs():
    props = place_features(markers())["features"][0]["properties"]
    assert props["status_signs"] == "" and props["status_words"] == "" and "status-" not in props["classes"]
    assert not any("claimed " in line and ":" in line for line in props["tooltip"])


def test_a_facility_without_control_takes_the_color_of_its_status_claims():
    states = pd.DataFrame(
        {
            "actor_id": [""],
            "partial_actor_id": [""],
            "uncertain": [False],
            "contested": [False],
            "doubtful": [False],
            "corroborated": [True],
        },
        index=pd.Index(["khmeimim"], name="place_id"),
    )
    places = pd.DataFrame({"place_id": ["khmeimim"], "name": ["K"], "kind": ["airbase"], "lat": [35.4], "lon": [35.9]})
    statuses = pd.DataFrame(
        {"status": ["operating"], "status_text": ["operating: TASS"], "status_actor": ["russia"]},
        index=pd.Index(["khmeimim"], name="place_id"),
    )
    assert marker_table(states, places, ACTORS, statuses).loc[0, "color"] == "#0072B2"
    assert marker_table(states, places, ACTORS).loc[0, "color"] == "#9E9E9E"
