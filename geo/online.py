"""Optional online geocoding through geopy, behind the answer cache.

Only used when a caller passes a geocoder (the CLI's --online). Every new
answer is added to the cache, so a later run gets the same result offline.
"""

from collections.abc import Callable
from datetime import date
from typing import Any, Protocol

from geopy.exc import GeopyError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim
from geopy.location import Location

from geo import boundaries
from geo.cache import CachedAnswer, CacheKey

USER_AGENT = "claimmap/0.1 (OSINT claims map; offline-first)"
DEFAULT_GEOCODER_NAME = "nominatim"
# Nominatim's usage policy allows at most one request per second.
MIN_DELAY_SECONDS = 1.0
# The 1:10m outline puts some coastal towns a few hundred metres offshore.
COUNTRY_TOLERANCE_KM = 2.0
NAN = float("nan")


class Geocoder(Protocol):
    """What claimmap needs of a geopy geocoder (Nominatim, or a stand-in in tests)."""

    def geocode(self, query: str, **options: Any) -> Location | None: ...


def default_geocoder() -> Nominatim:
    """geopy's Nominatim client with claimmap's user agent (no request is made yet)."""
    return Nominatim(user_agent=USER_AGENT)


def geocoder_name(geocoder: Geocoder | None) -> str:
    """The name recorded in the cache's geocoder column: the class name in lower case."""
    return DEFAULT_GEOCODER_NAME if geocoder is None else type(geocoder).__name__.lower()


def country_mismatch(location: Location, country_code: str) -> str:
    """Why `location` is not in `country_code`, or "" if it is or cannot be checked.

    Countries with a bundled outline (Syria) are checked against it; others by
    the country code in the geocoder's raw answer (Nominatim gives one with
    addressdetails). Without either, the country filter of the query stands.
    """
    outline = boundaries.boundary_geometry(country_code)
    if outline is not None:
        lat, lon = location.latitude, location.longitude
        if boundaries.contains(outline, lat, lon):
            return ""
        where = f"it lies at {lat:.5f}, {lon:.5f}"
        if not boundaries.within_km(outline, lat, lon, COUNTRY_TOLERANCE_KM):
            return f"{where}, more than {COUNTRY_TOLERANCE_KM:g} km outside the {country_code} outline"
        # The tolerance is for a coast drawn too far inland, not for a neighbour's land.
        neighbour = boundaries.country_at(lat, lon)
        if neighbour is not None:
            return f"{where}, in {neighbour}, outside the {country_code} outline"
        return ""
    raw = location.raw if isinstance(location.raw, dict) else {}
    answered = str(raw.get("address", {}).get("country_code", "")).upper()
    if answered and answered != country_code:
        return f"the geocoder places it in {answered}, not {country_code}"
    return ""


class CachedGeocoder:
    """Looks names up in the cache first, then (if given) in a geopy geocoder.

    The geocoder must accept Nominatim's keywords (country_codes,
    addressdetails, language); it is called through geopy's RateLimiter.
    """

    def __init__(self, cache: dict[CacheKey, CachedAnswer], geocoder: Geocoder | None = None) -> None:
        self._answers = dict(cache)
        self._name = geocoder_name(geocoder)
        self._geocode: Callable[..., Location | None] | None = (
            None
            if geocoder is None
            else RateLimiter(geocoder.geocode, min_delay_seconds=MIN_DELAY_SECONDS, swallow_exceptions=False)
        )
        self.changed = False

    @property
    def answers(self) -> list[CachedAnswer]:
        """Every answer known so far, old and new."""
        return list(self._answers.values())

    def locate(self, names: list[str], country_code: str) -> CachedAnswer | str:
        """The first answer with a position for any of `names`, tried in order;
        otherwise why there is none.
        """
        misses, uncached = [], []
        for query in names:
            answer, rejection = self._answers.get((query, country_code, self._name)), ""
            if answer is None and self._geocode is not None:
                try:
                    answer, rejection = self._fetch(self._geocode, query, country_code)
                except GeopyError as error:
                    return f"{self._name} failed on {query!r}: {type(error).__name__}: {error}"
            if answer is None:
                uncached.append(query)
            elif answer.has_position:
                return answer
            else:
                misses.append(rejection or _miss_reason(answer))
        if uncached:
            quoted = ", ".join(repr(query) for query in uncached)
            misses.append(f"no cached {self._name} answer for {quoted} (python -m geo --online would ask)")
        return "; ".join(misses)

    def _fetch(
        self, geocode: Callable[..., Location | None], query: str, country_code: str
    ) -> tuple[CachedAnswer, str]:
        """The geocoder's answer as it goes into the cache, and why it was rejected ("" if not)."""
        location = geocode(
            query, exactly_one=True, country_codes=country_code.lower(), addressdetails=True, language="en"
        )
        rejection = "" if location is None else country_mismatch(location, country_code)
        if location is None:
            answer = self._answer(query, country_code, NAN, NAN, "")
        elif rejection:
            # Kept without a position so the rejection is remembered, not asked again.
            answer = self._answer(query, country_code, NAN, NAN, location.address)
            rejection = f"{self._name} answered {query!r} with {location.address!r}, rejected: {rejection}"
        else:
            answer = self._answer(query, country_code, location.latitude, location.longitude, location.address)
        self._answers[answer.key] = answer
        self.changed = True
        return answer, rejection

    def _answer(self, query: str, country_code: str, lat: float, lon: float, address: str) -> CachedAnswer:
        return CachedAnswer(query, country_code, lat, lon, address, self._name, date.today().isoformat())


def _miss_reason(answer: CachedAnswer) -> str:
    if answer.address:
        return (
            f"{answer.geocoder} answered {answer.query!r} with {answer.address!r} on {answer.fetched_on}, "
            f"rejected as outside {answer.country_code}"
        )
    return f"{answer.geocoder} found nothing for {answer.query!r} in {answer.country_code} on {answer.fetched_on}"
