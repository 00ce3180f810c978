import datetime as dt

import pandas as pd
import pytest

from claimmap.analysis.asof import (
    claim_date_span,
    claims_as_of,
    claims_per_day,
    claims_started,
    day_holding,
    day_within,
    facility_status,
    governorate_control,
    holds_on,
    latest_control,
    place_states,
)


@pytest.fixture
def bundled(bundled_dataset):
    return bundled_dataset


def claims(*rows):
    """Small claims frames: (claim_id, place_id, actor_id, claim_type, valid_from, valid_to, precision)."""
    frame = pd.DataFrame(
        rows, columns=["claim_id", "place_id", "actor_id", "claim_type", "valid_from", "valid_to", "date_precision"]
    )
    for column in ("valid_from", "valid_to"):
        frame[column] = pd.to_datetime(frame[column])
    frame["reported_on"] = pd.NaT
    frame["hedge"] = "stated"
    return frame


@pytest.mark.parametrize(
    "day, expected",
    [
        ("2024-12-01", False),  # the day before valid_from
        ("2024-12-02", True),  # valid_from itself counts
        ("2024-12-05", True),  # valid_to itself counts
        ("2024-12-06", False),  # the day after valid_to
    ],
)
def test_validity_bounds_are_inclusive(day, expected):
    frame = claims(("c1", "p", "a", "control", "2024-12-02", "2024-12-05", "day"))
    assert holds_on(frame, day).tolist() == [expected]


def test_blank_valid_to_means_still_holding():
    frame = claims(("c1", "p", "a", "control", "2024-12-02", None, "day"))
    assert holds_on(frame, "2030-01-01").tolist() == [True]


def test_bundled_span_runs_from_late_november_to_publication(bundled):
    assert claim_date_span(bundled.claims) == (dt.date(2024, 11, 21), dt.date(2024, 12, 9))


def test_bundled_claims_early_in_the_offensive(bundled):
    holding = set(claims_as_of(bundled.claims, dt.date(2024, 11, 25))["claim_type"])
    started = claims_started(bundled.claims, dt.date(2024, 11, 25))
    assert "offensive" in holding and "facility_isolated" not in holding
    assert "facility_isolated" not in set(started["claim_type"])


def test_latest_control_wins_and_follows_the_date():
    frame = claims(
        ("c1", "p", "rebels", "control", "2024-12-01", None, "day"),
        ("c2", "p", "government", "control", "2024-12-05", None, "day"),
        ("c3", "p", "russia", "pledge", "2024-12-07", None, "day"),
    )  # not a control claim
    assert latest_control(claims_as_of(frame, "2024-12-03")).loc["p", "actor_id"] == "rebels"
    assert latest_control(claims_as_of(frame, "2024-12-08")).loc["p", "actor_id"] == "government"


def test_place_state_is_uncertain_when_its_control_date_is_vague():
    frame = claims(
        ("c1", "p", "rebels", "control", "2024-11-21", None, "approximate"),
        ("c2", "q", "rebels", "control", "2024-11-21", None, "day"),
        ("c3", "r", "", "arrival", "2024-11-21", "2024-11-30", "approximate"),
    )
    states = place_states(frame, "2024-11-25")
    assert states["uncertain"].to_dict() == {"p": True, "q": False, "r": True}
    assert states.loc["r", "actor_id"] == ""


def test_place_state_flags_come_from_the_given_sets():
    frame = claims(
        ("c1", "p", "rebels", "control", "2024-11-21", None, "day"),
        ("c2", "q", "rebels", "control", "2024-11-21", None, "day"),
    )
    states = place_states(frame, "2024-11-25", contested={"p"}, corroborated={"c2"})
    assert states["contested"].to_dict() == {"p": True, "q": False}
    assert states["corroborated"].to_dict() == {"p": False, "q": True}


def test_places_appear_only_once_a_claim_has_started(bundled):
    early = place_states(bundled.claims, "2024-11-21").index
    late = place_states(bundled.claims, "2024-12-09").index
    assert "khmeimim" not in early and "khmeimim" in late


