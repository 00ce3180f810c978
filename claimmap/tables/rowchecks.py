"""Per-row checks of a table against its Table Schema, each one a vectorised pass over a column.

A check returns its messages as a Series indexed by the failing rows only (empty when all pass),
so text is built just for the rows that need it.
"""

from __future__ import annotations

from functools import reduce
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from claimmap.problems import MAX_PER_KIND, Problem, more_of_kind
from claimmap.tables.csvio import LINE
from claimmap.tables.schema import FieldSpec, ResourceSpec, full_match

ISO_DAY = r"\d{4}-\d{2}-\d{2}"
INTEGER = r"[+-]?\d+"
NUMERIC_TYPES = ("number", "integer")
# Days the page's widgets can show (Streamlit's date slider stops at 1684-07-29 and 2255-06-04).
FIRST_DAY, LAST_DAY = pd.Timestamp("1700-01-01"), pd.Timestamp("2199-12-31")
# Integers beyond this lose digits as floats, and no count or offset of ours comes near it.
MAX_INTEGER = 2**53
ANCHOR_FIX = "run `python -m claimmap anchor`"
# Required cells that `anchor` writes: blank in a row added by hand before anchoring.
FILLED_BY_ANCHOR = frozenset({("sources", "sha256")})


class CalendarDays(NamedTuple):
    """Per cell of a date column: shaped YYYY-MM-DD, a real calendar day, the day as YYYYMMDD."""

    shaped: pd.Series
    valid: pd.Series
    number: pd.Series


def check_rows(frame: pd.DataFrame, spec: ResourceSpec, shown: str) -> tuple[list[Problem], pd.Series]:
    """Problems of the text rows of `frame` (with `_line`), and a mask of the rows having any."""
    present = [f for f in spec.fields if f.name in frame]
    blanks = {f.name: frame[f.name].isin(spec.missing_values) for f in present}
    numbers = {f.name: parse_numbers(frame[f.name], f, blanks[f.name]) for f in present if f.type in NUMERIC_TYPES}
    days = {f.name: _calendar_days(frame[f.name]) for f in present if f.type == "date"}  # read once per column
    findings: list[tuple[str, str, pd.Series]] = []  # (column, problem code, messages of its failing rows)
    for field in present:  # one pass per column; the rows are handled as whole Series
        values, blank = frame[field.name], blanks[field.name]
        findings += [
            (field.name, code, messages)
            for code, messages in (
                # Codes as Frictionless names them (a required value is a constraint there too).
                ("constraint-error", _required(values, blank, field, field.name in spec.primary_key, spec.name)),
                ("type-error", _type_error(values, blank, field, numbers.get(field.name), days.get(field.name))),
                ("constraint-error", _outside_shown_days(values, days.get(field.name))),
                ("constraint-error", _not_in_enum(values, blank, field)),
                ("constraint-error", _pattern_mismatch(values, blank, field)),
                ("constraint-error", _out_of_range(values, field, spec, numbers)),
            )
        ]
    if spec.primary_key:
        findings.append((", ".join(spec.primary_key), "primary-key", _duplicate_keys(frame, spec)))
    problems = []
    for column, code, messages in findings:  # Problems built for the first of each kind only
        first = [
            Problem(shown, int(line), column, message, code=code)
            for line, message in zip(frame.loc[messages.index[:MAX_PER_KIND], LINE], messages.iloc[:MAX_PER_KIND])
        ]
        problems += first
        if len(messages) > MAX_PER_KIND:
            problems.append(more_of_kind(first[0], len(messages) - MAX_PER_KIND))
    failed = frame.index.isin([label for _, _, messages in findings for label in messages.index])
    return problems, pd.Series(failed, index=frame.index)


def parse_numbers(values: pd.Series, field: FieldSpec, blank: pd.Series) -> pd.Series:
    """Finite float values of a number or integer column; NaN where blank or invalid (for an
    integer, also where it is beyond ±MAX_INTEGER)."""
    usable = ~blank
    if field.type == "integer":
        usable &= values.str.fullmatch(INTEGER)  # "3.0" is a number but not an integer
        numbers = _ascii_integers(values, usable)
    else:
        numbers = pd.to_numeric(values.where(usable), errors="coerce").astype("float64")
    finite = np.isfinite(numbers)
    if field.type == "integer":
        finite &= numbers.abs() <= MAX_INTEGER
    return numbers.where(finite)


def _ascii_integers(values: pd.Series, usable: pd.Series) -> pd.Series:
    """The usable cells as floats: those of digits 0-9 cast by pyarrow (ten times faster than
    pd.to_numeric on a million cells), any other (other digits) by pd.to_numeric as before."""
    cells = pa.array(values.where(usable, "0"), pa.large_string())
    plain = pc.string_is_ascii(cells).to_numpy(zero_copy_only=False)  # usable and ASCII: [+-]?[0-9]+
    numbers = pd.Series(pc.cast(pc.if_else(plain, cells, "0"), pa.float64()).to_numpy(), index=values.index)
    numbers = numbers.where(usable.to_numpy() & plain)
    others = usable.to_numpy() & ~plain
    if others.any():
        numbers[others] = pd.to_numeric(values[others], errors="coerce").astype("float64").to_numpy()
    return numbers


