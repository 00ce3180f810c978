import csv
import shutil
import socket
from pathlib import Path

import pandas as pd
import pytest
from geopy.distance import geodesic
from geopy.exc import GeopyError
from geopy.location import Location

from claimmap.tables.load import load_tables
from claimmap.tables.validate import check_places
from fixture_data import BUNDLED_DATA as REPO_DATA_DIR
from fixture_data import read_table
from geo import Located, locate_places
from geo.boundaries import boundary_geometry, within_km
from geo.places import PLACE_COLUMNS

CACHE_HEADER = "query,country_code,lat,lon,address,geocoder,fetched_on"


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a geo test tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)


class FakeGeocoder:
    """Stands in for a geopy geocoder: returns `answer` (or raises it) and records queries."""

    def __init__(self, answer):
        self.answer = answer
        self.queries = []

    def geocode(self, query, **options):
        self.queries.append(query)
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


def bundled_places() -> pd.DataFrame:
    return read_table("places")


def place(place_id: str, name: str, kind: str, parent_id: str, **columns: str) -> dict:
    return {"place_id": place_id, "name": name, "kind": kind, "parent_id": parent_id, **columns}


def answer_at(address: str, lat: float, lon: float, country_code: str) -> Location:
    """A geopy Location as Nominatim returns it with addressdetails."""
    return Location(address, (lat, lon), {"address": {"country_code": country_code}})


def with_places(folder: Path, *rows: dict) -> pd.DataFrame:
    """The bundled places plus `rows` (columns not given are blank), written to folder/places.csv
    and read back as geo gets them: through the loader and the places checks."""
    shutil.copy(REPO_DATA_DIR / "datapackage.json", folder)
    shutil.copy(REPO_DATA_DIR / "places.csv", folder)
    with (folder / "places.csv").open("a", encoding="utf-8", newline="") as file:
        csv.writer(file, lineterminator="\n").writerows(
            [row.get(column, "") for column in PLACE_COLUMNS] for row in rows
        )
    return check_places(load_tables(folder)).places


def position(located: Located, place_id: str) -> dict:
    (row,) = located.positions.loc[located.positions["place_id"] == place_id].to_dict("records")
    return row


def km_from(located: Located, place_id: str, lat: float, lon: float) -> float:
    row = position(located, place_id)
    return geodesic((row["lat"], row["lon"]), (lat, lon)).km


def dms(degrees: int, minutes: int, seconds: int) -> float:
    return degrees + minutes / 60 + seconds / 3600


@pytest.fixture(scope="module")
def bundled() -> Located:
    # The repository's data/ holds an empty geocode cache; nothing is written without a geocoder.
    return locate_places(bundled_places(), data_dir=REPO_DATA_DIR)


def test_every_bundled_place_is_located_offline_with_the_expected_source(bundled):
    assert bundled.unlocated == []
    found = bundled.positions.set_index("place_id")
    assert list(bundled.positions.columns) == ["place_id", "lat", "lon", "source", "precision", "detail"]
    assert dict(zip(found.index, zip(found["source"].str.extract(r"^([a-z-]+)")[0], found["precision"]))) == {
        "aleppo": ("geonames", "town"),
        "aleppo_gov": ("boundary", "province"),
        "damascus": ("geonames", "town"),
        "damascus_gov": ("boundary", "province"),
        "jableh": ("geonames", "town"),
        "khmeimim": ("hand-set", "facility"),
        "latakia_gov": ("boundary", "province"),
        "moscow": ("geonames", "town"),
        "russia": ("hand-set", "country"),
        "syria": ("boundary", "country"),
        "tartus": ("geonames", "town"),
        "tartus_gov": ("boundary", "province"),
        "tartus_naval_base": ("hand-set", "facility"),
    }
    assert found.loc["latakia_gov", "source"] == "boundary:SY-LA"
    assert found.loc["syria", "source"] == "boundary:SY"
    assert (found["detail"] == "").all()


