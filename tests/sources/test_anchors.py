"""Anchoring quotes in source text: exact, tolerant, re-anchoring, paragraphs, whole tables."""

import hashlib
import random
import re

import pandas as pd
import pytest

from claimmap.sources.anchors import (
    CONTEXT,
    anchor_claims,
    anchor_quote,
    find_near_quote,
    first_two,
    occurrences,
    paragraph_around,
    read_source_text,
    read_source_texts,
    reanchor,
)

TEXT = (
    "First paragraph says nothing.\n\n"
    "Russia’s base, which is operating normally, is said to be isolated—by some.\n"
    "Still the same paragraph: the base is isolated.\n\n"
    "Last one."
)


def test_anchor_is_first_occurrence_with_32_characters_of_context():
    anchor = anchor_quote(TEXT, "is isolated")
    start = TEXT.index("is isolated")
    assert (anchor.start, anchor.end, anchor.exact) == (start, start + 11, "is isolated")
    assert anchor.prefix == TEXT[start - CONTEXT : start] and len(anchor.prefix) == 32
    assert anchor.suffix == "."  # the context stops at the paragraph break that follows
    assert occurrences(TEXT, "is isolated") == [start]
    assert occurrences(TEXT, "isolated") == [TEXT.index("isolated"), TEXT.rindex("isolated")]


@pytest.mark.parametrize(
    "quote, prefix, suffix",
    [
        ("First", "", " paragraph says nothing."),  # at the very start: no prefix; stops at the line break
        ("Last one.", "", ""),  # at the end: no suffix; the prefix stops at the line break before it
    ],
)
def test_context_is_cut_at_the_ends_of_the_text_and_at_line_breaks(quote, prefix, suffix):
    anchor = anchor_quote(TEXT, quote)
    assert (anchor.prefix, anchor.suffix) == (prefix, suffix[:CONTEXT])


def test_offsets_are_code_points_not_bytes_or_utf16_units():
    text = "حلب 😀 𝒜 Aleppo fell"  # Arabic (2 UTF-8 bytes each) and astral characters (2 UTF-16 units)
    anchor = anchor_quote(text, "Aleppo")
    assert (anchor.start, anchor.end) == (8, 14)
    assert text[anchor.start : anchor.end] == "Aleppo"


def test_missing_or_empty_quote_has_no_anchor():
    assert anchor_quote(TEXT, "not there") is None
    assert anchor_quote(TEXT, "") is None


@pytest.mark.parametrize(
    "quote, exact",
    [
        # straight apostrophe typed for the source's curly one
        ("Russia's base", "Russia’s base"),
        # hyphen, spaced or not, for an em dash
        ("isolated-by some", "isolated—by some"),
        ("isolated - by some", "isolated—by some"),
        ("isolated -- by some", "isolated—by some"),
        # a line break and doubled spaces for single spaces, and the reverse
        ("is  said\nto be", "is said to be"),
        ("same paragraph: the base", "same paragraph: the base"),
        ("normally, is said to be isolated—by some. Still", "normally, is said to be isolated—by some.\nStill"),
        # stray whitespace around a pasted quote
        ("  Last one. ", "Last one."),
    ],
)
def test_near_match_returns_the_exact_span_of_the_text(quote, exact):
    anchor = find_near_quote(TEXT, quote)
    assert anchor.exact == exact
    assert TEXT[anchor.start : anchor.end] == exact


@pytest.mark.parametrize("quote", ["Russia's bases", "isolated by some", "   "])
def test_near_match_does_not_fold_other_differences(quote):
    assert find_near_quote(TEXT, quote) is None


def test_near_match_folds_double_quotes():
    assert (
        find_near_quote("he “decided to step down”", 'he "decided to step down"').exact == "he “decided to step down”"
    )


def test_reanchor_keeps_stored_offsets_that_still_hold():
    old = anchor_quote(TEXT, "isolated")
    second = TEXT.rindex("isolated")
    assert reanchor(TEXT, "isolated", start=second, end=second + 8).start == second
    assert reanchor(TEXT, "isolated", start=old.start, end=old.end) == old


def test_reanchor_follows_the_context_when_the_text_moves():
    old = anchor_quote(TEXT, "the base is isolated")
    moved = "A new first line.\n" + TEXT
    new = reanchor(moved, old.exact, prefix=old.prefix, suffix=old.suffix, start=old.start, end=old.end)
    assert (new.start, new.prefix, new.suffix) == (old.start + 18, old.prefix, old.suffix)


def test_reanchor_prefers_the_occurrence_whose_context_matches():
    second = TEXT.rindex("isolated")
    stored = reanchor(TEXT, "isolated", start=second, end=second + 8)
    edited = TEXT.replace("First paragraph", "Opening paragraph")  # shifts both occurrences
    assert reanchor(
        edited, "isolated", prefix=stored.prefix, suffix=stored.suffix, start=stored.start, end=stored.end
    ).start == edited.rindex("isolated")


def test_reanchor_without_context_takes_the_occurrence_nearest_the_old_offset():
    text = "x isolated " * 3
    assert reanchor(text, "isolated", prefix="gone", suffix="gone", start=20, end=28).start == 24
    assert reanchor(text, "isolated").start == 2
    assert reanchor(text, "vanished", start=2, end=10) is None


