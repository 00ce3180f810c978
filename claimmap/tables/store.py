"""Reading and writing the project's files so that nothing is lost.

A write goes to a temporary file in the same folder, is flushed and fsynced, then takes the
file's place with os.replace, and the folder is fsynced: killed at any moment, the file is either
as it was or as it should be. A write names the hash of the file as it was read and is refused
when the file has changed since, so an edit made meanwhile (a row appended in an editor) is never
overwritten. Writers that follow these rules take `data_lock` first, so two of them queue.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import stat
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from claimmap.files import MAX_TABLE_BYTES, FileRefused, open_regular, read_capped
from claimmap.problems import display_path

LOCK_FILE = ".claimmap.lock"
NEW_FILE_MODE = 0o644  # (reading the umask would change it, which is not thread-safe)
LOCK_TIMEOUT_SECONDS = 120.0
_TEMP_SUFFIX = ".claimmap-tmp"


class StoreError(FileRefused):
    """A file that cannot be read or written safely: which file, what is wrong, and the fix."""

    def __init__(self, path: Path, message: str, fix: str, code: str = "file-changed") -> None:
        super().__init__(path, message, fix, code)


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


def write_atomically(path: Path, data: bytes, expected_sha256: str | None) -> None:
    """Replace the file `path` by `data`, atomically and durably.

    `expected_sha256` is the hash the file had when it was read (Snapshot.sha256), or None when
    there was no file; if the file is different now, nothing is written and StoreError says so.
    A symlink is followed: the file it points to is replaced, the link kept.
    """
    path = path.resolve()
    folder = path.parent
    try:
        old = open_regular(path)  # kept open across the replace
    except FileNotFoundError:
        old = None
    except FileRefused as err:
        raise StoreError(path, err.message, err.fix, err.code) from None
    try:
        _check_unchanged(path, old, expected_sha256)
        mode = stat.S_IMODE(os.fstat(old.fileno()).st_mode) if old is not None else NEW_FILE_MODE
        temp = _write_temp(folder, path.name, data, mode)
        try:
            # Checked again at the last moment: writing the temporary file took time.
            _check_unchanged(path, old, expected_sha256)
            os.replace(temp, path)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        _fsync_dir(folder)
        if old is not None:
            _keep_late_edit(path, old, expected_sha256)
    finally:
        if old is not None:
            old.close()


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


def _check_unchanged(path: Path, old: BinaryIO | None, expected_sha256: str | None) -> None:
    if old is None:
        current = None
        if path.exists() or path.is_symlink():  # appeared since we looked
            current = "(a new file)"
    else:
        old.seek(0)
        current = hashlib.sha256(_read_capped_old(old, path)).hexdigest()
        try:
            if os.stat(path).st_ino != os.fstat(old.fileno()).st_ino:
                current = "(replaced)"  # another writer put a new file in its place
        except FileNotFoundError:
            current = "(removed)"
    if current != expected_sha256:
        raise StoreError(
            path,
            "changed since it was read; nothing was written to it, so the change is kept",
            "run the command again to work on the file as it is now",
        )


def _read_capped_old(old: BinaryIO, path: Path) -> bytes:
    try:
        return read_capped(old, path, MAX_TABLE_BYTES)
    except FileRefused as err:
        raise StoreError(path, err.message, err.fix, err.code) from None


def _keep_late_edit(path: Path, old: BinaryIO, expected_sha256: str | None) -> None:
    """A writer that opened the old file just before the replace may have written to it after
    our last check; its bytes are then saved beside the file rather than lost."""
    old.seek(0)
    late = _read_capped_old(old, path)
    if hashlib.sha256(late).hexdigest() == expected_sha256:
        return
    kept = path.with_name(f"{path.name}.{time.strftime('%Y%m%dT%H%M%S')}.kept")
    _write_temp(path.parent, path.name, late, 0o644).replace(kept)
    _fsync_dir(path.parent)
    raise StoreError(
        path,
        f"was changed by another program while it was written; that version is kept as {display_path(kept)}",
        f"copy the rows you need from {kept.name} into {path.name}, then delete {kept.name}",
        "file-changed-while-written",
    )


def _write_temp(folder: Path, name: str, data: bytes, mode: int) -> Path:
    fd, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=_TEMP_SUFFIX)
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temp, mode)
    except BaseException as err:
        temp.unlink(missing_ok=True)
        if isinstance(err, OSError) and err.errno in (errno.ENOSPC, errno.EDQUOT):
            raise StoreError(
                folder / name,
                "could not be written: the disk is full; the file is unchanged",
                "free some space",
                "disk-full",
            ) from err
        raise
    return temp


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_stale_temps(folder: Path) -> None:
    for temp in folder.glob(f".*{_TEMP_SUFFIX}"):
        temp.unlink(missing_ok=True)
