"""Attribution chains, independent corroboration and contradictions: rules on small made-up
frames (each built so that a plausible bug changes the answer), then the bundled data."""

from __future__ import annotations

import pandas as pd
import pytest

from claimmap.analysis.asof import contested_on
from claimmap.analysis.provenance import (
    ChainLink,
    attribution_chain,
    contradiction_lines,
    contradictions,
    corroboration,
    format_chain,
    origin_of,
)
from fixture_data import read_table

DEFAULTS = {
    "statement": "A statement.",
    "source_id": "src1",
    "place_id": "base",
    "actor_id": "russia",
    "claim_type": "control",
    "valid_from": "2024-12-01",
    "valid_to": "",
    "claimant": "tass",
    "via": "",
    "contradicts": "",
}


def claims_frame(*rows: dict) -> pd.DataFrame:
    """Claims in the loader's conventions; each row overrides DEFAULTS and needs a claim_id."""
    frame = pd.DataFrame([{**DEFAULTS, **row} for row in rows]).astype("str")
    for column in ("valid_from", "valid_to"):
        frame[column] = pd.to_datetime(frame[column].replace("", None), format="%Y-%m-%d")
    frame["_line"] = range(2, len(frame) + 2)
    return frame


def pairs_of(claims: pd.DataFrame) -> dict[tuple[str, str], str]:
    return {
        (a, b): reason
        for a, b, reason in contradictions(claims)[["claim_a", "claim_b", "reason"]].itertuples(index=False)
    }


# --- contradictions ---------------------------------------------------------------------------


def test_control_by_different_actors_contradicts():
    claims = claims_frame({"claim_id": "c001", "actor_id": "russia"}, {"claim_id": "c002", "actor_id": "opposition"})
    found = contradictions(claims)
    assert list(found.columns) == ["claim_a", "claim_b", "place_id", "reason"]
    assert found.to_dict("records") == [
        {"claim_a": "c001", "claim_b": "c002", "place_id": "base", "reason": "control by different actors"}
    ]


@pytest.mark.parametrize(
    "second",
    [
        {"actor_id": "russia"},  # same actor
        {"actor_id": ""},  # actor not named
        {"actor_id": "opposition", "place_id": "base_gov"},  # the governorate is another place
        {"actor_id": "opposition", "valid_from": "2024-12-06"},  # starts after the first ends
    ],
)
def test_control_claims_that_do_not_contradict(second):
    claims = claims_frame({"claim_id": "c001", "valid_to": "2024-12-05"}, {"claim_id": "c002", **second})
    assert contradictions(claims).empty


def test_validity_is_inclusive_and_open_ended():
    touching = claims_frame(
        {"claim_id": "c001", "valid_to": "2024-12-05"},
        {"claim_id": "c002", "actor_id": "opposition", "valid_from": "2024-12-05"},
    )
    assert list(pairs_of(touching)) == [("c001", "c002")]
    # A blank valid_to still holds years later.
    open_ended = claims_frame(
        {"claim_id": "c001"},
        {"claim_id": "c002", "actor_id": "opposition", "valid_from": "2030-01-01", "valid_to": "2030-01-02"},
    )
    assert list(pairs_of(open_ended)) == [("c001", "c002")]


@pytest.mark.parametrize("operating_against", ["facility_isolated", "withdrawal", "evacuation"])
def test_facility_operating_against_its_opposites(operating_against):
    claims = claims_frame(
        {"claim_id": "c001", "claim_type": "facility_operating"},
        {"claim_id": "c002", "claim_type": operating_against, "actor_id": ""},
    )
    assert pairs_of(claims) == {("c001", "c002"): f"facility_operating vs {operating_against}"}


def test_facility_operating_by_one_actor_and_withdrawal_of_another_do_not_clash():
    claims = claims_frame(
        {"claim_id": "c001", "claim_type": "facility_operating"},
        {"claim_id": "c002", "claim_type": "withdrawal", "actor_id": "iran"},
    )
    assert contradictions(claims).empty


def test_non_entry_against_entered_only_for_the_same_actor():
    claims = claims_frame(
        {"claim_id": "c001", "claim_type": "non_entry", "actor_id": "opposition"},
        {"claim_id": "c002", "claim_type": "entered", "actor_id": "opposition"},
        {"claim_id": "c003", "claim_type": "entered", "actor_id": "iran"},
        {"claim_id": "c004", "claim_type": "non_entry", "actor_id": "opposition"},
    )
    assert pairs_of(claims) == {("c001", "c002"): "non_entry vs entered", ("c002", "c004"): "non_entry vs entered"}


