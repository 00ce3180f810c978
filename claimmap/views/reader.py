"""The article reader: a source's paragraphs with every quoted span marked.

The spans are drawn and made clickable by a small Streamlit component without a build step,
`reader_frontend/index.html`; a click returns the claim id.

Quotes can overlap (two claims quoting parts of one sentence), so each paragraph is cut at every
span boundary into segments, and each segment knows which claims cover it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from claimmap.sources.anchors import paragraph_spans

READER_FRONTEND = Path(__file__).resolve().parent / "reader_frontend"


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
    for para_start, para_end in paragraph_spans(text):
        inside = (starts < para_end) & (ends > para_start)
        cuts = sorted(
            {para_start, para_end, *[p for p in (*starts[inside], *ends[inside]) if para_start < p < para_end]}
        )
        segments = []
        for a, b in zip(cuts, cuts[1:]):
            covering = inside & (starts <= a) & (ends >= b)
            segments.append(Segment(text[a:b], tuple(ids[covering]), tuple(ids[inside & (ends == b)])))
        paragraphs.append(ReaderParagraph(segments))
    return paragraphs


def reader_payload(paragraphs: list[ReaderParagraph]) -> list[list[dict]]:
    """The paragraphs as plain JSON for the reader component (claimmap/reader_frontend), which
    draws each quoted segment as a clickable span and the claim ids after each quote."""
    return [[{"text": s.text, "ids": list(s.claim_ids), "ends": list(s.ends)} for s in p.segments] for p in paragraphs]
