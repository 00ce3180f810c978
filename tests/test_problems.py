from pathlib import Path

import pytest

from claimmap.problems import Problem, capped, display_path, has_errors, joined_columns, problem_count, sort_problems


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


def test_capped_keeps_the_first_of_each_kind_and_counts_the_rest():
    rows = [Problem("a.csv", i, "x", "bad", code="type-error") for i in range(2, 130)]
    other = [Problem("a.csv", 5, "y", "bad", code="type-error"), Problem("b.csv", 5, "x", "bad", code="type-error")]
    capped_list = capped([*rows, *other], per_kind=50)
    assert capped_list[:50] == rows[:50] and other[0] in capped_list and other[1] in capped_list
    (more,) = [p for p in capped_list if p.more]
    assert (str(more), more.more) == ("a.csv: x: … and 78 more of the same kind (type-error)", 78)
    assert problem_count(capped_list) == len(rows) + len(other)
    assert sort_problems(capped_list)[-2] == more  # after the rows of its file


def test_capped_merges_counts_made_earlier_and_cuts_long_messages():
    first = [Problem("a.csv", i, "x", "bad", code="c") for i in range(3)]
    earlier = capped(first + first, per_kind=3)  # 3 shown, 3 counted
    again = capped([*earlier, *first], per_kind=3)
    assert [p.more for p in again if p.more] == [6]
    long = capped([Problem("a.csv", 2, "x", "y" * 5000)])[0]
    assert long.message == "y" * 1000 + "… (4,000 more characters)"


def test_problems_differing_only_in_column_are_joined_in_order():
    empty = "value is required but empty"
    problems = [
        Problem("d.csv", 2, "statement", empty),
        Problem("d.csv", 2, "quote", "quote not found"),
        Problem("d.csv", 2, "reliability", empty),
        Problem("d.csv", 3, "statement", empty),
        Problem("d.csv", 2, "credibility", empty, "warning"),
    ]
    assert [str(p) for p in joined_columns(problems)] == [
        "d.csv:2: statement, reliability: value is required but empty",
        "d.csv:2: quote: quote not found",
        "d.csv:3: statement: value is required but empty",
        "d.csv:2: credibility: warning: value is required but empty",
    ]
