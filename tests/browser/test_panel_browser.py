"""The sourcing panel as an analyst reads it, in headless Chromium: who disagrees in one line per
side (each claim once), the reasons in words, claim ids that select the claim, a grade that says
whom it grades, and no text below 4.5:1 contrast."""

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

expect = pytest.importorskip("playwright.sync_api").expect

pytestmark = pytest.mark.browser

TARTUS = "?date=2024-12-09&place=tartus_naval_base"
# Every text node's colour against the first opaque background behind it (alpha blended), as
# WCAG 2 contrast ratios; the worst few are returned with their text.
LOW_CONTRAST = """root => {
    const parse = c => {
        const m = c.match(/[\\d.]+/g).map(Number);
        return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1];
    };
    const lum = ([r, g, b]) => {
        const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const background = el => {
        for (; el; el = el.parentElement) {
            const c = parse(getComputedStyle(el).backgroundColor);
            if (c[3] > 0.5) return c;
        }
        return [255, 255, 255, 1];
    };
    const low = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const el = node.parentElement, text = node.textContent.trim();
        if (!text || !el.getClientRects().length) continue;
        const style = getComputedStyle(el);
        if (style.visibility === "hidden") continue;
        const bg = background(el), fg = parse(style.color), a = fg[3] * Number(style.opacity);
        const shown = [0, 1, 2].map(i => fg[i] * a + bg[i] * (1 - a));
        const [hi, lo] = [lum(shown), lum(bg)].sort((x, y) => y - x);
        const ratio = (hi + 0.05) / (lo + 0.05);
        if (ratio < 4.5) low.push(`${ratio.toFixed(2)}: ${text.slice(0, 60)}`);
    }
    return low;
}"""


def open_tartus(page, app_server) -> None:
    """Open the panel of Tartus's naval facility once the map has mounted (its first value reruns
    the map and panel) and the page is idle again."""
    open_app(page, app_server, TARTUS)
    expect(map_frame(page).locator(".place-tartus_naval_base")).to_be_visible(timeout=MARKER_TIMEOUT)
    expect(page.locator(APP_IDLE)).to_be_attached(timeout=60_000)
    expect(sourcing_heading(page, "Tartus naval facility")).to_be_visible()


def panel(page):
    return page.locator("[data-testid='stColumn']").filter(has=sourcing_heading(page, "Tartus naval facility"))


def test_sources_disagree_names_each_claim_once_with_its_side_and_reasons_in_words(page, app_server):
    open_tartus(page, app_server)
    sides = page.locator(".cm-side button")
    expect(sides).to_have_count(5)
    assert sorted(sides.all_inner_texts()) == ["c011", "c012", "c013", "c021", "c027"]  # each once, none repeated
    expect(page.get_by_text(re.compile(r"^3 claims say withdrawal \(Russia\), from 3 origins"))).to_be_visible()
    expect(
        page.get_by_text(re.compile(r"^2 claims say facility operating \(Russia\), from 1 origin\W+TASS"))
    ).to_be_visible()
    why = page.locator("p", has_text="Why they conflict:")
    expect(why).to_contain_text("marked as contradicting by the curators")
    expect(why).not_to_contain_text("facility_operating vs")


def test_a_contradicting_claim_id_selects_that_claim(page, app_server):
    open_tartus(page, app_server)
    card = claim_card(page, "c012")
    expect(card).to_contain_text("Contradicted by:")
    card.locator(".cm-contradicted").get_by_role("button", name="c021", exact=True).click()
    selected = claim_card(page, "c021", selected=True)
    expect(selected).to_contain_text("Selected claim c021")
    expect(selected).to_contain_text("Grade of")  # the whole evidence
    expect(claim_card(page, "c021")).to_have_count(0)  # shown once, as the selected claim


def test_the_grade_badge_says_whom_it_grades(page, app_server):
    open_tartus(page, app_server)
    expect(claim_card(page, "c012")).to_contain_text("grade C3 of Main Intelligence Directorate of Ukraine")


def test_no_text_in_the_panel_is_below_4_5_to_1_contrast(page, app_server):
    open_tartus(page, app_server)
    claim_card(page, "c012").locator(".cm-contradicted").get_by_role("button", name="c021", exact=True).click()
    expect(claim_card(page, "c021", selected=True)).to_be_visible()
    assert panel(page).evaluate(LOW_CONTRAST) == []


def choose_place(page, typed: str, name: str) -> None:
    page.locator("[data-testid='stSelectbox']").filter(has_text="Place").locator("input").click()
    page.keyboard.type(typed)
    page.keyboard.press("Enter")
    expect(sourcing_heading(page, name)).to_be_visible(timeout=30_000)
    expect(page.locator(APP_IDLE)).to_be_attached(timeout=60_000)


def test_back_undoes_the_last_choice_and_forward_redoes_it(page, app_server):
    open_app(page, app_server, "?date=2024-12-09")
    expect(map_frame(page).locator(".place-tartus").first).to_be_visible(timeout=MARKER_TIMEOUT)
    expect(page.locator(APP_IDLE)).to_be_attached(timeout=60_000)
    choose_place(page, "Tartous", "Tartus")
    choose_place(page, "Jableh", "Jableh")
    expect(page).to_have_url(re.compile(r"[?&]place=jableh(&|$)"))
    page.go_back()
    expect(sourcing_heading(page, "Tartus")).to_be_visible(timeout=30_000)
    expect(page).to_have_url(re.compile(r"[?&]place=tartus(&|$)"))
    page.go_back()
    expect(page.get_by_text("Choose a place to read what each source claims")).to_be_visible(timeout=30_000)
    expect(page).not_to_have_url(re.compile("place="))
    page.go_forward()
    expect(sourcing_heading(page, "Tartus")).to_be_visible(timeout=30_000)


def test_a_folded_list_opens_and_its_claim_ids_select(page, app_server):
    open_app(page, app_server, "?place=syria&date=2024-11-25")
    expect(sourcing_heading(page, "Syria")).to_be_visible()
    line = page.locator(".cm-claim-line[data-claim='c032']")
    expect(line).to_be_hidden()  # folded
    page.get_by_text("Later claims (7)").click()
    line.get_by_role("button", name="c032").click()
    expect(claim_card(page, "c032", selected=True)).to_contain_text("Selected claim c032")
