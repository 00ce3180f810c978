"""Give every place a position, or say why it has none.

Sources, in order of trust: a position set by hand in places.csv; the label
point of a bundled boundary polygon (governorates and countries); the offline
GeoNames gazetteer (towns and cities); the online geocoder's cache, and the
geocoder itself when one is passed in.
"""

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from geopy.distance import geodesic

from claimmap.config import data_dir_from
from geo.boundaries import boundary_label_points
from geo.cache import CACHE_FILE, CachedAnswer, CacheFile, read_cache, write_cache
from geo.errors import GeocodeCacheError
from geo.gazetteer import MIN_CITY_POPULATION, CityMatch, find_city
from geo.online import CachedGeocoder, Geocoder
from geo.places import PLACE_COLUMNS, PRECISION_BY_KIND, SETTLEMENT_KINDS, country_codes, place_names

POSITION_COLUMNS = ["place_id", "lat", "lon", "source", "precision", "detail"]
BOUNDARY_KINDS = frozenset({"governorate", "country"})
HAND_SET_FIX = "set lat, lon and coord_source by hand in places.csv"


@dataclass(frozen=True)
class Unlocated:
    """A place that got no position, and why."""

    place_id: str
    name: str
    reason: str


@dataclass(frozen=True)
class Located:
    """The outcome for a places table: each input row is in exactly one of the two."""

    positions: pd.DataFrame
    unlocated: list[Unlocated]
    # Why geocode_cache.csv was not used (None when it was): a broken cache is set aside, not fatal.
    cache_problem: GeocodeCacheError | None = None


@dataclass(frozen=True)
class _Position:
    lat: float
    lon: float
    source: str
    detail: str = ""


def locate_places(places: pd.DataFrame, *, data_dir: Path | None = None, geocoder: Geocoder | None = None) -> Located:
    """Position every row of `places`, the places frame as validation leaves it (see geo.places).

    `data_dir` holds geocode_cache.csv (default: $CLAIMMAP_DATA or the repo's
    data/). `geocoder` is an optional geopy geocoder, e.g.
    ``geo.online.default_geocoder()``; without it nothing goes online, but
    cached answers are still used. New answers are written to the cache.
    """
    columns = places[PLACE_COLUMNS].reset_index(drop=True)
    hand_set = columns["lat"].notna().to_numpy()
    # The others (governorates, gazetteer and geocoder look-ups: few) are located one by one.
    looked_up = columns[~hand_set]
    table = looked_up.merge(
        country_codes(columns, looked_up["place_id"]), on="place_id", how="left", validate="one_to_one"
    ).set_axis(looked_up.index)
    cache_path = (data_dir if data_dir is not None else data_dir_from(None, os.environ)) / CACHE_FILE
    try:
        cache, cache_problem = read_cache(cache_path), None
    except GeocodeCacheError as error:
        cache, cache_problem = CacheFile({}, None), error
    online = CachedGeocoder(cache.answers, geocoder)
    label_points = boundary_label_points().set_index("iso_code")
    rows, unlocated = [], []
    try:
        for row, place in zip(table.index, table.to_dict("records")):
            found = _locate(place, label_points, online)
            if isinstance(found, _Position):
                precision = PRECISION_BY_KIND[place["kind"]]
                rows.append((row, place["place_id"], found.lat, found.lon, found.source, precision, found.detail))
            else:
                unlocated.append(Unlocated(place["place_id"], place["name"], found))
    finally:  # answers fetched before a failure are kept; a broken cache is left for the curator, not overwritten
        if online.changed and cache_problem is None:
            write_cache(online.answers, cache_path, cache.sha256)
    found_rows = pd.DataFrame(rows, columns=["row", *POSITION_COLUMNS]).set_index("row")
    positions = pd.concat([_hand_set(columns[hand_set]), found_rows]).sort_index(kind="stable")
    positions = positions.reset_index(drop=True).astype(
        {"place_id": str, "lat": "float64", "lon": "float64", "source": str, "precision": str, "detail": str}
    )
    return Located(positions=positions, unlocated=unlocated, cache_problem=cache_problem)


def _hand_set(places: pd.DataFrame) -> pd.DataFrame:
    """Positions of the places whose lat/lon are set by hand (most of them), as whole columns."""
    source = places["coord_source"]
    given = source != ""
    return pd.DataFrame(
        {
            "place_id": places["place_id"],
            "lat": places["lat"],
            "lon": places["lon"],
            "source": ("hand-set: " + source).where(given, "hand-set"),
            "precision": places["kind"].map(PRECISION_BY_KIND),
            "detail": pd.Series("", index=places.index, dtype=str).where(
                given, "coord_source is blank; say where lat/lon come from"
            ),
        },
        index=places.index,
    )


def _locate(place: dict, label_points: pd.DataFrame, online: CachedGeocoder) -> _Position | str:
    """The position of one place, or why there is none."""
    reasons = []
    if place["kind"] in BOUNDARY_KINDS:
        iso_code = place["iso_code"]
        if iso_code in label_points.index:
            point = label_points.loc[iso_code]
            return _Position(float(point["lat"]), float(point["lon"]), f"boundary:{iso_code}")
        reasons.append(f"no bundled boundary has iso_code {iso_code!r} (only SY and its governorates)")
    if not place["country_code"]:
        return "; ".join([*reasons, place["country_problem"]])
    names = place_names(place["name"], place["aliases"])
    if place["kind"] in SETTLEMENT_KINDS:
        match = find_city(names, place["country_code"])
        if match is not None:
            return _from_gazetteer(match)
        reasons.append(
            f"no GeoNames place of {MIN_CITY_POPULATION:,}+ people in {place['country_code']} "
            f"is called {' or '.join(repr(n) for n in names)}"
        )
    found = online.locate(names, place["country_code"])
    if isinstance(found, CachedAnswer):
        return _from_online(found)
    return "; ".join([*reasons, found, f"or {HAND_SET_FIX}"])


def _from_gazetteer(match: CityMatch) -> _Position:
    city = match.city
    detail = "; ".join(
        f"also matches {other.name} (geonames:{other.geonameid}, population {other.population:,}, "
        f"{geodesic((city.lat, city.lon), (other.lat, other.lon)).km:.0f} km away)"
        for other in match.others
    )
    if detail:
        detail = f"ambiguous, took the most populous {city.name} (population {city.population:,}); {detail}"
    return _Position(city.lat, city.lon, f"geonames:{city.geonameid}", detail)


def _from_online(answer: CachedAnswer) -> _Position:
    detail = f"query {answer.query!r} matched {answer.address!r} on {answer.fetched_on}"
    return _Position(answer.lat, answer.lon, answer.geocoder, detail)
