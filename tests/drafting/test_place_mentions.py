"""Names and aliases of known places found in a text, whatever the case and diacritics."""

from __future__ import annotations

import pandas as pd

from claimmap.drafting.place_mentions import find_place_mentions, place_names

PLACES = pd.DataFrame(
    {
        "place_id": ["tartus", "tartus_naval_base", "latakia_gov", "khmeimim"],
        "name": ["Tartus", "Tartus naval facility", "Latakia Governorate", "Khmeimim Air Base"],
        "aliases": ["Tartous|طرطوس", "port of Tartus", "Latakia|Lattakia", "Hmeimim|حميميم"],
    }
)


def found(text: str) -> list[tuple[str, str]]:
    mentions = find_place_mentions(text, PLACES)
    assert all(
        text[start:end] == matched
        for matched, start, end in zip(mentions["matched"], mentions["start"], mentions["end"])
    )
    return list(zip(mentions["place_id"], mentions["matched"]))


def test_every_name_and_alias_is_listed():
    assert len(place_names(PLACES)) == 4 + 7


def test_case_diacritics_and_arabic_marks_are_ignored():
    assert found("HMEIMIM, Láttakia, حَمِيمِيمُ and Tartu\u0301s") == [
        ("khmeimim", "HMEIMIM"),
        ("latakia_gov", "Láttakia"),
        ("khmeimim", "حَمِيمِيمُ"),
        ("tartus", "Tartu\u0301s"),
    ]


def test_only_whole_words_match_and_possessives_do():
    assert found("Tartusian Latakians in Latakia’s port") == [("latakia_gov", "Latakia")]


def test_the_longest_name_wins_and_may_span_a_line_break():
    assert found("ships left the port of\nTartus; Tartus naval facility; Tartous") == [
        ("tartus_naval_base", "port of\nTartus"),
        ("tartus_naval_base", "Tartus naval facility"),
        ("tartus", "Tartous"),
    ]