@pytest.mark.parametrize(
    ("place_id", "lat", "lon", "km"),
    [
        ("damascus", 33.5131, 36.2919, 3),  # Wikipedia, Damascus
        ("aleppo", 36.2021, 37.1343, 3),  # Wikipedia, Aleppo (GeoNames' point is 2.4 km east)
        ("tartus", 34.8890, 35.8866, 3),  # GeoNames 163345 / Wikipedia, Tartus
        ("jableh", 35.3610, 35.9256, 3),  # Wikipedia, Jableh
        ("moscow", 55.7558, 37.6173, 3),  # Wikipedia, Moscow
        ("khmeimim", dms(35, 24, 42), dms(35, 56, 42), 2),  # Wikipedia, Khmeimim Air Base
        ("tartus_naval_base", dms(34, 54, 54), dms(35, 52, 26), 2),  # Wikipedia, Russian naval facility in Tartus
    ],
)
def test_bundled_positions_match_public_reference_points(bundled, place_id, lat, lon, km):
    assert km_from(bundled, place_id, lat, lon) < km


@pytest.mark.parametrize(
    ("place_id", "iso_code"),
    [("aleppo", "SY-HL"), ("damascus", "SY-DI"), ("jableh", "SY-LA"), ("tartus", "SY-TA"), ("khmeimim", "SY-LA")],
)
def test_syrian_places_lie_in_their_governorate(bundled, place_id, iso_code):
    row = position(bundled, place_id)
    assert within_km(boundary_geometry(iso_code), row["lat"], row["lon"], 2.0)


def test_arabic_name_alone_finds_the_city(tmp_path):
    located = locate_places(with_places(tmp_path, place("t", "طرطوس", "city", "syria")), data_dir=tmp_path)
    assert position(located, "t")["source"] == "geonames:163345"


def test_alias_finds_the_city_when_the_name_does_not(tmp_path):
    places = with_places(tmp_path, place("lat_city", "Latakia old town", "city", "latakia_gov", aliases="Lattakia"))
    located = locate_places(places, data_dir=tmp_path)
    # Latakia 35.5236 N 35.7917 E (Wikipedia).
    assert km_from(located, "lat_city", 35.5236, 35.7917) < 3


def test_the_parents_country_decides_between_namesakes(tmp_path):
    places = with_places(
        tmp_path,
        place("morocco", "Morocco", "country", "", iso_code="MA"),
        place("quneitra", "Al Qunaytirah", "city", "syria"),
        place("kenitra", "Al Qunaytirah", "city", "morocco"),
    )
    located = locate_places(places, data_dir=tmp_path)
    # Quneitra 33.126 N 35.824 E (shared/geo/SOURCES.md); Kenitra 34.261 N 6.580 W (GeoNames 2544571).
    assert km_from(located, "quneitra", 33.126, 35.824) < 2
    assert km_from(located, "kenitra", 34.261, -6.580) < 2
    assert [place.place_id for place in located.unlocated] == ["morocco"]


def test_ambiguous_name_takes_the_most_populous_and_says_so(tmp_path):
    places = with_places(
        tmp_path,
        place("turkey", "Turkey", "country", "", iso_code="TR", lat="39", lon="35", coord_source="test"),
        place("eregli", "Eregli", "town", "turkey"),
    )
    row = position(locate_places(places, data_dir=tmp_path), "eregli")
    assert row["source"] == "geonames:315498"
    assert row["detail"].startswith("ambiguous, took the most populous Ereğli (population 156,253); ")
    assert "also matches Ereğli (geonames:747471, population 88,848, " in row["detail"]


def test_unknown_name_is_reported_by_name(tmp_path):
    located = locate_places(with_places(tmp_path, place("x", "Atlantis", "town", "syria")), data_dir=tmp_path)
    assert "x" not in set(located.positions["place_id"])
    (missing,) = located.unlocated
    assert (missing.place_id, missing.name) == ("x", "Atlantis")
    assert missing.reason == (
        "no GeoNames place of 15,000+ people in SY is called 'Atlantis'; "
        "no cached nominatim answer for 'Atlantis' (python -m geo --online would ask); "
        "or set lat, lon and coord_source by hand in places.csv"
    )


