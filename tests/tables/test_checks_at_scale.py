"""The shortcuts that make validation fast at a million claims report what the full checks report:
a quote settled at once only when it is found once, at its stored offsets, with its stored
context; dates and integers read by pyarrow as pandas read them; many paths confined at once as
one at a time."""

import os

import pandas as pd
import pytest

from claimmap.files import Confinement, FileRefused, confined
from claimmap.sources.anchors import anchor_at
from claimmap.tables.rowchecks import parse_numbers
from claimmap.tables.schema import FieldSpec
from claimmap.tables.validate import load_and_validate
from fixture_data import BUNDLED_SEED

TEXT = BUNDLED_SEED.read_text(encoding="utf-8")


def set_claim(data_dir, claim_id, **cells):
    """Rewrite claims.csv with `cells` changed in the row of `claim_id`."""
    path = data_dir / "claims.csv"
    claims = pd.read_csv(path, dtype=str, keep_default_na=False)
    row = claims["claim_id"] == claim_id
    for column, value in cells.items():
        claims[column] = claims[column].where(~row, value)
    claims.to_csv(path, index=False, lineterminator="\n")


def problems_of(tables, line):
    return [f"{p.column}: {p.severity}: {p.message}" for p in tables.problems if p.row == line]


def selectors(start, end):
    anchor = anchor_at(TEXT, start, end)
    return {
        "quote": anchor.exact,
        "quote_start": str(start),
        "quote_end": str(end),
        "quote_prefix": anchor.prefix,
        "quote_suffix": anchor.suffix,
    }


def test_a_quote_at_its_stored_offsets_is_not_settled_when_it_occurs_again(data_dir, claim_line):
    first = TEXT.index("Kremlin")
    second = TEXT.index("Kremlin", first + 1)
    set_claim(data_dir, "c002", **selectors(first, first + len("Kremlin")))
    tables = load_and_validate(data_dir)
    assert problems_of(tables, claim_line("c002")) == [
        f"quote: warning: quote occurs 2 times in seeds/000_ae3071192ac73a97.txt (at {first}, {second}); "
        f"it is anchored at {first}; lengthen it if that is the wrong one"
    ]


@pytest.mark.parametrize(
    "column, value, wrong",
    [
        ("quote_prefix", "another prefix", "quote_prefix"),
        ("quote_suffix", "another suffix", "quote_suffix"),
        ("quote_end", "426", "quote_end"),
    ],
)
def test_a_quote_at_its_stored_start_with_other_stored_context_is_reported(data_dir, claim_line, column, value, wrong):
    set_claim(data_dir, "c002", **{column: value})
    (problem,) = problems_of(load_and_validate(data_dir), claim_line("c002"))
    assert problem.startswith(f"{wrong}: warning: stored {wrong} disagree with seeds/000_ae3071192ac73a97.txt")
    assert "the quote is now at 313-427" in problem


def test_an_unchanged_claim_is_settled_without_a_problem(data_dir):
    assert load_and_validate(data_dir).problems == []


@pytest.fixture
def claim_line(line_of):
    return lambda claim_id: line_of("claims.csv", claim_id + ",")


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2024-02-29", None),
        ("2023-02-29", "'2023-02-29' is not a calendar date; expected a real day as YYYY-MM-DD"),
        ("٢٠٢٤-12-09", "'٢٠٢٤-12-09' is not a calendar date; expected a real day as YYYY-MM-DD"),
        ("2024-12-9", "'2024-12-9' is not a date; expected YYYY-MM-DD"),
        ("1600-12-09", "'1600-12-09' is outside the days the app can show (1700-01-01 to 2199-12-31); check the year"),
    ],
)
def test_dates_read_by_pyarrow(data_dir, claim_line, value, expected):
    set_claim(data_dir, "c001", valid_from=value)
    tables = load_and_validate(data_dir)
    found = [p.message for p in tables.problems if p.row == claim_line("c001") and p.column == "valid_from"]
    assert found == ([expected] if expected else [])
    assert ("c001" in set(tables.claims["claim_id"])) == (expected is None)


def test_integers_read_by_pyarrow_as_pandas_read_them():
    cells = ["", "5", "+5", "-0", "007", "3.0", "x", " 5", "٣", "９", "9007199254740992", "9007199254740994", "1" * 30]
    values = pd.Series(cells, dtype=str)
    numbers = parse_numbers(values, FieldSpec("n", "integer"), values == "")
    nan = float("nan")
    expected = [nan, 5.0, 5.0, -0.0, 7.0, nan, nan, nan, nan, nan, 9007199254740992.0, nan, nan]
    assert numbers.fillna(-1.5).tolist() == pd.Series(expected).fillna(-1.5).tolist()
    assert numbers.index.equals(values.index)


def test_many_paths_are_confined_as_one_path_is(tmp_path):
    root = tmp_path / "project"
    (root / "seeds" / "inner").mkdir(parents=True)
    (root / "seeds" / "a.txt").write_text("a")
    (root / "seeds" / "inner" / "b.txt").write_text("b")
    (tmp_path / "secret.txt").write_text("secret")
    (root / "seeds" / "inside.txt").symlink_to(root / "seeds" / "a.txt")
    (root / "seeds" / "outside.txt").symlink_to(tmp_path / "secret.txt")
    (root / "elsewhere").symlink_to(tmp_path, target_is_directory=True)
    confine = Confinement(root, fix="keep it inside")
    for relative in ["seeds/a.txt", "seeds//inner/b.txt", "./seeds/inner/b.txt", "seeds/inside.txt", "seeds/none.txt"]:
        assert confine(relative) == os.fspath(confined(root, relative, fix="keep it inside"))
    assert confine("seeds/inside.txt") == os.fspath(root / "seeds" / "a.txt")
    for relative in ["seeds/outside.txt", "elsewhere/secret.txt", "../secret.txt", "/etc/passwd", "C:/x.txt"]:
        with pytest.raises(FileRefused) as refused:
            confine(relative)
        with pytest.raises(FileRefused) as one_at_a_time:
            confined(root, relative, fix="keep it inside")
        assert (refused.value.message, refused.value.code) == (one_at_a_time.value.message, one_at_a_time.value.code)
        with pytest.raises(FileRefused):
            confine.with_stat(relative)


def test_with_stat_gives_the_confined_file_and_its_stat_and_sees_a_symlink_put_in_later(tmp_path):
    root = tmp_path / "project"
    (root / "seeds").mkdir(parents=True)
    (root / "seeds" / "a.txt").write_text("a")
    (root / "seeds" / "b.txt").write_text("bb")
    (root / "seeds" / "link.txt").symlink_to(root / "seeds" / "b.txt")
    (tmp_path / "secret.txt").write_text("secret")
    confine = Confinement(root, fix="keep it inside")
    for relative, shown in [("seeds/a.txt", "a.txt"), ("seeds/link.txt", "b.txt")]:
        target, status = confine.with_stat(relative)
        assert target == os.fspath(root / "seeds" / shown)
        assert (status.st_ino, status.st_size) == (os.stat(target).st_ino, os.stat(target).st_size)
    with pytest.raises(FileNotFoundError):
        confine.with_stat("seeds/none.txt")
    (root / "seeds" / "a.txt").unlink()  # the same path, now a symlink leading outside
    (root / "seeds" / "a.txt").symlink_to(tmp_path / "secret.txt")
    for again in (confine, Confinement(root, fix="keep it inside")):
        with pytest.raises(FileRefused):
            again.with_stat("seeds/a.txt")
        with pytest.raises(FileRefused):
            again("seeds/a.txt")
