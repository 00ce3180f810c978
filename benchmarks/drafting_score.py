"""How well `suggest` drafts the curated claims of the test articles, per article.

For each of the three invented articles (tests/fixtures/articles, merged into a copy of the
bundled fixture data) and, as a check against overfitting, the bundled article (against the
bundled data alone): the share of gold claims whose draft gets each field right, and the share
of drafts that are real claims. Run: .venv/bin/python benchmarks/drafting_score.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from claimmap.drafting.scoring import FIELDS, Score, article_scores, merged_fixture_data  # noqa: E402

FIXTURES = REPO / "tests" / "fixtures"


def fixture_scores(workdir: Path) -> dict[str, Score]:
    """The three test articles, and the bundled one."""
    merged = merged_fixture_data(FIXTURES / "bundled", FIXTURES / "articles", workdir)
    scores = article_scores(merged, ["src101", "src102", "src103"])
    scores.update(article_scores(FIXTURES / "bundled" / "data", ["src000"]))
    return scores


def main() -> None:
    with tempfile.TemporaryDirectory() as workdir:
        scores = fixture_scores(Path(workdir))
    print("share of gold claims whose draft gets the field right; share of drafts that are real claims")
    print(f"{'source':8} " + " ".join(f"{f:>12}" for f in (*FIELDS, "all")) + f" {'real claims':>14}")
    for source_id, found in scores.items():
        cells = " ".join(f"{found.right[f]:>3}/{found.gold:<3}{found.share(f):>5.0%}" for f in (*FIELDS, "all"))
        print(f"{source_id:8} {cells} {found.real:>3}/{found.drafts:<3}{found.real_share:>6.0%}")
    print("src101-src103: the three test articles; src000: the bundled article, as a check against overfitting")


if __name__ == "__main__":
    main()
