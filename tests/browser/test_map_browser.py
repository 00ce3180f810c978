"""The map as an analyst first sees it, in headless Chromium, offline: the basemap's context, names
on the markers, every coastal marker clickable, keyboard access, tooltips in words."""

from __future__ import annotations

import re
import time

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
    tap_marker,
)

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser

SEA_RGB = "rgb(185, 211, 230)"
COASTAL = {
    "khmeimim": "Khmeimim Air Base",
    "jableh": "Jableh",
    "tartus": "Tartus",
    "tartus_naval_base": "Tartus naval facility",
    "latakia_gov": "Latakia Governorate",
    "tartus_gov": "Tartus Governorate",
}
# What the pointer hits at the centre of an element (inside the map's frame).
HIT_AT_CENTRE = """el => {
    const r = el.getBoundingClientRect();
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return el.contains(hit);
}"""
# What is drawn at a geographic point (the map is `window.map`, streamlit-folium's name): the fill
# of the topmost basemap path there (its paths ignore the pointer, so they are asked directly), or
# the map's own background.
DRAWN_AT = """([lat, lng]) => {
    const p = window.map.latLngToContainerPoint([lat, lng]);
    const box = window.map.getContainer().getBoundingClientRect();
    const paths = [...document.querySelectorAll("[class*=leaflet-claimmap-] path")].reverse();
    for (const path of paths) {
        const local = new DOMPoint(box.left + p.x, box.top + p.y).matrixTransform(path.getScreenCTM().inverse());
        if (path.getAttribute("fill") !== "none" && path.isPointInFill(local)) return path.getAttribute("fill");
    }
    return getComputedStyle(window.map.getContainer()).backgroundColor;
}"""


def basemap_label(page, kind: str, name: str):
    """The text of a basemap label (its icon box has no size of its own)."""
    return map_frame(page).locator(f".basemap-label.kind-{kind} span", has_text=re.compile(f"^{name}$"))


def at_zoom(page, zoom: float, shown) -> None:
    """Zoom the map to `zoom` until the locator `shown` is visible. A run still on its way when the
    test zooms (the component's first reply, slow under a loaded CI) can draw the map anew at its
    fitted zoom, so the zoom is set again whenever the map is not at it."""
    deadline = time.monotonic() + 15
    while True:
        map_window(page).evaluate("z => window.map.getZoom() === z || window.map.setZoom(z, {animate: false})", zoom)
        try:
            expect(shown).to_be_visible(timeout=1_000)
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise


def test_basemap_shows_neighbours_sea_and_towns_offline(page, app_server, page_log):
    open_app(page, app_server)
    expect(map_frame(page).locator(".place-khmeimim")).to_be_visible(timeout=MARKER_TIMEOUT)
    expect(basemap_label(page, "country", "Lebanon")).to_be_visible()
    expect(basemap_label(page, "city", "Homs")).to_be_visible()
    window = map_window(page)
    # The sea west of Latakia is the map's own background; inland Syria is a land polygon.
    assert window.evaluate(DRAWN_AT, [35.2, 35.75]) == SEA_RGB
    assert window.evaluate(DRAWN_AT, [34.8, 37.5]) == "#fbf8ef"  # Syria
    assert window.evaluate(DRAWN_AT, [33.7, 35.9]) == "#eeeeea"  # Lebanon: land beyond Syria
    at_zoom(page, 6, basemap_label(page, "sea", "Mediterranean Sea"))
    basemap_requests = [u for u in page_log.requests if "/app/static/claimmap/basemap/" in u]
    assert basemap_requests and not page_log.blocked


def test_basemap_is_fetched_once_not_sent_with_each_rerun(page, app_server, page_log):
    open_app(page, app_server)
    expect(map_frame(page).locator(".place-khmeimim")).to_be_visible(timeout=MARKER_TIMEOUT)
    fetched = [u for u in page_log.requests if "/basemap/" in u]
    date_slider(page).focus()
    page.keyboard.press("ArrowLeft")
    expect(date_slider(page)).to_have_attribute("aria-valuetext", "2024-12-08")
    expect(page.locator(APP_IDLE)).to_be_attached()
    expect(map_frame(page).locator(".place-khmeimim")).to_be_visible()
    assert [u for u in page_log.requests if "/basemap/" in u] == fetched
    assert len(fetched) == len(set(fetched)) == 5