def split_list_cells(values: pd.Series, separator: str) -> pd.Series:
    """The items of list cells ('a|b'), one per row, each with its cell's index label, in order:
    values.str.split(separator).explode(), with only the cells holding the separator split (in
    most tables few do, and splitting a million cells takes a second)."""
    listed = values.str.contains(separator, regex=False).to_numpy(dtype=bool)
    if not listed.any():
        return values.copy()
    items = values[listed].str.split(separator, regex=False).explode().astype(values.dtype)
    return pd.concat([values[~listed], items]).sort_index(kind="stable")


def quoted_values(frame: pd.DataFrame) -> pd.Series:
    """Each row's values quoted and joined: 'a' or 'a', 'b'."""
    return reduce(lambda a, b: a + ", " + b, ("'" + frame[c].astype(str) + "'" for c in frame.columns))


def did_you_mean(value: str, choices: tuple[str, ...]) -> str:
    """' (did you mean 'x'?)' for the choice closest to `value`, when one is close: a typo or two
    away ('reportd', 'rusia'), or the same words with some left off or added at the end
    ('khmeimim_base' for 'khmeimim'); otherwise ''. A shared long stretch ('movement' in
    'government_fall') is not closeness."""
    wanted = value.lower()
    limit = _typo_limit(wanted)
    by_lower = {c.lower(): c for c in choices}  # so 'a' suggests 'A'
    scored = [
        (distance, choice)
        for lower, choice in by_lower.items()
        if abs(len(lower) - len(wanted)) <= limit and (distance := _typo_distance(wanted, lower, limit)) <= limit
    ]
    if not scored:
        words = wanted.split("_")
        scored = [
            (abs(len(lower.split("_")) - len(words)), choice)
            for lower, choice in by_lower.items()
            if _leading_words(words, lower.split("_"))
        ]
    return f" (did you mean '{min(scored)[1]}'?)" if scored else ""


def _typo_limit(value: str) -> int:
    """How many typos a value of this length may hold and still be recognised."""
    return 0 if len(value) < 3 else 1 if len(value) <= 5 else 2 if len(value) <= 9 else 3


def _typo_distance(a: str, b: str, limit: int) -> int:
    """Edits (insert, delete, substitute, swap two neighbours) from a to b; limit + 1 once above it."""
    before, previous = None, list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            if before is not None and i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                cost = min(cost, before[j - 2] + 1)
            current.append(cost)
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return previous[-1]


def _leading_words(a: list[str], b: list[str]) -> bool:
    """Whether one list of words is the other with words added at its end (both non-trivial)."""
    shorter, longer = sorted((a, b), key=len)
    return len(shorter) < len(longer) and len("_".join(shorter)) >= 3 and longer[: len(shorter)] == shorter


def _none(values: pd.Series) -> pd.Series:
    return pd.Series(index=values.index[:0], dtype=object)


def _same_text(mask: pd.Series, text: str) -> pd.Series:
    return pd.Series(text, index=mask.index[mask], dtype=object)


def _quoted(values: pd.Series) -> pd.Series:
    return quoted_values(values.to_frame())


def _required(values: pd.Series, blank: pd.Series, field: FieldSpec, in_key: bool, resource: str) -> pd.Series:
    # Table Schema makes primary-key fields required even when not marked so.
    if not (field.required or in_key):
        return _none(values)
    fix = f"; {ANCHOR_FIX} to fill it" if (resource, field.name) in FILLED_BY_ANCHOR else ""
    return _same_text(blank, "value is required but empty" + fix)


def _type_error(
    values: pd.Series, blank: pd.Series, field: FieldSpec, numbers: pd.Series | None, days: CalendarDays | None
) -> pd.Series:
    if field.type in NUMERIC_TYPES and numbers is None:
        numbers = parse_numbers(values, field, blank)
    if days is not None:  # a date column
        bad = values[~blank & ~days.valid]
        return _quoted(bad) + np.where(
            days.shaped[bad.index],
            " is not a calendar date; expected a real day as YYYY-MM-DD",
            " is not a date; expected YYYY-MM-DD",
        )
    if field.type == "integer" and numbers is not None:
        bad = values[~blank & numbers.isna()]
        return _quoted(bad) + np.where(
            bad.str.fullmatch(INTEGER),
            f" is too large; expected a whole number between -{MAX_INTEGER:,} and {MAX_INTEGER:,}",
            " is not an integer; expected a whole number like 3",
        )
    if field.type == "number" and numbers is not None:
        return _quoted(values[~blank & numbers.isna()]) + " is not a finite number; expected a decimal like 35.41"
    if field.type == "boolean":
        allowed = field.true_values + field.false_values
        return (
            _quoted(values[~blank & ~values.isin(allowed)])
            + f" is not a boolean; expected one of: {', '.join(allowed)}"
        )
    return _none(values)


