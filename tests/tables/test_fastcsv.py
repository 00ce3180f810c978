"""Plainly written tables are read by pyarrow, the others by the csv module, and the two readings
are the same: cells, line numbers, broken rows and problems."""

import pandas as pd
import pytest

import claimmap.tables.csvio as csvio
from claimmap.tables.csvio import MAX_CELL_CHARS, read_raw
from claimmap.tables.fastcsv import read_plain
from claimmap.tables.schema import package_for
from fixture_data import BUNDLED_DATA

HEADER = "actor_id,name,side,color,description\n"
ROWS = [
    'a,"Name, with a comma",x,#000000,"she said ""yes"""\n',
    "b,Ünïcödé ✓,y,#111111,\n",
    'c,"",z,#222222," spaces kept "\n',
]
PLAIN = {
    "lf": HEADER + "".join(ROWS),
    "crlf": (HEADER + "".join(ROWS)).replace("\n", "\r\n"),
    "no final newline": (HEADER + "".join(ROWS)).rstrip("\n"),
    "header only": HEADER,
}
NOT_PLAIN = {
    "cell over two lines": HEADER + 'a,"two\nlines",x,#000000,\n' + ROWS[1],
    "blank line": HEADER + ROWS[0] + "\n" + ROWS[1],
    "stray quote": HEADER + 'a,Na"me,x,#000000,\n' + ROWS[1],
    "text after a closing quote": HEADER + 'a,"Name"x,x,#000000,\n' + ROWS[1],
    "unclosed quote": HEADER + 'a,"Name,x,#000000,\n',
    "too few fields": HEADER + "a,Name,x\n" + ROWS[1],
    "too many fields": HEADER + "a,Name,x,#000000,,extra\n" + ROWS[1],
    "bare CR": HEADER + "a,Name\r,x,#000000,\n",
    "NUL": HEADER + "a,Na\x00me,x,#000000,\n",
    "cell too long": HEADER + "a," + "n" * (MAX_CELL_CHARS + 1) + ",x,#000000,\n",
    "repeated column": "actor_id,name,name,color,description\n" + ROWS[1],
    "empty": "",
}


@pytest.fixture
def spec():
    package, _ = package_for(BUNDLED_DATA)
    return package.resource("actors")


def both_readings(tmp_path, monkeypatch, spec, text, bom=False):
    path = tmp_path / "actors.csv"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    fast = read_raw(path, spec)
    with monkeypatch.context() as patch:
        patch.setattr(csvio, "read_plain", lambda *args: None)
        slow = read_raw(path, spec)
    return fast, slow


def assert_same(fast, slow):
    pd.testing.assert_frame_equal(fast.frame, slow.frame)
    pd.testing.assert_series_equal(fast.broken, slow.broken)
    assert fast.problems == slow.problems
    assert (fast.readable, fast.complete, fast.sha256) == (slow.readable, slow.complete, slow.sha256)


@pytest.mark.parametrize("name", PLAIN)
@pytest.mark.parametrize("bom", [False, True])
def test_a_plain_table_is_read_by_pyarrow_as_the_csv_module_reads_it(tmp_path, monkeypatch, spec, name, bom):
    text = PLAIN[name]
    assert read_plain(text, MAX_CELL_CHARS) is not None
    fast, slow = both_readings(tmp_path, monkeypatch, spec, text, bom)
    assert_same(fast, slow)
    assert fast.frame["_line"].tolist() == list(range(2, 2 + len(fast.frame)))


@pytest.mark.parametrize("name", NOT_PLAIN)
def test_anything_else_is_left_to_the_csv_module(tmp_path, monkeypatch, spec, name):
    text = NOT_PLAIN[name]
    assert read_plain(text, MAX_CELL_CHARS) is None
    assert_same(*both_readings(tmp_path, monkeypatch, spec, text))


def test_the_bundled_tables_read_the_same_either_way(tmp_path, monkeypatch):
    package, _ = package_for(BUNDLED_DATA)
    for resource in package.resources:
        text = (BUNDLED_DATA / resource.path).read_text(encoding="utf-8")
        assert_same(*both_readings(tmp_path, monkeypatch, resource, text))
