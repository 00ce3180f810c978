"""An analyst's workflow in headless Chromium: the article reader, a filter and playback."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.browser.test_dashboard_browser import (
    APP_IDLE,
    MAP_IFRAME,
    MARKER_TIMEOUT,
    date_slider,
    map_frame,
    map_window,
    open_app,
    open_on_a_phone,
    sourcing_heading,
)

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser


def switch_view(page, name: str) -> None:
    page.locator("[data-testid='stButtonGroup']").get_by_text(name, exact=True).click()


def test_clicking_a_quote_in_the_reader_selects_its_place(page, app_server):
    open_app(page, app_server)
    switch_view(page, "Article reader")
    reader = page.frame_locator('iframe[title$="article_reader"]')
    quote = reader.locator(".quote", has_text="the Khmeimim base is isolated")
    quote.click()
    expect(page).to_have_url(re.compile(r"[?&]place=khmeimim(&|$)"))
    # the selected place's quotes are now marked in the reader too
    expect(reader.locator(".quote.selected", has_text="the Khmeimim base is isolated")).to_be_visible()
    switch_view(page, "Map and sourcing")
    expect(sourcing_heading(page, "Khmeimim Air Base")).to_be_visible()
    expect(map_frame(page).locator(".place-khmeimim.selected")).to_be_visible(timeout=MARKER_TIMEOUT)


def test_hedge_filter_narrows_map_and_counts_and_stays_in_the_url(page, app_server):
    open_app(page, app_server)
    expect(map_frame(page).locator(".place-khmeimim")).to_be_visible(timeout=MARKER_TIMEOUT)
    hedge = page.locator("[data-testid='stMultiSelect']").filter(has_text="Hedge")
    hedge.locator("input").click()
    page.get_by_role("option", name="rumored").click()
    page.keyboard.press("Escape")
    expect(page.get_by_text("Showing 1 of 37 claims")).to_be_visible()
    expect(map_frame(page).locator(".place-khmeimim")).to_have_count(0)
    expect(map_frame(page).locator(".place-syria")).to_be_visible()
    expect(page).to_have_url(re.compile(r"[?&]hedge=rumored(&|$)"))

    open_app(page, page.url.split("/?")[0], "?" + page.url.split("?", 1)[1])  # the shared link keeps the filter
    expect(page.get_by_text("Showing 1 of 37 claims")).to_be_visible()


PLAY_STEP_TIMEOUT = 15_000  # a step is due within a second; the margin is for a loaded machine


def play_button(page, label: str):
    return page.get_by_role("button", name=label, exact=True)


def test_play_steps_the_date_without_remounting_the_map_and_pause_stops_it(page, app_server):
    open_app(page, app_server, "?date=2024-12-06")
    expect(map_frame(page).locator(".claim-marker").first).to_be_visible(timeout=MARKER_TIMEOUT)
    map_window(page).evaluate("() => { window.__probe = 7; }")
    play_button(page, "▶ Play").click()
    expect(date_slider(page)).to_have_attribute("aria-valuetext", "2024-12-07", timeout=PLAY_STEP_TIMEOUT)
    expect(date_slider(page)).to_have_attribute("aria-valuetext", "2024-12-08", timeout=PLAY_STEP_TIMEOUT)
    expect(map_frame(page).locator(".place-khmeimim")).to_be_visible(timeout=PLAY_STEP_TIMEOUT)  # from the 8th
    play_button(page, "⏸ Pause").click()
    expect(play_button(page, "▶ Play")).to_be_visible(timeout=PLAY_STEP_TIMEOUT)
    expect(page.locator(APP_IDLE)).to_be_attached()
    paused_at = date_slider(page).get_attribute("aria-valuetext")
    page.wait_for_timeout(2500)  # longer than a playback step: the date must stay put
    assert date_slider(page).get_attribute("aria-valuetext") == paused_at
    assert map_window(page).evaluate("() => window.__probe") == 7, "the map was reloaded during playback"
    expect(page.locator(MAP_IFRAME)).to_have_count(1)


def test_on_a_phone_play_is_beside_the_slider_and_from_the_last_day_plays_the_story_again(page, app_server):
    open_on_a_phone(page, app_server)  # opens on the last day
    last = date_slider(page).get_attribute("aria-valuetext")
    expect(play_button(page, "▶ Play")).to_be_in_viewport()  # not hidden in the sidebar's drawer
    page.get_by_role("combobox", name="Speed").click()
    page.get_by_role("option", name="4 days/s").click()
    expect(page.locator(APP_IDLE)).to_be_attached()
    play_button(page, "▶ Play").click()
    expect(date_slider(page)).to_have_attribute("aria-valuetext", re.compile("^2024-11-"), timeout=PLAY_STEP_TIMEOUT)
    # to the end, where playback stops by itself and Play is offered again
    expect(play_button(page, "▶ Play")).to_be_visible(timeout=60_000)
    expect(date_slider(page)).to_have_attribute("aria-valuetext", last)
    expect(page.get_by_text("Claims begun per day: most on 2024-12-08 (10) and 2024-12-09 (22).")).to_be_visible()


def test_exports_load_as_one_feature_per_claim_and_the_state_of_the_day(page, app_server):
    open_app(page, app_server, "?date=2024-12-05")
    page.locator(".st-key-export_box summary").click()  # folded until opened
    with page.expect_download() as claims_download:
        page.get_by_role("button", name="Claims as GeoJSON").click()
    claims = json.loads(Path(claims_download.value.path()).read_text(encoding="utf-8"))
    ids = [f["id"] for f in claims["features"]]
    assert len(ids) == len(set(ids)) and "c030" in ids and "c001" not in ids  # begun by the 5th only
    assert all(not isinstance(v, (dict, list)) for f in claims["features"] for v in f["properties"].values())
    with page.expect_download() as state_download:
        page.get_by_role("button", name="State on 2024-12-05 as GeoJSON").click()
    state = {f["id"]: f for f in json.loads(Path(state_download.value.path()).read_text(encoding="utf-8"))["features"]}
    assert state["syria"]["properties"]["parts_holder_actor_id"] == "opposition"
    assert state["syria"]["properties"]["holder"] == ""
    assert state["syria"]["geometry"]["type"] in {"Polygon", "MultiPolygon"}
