"""The article reader: a source's paragraphs with every quoted span marked.

Quotes can overlap (two claims quoting parts of one sentence), so each paragraph is cut at every
span boundary into segments, and each segment knows which claims cover it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from claimmap.panel import highlighted, markdown_text

_PARAGRAPH = re.compile(r"[^\n]+(?:\n[^\n]*\S[^\n]*)*")  # runs of non-blank lines


@dataclass(frozen=True)
class Segment:
    text: str
    claim_ids: tuple[str, ...]  # claims whose quote covers this text
    ends: tuple[str, ...]  # claims whose quote ends with this segment (tagged after it)


@dataclass(frozen=True)
class ReaderParagraph:
    segments: list[Segment]

    @property
    def claim_ids(self) -> list[str]:
        """Claims quoted in this paragraph, in reading order of their quote's end."""
        return [c for s in self.segments for c in s.ends]


def article_paragraphs(text: str, claims: pd.DataFrame) -> list[ReaderParagraph]:
    """Paragraphs of `text` cut into segments by the quote spans of `claims` (one source's claims,
    with quote_start/quote_end)."""
    starts = claims["quote_start"].astype(int).to_numpy()
    ends = claims["quote_end"].astype(int).to_numpy()
    ids = claims["claim_id"].to_numpy()
    paragraphs = []
    for para in _PARAGRAPH.finditer(text):
        inside = (starts < para.end()) & (ends > para.start())
        cuts = sorted({para.start(), para.end(), *[p for p in (*starts[inside], *ends[inside])
                                                   if para.start() < p < para.end()]})
        segments = []
        for a, b in zip(cuts, cuts[1:]):
            covering = inside & (starts <= a) & (ends >= b)
            segments.append(Segment(text[a:b], tuple(ids[covering]), tuple(ids[inside & (ends == b)])))
        paragraphs.append(ReaderParagraph(segments))
    return paragraphs


def paragraph_markdown(paragraph: ReaderParagraph, emphasised: set[str]) -> str:
    """Markdown for st.markdown: quoted spans on a blue background, those of `emphasised` claims
    (the selected place's) on orange and bold, each quote followed by its claim id."""
    out = []
    for segment in paragraph.segments:
        if set(segment.claim_ids) & emphasised:
            out.append(highlighted(segment.text))
        elif segment.claim_ids:
            out.append(f":blue-background[{markdown_text(segment.text)}]")
        else:
            out.append(markdown_text(segment.text))
        out.extend(f" :gray[\\[{markdown_text(c)}\\]]" for c in segment.ends)
    return "".join(out)
