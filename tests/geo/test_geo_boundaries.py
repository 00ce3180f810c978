import hashlib
import re

from geo import MAP_CREDITS, boundaries
from geo.boundaries import (
    BOUNDARY_DIR,
    boundary_geometry,
    contains,
    country_label_points,
    governorate_label_points,
    load_country_outline,
    load_governorates,
    within_km,
)

GOVERNORATE_CODES = {
    "SY-DI",
    "SY-RD",
    "SY-QU",
    "SY-DR",
    "SY-SU",
    "SY-HI",
    "SY-TA",
    "SY-LA",
    "SY-HM",
    "SY-ID",
    "SY-HL",
    "SY-RA",
    "SY-DY",
    "SY-HA",
}


def test_files_match_the_checksums_in_sources_md():
    sources = (BOUNDARY_DIR / "SOURCES.md").read_text(encoding="utf-8")
    listed = dict(re.findall(r"`([\w.]+\.geojson)` \| `([0-9a-f]{64})`", sources))
    assert set(listed) == {path.name for path in BOUNDARY_DIR.glob("*.geojson")}
    assert {"syria_governorates.geojson", "syria_outline.geojson"} <= set(listed)
    for name, digest in listed.items():
        assert hashlib.sha256((BOUNDARY_DIR / name).read_bytes()).hexdigest() == digest


def test_governorates_are_the_14_iso_codes():
    collection = load_governorates()
    assert collection["type"] == "FeatureCollection"
    assert {feature["id"] for feature in collection["features"]} == GOVERNORATE_CODES


def test_loaders_return_copies_callers_may_change():
    load_governorates()["features"].clear()
    load_country_outline()["features"].clear()
    assert len(load_governorates()["features"]) == 14
    assert {f["id"] for f in load_country_outline()["features"]} == {"SY", "SY-X01~"}


def test_every_label_point_lies_inside_its_own_polygon():
    points = governorate_label_points()
    assert list(points.columns) == ["iso_code", "name_en", "name_ar", "lat", "lon"]
    assert set(points["iso_code"]) == GOVERNORATE_CODES
    for point in points.itertuples():
        assert contains(boundary_geometry(point.iso_code), point.lat, point.lon), point.iso_code


def test_country_point_lies_inside_the_outline():
    (point,) = country_label_points().itertuples()
    assert (point.iso_code, point.name_ar) == ("SY", "سوريا")
    assert contains(boundary_geometry("SY"), point.lat, point.lon)


def test_damascus_city_is_a_hole_in_rif_dimashq():
    # Umayyad Mosque, Damascus: 33.5114 N, 36.3064 E (Wikipedia).
    assert contains(boundary_geometry("SY-DI"), 33.5114, 36.3064)
    assert not contains(boundary_geometry("SY-RD"), 33.5114, 36.3064)


def test_offshore_coastal_town_is_within_the_tolerance():
    # Wikipedia's arc-minute point for Tartus, 34.8833 N 35.8833 E, is ~0.2 km offshore
    # of the 1:10m outline (geo/data/SOURCES.md).
    outline = boundary_geometry("SY")
    assert not contains(outline, 34.8833, 35.8833)
    assert within_km(outline, 34.8833, 35.8833, 2.0)
    assert not within_km(outline, 34.8833, 35.8833, 0.05)


def test_points_abroad_are_not_within_the_tolerance():
    outline = boundary_geometry("SY")
    # Beirut 33.8938 N 35.5018 E; Nicosia 35.1856 N 33.3823 E (Wikipedia).
    assert not within_km(outline, 33.8938, 35.5018, 2.0)
    assert not within_km(outline, 35.1856, 33.3823, 2.0)


def test_unknown_iso_code_has_no_geometry():
    assert boundary_geometry("TR-31") is None


def test_map_credits_name_both_sources_and_are_html_safe():
    assert "Natural Earth" in MAP_CREDITS and "GeoNames (CC BY 4.0)" in MAP_CREDITS
    assert not set("<>&\"'") & set(MAP_CREDITS)


def test_geometry_reads_are_cached():
    load_governorates()
    before = boundaries._read.cache_info().hits
    load_governorates()
    assert boundaries._read.cache_info().hits == before + 1
