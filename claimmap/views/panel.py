"""What the sourcing panel shows for one place: every claim about it, with its evidence.

Pure data for the dashboard to lay out: `panel_data` is what the panel's component draws (as text,
never as markup); `markdown_text` makes table text safe for st.markdown elsewhere on the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import pandas as pd

from claimmap.analysis.asof import VAGUE_PRECISIONS, Day, as_timestamp, facility_status, holds_on
from claimmap.analysis.dataset import Dataset
from claimmap.analysis.provenance import CURATED, INDEPENDENT, NO_ORIGIN, SAME_ORIGIN, WITHOUT_ORIGIN, Provenance
from claimmap.problems import without_bidi_controls
from claimmap.sources.anchors import paragraph_around
from claimmap.sources.hedging import EFFECTIVE_HEDGE, detect_hedge_cues, strongest_hedge
from claimmap.tables.schema import FACILITY_KINDS

PANEL_FRONTEND = Path(__file__).parent / "panel_frontend"  # the panel's component: panel.js, panel.css

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

# A contradiction's reason (provenance.contradictions) in words; a rule 'A vs B' reads as its types.
REASON_WORDS = {
    CURATED: "marked as contradicting by the curators",
    "control by different actors": "different actors are said to hold it at the same time",
    "non_entry vs entered": "the same actor is said both to have entered and not to have entered",
}


def type_words(claim_type: str) -> str:
    """A claim type as its schema label reads ('facility_operating' -> 'facility operating')."""
    return claim_type.replace("_", " ")


def reason_words(reason: str) -> str:
    """'curated, facility_operating vs withdrawal' -> 'marked as contradicting by the curators;
    'facility operating' and 'withdrawal' at the same time'."""
    words = []
    for part in reason.split(", "):
        if part in REASON_WORDS:
            words.append(REASON_WORDS[part])
        elif " vs " in part:
            a, b = part.split(" vs ", 1)
            words.append(f"'{type_words(a)}' and '{type_words(b)}' claimed for the same days")
        else:
            words.append(part)
    return "; ".join(words)


# CommonMark lets any ASCII punctuation be backslash-escaped; Streamlit adds $ (LaTeX) and : (emoji).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>$:~&\"'=^])")
# What escapes do not stop, because it is found in the text after they are undone: links made of
# bare addresses (www., e-mail, scheme://) and Streamlit's :icon:, :emoji: and :color[...] codes.
# A WORD JOINER (invisible, no break) after each ':' and '@' and after a 'www' breaks them all.
_WORD_JOINER = "\u2060"
_SHORTCODE_OR_LINK = re.compile(r"(:|@|\bwww(?=\\\.))", re.IGNORECASE)


def markdown_text(value: str) -> str:
    """Text shown literally by st.markdown: no formatting, links, HTML, LaTeX, emoji, icon or
    colour codes, and no reordering controls."""
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", without_bidi_controls(str(value))).replace("\n", " ")
    return _SHORTCODE_OR_LINK.sub(lambda m: m.group() + _WORD_JOINER, escaped)


def place_search_labels(places: pd.DataFrame) -> dict[str, str]:
    """place_id -> the place box's label: the name, then its other names (aliases, e.g. 'Tartous',
    'Lattakia', Arabic), so that typing any of them in the box finds the place."""
    labels = {place_id: str(name) for place_id, name in zip(places["place_id"].tolist(), places["name"].tolist())}
    # Only the places with other names (most have none: the loop over 100,000 places took 0.6 s).
    aliased = places[places["aliases"].fillna("") != ""]
    for place_id, name, aliases in zip(
        aliased["place_id"].tolist(), aliased["name"].tolist(), aliased["aliases"].tolist()
    ):
        seen = {str(name).casefold()}
        others = []
        for alias in str(aliases).split("|"):
            alias = alias.strip()
            if alias and alias.casefold() not in seen:
                seen.add(alias.casefold())
                others.append(alias)
        labels[place_id] = f"{name} · also {', '.join(others)}" if others else str(name)
    return labels


PLACE_BOX_MAX = 200  # places listed in the box when there are too many to send them all


