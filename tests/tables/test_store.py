"""Writes that lose nothing: killed at any moment, raced by an editor, or given a CR in a cell."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import multiprocessing
import os
import random
import signal
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

import claimmap.cli
from claimmap.cli import main
from claimmap.tables.csvio import canonical_csv, read_raw
from claimmap.tables.schema import read_package
from claimmap.tables.store import LOCK_FILE, StoreError, data_lock, read_snapshot, write_atomically
from fixture_data import BUNDLED_DATA

CLAIMS_SPEC = read_package(BUNDLED_DATA / "datapackage.json").resource("claims")


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_snapshot_is_the_bytes_and_their_hash(tmp_path: Path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"a,b\n1,2\n")
    snapshot = read_snapshot(path)
    assert (snapshot.data, snapshot.sha256) == (b"a,b\n1,2\n", sha(b"a,b\n1,2\n"))


def test_snapshot_refuses_a_fifo_without_waiting_for_a_writer(tmp_path: Path):
    fifo = tmp_path / "claims.csv"
    os.mkfifo(fifo)
    with pytest.raises(StoreError, match=r"claims\.csv: is not a regular file; claimmap reads and writes only regular"):
        read_snapshot(fifo)


def test_snapshot_refuses_a_file_over_the_cap(tmp_path: Path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 1001)
    with pytest.raises(StoreError, match=r"big\.txt: is larger than 1,000 bytes; no table or source should be"):
        read_snapshot(path, max_bytes=1000)
    with pytest.raises(StoreError, match="is not a regular file"):
        read_snapshot(Path("/dev/zero"))


def test_write_replaces_the_file_keeping_its_mode_and_leaves_no_temporary(tmp_path: Path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"old\n")
    path.chmod(0o640)
    write_atomically(path, b"new\n", sha(b"old\n"))
    assert path.read_bytes() == b"new\n"
    assert path.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.csv"]


def test_write_refuses_a_file_changed_since_it_was_read(tmp_path: Path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"old\n")
    read = read_snapshot(path)
    path.write_bytes(b"old\nappended\n")
    with pytest.raises(StoreError, match=r"t\.csv: changed since it was read; nothing was written to it"):
        write_atomically(path, b"new\n", read.sha256)
    assert path.read_bytes() == b"old\nappended\n"


def test_write_of_a_new_file_refuses_one_that_appeared(tmp_path: Path):
    path = tmp_path / "t.csv"
    write_atomically(path, b"first\n", None)
    assert path.read_bytes() == b"first\n"
    with pytest.raises(StoreError, match="changed since it was read"):
        write_atomically(path, b"second\n", None)
    assert path.read_bytes() == b"first\n"


def test_write_refuses_to_replace_a_symlink_or_fifo(tmp_path: Path):
    target = tmp_path / "elsewhere.csv"
    target.write_bytes(b"x\n")
    link = tmp_path / "t.csv"
    link.symlink_to(target)
    fifo = tmp_path / "f.csv"
    os.mkfifo(fifo)
    with pytest.raises(StoreError, match="is not a regular file"):
        write_atomically(fifo, b"y\n", None)
    # A symlink is followed when opened, so it is the target's hash that must match.
    with pytest.raises(StoreError, match="changed since it was read"):
        write_atomically(link, b"y\n", sha(b"other"))
    assert target.read_bytes() == b"x\n"


def test_two_writers_queue_on_the_lock(tmp_path: Path):
    order = []

    def second() -> None:
        with data_lock(tmp_path):
            order.append("second")

    with data_lock(tmp_path):
        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(0.3)
        order.append("first")
    thread.join(5)
    assert order == ["first", "second"]
    assert (tmp_path / LOCK_FILE).exists()


def test_a_lock_held_too_long_is_a_clear_error(tmp_path: Path):
    release = threading.Event()
    locked = threading.Event()

    def hold() -> None:
        with data_lock(tmp_path):
            locked.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert locked.wait(5)
        with pytest.raises(StoreError, match=r"another claimmap command has been writing in .* for over 0\.2 s"):
            with data_lock(tmp_path, timeout=0.2):
                pass
    finally:
        release.set()
        holder.join(5)


def test_a_cell_with_a_bare_cr_is_quoted_and_reads_back_as_one_cell(tmp_path: Path):
    path = tmp_path / "claims.csv"
    path.write_bytes((BUNDLED_DATA / "claims.csv").read_bytes())
    raw = read_raw(path, CLAIMS_SPEC)
    frame = raw.frame.copy()
    frame.loc[0, "quote_suffix"] = "the coast\r"
    frame.loc[1, "statement"] = "one\rtwo\r\nthree\nfour"
    text = canonical_csv(frame, CLAIMS_SPEC)
    assert '"the coast\r"' in text and '"one\rtwo\r\nthree\nfour"' in text
    path.write_text(text, encoding="utf-8", newline="")
    again = read_raw(path, CLAIMS_SPEC)
    assert again.problems == [] and len(again.frame) == len(frame)
    assert again.frame.loc[0, "quote_suffix"] == "the coast\r"
    assert again.frame.loc[1, "statement"] == "one\rtwo\r\nthree\nfour"


def test_canonical_csv_matches_the_csv_module_on_ordinary_cells():
    import csv
    import io

    frame = read_raw(BUNDLED_DATA / "claims.csv", CLAIMS_SPEC).frame
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CLAIMS_SPEC.column_names)
    writer.writerows(frame.sort_values("claim_id")[CLAIMS_SPEC.column_names].itertuples(index=False, name=None))
    assert canonical_csv(frame, CLAIMS_SPEC) == out.getvalue()


def test_anchor_on_a_crlf_source_writes_tables_it_can_read_again(data_dir: Path, capsys):
    seed = data_dir.parent / "seeds" / "000_ae3071192ac73a97.txt"
    seed.write_bytes(seed.read_bytes().replace(b"\n", b"\r\n"))
    assert main(["anchor", "--data", str(data_dir)]) == 0
    claims = (data_dir / "claims.csv").read_bytes().decode("utf-8")
    assert "\r" in claims  # some prefix or suffix now ends in the CR of a CRLF
    capsys.readouterr()
    assert main(["anchor", "--data", str(data_dir)]) == 0  # the second run reads the first one's output
    assert capsys.readouterr().out == ""
    assert read_raw(data_dir / "claims.csv", CLAIMS_SPEC).problems == []


def test_a_user_column_named_line_is_reported_and_never_rewritten(data_dir: Path, capsys):
    path = data_dir / "actors.csv"
    lines = path.read_bytes().split(b"\n")
    path.write_bytes(b"\n".join([lines[0] + b",_line", *(line + b",mine" for line in lines[1:] if line), b""]))
    before = path.read_bytes()
    main(["anchor", "--data", str(data_dir)])
    assert path.read_bytes() == before
    raw = read_raw(path, read_package(BUNDLED_DATA / "datapackage.json").resource("actors"))
    assert [p.column for p in raw.problems] == ["_line"] and not raw.rewritable
    assert "rename the column" in raw.problems[0].message


def _anchor_until_killed(data_dir: Path, before: bytes, writing: int) -> None:
    """Put `before` in place, then run `anchor`, saying on `writing` when it starts to write claims.csv."""
    real_write = claimmap.cli.write_canonical

    def write_canonical(path: Path, *args) -> bool:
        if path.name == "claims.csv":
            os.write(writing, b"w")
        return real_write(path, *args)

    claimmap.cli.write_canonical = write_canonical
    (data_dir / "claims.csv").write_bytes(before)  # not killed yet: the kill waits for the word below
    with contextlib.redirect_stdout(io.StringIO()):
        main(["anchor", "--data", str(data_dir)])
    time.sleep(60)


KILLS = 25


def _blank_offsets(claims: Path, copies: int = 1) -> bytes:
    frame = pd.concat([read_raw(claims, CLAIMS_SPEC).frame] * copies, ignore_index=True)
    if copies > 1:
        frame["claim_id"] = [f"c{i:06d}" for i in range(len(frame))]
    frame[["quote_start", "quote_end"]] = ""
    return canonical_csv(frame, CLAIMS_SPEC).encode("utf-8")


def test_anchor_killed_while_it_writes_leaves_each_table_as_it_was_or_as_it_should_be(
    data_dir: Path, capsys, monkeypatch: pytest.MonkeyPatch
):
    claims = data_dir / "claims.csv"
    before = _blank_offsets(claims, copies=20)  # 740 claims, a quarter of a megabyte
    claims.write_bytes(before)
    took = []
    real_write = claimmap.cli.write_canonical

    def timed_write(path: Path, *args) -> bool:
        start = time.perf_counter()
        try:
            return real_write(path, *args)
        finally:
            took.append(time.perf_counter() - start) if path.name == "claims.csv" else None

    with monkeypatch.context() as patch:
        patch.setattr(claimmap.cli, "write_canonical", timed_write)
        main(["anchor", "--data", str(data_dir)])  # also imports all it needs before the forks
    capsys.readouterr()
    after = claims.read_bytes()
    others = {p.name: p.read_bytes() for p in data_dir.iterdir() if p.suffix == ".csv" and p.name != "claims.csv"}
    assert before != after

    rng = random.Random(13)
    outcomes = []
    # Random moments within the write as timed above; if the machine is slower now and every kill
    # fell on one side, later ones wait longer (bounded), so both sides are seen.
    delays = [rng.uniform(0.0, 1.5 * took[0]) for _ in range(KILLS)] + [took[0] * 2**i for i in range(12)]
    for delay in delays:
        if len(outcomes) >= KILLS and set(outcomes) == {"before", "after"}:
            break
        writing, says_writing = os.pipe()
        # Forked, so each run costs no interpreter start-up.
        loop = multiprocessing.get_context("fork").Process(
            target=_anchor_until_killed, args=(data_dir, before, says_writing)
        )
        loop.start()
        assert os.read(writing, 1) == b"w"
        os.close(writing), os.close(says_writing)
        time.sleep(delay)
        os.kill(loop.pid, signal.SIGKILL)
        loop.join()
        content = claims.read_bytes()
        assert content in (before, after), f"claims.csv is neither as it was nor as it should be ({len(content)} bytes)"
        outcomes.append("after" if content == after else "before")
        for name, data in others.items():
            assert (data_dir / name).read_bytes() == data
    assert set(outcomes) == {"before", "after"}, outcomes  # the kills fell on both sides of the write
    main(["anchor", "--data", str(data_dir)])
    assert not list(data_dir.glob(".*.claimmap-tmp"))  # what killed writers left is cleared


def _anchor_quietly(data_dir: Path, out: int) -> None:
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        main(["anchor", "--data", str(data_dir)])
    os.write(out, printed.getvalue().encode("utf-8"))


def test_a_row_appended_while_anchor_runs_is_kept_or_refused_never_lost(data_dir: Path, capsys):
    claims = data_dir / "claims.csv"
    before = _blank_offsets(claims)
    template = next(line for line in before.decode("utf-8").splitlines() if line.startswith("c001,"))
    main(["anchor", "--data", str(data_dir)])  # imports everything before the forks
    capsys.readouterr()
    outcomes = []
    rng = random.Random(11)
    for round_ in range(APPEND_ROUNDS):
        claims.write_bytes(before)
        printed, prints = os.pipe()
        anchor = multiprocessing.get_context("fork").Process(target=_anchor_quietly, args=(data_dir, prints))
        anchor.start()
        time.sleep(rng.uniform(0.0, 0.15))  # anchor takes about 0.12 s
        claim_id = f"x{round_:03d}"
        with claims.open("a", encoding="utf-8", newline="") as f:  # as an editor or a script appends a row
            f.write(template.replace("c001,", f"{claim_id},", 1) + "\n")
        anchor.join(60)
        os.close(prints)
        out = os.read(printed, 1 << 20).decode("utf-8")
        os.close(printed)
        kept = [p.read_text(encoding="utf-8") for p in data_dir.glob("claims.csv.*.kept")]
        assert f"\n{claim_id}," in claims.read_text(encoding="utf-8") or any(f"\n{claim_id}," in k for k in kept), (
            claim_id,
            out,
        )
        if "changed since it was read" in out:
            assert anchor.exitcode == 0 and "changed since it was read; nothing was written to it, so the" in out
            outcomes.append("refused")
        else:
            outcomes.append("kept")
    assert "kept" in outcomes, outcomes


APPEND_ROUNDS = 20


def test_a_row_appended_between_anchors_read_and_write_is_refused_with_a_message(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys
):
    import claimmap.cli

    claims = data_dir / "claims.csv"
    claims.write_bytes(_blank_offsets(claims))
    row = next(line for line in claims.read_text(encoding="utf-8").splitlines() if line.startswith("c001,"))
    anchored_frames = claimmap.cli._anchored_frames

    def append_then_anchor(*args):
        with claims.open("a", encoding="utf-8") as f:
            f.write(row.replace("c001,", "c999,", 1) + "\n")
        return anchored_frames(*args)

    monkeypatch.setattr(claimmap.cli, "_anchored_frames", append_then_anchor)
    assert main(["anchor", "--data", "data"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == (
        "data/claims.csv: changed since it was read; nothing was written to it, so the change is kept; "
        "run the command again to work on the file as it is now"
    )
    assert "data/claims.csv: written" not in out
    assert claims.read_text(encoding="utf-8").endswith(row.replace("c001,", "c999,", 1) + "\n")


def test_anchor_on_a_full_disk_leaves_every_table_as_it_was_and_says_so(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys
):
    import errno

    import claimmap.files

    claims = data_dir / "claims.csv"
    claims.write_bytes(_blank_offsets(claims))
    before = {p.name: p.read_bytes() for p in data_dir.iterdir() if p.is_file()} | {LOCK_FILE: b""}

    def full(fd: int) -> None:  # the disk fills while the temporary file is flushed
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(claimmap.files.os, "fsync", full)
    assert main(["anchor", "--data", str(data_dir)]) == 1
    out = capsys.readouterr().out
    assert "claims.csv: could not be written: the disk is full; the file is unchanged; free some space" in out
    assert {p.name: p.read_bytes() for p in data_dir.iterdir() if p.is_file()} == before  # no temporary left


def test_anchor_keeps_the_cells_of_columns_it_does_not_know(data_dir: Path, capsys):
    # What a spreadsheet or a parser might turn into something else: blanks, NA, numbers, formulas.
    values = [" padded ", "NA", "null", "", "1.50", "0012", "=1+1", 'say "hi", ok', "TRUE", "nan"]
    path = data_dir / "actors.csv"
    with path.open(newline="", encoding="utf-8") as f:
        header, *rows = list(csv.reader(f))
    header += [f"notes{i}" for i in range(len(values))]
    rows = [row + values for row in reversed(rows)]  # out of key order, so anchor rewrites the file
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows([header, *rows])
    assert main(["anchor", "--data", str(data_dir)]) == 0
    assert "actors.csv: written" in capsys.readouterr().out
    with path.open(newline="", encoding="utf-8") as f:
        written_header, *written = list(csv.reader(f))
    assert written_header == header
    assert sorted(written) == sorted(rows)
