"""Hedging and distancing cues in a quote, and where the curated `hedge` is firmer than the words.

The curated vocabulary runs from firm to doubtful: stated < reported < alleged < presumed < rumored.
Each cue pattern implies one of those levels; a quote's detected hedge is the most doubtful level
among its cues ('stated' when it has none).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

HEDGE_LEVELS = ("stated", "reported", "alleged", "presumed", "rumored")
HEDGE_RANK = {level: rank for rank, level in enumerate(HEDGE_LEVELS)}
# The claims-frame column with each claim's effective hedge (effective_hedges; the dataset adds it).
EFFECTIVE_HEDGE = "doubt"

_SPEECH_VERB = r"(?:said|says|noted|revealed|disclosed|told|added|confirmed)"
_WORDS_UP_TO_3 = r"(?:[\w'’]+\s+){0,3}?"

# kind -> (level it implies, pattern). Word boundaries keep 'reported' out of 'unreported' and
# 'claim' out of 'reclaimed'.
_CUE_PATTERNS: dict[str, tuple[str, str]] = {
    "rumor": ("rumored", r"\brumou?r(?:s|ed)?\b|\bhearsay\b"),
    "presumption": ("presumed", r"\bpresum(?:ably|ed|able)\b"),
    # 'May' followed or preceded by a number is the month, not a modal verb.
    "speculation": (
        "presumed",
        r"\bpossib(?:le|ly)\b|\bprobabl[ey]\b|\bperhaps\b|\bapparently\b"
        r"|\bseemingly\b|(?<!\d\s)\bmay\b(?!\s*\d)|\bmight\b"
        r"|\b(?:believed|thought)\s+to\b|\b(?:un)?likely\b|\bappear(?:s|ed)?\b|\bseem(?:s|ed)?\b",
    ),
    "allegation": ("alleged", r"\balleg(?:edly|ed|es?)\b|\bsupposedly\b|\bpurported(?:ly)?\b"),
    "claim": ("alleged", r"\bclaim(?:s|ed|ing)?\b"),
    "unconfirmed": (
        "alleged",
        r"\bun(?:confirmed|verified|substantiated)\b"
        r"|\b(?:could|can)\s*not\s+(?:be\s+)?(?:independently\s+)?(?:verif(?:y|ied)|confirm(?:ed)?)\b"
        r"|\bunable\s+to\s+(?:independently\s+)?(?:verify|confirm)\b"
        r"|\bnot\s+(?:been\s+)?(?:independently\s+)?(?:verified|confirmed)\b",
    ),
    "report": ("reported", r"\breport(?:s|ed|edly)?\b"),
    "attribution": (
        "reported",
        r"\baccording\s+to\b|\bciting\b"
        rf"|\b{_SPEECH_VERB}\s+{_WORDS_UP_TO_3}sources?\b"
        rf"|\b(?:(?:a|an|the|one)\s+)?sources?\s+{_WORDS_UP_TO_3}{_SPEECH_VERB}\b",
    ),
    # 'X said': the claim is the speaker's, not the source's own.
    "speech": ("reported", rf"\b{_SPEECH_VERB}\b|\b(?:stated|announced|insisted|tells)\b"),
    "anonymous_source": (
        "reported",
        r"\banonymous(?:ly)?\b|\bunnamed\b|\bunidentified\b"
        r"|\ba\s+source\b|\bsources\b",
    ),
}
_CUE_REGEX = {kind: re.compile(pattern, re.IGNORECASE) for kind, (_, pattern) in _CUE_PATTERNS.items()}
_LEVEL_OF_KIND = {kind: level for kind, (level, _) in _CUE_PATTERNS.items()}
# One alternation per doubtful level, so a whole column is tested with a handful of str.contains.
_LEVEL_REGEX = {
    level: "|".join(f"(?:{pattern})" for lvl, pattern in _CUE_PATTERNS.values() if lvl == level)
    for level in HEDGE_LEVELS[1:]
}
_LEVEL_COMPILED = {level: re.compile(pattern, re.IGNORECASE) for level, pattern in _LEVEL_REGEX.items()}
# Python's str patterns mean Unicode whitespace by \s, Unicode letters by \w and \b, and under
# IGNORECASE let 'i' match 'İ' and 'ı' (and 's' 'ſ', 'k' 'K', which RE2 folds too); RE2's are ASCII.
_ANY_SPACE = r"[\s\v\x1c-\x1f\x85\p{Z}]"
_LOOKAROUND = re.compile(r"\(\?<?[!=][^()]*\)")


def re2_superset(pattern: str) -> str:
    """An RE2 pattern that matches wherever the Python `pattern` (one of the cue patterns, matched
    ignoring case) does, and perhaps elsewhere: lookarounds and word boundaries dropped,
    whitespace, word and letter classes widened. A cheap first pass over a whole column; Python's
    own pattern decides on what it finds."""
    widened = _LOOKAROUND.sub("", pattern).replace(r"\b", "").replace(r"\s", _ANY_SPACE)
    return re.sub(r"(?<!\\)i", "[iİı]", widened.replace(r"[\w'’]", r"\S"))


_LEVEL_RE2 = {level: re2_superset(pattern) for level, pattern in _LEVEL_REGEX.items()}


@dataclass(frozen=True)
class HedgeCue:
    """A hedging or distancing expression found in a text, with its character span."""

    text: str
    start: int
    end: int
    kind: str

    @property
    def hedge(self) -> str:
        """The curated hedge level this cue implies."""
        return _LEVEL_OF_KIND[self.kind]


def detect_hedge_cues(text: str) -> list[HedgeCue]:
    """All hedging cues in `text`, in reading order.

    A cue lying inside a longer cue of at least its level ('a source' in 'said a source') is
    dropped as redundant; the most doubtful level found is unchanged by that.
    """
    found = [
        HedgeCue(m.group(0), m.start(), m.end(), kind)
        for kind, regex in _CUE_REGEX.items()
        for m in regex.finditer(text)
    ]
    # One sweep in reading order (longer first at the same start): the cues seen before a cue all
    # start at or before it, so it lies inside one of them iff one of at least its level ends at
    # or after it. Cues with the very same span do not hide each other.
    found.sort(key=lambda cue: (cue.start, -cue.end))
    furthest_end = [-1] * len(HEDGE_LEVELS)  # per level: the furthest end of the cues seen so far
    kept = []
    for _, same_span in itertools.groupby(found, key=lambda cue: (cue.start, cue.end)):
        group = list(same_span)
        kept += [cue for cue in group if max(furthest_end[HEDGE_RANK[cue.hedge] :]) < cue.end]
        for cue in group:
            furthest_end[HEDGE_RANK[cue.hedge]] = max(furthest_end[HEDGE_RANK[cue.hedge]], cue.end)
    return sorted(kept, key=lambda cue: (cue.start, cue.end))


def strongest_hedge(levels: list[str]) -> str:
    """The most doubtful of `levels`; 'stated' for none."""
    return max(levels, key=HEDGE_RANK.__getitem__, default="stated")


def detected_hedge(text: str) -> str:
    """The hedge level the words of `text` show by themselves."""
    return strongest_hedge([cue.hedge for cue in detect_hedge_cues(text)])


def detected_hedges(quotes: pd.Series) -> pd.Series:
    """`detected_hedge` for a whole column of texts at once (same index). RE2 (through pyarrow)
    picks the candidates of each level in one linear pass; only those are searched in Python."""
    doubtful_first = HEDGE_LEVELS[:0:-1]
    texts = quotes.astype(str)
    column = pa.array(texts, pa.large_string())  # no Python object per row
    conditions = []
    for level in doubtful_first:
        found = pc.match_substring_regex(column, _LEVEL_RE2[level], ignore_case=True).to_numpy(zero_copy_only=False)
        candidates = np.flatnonzero(found)
        found[candidates] = [_LEVEL_COMPILED[level].search(text) is not None for text in texts.iloc[candidates]]
        conditions.append(found.astype(bool))
    return pd.Series(np.select(conditions, doubtful_first, default="stated"), index=quotes.index, dtype="str")


def effective_hedges(claims: pd.DataFrame) -> pd.Series:
    """Per claim, the more doubtful of the curated hedge and the one its quote's words show:
    what the map's style, the hedge filter and the panel go by. A curated value that is not a
    known level is kept as it is (validation reports it)."""
    detected = detected_hedges(claims["quote"])
    return detected.where(detected.map(HEDGE_RANK) > claims["hedge"].map(HEDGE_RANK), claims["hedge"])


def hedge_disagreements(claims: pd.DataFrame) -> pd.DataFrame:
    """Claims whose quote shows more doubt than their curated `hedge`.

    Only the quote's own words count: a hedge carried by the surrounding sentence ('TASS reports')
    is properly curated without appearing in the quote, so a curated hedge *stronger* than the
    quote's is never flagged. Columns: claim_id, _line, curated, detected, cues (the cue texts
    more doubtful than the curated value); the index is that of the flagged rows of `claims`.
    """
    effective = effective_hedges(claims)
    firmer = effective != claims["hedge"]  # where the words doubt more, the effective hedge is theirs
    flagged = claims.loc[firmer]
    # Only the few flagged quotes are scanned cue by cue, for the message.
    cues = [
        [cue.text for cue in detect_hedge_cues(quote) if HEDGE_RANK[cue.hedge] > HEDGE_RANK[curated]]
        for quote, curated in zip(flagged["quote"], flagged["hedge"])
    ]
    return pd.DataFrame(
        {
            "claim_id": flagged["claim_id"],
            "_line": flagged["_line"],
            "curated": flagged["hedge"],
            "detected": effective[firmer],
            "cues": pd.Series(cues, index=flagged.index, dtype=object),
        }
    )
