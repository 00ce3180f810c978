"""Serve the map's JavaScript, CSS and basemap locally instead of from folium's CDN links.

folium points every map at public CDNs for its scripts and stylesheets; with no internet the map never
renders. Streamlit serves files under `static/` at `/app/static/` when
`server.enableStaticServing` is on, so we copy there: Leaflet and jQuery from their XStatic
packages (installed from PyPI with the app) into `vendor/`; claimmap's own map code
(`map_frontend/`) and the basemap GeoJSON (geo/data) into `claimmap/`. The map's frame loads
them once; the page's reruns then send only the date-dependent layers.
"""

from __future__ import annotations

import filecmp
import os
import shutil
from pathlib import Path

import xstatic.pkg.jquery
import xstatic.pkg.leaflet

from geo.boundaries import BASEMAP_FILES, GOVERNORATES_FILE, LABELS_FILE, OUTLINE_FILE

STATIC_DIR = Path(__file__).resolve().parents[2] / "static"
STATIC_URL = "/app/static/vendor"
APP_URL = "/app/static/claimmap"
BASEMAP_URL = f"{APP_URL}/basemap/"
FRONTEND_DIR = Path(__file__).resolve().parent / "map_frontend"

# What the basemap script fetches, in drawing order of its layers (see claimmap-map.js).
BASEMAP_SOURCES = [BASEMAP_FILES["land"], BASEMAP_FILES["borders"], OUTLINE_FILE, GOVERNORATES_FILE, LABELS_FILE]
BASEMAP_NAMES = [path.name for path in BASEMAP_SOURCES]

# (source file, path under static/)
_FILES = [
    (Path(xstatic.pkg.leaflet.BASE_DIR) / "leaflet.js", "vendor/leaflet/leaflet.js"),
    (Path(xstatic.pkg.leaflet.BASE_DIR) / "leaflet.css", "vendor/leaflet/leaflet.css"),
    (Path(xstatic.pkg.jquery.BASE_DIR) / "jquery.min.js", "vendor/jquery/jquery.min.js"),
    (FRONTEND_DIR / "claimmap-map.js", "claimmap/claimmap-map.js"),
    (FRONTEND_DIR / "claimmap-map.css", "claimmap/claimmap-map.css"),
    *((path, f"claimmap/basemap/{path.name}") for path in BASEMAP_SOURCES),
]
_DIRS = [(Path(xstatic.pkg.leaflet.BASE_DIR) / "images", "vendor/leaflet/images")]

# What a map loads, in order: folium's own scripts expect `L` and `$` to exist.
MAP_JS = [("leaflet", f"{STATIC_URL}/leaflet/leaflet.js"), ("jquery", f"{STATIC_URL}/jquery/jquery.min.js")]
MAP_CSS = [("leaflet_css", f"{STATIC_URL}/leaflet/leaflet.css")]
# claimmap's map code, after Leaflet.
CLAIMMAP_JS = [("claimmap_map", f"{APP_URL}/claimmap-map.js")]
CLAIMMAP_CSS = [("claimmap_map_css", f"{APP_URL}/claimmap-map.css")]


def install_map_assets(static_dir: Path = STATIC_DIR) -> list[Path]:
    """Copy the map's files into `static_dir`; return the files written (none when up to date)."""
    written = []
    pairs = list(_FILES) + [(f, f"{rel}/{f.name}") for d, rel in _DIRS for f in sorted(d.iterdir())]
    for src, rel in pairs:
        dst = static_dir / rel
        if dst.exists() and filecmp.cmp(src, dst, shallow=False):
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        partial = dst.with_name(dst.name + ".part")  # a browser never gets half a file
        shutil.copyfile(src, partial)
        os.replace(partial, dst)
        written.append(dst)
    return written
