"""Positions for the places claims are pinned to, offline first.

Main entry point: ``locate_places(places)``; ``python -m geo`` runs it on
data/places.csv. Boundary polygons live in geo.boundaries.

geo.locate (the gazetteer, the online geocoder's libraries) is imported on first use of its
names: the page needs it only when it validates the data, not after a restart.
"""

from typing import TYPE_CHECKING, Any

from geo.errors import GeocodeCacheError, GeoError

if TYPE_CHECKING:
    from geo.locate import Located, Unlocated, locate_places

# Everything the map must credit for what geo/ supplies, short enough for one line on the map;
# README.md gives the full credits.
MAP_CREDITS = "Boundaries: Natural Earth · Positions: GeoNames (CC BY 4.0)"

_FROM_LOCATE = ("Located", "Unlocated", "locate_places")

__all__ = [
    "MAP_CREDITS",
    "GeoError",
    "GeocodeCacheError",
    "Located",
    "Unlocated",
    "locate_places",
]


def __getattr__(name: str) -> Any:
    if name in _FROM_LOCATE:
        from geo import locate

        return getattr(locate, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
