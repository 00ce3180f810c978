"""`python -m claimmap COMMAND [--data DIR]`.

Adding a command takes a function `run_x(args) -> exit status` and one `Command(...)` line in
COMMANDS; every command gets `--data DIR` and finds the resolved directory in `args.data_dir`.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from claimmap.analysis.provenance import Provenance, contradiction_lines, provenance
from claimmap.config import DATA_ENV, DATA_OPTION, data_dir_from
from claimmap.drafting.suggest import SUGGEST_HELP, add_suggest_arguments, run_suggest
from claimmap.problems import Problem, capped, display_path, has_errors, sort_problems, terminal_text
from claimmap.sources.anchors import anchor_claims, missing_quote_message, read_source_texts
from claimmap.sources.saved_pages import UnreadableArticle, read_article
from claimmap.tables.csvio import LINE, RawTable, read_raw, write_canonical
from claimmap.tables.intake import SourceRefused, add_source
from claimmap.tables.load import Tables
from claimmap.tables.merge import accept_drafts, drafts_file
from claimmap.tables.schema import RESOURCE_NAMES, package_for
from claimmap.tables.store import StoreError, data_lock, read_snapshot
from claimmap.tables.validate import load_and_validate

CORROBORATION_COLUMNS = ["claim_id", "place_id", "independent_origins", "origins", "same_origin_claims"]


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    run: Callable[[argparse.Namespace], int]
    add_arguments: Callable[[argparse.ArgumentParser], None] | None = None


def run_validate(args: argparse.Namespace) -> int:
    """Print every problem, sorted by file and line; exit 1 if any is an error."""
    tables = load_and_validate(args.data_dir)
    for problem in sort_problems(tables.problems):
        print(terminal_text(str(problem)))
    for name in RESOURCE_NAMES:
        path = tables.package.resource(name).path
        print(
            f"{path}: {len(tables.frame(name))} rows loaded, {len(tables.dropped_rows(name))} dropped", file=sys.stderr
        )
    return 1 if has_errors(tables.problems) else 0


def run_anchor(args: argparse.Namespace) -> int:
    """Bring quote selectors and source hashes up to date; rewrite the tables in canonical form.

    Holds the data lock throughout, and writes a table only if it is unchanged since it was read."""
    data_dir = args.data_dir
    try:
        with data_lock(data_dir):
            return _anchor_locked(data_dir)
    except StoreError as err:
        print(terminal_text(str(err)))
        return 1


def _anchor_locked(data_dir: Path) -> int:
    package, problems = package_for(data_dir)
    for problem in problems:
        print(terminal_text(str(problem)))
    paths = {name: data_dir / package.resource(name).path for name in RESOURCE_NAMES}
    raws = {name: read_raw(paths[name], package.resource(name), data_dir) for name in RESOURCE_NAMES}
    blocked = [name for name in ("sources", "claims") if not raws[name].rewritable]
    if blocked:
        for problem in sort_problems(p for name in blocked for p in raws[name].problems):
            print(terminal_text(str(problem)))
        print(f"not anchoring: fix the problems above first ({', '.join(blocked)} cannot be rewritten safely)")
        return 1

    frames, changed, unanchored = _anchored_frames(raws, data_dir, display_path(paths["claims"]))
    claims, sources = frames["claims"], frames["sources"]
    for _, claim in claims[changed].iterrows():
        print(
            terminal_text(
                f"{display_path(paths['claims'])}:{claim[LINE]}: {claim['claim_id']}: anchored at "
                f"{claim['quote_start']}-{claim['quote_end']}"
            )
        )
    for _, source in sources[sources["sha256"] != raws["sources"].frame["sha256"]].iterrows():
        shown = f"{display_path(paths['sources'])}:{source[LINE]}: {source['source_id']}: sha256 {source['sha256']}"
        print(terminal_text(shown))
    refused = []
    for name, raw in raws.items():
        if not raw.rewritable:
            continue
        try:
            if write_canonical(paths[name], frames[name], package.resource(name), raw.sha256):
                print(f"{display_path(paths[name])}: written")
        except StoreError as err:
            refused.append(err)
    for problem in capped(unanchored):
        print(terminal_text(str(problem)))
    for refusal in refused:
        print(terminal_text(str(refusal)))
    return 1 if unanchored or refused else 0


def add_add_source_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, metavar="FILE", help="the article: UTF-8 plain text, or a saved HTML page")
    parser.add_argument(
        "--published",
        type=dt.date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="publication day (required unless the saved page declares one)",
    )
    parser.add_argument("--outlet", help="publisher (default: the page's site name, else 'unknown')")
    parser.add_argument("--title", help="title as published (default: the page's title, else 'unknown')")
    parser.add_argument("--url", help="where it was published (default: the page's canonical URL, else 'unknown')")
    parser.add_argument("--language", default="en", help="ISO 639-1 code of the text's language (default: en)")
    parser.add_argument("--description", default="", help="what the article is about, in your own words")


def run_add_source(args: argparse.Namespace) -> int:
    """Copy the article under seeds/ and append its sources.csv row (next id, its sha256)."""
    try:
        snapshot = read_snapshot(args.file)
        article = read_article(args.file.name, snapshot.data)
        added = add_source(
            args.data_dir,
            article,
            published=args.published,
            title=args.title,
            outlet=args.outlet,
            url=args.url,
            language=args.language,
            description=args.description,
        )
    except FileNotFoundError:
        print(f"{args.file}: file not found; give the path of the saved article")
        return 1
    except (UnreadableArticle, SourceRefused, StoreError) as err:
        print(err)
        return 1
    row, how = added.row, "text extracted from the page" if article.from_html else "copied as it is"
    print(
        f"{added.source_id}: {display_path(added.seed)} ({how}); title: {row['title']}; outlet: {row['outlet']}; "
        f"published: {row['published']}; url: {row['url']}"
    )
    drafts = display_path(drafts_file(args.data_dir, added.source_id))
    print(f"next: python -m claimmap suggest {display_path(added.seed)} --published {row['published']} --out {drafts}")
    return 0


def add_accept_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "drafts", type=Path, metavar="FILE", help="draft claims with the claims.csv header (suggest --out FILE)"
    )


def run_accept(args: argparse.Namespace) -> int:
    """Merge the valid drafts (and their proposed speakers) into the tables; exit 1 if any row is left."""
    try:
        saved = accept_drafts(args.data_dir, args.drafts)
    except StoreError as err:
        print(err)
        return 1
    review, package = saved.review, package_for(args.data_dir)[0]
    for problem in review.problems:
        print(problem)
    for name, added in (("claims", saved.added_claims), ("speakers", saved.added_speakers)):
        if added:
            shown = display_path(args.data_dir / package.resource(name).path)
            print(f"{shown}: {len(added)} added ({', '.join(added)})")
    merged = int(review.claims_merged.sum())
    if merged:
        print(f"{display_path(args.drafts)}: {merged} row(s) already in the tables, removed from the drafts")
    left = len(review.left_claims) + len(review.left_speakers)
    if left:
        print(
            f"{display_path(args.drafts)}: {left} row(s) left in the drafts files for the problems above; "
            "fix them and run accept again"
        )
    return 1 if left else 0


def _provenance_on(args: argparse.Namespace) -> tuple[Tables, Provenance]:
    """The valid claims' provenance, among those holding on `--on` when it is given."""
    tables = load_and_validate(args.data_dir)
    if tables.problems:
        print(
            f"{len(tables.problems)} data problems (see python -m claimmap validate); "
            "claims dropped for errors are left out",
            file=sys.stderr,
        )
    return tables, provenance(tables.claims, tables.speakers).among(tables.claims, args.on)


