"""What the sourcing panel shows for one place: every claim about it, with its evidence.

Pure data for the dashboard to lay out; `markdown_text` makes table text safe for st.markdown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from claimmap.analysis.asof import VAGUE_PRECISIONS, Day, as_timestamp, holds_on
from claimmap.analysis.dataset import Dataset
from claimmap.analysis.provenance import attribution_chain, format_chain
from claimmap.sources.anchors import paragraph_around
from claimmap.sources.hedging import EFFECTIVE_HEDGE, detect_hedge_cues, strongest_hedge

RELIABILITY = {
    "A": "completely reliable",
    "B": "usually reliable",
    "C": "fairly reliable",
    "D": "not usually reliable",
    "E": "unreliable",
    "F": "reliability cannot be judged",
}
CREDIBILITY = {
    1: "confirmed",
    2: "probably true",
    3: "possibly true",
    4: "doubtful",
    5: "improbable",
    6: "truth cannot be judged",
}
PRECISION_WORDS = {
    "day": "exact day",
    "night": "during the night",
    "range": "a range the source gives",
    "approximate": "vague in the source; the window is our reading",
    "as_of_report": "said to hold when reported; start not given",
}

# CommonMark lets any ASCII punctuation be backslash-escaped; Streamlit adds $ (LaTeX) and : (emoji).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>$:~&\"'=^])")


def markdown_text(value: str) -> str:
    """Text shown literally by st.markdown: no formatting, links, HTML, LaTeX or emoji codes."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(value)).replace("\n", " ")


def highlighted(value: str, color: str = "orange") -> str:
    """Literal text shown bold on a colored background; surrounding spaces stay outside the bold
    markers, where Markdown needs them."""
    core = value.strip()
    if not core:
        return markdown_text(value)
    lead, trail = value[: len(value) - len(value.lstrip())], value[len(value.rstrip()) :]
    return f"{markdown_text(lead)}:{color}-background[**{markdown_text(core)}**]{markdown_text(trail)}"


@dataclass(frozen=True)
class ClaimCard:
    claim_id: str
    statement: str
    claim_type: str
    actor: str
    quote: str
    before: str  # the rest of the quote's paragraph, before and after it
    after: str
    chain: str
    validity: str
    reported: str
    hedge: str
    effective_hedge: str  # the more doubtful of `hedge` and `detected_hedge` (hedging.effective_hedges)
    detected_hedge: str  # the level the quote's own words show ('stated' without cues)
    hedge_cues: str  # those words, e.g. "'allegedly', 'presumably'"
    grade: str
    against_interest: bool
    supporting: str
    contradicted_by: list[str] = field(default_factory=list)

    @property
    def words_doubt_more(self) -> bool:
        """The quote's own words hedge more than the curated value (validate warns about these)."""
        return self.effective_hedge != self.hedge


@dataclass(frozen=True)
class Dossier:
    place_id: str
    holding: list[ClaimCard]
    earlier: list[ClaimCard]
    later: list[ClaimCard]
    # (claim a, claim b, reason) for contradictions at this place where either side holds on the day
    competing: list[tuple[ClaimCard, ClaimCard, str]]


def validity_text(valid_from: pd.Timestamp, valid_to: pd.Timestamp, precision: str) -> str:
    """Dates of the claimed situation in words, keeping a vague date visibly vague."""
    start = valid_from.date().isoformat()
    if pd.isna(valid_to):
        span = f"from {start}, still holding as of the source"
    elif valid_to == valid_from:
        span = f"on {start}"
    else:
        span = f"{start} to {valid_to.date().isoformat()}"
    prefix = "about " if precision in VAGUE_PRECISIONS else ""
    return f"{prefix}{span} ({PRECISION_WORDS.get(precision, precision)})"


def _cards(claims: pd.DataFrame, dataset: Dataset) -> dict[str, ClaimCard]:
    tables = dataset.tables
    actors = dataset.names["actors"]
    published = tables.sources.set_index("source_id")["published"]
    support = dataset.corroboration.set_index("claim_id")
    pairs = dataset.contradictions
    cards = {}
    for row in claims.to_dict("records"):
        cid = row["claim_id"]
        text = dataset.source_texts[row["source_id"]]
        cues = detect_hedge_cues(row["quote"])
        para = paragraph_around(text, int(row["quote_start"]), int(row["quote_end"]))
        others = pd.concat(
            [pairs.loc[pairs["claim_a"] == cid, "claim_b"], pairs.loc[pairs["claim_b"] == cid, "claim_a"]]
        )
        n_independent = int(support.at[cid, "independent_origins"]) if cid in support.index else 0
        supporters = support.at[cid, "supporting_claim_ids"] if cid in support.index else ""
        reported = (
            row["reported_on"].date().isoformat()
            if pd.notna(row["reported_on"])
            else f"not stated (published {published[row['source_id']].date().isoformat()})"
        )
        cards[cid] = ClaimCard(
            claim_id=cid,
            statement=row["statement"],
            claim_type=row["claim_type"],
            actor=actors.get(row["actor_id"], "not named"),
            quote=row["quote"],
            before=para.text[: para.span_start],
            after=para.text[para.span_end :],
            chain=format_chain(attribution_chain(row, tables.speakers, tables.sources)),
            validity=validity_text(row["valid_from"], row["valid_to"], row["date_precision"]),
            reported=reported,
            hedge=row["hedge"],
            effective_hedge=row[EFFECTIVE_HEDGE],
            detected_hedge=strongest_hedge([c.hedge for c in cues]),
            hedge_cues=", ".join(f"'{c.text}'" for c in cues),
            grade=(
                # A custom schema may widen the scales' enums; an unknown grade is shown as it is.
                f"{row['reliability']}{row['credibility']}: {RELIABILITY.get(row['reliability'], 'unrated')}, "
                f"{CREDIBILITY.get(int(row['credibility']), 'unrated')}"
            ),
            against_interest=bool(row["against_interest"]),
            supporting=(
                f"corroborated by {n_independent} independent origin(s): {supporters.replace('|', ', ')}"
                if n_independent
                else "not independently corroborated"
                + (f" (same origin: {supporters.replace('|', ', ')})" if supporters else "")
            ),
            contradicted_by=sorted(others),
        )
    return cards


def place_dossier(dataset: Dataset, place_id: str, day: Day, claims: pd.DataFrame | None = None) -> Dossier:
    """Every claim about `place_id` (among `claims`, by default all), split into holding on `day`,
    ended before it and starting after it."""
    t = as_timestamp(day)
    claims = dataset.claims if claims is None else claims
    claims = claims[claims["place_id"] == place_id].sort_values(["valid_from", "claim_id"])
    cards = _cards(claims, dataset)
    holding = holds_on(claims, t)
    later = claims["valid_from"] > t

    def pick(mask: pd.Series) -> list[ClaimCard]:
        return [cards[c] for c in claims.loc[mask, "claim_id"]]

    holding_ids = set(claims.loc[holding, "claim_id"])
    pairs = dataset.contradictions
    pairs = pairs[
        (pairs["place_id"] == place_id) & (pairs["claim_a"].isin(holding_ids) | pairs["claim_b"].isin(holding_ids))
    ]
    competing = [
        (cards[a], cards[b], reason)
        for a, b, reason in zip(pairs["claim_a"], pairs["claim_b"], pairs["reason"])
        if a in cards and b in cards
    ]
    return Dossier(
        place_id=place_id,
        holding=pick(holding),
        earlier=pick(~holding & ~later),
        later=pick(later),
        competing=competing,
    )
