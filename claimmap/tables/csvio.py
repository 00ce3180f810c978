"""A CSV file as text records that remember their line, and the canonical way to write one back.

The csv module does the parsing because it tells where each record starts even when a quoted
cell spans lines, which pandas cannot; everything after parsing works on whole columns.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import itertools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from claimmap.files import MAX_TABLE_BYTES, FileRefused, within
from claimmap.problems import MAX_PER_KIND, NO_COLUMN, Problem, capped, display_path, has_errors, more_of_kind
from claimmap.tables.fastcsv import read_plain, record_lines
from claimmap.tables.schema import ResourceSpec
from claimmap.tables.store import read_snapshot, write_atomically

LINE = "_line"  # the row's line number in its CSV, header = 1

# Longer cells are reported, not loaded: no curated text is that long, but a quote never closed is.
MAX_CELL_CHARS = 131_072
# How many times a file is read again after a broken record that ran on over later lines.
MAX_RERUNS = 100


@dataclass(frozen=True)
class RawTable:
    """Every record of a CSV as text, padded to the header's width, with `_line` last."""

    frame: pd.DataFrame
    broken: pd.Series  # per row of frame: the record could not be read as a clean row
    problems: list[Problem]  # about the file, its header, its bytes or its CSV syntax
    readable: bool  # False when the header is unusable; frame is then empty with the schema's columns
    sha256: str | None = None  # of the bytes read; None when there was no file
    complete: bool = True  # False when a column of the file is not in the frame

    @property
    def rewritable(self) -> bool:
        """Writing the frame back would lose nothing."""
        return self.readable and self.complete and not has_errors(self.problems)


def read_raw(path: Path, spec: ResourceSpec, root: Path | None = None) -> RawTable:
    """Read `path` as UTF-8 CSV (a BOM and CRLF line ends allowed); never raises on bad content.
    With `root`, a path leading outside it through a symlink is refused."""
    shown = display_path(path)
    expected = ",".join(spec.column_names)
    try:
        if root is not None:
            path = within(path, root, fix=f"put the table itself in {display_path(root)}")
        snapshot = read_snapshot(path, MAX_TABLE_BYTES)
    except FileNotFoundError:
        return _unreadable(
            spec,
            [
                Problem(
                    shown,
                    None,
                    NO_COLUMN,
                    f"file not found; expected a CSV with the header {expected}",
                    code="file-not-found",
                )
            ],
        )
    except FileRefused as err:
        return _unreadable(spec, [Problem(shown, None, NO_COLUMN, err.reason, code=err.code)])
    except OSError as err:
        return _unreadable(
            spec, [Problem(shown, None, NO_COLUMN, f"cannot be read: {err.strerror}", code="source-error")]
        )
    data = snapshot.data.removeprefix(codecs.BOM_UTF8)
    bad_lines = _undecodable_lines(data)
    problems = [
        Problem(
            shown, line, NO_COLUMN, f"bytes {bad!r} are not UTF-8; re-save the file as UTF-8", code="encoding-error"
        )
        for line, bad in bad_lines.items()
    ]
    text = data.decode("utf-8", errors="replace")
    plain = None if bad_lines else read_plain(text, MAX_CELL_CHARS)
    if plain is not None:  # most tables: pyarrow reads them, each record on its own line
        header, frame = plain
        body_spans = record_lines(len(frame))
    else:
        records, spans, failures = _parse(text)
        problems += [
            Problem(shown, line, NO_COLUMN, _parse_failure_message(reason), code="format-error")
            for line, reason in failures
        ]
        if not records:
            problems.append(
                Problem(shown, None, NO_COLUMN, f"file is empty; expected the header {expected}", code="source-error")
            )
            return _unreadable(spec, problems, snapshot.sha256)
        header, body, body_spans = records[0], records[1:], np.array(spans[1:], dtype=np.int64).reshape(-1, 2)
    problems += _header_problems(header, spec, shown)
    if has_errors(p for p in problems if p.row is None):
        return _unreadable(spec, problems, snapshot.sha256)

    width = len(header)
    if plain is not None:
        lengths = np.full(len(frame), width, dtype=np.int64)
    else:
        lengths = np.array([len(r) for r in body], dtype=np.int64)
        frame = pd.DataFrame([(r + [""] * width)[:width] for r in body], columns=header, dtype=str)
    frame = frame.assign(**{c: "" for c in spec.column_names if c not in header})
    complete = LINE not in header
    if not complete:  # the name is taken by the line numbers; the column is shown, never rewritten
        problems.append(
            Problem(
                shown,
                None,
                LINE,
                f"{LINE} is a name claimmap keeps for line numbers, so this "
                "column is not loaded and the file is not rewritten; rename the column",
                "warning",
                "reserved-label",
            )
        )
        frame = frame.drop(columns=LINE)
    frame[LINE] = body_spans[:, 0]
    wrong_width = lengths != width
    problems += _width_problems(shown, width, lengths[wrong_width], body_spans[wrong_width])
    lines = np.array(list(bad_lines), dtype=np.int64)
    holds_bad_bytes = ((body_spans[:, :1] <= lines) & (lines <= body_spans[:, 1:])).any(axis=1)
    broken = pd.Series(wrong_width | holds_bad_bytes, index=frame.index)
    return RawTable(frame, broken, capped(problems), readable=True, sha256=snapshot.sha256, complete=complete)


