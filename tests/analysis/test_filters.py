import pandas as pd
import pytest

from claimmap.analysis.filters import FACETS, ClaimFilter, filter_choices

CLAIMS = pd.DataFrame(
    {
        "claim_id": ["c1", "c2", "c3", "c4"],
        "place_id": ["tartus", "khmeimim", "khmeimim", "syria"],
        "actor_id": ["rebels", "russia", "russia", ""],
        "claimant": ["kremlin_anon", "rybar", "ukraine_gur", "rumors"],
        "via": ["tass", "", "osint>tass", ""],
        "claim_type": ["pledge", "facility_isolated", "withdrawal", "evacuation"],
        "doubt": ["reported", "reported", "reported", "rumored"],
        "reliability": ["F", "C", "C", "F"],
        "source_id": ["src000", "src000", "src001", "src001"],
    }
)


@pytest.mark.parametrize(
    "facets, expected",
    [
        ({}, ["c1", "c2", "c3", "c4"]),  # no facet: everything
        ({"actor": ("russia",)}, ["c2", "c3"]),
        ({"hedge": ("stated", "reported", "alleged", "presumed")}, ["c1", "c2", "c3"]),  # hide rumors
        ({"relay": ("tass",)}, ["c1", "c3"]),  # any link of a multi-link chain counts
        ({"relay": ("osint",)}, ["c3"]),
        ({"reliability": ("C",), "source": ("src001",)}, ["c3"]),  # facets combine with AND
        ({"claimant": ("nobody",)}, []),
        ({"claimant": ()}, ["c1", "c2", "c3", "c4"]),  # a facet given no values does not restrict
    ],
)
def test_filter_mask(facets, expected):
    assert ClaimFilter(facets).apply(CLAIMS)["claim_id"].tolist() == expected


def test_filters_round_trip_through_the_url():
    chosen = ClaimFilter({"actor": ("russia",), "hedge": ("alleged", "reported")})
    query = chosen.to_query()
    assert query == {"actor": "russia", "hedge": "alleged,reported"}
    choices = {"actor": ["rebels", "russia"], "hedge": ["reported", "alleged", "rumored"]}
    restored = ClaimFilter.from_query(query, choices)
    assert set(restored.allowed["actor"]) == {"russia"} and set(restored.allowed["hedge"]) == {"alleged", "reported"}


def test_unknown_values_in_a_link_are_dropped():
    """A hostile or stale URL must not put unknown values into the widgets."""
    restored = ClaimFilter.from_query({"actor": "russia,<script>,nobody"}, {"actor": ["russia"]})
    assert restored == ClaimFilter({"actor": ("russia",)})


def test_a_misspelt_facet_is_an_error_not_an_ignored_filter():
    with pytest.raises(ValueError, match="no facet actors"):
        ClaimFilter({"actors": ("russia",)})


def test_choices_list_every_value_once():
    choices = filter_choices(CLAIMS)
    assert list(choices) == [facet.key for facet in FACETS]
    assert choices["relay"] == ["osint", "tass"]
    assert choices["hedge"] == ["reported", "rumored"]  # in order of doubt, not alphabetical
    assert "" not in choices["actor"]


def test_the_cache_key_is_equal_for_equal_filters_and_differs_for_other_choices():
    key = ClaimFilter({"actor": ["russia", "sy_opposition"]}).cache_key()
    assert key == ClaimFilter({"actor": ["russia", "sy_opposition"], "hedge": []}).cache_key()
    assert key != ClaimFilter({"actor": ["russia"]}).cache_key()
    assert key != ClaimFilter({"claimant": ["russia", "sy_opposition"]}).cache_key()
    assert key != ClaimFilter({"actor": ["russia", "sy_opposition"]}, facets=FACETS[:2]).cache_key()
