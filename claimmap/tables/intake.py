"""Adding a new article: its text kept under seeds/, its row appended to sources.csv.

The copy is named `NNN_<first 16 hex digits of its sha256>.txt`, NNN being the number of its
source id (`srcNNN`, the next after the highest in sources.csv), so names sort by arrival and
two different texts never share a name. Both writes are atomic and checked (claimmap.tables.store),
under the data lock. Killed between the two, the copy is left without a row; adding the same
file again finds the copy and writes the row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from claimmap.problems import display_path, sort_problems
from claimmap.sources.saved_pages import Article
from claimmap.tables.csvio import LINE, read_raw, write_canonical
from claimmap.tables.rowchecks import check_rows
from claimmap.tables.schema import package_for
from claimmap.tables.store import StoreError, data_lock, read_snapshot, write_atomically

SEEDS_DIR = "seeds"  # beside the data directory, as sources.csv paths are relative to its parent
UNKNOWN = "unknown"
_SOURCE_NUMBER = re.compile(r"src(\d+)")


class SourceRefused(Exception):
    """The article was not added: why, and what to do (nothing was written)."""


@dataclass(frozen=True)
class AddedSource:
    source_id: str
    seed: Path  # the copy under seeds/
    row: dict[str, str]  # the sources.csv row as written


def next_source_id(source_ids: pd.Series) -> str:
    numbers = source_ids.str.fullmatch(_SOURCE_NUMBER.pattern)
    highest = source_ids[numbers].str[3:].astype(int).max() if numbers.any() else -1
    return f"src{highest + 1:03d}"


def seed_name(source_id: str, data: bytes) -> str:
    return f"{source_id.removeprefix('src')}_{hashlib.sha256(data).hexdigest()[:16]}.txt"


def add_source(
    data_dir: Path,
    article: Article,
    *,
    published: dt.date | None = None,
    title: str | None = None,
    outlet: str | None = None,
    url: str | None = None,
    language: str = "en",
    description: str = "",
) -> AddedSource:
    """Keep `article` under seeds/ and append its sources.csv row. Options given here win over
    what the page declares; what neither says is 'unknown' (never guessed). Raises SourceRefused
    for a text already added or a row that would not validate, StoreError when a file cannot be
    written safely."""
    day = published or article.published
    if day is None:
        raise SourceRefused("no publication day: the file declares none; give it as --published YYYY-MM-DD")
    with data_lock(data_dir):
        package, _ = package_for(data_dir)
        spec = package.resource("sources")
        table = data_dir / spec.path
        raw = read_raw(table, spec)
        if not raw.rewritable:
            listed = "\n".join(str(p) for p in sort_problems(raw.problems) if p.is_error)
            raise SourceRefused(f"{listed}\nnot adding: fix the problems above first ({spec.path} cannot be rewritten)")
        data = article.text.encode("utf-8")
        sha256 = hashlib.sha256(data).hexdigest()
        _refuse_duplicate(raw.frame, sha256, data_dir.parent, display_path(table))
        source_id = next_source_id(raw.frame["source_id"])
        relative = f"{SEEDS_DIR}/{seed_name(source_id, data)}"
        row = {column: "" for column in raw.frame.columns if column != LINE} | {
            "source_id": source_id,
            "path": relative,
            "title": _given(title, article.title),
            "outlet": _given(outlet, article.outlet),
            "published": day.isoformat(),
            "language": language,
            "url": _given(url, article.url),
            "sha256": sha256,
            "description": description,
        }
        new_row = pd.DataFrame([row], dtype=str).assign(**{LINE: int(max(raw.frame[LINE], default=1)) + 1})
        problems, _ = check_rows(new_row, spec, display_path(table))
        if problems:
            raise SourceRefused("\n".join(str(p) for p in problems) + "\nnot adding: fix the values above")
        seed = data_dir.parent / relative
        seed.parent.mkdir(exist_ok=True)
        if not (seed.is_file() and read_snapshot(seed).sha256 == sha256):  # else: left by a killed run
            write_atomically(seed, data, None)
        write_canonical(table, pd.concat([raw.frame, new_row], ignore_index=True), spec, raw.sha256)
    return AddedSource(source_id, seed, row)


def _given(option: str | None, declared: str | None) -> str:
    for value in (option, declared):
        if value is not None and value.strip():
            return " ".join(value.split())
    return UNKNOWN


def _file_sha256(root: Path, relative: str) -> str | None:
    """The hash of a listed source file inside `root`; None when it is outside or unreadable
    (validate reports those)."""
    path = (root / relative).resolve()
    if not path.is_relative_to(root.resolve()):
        return None
    try:
        return read_snapshot(path).sha256
    except (OSError, StoreError):
        return None


def _refuse_duplicate(sources: pd.DataFrame, sha256: str, root: Path, shown: str) -> None:
    """The same text is already a source when a row records its hash or a listed file has it now."""
    for source_id, path, stored in zip(sources["source_id"], sources["path"], sources["sha256"]):
        if stored == sha256 or _file_sha256(root, path) == sha256:
            raise SourceRefused(
                f"{shown}: this text is already source {source_id} ({path}); nothing was added — "
                f"draft its claims with that source"
            )
