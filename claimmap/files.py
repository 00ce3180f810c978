"""Which files claimmap reads, and how it writes them: regular files inside the data root, of
bounded size, replaced atomically and only if unchanged since read.

A path from the data (a source's `path`, a resource's `path` in datapackage.json) is a plain
relative path: not absolute, no `..`, and once symlinks are followed still inside the folder it is
relative to. Only regular files are read, so a FIFO or a device cannot stall a load, and only up to
a size no curated file comes near.
"""

from __future__ import annotations

import errno
import functools
import hashlib
import os
import re
import stat
import tempfile
import time
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import BinaryIO

from claimmap.problems import display_path

NEW_FILE_MODE = 0o644  # (reading the umask would change it, which is not thread-safe)
TEMP_SUFFIX = ".claimmap-tmp"  # of the temporary file a write fills before it takes the file's place
MAX_TABLE_BYTES = 512 * 1024 * 1024  # 100,000 claims take about 32 MB, a million about 370 MB
MAX_SOURCE_BYTES = 8 * 1024 * 1024  # a long article is well under 1 MB
_CHUNK = 1024 * 1024


class FileRefused(Exception):
    """A file claimmap will not read or write: which file, what is wrong, and the fix."""

    def __init__(self, path: Path | str, message: str, fix: str, code: str) -> None:
        self.path, self.message, self.fix, self.code = path, message, fix, code
        shown = display_path(path) if isinstance(path, Path) else path
        super().__init__(f"{shown}: {message}; {fix}")

    @property
    def reason(self) -> str:
        """The message and the fix, without the file (for a problem that names the file itself)."""
        return f"{self.message}; {self.fix}"


def confined(base: Path, relative: str, *, fix: str) -> Path:
    """`base / relative` with symlinks resolved, when `relative` is a plain relative path that
    stays inside `base`; FileRefused otherwise. `fix` says where the file should be."""
    check_relative(relative, fix=fix)
    return within(base / relative, base, fix=fix)


def check_relative(relative: str, *, fix: str) -> None:
    """FileRefused unless `relative` is a plain relative path: not absolute, no `..`."""
    parts = re.split(r"[\\/]", relative)
    if not relative.strip() or "\0" in relative:
        raise FileRefused(relative, "the path is empty or holds a NUL character", fix, "path-invalid")
    # Only a path starting with a separator or '~', or holding a drive's ':', can be absolute
    # (the pure paths are built for those alone: that costs more than reading a small file).
    maybe_absolute = relative.startswith(("/", "\\", "~")) or ":" in relative
    if maybe_absolute and (
        PurePosixPath(relative).is_absolute() or PureWindowsPath(relative).anchor or relative.startswith("~")
    ):
        raise FileRefused(relative, f"'{relative}' is an absolute path", fix, "path-outside-root")
    if ".." in parts:
        raise FileRefused(relative, f"'{relative}' climbs out with '..'", fix, "path-outside-root")


class Confinement:
    """confined() for many paths inside one base, as str paths: the base and each folder are
    resolved once, so a path costs one lstat of its file (a symlink there is resolved in full).
    The dashboard checks every source file on each rerun, and pathlib's objects cost more than that."""

    def __init__(self, base: Path, *, fix: str) -> None:
        self.base, self.fix = base, fix
        self._base = str(base)
        self._resolved_base = os.path.realpath(base)
        self._inside = os.path.join(self._resolved_base, "")
        self._folders: dict[str, str] = {}

    def __call__(self, relative: str) -> str:
        target = self._in_folder(relative)
        if os.path.islink(target):
            target = self._inside_or_refused(os.path.realpath(target), relative)
        return target

    def with_stat(self, relative: str) -> tuple[str, os.stat_result]:
        """self(relative) and the os.stat of that file, in one lstat when it is not a symlink (the
        dashboard stats every source file on each rerun); OSError when it cannot be stat'ed."""
        target = self._in_folder(relative)
        status = os.lstat(target)
        if stat.S_ISLNK(status.st_mode):
            target = self._inside_or_refused(os.path.realpath(target), relative)
            status = os.stat(target)
        return target, status

    def _in_folder(self, relative: str) -> str:
        """The path of `relative` in its resolved folder, refused when that folder is outside."""
        folder, name = _folder_and_name(self._base, relative, self.fix)
        resolved = self._folders.get(folder)
        if resolved is None:
            resolved = self._folders[folder] = os.path.realpath(folder)
        return self._inside_or_refused(os.path.join(resolved, name), relative)

    def _inside_or_refused(self, target: str, relative: str) -> str:
        if target != self._resolved_base and not target.startswith(self._inside):
            raise _outside(self.base / relative, self.base, self.fix)
        return target


@functools.lru_cache(maxsize=1 << 17)
def _folder_and_name(base: str, relative: str, fix: str) -> tuple[str, str]:
    """The folder and name of the plain relative path `relative` joined to `base` (FileRefused
    unless it is one): the same strings on every call, so worked out once per path."""
    check_relative(relative, fix=fix)
    folder, name = os.path.split(os.path.normpath(os.path.join(base, relative)))
    return folder, name


def within(path: Path, base: Path, *, fix: str) -> Path:
    """`path` with symlinks resolved, when that stays inside `base`; FileRefused otherwise."""
    target = path.resolve()
    if not target.is_relative_to(base.resolve()):
        raise _outside(path, base, fix)
    return target


def _outside(path: Path, base: Path, fix: str) -> FileRefused:
    shown = display_path(path)
    return FileRefused(
        shown, f"'{shown}' leads outside {display_path(base)} through a symlink", fix, "path-outside-root"
    )


def read_regular(path: Path | str, max_bytes: int) -> bytes:
    """The bytes of the regular file `path`, at most `max_bytes` of them.

    Raises FileNotFoundError when there is no file, FileRefused when it is not a regular file or
    is larger, OSError when it cannot be read."""
    with open_regular(path) as file:
        return read_capped(file, path, max_bytes)


def open_regular(path: Path | str) -> BinaryIO:
    """`path` opened for reading if it is a regular file (checked on the open file, so it cannot
    be swapped in between); FileRefused otherwise."""
    # O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused just below.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    file = os.fdopen(fd, "rb")
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        file.close()
        raise FileRefused(
            path,
            "is not a regular file",
            "claimmap reads and writes only regular files; replace it",
            "not-regular-file",
        )
    return file


def read_capped(file: BinaryIO, path: Path | str, max_bytes: int) -> bytes:
    """The rest of `file`, refused (FileRefused) once it passes `max_bytes`."""
    chunks, size = [], 0
    while chunk := file.read(min(_CHUNK, max_bytes + 1 - size)):
        chunks.append(chunk)
        size += len(chunk)
        if size > max_bytes:
            raise FileRefused(
                path,
                f"is larger than {max_bytes:,} bytes",
                "no table or source should be this large; split it or check that it is the right file",
                "file-too-large",
            )
    return b"".join(chunks)


class StoreError(FileRefused):
    """A file that cannot be read or written safely: which file, what is wrong, and the fix."""

    def __init__(self, path: Path, message: str, fix: str, code: str = "file-changed") -> None:
        super().__init__(path, message, fix, code)


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
    fd, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=TEMP_SUFFIX)
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
