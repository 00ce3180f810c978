"""Every day's map state worked out once (daystate) is what the direct computation of that day
gives: on the fixture data, day by day, and where a claim of another place changes a place's state."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from claimmap.analysis.asof import claim_date_span, facility_status, place_states
from claimmap.analysis.daystate import DayStates, day_states
from claimmap.analysis.provenance import chain_texts, provenance


def assert_same_every_day(claims: pd.DataFrame, places: pd.DataFrame, speakers: pd.DataFrame, sources: pd.DataFrame):
    """day_states(...).on(day) against place_states and facility_status of that day, from the day
    before the first claim to two days after the last."""
    voices = chain_texts(claims, speakers, sources).set_axis(claims["claim_id"])["voice"]
    worked_out = provenance(claims, speakers)
    table = day_states(claims, places, worked_out, voices)
    span = claim_date_span(claims)
    assert span is not None
    day = span[0] - dt.timedelta(days=1)
    while day <= span[1] + dt.timedelta(days=2):
        on_day = worked_out.among(claims, day)
        corroborated = on_day.corroborated_claims()
        states = place_states(claims, day, contested=on_day.contested_places(), corroborated=corroborated)
        statuses = facility_status(claims, places, day, voices)
        from_table, statuses_from_table = table.on(day)
        pd.testing.assert_frame_equal(from_table, states, obj=f"states on {day}")
        # An empty frame's index has no inferred type to compare.
        pd.testing.assert_frame_equal(
            statuses_from_table, statuses, check_index_type=not statuses.empty, obj=f"statuses on {day}"
        )
        day += dt.timedelta(days=1)
    return table


def test_every_day_of_the_fixture_data_equals_the_direct_computation(bundled_dataset):
    ds = bundled_dataset
    table = assert_same_every_day(ds.claims, ds.places, ds.tables.speakers, ds.tables.sources)
    # The fixture data exercises what the table keeps: control, statuses, contested, corroborated.
    assert table.table["contested"].any() and table.table["corroborated"].any()
    assert (table.table["status"] != "").any() and (table.table["actor_id"] != "").any()


def test_a_contradicting_claim_elsewhere_changes_the_state_on_its_own_days(bundled_dataset):
    """Jableh's only claim starts on 12-01; a claim about Moscow linked to it as contradicting
    holds 12-05..12-07. Jableh is contested on exactly those days, none of them a day of its own."""
    ds = bundled_dataset
    template = ds.claims[ds.claims["claim_id"] == "c001"]
    extra = pd.concat(
        [
            template.assign(
                claim_id="c901",
                place_id="jableh",
                actor_id="hts",
                valid_from=pd.Timestamp("2024-12-01"),
                valid_to=pd.NaT,
                contradicts="c902",
            ),
            template.assign(
                claim_id="c902",
                place_id="moscow",
                actor_id="russia",
                valid_from=pd.Timestamp("2024-12-05"),
                valid_to=pd.Timestamp("2024-12-07"),
                contradicts="",
            ),
        ]
    )
    claims = pd.concat([ds.claims[~ds.claims["place_id"].isin(["jableh", "moscow"])], extra], ignore_index=True)
    table = assert_same_every_day(claims, ds.places, ds.tables.speakers, ds.tables.sources)
    contested = {day: table.on(day)[0].at["jableh", "contested"] for day in ("2024-12-04", "2024-12-05", "2024-12-07")}
    assert contested == {"2024-12-04": False, "2024-12-05": True, "2024-12-07": True}
    assert not table.on("2024-12-08")[0].at["jableh", "contested"]


def test_a_day_before_every_claim_has_no_places(bundled_dataset):
    ds = bundled_dataset
    table = day_states(ds.claims, ds.places, ds.provenance, ds.chains["voice"])
    states, statuses = table.on("2000-01-01")
    assert states.empty and statuses.empty
    assert isinstance(table, DayStates)


@pytest.mark.parametrize("day", ["2024-12-08", "2024-12-10"])
def test_each_place_has_one_row_on_a_day(bundled_dataset, day):
    ds = bundled_dataset
    states, _ = day_states(ds.claims, ds.places, ds.provenance, ds.chains["voice"]).on(day)
    assert states.index.is_unique and not states.empty
