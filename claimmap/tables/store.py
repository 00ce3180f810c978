"""Reading and writing the project's files so that nothing is lost.

A write goes to a temporary file in the same folder, is flushed and fsynced, then takes the
file's place with os.replace, and the folder is fsynced: killed at any moment, the file is either
as it was or as it should be. A write names the hash of the file as it was read and is refused
when the file has changed since, so an edit made meanwhile (a row appended in an editor) is never
overwritten. Writers that follow these rules take `data_lock` first, so two of them queue.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from claimmap.files import (
    MAX_TABLE_BYTES,
    TEMP_SUFFIX,
    FileRefused,
    StoreError,
    open_regular,
    read_capped,
    write_atomically,
)
from claimmap.problems import display_path

# write_atomically and StoreError are defined with the other file rules in claimmap.files (so geo,
# below the tables, writes its cache the same way); writers find them here with the lock.
__all__ = [
    "LOCK_FILE",
    "Snapshot",
    "StoreError",
    "current_sha256",
    "data_lock",
    "read_snapshot",
    "write_atomically",
]

LOCK_FILE = ".claimmap.lock"
LOCK_TIMEOUT_SECONDS = 120.0


@dataclass(frozen=True)
class Snapshot:
    """A file's bytes and their sha256, taken at one moment; pass `sha256` back to write it."""

    path: Path
    data: bytes
    sha256: str


def read_snapshot(path: Path, max_bytes: int = MAX_TABLE_BYTES) -> Snapshot:
    """The bytes of the regular file `path` (at most `max_bytes`) and their hash.

    Raises FileNotFoundError when there is no file, StoreError when it is not a regular file or
    is too large, OSError when it cannot be read."""
    try:
        with open_regular(path) as file:
            data = read_capped(file, path, max_bytes)
    except StoreError:
        raise
    except FileRefused as err:
        raise StoreError(path, err.message, err.fix, err.code) from None
    return Snapshot(path, data, hashlib.sha256(data).hexdigest())


def current_sha256(path: Path) -> str | None:
    """The hash of the file now, None when there is none."""
    try:
        return read_snapshot(path).sha256
    except FileNotFoundError:
        return None


@contextmanager
def data_lock(data_dir: Path, timeout: float = LOCK_TIMEOUT_SECONDS) -> Iterator[None]:
    """Hold the data directory's lock file, so writers that take it run one after the other.

    Waits up to `timeout` seconds for another holder, then raises StoreError. Temporary files
    left by a writer that was killed are removed once the lock is held."""
    lock_path = data_dir / LOCK_FILE
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise StoreError(
                        lock_path,
                        f"another claimmap command has been writing in {display_path(data_dir)} for over {timeout:g} s",
                        "wait for it to finish and run this command again",
                        "lock-timeout",
                    ) from None
                time.sleep(0.05)
        _remove_stale_temps(data_dir)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _remove_stale_temps(folder: Path) -> None:
    for temp in folder.glob(f".*{TEMP_SUFFIX}"):
        temp.unlink(missing_ok=True)
