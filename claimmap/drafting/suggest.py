"""`python -m claimmap suggest ARTICLE`: draft claim rows for the sentences of a new article that
name a known place, for a curator to review. It reads the data directory and never writes to it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from claimmap.drafting.date_guess import guess_date, latest_year_mentioned
from claimmap.drafting.place_mentions import find_place_mentions
from claimmap.drafting.sentences import Sentence, split_sentences
from claimmap.sources.anchors import read_source_text
from claimmap.sources.hedging import detect_hedge_cues, strongest_hedge
from claimmap.tables.load import load_tables

DRAFT_COLUMNS = [
    "place_id",
    "matched",
    "date_guess",
    "date_precision",
    "date_words",
    "hedge_guess",
    "hedge_cues",
    "quote",
    "quote_start",
    "quote_end",
]
SUGGEST_HELP = (
    "print draft claim rows (CSV) for every sentence of a plain-text article that names a known place; "
    "only reads the data directory, never writes into it"
)


def draft_rows(document: str, places: pd.DataFrame, published: dt.date | None) -> pd.DataFrame:
    """One row per place named in each sentence of `document` (the first mention of that place
    in the sentence), with guesses at its dates and hedge; columns DRAFT_COLUMNS, text order."""
    sentences = split_sentences(document)
    mentions = find_place_mentions(document, places)
    starts = np.array([sentence.start for sentence in sentences], dtype="int64")
    mentions["sentence"] = np.searchsorted(starts, mentions["start"].to_numpy(dtype="int64"), side="right") - 1
    named = mentions.drop_duplicates(["sentence", "place_id"])
    fallback_year = latest_year_mentioned(document)
    guesses = pd.DataFrame.from_dict(
        {index: _sentence_guesses(sentences[index], published, fallback_year) for index in named["sentence"].unique()},
        orient="index",
        columns=DRAFT_COLUMNS[2:],
    )
    return named.join(guesses, on="sentence")[DRAFT_COLUMNS].reset_index(drop=True)


def add_suggest_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source_file", type=Path, metavar="SOURCE_FILE", help="the article, as UTF-8 plain text")
    parser.add_argument(
        "--published",
        type=dt.date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="publication day, for 'yesterday', 'today' and dates without a year "
        "(without it: the latest year the article mentions)",
    )


def run_suggest(args: argparse.Namespace) -> int:
    """Print the draft rows as CSV on stdout; the data directory is left untouched."""
    try:
        document = read_source_text(args.source_file)
    except (OSError, UnicodeDecodeError) as err:
        print(f"{args.source_file}: cannot be read as UTF-8 text ({err})", file=sys.stderr)
        return 1
    tables = load_tables(args.data_dir)
    skipped = len(tables.dropped_rows("places"))
    if skipped:
        print(f"{skipped} places left out for data problems (see python -m claimmap validate)", file=sys.stderr)
    draft_rows(document, tables.places, args.published).to_csv(sys.stdout, index=False, lineterminator="\n")
    return 0


def _sentence_guesses(sentence: Sentence, published: dt.date | None, fallback_year: int | None) -> dict:
    date = guess_date(sentence.text, published, fallback_year)
    cues = detect_hedge_cues(sentence.text)
    return {
        "date_guess": date.iso,
        "date_precision": date.precision,
        "date_words": date.words,
        "hedge_guess": strongest_hedge([cue.hedge for cue in cues]),
        "hedge_cues": "|".join(cue.text for cue in cues),
        "quote": sentence.text,
        "quote_start": sentence.start,
        "quote_end": sentence.end,
    }
