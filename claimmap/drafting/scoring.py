"""How close drafts come to curated (gold) claims of the same source.

A draft stands for a gold claim when their quotes overlap (by at least half of the shorter one);
among those, one with the gold place is preferred. For each gold claim the fields that count are
compared: place, claim type, dates (valid_from, valid_to and date_precision together), claimant
and hedge. A draft is a real claim when it stands for some gold claim with its place.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from claimmap.drafting.suggest import draft_claims
from claimmap.sources.anchors import occurrences, read_source_text
from claimmap.tables.load import load_tables

FIELDS = ("place", "type", "dates", "claimant", "hedge")
_COLUMNS = {
    "place": ("place_id",),
    "type": ("claim_type",),
    "dates": ("valid_from", "valid_to", "date_precision"),
    "claimant": ("claimant",),
    "hedge": ("hedge",),
}


@dataclass(frozen=True)
class Score:
    gold: int
    right: dict[str, int]  # per field of FIELDS, and "all" (every field right)
    drafts: int
    real: int  # drafts that stand for a gold claim with its place

    def share(self, field: str) -> float:
        return self.right[field] / self.gold if self.gold else 1.0

    @property
    def real_share(self) -> float:
        return self.real / self.drafts if self.drafts else 1.0


def score(document: str, gold: pd.DataFrame, drafts: pd.DataFrame) -> Score:
    """`gold` and `drafts`: claims of one source, as text (dates 'YYYY-MM-DD' or '')."""
    gold_spans = [_span_of(document, quote) for quote in gold["quote"]]
    draft_spans = [(int(s), int(e)) for s, e in zip(drafts["quote_start"], drafts["quote_end"])]
    right = dict.fromkeys((*FIELDS, "all"), 0)
    for (_, claim), span in zip(gold.iterrows(), gold_spans):
        standing = [i for i, other in enumerate(draft_spans) if _overlap(span, other)]
        if not standing:
            continue
        best = next((i for i in standing if drafts.iloc[i]["place_id"] == claim["place_id"]), standing[0])
        draft = drafts.iloc[best]
        hits = {f: all(str(draft[c]) == str(claim[c]) for c in _COLUMNS[f]) for f in FIELDS}
        for field, hit in hits.items():
            right[field] += hit
        right["all"] += all(hits.values())
    real = sum(
        any(_overlap(span, g) and place == claim_place for g, claim_place in zip(gold_spans, gold["place_id"]))
        for span, place in zip(draft_spans, drafts["place_id"])
    )
    return Score(len(gold), right, len(drafts), real)


def article_scores(data_dir: Path, source_ids: list[str]) -> dict[str, Score]:
    """The drafts of each source scored against that source's claims in `data_dir`."""
    tables = load_tables(data_dir)
    sources = tables.sources.set_index("source_id")
    scores = {}
    for source_id in source_ids:
        source = sources.loc[source_id]
        document = read_source_text(data_dir.parent / source["path"])
        gold = tables.claims[tables.claims["source_id"] == source_id].copy()
        for column in ("valid_from", "valid_to", "reported_on"):
            gold[column] = gold[column].dt.strftime("%Y-%m-%d").fillna("")
        published = source["published"].date()
        drafts = draft_claims(document, tables, published, source_id=source_id, outlet=source["outlet"])
        scores[source_id] = score(document, gold, drafts.claims)
    return scores


def merged_fixture_data(bundled: Path, articles: Path, target: Path) -> Path:
    """A copy of `bundled` (data/ and seeds/) at `target` with the rows of `articles`/gold/*.csv
    appended to its tables and `articles`/seeds copied beside its seeds; returns target/data."""
    shutil.copytree(bundled / "data", target / "data")
    shutil.copytree(bundled / "seeds", target / "seeds")
    for seed in sorted((articles / "seeds").iterdir()):
        shutil.copy2(seed, target / "seeds" / seed.name)
    for table in sorted((articles / "gold").glob("*.csv")):
        rows = table.read_text(encoding="utf-8").split("\n", 1)[1]
        with (target / "data" / table.name).open("a", encoding="utf-8") as out:
            out.write(rows)
    return target / "data"


def _span_of(document: str, quote: str) -> tuple[int, int]:
    found = occurrences(document, quote)
    return (found[0], found[0] + len(quote)) if found else (-1, -1)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    shared = min(a[1], b[1]) - max(a[0], b[0])
    return shared > 0 and 2 * shared >= min(a[1] - a[0], b[1] - b[0])
