import pandas as pd
import pytest

from geo.errors import PlacesTableError
from geo.places import PLACE_COLUMNS, conform_places, country_codes, place_names, read_places_csv

HEADER = ",".join(PLACE_COLUMNS)


def places_frame(*rows: dict) -> pd.DataFrame:
    """A text frame as read from CSV, with every column blank unless given."""
    return pd.DataFrame([{column: row.get(column, "") for column in PLACE_COLUMNS} for row in rows])


def test_read_places_csv_gives_text_and_the_line_each_row_starts_on(tmp_path):
    path = tmp_path / "places.csv"
    path.write_text(
        f'{HEADER}\nsyria,Syria,country,,,SY,,,\nkhan,Khan,town,syria,"A|\nB",,,,\nhoms,Homs,city,syria,,,,,\n',
        encoding="utf-8",
    )
    table = read_places_csv(path)
    assert list(table["_line"]) == [2, 3, 5]
    assert table.loc[0, "lat"] == ""


def test_read_places_csv_reports_a_row_with_the_wrong_field_count(tmp_path):
    path = tmp_path / "places.csv"
    path.write_text(f"{HEADER}\nsyria,Syria,country,,,SY,,\n", encoding="utf-8")
    with pytest.raises(PlacesTableError, match=r"places.csv:2: row has 8 fields, expected 9"):
        read_places_csv(path)


def test_text_and_typed_frames_conform_alike():
    text = places_frame({"place_id": "x", "name": "X", "kind": "town", "lat": "35.5", "lon": "36"})
    typed = text.assign(lat=[35.5], lon=[36.0], _line=[2])
    assert conform_places(text).equals(conform_places(typed))
    conformed = conform_places(text)
    assert conformed["lat"].dtype == "float64"
    assert "_line" not in conformed.columns


def test_missing_column_is_named():
    with pytest.raises(PlacesTableError, match="lacks column.*coord_source"):
        conform_places(places_frame({"place_id": "x"}).drop(columns="coord_source"))


def test_repeated_place_id_is_named():
    with pytest.raises(PlacesTableError, match="place_id 'x' occurs more than once"):
        conform_places(places_frame({"place_id": "x", "kind": "town"}, {"place_id": "x", "kind": "city"}))


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ({"lat": "35,5", "lon": "36"}, "lat '35,5' is not a number"),
        ({"lat": "95", "lon": "36"}, "lat 95 is outside -90..90"),
        ({"lat": "35"}, "lat is set but lon is blank"),
        ({"lon": "36"}, "lon is set but lat is blank"),
        ({"kind": "village"}, "kind 'village' is not one of"),
        ({"name": " "}, "name is blank"),
    ],
)
def test_unusable_rows_get_a_problem(row, problem):
    conformed = conform_places(places_frame({"place_id": "x", "name": "X", "kind": "town", **row}))
    assert conformed.loc[0, "problem"].startswith(problem)


def test_place_names_are_name_then_aliases_without_blanks_or_repeats():
    assert place_names("Tartus", "Tartous| |طرطوس|Tartus") == ["Tartus", "Tartous", "طرطوس"]


def test_country_code_comes_from_the_parent_chain():
    table = conform_places(
        places_frame(
            {"place_id": "syria", "kind": "country", "iso_code": "SY"},
            {"place_id": "gov", "kind": "governorate", "parent_id": "syria"},
            {"place_id": "town", "kind": "town", "parent_id": "gov"},
            {"place_id": "base", "kind": "airbase", "parent_id": "town"},
        )
    )
    assert list(country_codes(table)["country_code"]) == ["SY", "SY", "SY", "SY"]


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        ([{"place_id": "t", "kind": "town"}], "parent chain t ends before reaching a place of kind 'country'"),
        ([{"place_id": "t", "kind": "town", "parent_id": "gone"}], "parent_id 'gone' (in chain t) is not a place_id"),
        (
            [{"place_id": "a", "kind": "town", "parent_id": "b"}, {"place_id": "b", "kind": "town", "parent_id": "a"}],
            "parent chain loops: a > b > a",
        ),
        (
            [{"place_id": "c", "kind": "country", "iso_code": "Syria"}],
            "country 'c' has iso_code 'Syria', expected an ISO 3166-1 alpha-2 code",
        ),
    ],
)
def test_broken_parent_chains_are_explained(rows, problem):
    found = country_codes(conform_places(places_frame(*rows)))
    assert found.loc[0, "country_code"] == ""
    assert found.loc[0, "country_problem"].startswith(problem)
