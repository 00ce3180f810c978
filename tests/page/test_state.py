"""Page state and its URL, without Streamlit: plain dicts stand in for the session and the URL."""

import datetime as dt

import pandas as pd
import pytest

from claimmap.analysis.dataset import ClaimPlaces
from claimmap.analysis.filters import FACETS, ClaimFilter, Facet, filter_choices
from claimmap.page.state import (
    CLAIM_KEY,
    DAY_KEY,
    PLACE_KEY,
    PLAY_CLOCK_KEY,
    PLAY_SPEED_KEY,
    PLAYING_KEY,
    URL_WRITTEN_KEY,
    VIEW_KEY,
    PageState,
    filter_key,
    playback_timer,
    restart_playback_clock,
    seed_session,
    set_selected_claim,
    set_selected_place,
    start_playback,
    stop_playback,
    sync_url,
    take_playback_step,
    url_params,
)

SPAN = (dt.date(2024, 11, 21), dt.date(2024, 12, 9))
PLACES = ["khmeimim", "syria"]
CHOICES = {"actor": ["rebels", "russia"], "hedge": ["reported", "rumored"]}
CLAIM_PLACES = {"c001": "syria", "c010": "khmeimim", "c099": "atlantis"}


def from_url(**params: str) -> PageState:
    return PageState.from_url(params, span=SPAN, places=PLACES, choices=CHOICES, claim_places=CLAIM_PLACES)


def test_a_link_gives_its_day_place_view_and_filters():
    state = from_url(date="2024-11-25", place="syria", view="timeline", actor="russia", hedge="rumored,reported")
    assert state == PageState(
        dt.date(2024, 11, 25),
        "syria",
        "timeline",
        ClaimFilter({"actor": ("russia",), "hedge": ("reported", "rumored")}),
    )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, PageState(SPAN[1])),  # no link: the last day, the map, nothing selected or filtered
        ({"date": "2024-13-40"}, PageState(SPAN[1])),
        ({"date": "2020-01-01"}, PageState(SPAN[0])),  # kept inside the claims' dates
        ({"place": "atlantis"}, PageState(SPAN[1])),  # not a place with claims
        ({"view": "<script>"}, PageState(SPAN[1])),
        ({"claim": "c404"}, PageState(SPAN[1])),  # not a claim
        ({"claim": "c099"}, PageState(SPAN[1])),  # a claim about a place not on the map
        ({"claim": "c010", "place": "syria"}, PageState(SPAN[1], "khmeimim", claim="c010")),  # its own place
        ({"actor": "russia,nobody"}, PageState(SPAN[1], claim_filter=ClaimFilter({"actor": ("russia",)}))),
    ],
)
def test_a_stale_or_hostile_link_falls_back_to_what_the_data_allows(params, expected):
    assert from_url(**params) == expected


def test_a_links_claim_is_looked_up_in_the_claims_frame_as_in_a_dict_of_it():
    claims = pd.DataFrame({"claim_id": list(CLAIM_PLACES), "place_id": list(CLAIM_PLACES.values())}, dtype="str")
    claim_places = ClaimPlaces(claims)
    assert dict(claim_places) == CLAIM_PLACES
    # Whole ids only: not a prefix, not blank.
    assert [claim_places.get(c) for c in ["c010", "c01", "c0100", "", "c404"]] == ["khmeimim", None, None, None, None]
    for params, place in [({"claim": "c010", "place": "syria"}, "khmeimim"), ({"claim": "c099"}, None), ({}, None)]:
        state = PageState.from_url(params, span=SPAN, places=PLACES, choices=CHOICES, claim_places=claim_places)
        assert (state.place, state.claim) == (place, params.get("claim") if place else None)


def test_the_url_round_trips():
    state = PageState(dt.date(2024, 12, 1), "khmeimim", "reader", ClaimFilter({"hedge": ("rumored",)}), "c010")
    assert state.to_url() == {
        "hedge": "rumored",
        "date": "2024-12-01",
        "view": "reader",
        "place": "khmeimim",
        "claim": "c010",
    }
    assert from_url(**state.to_url()) == state


