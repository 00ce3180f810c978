"""Checks that span rows, tables and files, applied to loaded Tables; failing rows are dropped.

Order: checks of single rows against other data (coordinates, dates, parent loops, source files,
quotes), then references, repeated until no row refers to a dropped one, then whether each
remaining place can be located (which may drop more). Every problem is reported in one pass.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from claimmap.config import cache_dir_for
from claimmap.files import MAX_SOURCE_BYTES, MAX_TABLE_BYTES, Confinement, FileRefused, confined
from claimmap.problems import NO_COLUMN, Problem, Severity, capped, display_path
from claimmap.sources.anchors import (
    MAX_OCCURRENCES,
    SELECTOR_COLUMNS,
    Anchor,
    first_two,
    missing_quote_message,
    occurrences,
    prefix_at,
    read_source_texts,
    reanchor,
    suffix_at,
)
from claimmap.sources.hedging import hedge_disagreements
from claimmap.tables import filehash
from claimmap.tables.columns import looked_up, member_of
from claimmap.tables.csvio import LINE, read_raw
from claimmap.tables.filehash import file_digest
from claimmap.tables.load import Tables, load_tables
from claimmap.tables.rowchecks import ANCHOR_FIX, did_you_mean, quoted_values, split_list_cells
from claimmap.tables.schema import (
    FACILITY_CLAIM_TYPES,
    FACILITY_KINDS,
    NARRATOR,
    PACKAGE_FILE,
    RESOURCE_NAMES,
    UNATTRIBUTED,
    PackageSpec,
    ResourceSpec,
    package_for,
)

if TYPE_CHECKING:
    from geo.locate import Located


@dataclass(frozen=True)
class Reference:
    """Values of `fields` in `resource` must be keys of `target`; `separator` splits a list cell."""

    resource: str
    fields: tuple[str, ...]
    target: str
    target_fields: tuple[str, ...]
    separator: str | None = None
    # What a reference to a row dropped for its own problems is: an error dropping this row too,
    # or only a warning (a contradiction link does not make a claim wrong).
    on_dropped: Severity = "error"


# References the schema cannot express: they sit inside list cells.
LIST_REFERENCES = (
    Reference("claims", ("via",), "speakers", ("speaker_id",), separator=">"),
    Reference("claims", ("contradicts",), "claims", ("claim_id",), separator="|", on_dropped="warning"),
)


@dataclass(frozen=True)
class Flag:
    """A problem with the row labelled `label` in the frame of `resource`."""

    resource: str
    label: int
    column: str
    message: str
    severity: Severity = "error"
    code: str = ""


Locator = Callable[..., "Located"]  # geo.locate_places or a stand-in with its signature


def load_and_validate(data_dir: Path) -> Tables:
    return validate_tables(load_tables(data_dir))


def validate_tables(tables: Tables, locate: Locator | None = None) -> Tables:
    """`tables` with the cross-table problems added and the rows failing them dropped.

    `locate` defaults to geo.locate_places, imported only when needed.
    """
    texts, file_flags, source_sha256 = _source_texts(tables)
    tables = replace(tables, source_sha256=source_sha256)
    flags = [
        *file_flags,
        *_place_flags(tables.places),
        *_date_order_flags(tables.claims),
        *_self_contradiction_flags(tables.claims),
    ]
    quote_flags, claims = _check_quotes(tables, texts)
    tables = _cascade(_apply(replace(tables, claims=claims), flags + quote_flags))
    if locate is None:
        from geo import locate_places  # geo is heavy; only validation needs it here

        locate = locate_places
    located = locate(tables.places, data_dir=tables.data_dir)
    tables = _cascade(_apply(tables, _locate_flags(tables, located)))
    tables = replace(tables, problems=[*tables.problems, *_cache_problems(tables, located)])
    warnings = [f for ref in references(tables.package) for f in _reference_flags(tables, ref)]
    tables = _apply(
        tables,
        [
            *warnings,
            *_hedge_flags(tables.claims),
            *_speaker_name_flags(tables.speakers),
            *_facility_flags(tables.claims, tables.places),
            *_after_publication_flags(tables.claims, tables.sources),
            *_narrator_naming_flags(tables.claims, tables.speakers),
        ],
    )
    return replace(tables, problems=capped(tables.problems))


def check_places(tables: Tables) -> Tables:
    """`tables` with the checks that span the rows of places.csv applied (hand-set coordinates
    complete, no parent loops, parents that exist): the places frame that geo expects, for
    `python -m geo`, which needs no other table."""
    tables = _cascade(_apply(tables, _place_flags(tables.places)))
    return replace(tables, problems=capped(tables.problems))


def references(package: PackageSpec) -> list[Reference]:
    """The schema's foreign keys between the app's tables, then the list-cell references."""
    from_schema = [
        Reference(r.name, fk.fields, fk.resource, fk.reference_fields)
        for r in package.resources
        if r.name in RESOURCE_NAMES
        for fk in r.foreign_keys
        if fk.resource in RESOURCE_NAMES
    ]
    return [*from_schema, *LIST_REFERENCES]


def data_fingerprint(data_dir: Path) -> str:
    """A hash of datapackage.json, every table and every source file the sources table names,
    so a cache keyed on it notices any edit. Files are hashed again only when their stat changes
    (filehash), so calling this on every rerun is cheap; the digests are kept in the cache folder
    (config.cache_dir_for), so a restart does not hash every file again."""
    kept_in = cache_dir_for(data_dir, os.environ)
    if kept_in is not None:
        filehash.remember_in(kept_in)
    package, _ = package_for(data_dir)
    sources = package.resource("sources")
    tables, texts = Confinement(data_dir, fix=""), Confinement(data_dir.parent, fix="")
    files = [
        (tables, PACKAGE_FILE, MAX_TABLE_BYTES),
        *((tables, r.path, MAX_TABLE_BYTES) for r in package.resources),
        *((texts, p, MAX_SOURCE_BYTES) for p in _source_paths(data_dir, sources)),
    ]
    digest = hashlib.sha256()
    for base, relative, limit in files:
        digest.update(f"{base.base}\0{relative}\0".encode())
        try:
            target, status = base.with_stat(relative)
            digest.update(file_digest(target, limit, status))
        except (OSError, FileRefused) as err:  # what is wrong is reported by the load; only its kind counts here
            digest.update(f"({type(err).__name__})".encode())
    if kept_in is not None:
        filehash.persist(kept_in)
    return digest.hexdigest()


_paths_by_table: dict[tuple[str, bytes], list[str]] = {}


def _source_paths(data_dir: Path, spec: ResourceSpec) -> list[str]:
    """The `path` column of the sources table, read again only when the file changed."""
    path = data_dir / spec.path
    try:
        key = (str(path), file_digest(confined(data_dir, spec.path, fix=""), MAX_TABLE_BYTES))
    except (OSError, FileRefused):
        key = (str(path), b"")  # read_raw reports what is wrong with it
    if key not in _paths_by_table:
        if len(_paths_by_table) > 16:  # one entry per version of the table; old ones are never asked again
            _paths_by_table.clear()
        _paths_by_table[key] = read_raw(path, spec, data_dir).frame.get("path", pd.Series(dtype=str)).tolist()
    return _paths_by_table[key]


def _apply(tables: Tables, flags: list[Flag]) -> Tables:
    """Record the flags as problems and drop the rows with errors."""
    if not flags:
        return tables
    problems = list(tables.problems)
    frames, dropped = {}, {}
    for name in dict.fromkeys(f.resource for f in flags):
        spec = tables.package.resource(name)
        frame = tables.frame(name)
        shown = display_path(tables.data_dir / spec.path)
        flagged = [f for f in flags if f.resource == name]
        lines = frame[LINE].to_numpy()[frame.index.get_indexer([f.label for f in flagged])]
        problems += [
            Problem(shown, int(line), f.column, f.message, f.severity, f.code) for f, line in zip(flagged, lines)
        ]
        failed = frame.index.isin([f.label for f in flagged if f.severity == "error"])
        keys = frame.loc[failed, [*spec.primary_key, LINE]].astype(dict.fromkeys(spec.primary_key, str))
        frames[name] = frame[~failed].reset_index(drop=True)
        dropped[name] = pd.concat([tables.dropped_rows(name), keys], ignore_index=True)
    return tables.with_frames(frames, dropped, problems)


def _cascade(tables: Tables) -> Tables:
    """Drop rows with bad references until none refers to a dropped row. A table referring to
    itself (a place's parent) is settled in the same pass: the rows below a dropped one go with
    it, so the passes are as many as the tables deep, not the chains long."""
    while True:
        errors = [
            f for ref in references(tables.package) for f in _reference_flags(tables, ref) if f.severity == "error"
        ]
        if not errors:
            return tables
        for ref in references(tables.package):
            if ref.resource == ref.target and ref.separator is None and len(ref.fields) == 1:
                errors += _descendant_flags(tables, ref, {f.label for f in errors if f.resource == ref.resource})
        tables = _apply(tables, errors)


def _descendant_flags(tables: Tables, ref: Reference, dropped: set[int]) -> list[Flag]:
    """Flags for the rows of a self-referencing table whose chain of references passes through a
    row in `dropped` (labels), found in one walk down from them."""
    frame = tables.frame(ref.resource)
    key, field_ = ref.target_fields[0], ref.fields[0]
    children: dict[str, list[int]] = {}
    for label, parent in zip(frame.index, frame[field_]):
        children.setdefault(parent, []).append(label)
    shown = display_path(tables.data_dir / tables.package.resource(ref.target).path)
    flags, seen, queue = [], set(dropped), list(dropped)
    while queue:
        parent_label = queue.pop()
        parent_key = frame.at[parent_label, key]
        line = int(frame.at[parent_label, LINE])
        for child in children.get(parent_key, []):
            if child in seen:
                continue
            seen.add(child)
            queue.append(child)
            message = f"'{parent_key}' refers to {shown}:{line}, which has problems; fix that row first"
            flags.append(Flag(ref.resource, child, field_, message, code="foreign-key"))
    return flags


def _flags(resource: str, column: str, messages: pd.Series, severity: Severity = "error", code: str = "") -> list[Flag]:
    """One flag per non-missing message; the Series is aligned with the resource's frame."""
    return [Flag(resource, label, column, message, severity, code) for label, message in messages.dropna().items()]


def _reference_flags(tables: Tables, ref: Reference) -> list[Flag]:
    """Unknown keys (errors) and keys of dropped rows (severity ref.on_dropped)."""
    child = tables.frame(ref.resource)
    fields = list(ref.fields)
    if ref.separator:
        keys = split_list_cells(child[fields[0]], ref.separator).to_frame()
    else:
        keys = child[fields]
    keys = keys[~(keys == "").all(axis=1)]
    if keys.empty:
        return []
    target = tables.frame(ref.target)[list(ref.target_fields)].set_axis(fields, axis=1)
    if len(fields) == 1:
        loaded = member_of(keys[fields[0]], target[fields[0]])
    else:
        loaded = pd.MultiIndex.from_frame(keys).isin(pd.MultiIndex.from_frame(target))
    if loaded.all():  # the usual case: no message to build
        return []
    dropped_rows = tables.dropped_rows(ref.target)
    if not set(ref.target_fields) <= set(dropped_rows.columns):  # only primary keys of dropped rows are kept
        dropped_rows = pd.DataFrame({c: pd.Series(dtype=str) for c in [*ref.target_fields, LINE]})
    dropped = dropped_rows[[*ref.target_fields, LINE]].set_axis([*fields, LINE], axis=1).drop_duplicates(fields)
    lines = keys.merge(dropped, on=fields, how="left")[LINE].to_numpy()  # a left merge keeps key order
    values = quoted_values(keys)
    target_file = display_path(tables.data_dir / tables.package.resource(ref.target).path)
    known = [*target[fields[0]], *dropped[fields[0]]] if len(fields) == 1 else []
    unknown = ~loaded & pd.isna(lines)
    gone = ~loaded & ~pd.isna(lines)
    label = ", ".join(ref.target_fields)
    column = ", ".join(ref.fields)
    if any(p.row is None and p.is_error and p.file == target_file for p in tables.problems):
        unknown_text = values[unknown] + f" cannot be checked: {target_file} could not be loaded"
    else:
        unknown_text = (
            f"no {label} "
            + values[unknown]
            + f" in {target_file}"
            + keys.loc[unknown, fields[0]].map(lambda v: did_you_mean(v, tuple(known)))
        )
    gone_text = (
        values[gone]
        + f" refers to {target_file}:"
        + pd.Series(lines[gone], index=values[gone].index).astype("int64").astype(str)
        + (
            ", which has problems; fix that row first"
            if ref.on_dropped == "error"
            else ", which has problems and is not shown"
        )
    )
    return [
        *(Flag(ref.resource, label_, column, text) for label_, text in unknown_text.items()),
        *(Flag(ref.resource, label_, column, text, ref.on_dropped) for label_, text in gone_text.items()),
    ]


def _source_texts(tables: Tables) -> tuple[dict[str, str], list[Flag], dict[str, str]]:
    """The text of each source file that can be read, flags for those that cannot or changed, and
    the sha256 of the bytes each text was read from."""
    sources = tables.sources
    files = read_source_texts(sources, tables.data_dir.parent)
    labels = dict(zip(sources["source_id"], sources.index))
    flags = [
        Flag("sources", labels[source_id], "path", reason, code=files.failure_codes[source_id])
        for source_id, reason in files.failures.items()
    ]
    readable = sources[sources["source_id"].isin(list(files.texts))]
    actual = readable["source_id"].map(files.sha256).astype(str)
    changed = (
        "'"
        + readable["path"]
        + "' has changed since its quotes were anchored (sha256 "
        + actual
        + ", stored "
        + readable["sha256"]
        + f"); {ANCHOR_FIX}"
    )
    # A changed file is a warning: its quotes are looked for again, and only those gone are errors.
    flags += _flags("sources", "sha256", changed.where(actual != readable["sha256"]), "warning")
    return files.texts, flags, files.sha256


def _check_quotes(tables: Tables, texts: dict[str, str]) -> tuple[list[Flag], pd.DataFrame]:
    """Each claim's quote against its source text: the flags, and the claims with their selectors
    set to where each quote is now (so a moved quote is still highlighted in the right place
    before `anchor` rewrites the file). Claims of unreadable sources go in the cascade.

    Each source's text is searched once for each of its distinct quotes, for its first two
    occurrences only: a quote found once, at its stored offsets, with the stored prefix and suffix
    around it (nearly all of them) needs nothing more. The others get the full check. The claims
    are handled as plain column lists and the moved selectors written back column by column."""
    claims = tables.claims
    paths = dict(zip(tables.sources["source_id"], tables.sources["path"]))
    checked = claims[member_of(claims["source_id"], texts)]
    quotes, prefixes, suffixes = (checked[c].tolist() for c in ("quote", "quote_prefix", "quote_suffix"))
    starts, ends = (_optional_ints(checked[c]) for c in ("quote_start", "quote_end"))
    labels = checked.index.to_numpy()
    flags: list[Flag] = []
    moved_labels: list[int] = []
    moved: list[Anchor] = []
    for source_id, rows in checked.groupby("source_id", sort=False).indices.items():
        text, source = texts[source_id], paths[source_id]
        first_and_second: dict[str, tuple[int, int]] = {}  # per distinct quote: first_two
        found: dict[str, list[int]] = {}  # per distinct quote needing the full check: every occurrence
        for i in rows:
            quote, start, end = quotes[i], starts[i], ends[i]
            if quote not in first_and_second:
                first_and_second[quote] = first_two(text, quote)
            first, second = first_and_second[quote]
            if (
                0 <= first == start
                and second < 0
                and end == start + len(quote)
                and prefix_at(text, start) == prefixes[i]
                and suffix_at(text, end) == suffixes[i]
            ):
                continue  # settled at once, mostly
            if quote not in found:
                found[quote] = occurrences(text, quote, MAX_OCCURRENCES + 1)
            findings, anchor = quote_findings(text, quote, prefixes[i], suffixes[i], start, end, source, found[quote])
            flags += [Flag("claims", labels[i], column, message, severity) for column, message, severity in findings]
            if anchor is not None and findings:  # no finding: the stored selectors already match
                moved_labels.append(labels[i])
                moved.append(anchor)
    current = claims.copy()
    if moved:
        cells = pd.DataFrame(
            [(a.start, a.end, a.prefix, a.suffix) for a in moved], index=moved_labels, columns=list(SELECTOR_COLUMNS)
        )
        for column in SELECTOR_COLUMNS:  # one assignment per column
            current.loc[moved_labels, column] = cells[column].to_numpy()
    return flags, current


def _optional_ints(values: pd.Series) -> list[int | None]:
    """An Int64 column as Python ints, None where blank."""
    blank = values.isna().to_numpy()
    ints = values.fillna(0).to_numpy(dtype="int64").tolist()
    return [None if b else v for v, b in zip(ints, blank.tolist())] if blank.any() else ints


def quote_findings(
    text: str,
    quote: str,
    prefix: str,
    suffix: str,
    start: int | None,
    end: int | None,
    source: str,
    found: list[int] | None = None,
) -> tuple[list[tuple[str, str, Severity]], Anchor | None]:
    """(column, message, severity) for one claim's quote and stored selectors in `text`, and where
    the quote is now (None when it is not in the text). `found` is occurrences(text, quote) when
    the caller has it already."""
    found = occurrences(text, quote, MAX_OCCURRENCES + 1) if found is None else found
    current = reanchor(text, quote, prefix=prefix, suffix=suffix, start=start, end=end, found=found)
    if current is None:
        return [("quote", missing_quote_message(text, quote, source), "error")], None
    findings: list[tuple[str, str, Severity]] = []
    if len(found) > 1:
        findings.append(
            (
                "quote",
                f"quote occurs {_times(found)} in {source} (at {_positions(found)});"
                f" it is anchored at {current.start}; lengthen it if that is the wrong one",
                "warning",
            )
        )
    if start is None and end is None:
        return findings + [
            (
                "quote_start",
                f"quote is not anchored yet (it is at {current.start}-{current.end}); {ANCHOR_FIX}",
                "warning",
            )
        ], current
    stored = dict(zip(SELECTOR_COLUMNS, (start, end, prefix, suffix)))
    expected = dict(zip(SELECTOR_COLUMNS, (current.start, current.end, current.prefix, current.suffix)))
    wrong = [c for c in SELECTOR_COLUMNS if stored[c] != expected[c]]
    if wrong:
        findings.append(
            (
                wrong[0],
                f"stored {'/'.join(wrong)} disagree with {source}: the quote is now at "
                f"{current.start}-{current.end} (stored {start}-{end}) and is shown there; "
                f"{ANCHOR_FIX}",
                "warning",
            )
        )
    return findings, current


def _times(found: list[int]) -> str:
    return f"more than {MAX_OCCURRENCES:,} times" if len(found) > MAX_OCCURRENCES else f"{len(found)} times"


def _positions(found: list[int], shown: int = 10) -> str:
    listed = ", ".join(map(str, found[:shown]))
    return listed + (f" and {len(found) - shown:,} more" if len(found) > shown else "")


def _place_flags(places: pd.DataFrame) -> list[Flag]:
    return [*_coordinate_flags(places), *_parent_loop_flags(places)]


def _coordinate_flags(places: pd.DataFrame) -> list[Flag]:
    has_lat, has_lon = places["lat"].notna(), places["lon"].notna()
    checks = (
        ("lon", has_lat & ~has_lon, "lat is set but lon is blank; set both or neither"),
        ("lat", has_lon & ~has_lat, "lon is set but lat is blank; set both or neither"),
        (
            "coord_source",
            (has_lat | has_lon) & (places["coord_source"] == ""),
            "lat/lon are set but coord_source is blank; say where the position comes from",
        ),
    )
    return [
        flag
        for column, mask, text in checks
        for flag in _flags("places", column, pd.Series(text, index=places.index).where(mask))
    ]


def _parent_loop_flags(places: pd.DataFrame) -> list[Flag]:
    """Places that are their own ancestor, found in one walk up the chains; a loop is spelled out
    once, on its first member, and its other members point there. Descendants follow in the cascade."""
    parent = dict(zip(places["place_id"], places["parent_id"]))
    labels = dict(zip(places["place_id"], places.index))
    lines = dict(zip(places["place_id"], places[LINE]))
    done: set[str] = set()
    flags = []
    for start in places["place_id"]:
        path: dict[str, int] = {}  # the chain walked from `start`, in order
        place = start
        while place in parent and place not in done and place not in path:
            path[place] = len(path)
            place = parent[place]
        if place in path:  # the walk came back into itself: a loop
            members = list(path)[path[place] :]
            first = min(members, key=lambda m: lines[m])
            at = members.index(first)
            chain = " > ".join([*members[at:], *members[:at], first])
            flags += [
                Flag(
                    "places",
                    labels[m],
                    "parent_id",
                    f"parent chain loops: {chain}; give one of them another parent_id"
                    if m == first
                    else f"is in the parent loop reported on line {lines[first]}; give one of them another parent_id",
                    code="parent-loop",
                )
                for m in members
            ]
        done.update(path)
    return flags


def _date_order_flags(claims: pd.DataFrame) -> list[Flag]:
    reversed_ = claims["valid_to"] < claims["valid_from"]
    text = (
        "valid_to "
        + claims["valid_to"].dt.strftime("%Y-%m-%d")
        + " is before valid_from "
        + claims["valid_from"].dt.strftime("%Y-%m-%d")
        + "; swap them or fix one"
    )
    return _flags("claims", "valid_to", text.where(reversed_))


def _self_contradiction_flags(claims: pd.DataFrame) -> list[Flag]:
    listed = split_list_cells(claims["contradicts"], "|")
    own = listed == claims["claim_id"].reindex(listed.index)
    text = "claim lists itself in contradicts; remove '" + listed[own] + "'"
    return _flags("claims", "contradicts", text[~text.index.duplicated()])


def _hedge_flags(claims: pd.DataFrame) -> list[Flag]:
    """Warnings where the quote's own words hedge more than the curated `hedge` says."""
    found = hedge_disagreements(claims)
    cues = found["cues"].map(lambda texts: ", ".join(f"'{text}'" for text in texts))
    text = "curated '" + found["curated"] + "' but the quote says " + cues + " (suggests '" + found["detected"] + "')"
    return _flags("claims", "hedge", text, "warning")


# Names are compared without case, punctuation or a parenthesised note: 'Rybar (Telegram channel)'
# and 'rybar' are one name. A name of more words than this is never looked for in a quote.
_PARENTHESISED = re.compile(r"\([^()]*\)")
_NOT_A_WORD = re.compile(r"[\W_]+")
MAX_NAME_WORDS = 8
_KEY_GAP = r"(?:[\W_]|\([^()]*\))+"  # RE2: what name_key turns into the space between two words


def name_key(text: str) -> str:
    """'Ukraine’s Main Intelligence Directorate (GUR)' -> 'ukraine s main intelligence directorate'."""
    return " ".join(_NOT_A_WORD.sub(" ", _PARENTHESISED.sub(" ", text).casefold()).split())


def _names(frame: pd.DataFrame, id_column: str) -> pd.DataFrame:
    """Every name and alias of every row: label (of the row), id, column, text, key; blank keys left out."""
    aliases = frame["aliases"] if "aliases" in frame else pd.Series("", index=frame.index)
    parts = [
        pd.DataFrame({"id": frame[id_column], "column": "name", "text": frame["name"]}),
        pd.DataFrame({"id": frame[id_column], "column": "aliases", "text": aliases.str.split("|")}).explode("text"),
    ]
    names = pd.concat(parts).rename_axis("label").reset_index()
    names["text"] = names["text"].fillna("").str.strip()
    names["key"] = names["text"].map(name_key)
    return names[names["key"] != ""].drop_duplicates(["id", "key"])


def _speaker_name_flags(speakers: pd.DataFrame) -> list[Flag]:
    """Warnings where a speaker's name or alias is already another speaker's: a second row for
    one voice splits its claims between two ids (and, for an agency, into two origins)."""
    names = _names(speakers, "speaker_id")
    lines = speakers[LINE]
    first = names.drop_duplicates("key").set_index("key")
    repeated = names[names.duplicated("key") & (names["id"] != names["key"].map(first["id"]))]
    return [
        Flag(
            "speakers",
            label,
            column,
            f"'{text}' is also a name or alias of speaker '{first.at[key, 'id']}' "
            f"(line {lines[first.at[key, 'label']]}); use that speaker in claims and remove this one, "
            "or tell them apart",
            "warning",
            "speaker-name-shared",
        )
        for label, column, text, key in zip(repeated["label"], repeated["column"], repeated["text"], repeated["key"])
    ]


class _NameFinder:
    """Finds which of some names (name_key form) a text mentions as whole words. Only the words
    that begin a name start a look-up, so a text costs about one set look-up per word."""

    def __init__(self, keys: Collection[str], longest: int = MAX_NAME_WORDS) -> None:
        self.keys = set(keys)
        self.longest = min(longest, max((len(key.split()) for key in self.keys), default=0))
        self.first_words = {key.split()[0] for key in self.keys}

    def mentioned(self, text: str) -> list[str]:
        """The keys that occur in `text` as whole words, in order of appearance (by where they
        start, the shorter first)."""
        words = name_key(text).split()
        found = [
            key
            for start, word in enumerate(words)
            if word in self.first_words
            for n in range(1, min(self.longest, len(words) - start) + 1)
            if (key := " ".join(words[start : start + n])) in self.keys
        ]
        return list(dict.fromkeys(found))

    def may_mention(self, texts: pd.Series) -> np.ndarray:
        """Which of `texts` may mention a key: a superset found by RE2 in linear passes over the
        column, the texts holding a key's words, ignoring case, apart only by what name_key drops
        (non-word characters, innermost parenthesised notes), and those not all ASCII (whose
        casefold may differ from their lower case, as 'ß' is 'ss'). A pass for the keys' first
        words alone goes first: with thousands of keys, it is the faster one by far."""
        column = pa.array(texts, pa.large_string())
        may = np.zeros(len(column), dtype=bool)
        if not self.keys:
            return may
        first = "|".join(map(re.escape, sorted(self.first_words)))
        whole = "|".join(_KEY_GAP.join(map(re.escape, key.split())) for key in sorted(self.keys))
        other = pc.invert(pc.string_is_ascii(column)).fill_null(False).to_numpy(zero_copy_only=False)
        rows = np.arange(len(column))
        for pattern in (first, whole):
            found = pc.match_substring_regex(column, pattern, ignore_case=True).fill_null(False)
            kept = found.to_numpy(zero_copy_only=False) | other[rows]
            column, rows = column.filter(pa.array(kept)), rows[kept]
        may[rows] = True
        return may


def _facility_flags(claims: pd.DataFrame, places: pd.DataFrame) -> list[Flag]:
    """Warnings for a facility's claim put on another place: a facility claim type on a
    non-facility place, or a quote naming a facility that lies in the claim's place."""
    kind = looked_up(claims["place_id"], places["place_id"], places["kind"])
    is_facility = member_of(kind, FACILITY_KINDS)
    wrong_type = member_of(claims["claim_type"], FACILITY_CLAIM_TYPES) & kind.notna().to_numpy() & ~is_facility
    misplaced = claims[wrong_type]  # the message is built for these only
    flags = _flags(
        "claims",
        "place_id",
        "'"
        + misplaced["claim_type"]
        + "' is about a facility but '"
        + misplaced["place_id"]
        + "' is a "
        + kind[wrong_type]
        + f"; put the claim on the facility (a place of kind {', '.join(sorted(FACILITY_KINDS))})",
        "warning",
        "facility-claim-elsewhere",
    )
    facilities = places[places["kind"].isin(FACILITY_KINDS) & (places["parent_id"] != "")]
    names = _names(facilities, "place_id").merge(
        facilities[["place_id", "parent_id"]], left_on="id", right_on="place_id"
    )
    checked = claims[~wrong_type & member_of(claims["place_id"], names["parent_id"]) & ~is_facility]
    by_place = checked.groupby("place_id", sort=False).indices
    for place_id, inside in names.groupby("parent_id", sort=False):
        if place_id not in by_place:
            continue
        flags += _first_name_flags(
            checked.iloc[by_place[place_id]],
            inside,
            "place_id",
            "facility-claim-elsewhere",
            functools.partial(_facility_named_message, place_id),
        )
    return flags


def _facility_named_message(place_id: str, text: str, facility: str) -> str:
    return (
        f"the quote names '{text}', the facility '{facility}' in '{place_id}'; "
        f"if the claim is about the facility, put it on '{facility}'"
    )


def _speaker_named_message(text: str, speaker: str) -> str:
    return (
        f"the quote names '{text}' (speaker '{speaker}') but the claimant is the narrator; "
        f"if these are that speaker's words, set claimant (and via) to '{speaker}'"
    )


def _first_name_flags(
    rows: pd.DataFrame, names: pd.DataFrame, column: str, code: str, message: Callable[[str, str], str]
) -> list[Flag]:
    """A warning on `column` for each row whose quote mentions one of `names` (the first found);
    `message(text, id)` says which name and what to do."""
    keys = dict(zip(names["key"], zip(names["text"], names["id"])))
    finder = _NameFinder(keys)
    candidates = rows[finder.may_mention(rows["quote"])]  # the others are not looked at word by word
    return [
        Flag("claims", label, column, message(*keys[key]), "warning", code)
        for label, quote in zip(candidates.index, candidates["quote"])
        for key in finder.mentioned(quote)[:1]
    ]


def _after_publication_flags(claims: pd.DataFrame, sources: pd.DataFrame) -> list[Flag]:
    """Warnings for dates after the source was published: usually a relative date ('on Monday')
    counted from the wrong day."""
    published = looked_up(claims["source_id"], sources["source_id"], sources["published"])
    flags = []
    for column in ("reported_on", "valid_from"):
        after = claims[column] > published
        if column == "valid_from":
            after &= claims["date_precision"] != "approximate"  # a forecast: 'talks are expected in the coming days'
        late = claims[after]  # the message is built for these only
        text = (
            f"{column} "
            + late[column].dt.strftime("%Y-%m-%d")
            + " is after "
            + late["source_id"]
            + "'s publication on "
            + published[after].dt.strftime("%Y-%m-%d")
            + "; count relative dates back from the publication day"
            + (" (or, for a forecast, set date_precision approximate)" if column == "valid_from" else "")
        )
        flags += _flags("claims", column, text, "warning", "date-after-publication")
    return flags


def _narrator_naming_flags(claims: pd.DataFrame, speakers: pd.DataFrame) -> list[Flag]:
    """Warnings where the narrator's quote names a known speaker: the words are probably that
    speaker's, relayed by the source, and the claim then has another origin."""
    voices = speakers[~speakers["kind"].isin([NARRATOR, UNATTRIBUTED])]
    return _first_name_flags(
        claims[claims["claimant"] == NARRATOR],
        _names(voices, "speaker_id"),
        "claimant",
        "narrator-names-speaker",
        _speaker_named_message,
    )


def _cache_problems(tables: Tables, located: Located) -> list[Problem]:
    """A geocode cache that geo could not use: reported, and the places located without it."""
    error = getattr(located, "cache_problem", None)
    if error is None:
        return []
    shown = display_path(tables.data_dir / tables.package.resource("geocode_cache").path)
    message = f"the cache is not used: {error.reason}"
    return [Problem(shown, error.line, NO_COLUMN, message, "warning", "geocode-cache-error")]


def _locate_flags(tables: Tables, located: Located) -> list[Flag]:
    """Places that neither have coordinates nor can be found by geo."""
    labels = dict(zip(tables.places["place_id"], tables.places.index))
    return [
        Flag("places", labels[u.place_id], "place_id", f"'{u.place_id}' ({u.name}) cannot be located: {u.reason}")
        for u in located.unlocated
        if u.place_id in labels
    ]