@pytest.mark.parametrize(
    "quote, expected",
    [
        (
            "is operating normally",
            "Russia’s base, which is operating normally, is said to be isolated—by some.\n"
            "Still the same paragraph: the base is isolated.",
        ),
        ("First paragraph", "First paragraph says nothing."),
        ("Last one", "Last one."),
    ],
)
def test_paragraph_around_holds_the_span_at_its_own_offsets(quote, expected):
    start = TEXT.index(quote)
    paragraph = paragraph_around(TEXT, start, start + len(quote))
    assert paragraph.text == expected
    assert paragraph.text[paragraph.span_start : paragraph.span_end] == quote
    assert TEXT[paragraph.start : paragraph.start + len(paragraph.text)] == expected


def test_paragraph_breaks_may_be_crlf_and_hold_spaces():
    text = "one\r\n  \r\ntwo words\r\n\r\nthree"
    paragraph = paragraph_around(text, text.index("words"), text.index("words") + 5)
    assert paragraph.text == "two words"


def test_source_text_keeps_crlf_and_hash_is_of_the_bytes(tmp_path):
    path = tmp_path / "s.txt"
    path.write_bytes("a\r\nb’".encode())
    assert read_source_text(path) == "a\r\nb’"  # offsets must not depend on newline translation
    files = read_source_texts(pd.DataFrame({"source_id": ["s"], "path": ["s.txt"]}), tmp_path)
    assert files.texts == {"s": "a\r\nb’"}
    assert files.sha256 == {"s": hashlib.sha256(path.read_bytes()).hexdigest()}


def test_anchor_claims_updates_found_quotes_and_leaves_the_rest_alone():
    claims = pd.DataFrame(
        {
            "claim_id": ["c001", "c002", "c003", "c004"],
            "source_id": ["s", "s", "s", "gone"],
            "quote": ["the base is isolated", "not in the text", "Last one.", "Last one."],
            "quote_prefix": ["", "keep", "", "keep"],
            "quote_suffix": ["", "keep", "", "keep"],
            "quote_start": ["", "1", str(TEXT.index("Last one.")), "1"],
            "quote_end": ["", "2", str(len(TEXT)), "2"],
        },
        dtype=str,
    )
    claims.loc[2, "quote_prefix"] = anchor_quote(TEXT, "Last one.").prefix
    result = anchor_claims(claims, {"s": TEXT})
    expected = anchor_quote(TEXT, "the base is isolated")
    assert result.frame.loc[0, ["quote_prefix", "quote_suffix", "quote_start", "quote_end"]].tolist() == [
        expected.prefix,
        expected.suffix,
        str(expected.start),
        str(expected.end),
    ]
    assert result.anchored.tolist() == [True, False, True, False]
    assert result.changed.tolist() == [True, False, False, False]
    pd.testing.assert_frame_equal(result.frame.loc[[1, 3]], claims.loc[[1, 3]])


def _backtracking_reference(text: str, quote: str):
    """The tolerant match as a regular expression, as it was first written: right, but
    exponential on runs of spaced dashes. Used here on short texts only, to pin the meaning."""
    dash = r"\s*(?:--|[-‐‑‒–—―−])\s*"
    parts = []
    for token in re.findall(rf"{dash}|\s+|.", quote.strip(), re.DOTALL):
        if token.strip() in ("--", *"-‐‑‒–—―−"):
            parts.append(dash)
        elif token.isspace():
            parts.append(r"\s+")
        elif token in "'‘’‚‛′":
            parts.append("['‘’‚‛′]")
        elif token in '"“”„‟″':
            parts.append('["“”„‟″]')
        else:
            parts.append(re.escape(token))
    match = re.search("".join(parts), text)
    return (match.start(), match.end()) if match else None


def test_near_match_agrees_with_the_regular_expression_it_replaces():
    # Except where dashes follow each other: the expression read "--" as one dash or two as it
    # pleased; now any run of dashes and spaces is one dash (next test).
    rng = random.Random(5)
    alphabet = ["a", "b", " ", "  ", "\n", "-", "—", " - ", "'", "’", '"', "“"]
    adjacent_dashes = re.compile(r"[-—]\s*[-—]")
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        quote = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 5)))
        if not quote.strip() or adjacent_dashes.search(text + "|" + quote):
            continue
        found = find_near_quote(text, quote)
        assert ((found.start, found.end) if found else None) == _backtracking_reference(text, quote), (text, quote)


@pytest.mark.parametrize("typed", ["a - - b", "a -- b", "a---b", "a — b"])
def test_near_match_takes_any_run_of_dashes_and_spaces_for_one_dash(typed):
    assert find_near_quote("x a—b y", typed).exact == "a—b"


def test_near_match_of_a_quote_with_sixteen_spaced_dashes_is_found_and_not_found_at_once():
    dashes = " - ".join([""] * 17).strip()  # "- - - … -", sixteen of them
    text = "intro\n" + "- \n " * 40 + "\nthe end"
    assert find_near_quote(text, dashes + " x") is None  # the regular expression took minutes here
    found = find_near_quote("before " + dashes.replace(" - ", " — ") + " after", dashes + " after")
    assert found is not None and found.exact.endswith("after")


def test_first_two_counts_an_overlapping_second_occurrence_and_says_none_with_minus_one():
    assert first_two("aaa", "aa") == (0, 1)  # the quote check must see the second, overlapping one
    assert first_two("one quote here", "quote") == (4, -1)
    assert first_two("no such words", "quote") == (-1, -1)
    assert first_two("any text", "") == (-1, -1)
