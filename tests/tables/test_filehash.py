"""File digests remembered by stat: the same bytes give the same digest without a read, and any
edit is seen, even one that keeps the size and the mtime."""

import hashlib
import os

import claimmap.tables.filehash as filehash
from claimmap.tables.filehash import file_digest

OLD = 1_600_000_000  # an mtime long before the test runs (setting it moves the ctime to now)


def test_an_edit_keeping_size_and_mtime_is_seen(tmp_path, monkeypatch):
    monkeypatch.setattr(filehash, "RACY_SECONDS", 0.0)  # remember even a file written just now
    path = tmp_path / "claims.csv"
    path.write_bytes(b"a,b\n1,2\n")
    os.utime(path, (OLD, OLD))
    assert file_digest(path) == hashlib.sha256(b"a,b\n1,2\n").digest()
    path.write_bytes(b"a,b\n1,3\n")
    os.utime(path, (OLD, OLD))  # the ctime still moves
    assert file_digest(path) == hashlib.sha256(b"a,b\n1,3\n").digest()


def test_an_unchanged_settled_file_is_not_read_again(tmp_path, monkeypatch):
    monkeypatch.setattr(filehash, "RACY_SECONDS", 0.0)
    path = tmp_path / "claims.csv"
    path.write_bytes(b"a\n")
    os.utime(path, (OLD, OLD))
    first = file_digest(path)
    opened = []
    monkeypatch.setattr(filehash, "open", lambda *a, **k: opened.append(a) or open(*a, **k), raising=False)
    assert file_digest(path) == first and opened == []


def test_a_freshly_written_file_is_read_every_time(tmp_path, monkeypatch):
    path = tmp_path / "claims.csv"
    path.write_bytes(b"a\n")  # mtime now: within the racy window
    file_digest(path)
    opened = []
    monkeypatch.setattr(filehash, "open", lambda *a, **k: opened.append(a) or open(*a, **k), raising=False)
    file_digest(path)
    assert len(opened) == 1


def test_missing_files_folders_and_fifos_have_no_digest(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert file_digest(tmp_path / "missing.csv") is None
    assert file_digest(tmp_path) is None
    assert file_digest(fifo) is None  # and reading it does not block