def place_box_options(
    labels: Mapping[str, str],
    candidates: Sequence[str],
    query: str,
    in_view: Iterable[str],
    selected: str | None,
    cap: int = PLACE_BOX_MAX,
) -> list[str]:
    """The place box's options when the map has too many places to list them all (every rerun
    sends each option's label): the candidates whose label holds `query` (in any case), or
    without a query those in `in_view` (on screen); at most `cap`, the selected place first."""
    wanted = query.strip().casefold()
    if wanted:
        names = pd.Series([labels.get(p, p) for p in candidates], dtype="str")
        found = pd.Series(candidates, dtype="str")[names.str.casefold().str.contains(wanted, regex=False).to_numpy()]
        listed = found.head(cap + 1).tolist()
    else:
        listed = list(islice(in_view, cap + 1))
    return ([selected] if selected else []) + [p for p in listed if p != selected][: cap - bool(selected)]


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
    graded: str  # whom the reliability grade is about: the claimant, the chain's first link
    validity: str
    reported: str
    hedge: str
    effective_hedge: str  # the more doubtful of `hedge` and `detected_hedge` (hedging.effective_hedges)
    detected_hedge: str  # the level the quote's own words show ('stated' without cues)
    hedge_cues: str  # those words, e.g. "'allegedly', 'presumably'"
    grade: str
    against_interest: bool
    origin: str  # the name of the claim's own origin, or 'no known origin'
    support_basis: str  # 'on 2024-12-09' for a claim holding on the chosen day, else 'over its own dates'
    # Independent supporters grouped by origin: (origin name, claim ids); then supporters that
    # repeat the claim's own origin, and supporters without origin (neither counts).
    independent: tuple[tuple[str, tuple[str, ...]], ...] = ()
    same_origin: tuple[str, ...] = ()
    unattributed: tuple[str, ...] = ()
    corroborated: bool = False
    contradicted_by: list[str] = field(default_factory=list)

    @property
    def words_doubt_more(self) -> bool:
        """The quote's own words hedge more than the curated value (validate warns about these)."""
        return self.effective_hedge != self.hedge

    @property
    def supporting(self) -> str:
        """Independent support in one line: 'corroborated on 2024-12-09 by 2 independent origins'."""
        n = len(self.independent)
        if self.corroborated:
            return f"corroborated {self.support_basis} by {n} independent origin(s)"
        if n:
            return f"not corroborated {self.support_basis}: its own origin is unknown; {n} other origin(s) say the same"
        return f"not independently corroborated {self.support_basis}"

    @property
    def corroboration_lines(self) -> list[tuple[str, str]]:
        """(label, text) lines: the claim's origin, its independent support grouped by origin, and
        apart the supporters that repeat its own origin or have none."""
        lines = [("Origin", self.origin), ("Corroboration", self.supporting)]
        lines += [(f"Independently: {name}", ", ".join(ids)) for name, ids in self.independent]
        if self.same_origin:
            lines.append((f"Same origin ({self.origin}), not counted", ", ".join(self.same_origin)))
        if self.unattributed:
            lines.append(("No known origin, not counted", ", ".join(self.unattributed)))
        return lines


@dataclass(frozen=True)
class Side:
    """One side of a disagreement at a place: the claims saying the same thing (one type, one actor)."""

    says: str  # 'facility operating (Russia)'
    claim_ids: tuple[str, ...]
    origins: tuple[str, ...]  # the distinct origins behind them, in words

    @property
    def line(self) -> str:
        n, m = len(self.claim_ids), len(self.origins)
        claims = "1 claim says" if n == 1 else f"{n} claims say"
        origins = "1 origin" if m == 1 else f"{m} origins"
        return f"{claims} {self.says}, from {origins}: {', '.join(self.origins)}"


@dataclass(frozen=True)
class Dossier:
    place_id: str
    holding: list[ClaimCard]
    earlier: list[ClaimCard]
    later: list[ClaimCard]
    # (claim a, claim b, reason) for contradictions with a claim at this place, both holding on the day
    competing: list[tuple[ClaimCard, ClaimCard, str]]
    # The same disagreements summarised: one line per side, each claim once; the reasons in words
    sides: list[Side] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    # For a facility: the state claimed on the day and by whom (asof.facility_status), else ""
    status: str = ""


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


