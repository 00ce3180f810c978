"""Split plain text into sentences, keeping each one's exact character span in the text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from claimmap.sources.anchors import paragraph_spans

# Words that end in a full stop without ending the sentence (lower-cased, stop included).
ABBREVIATIONS = frozenset(
    {
        "mr.",
        "mrs.",
        "ms.",
        "dr.",
        "prof.",
        "gen.",
        "lt.",
        "col.",
        "maj.",
        "capt.",
        "sgt.",
        "adm.",
        "gov.",
        "sen.",
        "rep.",
        "pres.",
        "st.",
        "no.",
        "vs.",
        "etc.",
        "approx.",
        "e.g.",
        "i.e.",
        "u.s.",
        "u.n.",
        "u.k.",
        "jan.",
        "feb.",
        "mar.",
        "apr.",
        "jun.",
        "jul.",
        "aug.",
        "sep.",
        "sept.",
        "oct.",
        "nov.",
        "dec.",
    }
)
# End punctuation with any closing quotes or brackets, then the space before the next sentence.
_SENTENCE_END = re.compile(r"""[.!?…]+["'”’»)\]]*(?=\s)""")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\f\v\r]*\n")
_NEXT_CHARACTER = re.compile(r"\s*(\S)")
_LONGEST_ABBREVIATION = max(map(len, ABBREVIATIONS))


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int
    end: int  # text == document[start:end]


def split_sentences(document: str) -> list[Sentence]:
    """The sentences of `document` in order, without surrounding whitespace.

    A sentence ends at a blank line, or at . ! ? (with closing quotes) before whitespace unless
    the word ending there is a known abbreviation or the next word starts in lower case.
    """
    cuts = {0, len(document)}
    cuts.update(m.end() for m in _PARAGRAPH_BREAK.finditer(document))
    cuts.update(m.end() for m in _SENTENCE_END.finditer(document) if _ends_sentence(document, m))
    bounds = sorted(cuts)
    return [sentence for start, end in zip(bounds, bounds[1:]) if (sentence := _trimmed(document, start, end))]


def _ends_sentence(document: str, end: re.Match) -> bool:
    # Only a few characters around the stop are looked at, so long texts stay linear; one more
    # than the longest abbreviation, so that a word cut by the window is too long to be one.
    before = document[max(0, end.start() - _LONGEST_ABBREVIATION) : end.start() + 1].split()
    following = _NEXT_CHARACTER.match(document, end.end())
    abbreviated = bool(before) and before[-1].lower() in ABBREVIATIONS
    return not abbreviated and not (following and following.group(1).islower())


def _trimmed(document: str, start: int, end: int) -> Sentence | None:
    text = document[start:end]
    stripped = text.strip()
    if not stripped:
        return None
    begin = start + len(text) - len(text.lstrip())
    return Sentence(stripped, begin, begin + len(stripped))


_CLOSERS = "\"'”’»)]"


def heading_spans(document: str) -> list[tuple[int, int]]:
    """(start, end) of the paragraphs that do not end like a sentence: a headline, a dateline
    ('MOSCOW, 10 December 2024 (Levant Wire)'), a byline. They summarise or label the article
    rather than report in it."""
    return [
        (start, end)
        for start, end in paragraph_spans(document)
        if not document[start:end].rstrip(_CLOSERS).endswith((".", "!", "?", "…"))
    ]
