"""Per-row checks of a table against its Table Schema, each one a vectorised pass over a column.

A check yields a Series of messages aligned with the rows: NaN where the row passes.
"""
from __future__ import annotations

import difflib
from functools import reduce

import numpy as np
import pandas as pd

from claimmap.csvio import LINE
from claimmap.problems import Problem
from claimmap.schema import FieldSpec, ResourceSpec

ISO_DAY = r"\d{4}-\d{2}-\d{2}"
INTEGER = r"[+-]?\d+"
NUMERIC_TYPES = ("number", "integer")

Finding = tuple[str, pd.Series]  # (column, messages)


def check_rows(frame: pd.DataFrame, spec: ResourceSpec, shown: str) -> tuple[list[Problem], pd.Series]:
    """Problems of the text rows of `frame` (with `_line`), and a mask of the rows having any."""
    blanks = {f.name: frame[f.name].isin(spec.missing_values) for f in spec.fields if f.name in frame}
    numbers = {f.name: parse_numbers(frame[f.name], f, blanks[f.name])
               for f in spec.fields if f.name in frame and f.type in NUMERIC_TYPES}
    findings: list[Finding] = []
    for field in spec.fields:  # one pass per column; the rows are handled as whole Series
        if field.name not in frame:
            continue
        values, blank = frame[field.name], blanks[field.name]
        findings += [(field.name, messages) for messages in (
            _required(values, blank, field, field.name in spec.primary_key),
            _type_error(values, blank, field, numbers.get(field.name)),
            _not_in_enum(values, blank, field),
            _pattern_mismatch(values, blank, field),
            _out_of_range(values, field, spec, numbers),
        )]
    if spec.primary_key:
        findings.append((", ".join(spec.primary_key), _duplicate_keys(frame, spec)))
    problems = [Problem(shown, int(line), column, message)
                for column, messages in findings
                for line, message in zip(frame.loc[messages.notna(), LINE], messages.dropna())]
    failed = reduce(lambda a, b: a | b, (m.notna() for _, m in findings), pd.Series(False, index=frame.index))
    return problems, failed


def parse_numbers(values: pd.Series, field: FieldSpec, blank: pd.Series) -> pd.Series:
    """Finite float values of a number or integer column; NaN where blank or invalid."""
    usable = ~blank
    if field.type == "integer":
        usable &= values.str.fullmatch(INTEGER)  # "3.0" is a number but not an integer
    numbers = pd.to_numeric(values.where(usable), errors="coerce").astype("float64")
    return numbers.where(np.isfinite(numbers))


def _flag(mask: pd.Series, text: pd.Series | str) -> pd.Series:
    return pd.Series(text, index=mask.index, dtype=object).where(mask)


def _passes(values: pd.Series) -> pd.Series:
    return pd.Series(np.nan, index=values.index, dtype=object)


def _quoted(values: pd.Series) -> pd.Series:
    return "'" + values.astype(str) + "'"


def _required(values: pd.Series, blank: pd.Series, field: FieldSpec, in_key: bool) -> pd.Series:
    # Table Schema makes primary-key fields required even when not marked so.
    return _flag(blank & (field.required or in_key), "value is required but empty")


def _type_error(values: pd.Series, blank: pd.Series, field: FieldSpec, numbers: pd.Series | None) -> pd.Series:
    quoted = _quoted(values)
    if field.type == "date":
        shaped = values.str.fullmatch(ISO_DAY)
        days = pd.to_datetime(values.where(shaped), format="%Y-%m-%d", errors="coerce")
        text = np.where(shaped, quoted + " is not a calendar date; expected a real day as YYYY-MM-DD",
                        quoted + " is not a date; expected YYYY-MM-DD")
        return _flag(~blank & days.isna(), pd.Series(text, index=values.index))
    if field.type == "integer":
        return _flag(~blank & numbers.isna(), quoted + " is not an integer; expected a whole number like 3")
    if field.type == "number":
        return _flag(~blank & numbers.isna(), quoted + " is not a finite number; expected a decimal like 35.41")
    if field.type == "boolean":
        allowed = field.true_values + field.false_values
        return _flag(~blank & ~values.isin(allowed), quoted + f" is not a boolean; expected one of: {', '.join(allowed)}")
    return _passes(values)


def _not_in_enum(values: pd.Series, blank: pd.Series, field: FieldSpec) -> pd.Series:
    if field.enum is None:
        return _passes(values)
    bad = ~blank & ~values.isin(field.enum)
    hints = values[bad].map(lambda v: did_you_mean(v, field.enum))
    return _flag(bad, _quoted(values) + f" is not allowed; expected one of: {', '.join(field.enum)}" + hints)


def _pattern_mismatch(values: pd.Series, blank: pd.Series, field: FieldSpec) -> pd.Series:
    if field.pattern is None:
        return _passes(values)
    # Table Schema patterns match the whole value.
    return _flag(~blank & ~values.str.fullmatch(field.pattern),
                 _quoted(values) + f" does not match the pattern {field.pattern}")


def _out_of_range(values: pd.Series, field: FieldSpec, spec: ResourceSpec,
                  numbers: dict[str, pd.Series]) -> pd.Series:
    if field.name not in numbers or (field.minimum is None and field.maximum is None):
        return _passes(values)
    number = numbers[field.name]
    bad = number.notna() & ~_within(number, field)
    return _flag(bad, f"{field.name} " + values + f" is {_bounds_text(field)}" + _swap_hint(field, spec, numbers))


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


def _swap_hint(field: FieldSpec, spec: ResourceSpec, numbers: dict[str, pd.Series]) -> pd.Series:
    """'; are lat and lon swapped?' where each value fits the other column's range."""
    hint = pd.Series("", index=numbers[field.name].index, dtype=object)
    for other in spec.fields:
        if other.name == field.name or other.name not in numbers or (other.minimum is None and other.maximum is None):
            continue
        fits = _within(numbers[field.name], other) & _within(numbers[other.name], field) & (hint == "")
        hint = hint.mask(fits, f"; are {field.name} and {other.name} swapped?")
    return hint


def _duplicate_keys(frame: pd.DataFrame, spec: ResourceSpec) -> pd.Series:
    key = list(spec.primary_key)
    keyed = frame[~frame[key].isin(spec.missing_values).all(axis=1)]  # a blank key is reported as required
    repeat = keyed.duplicated(key, keep="first")
    first_line = keyed.groupby(key, sort=False)[LINE].transform("min")
    values = quoted_values(keyed[key])
    label = key[0] if len(key) == 1 else f"({', '.join(key)})"
    text = (f"duplicate {label} " + values + " (first on line " + first_line.astype(str)
            + f"); give each row its own {label}")
    return _flag(repeat, text).reindex(frame.index)


def quoted_values(frame: pd.DataFrame) -> pd.Series:
    """Each row's values quoted and joined: 'a' or 'a', 'b'."""
    return reduce(lambda a, b: a + ", " + b, (_quoted(frame[c]) for c in frame.columns))


def did_you_mean(value: str, choices: tuple[str, ...]) -> str:
    by_lower = {c.lower(): c for c in choices}  # so 'a' suggests 'A'
    close = difflib.get_close_matches(value.lower(), list(by_lower), n=1)
    return f" (did you mean '{by_lower[close[0]]}'?)" if close else ""
