"""Where a quote sits in its source text, as W3C TextQuoteSelector and TextPositionSelector.

Offsets are Python str indices (code points) into the file decoded as UTF-8 with line ends kept
as they are, so they mean the same on every platform.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from claimmap.files import MAX_SOURCE_BYTES, Confinement, FileRefused, read_regular

CONTEXT = 32  # characters of prefix and suffix kept on each side of a quote
# A quote found more often than this (a word, a letter) is placed among its first ones only.
MAX_OCCURRENCES = 10_000
SELECTOR_COLUMNS = ("quote_start", "quote_end", "quote_prefix", "quote_suffix")  # in claims.csv

SINGLE_QUOTES = "'‘’‚‛′"
DOUBLE_QUOTES = '"“”„‟″'
DASHES = "-‐‑‒–—―−"
# Tolerant matching folds each quote mark to ' or ", each whitespace character to a space and
# each dash to -, character for character (so offsets stay), then each run of spaces, and each
# run of dashes with the spaces around them, to one character (so "a - b", "a -- b" and "a—b"
# meet). The runs are matched once each and the scan never backtracks past one: linear time.
_FOLD_CHARACTERS = str.maketrans(
    {
        **{c: " " for c in map(chr, range(0x3001)) if c.isspace()},  # what \s matches; none lie higher
        **dict.fromkeys(SINGLE_QUOTES, "'"),
        **dict.fromkeys(DOUBLE_QUOTES, '"'),
        **dict.fromkeys(DASHES, "-"),
    }
)
_FOLD_RUNS = re.compile(r"[ -]{2,}")  # after the first fold: a run of spaces, or of dashes and spaces
_BLANK_LINES = re.compile(r"\r?\n(?:[ \t\f\v]*\r?\n)+")


@dataclass(frozen=True)
class Anchor:
    """A quote's place in a text: offsets [start, end) and up to CONTEXT characters either side."""

    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


@dataclass(frozen=True)
class Paragraph:
    """The paragraph holding a span: its text, where it starts in the document, and the span
    within it (span_start/span_end index into `text`)."""

    text: str
    start: int
    span_start: int
    span_end: int


SOURCE_PATH_FIX = "give a path relative to the folder holding the data directory, such as seeds/NAME.txt"


def read_source_text(path: Path) -> str:
    """The regular file `path` (at most MAX_SOURCE_BYTES) decoded as UTF-8, without newline
    translation (a CRLF stays two characters). Raises FileRefused, OSError, UnicodeDecodeError."""
    return read_regular(path, MAX_SOURCE_BYTES).decode("utf-8")


@dataclass(frozen=True)
class SourceFiles:
    """By source_id: the text of each source file that could be read, the sha256 of the bytes it
    was decoded from (so a hash and its text always belong together), and why each other one
    could not be read, with a problem code."""

    texts: dict[str, str]
    sha256: dict[str, str]
    failures: dict[str, str]
    failure_codes: dict[str, str]


def read_source_texts(sources: pd.DataFrame, root: Path) -> SourceFiles:
    """Each source file named in `sources` (paths relative to `root`, and kept inside it)."""
    files = SourceFiles({}, {}, {}, {})
    confined = Confinement(root, fix=SOURCE_PATH_FIX)
    for source_id, relative in zip(sources["source_id"], sources["path"]):  # one file each: I/O
        try:
            data = read_regular(confined(relative), MAX_SOURCE_BYTES)
            files.texts[source_id] = data.decode("utf-8")
            files.sha256[source_id] = hashlib.sha256(data).hexdigest()
        except FileNotFoundError:
            files.failures[source_id] = (
                f"{relative} not found in {root} (paths are relative to the folder "
                "holding the data directory); fix the path or restore the file"
            )
            files.failure_codes[source_id] = "file-not-found"
        except FileRefused as err:
            files.failures[source_id] = err.reason if err.path == relative else f"{relative}: {err.reason}"
            files.failure_codes[source_id] = err.code
        except UnicodeDecodeError as err:
            files.failures[source_id] = (
                f"{relative} is not UTF-8 ({err.reason} at byte {err.start}); re-save it as UTF-8"
            )
            files.failure_codes[source_id] = "encoding-error"
        except OSError as err:
            files.failures[source_id] = f"{relative} cannot be read ({err.strerror})"
            files.failure_codes[source_id] = "source-error"
    return files


