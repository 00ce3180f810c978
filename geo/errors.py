"""Exceptions raised by geo, one per kind of bad input.

Problems with a single place (an unknown name, a failing geocoder) are not
exceptions: they are reported in ``Located.unlocated``. These are raised only
when a whole table cannot be used.
"""


class GeoError(Exception):
    """Base class of every exception geo raises on purpose."""


class GeocodeCacheError(GeoError, ValueError):
    """geocode_cache.csv does not have exactly the documented columns, or a
    lat/lon in it is not a number.
    """
