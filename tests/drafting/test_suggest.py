"""`python -m claimmap suggest`: draft rows for the sentences of a new article that name known places."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import pytest

from claimmap.cli import main
from claimmap.drafting.sentences import split_sentences
from claimmap.drafting.suggest import draft_rows
from fixture_data import BUNDLED_SEED, read_table
from geo.gazetteer import normalize_name

REPO = Path(__file__).resolve().parents[2]
PUBLISHED = "2024-12-09"
ARTICLE = (
    "On December 7, cargo planes were seen landing at Hmeimim, residents said. "
    "Fighters allegedly reached the outskirts of Lattakia and Jablah yesterday.\n\n"
    "A radio presenter in طرطوس described the harbour as “calm”. "
    "Shelling near Jablah began in late November, according to one resident. "
    "Nobody could say how many people had left. "
    "Dr. Haddad said the runway at HMEIMIM was quiet this morning.\n"
)


@pytest.fixture
def suggested(data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> list[dict[str, str]]:
    """The CSV rows printed for ARTICLE, checking on the way that data/ is left byte for byte as it was."""
    article = tmp_path / "article.txt"
    article.write_bytes(ARTICLE.encode("utf-8"))
    before = {path: path.read_bytes() for path in sorted(data_dir.rglob("*"))}
    status = main(["suggest", str(article), "--data", str(data_dir), "--published", PUBLISHED])
    assert status == 0
    assert {path: path.read_bytes() for path in sorted(data_dir.rglob("*"))} == before
    return list(csv.DictReader(io.StringIO(capsys.readouterr().out)))


def by_place(rows: list[dict[str, str]], place_id: str) -> list[dict[str, str]]:
    return [row for row in rows if row["place_id"] == place_id]


def test_one_row_per_place_named_in_a_sentence(suggested):
    assert [(row["place_id"], row["matched"]) for row in suggested] == [
        ("khmeimim", "Hmeimim"),
        ("latakia_gov", "Lattakia"),
        ("jableh", "Jablah"),
        ("tartus", "طرطوس"),
        ("jableh", "Jablah"),
        ("khmeimim", "HMEIMIM"),
    ]


def test_quotes_are_the_exact_sentences_at_their_offsets(suggested):
    for row in suggested:
        assert ARTICLE[int(row["quote_start"]) : int(row["quote_end"])] == row["quote"]
        assert row["matched"] in row["quote"]
    tartus = by_place(suggested, "tartus")[0]
    assert tartus["quote"] == "A radio presenter in طرطوس described the harbour as “calm”."
    assert by_place(suggested, "khmeimim")[1]["quote"].startswith("Dr. Haddad said")


def test_the_sentence_without_a_known_place_is_left_out(suggested):
    assert not any("Nobody" in row["quote"] for row in suggested)


def test_dates_are_resolved_against_the_publication_day(suggested):
    guesses = [(row["place_id"], row["date_guess"], row["date_precision"], row["date_words"]) for row in suggested]
    assert guesses == [
        ("khmeimim", "2024-12-07", "day", "December 7"),
        ("latakia_gov", "2024-12-08", "day", "yesterday"),
        ("jableh", "2024-12-08", "day", "yesterday"),
        ("tartus", "2024-12-09", "as_of_report", ""),
        ("jableh", "2024-11-21/2024-11-30", "approximate", "late November"),
        ("khmeimim", "2024-12-09", "day", "this morning"),
    ]


def test_hedges_are_detected(suggested):
    assert [(row["hedge_guess"], row["hedge_cues"]) for row in suggested] == [
        ("stated", ""),
        ("alleged", "allegedly"),
        ("alleged", "allegedly"),
        ("stated", ""),
        ("reported", "according to"),
        ("stated", ""),
    ]


def test_bundled_article_places_of_curated_claims_are_suggested():
    """Recall: each curated claim's place is suggested for the sentence holding its quote,
    wherever that sentence names the place by a name or alias of places.csv."""
    text = BUNDLED_SEED.read_bytes().decode("utf-8")
    places, claims = read_table("places"), read_table("claims")
    rows = draft_rows(text, places, dt.date(2024, 12, 9))
    names = {
        place_id: [normalize_name(n) for n in f"{name}|{aliases}".split("|") if n]
        for place_id, name, aliases in zip(places["place_id"], places["name"], places["aliases"])
    }
    checked = []
    for claim_id, place_id, start, end in zip(
        claims["claim_id"], claims["place_id"], claims["quote_start"], claims["quote_end"]
    ):
        holding = rows[(rows["quote_start"] <= start) & (end <= rows["quote_end"])]
        sentence = next(s for s in split_sentences(text) if s.start <= start and end <= s.end)
        normalized = normalize_name(sentence.text)
        if any(re.search(rf"(?<!\w){re.escape(name)}(?!\w)", normalized) for name in names[place_id]):
            assert place_id in set(holding["place_id"]), f"{claim_id}: {place_id} not suggested"
            checked.append(claim_id)
    assert len(checked) >= 15  # most curated claims name their place in their sentence
