"""The claims-per-day strip under the slider: one bar per day (or per bin), the slider's day marked."""

import datetime as dt
import re

import pandas as pd

from claimmap.views.day_strip import CHOSEN_COLOR, binned, busiest_days_words, day_strip_html


def per_day(counts: list[int], first: str = "2024-12-01") -> pd.Series:
    return pd.Series(counts, index=pd.date_range(first, periods=len(counts), freq="D"))


def bars(html: str) -> list[tuple[float, str]]:
    return [(float(h), fill) for h, fill in re.findall(r"height:([\d.]+)%;background:(#[0-9a-f]+)", html)]


def test_bars_are_as_tall_as_their_day_and_the_chosen_day_is_marked():
    html = day_strip_html(per_day([0, 2, 0, 8, 4]), dt.date(2024, 12, 4))
    heights = [h for h, _ in bars(html)]
    assert heights[0] == 0 and heights[3] == max(heights) and heights[1] == heights[3] / 4
    assert [fill == CHOSEN_COLOR for _, fill in bars(html)] == [False, False, False, True, False]
    assert "2024-12-04: 8 claim(s)" in html  # each bar's tooltip


def test_the_strip_names_the_busiest_days_in_words_for_every_reader():
    html = day_strip_html(per_day([1, 0, 9, 7, 0]), dt.date(2024, 12, 1))
    words = "Claims begun per day: most on 2024-12-03 (9) and 2024-12-04 (7)."
    assert f'aria-label="{words}"' in html and f">{words}</div>" in html
    assert busiest_days_words(per_day([0, 0])) == "Claims begun per day: none."


def test_a_long_span_is_drawn_in_bins_that_keep_every_claim():
    counts = per_day([1] * 1000, first="2022-01-01")
    summed, days_per_bar = binned(counts, max_bars=300)
    assert days_per_bar == 4 and len(summed) == 250 and summed.sum() == 1000
    assert summed.index[1] == pd.Timestamp("2022-01-05")
    html = day_strip_html(counts, dt.date(2022, 1, 6))
    assert len(bars(html)) <= 366
    assert "2022-01-01 to 2022-01-03: 3 claim(s)" in html  # 1000 days in bins of 3
