"""Which files claimmap reads: regular files inside the data root, of bounded size.

A path from the data (a source's `path`, a resource's `path` in datapackage.json) is a plain
relative path: not absolute, no `..`, and once symlinks are followed still inside the folder it is
relative to. Only regular files are read, so a FIFO or a device cannot stall a load, and only up to
a size no curated file comes near.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import BinaryIO

from claimmap.problems import display_path

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
    if PurePosixPath(relative).is_absolute() or PureWindowsPath(relative).anchor or relative.startswith("~"):
        raise FileRefused(relative, f"'{relative}' is an absolute path", fix, "path-outside-root")
    if ".." in parts:
        raise FileRefused(relative, f"'{relative}' climbs out with '..'", fix, "path-outside-root")


def within(path: Path, base: Path, *, fix: str) -> Path:
    """`path` with symlinks resolved, when that stays inside `base`; FileRefused otherwise."""
    target = path.resolve()
    if not target.is_relative_to(base.resolve()):
        shown = display_path(path)
        raise FileRefused(
            shown, f"'{shown}' leads outside {display_path(base)} through a symlink", fix, "path-outside-root"
        )
    return target


def read_regular(path: Path, max_bytes: int) -> bytes:
    """The bytes of the regular file `path`, at most `max_bytes` of them.

    Raises FileNotFoundError when there is no file, FileRefused when it is not a regular file or
    is larger, OSError when it cannot be read."""
    with open_regular(path) as file:
        return read_capped(file, path, max_bytes)


def open_regular(path: Path) -> BinaryIO:
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


def read_capped(file: BinaryIO, path: Path, max_bytes: int) -> bytes:
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
