"""Exceptions raised by geo, one per kind of bad input.

Problems with a single place (an unknown name, a failing geocoder) are not
exceptions: they are reported in ``Located.unlocated``. These are raised only
when a whole table cannot be used.
"""


class GeoError(Exception):
    """Base class of every exception geo raises on purpose."""


class GeocodeCacheError(GeoError, ValueError):
    """geocode_cache.csv cannot be read, does not have exactly the documented
    columns, or a lat/lon in it is not a number: where (line None for the whole
    file) and why, with the fix.
    """

    def __init__(self, path: object, line: int | None, reason: str) -> None:
        self.path, self.line, self.reason = path, line, reason
        super().__init__(f"{path}: {reason}" if line is None else f"{path}:{line}: {reason}")