def anchor_at(text: str, start: int, end: int) -> Anchor:
    """The selector for text[start:end]. Prefix and suffix stop at a line break, so they stay on
    one line of the CSV that stores them."""
    return Anchor(start, end, text[start:end], prefix_at(text, start), suffix_at(text, end))


def prefix_at(text: str, start: int) -> str:
    """The stored prefix of a quote starting at `start`: up to CONTEXT characters, after any line break."""
    return text[max(0, start - CONTEXT) : start].rpartition("\n")[2]


def suffix_at(text: str, end: int) -> str:
    """The stored suffix of a quote ending at `end`: up to CONTEXT characters, before any line break."""
    return text[end : end + CONTEXT].partition("\n")[0]


def occurrences(text: str, quote: str, limit: int | None = None) -> list[int]:
    """Start of every occurrence of `quote` (the first `limit` of them), overlapping ones included."""
    found: list[int] = []
    position = text.find(quote) if quote else -1
    while position >= 0 and (limit is None or len(found) < limit):
        found.append(position)
        position = text.find(quote, position + 1)
    return found


def first_two(text: str, quote: str) -> tuple[int, int]:
    """Where `quote` first occurs in `text` and where it occurs next (overlapping counts); -1 for none."""
    found = occurrences(text, quote, 2) + [-1, -1]
    return found[0], found[1]


def anchor_quote(text: str, quote: str) -> Anchor | None:
    """The first verbatim occurrence of `quote`, or None."""
    found = occurrences(text, quote)
    return anchor_at(text, found[0], found[0] + len(quote)) if found else None


def find_near_quote(text: str, quote: str) -> Anchor | None:
    """The first span of `text` equal to `quote` up to curly/straight quotes, dash kinds and
    whitespace runs; the Anchor holds the span exactly as the text has it.

    Both are folded (each foldable stretch to one character) and the folded quote is looked for
    with str.find, so the time is linear in the text whatever the quote holds."""
    if not quote.strip():
        return None
    folded, wanted = _folded_source(text), _folded(quote.strip()).text
    at = folded.text.find(wanted)
    if at < 0:
        return None
    return anchor_at(text, folded.start_of(at), folded.end_of(at + len(wanted)))


@dataclass(frozen=True)
class _Folded:
    """A text with each foldable stretch replaced by one character, and where each replaced
    character came from: folded index `index[k]` stands for original [start[k], end[k])."""

    text: str
    index: np.ndarray
    start: np.ndarray
    end: np.ndarray

    def start_of(self, position: int) -> int:
        """The original offset where folded `position` starts."""
        k = int(np.searchsorted(self.index, position, side="right")) - 1
        if k >= 0 and self.index[k] == position:
            return int(self.start[k])
        return self._verbatim(k, position)

    def end_of(self, position: int) -> int:
        """The original offset where the folded text up to `position` (exclusive) ends."""
        last = position - 1
        k = int(np.searchsorted(self.index, last, side="right")) - 1
        if k >= 0 and self.index[k] == last:
            return int(self.end[k])
        return self._verbatim(k, last) + 1

    def _verbatim(self, k: int, position: int) -> int:
        # `position` lies in the unchanged run after replaced character k (or before the first).
        return position if k < 0 else int(self.end[k]) + position - int(self.index[k]) - 1


def _folded(text: str) -> _Folded:
    pieces, index, start, end = [], [], [], []
    folded = text.translate(_FOLD_CHARACTERS)
    copied = 0  # original offset copied up to
    length = 0  # folded length so far
    for run in _FOLD_RUNS.finditer(folded):
        pieces.append(folded[copied : run.start()])
        length += run.start() - copied
        pieces.append("-" if "-" in run.group() else " ")
        index.append(length)
        start.append(run.start())
        end.append(run.end())
        length += 1
        copied = run.end()
    pieces.append(folded[copied:])
    as_array = functools.partial(np.array, dtype=np.int64)
    return _Folded("".join(pieces), as_array(index), as_array(start), as_array(end))