def canonical_csv(frame: pd.DataFrame, spec: ResourceSpec) -> str:
    """The table as claimmap writes it: schema column order (unknown columns after, their cells
    as read), rows sorted by primary key, \\n line ends, and a cell quoted when it holds a comma,
    a double quote, a CR or an LF (the csv module leaves a bare CR unquoted, which splits the row
    when it is read back)."""
    known = [c for c in spec.column_names if c in frame.columns]
    columns = known + [c for c in frame.columns if c not in known and c != LINE]
    rows = frame.sort_values(list(spec.primary_key), kind="stable") if spec.primary_key else frame
    header = ",".join(_quoted(pd.Series(columns, dtype=str)))
    if rows.empty or not columns:
        return header + "\n"
    cells = [_quoted(rows[c].astype(str)) for c in columns]
    lines = cells[0].str.cat(cells[1:], sep=",") if len(cells) > 1 else cells[0]
    if len(columns) == 1:  # a blank record would read as no record
        lines = lines.where(lines != "", '""')
    return header + "\n" + "\n".join(lines) + "\n"


def write_canonical(path: Path, frame: pd.DataFrame, spec: ResourceSpec, expected_sha256: str | None) -> bool:
    """Write the canonical form (UTF-8, no BOM) when it differs from the file as read (whose hash
    is `expected_sha256`); True if written. Raises StoreError when the file changed since."""
    content = canonical_csv(frame, spec).encode("utf-8")
    if hashlib.sha256(content).hexdigest() == expected_sha256:
        return False
    write_atomically(path, content, expected_sha256)
    return True


def _quoted(cells: pd.Series) -> pd.Series:
    needs_quotes = cells.str.contains(r'[",\r\n]', regex=True)
    return cells.where(~needs_quotes, '"' + cells.str.replace('"', '""', regex=False) + '"')


def _unreadable(spec: ResourceSpec, problems: list[Problem], sha256: str | None = None) -> RawTable:
    frame = pd.DataFrame({name: pd.Series(dtype=str) for name in spec.column_names})
    frame[LINE] = pd.Series(dtype=np.int64)
    return RawTable(frame, pd.Series(False, index=frame.index, dtype=bool), problems, readable=False, sha256=sha256)


def _undecodable_lines(data: bytes) -> dict[int, bytes]:
    """Line number -> the bytes on it that are not UTF-8."""
    found: dict[int, bytes] = {}
    position = 0
    while True:
        try:
            data[position:].decode("utf-8")
            return found
        except UnicodeDecodeError as err:
            start, position = position + err.start, position + err.end
            line = data.count(b"\n", 0, start) + 1
            found[line] = found.get(line, b"") + data[start:position]