def _not_in_enum(values: pd.Series, blank: pd.Series, field: FieldSpec) -> pd.Series:
    if field.enum is None:
        return _none(values)
    bad = values[~blank & ~values.isin(field.enum)]
    return (
        _quoted(bad)
        + f" is not allowed; expected one of: {', '.join(field.enum)}"
        + bad.map(lambda v: did_you_mean(v, field.enum))
    )


def _pattern_mismatch(values: pd.Series, blank: pd.Series, field: FieldSpec) -> pd.Series:
    if field.pattern is None:
        return _none(values)
    # RE2 through pyarrow: linear in the text whatever the pattern (schema.pattern_problem
    # refused the ones it cannot run); pandas would fall back to backtracking `re` for some.
    matched = pc.match_substring_regex(pa.array(values.astype(str).tolist(), pa.string()), full_match(field.pattern))
    bad = values[~blank & ~matched.to_numpy(zero_copy_only=False)]
    return _quoted(bad) + f" does not match the pattern {field.pattern}"


def _outside_shown_days(values: pd.Series, days: CalendarDays | None) -> pd.Series:
    if days is None:  # not a date column
        return _none(values)
    number = days.number
    outside = days.valid & ((number < _day_number(FIRST_DAY)) | (number > _day_number(LAST_DAY)))
    return _quoted(values[outside]) + (
        f" is outside the days the app can show ({FIRST_DAY:%Y-%m-%d} to {LAST_DAY:%Y-%m-%d}); check the year"
    )


def _calendar_days(values: pd.Series) -> CalendarDays:
    """Per value: shaped YYYY-MM-DD; a real calendar day (any year from 1, beyond datetime64's
    1677-2262, so a far date is recognised as a date); and the day as the number YYYYMMDD.
    The digits are read by pyarrow (a shaped cell of other digits than 0-9 reads as day 0, not a day)."""
    shaped = values.str.fullmatch(ISO_DAY).astype(bool)
    cells = pa.array(values.where(shaped, "0000-00-00"), pa.large_string())
    cells = pc.if_else(pc.string_is_ascii(cells), cells, "0000-00-00")  # shaped and ASCII: digits 0-9
    year, month, day = (
        pd.Series(pc.cast(pc.utf8_slice_codeunits(cells, a, b), pa.int64()).to_numpy(), index=values.index)
        for a, b in ((0, 4), (5, 7), (8, 10))
    )
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_length = pd.Series(_MONTH_DAYS[month.clip(1, 12) - 1], index=values.index) + ((month == 2) & leap)
    valid = shaped & (year >= 1) & month.between(1, 12) & (day >= 1) & (day <= month_length)
    return CalendarDays(shaped, valid, year * 10_000 + month * 100 + day)


_MONTH_DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def _day_number(day: pd.Timestamp) -> int:
    return day.year * 10_000 + day.month * 100 + day.day


def _out_of_range(values: pd.Series, field: FieldSpec, spec: ResourceSpec, numbers: dict[str, pd.Series]) -> pd.Series:
    if field.name not in numbers or (field.minimum is None and field.maximum is None):
        return _none(values)
    number = numbers[field.name]
    bad = values[number.notna() & ~_within(number, field)]
    return f"{field.name} " + bad + f" is {_bounds_text(field)}" + _swap_hint(field, spec, numbers, bad.index)


def _within(number: pd.Series, field: FieldSpec) -> pd.Series:
    low = number >= field.minimum if field.minimum is not None else True
    high = number <= field.maximum if field.maximum is not None else True
    return number.notna() & low & high


def _bounds_text(field: FieldSpec) -> str:
    if field.minimum is not None and field.maximum is not None:
        return f"outside [{field.minimum:g}, {field.maximum:g}]"
    if field.minimum is not None:
        return f"below the minimum {field.minimum:g}"
    return f"above the maximum {field.maximum:g}"


def _swap_hint(field: FieldSpec, spec: ResourceSpec, numbers: dict[str, pd.Series], rows: pd.Index) -> pd.Series:
    """'; are lat and lon swapped?' where each value fits the other column's range, else ''."""
    hint = pd.Series("", index=rows, dtype=object)
    bounded = [f for f in spec.fields if f.name in numbers and (f.minimum is not None or f.maximum is not None)]
    for other in bounded:
        if other.name == field.name:
            continue
        fits = _within(numbers[field.name][rows], other) & _within(numbers[other.name][rows], field) & (hint == "")
        hint = hint.mask(fits, f"; are {field.name} and {other.name} swapped?")
    return hint


def _duplicate_keys(frame: pd.DataFrame, spec: ResourceSpec) -> pd.Series:
    key = list(spec.primary_key)
    keyed = frame[~frame[key].isin(spec.missing_values).all(axis=1)]  # a blank key is reported as required
    first_line = keyed.groupby(key, sort=False)[LINE].transform("min")
    repeats = keyed[keyed.duplicated(key, keep="first")]
    label = key[0] if len(key) == 1 else f"({', '.join(key)})"
    return (
        f"duplicate {label} "
        + quoted_values(repeats[key])
        + " (first on line "
        + first_line[repeats.index].astype(str)
        + f"); give each row its own {label}"
    )
