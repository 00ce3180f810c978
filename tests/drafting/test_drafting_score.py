"""`suggest` against the gold claims of the three test articles (tests/fixtures/articles) and,
as a check that the rules are not fitted to those, the bundled article."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from claimmap.drafting.scoring import FIELDS, article_scores, merged_fixture_data, score
from claimmap.tables.validate import load_and_validate
from fixture_data import BUNDLED, BUNDLED_DATA, FIXTURES

ARTICLES = ["src101", "src102", "src103"]


@pytest.fixture(scope="module")
def merged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return merged_fixture_data(BUNDLED, FIXTURES / "articles", tmp_path_factory.mktemp("merged"))


def test_the_gold_claims_are_valid_data(merged: Path):
    tables = load_and_validate(merged)
    assert [str(p) for p in tables.problems if p.is_error] == []
    assert len(tables.claims) == 37 + 16
    assert set(tables.claims["source_id"]) == {"src000", *ARTICLES}


@pytest.mark.parametrize("source_id", ARTICLES)
def test_drafts_get_three_claims_in_four_right_and_three_drafts_in_four_are_claims(merged: Path, source_id: str):
    found = article_scores(merged, [source_id])[source_id]
    for field in FIELDS:
        assert found.share(field) >= 0.75, (field, found)
    assert found.real_share >= 0.75, found


def test_the_bundled_article_is_drafted_about_as_well():
    found = article_scores(BUNDLED_DATA, ["src000"])["src000"]
    for field in FIELDS:
        assert found.share(field) >= 0.7, (field, found)
    assert found.real_share >= 0.75, found


def test_the_score_counts_a_wrong_field_and_a_draft_that_is_no_claim():
    document = "Rebels hold Jableh. Ships left Tartus port. The weather was fine in Tartus."
    gold = pd.DataFrame(
        {
            "place_id": ["jableh", "tartus_naval_base"],
            "claim_type": ["control", "withdrawal"],
            "valid_from": ["2024-12-09"] * 2,
            "valid_to": ["", ""],
            "date_precision": ["as_of_report"] * 2,
            "claimant": ["narrator"] * 2,
            "hedge": ["stated"] * 2,
            "quote": ["Rebels hold Jableh", "Ships left Tartus port"],
        }
    )
    drafts = gold.assign(quote_start=[0, 20], quote_end=[18, 42])
    drafts.loc[1, "hedge"] = "reported"
    weather = drafts.iloc[[1]].assign(place_id="tartus", quote_start=44, quote_end=74)
    found = score(document, gold, pd.concat([drafts, weather], ignore_index=True))
    assert (found.right["place"], found.right["hedge"], found.right["all"]) == (2, 1, 1)
    assert (found.real, found.drafts) == (2, 3)
