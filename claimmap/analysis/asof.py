"""The situation as claimed on a given day: which claims hold, and what each place looks like.

All functions are vectorised over the claims frame (no Python loop over rows), because the
dashboard calls them on every slider move.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TypeAlias

import numpy as np
import pandas as pd

from claimmap.tables.columns import member_of
from claimmap.tables.schema import FACILITY_KINDS

# Dates the source gives only loosely: the map draws claims resting on them as uncertain.
VAGUE_PRECISIONS = frozenset({"approximate", "range"})
# Hedges that put a claim in doubt; a place with nothing firmer is marked on the map.
DOUBTFUL_HEDGES = frozenset({"alleged", "presumed", "rumored"})
NEUTRAL_COLOR = "#9E9E9E"
PLACE_KEY = ("place_id",)  # what place_states and facility_status group by
Day: TypeAlias = dt.date | pd.Timestamp | str  # a slider value, a timestamp or an ISO date
# What a claim of each type says about the state of a facility, and those states in words.
FACILITY_STATUS_OF_TYPE = {
    "facility_operating": "operating",
    "facility_isolated": "isolated",
    "withdrawal": "withdrawing",
    "evacuation": "withdrawing",
    "entered": "entered",
}
FACILITY_STATUS_WORDS = {
    "operating": "operating",
    "isolated": "isolated",
    "withdrawing": "withdrawal or evacuation under way",
    "entered": "entered or taken",
}


def as_timestamp(day: Day) -> pd.Timestamp:
    """Normalise a slider value, an ISO string or a timestamp to midnight of that day."""
    return pd.Timestamp(day).normalize()


def claim_date_span(claims: pd.DataFrame) -> tuple[dt.date, dt.date] | None:
    """First and last day any claim mentions (valid_from or valid_to); None without claims."""
    days = pd.concat([claims["valid_from"], claims["valid_to"]]).dropna()
    if days.empty:
        return None
    return days.min().date(), days.max().date()


def claims_per_day(claims: pd.DataFrame, span: tuple[dt.date, dt.date]) -> pd.Series:
    """How many claims begin (valid_from) on each day of `span`, zeros included, indexed by day:
    where in time the story happens."""
    first, last = span
    days = pd.date_range(as_timestamp(first), as_timestamp(last), freq="D")
    return claims["valid_from"].dt.normalize().value_counts().reindex(days, fill_value=0).astype(int)


def holds_on(claims: pd.DataFrame, day: Day) -> pd.Series:
    """Boolean mask: the claim's validity covers `day` (a blank valid_to means it still holds)."""
    t = as_timestamp(day)
    return (claims["valid_from"] <= t) & (claims["valid_to"].isna() | (claims["valid_to"] >= t))


def claims_as_of(claims: pd.DataFrame, day: Day) -> pd.DataFrame:
    """Claims whose claimed situation holds on `day`."""
    return claims[holds_on(claims, day)]


def is_partial(claims: pd.DataFrame) -> pd.Series:
    """Claims about unnamed parts of their place (`scope` 'part'); blank, 'whole' or a table
    without the column mean the whole place."""
    if "scope" not in claims:
        return pd.Series(False, index=claims.index)
    return claims["scope"] == "part"


def latest_control(claims: pd.DataFrame, keys: Sequence[str] = PLACE_KEY) -> pd.DataFrame:
    """Per place (per `keys`), the control claim that starts last (ties: reported later, then higher id)."""
    keys = list(keys)
    control = claims[claims["claim_type"] == "control"]
    ordered = control.sort_values([*keys, "valid_from", "reported_on", "claim_id"], na_position="first")
    return ordered.drop_duplicates(keys, keep="last").set_index(keys)


