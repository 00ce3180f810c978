import pandas as pd
import pytest

from geo.places import PLACE_COLUMNS, country_codes, place_names


def places_frame(*rows: dict) -> pd.DataFrame:
    """A places frame with every text column blank unless given (lat/lon are not used here)."""
    return pd.DataFrame([{column: row.get(column, "") for column in PLACE_COLUMNS} for row in rows])


def test_place_names_are_name_then_aliases_without_blanks_or_repeats():
    assert place_names("Tartus", "Tartous| |طرطوس|Tartus") == ["Tartus", "Tartous", "طرطوس"]


def test_country_code_comes_from_the_parent_chain():
    table = places_frame(
        {"place_id": "syria", "kind": "country", "iso_code": "SY"},
        {"place_id": "gov", "kind": "governorate", "parent_id": "syria"},
        {"place_id": "town", "kind": "town", "parent_id": "gov"},
        {"place_id": "base", "kind": "airbase", "parent_id": "town"},
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
    found = country_codes(places_frame(*rows))
    assert found.loc[0, "country_code"] == ""
    assert found.loc[0, "country_problem"].startswith(problem)
