"""Facility status and the contested mark in the browser, on the multisource fixture: the bases'
markers tell their story over 8-9 December, and the tooltip says it in words.

With CLAIMMAP_STATUS_SHOTS=DIR set, the map of each day is saved there as a PNG to look at.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fixture_data import MULTISOURCE_DATA
from tests.browser.test_dashboard_browser import MAP_IFRAME, hover_marker, map_frame, open_app

expect = pytest.importorskip("playwright.sync_api").expect
pytestmark = pytest.mark.browser

# The states claimed for each base on each day, as signs under its marker.
SIGNS = {
    "2024-12-08": {"khmeimim": "↗", "tartus_naval_base": "↗"},
    "2024-12-09": {"khmeimim": "✓⊘↗", "tartus_naval_base": "✓↗"},
}


@pytest.fixture(scope="module")
def multisource_server(start_server):
    with start_server("--data", str(MULTISOURCE_DATA)) as url:
        yield url


@pytest.mark.parametrize("day", list(SIGNS))
def test_bases_show_their_claimed_status_and_who_claims_it(page, multisource_server, day):
    open_app(page, multisource_server, f"?date={day}")
    frame = map_frame(page)
    for place_id, signs in SIGNS[day].items():
        expect(frame.locator(f".place-{place_id} .mark-status")).to_have_text(signs)
    contested = frame.locator(".place-tartus_naval_base .mark-contested")
    expect(contested).to_have_count(0 if day == "2024-12-08" else 1)
    caption = page.get_by_text("contested. Click a marker")
    expect(caption).to_contain_text("; 0 contested" if day == "2024-12-08" else "; 2 contested")
    hover_marker(frame.locator(".place-tartus_naval_base"))
    tooltip = frame.locator(".leaflet-tooltip")
    expect(tooltip).to_contain_text(
        "claimed withdrawal or evacuation under way: Main Intelligence Directorate of Ukraine"
    )
    if day == "2024-12-09":
        expect(tooltip).to_contain_text("claimed operating: another TASS source in Syria → TASS")
        expect(tooltip).to_contain_text("contested: sources disagree")
    shots = os.environ.get("CLAIMMAP_STATUS_SHOTS")
    if shots:
        page.locator(MAP_IFRAME).scroll_into_view_if_needed()
        page.screenshot(path=str(Path(shots) / f"status-{day}.png"), full_page=True)