def place_states(
    claims: pd.DataFrame,
    day: Day,
    *,
    contested: set[str] | frozenset[str] = frozenset(),
    corroborated: set[str] | frozenset[str] = frozenset(),
) -> pd.DataFrame:
    """One row per place with claims started by `day`, indexed by place_id.

    Columns: n_claims (started by the day), n_holding (holding on the day), actor_id of the latest
    control claim over the whole place holding on the day ("" when none), partial_actor_id of the
    latest claim of control over unnamed parts of it, when no whole-place claim is as recent ("" else),
    uncertain (that control claim, or with no control claim every holding claim, rests on a vague
    date), doubtful (every holding claim is
    alleged, presumed or rumored, by the `doubt` column when there is one, else `hedge`),
    contested (the place is in `contested`), corroborated (some holding claim is in
    `corroborated`, a set of claim ids).
    """
    t = as_timestamp(day)
    started = claims_started(claims, t)
    rows = started.assign(holding=holds_on(started, t), corroborated=member_of(started["claim_id"], corroborated))
    states = states_of(rows, PLACE_KEY)
    states.insert(states.columns.get_loc("corroborated"), "contested", member_of(states.index.to_series(), contested))
    return states


def states_of(rows: pd.DataFrame, keys: Sequence[str]) -> pd.DataFrame:
    """place_states' columns but `contested`, per group of `keys` (place_id among them) of `rows`:
    claims started by the day, with the booleans `holding` (on the day) and `corroborated`. One
    definition for one day (place_states) and for every change day at once (daystate)."""
    keys = list(keys)
    holding = rows[rows["holding"]]
    groups = [holding[key] for key in keys]
    states = pd.DataFrame({"n_claims": rows.groupby(keys).size()})
    states["n_holding"] = holding.groupby(keys).size().reindex(states.index, fill_value=0)
    partial = is_partial(holding)
    control = latest_control(holding[~partial], keys)
    parts = latest_control(holding[partial], keys)
    states["actor_id"] = control["actor_id"].reindex(states.index).fillna("")
    newer_parts = parts["valid_from"].gt(control["valid_from"].reindex(parts.index)) | ~parts.index.isin(control.index)
    states["partial_actor_id"] = parts.loc[newer_parts, "actor_id"].reindex(states.index).fillna("")
    control = pd.concat([control, parts[~parts.index.isin(control.index)]])
    vague = holding["date_precision"].isin(VAGUE_PRECISIONS)
    all_vague = vague.groupby(groups).all().reindex(states.index, fill_value=False)
    control_vague = control["date_precision"].isin(VAGUE_PRECISIONS).reindex(states.index)
    states["uncertain"] = control_vague.where(control_vague.notna(), all_vague).astype(bool)
    doubt = holding["doubt"] if "doubt" in holding else holding["hedge"]
    states["doubtful"] = (
        doubt.isin(DOUBTFUL_HEDGES).groupby(groups).all().reindex(states.index, fill_value=False).astype(bool)
    )
    states["corroborated"] = (
        holding["corroborated"].groupby(groups).any().reindex(states.index, fill_value=False).astype(bool)
    )
    return states


def governorate_control(claims: pd.DataFrame, places: pd.DataFrame, day: Day) -> pd.DataFrame:
    """Per governorate (by ISO 3166-2 code), the actor of the latest governorate-level control
    claim holding on `day`, and `partial`: True when that claim is about unnamed parts of it and no
    whole-governorate claim holds (then it is drawn as parts, never as the whole). City or facility
    claims never shade a province."""
    gov = places.loc[places["kind"] == "governorate", ["place_id", "iso_code"]]
    # The claims about governorates first: taking every column of every claim holding on the day
    # costs more than the rest at a million claims.
    holding = claims_as_of(claims[member_of(claims["place_id"], gov["place_id"])], day)
    partial = is_partial(holding)
    whole = latest_control(holding[~partial]).assign(partial=False)
    parts = latest_control(holding[partial]).assign(partial=True)
    control = pd.concat([whole, parts[~parts.index.isin(whole.index)]])
    out = gov.set_index("place_id").join(control[["actor_id", "date_precision", "claim_id", "partial"]], how="inner")
    out["uncertain"] = out["date_precision"].isin(VAGUE_PRECISIONS)
    return out.reset_index()[["place_id", "iso_code", "actor_id", "uncertain", "partial", "claim_id"]]


def day_within(text: str | None, first: dt.date, last: dt.date) -> dt.date:
    """A day from a URL parameter, kept inside [first, last]; the last day when it is missing or bad."""
    try:
        day = dt.date.fromisoformat(text or "")
    except ValueError:
        return last
    return min(max(day, first), last)


