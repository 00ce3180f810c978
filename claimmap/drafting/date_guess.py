"""A first guess at the dates a sentence speaks of, from its date words and the publication day.

Only the first date expression of the sentence counts. Understood: explicit days ('December 8',
'8 December 2024', 'Dec. 8'), 'the night of' a day, 'yesterday', 'today', 'this morning',
'last night', 'tonight', and parts of a month ('late November', 'mid-December', 'the end of
May'). A sentence without any is taken to speak of the day of publication.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

DAY, NIGHT, APPROXIMATE, AS_OF_REPORT = "day", "night", "approximate", "as_of_report"

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:tember|t)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DAY_OF_MONTH = r"(?:[12]\d|3[01]|0?[1-9])"
_ORDINAL = r"(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
_EXPLICIT = re.compile(
    rf"(?P<night>\b(?:the\s+)?night\s+of\s+)?"
    rf"(?:\b(?P<month_first>{_MONTH})\.?\s+(?P<day_after>{_DAY_OF_MONTH}){_ORDINAL}"
    rf"|\b(?P<day_first>{_DAY_OF_MONTH}){_ORDINAL}\s+(?P<month_after>{_MONTH})\.?)"
    rf"(?:,?\s+(?P<year>{_YEAR}))?\b",
    re.IGNORECASE,
)
_PART_OF_MONTH = re.compile(
    rf"\b(?:(?P<part>early|mid|late)[-\s]+|the\s+(?P<phrase>beginning|start|middle|end)\s+of\s+)"
    rf"(?P<month>{_MONTH})\b(?:,?\s+(?P<year>{_YEAR}))?",
    re.IGNORECASE,
)
# Days before publication, and whether the words speak of a night.
_RELATIVE = {
    "yesterday": (1, False),
    "today": (0, False),
    "this morning": (0, False),
    "this afternoon": (0, False),
    "this evening": (0, False),
    "tonight": (0, True),
    "last night": (1, True),
}
_RELATIVE_WORDS = re.compile(r"\b(?:" + "|".join(w.replace(" ", r"\s+") for w in _RELATIVE) + r")\b", re.IGNORECASE)
_PART_OF_PHRASE = {"beginning": "early", "start": "early", "middle": "mid", "end": "late"}
_PART_DAYS = {"early": (1, 10), "mid": (11, 20), "late": (21, 31)}  # 31: clipped to the month's end
_YEAR_MENTION = re.compile(rf"\b{_YEAR}\b")


@dataclass(frozen=True)
class DateGuess:
    first: dt.date | None  # None when the words cannot be placed in time (no year or publication day)
    last: dt.date | None
    precision: str
    words: str  # the words the guess comes from, "" for none

    @property
    def iso(self) -> str:
        """'YYYY-MM-DD', 'YYYY-MM-DD/YYYY-MM-DD' for a span of days, or '' if unknown."""
        if self.first is None or self.last is None:
            return ""
        return self.first.isoformat() if self.first == self.last else f"{self.first}/{self.last}"


def latest_year_mentioned(text: str) -> int | None:
    """The most recent year written in `text`, the year fallback when no publication day is known."""
    return max((int(year) for year in _YEAR_MENTION.findall(text)), default=None)


def guess_date(sentence: str, published: dt.date | None, fallback_year: int | None = None) -> DateGuess:
    """The dates `sentence` speaks of. A day or month given without a year is placed in the year
    that puts it nearest to `published`, else in `fallback_year`."""
    found = [m for m in (regex.search(sentence) for regex in (_EXPLICIT, _PART_OF_MONTH, _RELATIVE_WORDS)) if m]
    if not found:
        return DateGuess(published, published, AS_OF_REPORT, "")
    first = min(found, key=lambda m: (m.start(), -m.end()))
    if first.re is _EXPLICIT:
        return _explicit_day(first, published, fallback_year)
    if first.re is _PART_OF_MONTH:
        return _part_of_month(first, published, fallback_year)
    return _relative_day(first, published)


def _explicit_day(match: re.Match, published: dt.date | None, fallback_year: int | None) -> DateGuess:
    month = _month_number(match["month_first"] or match["month_after"])
    day = int(match["day_after"] or match["day_first"])
    year = _year(match["year"], month, day, published, fallback_year)
    return _day_or_night(_valid_date(year, month, day), bool(match["night"]), match.group(0))


def _part_of_month(match: re.Match, published: dt.date | None, fallback_year: int | None) -> DateGuess:
    part = (match["part"] or _PART_OF_PHRASE[match["phrase"]]).lower()
    month = _month_number(match["month"])
    first_day, last_day = _PART_DAYS[part]
    year = _year(match["year"], month, first_day, published, fallback_year)
    if year is None:
        return DateGuess(None, None, APPROXIMATE, match.group(0))
    last_day = min(last_day, calendar.monthrange(year, month)[1])
    return DateGuess(dt.date(year, month, first_day), dt.date(year, month, last_day), APPROXIMATE, match.group(0))


def _relative_day(match: re.Match, published: dt.date | None) -> DateGuess:
    days_before, night = _RELATIVE[" ".join(match.group(0).lower().split())]
    start = None if published is None else published - dt.timedelta(days=days_before)
    return _day_or_night(start, night, match.group(0))


def _day_or_night(start: dt.date | None, night: bool, words: str) -> DateGuess:
    """One day, or a night: from the evening of `start` to the morning after."""
    last = None if start is None else start + dt.timedelta(days=int(night))
    return DateGuess(start, last, NIGHT if night else DAY, words)


def _month_number(word: str) -> int:
    return list(calendar.month_abbr).index(word[:3].title())


def _year(
    written: str | None, month: int, day: int, published: dt.date | None, fallback_year: int | None
) -> int | None:
    if written:
        return int(written)
    if published is None:
        return fallback_year
    # Day 28 stands in for the 29th-31st so that every candidate year has the day.
    candidates = [dt.date(year, month, min(day, 28)) for year in range(published.year - 1, published.year + 2)]
    return min(candidates, key=lambda day_in_year: abs(day_in_year - published)).year


def _valid_date(year: int | None, month: int, day: int) -> dt.date | None:
    if year is None:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:  # 'February 30'
        return None
