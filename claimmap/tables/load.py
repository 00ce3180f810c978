"""The data directory loaded into typed DataFrames, with every problem found on the way.

Frame conventions, relied on by the rest of the app:
- string columns hold str, "" when blank (never NaN);
- date columns are datetime64 at midnight (pandas' own unit for parsed dates), NaT when blank;
- number columns are float64 (NaN when blank), integer columns nullable Int64, booleans bool;
- `_line`, the row's line in its CSV (header = 1), is the last column; the index is a RangeIndex.
A row with any error is left out of its frame; its key and line are kept in `Tables.dropped`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from claimmap.config import BUNDLED_DATA_DIR
from claimmap.problems import Problem, capped, display_path
from claimmap.tables.csvio import LINE, read_raw
from claimmap.tables.rowchecks import check_rows, parse_numbers
from claimmap.tables.schema import (
    PACKAGE_FILE,
    RESOURCE_NAMES,
    FieldSpec,
    PackageSpec,
    ResourceSpec,
    package_for,
    read_package,
)

DATE_DTYPE = pd.to_datetime(pd.Series(["2000-01-01"]), format="%Y-%m-%d").dtype


def _bundled_package() -> PackageSpec:
    return read_package(BUNDLED_DATA_DIR / PACKAGE_FILE)


@dataclass(frozen=True)
class Tables:
    sources: pd.DataFrame
    actors: pd.DataFrame
    places: pd.DataFrame
    speakers: pd.DataFrame
    claims: pd.DataFrame
    geocode_cache: pd.DataFrame
    problems: list[Problem]
    data_dir: Path
    package: PackageSpec = field(default_factory=_bundled_package)
    # Per table: the primary key (as text) and `_line` of each row left out because of problems.
    dropped: dict[str, pd.DataFrame] = field(default_factory=dict)
    # Per source_id: the sha256 of the bytes validation read its text from (the quotes' offsets
    # refer to that text); empty before validation.
    source_sha256: dict[str, str] = field(default_factory=dict)

    def frame(self, name: str) -> pd.DataFrame:
        return getattr(self, name)

    def names(self, name: str) -> dict[str, str]:
        """Id → name for a table that names things (places, actors, speakers): its primary key to
        its `name` column. What every view shows in place of an id."""
        (key,) = self.package.resource(name).primary_key
        frame = self.frame(name)
        # Python lists first: iterating a pyarrow-backed column yields one value at a time (5x slower).
        return dict(zip(frame[key].tolist(), frame["name"].tolist()))

    def dropped_rows(self, name: str) -> pd.DataFrame:
        key = list(self.package.resource(name).primary_key)
        return self.dropped.get(name, pd.DataFrame({c: pd.Series(dtype=str) for c in [*key, LINE]}))

    def with_frames(
        self, frames: dict[str, pd.DataFrame], dropped: dict[str, pd.DataFrame], problems: list[Problem]
    ) -> Tables:
        """A copy with some frames replaced, their dropped rows recorded and the problem list renewed."""
        return replace(self, **frames, dropped={**self.dropped, **dropped}, problems=problems)


@dataclass(frozen=True)
class LoadedTable:
    """One CSV loaded: its valid rows typed, the key and line of the others, and what is wrong."""

    frame: pd.DataFrame
    dropped: pd.DataFrame
    problems: list[Problem]


def load_tables(data_dir: Path) -> Tables:
    """Every table of `data_dir`, checked row by row against its schema; never raises on bad data."""
    package, problems = package_for(data_dir)
    loaded = {
        name: load_table(data_dir / package.resource(name).path, package.resource(name), data_dir)
        for name in RESOURCE_NAMES
    }
    problems += [p for table in loaded.values() for p in table.problems]
    return Tables(
        **{name: table.frame for name, table in loaded.items()},
        problems=capped(problems),
        data_dir=data_dir,
        package=package,
        dropped={name: table.dropped for name, table in loaded.items()},
    )


def load_table(path: Path, spec: ResourceSpec, root: Path | None = None) -> LoadedTable:
    raw = read_raw(path, spec, root)
    problems, failed = check_rows(raw.frame[~raw.broken], spec, display_path(path))
    rejected = raw.broken | failed.reindex(raw.frame.index, fill_value=False)
    dropped = raw.frame.loc[rejected, [*spec.primary_key, LINE]].reset_index(drop=True)
    return LoadedTable(typed_frame(raw.frame[~rejected], spec), dropped, raw.problems + problems)


def typed_frame(frame: pd.DataFrame, spec: ResourceSpec) -> pd.DataFrame:
    """Text cells converted to the frame conventions; only valid rows should be passed."""
    fields = {f.name: f for f in spec.fields}
    typed = {}
    for column in frame.columns.drop(LINE):  # one conversion per column
        field_ = fields.get(column)
        blank = frame[column].isin(spec.missing_values)
        if field_ is None:  # a column the schema does not declare stays text
            typed[column] = _to_text(frame[column], blank, None)
        else:
            typed[column] = _CONVERTERS.get(field_.type, _to_text)(frame[column], blank, field_)
    typed[LINE] = frame[LINE].astype(np.int64)
    return pd.DataFrame(typed).reset_index(drop=True)


def _to_dates(values: pd.Series, blank: pd.Series, _: FieldSpec) -> pd.Series:
    return pd.to_datetime(values.where(~blank), format="%Y-%m-%d", errors="coerce").astype(DATE_DTYPE)


def _to_floats(values: pd.Series, blank: pd.Series, field_: FieldSpec) -> pd.Series:
    return parse_numbers(values, field_, blank)


def _to_integers(values: pd.Series, blank: pd.Series, field_: FieldSpec) -> pd.Series:
    return parse_numbers(values, field_, blank).astype("Int64")


def _to_booleans(values: pd.Series, blank: pd.Series, field_: FieldSpec) -> pd.Series:
    # A blank optional boolean reads as false: the bool dtype has no missing value.
    return values.isin(field_.true_values)


def _to_text(values: pd.Series, blank: pd.Series, _: FieldSpec | None) -> pd.Series:
    return values.where(~blank, "").astype(str)


_CONVERTERS = {"date": _to_dates, "number": _to_floats, "integer": _to_integers, "boolean": _to_booleans}