def day_holding(valid_from: pd.Timestamp, valid_to: pd.Timestamp, day: dt.date, last: dt.date) -> dt.date:
    """`day` if a claim valid from `valid_from` to `valid_to` (NaT: still holding by `last`) holds
    then, else the day nearest to it on which the claim holds: where a picked claim is seen."""
    end = last if pd.isna(valid_to) else min(valid_to.date(), last)
    return min(max(day, valid_from.date()), end)


def claims_started(claims: pd.DataFrame, day: Day) -> pd.DataFrame:
    """Claims whose situation has begun by `day` (holding or ended): what the map has drawn by then."""
    return claims[claims["valid_from"] <= as_timestamp(day)]


def facility_status(claims: pd.DataFrame, places: pd.DataFrame, day: Day, voices: pd.Series) -> pd.DataFrame:
    """The state claimed for each facility (a place of a FACILITY_KINDS kind) on `day`, for those
    with a status claim holding then, indexed by place_id.

    Columns: status (the states claimed, space-separated, in FACILITY_STATUS_WORDS order; more
    than one when sources disagree), status_text (each state in words with who claims it,
    'operating: X; Y · isolated: Z'), status_actor (the actor of the status claim that starts
    last among those naming one, as for control; "" when none does). `voices` maps claim_id to who speaks.
    """
    return statuses_of(claims_as_of(claims, day), places, voices, PLACE_KEY)


def statuses_of(holding: pd.DataFrame, places: pd.DataFrame, voices: pd.Series, keys: Sequence[str]) -> pd.DataFrame:
    """facility_status per group of `keys` (place_id among them) of `holding`, claims holding on
    the day. One definition for one day and for every change day at once (daystate)."""
    keys = list(keys)
    facilities = places.loc[places["kind"].isin(FACILITY_KINDS), "place_id"]
    status = holding["claim_type"].map(FACILITY_STATUS_OF_TYPE)
    is_status = status.notna() & holding["place_id"].isin(facilities)
    # status[is_status], not status: a Series assigned to an empty frame would give it its rows.
    claimed = holding[is_status].assign(status=status[is_status])
    columns = ["status", "status_text", "status_actor"]
    if claimed.empty:
        empty = pd.MultiIndex.from_arrays([holding[key].iloc[:0] for key in keys]) if len(keys) > 1 else None
        return pd.DataFrame(
            columns=columns, index=empty if empty is not None else pd.Index([], name=keys[0]), dtype="str"
        )
    claimed = claimed.assign(
        rank=claimed["status"].map({s: i for i, s in enumerate(FACILITY_STATUS_WORDS)}),
        voice=claimed["claim_id"].map(voices).fillna(claimed["claim_id"]),
    )
    # Each voice once per state, in the order of the first claim saying it.
    voiced = claimed.sort_values([*keys, "rank", "claim_id"]).drop_duplicates([*keys, "status", "voice"])
    per_status = _joined(voiced, [*keys, "status"], "voice", "; ")
    per_status["text"] = per_status["status"].map(FACILITY_STATUS_WORDS) + ": " + per_status["voice"]
    named = claimed[claimed["actor_id"] != ""]
    latest = named.sort_values([*keys, "valid_from", "reported_on", "claim_id"], na_position="first")
    result = pd.DataFrame(
        {
            "status": _joined(per_status, keys, "status", " ").set_index(keys)["status"],
            "status_text": _joined(per_status, keys, "text", " · ").set_index(keys)["text"],
            "status_actor": latest.drop_duplicates(keys, keep="last").set_index(keys)["actor_id"],
        }
    ).fillna("")
    return result[columns].astype("str")


def _joined(frame: pd.DataFrame, keys: list[str], column: str, separator: str) -> pd.DataFrame:
    """`keys` and `column`: the values of `column` of each run of equal keys joined by `separator`,
    in the frame's order (runs: the frame is sorted by `keys`). A Python join per run, without the
    Series that pandas' groupby.agg builds for each group (1 s at 100,000 claims)."""
    key_frame = frame[keys].reset_index(drop=True)
    starts = np.flatnonzero(np.r_[True, (key_frame.iloc[1:].to_numpy() != key_frame.iloc[:-1].to_numpy()).any(axis=1)])
    values = frame[column].tolist()
    ends = [*starts[1:], len(values)]
    joined = [separator.join(values[a:b]) for a, b in zip(starts, ends)]
    return key_frame.iloc[starts].reset_index(drop=True).assign(**{column: joined})
