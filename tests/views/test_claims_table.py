"""The claims table beside the map: its rows, its search and its cap, on the bundled fixture."""

import dataclasses

import pandas as pd
import pytest

from claimmap.analysis.filters import ClaimFilter
from claimmap.views.claims_table import COLUMNS, claims_table, matching_rows, search_key, shown_rows

LAST_DAY = pd.Timestamp("2024-12-09")


@pytest.fixture(scope="module")
def table(bundled_dataset):
    return claims_table(bundled_dataset)


def found(table, dataset, query: str, day: pd.Timestamp = LAST_DAY, claim_filter: ClaimFilter | None = None) -> set:
    claims = (claim_filter or ClaimFilter()).apply(dataset.claims)
    return set(matching_rows(table, claims, day, query).index)


def test_a_row_says_when_where_who_and_how_sure_in_words(table):
    row = table.loc["c022"]
    assert row["place"] == "Khmeimim Air Base"
    assert row["type"] == "arrival" and row["actor"] == "not named"
    assert row["dates"] == "2024-12-08 to 2024-12-09 (during the night)"
    assert row["hedge"] == "alleged"
    assert row["chain"] == "Flightradar24 (Telegram channel) → unknown outlet (src000)"
    vague = table.loc["c029"]
    assert vague["dates"].startswith("about ") and "vague in the source" in vague["dates"]


def test_search_ignores_case_and_accents_and_arabic_vowel_signs():
    keys = search_key(pd.Series(["LATTAQUIÉ", "Ḥalab", "اللاذقيّة", "طـرطوس"])).tolist()
    assert keys == ["lattaquie", "halab", "اللاذقية", "طرطوس"]


def test_search_finds_a_place_by_its_other_names_arabic_too(table, bundled_dataset):
    by_name = found(table, bundled_dataset, "Tartus naval facility")
    assert by_name and by_name == found(table, bundled_dataset, "القاعدة البحرية الروسية في طرطوس")
    assert found(table, bundled_dataset, "tartous") == found(table, bundled_dataset, "TARTOUS")
    assert "c016" in found(table, bundled_dataset, "Tartous")  # alias of Tartus city


def test_search_reads_statements_and_quotes_and_needs_every_word(table, bundled_dataset):
    assert "c012" in found(table, bundled_dataset, "withdraw")
    assert found(table, bundled_dataset, "tartus withdraw") <= found(table, bundled_dataset, "withdraw")
    assert found(table, bundled_dataset, "withdraw zzzz") == set()


@pytest.mark.parametrize("query", [".*", "(?", "[a-z]+", "\\", "a|b"])
def test_what_is_typed_is_matched_literally_never_as_a_pattern(table, bundled_dataset, query):
    assert found(table, bundled_dataset, query) == set()  # no claim holds these characters


def test_punctuation_typed_finds_the_claims_that_hold_it(table, bundled_dataset):
    with_paren = set(table.index[table["statement"].str.contains("(", regex=False)])
    assert with_paren and with_paren <= found(table, bundled_dataset, "(")


def test_rows_honour_the_filters_and_the_day(table, bundled_dataset):
    everything = found(table, bundled_dataset, "")
    assert len(everything) == len(bundled_dataset.claims)
    early = found(table, bundled_dataset, "", day=pd.Timestamp("2024-11-25"))
    assert early and early < everything  # only claims begun by then
    assert all(bundled_dataset.claims.set_index("claim_id").loc[list(early), "valid_from"] <= "2024-11-25")
    rumored = found(table, bundled_dataset, "", claim_filter=ClaimFilter({"hedge": ("rumored",)}))
    assert len(rumored) == 1


def test_the_selected_claim_is_pinned_first_and_marked_and_the_rows_are_capped(table, bundled_dataset):
    rows = matching_rows(table, bundled_dataset.claims, LAST_DAY, "")
    shown = shown_rows(rows, "c021", limit=5)
    assert len(shown) == 5 and list(shown.columns) == ["selected", *COLUMNS]
    assert shown.index[0] == "c021" and shown["selected"].tolist() == ["▶", "", "", "", ""]
    assert shown_rows(rows, "c999", limit=5).index.tolist() == rows.index[:5].tolist()  # not among them: none


def test_reordering_controls_in_the_data_are_shown_as_their_code(bundled_dataset):
    claims = bundled_dataset.claims.assign(statement="left \u202e right")
    shown = claims_table(dataclasses.replace(bundled_dataset, claims=claims))
    assert (shown["statement"] == "left <U+202E> right").all()
