"""The RE2 pass that picks which quotes are looked at word by word for known names (the narrator
naming a speaker, a facility named in a claim about its town) must never leave out a quote the
word-by-word look finds a name in; otherwise a warning silently goes missing at scale."""

from __future__ import annotations

import pandas as pd

from claimmap.tables.validate import _NameFinder, name_key

NAMES = ["Main Intelligence Directorate (GUR)", "Straße Monitor", "Rybar", "Flightradar24", "ТАСС"]
QUOTES = [
    "the MAIN intelligence directorate said",
    "the Main (military) Intelligence Directorate said",  # a note between the words, dropped by name_key
    "Main-Intelligence_Directorate reported",
    "STRASSE MONITOR counted",  # ASCII spelling of 'ß'
    "STRAßE monitor counted",
    "per rybar.",
    "flightradar24 showed",
    "агентство тасс сообщило",
    "nothing of the kind",
    "the main road",
    "a rybary",
]


def test_every_quote_a_name_is_found_in_is_a_candidate_and_plain_ones_are_not():
    finder = _NameFinder({name_key(name) for name in NAMES})
    quotes = pd.Series(QUOTES, dtype="str")
    candidates = finder.may_mention(quotes)
    mentioned = [bool(finder.mentioned(q)) for q in QUOTES]
    assert mentioned[:8] == [True] * 8 and mentioned[8:] == [False] * 3
    assert all(candidates[:8])
    assert not candidates[8] and not candidates[9]  # neither a name nor its first word alone


def test_no_names_no_candidates():
    assert not _NameFinder(set()).may_mention(pd.Series(["Rybar said"], dtype="str")).any()
