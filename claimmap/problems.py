"""One thing wrong with the data, located precisely enough to fix it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

NO_COLUMN = "-"
# A list of problems stays readable and small whatever the data: at most this many of a kind per
# file (the rest counted in one line), and no message longer than this.
MAX_PER_KIND = 50
MAX_MESSAGE_CHARS = 1_000

Severity = Literal["error", "warning"]

# The controls that reorder the text after them (embeddings, overrides, isolates): a name holding
# one can make the words around it read backwards. Shown as their code instead.
_BIDI_CONTROLS = {c: f"<U+{c:04X}>" for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}
BIDI_CONTROL_CHARACTERS = "".join(map(chr, _BIDI_CONTROLS))  # for vectorised checks of whole columns
# What a terminal acts on: C0 and C1 controls, DEL; and the reordering ones.
_TERMINAL_CONTROLS = {
    **{c: f"\\x{c:02x}" for c in (*range(0x20), 0x7F, *range(0x80, 0xA0))},
    **{c: f"\\u{c:04x}" for c in _BIDI_CONTROLS},
}


@dataclass(frozen=True)
class Problem:
    """A problem in `file` at line `row` (header = 1; None when it concerns the whole file).

    `code` names the kind of problem, stable across wording changes (Frictionless's codes where
    one fits: type-error, constraint-error, schema-error); "" where none is given yet."""

    file: str
    row: int | None
    column: str
    message: str
    severity: Severity = "error"
    code: str = ""
    # Above 0 on the line that stands for that many further problems of its kind (same file,
    # severity, code and column), left out of a capped list.
    more: int = 0

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file}:{self.row}"
        label = "warning: " if self.severity == "warning" else ""
        return f"{where}: {self.column}: {label}{self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


def without_bidi_controls(text: str) -> str:
    """`text` with each reordering control replaced by a visible <U+202E>-style mark."""
    return text.translate(_BIDI_CONTROLS)


def terminal_text(text: str) -> str:
    """`text` safe to print on one line of a terminal: controls (line breaks and escape sequences
    included) and reordering marks written as \\x1b or \\u202e."""
    return text.translate(_TERMINAL_CONTROLS)


def display_path(path: Path) -> str:
    """`path` relative to the working directory when it lies below it, so messages stay short."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """By file, then row (file-level problems first, the counts of the rest last); the order of
    discovery breaks ties."""
    return sorted(problems, key=lambda p: (p.file, p.more > 0, -1 if p.row is None else p.row))


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.is_error for p in problems)


def capped(problems: Iterable[Problem], per_kind: int = MAX_PER_KIND) -> list[Problem]:
    """The first `per_kind` problems of each kind in each file (a kind: severity, code and
    column), each message cut to MAX_MESSAGE_CHARS, then one line per kind counting the rest
    ("… and 1,973,780 more of the same kind"); lines already counting some are merged in."""
    seen: Counter[tuple] = Counter()
    more: Counter[tuple] = Counter()
    example: dict[tuple, Problem] = {}
    kept = []
    for problem in problems:
        kind = (problem.file, problem.severity, problem.code, problem.column)
        example.setdefault(kind, problem)
        if problem.more:
            more[kind] += problem.more
            continue
        seen[kind] += 1
        if seen[kind] <= per_kind:
            kept.append(_shortened(problem))
        else:
            more[kind] += 1
    return kept + [more_of_kind(example[kind], n) for kind, n in more.items()]


def more_of_kind(example: Problem, count: int) -> Problem:
    """The line standing for `count` more problems of the kind of `example`."""
    kind = f" ({example.code})" if example.code else ""
    message = f"… and {count:,} more of the same kind{kind}"
    return Problem(example.file, None, example.column, message, example.severity, example.code, count)


def problem_count(problems: Iterable[Problem]) -> int:
    """How many problems a capped list stands for."""
    return sum(p.more or 1 for p in problems)


def _shortened(problem: Problem) -> Problem:
    if len(problem.message) <= MAX_MESSAGE_CHARS:
        return problem
    rest = len(problem.message) - MAX_MESSAGE_CHARS
    return replace(problem, message=f"{problem.message[:MAX_MESSAGE_CHARS]}… ({rest:,} more characters)")


def joined_columns(problems: Iterable[Problem]) -> list[Problem]:
    """Problems that differ only in their column (a row missing three required cells) as one
    problem naming the columns, in the order first seen."""
    columns: dict[Problem, list[str]] = {}
    for problem in problems:
        columns.setdefault(replace(problem, column=""), []).append(problem.column)
    return [replace(key, column=", ".join(dict.fromkeys(names))) for key, names in columns.items()]
