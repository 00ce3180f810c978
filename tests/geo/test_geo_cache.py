import math

import pytest

from claimmap.files import StoreError
from geo.cache import CachedAnswer, read_cache, write_cache
from geo.errors import GeocodeCacheError

HEADER = "query,country_code,lat,lon,address,geocoder,fetched_on"


def answer(query: str, lat: float = math.nan, lon: float = math.nan, address: str = "") -> CachedAnswer:
    return CachedAnswer(query, "SY", lat, lon, address, "nominatim", "2025-01-02")


def test_written_cache_is_sorted_by_key_with_newline_endings(tmp_path):
    path = tmp_path / "geocode_cache.csv"
    write_cache([answer("Tartus", 34.8890, 35.8866, "Tartus, Syria"), answer("Baniyas")], path, None)
    assert path.read_bytes().decode("utf-8").split("\n") == [
        HEADER,
        "Baniyas,SY,,,,nominatim,2025-01-02",
        'Tartus,SY,34.889,35.8866,"Tartus, Syria",nominatim,2025-01-02',
        "",
    ]


def test_cache_reads_back_what_was_written(tmp_path):
    path = tmp_path / "geocode_cache.csv"
    written = [answer("Tartus", 34.889, 35.8866, "Tartus, Syria"), answer("Baniyas")]
    write_cache(written, path, None)
    answers = read_cache(path).answers
    assert answers[("Tartus", "SY", "nominatim")] == written[0]
    assert not answers[("Baniyas", "SY", "nominatim")].has_position


def test_missing_cache_file_is_an_empty_cache(tmp_path):
    assert read_cache(tmp_path / "geocode_cache.csv") == ({}, None)


def test_wrong_header_is_refused(tmp_path):
    path = tmp_path / "geocode_cache.csv"
    path.write_text("query,lat,lon\n", encoding="utf-8")
    with pytest.raises(GeocodeCacheError, match="header is query,lat,lon; expected exactly query,country_code"):
        read_cache(path)


def test_non_numeric_coordinate_is_refused_with_its_line(tmp_path):
    path = tmp_path / "geocode_cache.csv"
    path.write_text(f"{HEADER}\nTartus,SY,north,35.9,,nominatim,2025-01-02\n", encoding="utf-8")
    with pytest.raises(GeocodeCacheError, match=r"geocode_cache.csv:2: lat 'north' is not a number"):
        read_cache(path)


def test_a_cache_changed_since_it_was_read_is_not_overwritten(tmp_path):
    path = tmp_path / "geocode_cache.csv"
    write_cache([answer("Tartus", 34.889, 35.8866, "Tartus, Syria")], path, None)
    read = read_cache(path)
    edited = path.read_text(encoding="utf-8") + "Baniyas,SY,,,,nominatim,2025-01-03\n"
    path.write_text(edited, encoding="utf-8")  # a curator's edit meanwhile
    with pytest.raises(StoreError, match="changed since it was read"):
        write_cache([*read.answers.values(), answer("Jableh")], path, read.sha256)
    assert path.read_text(encoding="utf-8") == edited