def run_contradictions(args: argparse.Namespace) -> int:
    """Print one line per pair of valid claims that contradict each other (with --on: both hold that day)."""
    tables, found = _provenance_on(args)
    for line in contradiction_lines(tables.claims, found.pairs):
        print(terminal_text(line))
    return 0


def run_corroboration(args: argparse.Namespace) -> int:
    """Print CSV: per claim (with --on: per claim holding that day) its independent origins and
    the claims that repeat its own origin."""
    _, found = _provenance_on(args)
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(CORROBORATION_COLUMNS)
    writer.writerows(found.corroboration()[CORROBORATION_COLUMNS].itertuples(index=False, name=None))
    return 0


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a day; write it as YYYY-MM-DD") from None


def add_day_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--on",
        metavar="YYYY-MM-DD",
        type=_day,
        help="only claims holding on that day count (default: each claim over its own dates)",
    )


COMMANDS: Sequence[Command] = (
    Command("validate", "check the data and print every problem (exit 1 on errors)", run_validate),
    Command("anchor", "write quote positions and source hashes, and put the tables in canonical form", run_anchor),
    Command(
        "contradictions",
        "list the pairs of claims that contradict each other, and why",
        run_contradictions,
        add_day_argument,
    ),
    Command(
        "corroboration",
        "CSV: each claim's independent origins and the claims that repeat its own origin",
        run_corroboration,
        add_day_argument,
    ),
    Command("suggest", SUGGEST_HELP, run_suggest, add_suggest_arguments),
    Command(
        "add-source",
        "keep a new article under seeds/ and add its sources.csv row (HTML pages are turned into text)",
        run_add_source,
        add_add_source_arguments,
    ),
    Command(
        "accept",
        "check, anchor and merge draft claims (and proposed speakers) into the tables; invalid rows stay in FILE",
        run_accept,
        add_accept_arguments,
    ),
)


