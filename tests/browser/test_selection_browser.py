"""One selection shared by every view, in headless Chromium: a claim picked in the claims table, on
the timeline or in the reader (through the chooser where quotes overlap) is the claim the panel,
the table, the timeline, the reader and the URL show; Back undoes a selection."""

from __future__ import annotations

import re

import pytest

from tests.browser.test_dashboard_browser import (
    APP_IDLE,
    MARKER_TIMEOUT,
    claim_card,
    map_frame,
    open_app,
    sourcing_heading,
)
from tests.browser.test_workflow_browser import switch_view

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser

TABLE = "[data-testid='stDataFrame']"
READER = 'iframe[title$="article_reader"]'
ROW_HEIGHT = 35  # st.dataframe's rows and header, in CSS pixels
# The claims table's rows as its accessible grid has them: each row's cell texts.
TABLE_ROWS = f"""() => [...document.querySelectorAll("{TABLE} table tr")]
    .map(row => [...row.querySelectorAll("td, th")].map(cell => cell.innerText.trim()))"""


def idle(page) -> None:
    expect(page.locator(APP_IDLE)).to_be_attached(timeout=60_000)


def open_map(page, app_server, query: str = "?date=2024-12-09") -> None:
    """The map view with the claims table opened (it is folded until opened)."""
    open_app(page, app_server, query)
    expect(map_frame(page).locator(".claim-marker").first).to_be_visible(timeout=MARKER_TIMEOUT)
    idle(page)
    expect(page.locator(TABLE)).to_have_count(0)  # folded: no rows built or sent
    page.locator(".st-key-claims_table_box summary").click()
    expect(page.locator(TABLE)).to_be_visible()
    idle(page)


def table_rows(page) -> list[list[str]]:
    return page.evaluate(TABLE_ROWS)


def marked_in_table(page) -> list[str]:
    """Claim ids of the table rows marked as selected (▶ in the first column)."""
    return [cells[cells.index("▶") + 1] for cells in table_rows(page)[1:] if "▶" in cells]


def expect_marked_first(page, claim_id: str) -> None:
    """The table marks `claim_id`, and only it, pinned as its first row (the grid's accessible
    copy follows the canvas a frame or more after a rerun, hence the wait)."""
    page.wait_for_function(
        f"""claim => {{
            const rows = ({TABLE_ROWS})().slice(1), marked = rows.filter(cells => cells.includes("▶"));
            return marked.length === 1 && rows[0].includes("▶") && rows[0].includes(claim);
        }}""",
        arg=claim_id,
    )


def search_table(page, words: str) -> None:
    box = page.get_by_role("textbox", name="Search the claims")
    box.fill(words)
    box.press("Enter")
    idle(page)
    expect(page.get_by_text(re.compile(r"begun by \d{4}-\d\d-\d\d match the filters and the search"))).to_be_visible()


