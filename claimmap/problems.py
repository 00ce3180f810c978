"""One thing wrong with the data, located precisely enough to fix it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

NO_COLUMN = "-"

Severity = Literal["error", "warning"]


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

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file}:{self.row}"
        label = "warning: " if self.severity == "warning" else ""
        return f"{where}: {self.column}: {label}{self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


def display_path(path: Path) -> str:
    """`path` relative to the working directory when it lies below it, so messages stay short."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """By file, then row (file-level problems first); the order of discovery breaks ties."""
    return sorted(problems, key=lambda p: (p.file, -1 if p.row is None else p.row))


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.is_error for p in problems)
