import re
from types import SimpleNamespace

import pytest
from geopy.exc import GeocoderTimedOut
from geopy.geocoders import Nominatim
from geopy.location import Location

from geo.online import USER_AGENT, CachedGeocoder, country_mismatch, default_geocoder, geocoder_name


@pytest.fixture
def sleeps(monkeypatch):
    """Seconds RateLimiter asked to sleep, on a fake clock that sleeping advances."""
    asked, now = [], [0.0]

    def sleep(seconds):
        asked.append(seconds)
        now[0] += seconds

    monkeypatch.setattr("geopy.extra.rate_limiter.sleep", sleep)
    monkeypatch.setattr("geopy.extra.rate_limiter.default_timer", lambda: now[0])
    return asked


def located_at(lat: float, lon: float, country_code: str = "sy") -> Location:
    return Location(f"somewhere, {country_code}", (lat, lon), {"address": {"country_code": country_code}})


def recording_geocoder(answer):
    """A geopy-like geocoder whose geocode() records its calls and returns `answer`."""
    calls = []

    def geocode(query, **options):
        calls.append((query, options))
        return answer

    return SimpleNamespace(geocode=geocode, calls=calls)


def test_default_geocoder_is_nominatim_with_a_descriptive_user_agent():
    geocoder = default_geocoder()
    assert isinstance(geocoder, Nominatim)
    assert geocoder.headers["User-Agent"] == USER_AGENT == "claimmap/0.1 (OSINT claims map; offline-first)"
    assert geocoder_name(geocoder) == "nominatim"
    assert geocoder_name(None) == "nominatim"


def test_point_in_syria_passes_even_just_offshore():
    # Latakia 35.5236 N 35.7917 E (Wikipedia); Tartus at arc-minute precision lies ~0.2 km offshore.
    assert country_mismatch(located_at(35.5236, 35.7917), "SY") == ""
    assert country_mismatch(located_at(34.8833, 35.8833), "SY") == ""


def test_point_outside_syria_is_rejected_with_where_it_lies():
    # Tartus, Oregon is not the Syrian port; Beirut lies 20+ km from the Syrian border.
    reason = country_mismatch(located_at(33.8938, 35.5018, "lb"), "SY")
    assert reason == "it lies at 33.89380, 35.50180, more than 2 km outside the SY outline"


def test_a_point_just_across_a_land_border_is_rejected():
    # 1.5 km south of where the outline crosses 36.25 E on the Nahr al-Kabir: inside Lebanon,
    # within the coastal tolerance of the outline, and still not in Syria.
    reason = country_mismatch(located_at(34.61248, 36.25, "lb"), "SY")
    assert reason == "it lies at 34.61248, 36.25000, in Lebanon, outside the SY outline"


def test_other_countries_are_checked_by_the_answers_country_code():
    assert country_mismatch(located_at(55.7558, 37.6173, "ru"), "RU") == ""
    assert country_mismatch(located_at(53.9, 27.56, "by"), "RU") == "the geocoder places it in BY, not RU"
    assert country_mismatch(Location("x", (55.7, 37.6), {}), "RU") == ""


def test_geocoder_is_asked_with_nominatims_country_filter_and_at_most_once_a_second(sleeps):
    geocoder = recording_geocoder(located_at(34.889, 35.8866))
    online = CachedGeocoder({}, geocoder)
    online.locate(["Tartus"], "SY")
    online.locate(["Baniyas"], "SY")
    assert geocoder.calls[0] == (
        "Tartus",
        {"exactly_one": True, "country_codes": "sy", "addressdetails": True, "language": "en"},
    )
    assert sleeps == [1.0]


def test_new_answers_are_kept_with_the_day_they_were_fetched(sleeps):
    online = CachedGeocoder({}, recording_geocoder(located_at(34.889, 35.8866)))
    found = online.locate(["Tartus"], "SY")
    assert (found.lat, found.lon, found.geocoder) == (34.889, 35.8866, "simplenamespace")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", found.fetched_on)
    assert online.changed and online.answers == [found]


def test_without_a_geocoder_an_uncached_name_says_how_to_go_online():
    online = CachedGeocoder({})
    assert online.locate(["Tartus port", "Port of Tartus"], "SY") == (
        "no cached nominatim answer for 'Tartus port', 'Port of Tartus' (python -m geo --online would ask)"
    )
    assert not online.changed


def test_geocoder_error_becomes_the_reason(sleeps):
    def geocode(query, **options):
        raise GeocoderTimedOut("Service timed out")

    reason = CachedGeocoder({}, SimpleNamespace(geocode=geocode)).locate(["Tartus"], "SY")
    assert reason == "simplenamespace failed on 'Tartus': GeocoderTimedOut: Service timed out"
    # RateLimiter retried twice, waiting 5 s before each retry.
    assert sleeps.count(5.0) == 2
