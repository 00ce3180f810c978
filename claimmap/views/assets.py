"""Serve the map's JavaScript and CSS locally instead of from folium's CDN links.

folium points every map at public CDNs for its scripts and stylesheets; with no internet the map never
renders. Streamlit serves files under `static/` at `/app/static/` when
`server.enableStaticServing` is on, so we copy Leaflet and jQuery there from their XStatic
packages (installed from PyPI with the app) and point the map at those copies.
"""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path

import xstatic.pkg.jquery
import xstatic.pkg.leaflet

STATIC_DIR = Path(__file__).resolve().parents[2] / "static"
STATIC_URL = "/app/static/vendor"

# (file inside the package's data dir, name under static/vendor)
_FILES = [
    (Path(xstatic.pkg.leaflet.BASE_DIR) / "leaflet.js", "leaflet/leaflet.js"),
    (Path(xstatic.pkg.leaflet.BASE_DIR) / "leaflet.css", "leaflet/leaflet.css"),
    (Path(xstatic.pkg.jquery.BASE_DIR) / "jquery.min.js", "jquery/jquery.min.js"),
]
_DIRS = [(Path(xstatic.pkg.leaflet.BASE_DIR) / "images", "leaflet/images")]

# What the map loads, in order: folium's own scripts expect `L` and `$` to exist.
MAP_JS = [("leaflet", f"{STATIC_URL}/leaflet/leaflet.js"), ("jquery", f"{STATIC_URL}/jquery/jquery.min.js")]
MAP_CSS = [("leaflet_css", f"{STATIC_URL}/leaflet/leaflet.css")]


def install_map_assets(static_dir: Path = STATIC_DIR) -> list[Path]:
    """Copy Leaflet and jQuery into `static_dir/vendor`; return the files written (none when up to date)."""
    written = []
    pairs = list(_FILES) + [(f, f"{rel}/{f.name}") for d, rel in _DIRS for f in sorted(d.iterdir())]
    for src, rel in pairs:
        dst = static_dir / "vendor" / rel
        if dst.exists() and filecmp.cmp(src, dst, shallow=False):
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
        written.append(dst)
    return written
