"""Attribution chains, independent corroboration and contradictions: rules on small made-up
frames (each built so that a plausible bug changes the answer), then the bundled data."""

from __future__ import annotations

import pandas as pd
import pytest

from claimmap.analysis.provenance import (
    ChainLink,
    attribution_chain,
    chain_texts,
    contradiction_lines,
    contradictions,
    format_chain,
    format_voice,
    origin_of,
    provenance,
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
    assert contradiction_lines(claims, contradictions(claims)).tolist() == [
        'base: c001 "Russia holds it." [kremlin_anon via tass > rybar] <> c002 "Rebels hold it." [tass]'
        " (control by different actors)"
    ]


def test_no_claims_no_contradictions():
    assert contradictions(claims_frame({"claim_id": "c001"}).iloc[:0]).empty


# --- origins and corroboration ---------------------------------------------------------------

SPEAKERS = pd.DataFrame(
    [
        ("narrator", "the source's own narration", "narrator"),
        ("tass", "TASS", "state_news_agency"),
        ("reuters", "Reuters", "state_news_agency"),
        ("bbc", "BBC", "broadcaster"),
        ("rybar", "Rybar", "partisan_channel"),
        ("gur", "GUR", "intelligence_service"),
        ("kremlin_anon", "anonymous Kremlin source", "anonymous"),
        ("regional_sources", "regional sources", "anonymous"),
        ("rumors", "unattributed rumors", "unattributed"),
        ("unknown", "unconfirmed reports", "unattributed"),
    ],
    columns=["speaker_id", "name", "kind"],
)


def support_of(claims: pd.DataFrame, day=None) -> dict[str, tuple[str, int, bool]]:
    """claim_id -> (origins, independent_origins, corroborated), among the claims holding on `day` if given."""
    rows = provenance(claims, SPEAKERS).among(claims, day).corroboration().itertuples(index=False)
    return {row.claim_id: (row.origins, row.independent_origins, row.corroborated) for row in rows}


@pytest.mark.parametrize(
    "claimant, via, source_id, origin",
    [
        ("rybar", "", "src1", "rybar"),  # a named claimant heard directly
        ("rybar", "tass>bbc", "src1", "rybar"),  # relays never change a named claimant's origin
        ("kremlin_anon", "tass", "src1", "tass"),  # an anonymous one: the agency that relays it
        ("kremlin_anon", "regional_sources>reuters", "src1", "reuters"),  # the first relay that can be known
        ("kremlin_anon", "", "src1", "src1"),  # heard by the document itself
        ("narrator", "", "src2", "src2"),  # the document's own voice
        ("rumors", "", "src1", ""),  # unattributed: no origin
        ("unknown", "tass", "src1", ""),  # relaying an unattributed claim gives it none
    ],
)
def test_origin_is_the_first_link_that_can_be_known(claimant, via, source_id, origin):
    claims = claims_frame({"claim_id": "c001", "claimant": claimant, "via": via, "source_id": source_id})
    assert origin_of(claims, SPEAKERS).tolist() == [origin]


def test_one_named_claimant_through_two_relays_is_one_origin():
    claims = claims_frame(
        {"claim_id": "c001", "claimant": "rybar", "via": "tass"},
        {"claim_id": "c002", "claimant": "rybar", "via": "reuters>bbc"},
        {"claim_id": "c003", "claimant": "gur"},
    )
    assert support_of(claims) == {"c001": ("gur", 1, True), "c002": ("gur", 1, True), "c003": ("rybar", 1, True)}
    support = provenance(claims, SPEAKERS).corroboration().set_index("claim_id")
    assert support.loc["c001", "same_origin_claims"] == "c002"
    assert support.loc["c003", "supporting_claim_ids"] == "c001|c002"


def test_two_anonymous_sources_behind_one_agency_are_one_origin():
    claims = claims_frame(
        {"claim_id": "c001", "claimant": "kremlin_anon", "via": "tass"},
        {"claim_id": "c002", "claimant": "regional_sources", "via": "tass"},
        {"claim_id": "c003", "claimant": "tass"},  # the agency's own word is the same origin
    )
    assert support_of(claims) == {"c001": ("", 0, False), "c002": ("", 0, False), "c003": ("", 0, False)}
    support = provenance(claims, SPEAKERS).corroboration().set_index("claim_id")
    assert support.loc["c003", "same_origin_claims"] == "c001|c002"
    # Heard through a second, independent agency, the same words gain an origin.
    claims = pd.concat([claims, claims_frame({"claim_id": "c004", "claimant": "regional_sources", "via": "reuters"})])
    assert support_of(claims)["c001"] == ("reuters", 1, True)


def test_unattributed_claims_add_no_origin_and_are_not_corroborated_by_one():
    claims = claims_frame(
        {"claim_id": "c001", "claimant": "tass"},
        {"claim_id": "c002", "claimant": "rumors"},
        {"claim_id": "c003", "claimant": "unknown", "source_id": "src2"},
    )
    support = provenance(claims, SPEAKERS).corroboration().set_index("claim_id")
    assert support.loc["c001", ["independent_origins", "corroborated", "unattributed_claims"]].tolist() == [
        0,
        False,
        "c002|c003",
    ]
    # The rumour hears TASS say the same, but only one known origin stands behind it.
    assert support.loc["c002", ["independent_origins", "origins", "corroborated"]].tolist() == [1, "tass", False]
    with_rybar = pd.concat([claims, claims_frame({"claim_id": "c004", "claimant": "rybar"})])
    assert support_of(with_rybar)["c002"] == ("rybar|tass", 2, True)


def test_narrator_and_tass_are_two_origins():
    claims = claims_frame(
        {"claim_id": "c001", "claimant": "narrator", "source_id": "src1"},
        {"claim_id": "c002", "claimant": "tass", "source_id": "src1"},
        {"claim_id": "c003", "claimant": "rybar", "source_id": "src2"},
    )
    assert support_of(claims)["c003"] == ("src1|tass", 2, True)


def test_narrators_count_once_per_source():
    same_source = claims_frame(
        {"claim_id": "c001", "claimant": "narrator"}, {"claim_id": "c002", "claimant": "narrator"}
    )
    assert support_of(same_source)["c001"] == ("", 0, False)
    two_sources = claims_frame(
        {"claim_id": "c001", "claimant": "narrator"}, {"claim_id": "c002", "claimant": "narrator", "source_id": "src2"}
    )
    assert support_of(two_sources)["c001"] == ("src2", 1, True)


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


def test_a_later_claim_does_not_corroborate_an_earlier_day():
    claims = claims_frame(
        {"claim_id": "c001", "claim_type": "withdrawal", "claimant": "gur", "valid_from": "2024-12-08"},
        {"claim_id": "c002", "claim_type": "withdrawal", "claimant": "rybar", "valid_from": "2024-12-11"},
    )
    assert support_of(claims, "2024-12-08") == {"c001": ("", 0, False)}  # c002 does not hold yet
    assert support_of(claims, "2024-12-11") == {"c001": ("rybar", 1, True), "c002": ("gur", 1, True)}
    # Without a day, each claim over its own dates: the two overlap from the 11th.
    assert support_of(claims)["c001"] == ("rybar", 1, True)


def test_among_a_view_leaves_out_the_claims_filtered_away():
    claims = claims_frame(
        {"claim_id": "c001", "claimant": "gur"},
        {"claim_id": "c002", "claimant": "rybar"},
        {"claim_id": "c003", "actor_id": "opposition"},
    )
    everything = provenance(claims, SPEAKERS)
    view = everything.among(claims[claims["claim_id"] != "c002"])
    assert view.corroboration()["claim_id"].tolist() == ["c001", "c003"]
    assert view.corroborated_claims() == frozenset()
    assert everything.corroborated_claims() == {"c001", "c002"}
    assert view.pairs[["claim_a", "claim_b"]].values.tolist() == [["c001", "c003"]]


def test_a_panels_narrow_provenance_among_all_claims_keeps_support_and_clashes_from_outside_it():
    claims = claims_frame(
        {"claim_id": "c001", "claimant": "gur"},
        {"claim_id": "c002", "claimant": "rybar", "valid_to": "2024-12-05"},  # backs c001 up until the 5th
        {"claim_id": "c003", "actor_id": "opposition", "valid_from": "2024-12-03"},  # contradicts it from the 3rd
        *({"claim_id": f"c{n:03d}", "place_id": f"town{n}"} for n in range(4, 30)),  # many claims elsewhere
    )
    everything = provenance(claims, SPEAKERS)
    narrow = everything.of_claims(pd.Series(["c001"]))  # what place_dossier keeps of c001's provenance
    for day in (None, "2024-12-01", "2024-12-04", "2024-12-06"):
        whole, part = everything.among(claims, day), narrow.among(claims, day)
        about_c001 = (whole.pairs["claim_a"] == "c001") | (whole.pairs["claim_b"] == "c001")
        assert part.pairs.values.tolist() == whole.pairs[about_c001].values.tolist()
        assert part.links.values.tolist() == whole.links[whole.links["claim_id"] == "c001"].values.tolist()
    assert narrow.among(claims, "2024-12-04").links["supporter"].tolist() == ["c002"]
    assert narrow.among(claims, "2024-12-04").pairs[["claim_a", "claim_b"]].values.tolist() == [["c001", "c003"]]
    assert narrow.among(claims, "2024-12-06").links.empty


# --- contested: one definition ------------------------------------------------------------------


def test_contested_on_a_day_only_while_both_sides_hold():
    claims = claims_frame(
        {"claim_id": "c001", "claim_type": "facility_operating", "valid_to": "2024-12-03"},
        {"claim_id": "c002", "claim_type": "facility_isolated", "valid_from": "2024-12-03", "claimant": "rybar"},
    )
    everything = provenance(claims, SPEAKERS)
    assert everything.among(claims, "2024-12-03").contested_places() == {"base"}
    assert everything.among(claims, "2024-12-04").contested_places() == frozenset()
    assert everything.among(claims, "2024-12-02").pairs.empty


def test_a_curated_link_across_places_is_seen_from_both_places_and_only_while_both_hold():
    claims = claims_frame(
        {"claim_id": "c001", "claim_type": "facility_operating", "place_id": "base", "contradicts": "c002"},
        {"claim_id": "c002", "claim_type": "withdrawal", "place_id": "port", "valid_from": "2024-12-05"},
        {"claim_id": "c003", "claim_type": "control", "place_id": "town"},
    )
    everything = provenance(claims, SPEAKERS)
    assert everything.sides()[["claim_id", "other", "place_id", "reason"]].values.tolist() == [
        ["c001", "c002", "base", "curated"],
        ["c002", "c001", "port", "curated"],
    ]
    assert everything.contested_places() == {"base", "port"}  # over all time, whatever the dates
    assert everything.among(claims, "2024-12-04").contested_places() == frozenset()
    assert everything.among(claims, "2024-12-05").contested_places() == {"base", "port"}


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


def test_chain_texts_are_each_claims_own_chain_and_voice(bundled):
    """Worked out once per distinct voice and merged back: each row must still be its own claim's."""
    claims = bundled["claims"]
    texts = chain_texts(claims, bundled["speakers"], bundled["sources"])
    assert texts.index.equals(claims.index)
    for (_, claim), chain, voice in zip(claims.iterrows(), texts["chain"], texts["voice"]):
        links = attribution_chain(claim, bundled["speakers"], bundled["sources"])
        assert (chain, voice) == (format_chain(links), format_voice(links))
    assert texts["chain"].nunique() > 3  # the bundled claims have several voices


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
    claims, speakers = bundled["claims"], bundled["speakers"]
    everything = provenance(claims, speakers)
    assert everything.among(claims, "2024-12-09").contested_places() == {"khmeimim", "tartus_naval_base"}
    # On the 8th, the withdrawal claims hold but "operating normally" is only said of the 9th.
    assert everything.among(claims, "2024-12-08").contested_places() == frozenset()


def test_bundled_corroboration_counts_tass_once(bundled):
    claims, speakers = bundled["claims"], bundled["speakers"]
    support = provenance(claims, speakers).corroboration().set_index("claim_id")
    # tass_syria_source (c007) and regional_sources (c014, c015) are both anonymous and heard
    # only through TASS: one origin, so Latakia's control is not independently corroborated.
    assert support.loc["c007", ["origin", "independent_origins", "same_origin_claims"]].tolist() == [
        "tass",
        0,
        "c014|c015",
    ]
    # Two narrator claims of one article back each other up but are one origin.
    assert support.loc["c001", ["origin", "same_origin_claims", "corroborated"]].tolist() == ["src000", "c030", False]
    # Only the Tartus withdrawal has independent voices: GUR, OSINT observers and Rybar.
    assert set(support.index[support["corroborated"]]) == {"c012", "c013", "c027"}
    assert support.loc["c027", "origins"] == "osint_observers|ukraine_gur"
    assert support.loc["c037", "origin"] == ""  # the rumour
