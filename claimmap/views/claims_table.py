"""The claims table beside the map: one row per claim in the words a reader needs, and a search
over place names with their other names (Arabic too), statements and quotes that ignores case and
accents and takes what is typed literally (each word must appear; no pattern syntax)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from claimmap.analysis.dataset import Dataset
from claimmap.problems import BIDI_CONTROL_CHARACTERS, without_bidi_controls
from claimmap.views.panel import type_words, validity_text

TABLE_ROWS = 1000  # rows sent to the browser at most; more are not read row by row, and cost bytes
SEARCHED = "search"  # the column holding each claim's searchable text (search_key of its words)
# Shown columns, in order: the claim, where, when (`from` sorts; `dates` in words, vague ones
# marked), what, who, how sure, the words, and on whose word.
COLUMNS = [
    "claim",
    "place",
    "from",
    "dates",
    "type",
    "actor",
    "hedge",
    "statement",
    "quote",
    "chain",
    "origin",
]
# Nonspacing marks (accents, Arabic vowel signs) and the tatweel (Arabic letter stretching):
# a constant pattern, never text from data; pyarrow runs it with RE2, in linear time.
_DROPPED_MARKS = r"[\p{Mn}\x{0640}]"
_BIDI_CONTROL = f"[{BIDI_CONTROL_CHARACTERS}]"


def search_key(text: pd.Series) -> pd.Series:
    """Text as the search compares it: decomposed, nonspacing marks dropped, case folded
    ('Lattaquié' -> 'lattaquie', 'اللاذقيّة' -> 'اللاذقية')."""
    decomposed = text.fillna("").astype("str").str.normalize("NFKD")
    return decomposed.str.replace(_DROPPED_MARKS, "", regex=True).str.casefold()


def search_words(query: str) -> list[str]:
    """The words of `query` as search_key has them; empty for a blank query."""
    return search_key(pd.Series(query.split(), dtype=object)).tolist()


def claims_table(dataset: Dataset) -> pd.DataFrame:
    """One row per valid claim, ordered by its first day, place and id, indexed by claim_id: the
    COLUMNS as shown (text from data with reordering controls shown as their code), `valid_from`
    for the day filter, and SEARCHED."""
    claims = dataset.claims
    places = dataset.tables.places.set_index("place_id")
    place = claims["place_id"].map(places["name"]).fillna(claims["place_id"])
    aliases = claims["place_id"].map(places["aliases"].str.replace("|", " ", regex=False)).fillna("")
    # A handful of distinct date spans, however many claims: each put in words once.
    spans = claims[["valid_from", "valid_to", "date_precision"]].drop_duplicates()
    spans = spans.assign(dates=[validity_text(*span) for span in spans.itertuples(index=False)])
    dates = claims[["valid_from", "valid_to", "date_precision"]].merge(spans, how="left")["dates"].to_numpy()
    origins = dataset.provenance.claims.set_index("claim_id")["origin"]
    origin = claims["claim_id"].map(origins).map(dataset.origin_names).fillna("no known origin")
    hedge = claims["hedge"].where(
        claims["hedge"] == claims["doubt"], claims["hedge"] + " (words suggest " + claims["doubt"] + ")"
    )
    shown = {
        "claim": claims["claim_id"],
        "dates": pd.Series(dates, index=claims.index),
        "place": place,
        "actor": claims["actor_id"].map(dataset.names["actors"]).fillna("not named"),
        "type": claims["claim_type"].map(type_words),
        "chain": claims["claim_id"].map(dataset.chains["chain"]),
        "origin": origin,
        "hedge": hedge,
        "statement": claims["statement"],
        "quote": claims["quote"],
    }
    table = pd.DataFrame({name: _shown_text(column) for name, column in shown.items()})
    table["from"] = claims["valid_from"].dt.date
    table["valid_from"] = claims["valid_from"]
    table["row"] = claims.index  # the claim's label in dataset.claims, which filters keep
    table[SEARCHED] = search_key(place + " " + aliases + " " + claims["statement"] + " " + claims["quote"])
    order = np.lexsort((table["claim"].to_numpy(), table["place"].to_numpy(), table["valid_from"].to_numpy()))
    ordered = table.iloc[order].set_index(claims["claim_id"].iloc[order].to_numpy())
    return ordered[[*COLUMNS, "valid_from", "row", SEARCHED]]


def _shown_text(column: pd.Series) -> pd.Series:
    """Text as the table shows it: reordering controls as their code (the few texts holding one
    found by one vectorised pass)."""
    values = column.fillna("").astype("str")
    holding = values.str.contains(_BIDI_CONTROL, regex=True)
    return values.where(~holding, values[holding].map(without_bidi_controls))


def matching_rows(table: pd.DataFrame, claims: pd.DataFrame, day: pd.Timestamp, query: str) -> pd.DataFrame:
    """The rows of `table` (claims_table) for `claims` (dataset.claims filtered, with its labels)
    begun by `day` whose searchable text holds every word of `query`."""
    rows = table[table["row"].isin(claims.index) & (table["valid_from"] <= day)]
    for word in search_words(query):
        rows = rows[rows[SEARCHED].str.contains(word, regex=False)]
    return rows


def shown_rows(rows: pd.DataFrame, selected: str | None, limit: int = TABLE_ROWS) -> pd.DataFrame:
    """The first `limit` of `rows` to show, the selected claim pinned first (when among them) and
    marked in the `selected` column."""
    if selected in rows.index:
        rows = pd.concat([rows.loc[[selected]], rows.drop(index=selected)])
    shown = rows.head(limit)[COLUMNS]
    return shown.assign(selected=np.where(shown.index == selected, "▶", "")).reindex(columns=["selected", *COLUMNS])
