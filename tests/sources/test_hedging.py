"""Hedging cues: the article's own sentences, made-up sentences, and the curated-vs-detected check."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from claimmap.sources.hedging import (
    HEDGE_LEVELS,
    detect_hedge_cues,
    detected_hedge,
    detected_hedges,
    effective_hedges,
    hedge_disagreements,
)
from fixture_data import BUNDLED_SEED, read_table

ARTICLE = BUNDLED_SEED.read_text(encoding="utf-8")


def article_sentence(marker: str) -> str:
    """The one sentence of the article containing `marker`."""
    sentences = [s for s in re.split(r'(?<=[.!?"])\s+', ARTICLE) if marker in s]
    assert len(sentences) == 1, sentences
    return sentences[0]


def cue_levels(text: str) -> set[str]:
    return {cue.hedge for cue in detect_hedge_cues(text)}


def test_flightradar_sentence_is_alleged_and_presumed():
    sentence = article_sentence("Flightradar24")
    assert {"alleged", "presumed"} <= cue_levels(sentence)
    assert {cue.text for cue in detect_hedge_cues(sentence)} >= {"allegedly", "presumably"}
    assert detected_hedge(sentence) == "presumed"


def test_rumors_sentence_is_rumored():
    sentence = article_sentence("rumors began circulating")
    assert "rumors" in [cue.text for cue in detect_hedge_cues(sentence)]
    assert detected_hedge(sentence) == "rumored"


@pytest.mark.parametrize(
    "marker, cue",
    [
        ("said the agency's source", "said the agency's source"),
        ("the source noted", "the source noted"),
        ("revealed the source", "revealed the source"),
        ("citing an anonymous Kremlin source", "citing"),
        ("Another TASS source in Syria disclosed", "source in Syria disclosed"),
        ("Ukraine’s Main Intelligence Directorate reported", "reported"),
    ],
)
def test_attributed_sentences_are_reported(marker, cue):
    sentence = article_sentence(marker)
    assert cue in [found.text for found in detect_hedge_cues(sentence)]
    assert detected_hedge(sentence) == "reported"


def test_quote_inside_an_attributed_sentence_carries_no_cue():
    # The curated quote of c005: the hedge sits in the words around it, not in it.
    assert (
        detected_hedge("Russian officials are in contact with representatives of the armed Syrian opposition")
        == "stated"
    )


def test_cue_spans_point_at_the_cue():
    text = "Troops ALLEGEDLY left; a source said they might return, according to reports."
    cues = detect_hedge_cues(text)
    assert [cue.text for cue in cues] == ["ALLEGEDLY", "a source said", "might", "according to", "reports"]
    assert all(text[cue.start : cue.end] == cue.text for cue in cues)
    assert [cue.kind for cue in cues] == ["allegation", "attribution", "speculation", "attribution", "report"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The army attacked the base.", "stated"),
        ("The alleged attack on the base.", "alleged"),
        ("Reportedly, the army left.", "reported"),
        ("REPORTEDLY the army left.", "reported"),
        ("The unreported battle was misreported by reporters.", "stated"),
        ("The army reclaimed the town.", "stated"),
        ("The army claimed the town.", "alleged"),
        ("Water resources ran low.", "stated"),
        ("Sources in Damascus say the army left.", "reported"),
        ("An unnamed official confirmed it.", "reported"),
        ("The fall of the city is unconfirmed.", "alleged"),
        ("Apparently the army left.", "presumed"),
        ("The army may leave.", "presumed"),
        ("The army left in May 2024.", "stated"),
        ("The army left on 8 May.", "stated"),
        ("Presumed dead.", "presumed"),
        ("Rumoured to have fled; rumours said so.", "rumored"),
        ("Reportedly, and allegedly, and presumably, and by rumor.", "rumored"),
        ("This could not be independently confirmed.", "alleged"),
        ("The reports could not be verified.", "alleged"),
        ("Reuters was unable to independently verify the account.", "alleged"),
        ("I can confirm that the army left.", "stated"),
        ("The warships are believed to have sailed.", "presumed"),
        ("The vessels are likely to follow.", "presumed"),
        ("The base appears deserted.", "presumed"),
        ("The army left, the governor said.", "reported"),
        ("He told reporters the army left.", "reported"),
    ],
)
def test_detected_hedge_of_made_up_sentences(text, expected):
    assert detected_hedge(text) == expected


def test_redundant_inner_cue_is_dropped():
    # 'a source' lies inside the attribution 'said a source' of the same level.
    assert [cue.text for cue in detect_hedge_cues("said a source")] == ["said a source"]


def test_vectorised_detection_agrees_with_the_single_text_one():
    texts = re.split(r'(?<=[.!?"])\s+', ARTICLE) + ["", "The army may leave.", "8 May", "Allegedly."]
    quotes = pd.Series(texts, index=range(100, 100 + len(texts)), dtype="str")
    detected = detected_hedges(quotes)
    assert detected.index.equals(quotes.index)
    assert detected.tolist() == [detected_hedge(text) for text in texts]
    assert set(detected) <= set(HEDGE_LEVELS)


@pytest.mark.parametrize(
    "text",
    [
        "according\u00a0to the ministry",  # a no-break space: whitespace to Python, not to RE2's \s
        "said\u2009two sources",
        "said Ḥamā’s local sources",  # non-ASCII words between the verb and 'sources'
        "the city is ſupposedly taken",  # long s folds to s
        "cıting officials",  # so does dotless i to i, in Python but not in RE2
        "it is alleged",
        "café report",  # é is a letter to Python: no word boundary before 'report'
        "report",
        "the army may leave",
        "on 8 May they left",
        "they left in May 2024",
        "rumours, unconfirmed",
    ],
)
def test_column_detection_agrees_with_python_on_unicode_text(text):
    """The column pass pre-selects with RE2, whose classes are ASCII; Python's pattern decides."""
    assert detected_hedges(pd.Series([text], dtype="str")).tolist() == [detected_hedge(text)]


