"""`python -m claimmap suggest SOURCE --published YYYY-MM-DD --out FILE`: draft claim rows for a
new article, for a curator to review and `accept`.

The drafts have exactly the columns of claims.csv, ids following the highest claim id, and every
cell the text lets a rule fill: place, actor, claim type, dates, claimant and relays, hedge,
source, report day, against_interest, and the quote (the claim's clause) with its selectors.
`statement` (the curator's own words) and the grades (the curator's judgment) stay blank.
Speakers the text names that are not in speakers.csv are proposed in `<stem>.speakers.csv` beside
FILE. The data directory is only read.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from claimmap.drafting.actors import actor_index, first_actor, last_actor
from claimmap.drafting.claim_types import claim_cue_spans, guess_claim_type
from claimmap.drafting.clauses import COORDINATED, RELATIVE, Clause, split_clauses, text_of
from claimmap.drafting.date_guess import APPROXIMATE, AS_OF_REPORT, DateGuess, guess_date, latest_year_mentioned
from claimmap.drafting.place_choice import PlaceChooser, PlaceMention
from claimmap.drafting.sentences import Sentence, heading_spans, split_sentences
from claimmap.drafting.speakers import UNATTRIBUTED_KIND, Chain, Voices
from claimmap.problems import display_path
from claimmap.sources.anchors import anchor_at, read_source_text
from claimmap.sources.hedging import detect_hedge_cues, strongest_hedge
from claimmap.tables.csvio import canonical_csv, read_raw
from claimmap.tables.load import Tables, load_tables
from claimmap.tables.schema import ResourceSpec
from claimmap.tables.store import StoreError, current_sha256, write_atomically

SUGGEST_HELP = (
    "draft claim rows (claims.csv columns) for a new article, and propose the speakers it names that "
    "speakers.csv lacks; only reads the data directory, never writes into it"
)
# Types of claims that hold once made true ('withdrawn', 'in control'): a dated one stays open-ended.
# Events ('landed', 'evacuated') are over by the end of their day or night.
EVENT_TYPES = frozenset({"arrival", "evacuation"})
# Claims about sides rather than a spot: when the clause names an actor but no place, they are
# pinned to the country the article's places lie in.
COUNTRYWIDE_TYPES = frozenset(
    {
        "contact",
        "negotiation",
        "pledge",
        "military_support",
        "resignation",
        "government_fall",
        "presence_threatened",
        "offensive",
        "evacuation",
    }
)
# Claims that report a loss for the side they are about.
ADVERSE_TYPES = frozenset(
    {"withdrawal", "evacuation", "facility_isolated", "presence_threatened", "government_fall", "resignation"}
)
# Not claims: the source saying what it could not learn.
NOT_A_CLAIM = re.compile(
    r"\b(?:has|have|had)\s+not\s+(?:yet\s+)?commented\b|\b(?:did|does|do)\s+not\s+(?:comment|respond|reply|address)"
    r"|\bdeclined\s+to\s+comment\b|\bno\s+comment\b|\bfor\s+comment\b|\bcould\s+not\s+(?:be\s+)?reach(?:ed)?\b"
    r"|\bunable\s+to\s+reach\b|\bnot\s+available\s+for\b|\bwould\s+not\s+(?:say|comment)\b",
    re.IGNORECASE,
)
# An activity seen going on at one moment ('being loaded', 'images taken on Tuesday show') holds
# that day only, whatever its type.
_OBSERVED_AT_A_MOMENT = re.compile(
    r"\bbeing\s+\w+(?:ed|en|wn)\b|\b(?:satellite\s+)?(?:images?|imagery|footage|photos?|photographs?|videos?)\b",
    re.IGNORECASE,
)
# 'whether the promise had been put in writing': a question the source leaves open.
_OPEN_QUESTION = re.compile(r"^(?:whether|if|how|why|who|what)\b", re.IGNORECASE)
_THERE = re.compile(r"\bthere\b(?!\s+(?:is|are|was|were|has|have|had|will|would|may|might|could)\b)", re.I)
_FIRST_PERSON = re.compile(r"\b(?:we|our|ours|us)\b", re.IGNORECASE)
_CLAIM_ID = re.compile(r"c(\d+)")
MAX_NOTES = 50  # 'not drafted' lines printed


@dataclass(frozen=True)
class Drafts:
    claims: pd.DataFrame  # the claims.csv columns, as text
    speakers: pd.DataFrame  # proposed speakers, the speakers.csv columns, as text
    skipped: list[tuple[int, str]]  # (offset, why) of place names left without a draft


@dataclass
class _Drafted:
    clause: Clause
    places: list[PlaceMention]
    claim_type: str
    actor: str
    chain: Chain
    disclaimer: str = ""  # the next sentence, when it says this could not be verified


def _disclaimers(document: str, sentences: list[Sentence]) -> dict[int, str]:
    """Index → text of the sentences that say the one before (in the same paragraph) could not be
    verified, and claim nothing themselves: 'The claim could not be independently verified.'"""
    return {
        index: sentences[index].text
        for index in range(1, len(sentences))
        if "\n" not in document[sentences[index - 1].end : sentences[index].start]
        and any(cue.kind == "unconfirmed" for cue in detect_hedge_cues(sentences[index].text))
        and not claim_cue_spans(sentences[index].text)
    }


def draft_claims(
    document: str,
    tables: Tables,
    published: dt.date | None,
    source_id: str = "",
    first_id: int = 1,
    outlet: str = "",
) -> Drafts:
    """Draft rows for `document`, read against the (valid rows of the) tables."""
    claims_spec, speakers_spec = tables.package.resource("claims"), tables.package.resource("speakers")
    claim_types = _enum(claims_spec, "claim_type")
    actors = actor_index(tables.actors)
    voices = Voices(tables.speakers, tuple(_enum(speakers_spec, "kind")), actors, outlet)
    chooser = PlaceChooser(tables.places, actors)
    headings = heading_spans(document)
    sentences = [s for s in split_sentences(document) if not any(a <= s.start < b for a, b in headings)]
    clauses = split_clauses(document, sentences)
    country = chooser.country([p for m in chooser.index.find(document) for p in m.values])
    fallback_year = latest_year_mentioned(document)
    disclaimers = _disclaimers(document, sentences)

    drafted: list[_Drafted] = []
    skipped: list[tuple[int, str]] = []
    chains: dict[tuple[int, int], Chain] = {}
    actor_of_last: dict[str, str] = {}  # claim type -> actor of the last draft of that type naming one
    noted = -1
    for position, clause in enumerate(clauses):
        if clause.sentence != noted:
            voices.note_mentions(sentences[clause.sentence].text)
            noted = clause.sentence
        chain = _chain(document, clause, voices, chains, published)
        text = text_of(document, clause)
        places = chooser.places_of(document, clause.start, clause.end, clause.sentence)
        before = _previous_claim(drafted, clauses, position)
        if NOT_A_CLAIM.search(text) or _OPEN_QUESTION.match(text):
            skipped += [(m.start, f"'{m.matched}': the sentence reports no claim") for m in places]
            continue
        claim_type = guess_claim_type(text, claim_types)
        actor = first_actor(actors, text)
        if before is not None and clause.role == COORDINATED and not claim_type:
            claim_type, places = before.claim_type, places or before.places  # '..., and the rest are to follow'
            actor = actor or before.actor
        elif before is not None and clause.role == COORDINATED and not places and _THERE.search(text):
            places = before.places  # '..., and more are to arrive there'
        elif before is not None and clause.role == RELATIVE and not places:
            places = before.places  # 'the bases, which are operating normally'
            actor = actor or last_actor(actors, text_of(document, before.clause))
        if not places and claim_type in COUNTRYWIDE_TYPES and actor and country:
            places = [PlaceMention(country, clause.start, clause.end, "", True)]
        if not places:
            continue
        if not claim_type:
            skipped += [(m.start, f"'{m.matched}': no claim verb found") for m in places if not m.reference]
            continue
        if not actor and clause.quoted and _FIRST_PERSON.search(text):
            actor = voices.actor(chain.claimant)
        actor = actor or actor_of_last.get(claim_type, "")  # 'covered by that promise': the last promiser
        if actor:
            actor_of_last[claim_type] = actor
        drafted.append(_Drafted(clause, places, claim_type, actor, chain, disclaimers.get(clause.sentence + 1, "")))

    rows = [_row(document, item, voices, published, fallback_year, source_id) for item in drafted]
    frame = pd.DataFrame(
        [{**cells, "place_id": place.place_id} for cells, item in zip(rows, drafted) for place in item.places],
        columns=claims_spec.column_names,
        dtype=str,
    ).fillna("")
    width = max(3, len(str(first_id + len(frame))))
    frame["claim_id"] = [f"c{number:0{width}d}" for number in range(first_id, first_id + len(frame))]
    return Drafts(frame, voices.proposed_rows(speakers_spec.column_names), skipped)


def _chain(
    document: str, clause: Clause, voices: Voices, chains: dict[tuple[int, int], Chain], published: dt.date | None
) -> Chain:
    """The clause's chain: its attribution's (read once per attribution), the unattributed
    speaker for talk the source calls rumour, else the narrator."""
    if clause.attribution is not None:
        key = (clause.attribution.start, clause.attribution.end)
        if key not in chains:
            chains[key] = voices.attribute(text_of(document, clause.attribution), published)
        return chains[key]
    if any(cue.kind == "rumor" for cue in detect_hedge_cues(text_of(document, clause))):
        return Chain(voices.unattributed)
    return Chain(voices.narrator)


def _row(
    document: str,
    item: _Drafted,
    voices: Voices,
    published: dt.date | None,
    fallback_year: int | None,
    source_id: str,
) -> dict[str, str]:
    clause, chain = item.clause, item.chain
    text = text_of(document, clause)
    attribution = text_of(document, clause.attribution)
    date = guess_date(text, published, fallback_year, said_on=chain.reported_on)
    valid_from, valid_to = _validity(date, item.claim_type, text, chain.reported_on or published)
    levels = [cue.hedge for part in (text, attribution, item.disclaimer) for cue in detect_hedge_cues(part)]
    if chain.claimant and chain.claimant != voices.narrator:
        levels.append("reported")
    if voices.kind(chain.claimant) == UNATTRIBUTED_KIND:
        levels.append("rumored")
    claimant_actor = voices.actor(chain.claimant)
    anchor = anchor_at(document, clause.start, clause.end)
    return {
        "source_id": source_id,
        "actor_id": item.actor,
        "claim_type": item.claim_type,
        "reported_on": _iso(chain.reported_on),
        "valid_from": valid_from,
        "valid_to": valid_to,
        "date_precision": date.precision,
        "claimant": chain.claimant,
        "via": ">".join(chain.via),
        "hedge": strongest_hedge(levels),
        "against_interest": str(
            bool(claimant_actor) and claimant_actor == item.actor and item.claim_type in ADVERSE_TYPES
        ).lower(),
        "quote": anchor.exact,
        "quote_prefix": anchor.prefix,
        "quote_suffix": anchor.suffix,
        "quote_start": str(anchor.start),
        "quote_end": str(anchor.end),
    }


def _validity(date: DateGuess, claim_type: str, text: str, as_of: dt.date | None) -> tuple[str, str]:
    """valid_from and valid_to: a window as given; a dated event or a moment observed closes
    with its day (or night); a state ('since Sunday', 'sailed out on Monday') stays open."""
    if date.precision == AS_OF_REPORT:
        return _iso(as_of), ""
    if date.precision == APPROXIMATE:
        return _iso(date.first), _iso(date.last)
    bounded = not date.since and (claim_type in EVENT_TYPES or bool(_OBSERVED_AT_A_MOMENT.search(text)))
    return _iso(date.first), _iso(date.last) if bounded else ""


def _previous_claim(drafted: list[_Drafted], clauses: list[Clause], position: int) -> _Drafted | None:
    """The draft of the clause just before, when it is in the same sentence."""
    if position == 0 or not drafted or drafted[-1].clause is not clauses[position - 1]:
        return None
    return drafted[-1] if drafted[-1].clause.sentence == clauses[position].sentence else None


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def _enum(spec: ResourceSpec, column: str) -> list[str]:
    return next((list(f.enum or []) for f in spec.fields if f.name == column), [])


# -- the command


def add_suggest_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source_file", type=Path, metavar="SOURCE", help="the article, as UTF-8 plain text")
    parser.add_argument(
        "--published",
        type=dt.date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="publication day, for weekdays, 'yesterday' and dates without a year "
        "(default: the source's row in sources.csv, else the latest year the article mentions)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        metavar="FILE",
        help="write the drafts to FILE and the proposed speakers to FILE's sibling <stem>.speakers.csv "
        "(default: print the drafts)",
    )
    parser.add_argument("--force", action="store_true", help="replace FILE and its speakers file if they exist")


def run_suggest(args: argparse.Namespace) -> int:
    """Write (or print) the drafts; the data directory is left untouched."""
    try:
        document = read_source_text(args.source_file)
    except (OSError, UnicodeDecodeError) as err:
        print(f"{args.source_file}: cannot be read as UTF-8 text ({err}); save it as UTF-8 plain text", file=sys.stderr)
        return 1
    tables = load_tables(args.data_dir)
    for name in ("places", "speakers", "actors"):
        skipped = len(tables.dropped_rows(name))
        if skipped:
            print(f"{skipped} {name} left out for data problems (see python -m claimmap validate)", file=sys.stderr)
    source = _source_row(tables, args.source_file)
    if source is None:
        print(
            f"{display_path(args.source_file)}: not in sources.csv, so source_id is left blank; "
            "add the source first (python -m claimmap add-source)",
            file=sys.stderr,
        )
    published = args.published or (source["published"].date() if source is not None else None)
    drafts = draft_claims(
        document,
        tables,
        published,
        source_id=source["source_id"] if source is not None else "",
        first_id=_next_claim_number(tables),
        outlet=source["outlet"] if source is not None else "",
    )
    shown = display_path(args.source_file)
    line_starts = [0, *(i + 1 for i, character in enumerate(document) if character == "\n")]
    for offset, why in drafts.skipped[:MAX_NOTES]:
        print(f"{shown}:{bisect.bisect_right(line_starts, offset)}: not drafted: {why}", file=sys.stderr)
    if len(drafts.skipped) > MAX_NOTES:
        print(f"{shown}: ... and {len(drafts.skipped) - MAX_NOTES} more place names not drafted", file=sys.stderr)
    claims_csv = canonical_csv(drafts.claims, tables.package.resource("claims"))
    speakers_csv = canonical_csv(drafts.speakers, tables.package.resource("speakers"))
    if args.out is None:
        sys.stdout.write(claims_csv)
        if len(drafts.speakers):
            print(f"proposed speakers (not written without --out):\n{speakers_csv}", file=sys.stderr, end="")
        return 0
    return _write_drafts(args.out, claims_csv, speakers_csv, args.data_dir, args.force, len(drafts.claims))


def speakers_file_for(drafts_file: Path) -> Path:
    """Where the speakers proposed with `drafts_file` go: <stem>.speakers.csv beside it."""
    return drafts_file.with_name(f"{drafts_file.stem}.speakers.csv")


def _write_drafts(out: Path, claims_csv: str, speakers_csv: str, data_dir: Path, force: bool, count: int) -> int:
    speakers_out = speakers_file_for(out)
    data_root = data_dir.resolve()
    for path in (out, speakers_out):
        if path.resolve().is_relative_to(data_root):
            print(f"{display_path(path)}: lies in the data directory; write drafts elsewhere", file=sys.stderr)
            return 1
        if path.exists() and not force:
            print(
                f"{display_path(path)}: exists and may hold edits; choose another FILE or pass --force to replace it",
                file=sys.stderr,
            )
            return 1
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        for path, content in ((out, claims_csv), (speakers_out, speakers_csv)):
            write_atomically(path, content.encode("utf-8"), current_sha256(path))
    except (StoreError, OSError) as err:
        print(err, file=sys.stderr)
        return 1
    print(f"{display_path(out)}: {count} draft claims; {display_path(speakers_out)}: proposed speakers")
    return 0


def _source_row(tables: Tables, source_file: Path) -> pd.Series | None:
    """The sources.csv row whose path is `source_file`."""
    wanted = source_file.resolve()
    root = tables.data_dir.parent
    for _, row in tables.sources.iterrows():  # a handful of rows
        if (root / row["path"]).resolve() == wanted:
            return row
    return None


def _next_claim_number(tables: Tables) -> int:
    """One after the highest claim id in claims.csv, its broken rows included."""
    spec = tables.package.resource("claims")
    ids = read_raw(tables.data_dir / spec.path, spec).frame.get("claim_id", pd.Series(dtype=str))
    numbers = [int(m.group(1)) for m in map(_CLAIM_ID.fullmatch, ids) if m]
    return max(numbers, default=0) + 1