def test_each_pair_listed_once_in_numeric_id_order():
    claims = claims_frame(
        {"claim_id": "c1000", "actor_id": "opposition"}, {"claim_id": "c999"}, {"claim_id": "c002", "actor_id": "iran"}
    )
    assert list(pairs_of(claims)) == [("c002", "c999"), ("c002", "c1000"), ("c999", "c1000")]


def test_curated_link_written_on_one_side_is_found_from_both():
    # Different days and types no rule covers: only the curated link makes them clash.
    claims = claims_frame(
        {"claim_id": "c002", "claim_type": "pledge", "valid_to": "2024-12-01"},
        {
            "claim_id": "c001",
            "claim_type": "arrival",
            "valid_from": "2024-12-20",
            "place_id": "elsewhere",
            "contradicts": "c002|c404",
        },
    )
    assert contradictions(claims).to_dict("records") == [
        {"claim_a": "c001", "claim_b": "c002", "place_id": "elsewhere", "reason": "curated"}
    ]


def test_curated_and_rule_reasons_join_on_one_row():
    claims = claims_frame(
        {"claim_id": "c001", "claim_type": "facility_operating", "contradicts": "c002"},
        {"claim_id": "c002", "claim_type": "facility_isolated", "contradicts": "c001"},
    )
    assert pairs_of(claims) == {("c001", "c002"): "curated, facility_operating vs facility_isolated"}


def test_contradiction_line_names_both_claims_their_voices_and_the_reason():
    claims = claims_frame(
        {"claim_id": "c001", "statement": "Russia holds it.", "claimant": "kremlin_anon", "via": "tass>rybar"},
        {"claim_id": "c002", "statement": "Rebels hold it.", "actor_id": "opposition"},
    )
    assert contradiction_lines(claims).tolist() == [
        'base: c001 "Russia holds it." [kremlin_anon via tass > rybar] <> c002 "Rebels hold it." [tass]'
        " (control by different actors)"
    ]


def test_no_claims_no_contradictions():
    assert contradictions(claims_frame({"claim_id": "c001"}).iloc[:0]).empty


# --- corroboration ----------------------------------------------------------------------------


def support_of(claims: pd.DataFrame) -> dict[str, tuple[str, int, bool]]:
    rows = corroboration(claims).itertuples(index=False)
    return {row.claim_id: (row.supporting_claim_ids, row.independent_origins, row.corroborated) for row in rows}


def test_one_claimant_through_two_relays_is_one_origin():
    claims = claims_frame(
        {"claim_id": "c001", "claimant": "kremlin_anon", "via": "tass"},
        {"claim_id": "c002", "claimant": "kremlin_anon", "via": "reuters>bbc"},
        {"claim_id": "c003", "claimant": "rybar"},
    )
    assert support_of(claims) == {
        "c001": ("c002|c003", 1, True),
        "c002": ("c001|c003", 1, True),
        "c003": ("c001|c002", 1, True),
    }
    assert origin_of(claims).tolist() == ["kremlin_anon", "kremlin_anon", "rybar"]


def test_relayed_twice_alone_is_not_corroborated():
    claims = claims_frame(
        {"claim_id": "c001", "claimant": "kremlin_anon", "via": "tass"},
        {"claim_id": "c002", "claimant": "kremlin_anon", "via": "reuters"},
    )
    assert support_of(claims) == {"c001": ("c002", 0, False), "c002": ("c001", 0, False)}


def test_narrator_and_tass_are_two_origins():
    claims = claims_frame(
        {"claim_id": "c001", "claimant": "narrator", "source_id": "src1"},
        {"claim_id": "c002", "claimant": "tass", "source_id": "src1"},
        {"claim_id": "c003", "claimant": "rybar", "source_id": "src2"},
    )
    assert support_of(claims)["c003"] == ("c001|c002", 2, True)
    assert origin_of(claims).tolist() == ["src1", "tass", "rybar"]


def test_narrators_count_once_per_source():
    same_source = claims_frame(
        {"claim_id": "c001", "claimant": "narrator"}, {"claim_id": "c002", "claimant": "narrator"}
    )
    assert support_of(same_source)["c001"] == ("c002", 0, False)
    two_sources = claims_frame(
        {"claim_id": "c001", "claimant": "narrator"}, {"claim_id": "c002", "claimant": "narrator", "source_id": "src2"}
    )
    assert support_of(two_sources)["c001"] == ("c002", 1, True)


