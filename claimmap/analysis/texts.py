"""Source texts read when a view needs one, not all at start: a million claims cite ~25,000
articles (over 300 MB), and a page shows a handful of them."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping
from pathlib import Path

from claimmap.files import MAX_SOURCE_BYTES, FileRefused, confined, read_regular
from claimmap.sources.anchors import SOURCE_PATH_FIX

KEPT_TEXTS = 64  # texts kept in memory; a dossier or the reader needs a few at a time


class SourceTexts(Mapping[str, str]):
    """source_id -> the text of its file (UTF-8, line ends as they are), read on first use, under
    the same rules as validation (a plain relative path inside `root`, a regular file, bounded).

    Meant for sources that validation has read: a file that has become unreadable since, or whose
    bytes are no longer those validation read (`sha256`, by source_id: the quotes' offsets refer to
    that text), raises KeyError, as a missing key of a dict would; the next change of the data
    reloads everything.
    """

    def __init__(
        self, root: Path, paths: Mapping[str, str], sha256: Mapping[str, str] | None = None, kept: int = KEPT_TEXTS
    ) -> None:
        self._root = root
        self._paths = dict(paths)
        self._sha256 = dict(sha256 or {})
        self._kept = kept
        self._texts: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def __getitem__(self, source_id: str) -> str:
        with self._lock:
            if source_id in self._texts:
                self._texts.move_to_end(source_id)
                return self._texts[source_id]
        relative = self._paths[source_id]
        try:
            path = confined(self._root, relative, fix=SOURCE_PATH_FIX)
            data = read_regular(path, MAX_SOURCE_BYTES)
            text = data.decode("utf-8")
        except (OSError, FileRefused, UnicodeDecodeError) as err:
            raise KeyError(source_id) from err
        if source_id in self._sha256 and hashlib.sha256(data).hexdigest() != self._sha256[source_id]:
            raise KeyError(source_id)  # changed since validation: the offsets point elsewhere now
        with self._lock:
            self._texts[source_id] = text
            while len(self._texts) > self._kept:
                self._texts.popitem(last=False)
        return text

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)
