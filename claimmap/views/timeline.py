"""The timeline: each claim as a bar over the days it holds, grouped by place, colored by actor."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

import pandas as pd

from claimmap.analysis.asof import NEUTRAL_COLOR, VAGUE_PRECISIONS
from claimmap.views.mapview import css_color

if TYPE_CHECKING:
    import altair as alt


def timeline_frame(
    claims: pd.DataFrame, place_names: Mapping[str, str], actor_names: Mapping[str, str], last_day: dt.date
) -> pd.DataFrame:
    """One row per claim: place name, actor name, start and end day (open-ended claims run to
    `last_day`, plus one day so a one-day claim has a visible width), and whether it is vague.
    The names come from Dataset.names."""
    end = claims["valid_to"].fillna(pd.Timestamp(last_day)) + pd.Timedelta(days=1)
    place = claims["place_id"].map(place_names).fillna(claims["place_id"])
    frame = pd.DataFrame(
        {
            "row": place + " · " + claims["claim_type"].str.replace("_", " ") + " · " + claims["claim_id"],
            "claim_id": claims["claim_id"],
            "place": place,
            "actor": claims["actor_id"].map(actor_names).fillna("not named"),
            "claim_type": claims["claim_type"],
            "statement": claims["statement"],
            "start": claims["valid_from"],
            "end": end,
            "dates": claims["date_precision"].where(~claims["date_precision"].isin(VAGUE_PRECISIONS), "vague"),
        }
    )
    return frame.sort_values(["place", "start", "claim_id"])


def shown_rows(frame: pd.DataFrame, selected: str | None, limit: int) -> pd.DataFrame:
    """The first `limit` rows of a timeline frame, in its order; the `selected` claim's row is
    always among them (in place of the last one when it comes later), so a claim picked in
    another view is on the chart."""
    head = frame.head(limit)
    if selected is None or len(frame) <= limit or (head["claim_id"] == selected).any():
        return head
    chosen = frame[frame["claim_id"] == selected]
    if chosen.empty:
        return head
    return pd.concat([frame.head(limit - 1), chosen])


def timeline_chart(
    frame: pd.DataFrame, actors: pd.DataFrame, day: dt.date, selected: str | None = None
) -> alt.LayerChart:
    """Bars per claim (dashed outline and lighter when the date is vague), the `selected` claim's
    outlined thick in black, and a rule at `day`. A click on a bar selects its claim (the
    dashboard makes it the claim every view shows)."""
    domain = [*actors["name"], "not named"]
    palette = [*map(css_color, actors["color"]), NEUTRAL_COLOR]
    import altair as alt  # here, not at the top: importing it takes ~0.6 s of every server start

    pick = alt.selection_point(name="claim", fields=["claim_id"])
    # A column rather than an expression with the id in it: no text from data in Vega expressions.
    frame = frame.assign(selected=frame["claim_id"] == selected)
    bars = (
        alt.Chart(frame)
        .mark_bar(height=9)
        .encode(
            x=alt.X("start:T", title="Claimed to hold", axis=alt.Axis(format="%b %d")),
            x2="end:T",
            y=alt.Y("row:N", title=None, sort=None, axis=alt.Axis(labelLimit=260)),
            color=alt.Color(
                "actor:N",
                scale=alt.Scale(domain=domain, range=palette),
                title="Actor",
                legend=alt.Legend(orient="top", columns=3),
            ),
            opacity=alt.condition("datum.dates == 'vague'", alt.value(0.45), alt.value(0.9)),
            stroke=alt.condition(
                "datum.selected",
                alt.value("black"),
                alt.Color("actor:N", scale=alt.Scale(domain=domain, range=palette), legend=None),
            ),
            strokeWidth=alt.condition("datum.selected", alt.value(3.5), alt.value(1.5)),
            strokeDash=alt.condition("datum.dates == 'vague'", alt.value([4, 3]), alt.value([1, 0])),
            tooltip=[
                "claim_id",
                "place",
                "actor",
                "claim_type",
                "statement",
                "dates",
                alt.Tooltip("start:T", format="%Y-%m-%d"),
            ],
        )
        .add_params(pick)
    )
    rule = (
        alt.Chart(pd.DataFrame({"day": [pd.Timestamp(day)]})).mark_rule(color="black", strokeWidth=2).encode(x="day:T")
    )
    return alt.LayerChart(layer=[bars, rule]).properties(height=max(120, 20 * len(frame)))


def selected_claim(selection: dict | None) -> str | None:
    """The claim id of the bar picked on the chart, from st.altair_chart's selection state."""
    picked = ((selection or {}).get("selection") or {}).get("claim") or []
    claim_id = picked[0].get("claim_id") if picked else None
    return claim_id if isinstance(claim_id, str) else None
