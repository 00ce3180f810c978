"""Positions for the places claims are pinned to, offline first.

Main entry point: ``locate_places(places)``; ``python -m geo`` runs it on
data/places.csv. Boundary polygons live in geo.boundaries.
"""

from geo.errors import GeocodeCacheError, GeoError
from geo.locate import Located, Unlocated, locate_places

# Everything the map must credit for what geo/ supplies, short enough for one line on the map;
# README.md gives the full credits.
MAP_CREDITS = "Boundaries: Natural Earth · Positions: GeoNames (CC BY 4.0)"

__all__ = [
    "MAP_CREDITS",
    "GeoError",
    "GeocodeCacheError",
    "Located",
    "Unlocated",
    "locate_places",
]