def _parse(text: str) -> tuple[list[list[str]], list[tuple[int, int]], list[tuple[int, str]]]:
    """Non-blank records, the (first, last) line of each, and (line, reason) of unparsable ones.

    A broken record that spans lines (a quote never closed runs on to the next quote) is reported
    where it starts and the lines after that start are read again, so the rows it swallowed still
    load; at most MAX_RERUNS times, which bounds the work."""
    # The limit is process-wide and other libraries (frictionless) raise it; ours must not vary.
    csv.field_size_limit(MAX_CELL_CHARS)
    # newline="" leaves CRLF to the csv module, which also keeps line breaks inside quoted cells.
    lines = io.StringIO(text, newline="").readlines()
    records: list[list[str]] = []
    spans: list[tuple[int, int]] = []
    failures: list[tuple[int, str]] = []
    start, reruns = 0, 0  # lines before the one the reader starts on
    while True:
        reader = csv.reader(itertools.islice(lines, start, None), strict=True)
        consumed = 0
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return records, spans, failures
            except csv.Error as err:
                # The reader drops the offending lines and carries on after them.
                failures.append((start + consumed + 1, str(err)))
                swallowed = reader.line_num > consumed + 1
            else:
                if record:
                    records.append(record)
                    spans.append((start + consumed + 1, start + reader.line_num))
                swallowed = False
            if swallowed and reruns < MAX_RERUNS:
                start, reruns = start + consumed + 1, reruns + 1
                break
            consumed = reader.line_num


def _parse_failure_message(reason: str) -> str:
    if "field larger than field limit" in reason:
        return (
            f"a cell is longer than {MAX_CELL_CHARS:,} characters, or a quote opened here is never "
            "closed; shorten the cell or close the quote"
        )
    return f"malformed CSV ({reason}); check the quotes on this line"


def _header_problems(header: list[str], spec: ResourceSpec, shown: str) -> list[Problem]:
    expected = spec.column_names
    repeated = sorted({c for c in header if header.count(c) > 1})
    missing = [c for c in expected if c not in header and spec.field(c).required]
    blank = [c for c in expected if c not in header and not spec.field(c).required]
    problems = []
    if repeated:
        problems.append(
            Problem(
                shown,
                None,
                ", ".join(repeated),
                "appears more than once in the header; keep one; no rows were loaded",
                code="duplicate-label",
            )
        )
    if missing:
        problems.append(
            Problem(
                shown,
                None,
                ", ".join(missing),
                f"missing from the header; expected the columns {','.join(expected)}; no rows were loaded",
                code="missing-label",
            )
        )
    if blank:
        # An optional column added to the schema later must not make older tables unreadable.
        problems.append(
            Problem(
                shown,
                None,
                ", ".join(blank),
                "missing from the header; read as blank (add the column, or run `python -m claimmap anchor`)",
                "warning",
                "missing-label",
            )
        )
    problems += [
        Problem(
            shown,
            None,
            name or f"(unnamed column {i + 1})",
            "column is not in datapackage.json; it is loaded as text and not checked (declare it there or remove it)",
            "warning",
            "extra-label",
        )
        for i, name in enumerate(header)
        if name not in expected and name != LINE
    ]
    return problems


def _width_problems(shown: str, width: int, lengths: np.ndarray, spans: np.ndarray) -> list[Problem]:
    """One problem per row of the wrong width, for the first MAX_PER_KIND of each kind; the rest
    counted (a quote never closed can make every following line such a row)."""

    def runs_on(first: int, last: int) -> str:
        return f" (this record runs on to line {last}: is a closing quote missing?)" if last > first else ""

    def fix(n: int) -> str:
        missing = width - n
        if missing > 0:
            fields = "field" if missing == 1 else "fields"
            return f"the row is short by {missing} {fields}; add the missing cells (a blank cell still takes its comma)"
        extra = "field" if missing == -1 else "fields"
        return f"the row has {-missing} {extra} too many; quote values that contain commas"

    problems = []
    for code, rows in (("missing-cell", lengths < width), ("extra-cell", lengths > width)):
        shown_rows = [
            Problem(
                shown,
                int(first),
                NO_COLUMN,
                f"row has {n} fields but the header has {width}: {fix(n)}" + runs_on(first, last),
                code=code,
            )
            for n, (first, last) in zip(lengths[rows][:MAX_PER_KIND].tolist(), spans[rows][:MAX_PER_KIND].tolist())
        ]
        problems += shown_rows
        if rows.sum() > MAX_PER_KIND:
            problems.append(more_of_kind(shown_rows[0], int(rows.sum()) - MAX_PER_KIND))
    return problems
