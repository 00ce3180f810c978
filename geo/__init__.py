"""Positions for the places claims are pinned to, offline first.

Main entry point: ``locate_places(places)``; ``python -m geo`` runs it on
data/places.csv. Boundary polygons and the map credit live in geo.boundaries.
"""

from geo.boundaries import ATTRIBUTION
from geo.gazetteer import GEONAMES_CREDIT
from geo.errors import GeocodeCacheError, GeoError, PlacesTableError
from geo.locate import Located, Unlocated, locate_places

# Everything the map must credit for what geo/ supplies.
MAP_CREDITS = f"{ATTRIBUTION} {GEONAMES_CREDIT}"

__all__ = [
    "MAP_CREDITS",
    "ATTRIBUTION",
    "GeoError",
    "GeocodeCacheError",
    "Located",
    "PlacesTableError",
    "Unlocated",
    "locate_places",
]
