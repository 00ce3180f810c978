"""Sentences of a plain text, with their exact spans."""

from __future__ import annotations

from claimmap.drafting.sentences import split_sentences


def test_offsets_are_exact_around_abbreviations_and_quotes():
    text = 'Talks began on Dec. 8 in Geneva. "It is over." he said.\n\nGen. Ali left!  Did U.S. troops stay?'
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == [
        "Talks began on Dec. 8 in Geneva.",
        '"It is over." he said.',
        "Gen. Ali left!",
        "Did U.S. troops stay?",
    ]
    assert all(text[s.start : s.end] == s.text for s in sentences)


def test_a_blank_line_ends_a_sentence_without_a_stop():
    assert [s.text for s in split_sentences("Headline without stop\n\nBody text.")] == [
        "Headline without stop",
        "Body text.",
    ]


def test_blank_text_has_no_sentences():
    assert split_sentences("  \n\n ") == []
