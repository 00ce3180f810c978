"""How well `suggest` drafts the curated claims of the test articles, per article.

For each of the three invented articles (tests/fixtures/articles, merged into a copy of the
bundled fixture data) and, as a check against overfitting, the bundled article (against the
bundled data alone): the share of gold claims whose draft gets each field right, and the share
of drafts that are real claims. Run: .venv/bin/python benchmarks/drafting_score.py
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from claimmap.drafting.scoring import FIELDS, Score, article_scores, merged_fixture_data  # noqa: E402
from claimmap.drafting.suggest import draft_claims  # noqa: E402
from claimmap.tables.load import load_tables  # noqa: E402

FIXTURES = REPO / "tests" / "fixtures"


def fixture_scores(workdir: Path) -> dict[str, Score]:
    """The three test articles, and the bundled one."""
    merged = merged_fixture_data(FIXTURES / "bundled", FIXTURES / "articles", workdir)
    scores = article_scores(merged, ["src101", "src102", "src103"])
    scores.update(article_scores(FIXTURES / "bundled" / "data", ["src000"]))
    return scores


def speed() -> list[tuple[str, int, float]]:
    """(case, characters, seconds) of drafting large and hostile texts against the bundled data:
    the work must grow with the text, not faster."""
    tables = load_tables(FIXTURES / "bundled" / "data")
    article = (FIXTURES / "bundled" / "seeds" / "000_ae3071192ac73a97.txt").read_text(encoding="utf-8")
    cases = {
        "bundled article x10": (article + "\n\n") * 10,
        "bundled article x100": (article + "\n\n") * 100,
        "one sentence, 7,000 commas": "Rebels hold Tartus" + ", and Jableh said the bases" * 7000 + ".",
        "12,000 short quotations": '"a," said TASS. ' * 12000,
        "200 KB without a space": "Tartus" * 35000,
    }
    timings = []
    for name, text in cases.items():
        start = time.perf_counter()
        draft_claims(text, tables, dt.date(2024, 12, 9))
        timings.append((name, len(text), time.perf_counter() - start))
    return timings


def main() -> None:
    with tempfile.TemporaryDirectory() as workdir:
        scores = fixture_scores(Path(workdir))
    print("share of gold claims whose draft gets the field right; share of drafts that are real claims")
    print(f"{'source':8} " + " ".join(f"{f:>12}" for f in (*FIELDS, "all")) + f" {'real claims':>14}")
    for source_id, found in scores.items():
        cells = " ".join(f"{found.right[f]:>3}/{found.gold:<3}{found.share(f):>5.0%}" for f in (*FIELDS, "all"))
        print(f"{source_id:8} {cells} {found.real:>3}/{found.drafts:<3}{found.real_share:>6.0%}")
    print("src101-src103: the three test articles; src000: the bundled article, as a check against overfitting")
    print()
    for name, characters, seconds in speed():
        print(f"{name:28} {characters:>9,} characters {seconds:6.2f} s")


if __name__ == "__main__":
    main()