def test_khmeimim_and_tartus_are_labelled_and_every_coastal_marker_takes_a_click(page, app_server):
    open_app(page, app_server)
    frame = map_frame(page)
    expect(frame.locator(".place-khmeimim")).to_be_visible(timeout=MARKER_TIMEOUT)
    for place in ("khmeimim", "tartus", "tartus_naval_base"):
        expect(frame.locator(f".place-{place} .place-label")).to_have_text(COASTAL[place])
        expect(frame.locator(f".place-{place} .place-label")).to_be_visible()
    page.locator(MAP_IFRAME).scroll_into_view_if_needed()
    for place, name in COASTAL.items():
        marker = frame.locator(f".place-{place}")
        assert marker.evaluate(HIT_AT_CENTRE), f"the centre of {place}'s marker is covered by another"
        marker.click()  # at its centre
        expect(sourcing_heading(page, name)).to_be_visible()
        expect(frame.locator(f".place-{place}.selected")).to_be_visible()


def test_markers_are_named_tab_stops_that_enter_selects(page, app_server):
    open_app(page, app_server)
    marker = map_frame(page).locator(".place-tartus_naval_base")
    expect(marker).to_be_visible(timeout=MARKER_TIMEOUT)
    expect(marker).to_have_attribute("role", "button")
    expect(marker).to_have_attribute("tabindex", "0")
    name = re.compile(r"^Tartus naval facility: naval base; .*contested: sources disagree")
    expect(marker).to_have_attribute("aria-label", name)
    marker.focus()
    expect(map_frame(page).locator(".leaflet-tooltip")).to_contain_text("! contested: sources disagree")
    marker.press("Enter")
    expect(sourcing_heading(page, "Tartus naval facility")).to_be_visible()


def test_tooltip_says_who_holds_a_place_in_words(page, app_server):
    open_app(page, app_server)
    marker = map_frame(page).locator(".place-jableh")
    expect(marker).to_be_visible(timeout=MARKER_TIMEOUT)
    page.locator(MAP_IFRAME).scroll_into_view_if_needed()
    marker.hover()
    tooltip = map_frame(page).locator(".leaflet-tooltip")
    expect(tooltip).to_contain_text("Jableh")
    expect(tooltip).to_contain_text("Held by Syrian armed opposition (HTS-led rebels), as claimed")


def test_places_beyond_the_basemap_are_listed_and_selectable(page, app_server):
    open_app(page, app_server)
    box = map_frame(page).locator(".claimmap-elsewhere")
    expect(box).to_contain_text("Moscow")
    box.get_by_role("button", name="Moscow").click()
    expect(sourcing_heading(page, "Moscow")).to_be_visible()


def test_syria_is_not_drawn_as_opposition_held_before_the_claims_that_say_so(page, app_server):
    # From late November the article says the rebels took "several other major cities": parts of
    # Syria, not Syria. Only on 9 December does it say they seized power in the country.
    open_app(page, app_server, "?date=2024-12-05")
    syria = map_frame(page).locator(".place-syria")
    expect(syria).to_be_visible(timeout=MARKER_TIMEOUT)
    expect(syria).to_have_class(re.compile(r"\bpartial\b"))
    expect(syria).to_have_attribute("aria-label", re.compile(r"Parts held by Syrian armed opposition"))
    expect(syria).not_to_have_attribute("aria-label", re.compile(r"Held by"))
    open_app(page, app_server, "?date=2024-12-09")
    expect(syria).not_to_have_class(re.compile(r"\bpartial\b"))
    expect(syria).to_have_attribute(
        "aria-label", re.compile(r"Held by Syrian armed opposition \(HTS-led rebels\), as claimed")
    )


@pytest.mark.parametrize(
    "typed, name",
    [
        ("Tartous", "Tartus"),
        ("Lattakia", "Latakia Governorate"),
        ("Hmeimim", "Khmeimim Air Base"),
        ("حميميم", "Khmeimim Air Base"),
    ],
)
def test_the_place_box_finds_a_place_by_its_other_names(page, app_server, typed, name):
    open_app(page, app_server, "?date=2024-12-09")
    box = page.locator("[data-testid='stSelectbox']").filter(has_text="Place")
    box.locator("input").click()
    page.keyboard.type(typed)
    expect(page.get_by_role("option").first).to_contain_text(name)
    page.keyboard.press("Enter")
    expect(sourcing_heading(page, name)).to_be_visible(timeout=30_000)


def test_on_a_phone_the_panel_is_in_view_after_a_tap_on_a_marker(page, app_server):
    open_on_a_phone(page, app_server)
    heading = sourcing_heading(page, COASTAL["khmeimim"])
    tap_marker(page, "khmeimim")
    expect(heading).to_be_in_viewport()
    expect(page.locator(APP_IDLE)).to_be_attached()
    expect(heading).to_be_in_viewport()  # and it stays there once the run is over