def curated_claims(*rows: tuple[str, str]) -> pd.DataFrame:
    """Claims frame of (curated hedge, quote) rows, ids c001..., lines from 2."""
    return pd.DataFrame(
        {
            "claim_id": [f"c{i:03d}" for i in range(1, len(rows) + 1)],
            "hedge": [hedge for hedge, _ in rows],
            "quote": [quote for _, quote in rows],
            "_line": range(2, len(rows) + 2),
        }
    ).astype({"claim_id": "str", "hedge": "str", "quote": "str"})


def test_disagreement_when_the_quote_doubts_more_than_the_curation():
    claims = curated_claims(
        ("stated", "The base was allegedly hit."),  # flagged: alleged > stated
        ("alleged", "The base was allegedly hit."),  # agrees
        ("rumored", "The base was allegedly hit."),  # curated firmer doubt: the sentence may carry it
        ("reported", "The base is reportedly and presumably empty."),  # flagged, only the cue above 'reported'
        ("reported", "The base is empty."),  # the surrounding sentence carries the hedge
    )
    found = hedge_disagreements(claims)
    assert list(found.columns) == ["claim_id", "_line", "curated", "detected", "cues"]
    assert found["claim_id"].tolist() == ["c001", "c004"]
    assert found.index.tolist() == [0, 3]  # the rows of `claims`, for callers that flag them
    assert found["_line"].tolist() == [2, 5]
    assert found["curated"].tolist() == ["stated", "reported"]
    assert found["detected"].tolist() == ["alleged", "presumed"]
    assert found["cues"].tolist() == [["allegedly"], ["presumably"]]


def test_bundled_claims_agree_with_their_quotes():
    claims = read_table("claims")
    assert hedge_disagreements(claims).empty
    detected = detected_hedges(claims["quote"]).set_axis(claims["claim_id"])
    assert detected[["c022", "c023", "c037", "c024"]].tolist() == ["alleged", "presumed", "rumored", "reported"]


def test_validation_warns_when_the_curated_hedge_is_firmer_than_the_quote(data_dir, edit, line_of):
    from claimmap.tables.validate import load_and_validate

    # c022's quote says 'allegedly'; curate it as plain fact.
    edit("claims.csv", "night,flightradar24_tg,,alleged,", "night,flightradar24_tg,,stated,")
    tables = load_and_validate(data_dir)
    hedge_problems = [p for p in tables.problems if p.column == "hedge"]
    assert [(p.row, p.severity, p.message) for p in hedge_problems] == [
        (
            line_of("claims.csv", "c022,"),
            "warning",
            "curated 'stated' but the quote says 'allegedly' (suggests 'alleged')",
        )
    ]
    assert "c022" in set(tables.claims["claim_id"])  # a warning keeps the claim


def test_effective_hedge_is_the_more_doubtful_of_curated_and_detected():
    claims = pd.DataFrame(
        {
            "hedge": ["stated", "rumored", "reported"],
            "quote": ["planes allegedly landed", "the base is isolated", "operating normally"],
        }
    )
    assert effective_hedges(claims).tolist() == ["alleged", "rumored", "reported"]
