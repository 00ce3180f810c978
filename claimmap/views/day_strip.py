"""The strip under the date slider: a bar per day, as tall as the number of claims beginning then,
so a reader sees at a glance on which days the story happens. Plain HTML boxes (st.html strips
SVG), with words for screen readers and a tooltip per bar; only dates and numbers, no text from
the data."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd

MAX_BARS = 366  # a longer span is drawn with several days per bar
BAR_COLOR = "#5f6b7a"  # 5.3:1 on white
CHOSEN_COLOR = "#0b4fa8"  # the day on the slider
AXIS_COLOR = "#8a94a0"  # the line the bars stand on: the span of days, quiet ones too
WORDS_COLOR = "#3d4651"  # 9.6:1 on white
HEIGHT_PX = 28
BUSIEST_NAMED = 2


def binned(counts: pd.Series, max_bars: int = MAX_BARS) -> tuple[pd.Series, int]:
    """The counts summed over bins of whole days, at most `max_bars` bins, and the days per bin."""
    days_per_bar = max(1, math.ceil(len(counts) / max_bars))
    if days_per_bar == 1:
        return counts, 1
    bins = pd.Series(range(len(counts)), index=counts.index) // days_per_bar
    summed = counts.groupby(bins.to_numpy()).sum()
    summed.index = counts.index[::days_per_bar]
    return summed, days_per_bar


def busiest_days_words(counts: pd.Series, days_per_bar: int = 1) -> str:
    """'Claims begun per day: most on 2024-12-08 (14) and 2024-12-09 (12)'."""
    unit = "day" if days_per_bar == 1 else f"{days_per_bar} days"
    top = counts[counts > 0].sort_values(ascending=False, kind="stable").head(BUSIEST_NAMED)
    if top.empty:
        return f"Claims begun per {unit}: none."
    named = " and ".join(f"{day.date().isoformat()} ({n})" for day, n in top.sort_index().items())
    return f"Claims begun per {unit}: most on {named}."


def day_strip_html(counts: pd.Series, chosen: dt.date) -> str:
    """The strip for `counts` (claims beginning per day, indexed by day, zeros included), the bar
    holding `chosen` marked."""
    bars, days_per_bar = binned(counts)
    words = busiest_days_words(bars, days_per_bar)
    tallest = max(int(bars.max()), 1) if len(bars) else 1
    chosen_at = pd.Timestamp(chosen)
    boxes = []
    for start, n in bars.items():
        end = start + pd.Timedelta(days=days_per_bar - 1)
        color = CHOSEN_COLOR if start <= chosen_at <= end else BAR_COLOR
        label = start.date().isoformat() + (f" to {end.date().isoformat()}" if days_per_bar > 1 else "")
        boxes.append(
            f'<div title="{label}: {int(n)} claim(s)" style="flex:1;margin:0 1px;'
            f'height:{100 * int(n) / tallest:.1f}%;background:{color}"></div>'
        )
    return (
        f'<div class="day-strip" role="img" aria-label="{words}" style="margin:0 0.5rem">'
        f'<div style="display:flex;align-items:flex-end;height:{HEIGHT_PX}px;border-bottom:1px solid {AXIS_COLOR}">'
        f"{''.join(boxes)}</div>"
        f'<div style="font-size:0.8rem;color:{WORDS_COLOR}">{words}</div></div>'
    )
