"""What the map shows of every place on every day, worked out once per version of the data.

A place's state (asof.place_states, asof.facility_status) changes only on the days one of its
claims starts or stops holding, or one of the claims contradicting them does (a curated link may
join two places). `day_states` works it out on those days only, for all of them at once, as
intervals: one row per place and change day, holding `since` that day `until` the next (blank: the
last one holds on). The page reads a day's markers with `DayStates.on`, a filter, instead of
working them out on every slider move (6 s at 100,000 claims), and the table is stored with the
dataset (analysis.stored), so a restart does not work it out again.

Only the unfiltered view is kept: a filtered view is a smaller set of claims, worked out per day.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from claimmap.analysis.asof import Day, as_timestamp, states_of, statuses_of
from claimmap.analysis.provenance import INDEPENDENT, NO_ORIGIN, Provenance

STATE_COLUMNS = [
    "n_claims",
    "n_holding",
    "actor_id",
    "partial_actor_id",
    "uncertain",
    "doubtful",
    "contested",
    "corroborated",
]
STATUS_COLUMNS = ["status", "status_text", "status_actor"]
# Places worked out together: bounds the memory of the (place, change day, claim) rows.
PLACES_PER_CHUNK = 20_000
_ONE_DAY = pd.Timedelta(days=1)
_OPEN_END = pd.Timestamp("2200-01-01")  # after any claim, within every datetime unit's range
_CATEGORICAL = {"claim_id", "actor_id", "claim_type", "date_precision", "scope", "doubt", "hedge"}
_ID_COLUMNS = ["actor_id", "partial_actor_id"]
_CLAIM_COLUMNS = [
    "claim_id",
    "place_id",
    "valid_from",
    "valid_to",
    "reported_on",
    "claim_type",
    "actor_id",
    "date_precision",
]


@dataclass(frozen=True)
class DayStates:
    """Per place, its state over the intervals between its change days: place_id, since, until
    (NaT: open-ended), STATE_COLUMNS and STATUS_COLUMNS ('' for a place without a status claim)."""

    table: pd.DataFrame

    def on(self, day: Day) -> tuple[pd.DataFrame, pd.DataFrame]:
        """place_states(claims, day, contested=..., corroborated=...) and facility_status(claims,
        places, day, voices) of all claims, as the provenance of that day makes them."""
        t = as_timestamp(day)
        table = self.table
        rows = table[(table["since"] <= t) & (table["until"].isna() | (table["until"] > t))].set_index("place_id")
        statuses = rows.loc[rows["status"] != "", STATUS_COLUMNS]
        return rows[STATE_COLUMNS], statuses


def day_states(claims: pd.DataFrame, places: pd.DataFrame, provenance: Provenance, voices: pd.Series) -> DayStates:
    """The DayStates of `claims` (a dataset's claims, `provenance` theirs over all time; `voices`
    maps claim_id to who speaks, as Dataset.chains["voice"])."""
    changes = _change_days(claims, provenance.pairs)
    context = _Context(claims, provenance)
    ids = changes["place_id"].unique()
    chunks = np.array_split(ids, max(1, -(-len(ids) // PLACES_PER_CHUNK)))
    table = pd.concat(
        [_states_on_change_days(context, places, voices, changes[changes["place_id"].isin(chunk)]) for chunk in chunks],
        ignore_index=True,
    )
    table = table.sort_values(["place_id", "since"], ignore_index=True)
    table.insert(2, "until", table.groupby("place_id", sort=False)["since"].shift(-1))
    return DayStates(table)


def _change_days(claims: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """place_id, day: each day a claim of the place starts, or stops holding (the day after its
    valid_to), or a claim contradicting one of them does."""
    edges = pd.DataFrame(
        {
            "claim_id": pd.concat([claims["claim_id"], claims["claim_id"]], ignore_index=True),
            "day": pd.concat([claims["valid_from"], claims["valid_to"] + _ONE_DAY], ignore_index=True),
        }
    ).dropna()
    place_of = claims.drop_duplicates("claim_id").set_index("claim_id")["place_id"]
    own = edges.assign(place_id=edges["claim_id"].map(place_of))
    # The other claim of a contradicting pair changes this place's `contested` when it starts or ends.
    partners = pd.concat(
        [
            pairs[["claim_a", "claim_b"]].set_axis(["claim_id", "other"], axis=1),
            pairs[["claim_b", "claim_a"]].set_axis(["claim_id", "other"], axis=1),
        ]
    )
    partners = partners.assign(place_id=partners["claim_id"].map(place_of)).drop(columns="claim_id")
    theirs = partners.merge(edges.rename(columns={"claim_id": "other"}), on="other")
    both = pd.concat([own[["place_id", "day"]], theirs[["place_id", "day"]]], ignore_index=True).dropna()
    return both.drop_duplicates(ignore_index=True)


class _Context:
    """What every chunk of places reads, worked out once: the spans over which each contradicting
    pair holds (by the place of either claim), and each claim's independent supporters with
    their spans."""

    def __init__(self, claims: pd.DataFrame, provenance: Provenance):
        spans = claims.drop_duplicates("claim_id").set_index("claim_id")[["valid_from", "valid_to"]]
        spans = spans.assign(valid_to=spans["valid_to"].fillna(_OPEN_END))
        pairs = provenance.pairs
        a, b = spans.reindex(pairs["claim_a"]), spans.reindex(pairs["claim_b"])
        since = np.maximum(a["valid_from"].to_numpy(), b["valid_from"].to_numpy())
        until = np.minimum(a["valid_to"].to_numpy(), b["valid_to"].to_numpy())
        covered = provenance.claims.drop_duplicates("claim_id").set_index("claim_id")
        self.pair_spans = pd.DataFrame(
            {
                "place_id": pd.concat(
                    [pairs["claim_a"].map(covered["place_id"]), pairs["claim_b"].map(covered["place_id"])],
                    ignore_index=True,
                ),
                "since": np.concatenate([since, since]),
                "until": np.concatenate([until, until]),
            }
        )
        links = provenance.links
        independent = links.loc[links["relation"] == INDEPENDENT, ["claim_id", "supporter", "origin"]]
        self.supporters = independent.join(spans, on="supporter").drop(columns="supporter")
        self.known_origin = covered["origin"] != NO_ORIGIN
        columns = [c for c in (*_CLAIM_COLUMNS, "scope", "doubt", "hedge") if c in claims]
        # As categories: the (place, change day, claim) rows are many, and taking rows of a
        # category column moves integers where a string column moves every string.
        self.claims = claims[columns].astype({c: _categories(claims[c]) for c in columns if c in _CATEGORICAL})


def _states_on_change_days(
    context: _Context, places: pd.DataFrame, voices: pd.Series, changes: pd.DataFrame
) -> pd.DataFrame:
    """The table's rows (without `until`) for the places of `changes`, on their change days.
    Rows are grouped by the change's number: one integer key groups, sorts and joins far faster
    than a place id with a day."""
    changes = changes.reset_index(drop=True).rename_axis("change")
    rows = changes.reset_index().merge(context.claims, on="place_id")
    rows = rows[rows["valid_from"] <= rows["day"]]
    holding = (rows["valid_to"].isna() | (rows["valid_to"] >= rows["day"])).to_numpy()
    rows = rows.assign(holding=holding, corroborated=_corroborated(rows[holding], context, rows.index))
    states = states_of(rows, ["change"])
    states.insert(states.columns.get_loc("corroborated"), "contested", _contested(changes, states.index, context))
    statuses = statuses_of(rows[holding], places, voices, ["change"])
    table = changes.join(states, how="inner").join(statuses, how="left")
    table[STATUS_COLUMNS] = table[STATUS_COLUMNS].astype("str").fillna("")
    table[_ID_COLUMNS] = table[_ID_COLUMNS].astype("str")
    return table.reset_index(drop=True).rename(columns={"day": "since"})


def _categories(values: pd.Series) -> pd.CategoricalDtype:
    """Its values as sorted categories (so they sort as the strings do), "" among them."""
    return pd.CategoricalDtype(sorted({*values.dropna().unique().tolist(), ""}))


def _contested(changes: pd.DataFrame, index: pd.Index, context: _Context) -> np.ndarray:
    """Per change of `index`: a contradiction of one of its place's claims holds on its day (both
    claims hold), as Provenance.among(claims, day).contested_places() says."""
    hits = changes.reset_index().merge(context.pair_spans, on="place_id")
    hits = hits[(hits["since"] <= hits["day"]) & (hits["day"] <= hits["until"])]
    return index.isin(hits["change"].unique())


def _corroborated(holding: pd.DataFrame, context: _Context, index: pd.Index) -> np.ndarray:
    """Per row of `index` (the rows of `holding` among them: claim_id, day): two or more known
    origins stand behind the claim that day, its own included, counting its independent
    supporters that hold then, as Provenance.among(claims, day).corroborated_claims() says; False
    for the other rows."""
    backed = holding[["claim_id", "day"]].rename_axis("row").reset_index().merge(context.supporters, on="claim_id")
    backed = backed[(backed["valid_from"] <= backed["day"]) & (backed["day"] <= backed["valid_to"])]
    origins = backed.drop_duplicates(["row", "origin"]).groupby("row").size()
    own = context.known_origin.reindex(holding["claim_id"]).to_numpy(dtype=bool, na_value=False)
    count = origins.reindex(holding.index, fill_value=0).to_numpy() + own
    return pd.Series(count >= 2, index=holding.index).reindex(index, fill_value=False).to_numpy(dtype=bool)
