from geo import boundaries, build_basemap
from geo.boundaries import (
    BASEMAP_FILES,
    BASEMAP_WINDOW,
    LABELS_FILE,
    boundary_geometry,
    contains,
    load_basemap,
    load_labels,
    within_km,
)

BUDGET_BYTES = 150 * 1024
NEIGHBOURS = {
    "LB": "Lebanon",
    "TR": "Turkey",
    "IL": "Israel",
    "PS": "Palestine",
    "JO": "Jordan",
    "IQ": "Iraq",
    "CY": "Cyprus",
}


def positions(coordinates):
    """Every [lon, lat] in a GeoJSON coordinates array, however deeply nested."""
    if isinstance(coordinates[0], (int, float)):
        yield coordinates
    else:
        for part in coordinates:
            yield from positions(part)


def all_features():
    for collection in [*load_basemap().values(), load_labels()]:
        yield from collection["features"]


def countries_by_code():
    return {f["properties"]["iso_a2"]: f for f in load_basemap()["countries"]["features"] if f["properties"]["iso_a2"]}


def labels_by_name():
    return {f["properties"]["name"]: f for f in load_labels()["features"]}


def land():
    (feature,) = load_basemap()["land"]["features"]
    return feature["geometry"]


def signed_area(ring):
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:])) / 2


def test_the_build_script_clips_to_the_window_the_loader_states():
    assert build_basemap.WINDOW == BASEMAP_WINDOW


def test_files_fit_the_size_budget():
    sizes = {path.name: path.stat().st_size for path in [*BASEMAP_FILES.values(), LABELS_FILE]}
    assert sum(sizes.values()) < BUDGET_BYTES, sizes


def test_neighbours_are_present_with_english_names_and_iso_codes():
    countries = countries_by_code()
    for code, name in {**NEIGHBOURS, "SY": "Syria"}.items():
        assert countries[code]["properties"]["name"] == name
        assert countries[code]["geometry"]["type"] == "MultiPolygon"
    assert countries["LB"]["properties"]["iso_n3"] == "422"
    assert countries["TR"]["properties"]["iso_n3"] == "792"


def test_every_position_lies_inside_the_window():
    west, south, east, north = BASEMAP_WINDOW
    for feature in all_features():
        for lon, lat in positions(feature["geometry"]["coordinates"]):
            assert west <= lon <= east and south <= lat <= north, (feature["properties"], lon, lat)


def test_positions_are_rounded_to_at_most_5_decimals():
    for feature in all_features():
        for position in positions(feature["geometry"]["coordinates"]):
            assert all(round(value, 5) == value for value in position), position


def test_rings_are_closed_and_wound_as_rfc_7946_asks():
    for collection in (load_basemap()["land"], load_basemap()["countries"]):
        for feature in collection["features"]:
            for polygon in feature["geometry"]["coordinates"]:
                for index, ring in enumerate(polygon):
                    assert len(ring) >= 4 and ring[0] == ring[-1]
                    # exterior counterclockwise (positive area), holes clockwise
                    assert (signed_area(ring) > 0) == (index == 0)


def test_borders_are_lines_of_two_countries_or_coast():
    kinds = set()
    for feature in load_basemap()["borders"]["features"]:
        properties = feature["properties"]
        kinds.add(properties["kind"])
        assert feature["geometry"]["type"] == "MultiLineString"
        assert len(properties["countries"]) == 1 if properties["kind"] == "coast" else len(properties["countries"]) >= 2
    assert kinds == {"border", "coast"}
    pairs = {tuple(f["properties"]["countries"]) for f in load_basemap()["borders"]["features"]}
    assert {("Lebanon", "Syria"), ("Syria", "Turkey"), ("Jordan", "Syria"), ("Iraq", "Syria")} <= pairs


def test_labels_include_the_towns_the_claims_name():
    labels = labels_by_name()
    for name in ["Damascus", "Aleppo", "Homs", "Latakia", "Tartus", "Beirut", "Amman", "Nicosia"]:
        assert labels[name]["properties"]["kind"] in {"city", "capital"}, name
    assert labels["Damascus"]["properties"]["kind"] == "capital"
    assert labels["Tartus"]["properties"]["country"] == "SY"
    assert labels["Tartus"]["properties"]["population"] > 0
    for name in build_basemap.GOVERNORATE_SEATS:
        assert labels[name]["properties"]["min_zoom"] <= 6, name


def test_labels_have_a_kind_and_a_zoom():
    for feature in load_labels()["features"]:
        properties = feature["properties"]
        assert feature["geometry"]["type"] == "Point"
        assert properties["kind"] in {"country", "sea", "capital", "city"}
        assert properties["min_zoom"] in {5, 6, 7, 8}
        assert properties["name"].strip()


def test_the_mediterranean_label_lies_at_sea():
    (sea,) = [f for f in load_labels()["features"] if f["properties"]["kind"] == "sea"]
    assert sea["properties"]["name"] == "Mediterranean Sea"
    lon, lat = sea["geometry"]["coordinates"]
    assert not contains(land(), lat, lon)
    for country in load_basemap()["countries"]["features"]:
        assert not contains(country["geometry"], lat, lon), country["properties"]["name"]


def test_country_labels_lie_inside_their_country():
    countries = countries_by_code()
    for feature in load_labels()["features"]:
        if feature["properties"]["kind"] == "country":
            lon, lat = feature["geometry"]["coordinates"]
            assert contains(countries[feature["properties"]["country"]]["geometry"], lat, lon), feature
    # ... and in the bundled outline too, for Syria's own label.
    (syria,) = [f for f in load_labels()["features"] if f["properties"]["name"] == "Syria"]
    assert contains(boundary_geometry("SY"), syria["geometry"]["coordinates"][1], syria["geometry"]["coordinates"][0])


def test_city_labels_lie_on_land():
    for feature in load_labels()["features"]:
        if feature["properties"]["kind"] in {"city", "capital"}:
            lon, lat = feature["geometry"]["coordinates"]
            assert within_km(land(), lat, lon, 1.0), feature["properties"]["name"]


def test_syrian_city_labels_lie_in_syria():
    for feature in load_labels()["features"]:
        if feature["properties"].get("country") == "SY" and feature["properties"]["kind"] != "country":
            lon, lat = feature["geometry"]["coordinates"]
            assert within_km(boundary_geometry("SY"), lat, lon, 1.0), feature["properties"]["name"]


def test_land_covers_the_neighbours_and_syria():
    # Beirut, southern Turkey, Amman, Nicosia, Damascus: all on land; the open sea off Cyprus is not.
    for lat, lon in [(33.89, 35.50), (38.0, 36.0), (31.95, 35.93), (35.17, 33.36), (33.51, 36.29)]:
        assert contains(land(), lat, lon)
    assert not contains(land(), 34.0, 34.0)


def test_loaders_return_copies_callers_may_change():
    load_basemap()["countries"]["features"].clear()
    load_labels()["features"].clear()
    assert countries_by_code()["LB"]
    assert labels_by_name()["Beirut"]
    assert boundaries.load_basemap().keys() == {"land", "countries", "borders"}
