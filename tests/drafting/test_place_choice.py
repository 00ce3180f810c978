"""Which places a clause claims something about, among the names it holds."""

from __future__ import annotations

import pandas as pd
import pytest

from claimmap.drafting.actors import actor_index
from claimmap.drafting.place_choice import PlaceChooser
from fixture_data import read_table

CITY = pd.DataFrame(
    {
        "place_id": ["latakia"],
        "name": ["Latakia"],
        "kind": ["city"],
        "parent_id": ["latakia_gov"],
        "aliases": ["Lattakia city"],
    }
)


@pytest.fixture(scope="module")
def chooser_for():
    columns = ["place_id", "name", "kind", "parent_id", "aliases"]
    places = pd.concat([read_table("places")[columns], CITY], ignore_index=True)
    actors = actor_index(read_table("actors"))

    def chooser() -> PlaceChooser:
        return PlaceChooser(places, actors)

    return chooser


def places(chooser: PlaceChooser, clause: str, sentence: int = 0) -> list[str]:
    return [m.place_id for m in chooser.places_of(clause, 0, len(clause), sentence)]


@pytest.mark.parametrize(
    "clause, expected",
    [
        ("the harbour of Tartous was empty", ["tartus_naval_base"]),
        ("three frigates left Tartus", ["tartus_naval_base"]),
        ("the Tartus base is quiet", ["tartus_naval_base"]),
        ("rebels walked through Tartus", ["tartus"]),
        ("rebels hold the regions of Tartus", ["tartus_gov"]),
        ("rebels hold Latakia", ["latakia"]),  # the city's own name, an alias of the province
        ("rebels hold Latakia province", ["latakia_gov"]),
    ],
)
def test_the_words_around_a_name_choose_the_place(chooser_for, clause, expected):
    assert places(chooser_for(), clause) == expected


@pytest.mark.parametrize(
    "clause, expected",
    [
        ("Russia is withdrawing its ships from Tartus port", ["tartus_naval_base"]),  # the actor
        ("Assad fled to Russia", ["russia"]),  # a destination
        ("talks with Moscow on the future of the Tartus base", ["tartus_naval_base"]),
        ("Moscow insists the Khmeimim base works", ["khmeimim"]),
        ("the Hmeimim air base in Lattakia province is quiet", ["khmeimim"]),  # where it lies
        ("rebels hold Jablah, a town just south of Hmeimim", ["jableh"]),  # a landmark
        ("rebels hold the area near Hmeimim", ["khmeimim"]),  # a landmark, but the only place
        ("the province of Latakia, home to Russia's Khmeimim airbase and Tartus naval facility", ["latakia_gov"]),
    ],
)
def test_names_that_are_not_what_is_claimed_about_are_left_out(chooser_for, clause, expected):
    assert places(chooser_for(), clause) == expected


def test_the_two_bases_are_the_last_two_facilities_named(chooser_for):
    chooser = chooser_for()
    places(chooser, "Jableh, Tartus port and the Khmeimim base were calm", 0)
    assert places(chooser, "the two bases were operating normally", 1) == ["tartus_naval_base", "khmeimim"]
    assert places(chooser, "the bases were quiet", 9) == []  # too far back


def test_the_entire_province_is_the_province_of_the_place_just_named(chooser_for):
    assert places(chooser_for(), "the city of Lattakia and the entire province are ours") == [
        "latakia",
        "latakia_gov",
    ]