def test_every_row_ends_up_in_exactly_one_list(tmp_path):
    places = with_places(
        tmp_path, place("base", "Secret base", "airbase", "syria"), place("homs", "Homs", "city", "syria")
    )
    located = locate_places(places, data_dir=tmp_path)
    unlocated = {place.place_id: place.reason for place in located.unlocated}
    assert len(located.positions) + len(unlocated) == len(places)
    assert set(unlocated) == {"base"}


def test_rows_the_loader_rejects_never_reach_geo(tmp_path):
    """Bad numbers, half-set positions, unknown kinds and parents are the loader's and the places
    checks' to report (python -m geo prints them); geo only locates the rest."""
    places = with_places(
        tmp_path,
        place("bad_lat", "Tartus", "city", "syria", lat="north", lon="35.9"),
        place("half", "Tartus", "city", "syria", lat="34.9"),
        place("village", "Tartus", "village", "syria"),
        place("orphan", "Homs", "city", "nowhere"),
    )
    assert not {"bad_lat", "half", "village", "orphan"} & set(places["place_id"])
    assert locate_places(places, data_dir=tmp_path).unlocated == []


def test_a_parent_chain_that_reaches_no_country_is_explained(tmp_path):
    located = locate_places(with_places(tmp_path, place("lost", "Homs", "city", "")), data_dir=tmp_path)
    (missing,) = located.unlocated
    assert missing.reason == (
        "parent chain lost ends before reaching a place of kind 'country'; set parent_id so the chain leads to one"
    )


def test_hand_set_position_is_never_overwritten(tmp_path):
    geocoder = FakeGeocoder(answer_at("Tartus, Syria", 34.889, 35.8866, "sy"))
    places = with_places(
        tmp_path,
        place("t", "Tartus", "city", "syria", lat="34.9", lon="35.95", coord_source="survey"),
        place("g", "Tartus", "governorate", "syria", iso_code="SY-TA", lat="35", lon="36", coord_source="survey"),
    )
    located = locate_places(places, data_dir=tmp_path, geocoder=geocoder)
    assert {key: position(located, "t")[key] for key in ("lat", "lon", "source")} == {
        "lat": 34.9,
        "lon": 35.95,
        "source": "hand-set: survey",
    }
    assert (position(located, "g")["lat"], position(located, "g")["source"]) == (35.0, "hand-set: survey")
    assert geocoder.queries == []


def port_places(folder: Path) -> pd.DataFrame:
    return with_places(folder, place("port", "Port of Baniyas", "port", "syria"))


def test_online_answer_is_used_cached_and_served_from_the_cache_next_time(tmp_path):
    geocoder = FakeGeocoder(answer_at("Baniyas Port, Baniyas, Syria", 35.1869, 35.9447, "sy"))
    first = locate_places(port_places(tmp_path), data_dir=tmp_path, geocoder=geocoder)
    row = position(first, "port")
    assert (row["lat"], row["lon"], row["source"], row["precision"]) == (35.1869, 35.9447, "fakegeocoder", "facility")
    cache_lines = (tmp_path / "geocode_cache.csv").read_bytes().decode("utf-8").split("\n")
    assert cache_lines[0] == CACHE_HEADER
    assert cache_lines[1].startswith('Port of Baniyas,SY,35.1869,35.9447,"Baniyas Port, Baniyas, Syria",fakegeocoder,')
    assert cache_lines[2:] == [""]

    second = locate_places(port_places(tmp_path), data_dir=tmp_path, geocoder=geocoder)
    assert position(second, "port") == row
    assert geocoder.queries == ["Port of Baniyas"]


def test_geocoder_error_leaves_the_place_unlocated_with_the_error(tmp_path):
    geocoder = FakeGeocoder(GeopyError("network is unreachable"))
    located = locate_places(port_places(tmp_path), data_dir=tmp_path, geocoder=geocoder)
    (missing,) = located.unlocated
    assert missing.reason.startswith("fakegeocoder failed on 'Port of Baniyas': GeopyError: network is unreachable")
    assert not (tmp_path / "geocode_cache.csv").exists()


