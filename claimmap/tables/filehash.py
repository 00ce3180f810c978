"""sha256 of files, remembered by their stat so that a file that did not change is not read again.

The dashboard fingerprints every data file on each rerun; with a million claims that is about
700 MB, too much to hash on every slider move. A file is read again when its size, mtime, ctime
or inode differ from when it was hashed. A file whose mtime was within RACY_SECONDS of the moment
it was hashed is not remembered (as git does with "racily clean" files): a second edit within
the file system's timestamp granularity could otherwise keep the same stat.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from pathlib import Path

from claimmap.files import read_regular

RACY_SECONDS = 2.0
_MAX_ENTRIES = 1_000_000  # a bound on the memo, far above any data folder's file count

_memo: dict[str, tuple[tuple[int, int, int, int], bytes]] = {}
_lock = threading.Lock()


def file_digest(path: Path | str, max_bytes: int) -> bytes:
    """The sha256 digest of the regular file `path` of at most `max_bytes`; raises as
    files.read_regular does (FileNotFoundError, FileRefused, OSError)."""
    status = os.stat(path)
    signature = (status.st_mtime_ns, status.st_ctime_ns, status.st_size, status.st_ino)
    key = str(path)
    with _lock:
        known = _memo.get(key)
    if known is not None and known[0] == signature and status.st_size <= max_bytes:
        return known[1]
    started = time.time_ns()
    digest = hashlib.sha256(read_regular(path, max_bytes)).digest()
    settled = started - max(status.st_mtime_ns, status.st_ctime_ns) > RACY_SECONDS * 1e9
    with _lock:
        if settled and len(_memo) < _MAX_ENTRIES:
            _memo[key] = (signature, digest)
        else:
            _memo.pop(key, None)
    return digest