def build_parser(commands: Sequence[Command] = COMMANDS) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m claimmap", description="Curated claims about a conflict, traced to their sources."
    )
    subparsers = parser.add_subparsers(dest="command_name", required=True, metavar="COMMAND")
    for command in commands:
        sub = subparsers.add_parser(command.name, help=command.help, description=command.help)
        sub.add_argument(
            DATA_OPTION, metavar="DIR", help=f"data directory (default: ${DATA_ENV}, else the bundled data/)"
        )
        if command.add_arguments:
            command.add_arguments(sub)
        sub.set_defaults(command=command)
    return parser


def main(argv: list[str] | None = None, commands: Sequence[Command] = COMMANDS) -> int:
    args = build_parser(commands).parse_args(argv)
    args.data_dir = data_dir_from(args.data, os.environ)
    return args.command.run(args)


def _anchored_frames(
    raws: dict[str, RawTable], data_dir: Path, shown: str
) -> tuple[dict[str, pd.DataFrame], pd.Series, list[Problem]]:
    """The tables' text frames with claims re-anchored and source hashes renewed, a mask of the
    claims whose selectors changed, and why the others could not be anchored."""
    sources = raws["sources"].frame.drop_duplicates("source_id")
    files = read_source_texts(sources, data_dir.parent)
    result = anchor_claims(raws["claims"].frame, files.texts)
    unanchored = _unanchored(
        result.frame[~result.anchored],
        files.texts,
        files.failures,
        dict(zip(sources["source_id"], sources["path"])),
        shown,
    )
    # A source's hash is renewed only once all of its claims are anchored to the current text.
    complete = {s: h for s, h in files.sha256.items() if s not in set(result.frame.loc[~result.anchored, "source_id"])}
    frames = {name: raw.frame for name, raw in raws.items()}
    frames["claims"] = result.frame
    frames["sources"] = _renew_hashes(raws["sources"].frame, complete)
    return frames, result.changed, unanchored


def _unanchored(
    claims: pd.DataFrame, texts: dict[str, str], failures: dict[str, str], source_paths: dict[str, str], shown: str
) -> list[Problem]:
    """Why each claim that could not be anchored was left as it is."""

    def reason(source_id: str, quote: str) -> str:
        if source_id in texts:
            return missing_quote_message(texts[source_id], quote, source_paths[source_id])
        return failures.get(source_id, f"source_id '{source_id}' is not in the sources table")

    return [
        Problem(shown, int(line), "quote", f"left as it is: {reason(source_id, quote)}")
        for line, source_id, quote in zip(claims[LINE], claims["source_id"], claims["quote"])
    ]


def _renew_hashes(sources: pd.DataFrame, hashes: dict[str, str]) -> pd.DataFrame:
    """`sources` with the sha256 of each source in `hashes` (of the bytes its text was read from)."""
    renewed = sources.copy()
    due = renewed["source_id"].isin(list(hashes))
    renewed.loc[due, "sha256"] = renewed.loc[due, "source_id"].map(hashes)
    return renewed