def test_sync_sets_what_changed_drops_what_is_empty_and_leaves_other_parameters():
    params = {"place": "syria", "actor": "russia", "date": "2024-12-09", "utm_source": "mail"}
    sync_url(params, PageState(dt.date(2024, 12, 1), None, "map", ClaimFilter({"hedge": ("rumored",)})))
    assert params == {"date": "2024-12-01", "utm_source": "mail", "hedge": "rumored", "view": "map"}


def seeded(state: PageState) -> dict:
    session: dict = {}
    seed_session(session, state)
    return session


def test_the_link_fills_only_widgets_that_have_no_value_yet():
    session = {DAY_KEY: dt.date(2024, 12, 5), filter_key("actor"): []}  # the user cleared the actor filter
    seed_session(session, from_url(date="2024-11-25", place="syria", actor="russia", hedge="rumored"))
    assert session == {
        DAY_KEY: dt.date(2024, 12, 5),
        PLACE_KEY: "syria",
        CLAIM_KEY: None,
        VIEW_KEY: "map",
        filter_key("actor"): [],
        filter_key("hedge"): ["rumored"],
    }


def day(n: int) -> dt.date:
    return dt.date(2024, 12, n)


def playing_from(first: int, speed: int = 1, now: float = 0.0) -> dict:
    session = {DAY_KEY: day(first), PLAY_SPEED_KEY: speed}
    start_playback(session, (day(1), day(9)), now)
    return session


def test_play_on_the_last_day_starts_again_at_the_first():
    session = {DAY_KEY: day(9)}
    start_playback(session, (day(1), day(9)), 10.0)
    assert session[DAY_KEY] == day(1) and session[PLAYING_KEY] and session[PLAY_CLOCK_KEY] == (day(1), 10.0)
    session = {DAY_KEY: day(5)}
    start_playback(session, (day(1), day(9)), 10.0)
    assert session[DAY_KEY] == day(5)


def test_playback_steps_are_timed_from_its_start_so_a_late_tick_does_not_delay_the_next():
    session = playing_from(5)
    take_playback_step(session, day(9), 0.7)  # too early
    assert session[DAY_KEY] == day(5)
    take_playback_step(session, day(9), 1.3)  # late, within half a step
    assert session[DAY_KEY] == day(6)
    take_playback_step(session, day(9), 2.0)  # 0.7 s after the last step, but on time
    assert session[DAY_KEY] == day(7)
    take_playback_step(session, day(9), 2.8)  # a timer tick a little early still steps
    assert session[DAY_KEY] == day(8)


def test_playback_follows_the_chosen_speed():
    session = playing_from(1, speed=4)
    for tick in (0.25, 0.5, 0.75, 1.0):
        take_playback_step(session, day(9), tick)
    assert session[DAY_KEY] == day(5)


def test_a_step_that_comes_very_late_shows_the_next_day_not_a_later_one_and_moves_the_clock_on():
    session = playing_from(2)
    take_playback_step(session, day(9), 5.0)
    assert session[DAY_KEY] == day(3)  # no day skipped
    take_playback_step(session, day(9), 5.5)
    assert session[DAY_KEY] == day(3)  # timed from 5.0 now, not from the start
    take_playback_step(session, day(9), 6.0)
    assert session[DAY_KEY] == day(4)


def test_playback_stops_after_the_last_day_has_been_shown_for_a_step():
    session = playing_from(8)
    assert take_playback_step(session, day(9), 1.0) is False and session[DAY_KEY] == day(9)
    assert take_playback_step(session, day(9), 1.5) is False and session[PLAYING_KEY]
    assert take_playback_step(session, day(9), 2.0) is True
    assert session[DAY_KEY] == day(9) and not session[PLAYING_KEY] and PLAY_CLOCK_KEY not in session


def test_the_fragment_reruns_itself_at_the_chosen_step_only_while_playing():
    session = playing_from(3, speed=4)
    assert playback_timer(session) == 0.25
    stop_playback(session)
    assert playback_timer(session) is None


def test_after_pause_a_late_tick_moves_nothing():
    session = playing_from(3)
    stop_playback(session)
    assert take_playback_step(session, day(9), 5.0) is False
    assert session[DAY_KEY] == day(3)


