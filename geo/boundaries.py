"""Syria's governorate polygons and country outline (Natural Earth), point-in-polygon
tests on them, and the offline basemap around Syria (neighbours, land, borders, labels).

Geometries are GeoJSON dicts with [lon, lat] positions (RFC 7946). Only
Polygon and MultiPolygon occur in the bundled files.
"""

import copy
import json
import math
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pandas as pd
from geopy.distance import geodesic

BOUNDARY_DIR = Path(__file__).resolve().parent / "data"
GOVERNORATES_FILE = BOUNDARY_DIR / "syria_governorates.geojson"
OUTLINE_FILE = BOUNDARY_DIR / "syria_outline.geojson"
# The basemap, made by geo/build_basemap.py (see SOURCES.md).
BASEMAP_FILES = {
    "land": BOUNDARY_DIR / "levant_land.geojson",
    "countries": BOUNDARY_DIR / "levant_countries.geojson",
    "borders": BOUNDARY_DIR / "levant_borders.geojson",
}
LABELS_FILE = BOUNDARY_DIR / "levant_labels.geojson"
# west, south, east, north in degrees: every basemap and label position lies inside.
BASEMAP_WINDOW = (32.0, 30.0, 45.0, 38.5)


LABEL_POINT_COLUMNS = ["iso_code", "name_en", "name_ar", "lat", "lon"]

# Spacing of the points sampled along a border when measuring how far a point
# lies outside it; half of it is the worst-case error of that measurement.
EDGE_SAMPLE_KM = 0.1
# A degree of latitude is at least 110.5 km, so this turns km into a slightly
# generous window in degrees.
KM_PER_DEGREE_LAT = 110.0


@cache
def _read(path: Path) -> dict:
    with path.open(encoding="utf-8") as file:
        return json.load(file)


def load_governorates() -> dict:
    """The 14 governorates as a GeoJSON FeatureCollection (a fresh copy each call)."""
    return copy.deepcopy(_read(GOVERNORATES_FILE))


def load_country_outline() -> dict:
    """Syria's outline and the UNDOF zone as a GeoJSON FeatureCollection (a fresh copy)."""
    return copy.deepcopy(_read(OUTLINE_FILE))


def load_basemap() -> dict[str, dict]:
    """The basemap around Syria as FeatureCollections (fresh copies), in drawing order.

    "land": one MultiPolygon of all land in BASEMAP_WINDOW; everything else is sea.
    "countries": a MultiPolygon per country or territory (name, iso_a2, iso_n3, kind), Syria too.
    "borders": MultiLineStrings, kind "border" (with the two `countries`) or "coast"; unlike the
    polygons' outlines they have no edges along the window's sides.
    """
    return {layer: copy.deepcopy(_read(path)) for layer, path in BASEMAP_FILES.items()}


def load_labels() -> dict:
    """Label points (name, kind "country" / "sea" / "capital" / "city", min_zoom), a fresh copy.

    Cities also carry country (ISO alpha-2), population and geonameid; most populous first.
    """
    return copy.deepcopy(_read(LABELS_FILE))


def governorate_label_points() -> pd.DataFrame:
    """One row per governorate: iso_code, name_en, name_ar and a point inside its polygon."""
    rows = [
        (p["iso_3166_2"], p["name_en"], p["name_ar"], p["label_lat"], p["label_lon"])
        for p in (feature["properties"] for feature in _read(GOVERNORATES_FILE)["features"])
    ]
    return pd.DataFrame(rows, columns=LABEL_POINT_COLUMNS)


def country_label_points() -> pd.DataFrame:
    """Like governorate_label_points, for the country outline (iso_code SY)."""
    # The outline carries no label point; its centroid lies inside (see the tests).
    rows = [
        (p["iso_3166_1"], p["name_en"], p["name_ar"], p["centroid_lat"], p["centroid_lon"])
        for p in (feature["properties"] for feature in _read(OUTLINE_FILE)["features"])
        if p["kind"] == "country"
    ]
    return pd.DataFrame(rows, columns=LABEL_POINT_COLUMNS)


def boundary_label_points() -> pd.DataFrame:
    """Label points of every bundled governorate and country, one row per iso_code."""
    return pd.concat([governorate_label_points(), country_label_points()], ignore_index=True)


def boundary_geometry(iso_code: str) -> dict | None:
    """The geometry of the governorate or country with this ISO code, or None if not bundled."""
    for path in (GOVERNORATES_FILE, OUTLINE_FILE):
        for feature in _read(path)["features"]:
            if feature["id"] == iso_code:
                return feature["geometry"]
    return None


def country_at(lat: float, lon: float) -> str | None:
    """The name of the basemap's country or territory whose land holds (lat, lon), None at sea
    or beyond the basemap."""
    for feature in _read(BASEMAP_FILES["countries"])["features"]:
        if contains(feature["geometry"], lat, lon):
            return str(feature["properties"]["name"])
    return None


def contains(geometry: dict, lat: float, lon: float) -> bool:
    """True if (lat, lon) lies inside the Polygon or MultiPolygon (holes excluded)."""
    return any(_inside_polygon(rings, lon, lat) for rings in _polygons(geometry))


def within_km(geometry: dict, lat: float, lon: float, km: float) -> bool:
    """True if (lat, lon) lies inside the geometry or at most `km` from its border.

    The tolerance absorbs the generalized 1:10m coastline, which can put a
    coastal town a few hundred metres offshore.
    """
    if contains(geometry, lat, lon):
        return True
    return any(geodesic((lat, lon), sample).km <= km for sample in _border_samples_near(geometry, lat, lon, km))


def _polygons(geometry: dict) -> list[list[list[list[float]]]]:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["coordinates"]
    raise ValueError(f"geometry type {geometry['type']!r} is not supported; expected Polygon or MultiPolygon")


def _inside_polygon(rings: list[list[list[float]]], x: float, y: float) -> bool:
    # Even-odd ray casting over all rings, so a point in a hole counts as outside.
    inside = False
    for ring in rings:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
    return inside


def _border_samples_near(geometry: dict, lat: float, lon: float, km: float) -> Iterator[tuple[float, float]]:
    """(lat, lon) points every EDGE_SAMPLE_KM along the border segments near the point."""
    lat_margin = km / KM_PER_DEGREE_LAT
    lon_margin = lat_margin / max(math.cos(math.radians(lat)), 0.01)
    for rings in _polygons(geometry):
        for ring in rings:
            for (lon1, lat1), (lon2, lat2) in zip(ring, ring[1:]):
                if (
                    min(lat1, lat2) - lat_margin <= lat <= max(lat1, lat2) + lat_margin
                    and min(lon1, lon2) - lon_margin <= lon <= max(lon1, lon2) + lon_margin
                ):
                    steps = max(1, math.ceil(geodesic((lat1, lon1), (lat2, lon2)).km / EDGE_SAMPLE_KM))
                    for step in range(steps + 1):
                        share = step / steps
                        yield lat1 + share * (lat2 - lat1), lon1 + share * (lon2 - lon1)