@pytest.mark.parametrize(
    "other",
    [
        {"place_id": "base_gov"},  # the governorate is another place
        {"claim_type": "entered"},
        {"actor_id": "opposition", "claim_type": "pledge"},
        {"valid_from": "2024-11-01", "valid_to": "2024-11-30"},
        {"contradicts": "c001"},  # a curated clash is never support
    ],
)
def test_what_is_not_support(other):
    claims = claims_frame(
        {"claim_id": "c001", "claim_type": "pledge"},
        {"claim_id": "c002", "claim_type": "pledge", "claimant": "rybar", **other},
    )
    assert support_of(claims) == {"c001": ("", 0, False), "c002": ("", 0, False)}


# --- attribution chains -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def bundled() -> dict[str, pd.DataFrame]:
    return {name: read_table(name) for name in ("claims", "speakers", "sources")}


def chain_of(bundled: dict[str, pd.DataFrame], claim_id: str) -> list[ChainLink]:
    claims = bundled["claims"].set_index("claim_id", drop=False)
    return attribution_chain(claims.loc[claim_id], bundled["speakers"], bundled["sources"])


def test_chain_of_a_relayed_anonymous_claim(bundled):
    links = chain_of(bundled, "c002")
    assert format_chain(links) == "anonymous Kremlin source → TASS → unknown outlet (src000)"
    assert [(link.id, link.kind, link.role) for link in links] == [
        ("kremlin_anon", "anonymous", "claimant"),
        ("tass", "state_news_agency", "relay"),
        ("src000", "publication", "publisher"),
    ]


def test_chain_of_the_narrator_is_the_publisher_alone(bundled):
    assert chain_of(bundled, "c001") == [ChainLink("src000", "unknown outlet", "publication", "claimant and publisher")]
    assert format_chain(chain_of(bundled, "c028")) == "unknown outlet (src000)"


def test_chain_of_a_direct_claim_and_a_broadcast_one(bundled):
    assert format_chain(chain_of(bundled, "c026")) == "Rybar (Telegram channel) → unknown outlet (src000)"
    assert format_chain(chain_of(bundled, "c031")) == (
        "rebel leadership (announcement) → Syrian state television → unknown outlet (src000)"
    )


def test_chain_with_a_named_outlet_and_two_relays(bundled):
    sources = bundled["sources"].assign(outlet="Meduza")
    claim = {"source_id": "src000", "claimant": "kremlin_anon", "via": "tass>rybar"}
    links = attribution_chain(claim, bundled["speakers"], sources)
    assert format_chain(links) == "anonymous Kremlin source → TASS → Rybar (Telegram channel) → Meduza (src000)"
    assert [link.role for link in links] == ["claimant", "relay", "relay", "publisher"]


# --- the bundled data -------------------------------------------------------------------------


def test_bundled_khmeimim_operating_contradicts_rybar_isolated(bundled):
    found = pairs_of(bundled["claims"])
    for operating in ("c010", "c020"):
        assert found[(operating, "c026")] == "curated, facility_operating vs facility_isolated"


def test_bundled_tartus_withdrawals_contradict_operating_normally(bundled):
    found = contradictions(bundled["claims"])
    tartus = found[found["place_id"] == "tartus_naval_base"]
    pairs = {frozenset(pair) for pair in tartus[["claim_a", "claim_b"]].itertuples(index=False)}
    assert pairs == {
        frozenset({operating, withdrawal}) for operating in ("c011", "c021") for withdrawal in ("c012", "c013", "c027")
    }
    assert set(tartus["reason"]) == {"curated, facility_operating vs withdrawal"}


def test_bundled_contested_places(bundled):
    claims = bundled["claims"]
    assert contested_on(contradictions(claims), claims, "2024-12-09") == {"khmeimim", "tartus_naval_base"}


def test_bundled_latakia_control_is_independently_corroborated(bundled):
    support = support_of(bundled["claims"])
    # tass_syria_source (c007) and regional_sources (c014, c015): two origins, though both via TASS.
    assert support["c007"] == ("c014|c015", 1, True)
    assert support["c014"] == ("c007|c015", 1, True)
    assert support["c015"] == ("c007|c014", 1, True)
    # Two narrator claims of one article back each other up but are one origin.
    assert support["c001"] == ("c030", 0, False)
    assert {claim_id for claim_id, (_, _, corroborated) in support.items() if corroborated} == {
        "c007",
        "c014",
        "c015",
        "c008",
        "c018",
        "c009",
        "c019",
        "c010",
        "c020",
        "c011",
        "c021",
        "c012",
        "c013",
        "c027",
    }
