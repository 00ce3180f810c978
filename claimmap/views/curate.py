"""What the Curate view shows: the article with its drafted quotes marked, and the labels that
let a curator choose places, actors, speakers and claim types by name and description.

The article is drawn by a small Streamlit component without a build step,
`quote_picker_frontend/index.html`: every piece of text carries its offset in the source, so a
selection made with the mouse comes back as exact offsets, and the quote is cut from the source
itself (a verbatim substring by construction).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from claimmap.sources.anchors import paragraph_spans
from claimmap.views.reader import article_paragraphs

QUOTE_PICKER_FRONTEND = Path(__file__).resolve().parent / "quote_picker_frontend"
LABEL_CHARS = 110  # a list entry stays on one line


def picker_payload(text: str, drafts: pd.DataFrame) -> list[list[dict]]:
    """Paragraphs of `text` as segments {text, start, rows, tags}: `rows` are the labels (`row N`,
    N counted from 1) of the drafts whose anchored quote (quote_start/quote_end) covers the
    segment, `tags` those whose quote ends with it."""
    anchored = drafts[pd.to_numeric(drafts["quote_start"], errors="coerce").notna()]
    anchored = anchored.assign(
        claim_id=[f"row {n}" for n in anchored["_line"] - 1],
        quote_start=anchored["quote_start"].astype(int),
        quote_end=anchored["quote_end"].astype(int),
    )
    payload = []
    for (start, _), paragraph in zip(paragraph_spans(text), article_paragraphs(text, anchored)):
        position, segments = start, []
        for segment in paragraph.segments:
            segments.append(
                {"text": segment.text, "start": position, "rows": list(segment.claim_ids), "tags": list(segment.ends)}
            )
            position += len(segment.text)
        payload.append(segments)
    return payload


def selected_quote(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The selection [start, end) trimmed of outer whitespace, within the text; None when empty."""
    start, end = max(0, min(start, end)), min(len(text), max(start, end))
    chunk = text[start:end]
    if not chunk.strip():
        return None
    return start + len(chunk) - len(chunk.lstrip()), end - (len(chunk) - len(chunk.rstrip()))


def short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def place_labels(places: pd.DataFrame, names: dict[str, str]) -> dict[str, str]:
    """place_id → 'Name — kind in Parent (aliases)'."""
    parents = places["parent_id"].map(names).fillna("")
    labels = (
        places["name"] + " — " + places["kind"].str.replace("_", " ") + parents.where(parents == "", " in " + parents)
    )
    aliases = places["aliases"].str.replace("|", ", ", regex=False)
    labels = labels + aliases.where(aliases == "", " (" + aliases + ")")
    return {place: short(label) for place, label in zip(places["place_id"], labels)}


def described_labels(frame: pd.DataFrame, key: str, kind_column: str | None = None) -> dict[str, str]:
    """key → 'Name — kind: description' for actors and speakers."""
    labels = frame["name"]
    if kind_column:
        labels = labels + " — " + frame[kind_column].str.replace("_", " ")
    described = frame["description"] != ""
    labels = labels.where(~described, labels + (": " if kind_column else " — ") + frame["description"])
    return {value: short(label) for value, label in zip(frame[key], labels)}


def value_labels(values: tuple[str, ...], descriptions: dict[str, str]) -> dict[str, str]:
    """An enum's values, each with its description where the schema gives one."""
    return {v: short(f"{v} — {descriptions[v]}") if descriptions.get(v) else v for v in values}
