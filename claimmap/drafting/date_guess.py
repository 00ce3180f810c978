"""A first guess at the dates a text speaks of, from its date words and the publication day.

Only the first date expression of the text counts. Understood: explicit days ('December 8',
'8 December 2024', 'Dec. 8'), weekdays ('on Monday', resolved to the last such day up to the
publication day, or the next one when the text speaks of the future), a part of day before or
after either ('the evening of December 10', 'Monday night': the night from that evening),
'yesterday', 'today', 'this morning', 'last night', 'tonight', parts of a month ('late November',
'mid-December', 'the end of May'), deadlines ('before the end of December': from the day it is
said to then) and future windows ('in the coming days': the week after the day it is said). A
text without any is taken to speak of the day of publication.
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
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_OF_MONTH = r"(?:[12]\d|3[01]|0?[1-9])"
_ORDINAL = r"(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d\d"
# 'the evening of', 'the night of' before a day; 'evening', 'night' after a weekday.
_PART_BEFORE = r"(?P<part_before>\b(?:the\s+)?(?:morning|afternoon|evening|night)\s+of\s+)?"
_PART_AFTER = r"(?:\s+(?P<part_after>morning|afternoon|evening|night)\b)?"
_EXPLICIT = re.compile(
    rf"{_PART_BEFORE}"
    rf"(?:\b(?P<month_first>{_MONTH})\.?\s+(?P<day_after>{_DAY_OF_MONTH}){_ORDINAL}"
    rf"|\b(?P<day_first>{_DAY_OF_MONTH}){_ORDINAL}\s+(?P<month_after>{_MONTH})\.?)"
    rf"(?:,?\s+(?P<year>{_YEAR}))?\b",
    re.IGNORECASE,
)
_WEEKDAY = re.compile(
    rf"{_PART_BEFORE}(?:\b(?P<which>next|last|this)\s+)?\b(?P<weekday>{'|'.join(_WEEKDAYS)})\b{_PART_AFTER}",
    re.IGNORECASE,
)
_PART_OF_MONTH = re.compile(
    rf"\b(?:(?P<part>early|mid|late)[-\s]+|the\s+(?P<phrase>beginning|start|middle|end)\s+of\s+)"
    rf"(?P<month>{_MONTH})\b(?:,?\s+(?P<year>{_YEAR}))?",
    re.IGNORECASE,
)
_DEADLINE = re.compile(
    rf"\b(?:before|by)\s+the\s+end\s+of\s+(?:(?P<month>{_MONTH})\b(?:,?\s+(?P<year>{_YEAR}))?"
    r"|(?:the|this)\s+(?P<period>week|month|year)\b)",
    re.IGNORECASE,
)
_COMING = re.compile(
    r"\b(?:in|over|within|during)\s+the\s+(?:coming|next)\s+(?:few\s+)?(?P<unit>days|weeks|months)\b"
    r"|\bin\s+the\s+(?P<unit_ahead>days|weeks|months)\s+ahead\b"
    r"|\b(?P<next_week>next\s+week)\b",
    re.IGNORECASE,
)
# Days before publication, and whether the words speak of a night.
_RELATIVE = {
    "yesterday": (1, False),
    "today": (0, False),
    "this morning": (0, False),
    "this afternoon": (0, False),
    "this evening": (0, True),
    "tonight": (0, True),
    "last night": (1, True),
}
_RELATIVE_WORDS = re.compile(r"\b(?:" + "|".join(w.replace(" ", r"\s+") for w in _RELATIVE) + r")\b", re.IGNORECASE)
_PART_OF_PHRASE = {"beginning": "early", "start": "early", "middle": "mid", "end": "late"}
_PART_DAYS = {"early": (1, 10), "mid": (11, 20), "late": (21, 31)}  # 31: clipped to the month's end
_COMING_DAYS = {"days": 7, "weeks": 28, "months": 91}  # how far ahead 'the coming days' reaches
_YEAR_MENTION = re.compile(rf"\b{_YEAR}\b")
_FUTURE = re.compile(
    r"\b(?:will|shall|would|is\s+to|are\s+to|plans?\s+to|planned|expected\s+to|scheduled|due\s+to)\b", re.IGNORECASE
)
_SINCE = re.compile(r"\bsince\s+(?:the\s+)?$", re.IGNORECASE)
_NIGHT_PARTS = ("evening", "night")


@dataclass(frozen=True)
class DateGuess:
    first: dt.date | None  # None when the words cannot be placed in time (no year or publication day)
    last: dt.date | None
    precision: str
    words: str  # the words the guess comes from, "" for none
    since: bool = False  # 'since Sunday': the situation holds from that day on

    @property
    def iso(self) -> str:
        """'YYYY-MM-DD', 'YYYY-MM-DD/YYYY-MM-DD' for a span of days, or '' if unknown."""
        if self.first is None or self.last is None:
            return ""
        return self.first.isoformat() if self.first == self.last else f"{self.first}/{self.last}"


def latest_year_mentioned(text: str) -> int | None:
    """The most recent year written in `text`, the year fallback when no publication day is known."""
    return max((int(year) for year in _YEAR_MENTION.findall(text)), default=None)


def guess_date(
    text: str, published: dt.date | None, fallback_year: int | None = None, said_on: dt.date | None = None
) -> DateGuess:
    """The dates `text` speaks of. A day or month given without a year is placed in the year that
    puts it nearest to `published`, else in `fallback_year`. Deadlines and future windows count
    from `said_on` (the day the words were said), else from `published`."""
    regexes = (_EXPLICIT, _WEEKDAY, _DEADLINE, _COMING, _PART_OF_MONTH, _RELATIVE_WORDS)
    found = [m for m in (regex.search(text) for regex in regexes) if m]
    if not found:
        return DateGuess(published, published, AS_OF_REPORT, "")
    first = min(found, key=lambda m: (m.start(), -m.end()))
    since = bool(_SINCE.search(text[max(0, first.start() - 12) : first.start()]))
    said_on = said_on or published
    if first.re is _EXPLICIT:
        guess = _explicit_day(first, published, fallback_year)
    elif first.re is _WEEKDAY:
        guess = _weekday(first, published, bool(_FUTURE.search(text)))
    elif first.re is _DEADLINE:
        guess = _deadline(first, said_on, fallback_year)
    elif first.re is _COMING:
        guess = _coming(first, said_on)
    elif first.re is _PART_OF_MONTH:
        guess = _part_of_month(first, published, fallback_year)
    else:
        guess = _relative_day(first, published)
    return DateGuess(guess.first, guess.last, guess.precision, guess.words, since)


def _explicit_day(match: re.Match, published: dt.date | None, fallback_year: int | None) -> DateGuess:
    month = _month_number(match["month_first"] or match["month_after"])
    day = int(match["day_after"] or match["day_first"])
    year = _year(match["year"], month, day, published, fallback_year)
    return _day_or_night(_valid_date(year, month, day), _is_night(match), match.group(0))


def _weekday(match: re.Match, published: dt.date | None, future: bool) -> DateGuess:
    if published is None:
        return DateGuess(None, None, DAY, match.group(0))
    wanted = _WEEKDAYS.index(match["weekday"].lower())
    which = (match["which"] or "").lower()
    if which == "next" or (future and which != "last"):
        day = published + dt.timedelta(days=(wanted - published.weekday() - 1) % 7 + 1)
    else:  # the last such day up to the publication day ('on Monday' in a Tuesday paper)
        day = published - dt.timedelta(days=(published.weekday() - wanted) % 7)
    return _day_or_night(day, _is_night(match), match.group(0))


def _deadline(match: re.Match, said_on: dt.date | None, fallback_year: int | None) -> DateGuess:
    """'before the end of December' said on 12 December: 12 to 31 December; a deadline already
    past when said reads as the end of that month."""
    if said_on is None:
        return DateGuess(None, None, APPROXIMATE, match.group(0))
    period = (match["period"] or "").lower()
    if period == "week":
        end = said_on + dt.timedelta(days=6 - said_on.weekday())
    elif period == "year":
        end = dt.date(said_on.year, 12, 31)
    else:
        month = _month_number(match["month"]) if match["month"] else said_on.month
        # Without a year: the one that puts the month's end nearest to the day said.
        year = int(match["year"]) if match["year"] else _nearest_year(month, 28, said_on)
        end = dt.date(year, month, calendar.monthrange(year, month)[1])
        if end < said_on:
            return DateGuess(dt.date(year, month, 21), end, APPROXIMATE, match.group(0))
    return DateGuess(said_on, end, APPROXIMATE, match.group(0))


def _coming(match: re.Match, said_on: dt.date | None) -> DateGuess:
    if said_on is None:
        return DateGuess(None, None, APPROXIMATE, match.group(0))
    if match["next_week"]:
        monday = said_on + dt.timedelta(days=7 - said_on.weekday())
        return DateGuess(monday, monday + dt.timedelta(days=6), APPROXIMATE, match.group(0))
    unit = (match["unit"] or match["unit_ahead"]).lower()
    first = said_on + dt.timedelta(days=1)
    return DateGuess(first, said_on + dt.timedelta(days=_COMING_DAYS[unit]), APPROXIMATE, match.group(0))


def _part_of_month(match: re.Match, published: dt.date | None, fallback_year: int | None) -> DateGuess:
    part = (match["part"] or _PART_OF_PHRASE[match["phrase"].lower()]).lower()
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


def _is_night(match: re.Match) -> bool:
    parts = (match.groupdict().get("part_before") or "", match.groupdict().get("part_after") or "")
    return any(word in part.lower() for part in parts for word in _NIGHT_PARTS)


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
    return _nearest_year(month, day, published)


def _nearest_year(month: int, day: int, near: dt.date) -> int:
    # Day 28 stands in for the 29th-31st so that every candidate year has the day.
    candidates = [dt.date(year, month, min(day, 28)) for year in range(near.year - 1, near.year + 2)]
    return min(candidates, key=lambda day_in_year: abs(day_in_year - near)).year


def _valid_date(year: int | None, month: int, day: int) -> dt.date | None:
    if year is None:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:  # 'February 30'
        return None
