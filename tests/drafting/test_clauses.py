"""Sentences cut into their attribution and the clauses they claim."""

from __future__ import annotations

import pytest

from claimmap.drafting.clauses import COORDINATED, MAIN, RELATIVE, split_clauses, text_of
from claimmap.drafting.sentences import heading_spans, split_sentences


def parsed(document: str) -> list[tuple[str, str, str, bool]]:
    """(role, clause, attribution, quoted) of every clause, checking the spans are exact."""
    clauses = split_clauses(document, split_sentences(document))
    return [(c.role, text_of(document, c), text_of(document, c.attribution), c.quoted) for c in clauses]


@pytest.mark.parametrize(
    "sentence, clause, attribution",
    [
        (
            "Ships left the port, a harbour pilot told Example Wire.",
            "Ships left the port",
            "a harbour pilot told Example Wire",
        ),
        ("Ships left the port, according to the agency.", "Ships left the port", "according to the agency"),
        ("According to the ministry, ships left the port.", "ships left the port", "According to the ministry"),
        (
            "A second source, in Syria, said on Monday that ships left.",
            "ships left",
            "A second source, in Syria, said on Monday that",
        ),
        ("Officials said ships had left.", "ships had left", "Officials said"),
        # a comma before a phrase with no speech in it is no attribution
        (
            "Fighters have held Jablah, a town south of Hmeimim, since Sunday.",
            "Fighters have held Jablah, a town south of Hmeimim, since Sunday",
            "",
        ),
    ],
)
def test_attribution_in_narration(sentence, clause, attribution):
    assert parsed(sentence) == [(MAIN, clause, attribution, False)]


def test_a_quotation_with_its_attribution_after_it_spanning_two_sentences():
    document = "“The port is closed. The base works,” the governor said on Friday.\n"
    assert parsed(document) == [
        (MAIN, "The port is closed", "the governor said on Friday", True),
        (MAIN, "The base works", "the governor said on Friday", True),
    ]


def test_a_quoted_phrase_in_narration_is_not_speech():
    assert parsed('He "decided to step down" and left Syria.') == [
        (MAIN, 'He "decided to step down"', "", False),
        (COORDINATED, "left Syria", "", False),
    ]


def test_clauses_are_cut_where_each_side_has_a_verb():
    document = (
        "Most warships are believed to have sailed, and the rest are likely to follow. "
        "The bases, which are guarded, are calm. "
        "The presence is hanging by a thread, the base is isolated. "
        "Tartus and Jableh, two coastal towns, are calm."
    )
    assert [(role, clause) for role, clause, _, _ in parsed(document)] == [
        (MAIN, "Most warships are believed to have sailed"),
        (COORDINATED, "the rest are likely to follow"),
        (MAIN, "The bases, which are guarded, are calm"),  # the part before ', which' has no verb
        (MAIN, "The presence is hanging by a thread"),
        (COORDINATED, "the base is isolated"),
        (MAIN, "Tartus and Jableh, two coastal towns, are calm"),
    ]


def test_a_relative_clause_after_a_full_clause_is_its_own():
    assert [
        (role, clause) for role, clause, _, _ in parsed("Rebels have not entered the bases, which operate normally.")
    ] == [
        (MAIN, "Rebels have not entered the bases"),
        (RELATIVE, "which operate normally"),
    ]


def test_headline_and_dateline_are_headings():
    document = "Ships leave Tartus\nTARTUS, 11 December 2024 (Wire)\n\nShips left.\n\n(Reporting by A. B.)\n"
    assert [document[a:b] for a, b in heading_spans(document)] == [
        "Ships leave Tartus\nTARTUS, 11 December 2024 (Wire)"
    ]
