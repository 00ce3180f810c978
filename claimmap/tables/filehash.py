"""sha256 of files, remembered by their stat so that a file that did not change is not read again.

The dashboard fingerprints every data file on each rerun; with a million claims that is about
700 MB, too much to hash on every slider move. A file is read again when its size, mtime, ctime
or inode differ from when it was hashed. A file whose mtime was within RACY_SECONDS of the moment
it was hashed is not remembered (as git does with "racily clean" files): a second edit within
the file system's timestamp granularity could otherwise keep the same stat.

The memo can be kept between starts in a cache folder (remember_in, then persist): a restart
with unchanged data then stats the files instead of reading them all again (about 8 s at a
million claims). A kept entry is used only while the file's stat is the one it was hashed at.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from pathlib import Path

from claimmap.files import FileRefused, read_regular, write_atomically

RACY_SECONDS = 2.0
_MAX_ENTRIES = 1_000_000  # a bound on the memo, far above any data folder's file count

MEMO_FILE = "file-hashes.json"
_MAX_MEMO_BYTES = 256 * 1024 * 1024

Signature = tuple[int, int, int, int]  # mtime_ns, ctime_ns, size, inode
_memo: dict[str, tuple[Signature, bytes]] = {}
_lock = threading.Lock()
# Per cache folder: the stat and sha256 of its memo file when last read or written (None: no file).
_kept: dict[Path, tuple[Signature | None, str | None]] = {}
_unsaved = False  # digests added since the memo was last kept


def file_digest(path: Path | str, max_bytes: int, status: os.stat_result | None = None) -> bytes:
    """The sha256 digest of the regular file `path` of at most `max_bytes`; raises as
    files.read_regular does (FileNotFoundError, FileRefused, OSError). `status`: its os.stat
    when the caller has just taken it."""
    if status is None:
        status = os.stat(path)
    signature: Signature = (status.st_mtime_ns, status.st_ctime_ns, status.st_size, status.st_ino)
    key = str(path)
    with _lock:
        known = _memo.get(key)
    if known is not None and known[0] == signature and status.st_size <= max_bytes:
        return known[1]
    started = time.time_ns()
    digest = hashlib.sha256(read_regular(path, max_bytes)).digest()
    settled = started - max(status.st_mtime_ns, status.st_ctime_ns) > RACY_SECONDS * 1e9
    global _unsaved
    with _lock:
        if settled and len(_memo) < _MAX_ENTRIES:
            _memo[key] = (signature, digest)
            _unsaved = True
        else:
            _memo.pop(key, None)
    return digest


def remember_in(folder: Path) -> None:
    """Add the digests kept in `folder` to the memo, once per process and folder (and again
    after another process rewrote them). A missing or unreadable file adds nothing."""
    path = folder / MEMO_FILE
    with _lock:
        status = _stat_of(path)
        if folder in _kept and _kept[folder][0] == status:
            return
        _kept[folder] = (status, None)
        try:
            data = read_regular(path, _MAX_MEMO_BYTES)
            _kept[folder] = (status, hashlib.sha256(data).hexdigest())
            kept = json.loads(data)
            entries = {str(k): (tuple(map(int, v[0])), bytes.fromhex(v[1])) for k, v in kept.items()}
        except (OSError, FileRefused, ValueError, TypeError, AttributeError, IndexError):
            return  # a cache only: without it every file is hashed again
        for key, (signature, digest) in entries.items():
            if len(signature) == 4:  # the digests hashed in this process come first
                _memo.setdefault(key, (signature, digest))


def persist(folder: Path) -> None:
    """Keep the memo in `folder` when digests were added since it was last kept, written
    atomically (files.write_atomically). A memo file another process wrote meanwhile is read in
    first, so its digests are not lost; one written after that is not overwritten (the digests
    are kept at the next call). Errors are ignored (a cache only)."""
    global _unsaved
    path = folder / MEMO_FILE
    if folder not in _kept or _kept[folder][0] != _stat_of(path):
        remember_in(folder)
    with _lock:
        if not _unsaved:
            return
        data = json.dumps({k: [list(sig), digest.hex()] for k, (sig, digest) in _memo.items()}).encode()
        _unsaved = False
    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_atomically(path, data, _kept[folder][1])
    except (OSError, FileRefused):  # StoreError too: the file changed since it was read in
        with _lock:
            _unsaved = True
        return
    with _lock:
        _kept[folder] = (_stat_of(path), hashlib.sha256(data).hexdigest())


def _stat_of(path: Path) -> Signature | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return (status.st_mtime_ns, status.st_ctime_ns, status.st_size, status.st_ino)
