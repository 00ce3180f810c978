"""Draft claims into the tables: checked as `validate` checks them, anchored, merged atomically.

Drafts are rows with exactly the claims.csv header (`suggest --out FILE` writes them, the Curate
view edits them); new voices they need are proposed in the sibling `<stem>.speakers.csv`, with
the speakers.csv header. A draft is checked against the real tables by the same code and with the
same messages as `validate`, located in the drafts file (`FILE:ROW: column: message`).

Merging holds the data lock, writes each table atomically and only if it is unchanged since it
was read (claimmap.tables.store): speakers first, then claims, then the drafts files with only the
rows left. A row already in the tables exactly as drafted counts as merged, so running `accept`
again after a kill between two writes finishes the job. A save keeps what each file held before,
so it can be undone while nobody has changed those files since.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from claimmap.problems import Problem, display_path, sort_problems
from claimmap.sources.anchors import SELECTOR_COLUMNS, anchor_claims, read_source_texts
from claimmap.tables.csvio import LINE, RawTable, canonical_csv, read_raw
from claimmap.tables.load import Tables, typed_frame
from claimmap.tables.rowchecks import check_rows
from claimmap.tables.schema import ResourceSpec, package_for
from claimmap.tables.store import StoreError, current_sha256, data_lock, read_snapshot, write_atomically
from claimmap.tables.validate import load_and_validate, validate_tables
from geo.locate import Located

DRAFTS_DIR = "drafts"  # beside data/ and seeds/
# Draft rows carry their drafts-file line plus this in the combined tables, so no real line is hit.
DRAFT_LINE_OFFSET = 1_000_000_000
_CLAIM_NUMBER = r"c(\d+)"


def drafts_file(data_dir: Path, source_id: str) -> Path:
    """Where the drafts of a source are kept by default: drafts/<source_id>.csv beside data/."""
    return data_dir.parent / DRAFTS_DIR / f"{source_id}.csv"


def speakers_file_for(drafts: Path) -> Path:
    """The proposed speakers of a drafts file: its sibling `<stem>.speakers.csv`."""
    return drafts.with_name(f"{drafts.stem}.speakers.csv")


def next_claim_ids(taken: pd.Series, count: int) -> list[str]:
    """`count` claim ids after the highest `cNNN` in `taken`."""
    numbers = taken[taken.str.fullmatch(_CLAIM_NUMBER)].str[1:].astype(int)
    first = int(numbers.max()) + 1 if len(numbers) else 1
    return [f"c{n:03d}" for n in range(first, first + count)]


@dataclass(frozen=True)
class Base:
    """The real tables a review is made against: validated, and as text with their hashes."""

    tables: Tables
    claims: RawTable
    speakers: RawTable

    @classmethod
    def read(cls, data_dir: Path, tables: Tables | None = None) -> Base:
        """`tables` are the validated tables of `data_dir` when already loaded (the page's cache)."""
        package = tables.package if tables is not None else package_for(data_dir)[0]
        raws = {name: read_raw(data_dir / package.resource(name).path, package.resource(name)) for name in _WRITTEN}
        return cls(tables if tables is not None else load_and_validate(data_dir), raws["claims"], raws["speakers"])

    def shown(self, name: str) -> str:
        return display_path(self.tables.data_dir / self.tables.package.resource(name).path)


_WRITTEN = ("claims", "speakers")


@dataclass(frozen=True)
class Review:
    """Drafts as they would be merged (ids filled, quotes anchored), and what is wrong with them."""

    claims: pd.DataFrame  # text cells with `_line` (the drafts file's line)
    speakers: pd.DataFrame
    problems: list[Problem]  # errors and warnings about draft rows, in the drafts files
    claims_ok: pd.Series  # per row: valid, to be merged
    claims_merged: pd.Series  # per row: already in claims.csv exactly so
    speakers_ok: pd.Series
    speakers_merged: pd.Series

    @property
    def left_claims(self) -> pd.DataFrame:
        return self.claims[~self.claims_ok & ~self.claims_merged]

    @property
    def left_speakers(self) -> pd.DataFrame:
        return self.speakers[~self.speakers_ok & ~self.speakers_merged]

    def row_problems(self, line: int, file: str) -> list[Problem]:
        return [p for p in self.problems if p.row == line and p.file == file]


def review_drafts(base: Base, claims: pd.DataFrame, speakers: pd.DataFrame, shown: tuple[str, str]) -> Review:
    """Check draft claims and proposed speakers (text frames with `_line` and the schema's
    columns) against `base`; `shown` names the two drafts files in the messages."""
    tables = base.tables
    specs = {name: tables.package.resource(name) for name in _WRITTEN}
    claims = _with_ids(claims, base.claims.frame["claim_id"])
    merged = {
        "claims": _already_there(claims, base.claims.frame, _compared(specs["claims"])),
        "speakers": _already_there(speakers, base.speakers.frame, specs["speakers"].column_names),
    }
    problems = [
        *_taken_ids(claims[~merged["claims"]], base.claims.frame, "claim_id", shown[0], base.shown("claims")),
        *_taken_ids(speakers[~merged["speakers"]], base.speakers.frame, "speaker_id", shown[1], base.shown("speakers")),
    ]

    referenced = _referenced_claims(tables.claims, claims)
    sources = tables.sources[tables.sources["source_id"].isin([*claims["source_id"], *referenced["source_id"]])]
    texts = read_source_texts(sources, tables.data_dir.parent).texts  # unreadable ones are reported below
    claims = anchor_claims(claims, texts).frame

    checked, rejected = {}, {}
    for name, frame, file in (("claims", claims, shown[0]), ("speakers", speakers, shown[1])):
        key = specs[name].primary_key[0]
        todo = frame[~merged[name] & ~frame[key].isin(getattr(base, name).frame[key])]
        found, failed = check_rows(todo, specs[name], file)
        problems += found
        checked[name] = todo[~failed]
        rejected[name] = frame[~merged[name] & ~frame.index.isin(checked[name].index)]

    combined = replace(
        tables,
        claims=pd.concat([referenced, _typed(checked["claims"], specs["claims"])], ignore_index=True),
        speakers=pd.concat([tables.speakers, _typed(checked["speakers"], specs["speakers"])], ignore_index=True),
        sources=sources.reset_index(drop=True),
        problems=[],
        dropped={**tables.dropped, **{name: _dropped(tables, name, rejected[name]) for name in _WRITTEN}},
    )
    # The places are the base's valid ones, each located when the base was validated.
    validated = validate_tables(combined, locate=_already_located)
    problems += _refiled(validated.problems, {base.shown("claims"): shown[0], base.shown("speakers"): shown[1]})

    def ok(name: str, frame: pd.DataFrame) -> pd.Series:
        kept = frame[LINE].isin(validated.frame(name)[LINE] - DRAFT_LINE_OFFSET)
        return kept & frame.index.isin(checked[name].index)

    return Review(
        claims=claims,
        speakers=speakers,
        problems=sort_problems(problems),
        claims_ok=ok("claims", claims),
        claims_merged=merged["claims"],
        speakers_ok=ok("speakers", speakers),
        speakers_merged=merged["speakers"],
    )


@dataclass(frozen=True)
class Saved:
    """What a merge wrote: each file's bytes before (None: there was no file) and hash after."""

    data_dir: Path
    review: Review
    before: dict[Path, bytes | None]
    after: dict[Path, str]

    @property
    def added_claims(self) -> list[str]:
        return self.review.claims.loc[self.review.claims_ok, "claim_id"].tolist()

    @property
    def added_speakers(self) -> list[str]:
        return self.review.speakers.loc[self.review.speakers_ok, "speaker_id"].tolist()


def accept_drafts(data_dir: Path, drafts: Path) -> Saved:
    """Merge the valid rows of the drafts file `drafts` (and of its proposed speakers) into the
    tables of `data_dir`; the drafts files keep only the rows left. Raises StoreError when a file
    cannot be read or written safely; nothing is written then."""
    speakers = speakers_file_for(drafts)
    with data_lock(data_dir):
        package, _ = package_for(data_dir)
        read = {
            drafts: read_raw(drafts, package.resource("claims")),
            speakers: read_raw(speakers, package.resource("speakers")),
        }
        for path, raw in read.items():
            if path == speakers and raw.sha256 is None and not speakers.exists():
                continue  # no speakers proposed
            if not raw.rewritable:
                raise StoreError(
                    path,
                    "cannot be merged as it is:\n"
                    + "\n".join(str(p) for p in sort_problems(raw.problems) if p.is_error),
                    "fix the lines above (the header must be that of "
                    f"{package.resource('claims' if path == drafts else 'speakers').path}) and run accept again",
                )
        return _merge_locked(
            data_dir,
            (read[drafts].frame, read[speakers].frame),
            (display_path(drafts), display_path(speakers)),
            (drafts, speakers),
            {path: raw.sha256 for path, raw in read.items()},
        )


def save_drafts(
    data_dir: Path,
    claims: pd.DataFrame,
    speakers: pd.DataFrame,
    drafts: Path,
    expected: dict[Path, str | None],
) -> Saved:
    """As accept_drafts, for drafts edited in memory (the Curate view): the rows left are written
    to `drafts` and its speakers file, whose hashes when they were read are `expected`."""
    shown = (display_path(drafts), display_path(speakers_file_for(drafts)))
    with data_lock(data_dir):
        return _merge_locked(data_dir, (claims, speakers), shown, (drafts, speakers_file_for(drafts)), expected)


def undo_save(saved: Saved) -> None:
    """Put back every file a save wrote, as it was before; refused, with nothing written, when
    any of them has changed since the save."""
    with data_lock(saved.data_dir):
        for path, sha256 in saved.after.items():
            if current_sha256(path) != sha256:
                raise StoreError(
                    path,
                    "has changed since the save, so the save cannot be undone; nothing was put back",
                    "edit the file by hand, or run accept again",
                )
        for path in reversed(list(saved.before)):
            before = saved.before[path]
            if before is None:
                path.unlink(missing_ok=True)
            else:
                write_atomically(path, before, saved.after[path])


def _merge_locked(
    data_dir: Path,
    frames: tuple[pd.DataFrame, pd.DataFrame],
    shown: tuple[str, str],
    paths: tuple[Path, Path],
    expected: dict[Path, str | None],
) -> Saved:
    base = Base.read(data_dir)
    package = base.tables.package
    for name in _WRITTEN:
        raw = getattr(base, name)
        if not raw.rewritable:
            raise StoreError(
                data_dir / package.resource(name).path,
                "has problems that make it unsafe to rewrite: "
                + "; ".join(str(p) for p in raw.problems if p.is_error or p.column == LINE),
                "fix them (python -m claimmap validate) and save again",
            )
    review = review_drafts(base, *frames, shown)
    specs = {name: package.resource(name) for name in _WRITTEN}
    merged = {
        "speakers": pd.concat([base.speakers.frame, review.speakers[review.speakers_ok]], ignore_index=True),
        "claims": pd.concat([base.claims.frame, review.claims[review.claims_ok]], ignore_index=True),
    }
    plan: list[tuple[Path, bytes, str | None]] = []  # (path, new content, hash as read)
    for name in ("speakers", "claims"):
        path = data_dir / specs[name].path
        content = canonical_csv(merged[name].fillna(""), specs[name]).encode("utf-8")
        plan.append((path, content, getattr(base, name).sha256))
    for path, left, spec in zip(
        paths, (review.left_claims, review.left_speakers), (specs["claims"], specs["speakers"])
    ):
        if expected.get(path) is None and left.empty:
            continue  # no drafts file was read and none is needed
        plan.append((path, canonical_csv(left, spec).encode("utf-8"), expected.get(path)))
    before: dict[Path, bytes | None] = {}
    after: dict[Path, str] = {}
    for path, content, sha256 in plan:
        old = _snapshot_as_read(path, sha256)
        if old == content:
            continue
        if path.parent.name == DRAFTS_DIR:
            path.parent.mkdir(exist_ok=True)
        write_atomically(path, content, sha256)
        before[path], after[path] = old, hashlib.sha256(content).hexdigest()
    return Saved(data_dir, review, before, after)


def _already_located(places: pd.DataFrame, data_dir: Path | None = None) -> Located:
    return Located(positions=places.iloc[:0], unlocated=[])


def _snapshot_as_read(path: Path, sha256: str | None) -> bytes | None:
    """The file's bytes, which must be those whose hash was taken when it was read."""
    if sha256 is None:
        return None
    snapshot = read_snapshot(path)
    if snapshot.sha256 != sha256:
        raise StoreError(
            path,
            "changed since it was read; nothing was written to it, so the change is kept",
            "run the command again to work on the file as it is now",
        )
    return snapshot.data


def _compared(spec: ResourceSpec) -> list[str]:
    return [c for c in spec.column_names if c not in SELECTOR_COLUMNS]


def _with_ids(claims: pd.DataFrame, taken: pd.Series) -> pd.DataFrame:
    """Blank claim ids get the next free ones, in row order."""
    blank = claims["claim_id"].str.strip() == ""
    if not blank.any():
        return claims
    filled = claims.copy()
    filled.loc[blank, "claim_id"] = next_claim_ids(pd.concat([taken, claims["claim_id"]]), int(blank.sum()))
    return filled


def _already_there(drafts: pd.DataFrame, real: pd.DataFrame, columns: list[str]) -> pd.Series:
    """Per draft: a row with the same key and the same cells is in the real table."""
    common = [c for c in columns if c in drafts.columns and c in real.columns]
    if drafts.empty:
        return pd.Series(False, index=drafts.index, dtype=bool)
    found = drafts[common].merge(real[common].drop_duplicates(), how="left", on=common, indicator=True)
    return pd.Series((found["_merge"] == "both").to_numpy(), index=drafts.index)


def _taken_ids(drafts: pd.DataFrame, real: pd.DataFrame, key: str, file: str, real_file: str) -> list[Problem]:
    lines = real.drop_duplicates(key).set_index(key)[LINE]
    clash = drafts[drafts[key].isin(lines.index)]
    if clash.empty:
        return []
    if key == "claim_id":
        free = next_claim_ids(pd.concat([real[key], drafts[key]]), 1)[0]
        fix = f"give this claim the next free id, {free}, or leave claim_id blank to get one"
    else:
        fix = "use that speaker, or give the new one another speaker_id"
    return [
        Problem(file, int(line), key, f"'{value}' is already taken in {real_file} (line {lines[value]}); {fix}")
        for line, value in zip(clash[LINE], clash[key])
    ]


def _referenced_claims(claims: pd.DataFrame, drafts: pd.DataFrame) -> pd.DataFrame:
    """The real claims the drafts' `contradicts` cells name: the only ones their checks read."""
    named = drafts["contradicts"].str.split("|", regex=False).explode()
    return claims[claims["claim_id"].isin(list(named))]


def _typed(frame: pd.DataFrame, spec: ResourceSpec) -> pd.DataFrame:
    known = [*[c for c in spec.column_names if c in frame.columns], LINE]
    typed = typed_frame(frame[known], spec)
    typed[LINE] = typed[LINE] + DRAFT_LINE_OFFSET
    return typed


def _dropped(tables: Tables, name: str, rejected: pd.DataFrame) -> pd.DataFrame:
    key = list(tables.package.resource(name).primary_key)
    rows = rejected[[*key, LINE]].assign(**{LINE: rejected[LINE].astype("int64") + DRAFT_LINE_OFFSET})
    return pd.concat([tables.dropped_rows(name), rows], ignore_index=True)


def _moved_line(draft: str) -> Callable[[re.Match[str]], str]:
    return lambda match: f"{draft}:{int(match.group(1)) - DRAFT_LINE_OFFSET}"


def _refiled(problems: list[Problem], files: dict[str, str]) -> list[Problem]:
    """The problems of draft rows, moved from the real table's file to the drafts file, with
    line references inside messages moved too."""
    found = []
    for problem in problems:
        if problem.file not in files or problem.row is None or problem.row < DRAFT_LINE_OFFSET:
            continue
        message = problem.message
        for real, draft in files.items():
            message = re.sub(re.escape(real) + r":(\d{10,})", _moved_line(draft), message)
        found.append(replace(problem, file=files[problem.file], row=problem.row - DRAFT_LINE_OFFSET, message=message))
    return found
