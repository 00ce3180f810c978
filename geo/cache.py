"""The online geocoder's answers, kept in data/geocode_cache.csv.

One row per (query, country_code, geocoder), sorted by that key. A row with
lat/lon is an accepted answer. A row with blank lat/lon is remembered too:
with a blank address the geocoder found nothing; with an address it answered
somewhere outside country_code and the answer was rejected.
"""

import hashlib
import io
import math
from collections.abc import Iterable
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from claimmap.files import MAX_TABLE_BYTES, FileRefused, read_regular, write_atomically
from geo.errors import GeocodeCacheError

CACHE_FILE = "geocode_cache.csv"
CACHE_COLUMNS = ["query", "country_code", "lat", "lon", "address", "geocoder", "fetched_on"]
CACHE_KEY = ["query", "country_code", "geocoder"]

CacheKey = tuple[str, str, str]


@dataclass(frozen=True)
class CachedAnswer:
    """One row of the cache; lat/lon are NaN when there is no usable position."""

    query: str
    country_code: str
    lat: float
    lon: float
    address: str
    geocoder: str
    fetched_on: str

    @property
    def key(self) -> CacheKey:
        return self.query, self.country_code, self.geocoder

    @property
    def has_position(self) -> bool:
        return not (math.isnan(self.lat) or math.isnan(self.lon))


class CacheFile(NamedTuple):
    """The cache as read: the answers by key, and the sha256 of the bytes (None: no file), which
    a write names so that it never overwrites a cache changed meanwhile."""

    answers: dict[CacheKey, CachedAnswer]
    sha256: str | None


def read_cache(path: Path) -> CacheFile:
    """The answers in the cache file at `path`; none if the file does not exist.
    Raises GeocodeCacheError when the file cannot be used."""
    try:
        data = read_regular(path, MAX_TABLE_BYTES)
    except FileNotFoundError:
        return CacheFile({}, None)
    except (OSError, FileRefused) as err:
        raise GeocodeCacheError(path, None, f"cannot be read ({err}); delete the file to start a new cache") from None
    try:
        frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8")
    except (ValueError, pd.errors.ParserError) as err:  # UnicodeDecodeError is a ValueError
        reason = f"is not a readable CSV ({err}); fix it or delete it to start a new cache"
        raise GeocodeCacheError(path, None, reason) from None
    if list(frame.columns) != CACHE_COLUMNS:
        raise GeocodeCacheError(
            path,
            None,
            f"header is {','.join(frame.columns)}; expected exactly {','.join(CACHE_COLUMNS)}; "
            "fix the header or delete the file to start a new cache",
        )
    answers = [_answer(row, path, line) for line, row in enumerate(frame.to_dict("records"), start=2)]
    return CacheFile({answer.key: answer for answer in answers}, hashlib.sha256(data).hexdigest())


def write_cache(answers: Iterable[CachedAnswer], path: Path, expected_sha256: str | None) -> None:
    """Write the answers to `path`, sorted by key, with '\\n' line ends, atomically, and only if
    the file still has the hash it was read with (CacheFile.sha256); StoreError otherwise."""
    frame = pd.DataFrame([astuple(answer) for answer in answers], columns=CACHE_COLUMNS)
    frame = frame.sort_values(CACHE_KEY, kind="stable")
    write_atomically(path, frame.to_csv(index=False, lineterminator="\n").encode("utf-8"), expected_sha256)


def _answer(row: dict[str, str], path: Path, line: int) -> CachedAnswer:
    return CachedAnswer(
        query=row["query"],
        country_code=row["country_code"],
        lat=_number(row["lat"], "lat", path, line),
        lon=_number(row["lon"], "lon", path, line),
        address=row["address"],
        geocoder=row["geocoder"],
        fetched_on=row["fetched_on"],
    )


def _number(text: str, column: str, path: Path, line: int) -> float:
    if not text:
        return math.nan
    try:
        return float(text)
    except ValueError:
        raise GeocodeCacheError(
            path,
            line,
            f"{column} {text!r} is not a number; expected decimal degrees or blank; "
            "fix the value or delete the row so it is fetched again",
        ) from None