def _cards(claims: pd.DataFrame, dataset: Dataset, view: Provenance, basis: str) -> dict[str, ClaimCard]:
    """Cards for `claims`, with support and contradictions as `view` has them."""
    tables = dataset.tables
    actors = dataset.names["actors"]
    published = tables.sources.set_index("source_id")["published"]
    name_of = dataset.origin_names
    corroborated = view.corroborated_claims()
    own_origin = dict(zip(view.claims["claim_id"], view.claims["origin"]))
    # A place has a handful of claims, links and pairs: plain dicts beat pandas per card.
    supporters: dict[str, dict[str, dict[str, list[str]]]] = {}
    links = view.links[view.links["claim_id"].isin(claims["claim_id"])]
    for cid, supporter, origin, relation in links[["claim_id", "supporter", "origin", "relation"]].itertuples(
        index=False
    ):
        by_relation = supporters.setdefault(cid, {INDEPENDENT: {}, SAME_ORIGIN: {}, WITHOUT_ORIGIN: {}})
        by_relation[relation].setdefault(name_of.get(origin, origin), []).append(supporter)
    contradicted: dict[str, list[str]] = {}
    for a, b in zip(view.pairs["claim_a"], view.pairs["claim_b"]):
        contradicted.setdefault(a, []).append(b)
        contradicted.setdefault(b, []).append(a)
    cards = {}
    for row in claims.to_dict("records"):
        cid = row["claim_id"]
        # A text changed or gone since it was validated: the quote alone, the next rerun reloads.
        text = dataset.source_texts.get(row["source_id"])
        cues = detect_hedge_cues(row["quote"])
        if text is None:
            para = paragraph_around(row["quote"], 0, len(row["quote"]))
        else:
            para = paragraph_around(text, int(row["quote_start"]), int(row["quote_end"]))
        mine = supporters.get(cid, {INDEPENDENT: {}, SAME_ORIGIN: {}, WITHOUT_ORIGIN: {}})
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
            chain=dataset.chains.at[cid, "chain"],
            graded=dataset.chains.at[cid, "chain"].split(" → ")[0],
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
            origin=name_of.get(own_origin.get(cid, NO_ORIGIN), "no known origin"),
            support_basis=basis,
            independent=tuple((name, tuple(ids)) for name, ids in sorted(mine[INDEPENDENT].items())),
            same_origin=tuple(c for ids in mine[SAME_ORIGIN].values() for c in ids),
            unattributed=tuple(c for ids in mine[WITHOUT_ORIGIN].values() for c in ids),
            corroborated=cid in corroborated,
            contradicted_by=sorted(contradicted.get(cid, []), key=lambda other: (len(other), other)),
        )
    return cards


def place_dossier(dataset: Dataset, place_id: str, day: Day, claims: pd.DataFrame | None = None) -> Dossier:
    """Every claim about `place_id` (among `claims`, by default all), split into holding on `day`,
    ended before it and starting after it.

    Cards of claims holding on the day count support and contradictions among the claims holding
    that day (as the map does); the others over their own dates."""
    t = as_timestamp(day)
    claims = dataset.claims if claims is None else claims
    here = claims[claims["place_id"] == place_id].sort_values(["valid_from", "claim_id"])
    # Only what concerns this place's claims and the other sides of their contradictions (a
    # curated link may join another place), so a click costs little however large the data.
    partners = dataset.provenance.of_claims(here["claim_id"]).pairs
    concerned = dataset.provenance.of_claims(pd.concat([here["claim_id"], partners["claim_a"], partners["claim_b"]]))
    on_day = concerned.among(claims, t)
    holding = holds_on(here, t)
    later = here["valid_from"] > t
    pairs = on_day.pairs[
        on_day.pairs["claim_a"].isin(here["claim_id"]) | on_day.pairs["claim_b"].isin(here["claim_id"])
    ]
    # The other side of a curated link may be about another place.
    in_pairs = claims[claims["claim_id"].isin(pairs["claim_a"]) | claims["claim_id"].isin(pairs["claim_b"])]
    cards = {
        **_cards(here[~holding], dataset, concerned.among(claims), "over its own dates"),
        **_cards(pd.concat([here[holding], in_pairs]).drop_duplicates("claim_id"), dataset, on_day, f"on {t.date()}"),
    }

    def pick(mask: pd.Series) -> list[ClaimCard]:
        return [cards[c] for c in here.loc[mask, "claim_id"]]

    competing = [
        (cards[a], cards[b], reason) for a, b, reason in zip(pairs["claim_a"], pairs["claim_b"], pairs["reason"])
    ]
    is_facility = dataset.places.loc[dataset.places["place_id"] == place_id, "kind"].isin(FACILITY_KINDS).any()
    status = facility_status(here, dataset.places, t, dataset.chains["voice"]) if is_facility else None
    return Dossier(
        place_id=place_id,
        holding=pick(holding),
        earlier=pick(~holding & ~later),
        later=pick(later),
        competing=competing,
        sides=_sides(competing),
        reasons=list(dict.fromkeys(reason_words(reason) for _, _, reason in competing)),
        status="" if status is None else status["status_text"].get(place_id, ""),
    )