# A source is searched once per missing quote; it is folded once.
_folded_source = functools.lru_cache(maxsize=4)(_folded)


def reanchor(
    text: str,
    quote: str,
    *,
    prefix: str = "",
    suffix: str = "",
    start: int | None = None,
    end: int | None = None,
    found: list[int] | None = None,
) -> Anchor | None:
    """Find a previously anchored quote in a possibly changed text.

    The stored offsets win if the quote is still there; otherwise the occurrence whose
    surroundings match the stored prefix and suffix (both, then either), then the one nearest the
    old start, then the first. `found` is occurrences(text, quote) when the caller has it already.
    """
    if start is not None and end is not None and 0 <= start and text[start:end] == quote and quote:
        return anchor_at(text, start, end)
    found = occurrences(text, quote, MAX_OCCURRENCES) if found is None else found
    if not found:
        return None

    def fit(position: int) -> tuple[int, int, int]:
        context = (text[max(0, position - len(prefix)) : position] == prefix) + (
            text[position + len(quote) : position + len(quote) + len(suffix)] == suffix
        )
        return context, -abs(position - start) if start is not None else 0, -position

    best = max(found, key=fit)
    return anchor_at(text, best, best + len(quote))


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph: the text between blank lines, trimmed of outer whitespace."""
    bounds = [0, *(i for m in _BLANK_LINES.finditer(text) for i in (m.start(), m.end())), len(text)]
    spans = []
    for begin, finish in zip(bounds[::2], bounds[1::2]):
        chunk = text[begin:finish]
        if chunk.strip():
            spans.append((begin + len(chunk) - len(chunk.lstrip()), begin + len(chunk.rstrip())))
    return spans


def paragraph_around(text: str, start: int, end: int) -> Paragraph:
    """The paragraph(s) holding [start, end); a span crossing a blank line keeps both sides."""
    spans = paragraph_spans(text)
    begin = min(start, max((a for a, _ in spans if a <= start), default=start))
    finish = max(end, min((b for _, b in spans if b >= end), default=end))
    return Paragraph(text[begin:finish], begin, start - begin, end - begin)


def missing_quote_message(text: str, quote: str, source: str) -> str:
    """Why a quote is not in its source, with the exact span to paste when one is close."""
    near = find_near_quote(text, quote)
    message = f"quote not found verbatim in {source}"
    return (
        f"{message}; the source has: «{near.exact}» — paste that"
        if near
        else (f"{message}; copy the words from the source exactly")
    )


@dataclass(frozen=True)
class AnchoredClaims:
    """Claims (text cells, as read from the CSV) with their selectors brought up to date."""

    frame: pd.DataFrame
    anchored: pd.Series  # bool per row: the quote was found in its source
    changed: pd.Series  # bool per row: a selector cell now differs from before


def anchor_claims(claims: pd.DataFrame, texts: Mapping[str, str]) -> AnchoredClaims:
    """Re-anchor each claim whose source text is given; the others are kept as they are."""
    columns = list(SELECTOR_COLUMNS)
    starts, ends = (_stored_offsets(claims[c]) for c in ("quote_start", "quote_end"))
    found = [
        reanchor(texts[source], quote, prefix=prefix, suffix=suffix, start=start, end=end) if source in texts else None
        for source, quote, prefix, suffix, start, end in zip(
            claims["source_id"], claims["quote"], claims["quote_prefix"], claims["quote_suffix"], starts, ends
        )
    ]
    anchored = pd.Series([a is not None for a in found], index=claims.index)
    cells = pd.DataFrame(
        [(str(a.start), str(a.end), a.prefix, a.suffix) for a in found if a is not None],
        index=claims.index[anchored],
        columns=columns,
        dtype=str,
    )
    frame = claims.copy()
    frame.loc[anchored, columns] = cells
    return AnchoredClaims(frame, anchored, frame[columns].ne(claims[columns]).any(axis=1))


def _stored_offsets(cells: pd.Series) -> list[int | None]:
    # Text cells as read from the CSV; anything but plain digits counts as not stored.
    return [int(cell) if cell.isascii() and cell.isdigit() else None for cell in cells]