def test_a_day_or_speed_chosen_while_playing_times_the_next_step_from_then():
    session = playing_from(3)
    session[DAY_KEY], session[PLAY_SPEED_KEY] = day(7), 2
    restart_playback_clock(session, 4.0)
    take_playback_step(session, day(9), 4.3)
    assert session[DAY_KEY] == day(7)
    take_playback_step(session, day(9), 4.5)
    assert session[DAY_KEY] == day(8)
    stopped = {DAY_KEY: day(3)}
    restart_playback_clock(stopped, 4.0)  # not playing: no clock
    assert PLAY_CLOCK_KEY not in stopped


def test_a_new_registry_entry_reaches_choices_url_and_filtering_without_other_edits():
    claims = pd.DataFrame({"claim_id": ["c1", "c2", "c3"], "place_id": ["tartus", "khmeimim", "syria"]})
    registry = (Facet("about", "About the place", "place_id", named_by="places"),)
    choices = filter_choices(claims, registry)
    assert choices == {"about": ["khmeimim", "syria", "tartus"]}

    link = {"about": "khmeimim,atlantis", "date": "2024-12-09"}
    state = PageState.from_url(link, span=SPAN, places=[], choices=choices, facets=registry)
    assert state.claim_filter.allowed == {"about": ("khmeimim",)}
    assert state.claim_filter.apply(claims)["claim_id"].tolist() == ["c2"]
    sync_url(link, state)
    assert link == {"about": "khmeimim", "date": "2024-12-09", "view": "map"}
    assert seeded(state)[filter_key("about")] == ["khmeimim"]


def test_a_facet_cannot_take_a_key_the_page_uses_for_itself():
    with pytest.raises(ValueError, match="facet key 'date' is a URL parameter of the page"):
        url_params((*FACETS, Facet("date", "Date", "valid_from")))


class OneChangeParams(dict):
    """Stands in for st.query_params: counts the changes (each is one browser history entry)."""

    changes = 0

    def from_dict(self, values: dict) -> None:
        self.changes += 1
        self.clear()
        self.update(values)


def test_sync_changes_the_url_at_most_once_and_remembers_what_it_wrote():
    params = OneChangeParams(date="2024-12-09", view="map")
    session: dict = {}
    state = PageState(dt.date(2024, 12, 1), "syria", "map", ClaimFilter({"hedge": ("rumored",)}))
    sync_url(params, state, session)
    assert params.changes == 1 and session[URL_WRITTEN_KEY] == dict(params)
    sync_url(params, state, session)
    assert params.changes == 1  # nothing new, no new history entry


def test_back_to_an_older_url_makes_the_page_follow_it():
    session: dict = {}
    first = from_url(date="2024-12-09")
    seed_session(session, first, first.to_url())
    params = OneChangeParams()
    sync_url(params, first, session)
    session[PLACE_KEY] = "syria"  # the reader picks a place, and a filter
    session[filter_key("hedge")] = ["rumored"]
    session[CLAIM_KEY] = "c001"
    chosen = PageState(dt.date(2024, 12, 9), "syria", "map", ClaimFilter({"hedge": ("rumored",)}), "c001")
    sync_url(params, chosen, session)
    assert params["claim"] == "c001"
    seed_session(session, chosen, dict(params))  # the next rerun, URL unchanged: the widgets keep theirs
    assert session[PLACE_KEY] == "syria" and session[CLAIM_KEY] == "c001"
    back = first.to_url()  # Back: the browser shows the first URL and the page reruns with it
    seed_session(session, from_url(**back), back)
    assert session[PLACE_KEY] is None and session[filter_key("hedge")] == [] and session[CLAIM_KEY] is None
    assert session[URL_WRITTEN_KEY] == back
    forward = dict(chosen.to_url())
    seed_session(session, from_url(**forward), forward)
    assert session[PLACE_KEY] == "syria" and session[CLAIM_KEY] == "c001"


def test_a_claim_selects_its_place_and_another_place_drops_the_claim():
    session: dict = {}
    set_selected_claim(session, "c010", "khmeimim")
    assert session == {PLACE_KEY: "khmeimim", CLAIM_KEY: "c010"}
    set_selected_place(session, "khmeimim")  # its own place again: the claim stays
    assert session[CLAIM_KEY] == "c010"
    set_selected_place(session, "syria")
    assert session == {PLACE_KEY: "syria", CLAIM_KEY: None}
