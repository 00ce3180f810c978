import datetime as dt

import pandas as pd

from claimmap.views.timeline import selected_claim, shown_rows, timeline_chart, timeline_frame

CLAIMS = pd.DataFrame(
    {
        "claim_id": ["c1", "c2"],
        "place_id": ["aleppo", "khmeimim"],
        "actor_id": ["rebels", ""],
        "claim_type": ["entered", "arrival"],
        "statement": ["x", "y"],
        "valid_from": pd.to_datetime(["2024-11-21", "2024-12-08"]),
        "valid_to": pd.to_datetime([None, "2024-12-08"]),
        "date_precision": ["approximate", "day"],
    }
)
PLACE_NAMES = {"aleppo": "Aleppo", "khmeimim": "Khmeimim"}
ACTORS = pd.DataFrame({"actor_id": ["rebels"], "name": ["Rebels"], "color": ["#009E73"]})
ACTOR_NAMES = {"rebels": "Rebels"}


def test_open_ended_claims_run_to_the_last_day_and_vague_dates_are_marked():
    frame = timeline_frame(CLAIMS, PLACE_NAMES, ACTOR_NAMES, dt.date(2024, 12, 9)).set_index("claim_id")
    assert frame.at["c1", "end"] == pd.Timestamp("2024-12-10")  # through the last day inclusive
    assert frame.at["c2", "end"] == pd.Timestamp("2024-12-09")  # a one-day claim still has a width
    assert frame.at["c1", "dates"] == "vague" and frame.at["c2", "dates"] == "day"
    assert frame.at["c2", "actor"] == "not named"


def test_chart_marks_the_chosen_day():
    spec = timeline_chart(
        timeline_frame(CLAIMS, PLACE_NAMES, ACTOR_NAMES, dt.date(2024, 12, 9)), ACTORS, dt.date(2024, 12, 1)
    ).to_dict()
    assert any(layer["mark"]["type"] == "rule" for layer in spec["layer"])
    assert "2024-12-01" in str(spec["datasets"])


def test_selected_bar_gives_its_claim():
    assert selected_claim({"selection": {"claim": [{"claim_id": "c2"}]}}) == "c2"
    assert selected_claim({"selection": {"claim": []}}) is None
    assert selected_claim({"selection": {"claim": [{"claim_id": 3}]}}) is None  # not an id the chart sent
    assert selected_claim(None) is None


def test_the_selected_claim_is_outlined_and_only_it():
    frame = timeline_frame(CLAIMS, PLACE_NAMES, ACTOR_NAMES, dt.date(2024, 12, 9))
    spec = timeline_chart(frame, ACTORS, dt.date(2024, 12, 1), selected="c2").to_dict()
    (bars,) = [layer for layer in spec["layer"] if layer["mark"]["type"] == "bar"]
    assert bars["encoding"]["strokeWidth"]["condition"] == {"test": "datum.selected", "value": 3.5}
    rows = next(iter(spec["datasets"].values()))
    assert {r["claim_id"]: r["selected"] for r in rows} == {"c1": False, "c2": True}


def test_a_selected_claim_past_the_shown_rows_is_still_on_the_chart():
    frame = pd.DataFrame({"claim_id": [f"c{i}" for i in range(10)], "row": list("abcdefghij")})
    assert list(shown_rows(frame, "c8", 4)["claim_id"]) == ["c0", "c1", "c2", "c8"]
    assert list(shown_rows(frame, "c1", 4)["claim_id"]) == ["c0", "c1", "c2", "c3"]
    assert list(shown_rows(frame, "gone", 4)["claim_id"]) == ["c0", "c1", "c2", "c3"]
    assert list(shown_rows(frame, None, 4)["claim_id"]) == ["c0", "c1", "c2", "c3"]
