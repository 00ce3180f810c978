"""Date guesses from the date words of a sentence and the publication day."""

from __future__ import annotations

import datetime as dt

import pytest

from claimmap.drafting.date_guess import guess_date, latest_year_mentioned


@pytest.mark.parametrize(
    "words, published, iso, precision",
    [
        ("On December 7, planes landed", "2024-12-09", "2024-12-07", "day"),
        ("on the night of Dec. 8 planes landed", "2024-12-09", "2024-12-08/2024-12-09", "night"),
        ("last night", "2024-12-09", "2024-12-08/2024-12-09", "night"),
        ("Since yesterday", "2024-12-09", "2024-12-08", "day"),
        ("on 8 December 2023", "2024-12-09", "2023-12-08", "day"),
        ("in late November", "2024-12-09", "2024-11-21/2024-11-30", "approximate"),
        ("in early January", "2024-12-09", "2025-01-01/2025-01-10", "approximate"),
        ("by the end of February", "2024-03-15", "2024-02-21/2024-02-29", "approximate"),
        ("no date words", "2024-12-09", "2024-12-09", "as_of_report"),
        ("yesterday", None, "", "day"),
        ("no date words", None, "", "as_of_report"),
        ("said on Monday", "2024-12-10", "2024-12-09", "day"),  # a Tuesday paper
        ("sailed out on Monday evening", "2024-12-11", "2024-12-09/2024-12-10", "night"),
        ("on the evening of December 10", "2024-12-12", "2024-12-10/2024-12-11", "night"),
        ("on Thursday", "2024-12-12", "2024-12-12", "day"),  # the day itself
        ("will meet on Friday", "2024-12-12", "2024-12-13", "day"),
        ("next Monday", "2024-12-12", "2024-12-16", "day"),
        ("before the end of December", "2024-12-12", "2024-12-12/2024-12-31", "approximate"),
        ("by the end of the week", "2024-12-12", "2024-12-12/2024-12-15", "approximate"),
        ("in the coming days", "2024-12-10", "2024-12-11/2024-12-17", "approximate"),
        ("over the next few weeks", "2024-12-10", "2024-12-11/2025-01-07", "approximate"),
    ],
)
def test_date_words(words: str, published: str | None, iso: str, precision: str):
    guess = guess_date(words, dt.date.fromisoformat(published) if published else None)
    assert (guess.iso, guess.precision) == (iso, precision)


def test_the_first_date_expression_counts():
    guess = guess_date("TASS reports this morning of December 9; on December 8 it said", dt.date(2024, 12, 9))
    assert (guess.words, guess.iso) == ("this morning", "2024-12-09")


def test_an_impossible_day_gives_no_date():
    assert guess_date("on February 30", dt.date(2024, 3, 1)).iso == ""


def test_without_publication_day_a_year_the_text_mentions_is_used():
    assert latest_year_mentioned("In 2023 and again in 2024, talks") == 2024
    assert guess_date("On December 7", None, fallback_year=2024).iso == "2024-12-07"


def test_since_a_weekday_marks_a_situation_holding_from_that_day():
    guess = guess_date("have held the town since Sunday", dt.date(2024, 12, 10))
    assert (guess.iso, guess.since) == ("2024-12-08", True)
    assert not guess_date("on Sunday", dt.date(2024, 12, 10)).since


def test_windows_count_from_the_day_the_words_were_said():
    guess = guess_date("in the coming days", dt.date(2024, 12, 11), said_on=dt.date(2024, 12, 9))
    assert guess.iso == "2024-12-10/2024-12-16"