def test_city_claims_never_shade_a_province():
    places = pd.DataFrame({"place_id": ["gov", "city"], "kind": ["governorate", "city"], "iso_code": ["SY-TA", ""]})
    only_city = claims(("c1", "city", "rebels", "control", "2024-12-08", None, "day"))
    assert governorate_control(only_city, places, "2024-12-09").empty
    with_gov = claims(
        ("c1", "city", "rebels", "control", "2024-12-08", None, "day"),
        ("c2", "gov", "rebels", "control", "2024-12-08", None, "approximate"),
    )
    shaded = governorate_control(with_gov, places, "2024-12-09")
    assert shaded[["place_id", "iso_code", "actor_id", "uncertain"]].values.tolist() == [
        ["gov", "SY-TA", "rebels", True]
    ]


FACILITIES = pd.DataFrame({"place_id": ["base", "town"], "kind": ["naval_base", "city"]})


def test_a_claim_about_parts_of_a_place_never_makes_it_held(bundled):
    frame = claims(
        ("c1", "p", "rebels", "control", "2024-11-21", None, "approximate"),
        ("c2", "q", "government", "control", "2024-11-01", None, "day"),
        ("c3", "q", "rebels", "control", "2024-11-21", None, "day"),
        ("c4", "r", "rebels", "control", "2024-11-21", None, "day"),
        ("c5", "r", "government", "control", "2024-11-01", None, "day"),
    ).assign(scope=["part", "", "part", "whole", "part"])
    states = place_states(frame, "2024-11-25")
    assert states.loc["p", ["actor_id", "partial_actor_id", "uncertain"]].tolist() == ["", "rebels", True]
    # held as a whole by one side, and a newer claim of parts by the other: both are said
    assert states.loc["q", ["actor_id", "partial_actor_id"]].tolist() == ["government", "rebels"]
    # a claim of parts older than the whole-place claim is superseded
    assert states.loc["r", ["actor_id", "partial_actor_id"]].tolist() == ["rebels", ""]
    # the bundled article: "several other major cities" from late November, power over Syria on 9 December
    syria = place_states(bundled.claims, "2024-12-05").loc["syria"]
    assert (syria["actor_id"], syria["partial_actor_id"]) == ("", "opposition")
    assert place_states(bundled.claims, "2024-12-09").loc["syria", "actor_id"] == "opposition"


def test_a_governorate_claimed_in_parts_is_marked_partial():
    places = pd.DataFrame({"place_id": ["gov", "gov2"], "kind": ["governorate"] * 2, "iso_code": ["SY-TA", "SY-LA"]})
    frame = claims(
        ("c1", "gov", "rebels", "control", "2024-12-08", None, "day"),
        ("c2", "gov2", "rebels", "control", "2024-12-08", None, "day"),
        ("c3", "gov2", "government", "control", "2024-12-01", None, "day"),
    ).assign(scope=["part", "part", "whole"])
    shaded = governorate_control(frame, places, "2024-12-09").set_index("place_id")
    assert shaded.loc["gov", ["actor_id", "partial"]].tolist() == ["rebels", True]
    assert shaded.loc["gov2", ["actor_id", "partial"]].tolist() == ["government", False]  # the whole is held


def test_facility_status_names_each_claimed_state_and_who_claims_it():
    frame = claims(
        ("c1", "base", "russia", "facility_operating", "2024-12-08", None, "day"),
        ("c2", "base", "russia", "facility_operating", "2024-12-09", None, "day"),
        ("c3", "base", "russia", "withdrawal", "2024-12-09", None, "day"),
        ("c4", "base", "", "evacuation", "2024-12-09", None, "day"),
        ("c5", "base", "opposition", "pledge", "2024-12-09", None, "day"),  # no state of the base
        ("c6", "town", "russia", "withdrawal", "2024-12-09", None, "day"),  # not a facility
    )
    voices = pd.Series(["TASS", "Rybar", "GUR", "Flightradar24", "TASS", "TASS"], index=frame["claim_id"])
    status = facility_status(frame, FACILITIES, "2024-12-09", voices)
    assert status.to_dict("index") == {
        "base": {
            "status": "operating withdrawing",
            "status_text": "operating: TASS; Rybar · withdrawal or evacuation under way: GUR; Flightradar24",
            # of the status claims starting last (c2, c3, c4), c4 names no actor: c3, the higher id
            "status_actor": "russia",
        }
    }


