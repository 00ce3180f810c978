"""What the map can show of many places: the ones on screen, with crowded grid cells summed up.

With a few thousand places the page sends every marker and the browser bubbles crowded ones
itself (claimmap-map.js, on the same CELL_PX grid with the same CLUSTER_MIN). Beyond MAX_MARKERS
(a million claims are about 100,000 places) that would send tens of megabytes on every rerun and
hang the browser, so the server sends only what is on screen: the places inside the map's bounds
(plus a margin), and where CLUSTER_MIN or more of them fall in one CELL_PX square of the screen at
the map's zoom, one bubble with their count instead. Whatever the number of places, a rerun then
sends at most MAX_CELLS * CLUSTER_MIN features.

Screen squares are cells of the Web Mercator pixel grid at the zoom level (256 px tiles, as
Leaflet draws), so the same places fall in the same cell wherever the map is panned.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

MAX_MARKERS = 2000  # up to this many places on screen are sent one by one
CELL_PX = 48
CLUSTER_MIN = 8
MAX_CELLS = 1000  # an 850 x 640 px map with its margins holds ~500 cells of 48 px
MARGIN = 0.2  # of the view's width and height added on each side, so a small pan shows no gap
MAX_ZOOM = 22
_MAX_LAT = 85.05112878  # Web Mercator's limit


@dataclass(frozen=True)
class Viewport:
    """The part of the map on screen: bounds in degrees and Leaflet's zoom level."""

    south: float
    west: float
    north: float
    east: float
    zoom: float

    @classmethod
    def from_map_value(cls, value: Mapping[str, Any] | None, default: Viewport) -> Viewport:
        """The viewport st_folium reports ({'bounds': {'_southWest': {'lat', 'lng'}, '_northEast': ...},
        'zoom': z}), or `default` when it reports none or anything malformed."""
        try:
            bounds, zoom = (value or {})["bounds"], float((value or {})["zoom"])
            south, west = float(bounds["_southWest"]["lat"]), float(bounds["_southWest"]["lng"])
            north, east = float(bounds["_northEast"]["lat"]), float(bounds["_northEast"]["lng"])
        except (KeyError, TypeError, ValueError):
            return default
        numbers = (south, west, north, east, zoom)
        if not all(math.isfinite(n) for n in numbers) or south > north or west > east or not 0 <= zoom <= MAX_ZOOM:
            return default
        return cls(max(south, -_MAX_LAT), max(west, -180.0), min(north, _MAX_LAT), min(east, 180.0), zoom)

    def padded(self, margin: float = MARGIN) -> Viewport:
        d_lat, d_lon = (self.north - self.south) * margin, (self.east - self.west) * margin
        return Viewport(
            max(self.south - d_lat, -_MAX_LAT),
            max(self.west - d_lon, -180.0),
            min(self.north + d_lat, _MAX_LAT),
            min(self.east + d_lon, 180.0),
            self.zoom,
        )

    def contains(self, lat: pd.Series, lon: pd.Series) -> pd.Series:
        return lat.between(self.south, self.north) & lon.between(self.west, self.east)


@dataclass(frozen=True)
class OnScreen:
    """Places to draw one by one (rows of the marker table) and bubbles for the crowded cells:
    lat, lon (their mean position), n_places, n_contested."""

    markers: pd.DataFrame
    clusters: pd.DataFrame


def world_pixels(lat: pd.Series, lon: pd.Series, zoom: float) -> tuple[np.ndarray, np.ndarray]:
    """Web Mercator pixel coordinates at `zoom` (the world is 256 * 2**zoom pixels wide)."""
    size = 256.0 * 2.0**zoom
    sin = np.sin(np.radians(lat.clip(-_MAX_LAT, _MAX_LAT).to_numpy(dtype=float)))
    x = (lon.to_numpy(dtype=float) + 180.0) / 360.0 * size
    y = (0.5 - np.log((1 + sin) / (1 - sin)) / (4 * math.pi)) * size
    return x, y


def on_screen(
    markers: pd.DataFrame,
    viewport: Viewport,
    selected: str | None = None,
    *,
    max_markers: int = MAX_MARKERS,
    cell_px: float = CELL_PX,
    cluster_min: int = CLUSTER_MIN,
    max_cells: int = MAX_CELLS,
) -> OnScreen:
    """What to draw of `markers` (place_id, lat, lon, contested, ...: mapview.marker_table) in
    `viewport`. At most `max_markers` places on screen are all drawn; more are grouped in cells of
    `cell_px` (doubled until at most `max_cells` cells hold places), crowded cells becoming
    bubbles. The selected place is always drawn as itself."""
    area = viewport.padded()
    inside = markers[area.contains(markers["lat"], markers["lon"])]
    chosen = markers["place_id"] == selected
    if len(inside) <= max_markers:
        return OnScreen(_with_selected(inside, markers[chosen]), _no_clusters())
    others = inside[inside["place_id"] != selected]
    x, y = world_pixels(others["lat"], others["lon"], viewport.zoom)
    size = cell_px
    while True:
        cells = pd.DataFrame({"cx": np.floor(x / size), "cy": np.floor(y / size)}, index=others.index)
        per_cell = cells.groupby(["cx", "cy"]).size()
        if len(per_cell) <= max_cells:
            break
        size *= 2  # a coarser grid: four cells become one
    crowded_cells = per_cell[per_cell >= cluster_min]
    crowded = pd.MultiIndex.from_frame(cells).isin(crowded_cells.index)
    single = others[~crowded]
    grouped = others[crowded].assign(cx=cells.loc[crowded, "cx"], cy=cells.loc[crowded, "cy"])
    clusters = (
        grouped.groupby(["cx", "cy"])
        .agg(lat=("lat", "mean"), lon=("lon", "mean"), n_places=("place_id", "size"), n_contested=("contested", "sum"))
        .reset_index(drop=True)
        .astype({"n_places": "int64", "n_contested": "int64"})
    )
    return OnScreen(_with_selected(single, markers[chosen]), clusters)


def _with_selected(shown: pd.DataFrame, selected: pd.DataFrame) -> pd.DataFrame:
    return pd.concat([shown[~shown["place_id"].isin(selected["place_id"])], selected])


def _no_clusters() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "lat": pd.Series(dtype="float64"),
            "lon": pd.Series(dtype="float64"),
            "n_places": pd.Series(dtype="int64"),
            "n_contested": pd.Series(dtype="int64"),
        }
    )
