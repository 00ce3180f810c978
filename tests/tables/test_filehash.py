"""File digests remembered by stat: the same bytes give the same digest without a read, and any
edit is seen, even one that keeps the size and the mtime."""

import hashlib
import json
import os

import pytest

import claimmap.tables.filehash as filehash
from claimmap.files import FileRefused, read_regular
from claimmap.tables.filehash import file_digest

LIMIT = 1024
OLD = 1_600_000_000  # an mtime long before the test runs (setting it moves the ctime to now)


def test_an_edit_keeping_size_and_mtime_is_seen(tmp_path, monkeypatch):
    monkeypatch.setattr(filehash, "RACY_SECONDS", 0.0)  # remember even a file written just now
    path = tmp_path / "claims.csv"
    path.write_bytes(b"a,b\n1,2\n")
    os.utime(path, (OLD, OLD))
    assert file_digest(path, LIMIT) == hashlib.sha256(b"a,b\n1,2\n").digest()
    path.write_bytes(b"a,b\n1,3\n")
    os.utime(path, (OLD, OLD))  # the ctime still moves
    assert file_digest(path, LIMIT) == hashlib.sha256(b"a,b\n1,3\n").digest()


def test_an_unchanged_settled_file_is_not_read_again(tmp_path, monkeypatch):
    monkeypatch.setattr(filehash, "RACY_SECONDS", 0.0)
    path = tmp_path / "claims.csv"
    path.write_bytes(b"a\n")
    os.utime(path, (OLD, OLD))
    first = file_digest(path, LIMIT)
    opened = []
    monkeypatch.setattr(filehash, "read_regular", lambda *a: opened.append(a) or read_regular(*a))
    assert file_digest(path, LIMIT) == first and opened == []


def test_a_freshly_written_file_is_read_every_time(tmp_path, monkeypatch):
    path = tmp_path / "claims.csv"
    path.write_bytes(b"a\n")  # mtime now: within the racy window
    file_digest(path, LIMIT)
    opened = []
    monkeypatch.setattr(filehash, "read_regular", lambda *a: opened.append(a) or read_regular(*a))
    file_digest(path, LIMIT)
    assert len(opened) == 1


def test_missing_large_and_irregular_files_are_refused_as_reading_them_would_be(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    large = tmp_path / "large.csv"
    large.write_bytes(b"x" * (LIMIT + 1))
    with pytest.raises(FileNotFoundError):
        file_digest(tmp_path / "missing.csv", LIMIT)
    for path in (fifo, large):  # and the FIFO does not block
        with pytest.raises(FileRefused):
            file_digest(path, LIMIT)


def _restart(monkeypatch):
    """What a new process starts with: no digests, no memo file read."""
    monkeypatch.setattr(filehash, "_memo", {})
    monkeypatch.setattr(filehash, "_kept", {})


def test_kept_digests_spare_a_restart_the_reads_and_an_edit_is_still_seen(tmp_path, monkeypatch):
    monkeypatch.setattr(filehash, "RACY_SECONDS", 0.0)
    cache, path = tmp_path / "cache", tmp_path / "claims.csv"
    path.write_bytes(b"a\n")
    os.utime(path, (OLD, OLD))
    _restart(monkeypatch)
    filehash.remember_in(cache)
    first = file_digest(path, LIMIT)
    filehash.persist(cache)
    _restart(monkeypatch)
    filehash.remember_in(cache)
    opened = []
    monkeypatch.setattr(filehash, "read_regular", lambda *a: opened.append(a) or read_regular(*a))
    assert file_digest(path, LIMIT) == first and opened == []
    path.write_bytes(b"b\n")
    os.utime(path, (OLD, OLD))
    assert file_digest(path, LIMIT) == hashlib.sha256(b"b\n").digest()


def test_a_memo_another_process_kept_meanwhile_is_merged_not_overwritten(tmp_path, monkeypatch):
    monkeypatch.setattr(filehash, "RACY_SECONDS", 0.0)
    cache, one, two = tmp_path / "cache", tmp_path / "one.csv", tmp_path / "two.csv"
    for path in (one, two):
        path.write_bytes(path.name.encode())
        os.utime(path, (OLD, OLD))
    _restart(monkeypatch)
    filehash.remember_in(cache)
    file_digest(one, LIMIT)
    filehash.persist(cache)
    first_process = dict(filehash._memo), dict(filehash._kept)
    _restart(monkeypatch)  # another process, which hashes the second file and keeps it
    filehash.remember_in(cache)
    file_digest(two, LIMIT)
    filehash.persist(cache)
    monkeypatch.setattr(filehash, "_memo", first_process[0])  # the first process again, with a new digest to keep
    monkeypatch.setattr(filehash, "_kept", first_process[1])
    (tmp_path / "three.csv").write_bytes(b"3")
    os.utime(tmp_path / "three.csv", (OLD, OLD))
    file_digest(tmp_path / "three.csv", LIMIT)
    filehash.persist(cache)
    _restart(monkeypatch)
    filehash.remember_in(cache)
    assert set(filehash._memo) == {str(one), str(two), str(tmp_path / "three.csv")}


def test_a_damaged_memo_file_is_ignored(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / filehash.MEMO_FILE).write_text('{"x": [1, "zz"]}')
    _restart(monkeypatch)
    filehash.remember_in(cache)
    assert filehash._memo == {}


def test_a_memo_written_by_another_process_during_the_write_is_kept_and_merged_next_time(tmp_path, monkeypatch):
    monkeypatch.setattr(filehash, "RACY_SECONDS", 0.0)
    cache, one = tmp_path / "cache", tmp_path / "one.csv"
    one.write_bytes(b"1")
    os.utime(one, (OLD, OLD))
    theirs = {str(tmp_path / "two.csv"): [[1, 2, 3, 4], "00" * 32]}
    _restart(monkeypatch)
    filehash.remember_in(cache)
    file_digest(one, LIMIT)
    real_write = filehash.write_atomically

    def another_process_writes_first(path, data, expected):
        path.write_text(json.dumps(theirs))  # after this process read the memo in, before it replaces it
        real_write(path, data, expected)

    monkeypatch.setattr(filehash, "write_atomically", another_process_writes_first)
    filehash.persist(cache)
    assert json.loads((cache / filehash.MEMO_FILE).read_text()) == theirs
    monkeypatch.setattr(filehash, "write_atomically", real_write)
    filehash.persist(cache)  # the next call reads theirs in and keeps both
    assert set(json.loads((cache / filehash.MEMO_FILE).read_text())) == {str(one), *theirs}