def test_facility_status_follows_the_day():
    frame = claims(
        ("c1", "base", "russia", "facility_operating", "2024-12-01", "2024-12-08", "day"),
        ("c2", "base", "opposition", "entered", "2024-12-09", None, "day"),
    )
    voices = pd.Series(["TASS", "rebels"], index=frame["claim_id"])
    assert facility_status(frame, FACILITIES, "2024-12-08", voices)["status"].to_dict() == {"base": "operating"}
    on_9th = facility_status(frame, FACILITIES, "2024-12-09", voices)
    assert on_9th.loc["base"].to_dict() == {
        "status": "entered",
        "status_text": "entered or taken: rebels",
        "status_actor": "opposition",
    }
    assert facility_status(frame, FACILITIES, "2024-11-30", voices).empty


@pytest.mark.parametrize(
    "text, expected",
    [
        (None, dt.date(2024, 12, 9)),  # no parameter: the latest day
        ("yesterday", dt.date(2024, 12, 9)),  # garbage in a shared URL must not crash the page
        ("2024-02-30", dt.date(2024, 12, 9)),  # impossible date
        ("2023-01-01", dt.date(2024, 11, 21)),  # before the first claim: clamped
        ("2024-12-01", dt.date(2024, 12, 1)),
    ],
)
def test_day_from_url(text, expected):
    assert day_within(text, dt.date(2024, 11, 21), dt.date(2024, 12, 9)) == expected


@pytest.mark.parametrize(
    "valid_to, day, expected",
    [
        ("2024-12-05", "2024-12-04", "2024-12-04"),  # holding on the day: the day stays
        ("2024-12-05", "2024-11-25", "2024-12-02"),  # not yet begun: its first day
        ("2024-12-05", "2024-12-09", "2024-12-05"),  # over: its last day
        (None, "2024-12-09", "2024-12-09"),  # still holding
    ],
)
def test_a_picked_claim_is_seen_on_a_day_it_holds(valid_to, day, expected):
    shown = day_holding(
        pd.Timestamp("2024-12-02"), pd.Timestamp(valid_to), dt.date.fromisoformat(day), dt.date(2024, 12, 9)
    )
    assert shown == dt.date.fromisoformat(expected)


def test_place_is_doubtful_only_when_no_holding_claim_is_firmer():
    frame = claims(
        ("c1", "p", "", "arrival", "2024-12-08", None, "night"),
        ("c2", "p", "", "evacuation", "2024-12-08", None, "night"),
        ("c3", "q", "", "arrival", "2024-12-08", None, "day"),
        ("c4", "q", "", "withdrawal", "2024-12-08", None, "day"),
    )
    frame["doubt"] = ["alleged", "presumed", "rumored", "reported"]
    assert place_states(frame, "2024-12-09")["doubtful"].to_dict() == {"p": True, "q": False}


def test_claims_per_day_counts_the_days_claims_begin_with_the_quiet_days_as_zero():
    frame = claims(
        ("c1", "p", "a", "control", "2024-12-02 00:00:00", None, "day"),
        ("c2", "p", "a", "control", "2024-12-04 15:30:00", "2024-12-06 00:00:00", "day"),  # a time of day is that day
        ("c3", "q", "a", "control", "2024-12-04 00:00:00", None, "day"),
    )
    counts = claims_per_day(frame, (dt.date(2024, 12, 1), dt.date(2024, 12, 5)))
    assert list(counts.index.date) == [dt.date(2024, 12, d) for d in range(1, 6)]
    assert counts.tolist() == [0, 1, 0, 2, 0]