def _sides(competing: list[tuple[ClaimCard, ClaimCard, str]]) -> list[Side]:
    """The claims in the pairs, each once, grouped by what they say (type and actor), larger
    sides first."""
    groups: dict[str, dict[str, ClaimCard]] = {}
    for card in sorted({c.claim_id: c for pair in competing for c in pair[:2]}.values(), key=_id_order):
        says = type_words(card.claim_type) + ("" if card.actor == "not named" else f" ({card.actor})")
        groups.setdefault(says, {})[card.claim_id] = card
    sides = [
        Side(says, tuple(cards), tuple(dict.fromkeys(c.origin for c in cards.values())))
        for says, cards in groups.items()
    ]
    return sorted(sides, key=lambda side: -len(side.claim_ids))


def _id_order(card: ClaimCard) -> tuple[int, str]:
    return (len(card.claim_id), card.claim_id)


# The tone of a hedge's badge: the firmer the wording, the calmer the colour.
HEDGE_TONE = {"stated": "green", "reported": "blue", "alleged": "orange", "presumed": "orange", "rumored": "red"}


def _plain(value: object) -> str:
    """Table text as the panel shows it: a string without reordering controls."""
    return without_bidi_controls(str(value))


def card_data(card: ClaimCard, selected: bool = False) -> dict:
    """One claim's card for the panel: what it says, its badges, the quote, the chain and its
    support. The selected claim's card also has the quote's whole paragraph, the report day,
    the hedge words and the grade in words."""
    badges = [(f"hedge: {card.hedge}", HEDGE_TONE.get(card.hedge, "gray"))]
    if card.words_doubt_more:
        badges.append((f"words suggest: {card.detected_hedge}", "orange"))
    badges.append((f"grade {card.grade.split(':')[0]} of {card.graded}", "violet"))
    if card.against_interest:
        badges.append(("against interest", "green"))
    if card.contradicted_by:
        badges.append(("⚔ contested", "red"))
    if selected:
        hedge = f"{card.hedge} (curated)" + (
            f"; hedging words in the quote: {card.hedge_cues}" if card.hedge_cues else ""
        )
        lines = [
            ("Chain", card.chain),
            ("Reported", card.reported),
            ("Hedge", hedge),
            (
                f"Grade of {card.graded} (the claimant, first link of the chain)",
                card.grade + ("; speaks against its own side's interest" if card.against_interest else ""),
            ),
            *card.corroboration_lines,
        ]
    else:
        lines = [("Chain", card.chain), ("Corroboration", card.supporting)]
    return {
        "id": _plain(card.claim_id),
        "selected": selected,
        "statement": _plain(card.statement),
        "meta": _plain(f"{type_words(card.claim_type)} · actor: {card.actor} · {card.validity}"),
        "badges": [[_plain(label), tone] for label, tone in badges],
        "before": _plain(card.before) if selected else "",
        "quote": _plain(card.quote),
        "after": _plain(card.after) if selected else "",
        "lines": [[_plain(label), _plain(text)] for label, text in lines],
        "contradicted_by": [_plain(other) for other in card.contradicted_by],
    }


def panel_data(dossier: Dossier, day: Day, chosen: str | None) -> dict:
    """What the panel's component draws below the place's heading, as JSON-ready data: the
    claimed status, a summary of who disagrees (each claim once), the selected claim `chosen`,
    then the claims holding on `day`; earlier and later ones as one line each, folded."""
    every = {c.claim_id: c for c in dossier.holding + dossier.earlier + dossier.later}
    day_text = as_timestamp(day).date().isoformat()
    return {
        "day": day_text,
        "status": _plain(dossier.status),
        "sides": [{"line": _plain(side.line), "ids": [_plain(i) for i in side.claim_ids]} for side in dossier.sides],
        "reasons": _plain("; ".join(dossier.reasons)),
        "selected": card_data(every[chosen], selected=True) if chosen in every else None,
        "holding_total": len(dossier.holding),
        "holding": [card_data(c) for c in dossier.holding if c.claim_id != chosen],
        "folded": [
            {
                "title": f"{title} ({len(cards)})",
                "lines": [
                    {"id": _plain(c.claim_id), "text": _plain(f"{c.statement} · {c.validity}")}
                    for c in cards
                    if c.claim_id != chosen
                ],
            }
            for title, cards in (("Earlier claims", dossier.earlier), ("Later claims", dossier.later))
            if cards
        ],
    }
