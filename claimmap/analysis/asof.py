"""The situation as claimed on a given day: which claims hold, and what each place looks like.

All functions are vectorised over the claims frame (no Python loop over rows), because the
dashboard calls them on every slider move.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TypeAlias

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from claimmap.tables.schema import FACILITY_KINDS

# Dates the source gives only loosely: the map draws claims resting on them as uncertain.
VAGUE_PRECISIONS = frozenset({"approximate", "range"})
# Hedges that put a claim in doubt; a place with nothing firmer is marked on the map.
DOUBTFUL_HEDGES = frozenset({"alleged", "presumed", "rumored"})
NEUTRAL_COLOR = "#9E9E9E"
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


def member_of(values: pd.Series, allowed: Iterable[str]) -> np.ndarray:
    """values.isin(allowed) for many allowed strings (a Series, array, list or set): pandas' own
    isin builds its lookup in Python and takes ~15 ms per 10,000 ids, pyarrow's well under 1 ms."""
    found = pc.is_in(_arrow_strings(values), value_set=_arrow_strings(allowed))
    return found.to_numpy(zero_copy_only=False).astype(bool)


def _arrow_strings(values: Iterable[str]) -> pa.Array:
    """Strings as one pyarrow array; a pandas string Series converts without copying each value."""
    if isinstance(values, (set, frozenset)):
        values = list(values)
    if isinstance(values, (pd.Series, pd.Index)) and pd.api.types.is_string_dtype(values.dtype):
        try:
            return pa.array(values).cast(pa.large_string())
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # an object column holding non-strings
            values = values.to_numpy(dtype=object)
    return pa.array(values, type=pa.large_string())


def as_timestamp(day: Day) -> pd.Timestamp:
    """Normalise a slider value, an ISO string or a timestamp to midnight of that day."""
    return pd.Timestamp(day).normalize()


def claim_date_span(claims: pd.DataFrame) -> tuple[dt.date, dt.date] | None:
    """First and last day any claim mentions (valid_from or valid_to); None without claims."""
    days = pd.concat([claims["valid_from"], claims["valid_to"]]).dropna()
    if days.empty:
        return None
    return days.min().date(), days.max().date()


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


def latest_control(claims: pd.DataFrame) -> pd.DataFrame:
    """Per place, the control claim that starts last (ties: reported later, then higher id)."""
    control = claims[claims["claim_type"] == "control"]
    ordered = control.sort_values(["place_id", "valid_from", "reported_on", "claim_id"], na_position="first")
    return ordered.drop_duplicates("place_id", keep="last").set_index("place_id")


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
    holding = started[holds_on(started, t)]
    states = pd.DataFrame({"n_claims": started.groupby("place_id").size()})
    states["n_holding"] = holding.groupby("place_id").size().reindex(states.index, fill_value=0)
    partial = is_partial(holding)
    control = latest_control(holding[~partial])
    parts = latest_control(holding[partial])
    states["actor_id"] = control["actor_id"].reindex(states.index).fillna("")
    newer_parts = parts["valid_from"].gt(control["valid_from"].reindex(parts.index)) | ~parts.index.isin(control.index)
    states["partial_actor_id"] = parts.loc[newer_parts, "actor_id"].reindex(states.index).fillna("")
    control = pd.concat([control, parts[~parts.index.isin(control.index)]])
    vague = holding["date_precision"].isin(VAGUE_PRECISIONS)
    all_vague = vague.groupby(holding["place_id"]).all().reindex(states.index, fill_value=False)
    control_vague = control["date_precision"].isin(VAGUE_PRECISIONS).reindex(states.index)
    states["uncertain"] = control_vague.where(control_vague.notna(), all_vague).astype(bool)
    doubt = holding["doubt"] if "doubt" in holding else holding["hedge"]
    states["doubtful"] = (
        doubt.isin(DOUBTFUL_HEDGES)
        .groupby(holding["place_id"])
        .all()
        .reindex(states.index, fill_value=False)
        .astype(bool)
    )
    states["contested"] = member_of(states.index.to_series(), contested)
    in_corroborated = pd.Series(member_of(holding["claim_id"], corroborated), index=holding.index)
    states["corroborated"] = (
        in_corroborated.groupby(holding["place_id"]).any().reindex(states.index, fill_value=False).astype(bool)
    )
    states.index.name = "place_id"
    return states


def governorate_control(claims: pd.DataFrame, places: pd.DataFrame, day: Day) -> pd.DataFrame:
    """Per governorate (by ISO 3166-2 code), the actor of the latest governorate-level control
    claim holding on `day`, and `partial`: True when that claim is about unnamed parts of it and no
    whole-governorate claim holds (then it is drawn as parts, never as the whole). City or facility
    claims never shade a province."""
    gov = places.loc[places["kind"] == "governorate", ["place_id", "iso_code"]]
    holding = claims_as_of(claims, day)
    holding = holding[holding["place_id"].isin(gov["place_id"])]
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


def next_day(day: dt.date, last: dt.date) -> dt.date | None:
    """The day after `day` for playback, or None once `last` is reached."""
    return day + dt.timedelta(days=1) if day < last else None


def facility_status(claims: pd.DataFrame, places: pd.DataFrame, day: Day, voices: pd.Series) -> pd.DataFrame:
    """The state claimed for each facility (a place of a FACILITY_KINDS kind) on `day`, for those
    with a status claim holding then, indexed by place_id.

    Columns: status (the states claimed, space-separated, in FACILITY_STATUS_WORDS order; more
    than one when sources disagree), status_text (each state in words with who claims it,
    'operating: X; Y · isolated: Z'), status_actor (the actor of the status claim that starts
    last among those naming one, as for control; "" when none does). `voices` maps claim_id to who speaks.
    """
    facilities = places.loc[places["kind"].isin(FACILITY_KINDS), "place_id"]
    holding = claims_as_of(claims, day)
    status = holding["claim_type"].map(FACILITY_STATUS_OF_TYPE)
    claimed = holding[status.notna() & holding["place_id"].isin(facilities)].assign(status=status)
    columns = ["status", "status_text", "status_actor"]
    if claimed.empty:
        return pd.DataFrame(columns=columns, index=pd.Index([], name="place_id"), dtype="str")
    claimed = claimed.assign(
        rank=claimed["status"].map({s: i for i, s in enumerate(FACILITY_STATUS_WORDS)}),
        voice=claimed["claim_id"].map(voices).fillna(claimed["claim_id"]),
    )
    per_status = (
        claimed.sort_values(["place_id", "rank", "claim_id"])
        .groupby(["place_id", "status"], sort=False)["voice"]
        .agg(lambda names: "; ".join(dict.fromkeys(names)))
        .reset_index()
    )
    per_status["text"] = per_status["status"].map(FACILITY_STATUS_WORDS) + ": " + per_status["voice"]
    by_place = per_status.groupby("place_id", sort=False)
    named = claimed[claimed["actor_id"] != ""]
    latest = named.sort_values(["place_id", "valid_from", "reported_on", "claim_id"], na_position="first")
    result = pd.DataFrame(
        {
            "status": by_place["status"].agg(" ".join),
            "status_text": by_place["text"].agg(" · ".join),
            "status_actor": latest.drop_duplicates("place_id", keep="last").set_index("place_id")["actor_id"],
        }
    ).fillna("")
    result.index.name = "place_id"
    return result[columns].astype("str")