def test_answer_outside_the_country_is_rejected_and_the_rejection_remembered(tmp_path):
    # A wrong answer: the port of Beirut, 33.8938 N 35.5018 E, ~25 km outside Syria.
    geocoder = FakeGeocoder(answer_at("Port of Beirut, Lebanon", 33.8938, 35.5018, "lb"))
    first = locate_places(port_places(tmp_path), data_dir=tmp_path, geocoder=geocoder)
    assert first.unlocated[0].reason.startswith(
        "fakegeocoder answered 'Port of Baniyas' with 'Port of Beirut, Lebanon', "
        "rejected: it lies at 33.89380, 35.50180, more than 2 km outside the SY outline"
    )
    cached = (tmp_path / "geocode_cache.csv").read_text(encoding="utf-8").splitlines()[1]
    assert cached.startswith('Port of Baniyas,SY,,,"Port of Beirut, Lebanon",fakegeocoder,')

    again = locate_places(port_places(tmp_path), data_dir=tmp_path, geocoder=geocoder)
    assert "rejected as outside SY" in again.unlocated[0].reason
    assert geocoder.queries == ["Port of Baniyas"]


def test_cached_answers_are_used_without_a_geocoder(tmp_path):
    (tmp_path / "geocode_cache.csv").write_text(
        f'{CACHE_HEADER}\nPort of Baniyas,SY,35.1869,35.9447,"Baniyas Port, Syria",nominatim,2025-01-02\n',
        encoding="utf-8",
    )
    row = position(locate_places(port_places(tmp_path), data_dir=tmp_path), "port")
    assert (row["lat"], row["source"]) == (35.1869, "nominatim")
    assert row["detail"] == "query 'Port of Baniyas' matched 'Baniyas Port, Syria' on 2025-01-02"


def test_without_a_geocoder_no_cache_file_is_written(tmp_path):
    locate_places(port_places(tmp_path), data_dir=tmp_path)
    assert not (tmp_path / "geocode_cache.csv").exists()


class InterruptedGeocoder(FakeGeocoder):
    """Answers the first query, then fails as no geocoder error would (a crash, or Ctrl-C)."""

    def geocode(self, query, **options):
        if self.queries:
            raise KeyboardInterrupt
        return super().geocode(query, **options)


def test_answers_fetched_before_a_lookup_raises_are_kept_in_the_cache(tmp_path):
    places = with_places(
        tmp_path,
        place("port", "Port of Baniyas", "port", "syria"),
        place("depot", "Baniyas Fuel Depot", "facility", "syria"),
    )
    geocoder = InterruptedGeocoder(answer_at("Baniyas Port, Baniyas, Syria", 35.1869, 35.9447, "sy"))
    with pytest.raises(KeyboardInterrupt):
        locate_places(places, data_dir=tmp_path, geocoder=geocoder)
    assert len(geocoder.queries) == 1
    cached = (tmp_path / "geocode_cache.csv").read_text(encoding="utf-8").splitlines()
    assert cached[1].startswith(f"{geocoder.queries[0]},SY,35.1869,35.9447,")


def test_hand_set_and_looked_up_positions_keep_the_frames_order(tmp_path):
    # Hand-set places are positioned as whole columns and the others one by one; the positions
    # still follow places.csv, and a blank coord_source is named in the detail.
    places = with_places(
        tmp_path,
        place("h1", "Tell 1", "town", "latakia_gov", lat="35.5", lon="35.9", coord_source="survey"),
        place("h2", "Tell 2", "facility", "latakia_gov", lat="35.6", lon="36.0", coord_source="survey"),
    )
    # Validation refuses a blank coord_source beside lat/lon; geo still says so if handed one.
    places = places.assign(coord_source=places["coord_source"].where(places["place_id"] != "h2", ""))
    located = locate_places(places, data_dir=tmp_path)
    assert located.positions["place_id"].tolist() == places["place_id"].tolist()
    assert position(located, "h2") == {
        "place_id": "h2",
        "lat": 35.6,
        "lon": 36.0,
        "source": "hand-set",
        "precision": "facility",
        "detail": "coord_source is blank; say where lat/lon come from",
    }
    assert position(located, "h1")["precision"] == "town"
