from pathlib import Path

import pytest

from claimmap.problems import Problem, display_path, has_errors, sort_problems


@pytest.mark.parametrize(
    "problem, shown",
    [
        (
            Problem("data/claims.csv", 7, "valid_to", "is before valid_from"),
            "data/claims.csv:7: valid_to: is before valid_from",
        ),
        # warnings say so, so a reader can tell what fails the run
        (
            Problem("data/claims.csv", 7, "quote", "occurs twice", "warning"),
            "data/claims.csv:7: quote: warning: occurs twice",
        ),
        # a file-level problem has no line to point at
        (Problem("data/actors.csv", None, "-", "file is empty"), "data/actors.csv: -: file is empty"),
    ],
)
def test_str_is_file_row_column_message(problem, shown):
    assert str(problem) == shown


def test_sort_puts_file_level_first_then_rows_in_order_and_keeps_ties_in_discovery_order():
    a = Problem("data/b.csv", 3, "x", "first found")
    b = Problem("data/b.csv", 3, "y", "second found")
    c = Problem("data/b.csv", None, "-", "whole file")
    d = Problem("data/a.csv", 10, "z", "other file")
    e = Problem("data/b.csv", 2, "x", "earlier row")
    assert sort_problems([a, b, c, d, e]) == [d, c, e, a, b]


def test_has_errors_ignores_warnings():
    warning = Problem("f", 2, "c", "m", "warning")
    assert not has_errors([warning])
    assert has_errors([warning, Problem("f", 2, "c", "m")])


def test_display_path_is_relative_below_cwd_and_absolute_elsewhere(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert display_path(tmp_path / "data" / "claims.csv") == str(Path("data/claims.csv"))
    assert display_path(tmp_path.parent / "x.csv") == str(tmp_path.parent / "x.csv")