def pick_table_row(page, claim_id: str) -> None:
    """Tick the row's selection box (the grid is drawn on a canvas: click where the box is)."""
    page.locator(TABLE).scroll_into_view_if_needed()
    # The grid's accessible copy follows the canvas a frame or more after the rerun.
    page.wait_for_function(f"claim => ({TABLE_ROWS})().some(cells => cells.includes(claim))", arg=claim_id)
    rows = table_rows(page)[1:]
    (index,) = [i for i, cells in enumerate(rows) if claim_id in cells]
    grid = page.locator(TABLE)
    grid.scroll_into_view_if_needed()
    grid.click(position={"x": 16, "y": ROW_HEIGHT * (index + 1) + ROW_HEIGHT // 2})


def expect_selected_everywhere(page, claim_id: str, place_name: str, place_id: str) -> None:
    """On the map view: the URL, the panel's selected card, the marker and the table agree."""
    expect(page).to_have_url(re.compile(rf"[?&]claim={claim_id}(&|$)"))
    expect(page).to_have_url(re.compile(rf"[?&]place={place_id}(&|$)"))
    expect(sourcing_heading(page, place_name)).to_be_visible(timeout=30_000)
    expect(claim_card(page, claim_id, selected=True)).to_contain_text(f"Selected claim {claim_id}")
    expect(map_frame(page).locator(f".place-{place_id}.selected")).to_be_visible(timeout=MARKER_TIMEOUT)
    idle(page)
    page.locator(TABLE).scroll_into_view_if_needed()
    expect_marked_first(page, claim_id)
    assert marked_in_table(page) == [claim_id]


def timeline_bar(page, claim_id: str):
    return page.locator(f"[aria-roledescription='bar'][aria-label*='claim_id: {claim_id};']")


def reader_quote(page, claim_id: str):
    """The reader's quoted spans that belong to `claim_id` (among others, where quotes overlap)."""
    return page.frame_locator(READER).locator(f".quote[data-claims~='{claim_id}']")


def test_a_table_row_selects_its_claim_in_every_view(page, app_server):
    open_map(page, app_server)
    assert marked_in_table(page) == []
    search_table(page, "bases keep WORKING tartus")
    pick_table_row(page, "c021")
    expect_selected_everywhere(page, "c021", "Tartus naval facility", "tartus_naval_base")

    switch_view(page, "Timeline")
    expect(timeline_bar(page, "c021")).to_have_attribute("stroke", "black")
    expect(timeline_bar(page, "c020")).not_to_have_attribute("stroke", "black")
    switch_view(page, "Article reader")
    expect(reader_quote(page, "c021").first).to_have_class(re.compile(r"\bchosen\b"))
    expect(page.frame_locator(READER).locator(".quote.chosen")).to_have_count(reader_quote(page, "c021").count())


def test_the_search_box_finds_a_place_by_its_arabic_name(page, app_server):
    open_map(page, app_server)
    search_table(page, "قاعدة حميميم الجوية")  # Khmeimim Air Base
    page.locator(TABLE).scroll_into_view_if_needed()
    page.wait_for_function(
        f"""() => {{
            const rows = ({TABLE_ROWS})().slice(1);
            return rows.length > 0 && rows.every(cells => cells.includes("Khmeimim Air Base"));
        }}"""
    )


def test_a_timeline_bar_selects_its_claim_and_a_day_it_holds(page, app_server):
    open_map(page, app_server, "?date=2024-11-22")
    switch_view(page, "Timeline")  # the table stays open while the map view is not drawn
    bar = timeline_bar(page, "c012")
    bar.click()
    expect(page).to_have_url(re.compile(r"[?&]claim=c012(&|$)"))
    expect(page).not_to_have_url(re.compile(r"[?&]date=2024-11-22(&|$)"))  # c012 does not hold then
    expect(bar).to_have_attribute("stroke", "black")
    idle(page)
    switch_view(page, "Map and sourcing")
    expect_selected_everywhere(page, "c012", "Tartus naval facility", "tartus_naval_base")


def test_overlapping_quotes_offer_a_chooser_and_the_second_claim_can_be_picked(page, app_server):
    open_map(page, app_server)
    switch_view(page, "Article reader")
    reader = page.frame_locator(READER)
    shared = reader.locator(".quote[data-claims='c020 c021']")  # two claims quote these words
    shared.click()
    chooser = reader.get_by_role("menu")
    expect(chooser).to_be_visible()
    items = chooser.get_by_role("menuitem")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_have_text(re.compile(r"^c020 · Khmeimim Air Base · "))
    expect(items.nth(1)).to_have_text(re.compile(r"^c021 · Tartus naval facility · The Russian bases keep working"))
    items.nth(1).click()
    expect(page).to_have_url(re.compile(r"[?&]claim=c021(&|$)"))
    expect(shared).to_have_class(re.compile(r"\bchosen\b"))
    idle(page)
    switch_view(page, "Map and sourcing")
    expect_selected_everywhere(page, "c021", "Tartus naval facility", "tartus_naval_base")


def test_a_quote_of_one_claim_selects_it_without_a_chooser(page, app_server):
    open_app(page, app_server, "?date=2024-12-09&view=reader")
    reader = page.frame_locator(READER)
    single = reader.locator(".quote[data-claims='c012']")
    single.click()
    expect(page).to_have_url(re.compile(r"[?&]claim=c012(&|$)"))
    expect(reader.get_by_role("menu")).to_have_count(0)


def test_back_undoes_a_selection(page, app_server):
    open_map(page, app_server, "?date=2024-12-09&place=tartus_naval_base&claim=c021")
    expect_selected_everywhere(page, "c021", "Tartus naval facility", "tartus_naval_base")  # a shared link
    claim_card(page, "c012").get_by_role("button", name="Select c012").click()
    expect_selected_everywhere(page, "c012", "Tartus naval facility", "tartus_naval_base")
    page.go_back()
    expect_selected_everywhere(page, "c021", "Tartus naval facility", "tartus_naval_base")
    page.go_forward()
    expect_selected_everywhere(page, "c012", "Tartus naval facility", "tartus_naval_base")
