"""The dashboard in headless Debian Chromium, offline: map, marker clicks, slider, shared URLs,
hostile table text, and (with CLAIMMAP_SCREENSHOT set) the screenshot in docs/.

Run alone with `pytest -m browser -s` (the -s shows the measured times).
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import time
from pathlib import Path

import pytest

from fixture_data import BUNDLED

REPO = Path(__file__).resolve().parents[2]
APP_IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'

expect = pytest.importorskip("playwright.sync_api").expect
expect.set_options(timeout=15_000)  # a rerun can take seconds on a busy machine

pytestmark = pytest.mark.browser

MARKER_TIMEOUT = 30_000
LEAFLET_JS = "/app/static/vendor/leaflet/leaflet.js"
XSS_FLAGS = ["__xss", "__xss2", "__xss3", "__xss4"]


def open_app(page, base_url: str, query: str = "") -> float:
    """Navigate and wait until the script has run; return the time.perf_counter() of navigation."""
    start = time.perf_counter()
    page.goto(f"{base_url}/{query}", wait_until="domcontentloaded")
    expect(page.locator(APP_IDLE)).to_be_attached(timeout=60_000)
    exception = page.locator("[data-testid='stException']")
    assert exception.count() == 0, f"the app raised: {exception.first.inner_text()}"
    return start


PHONE = {"width": 390, "height": 844}


def open_on_a_phone(page, base_url: str, query: str = "") -> None:
    page.set_viewport_size(PHONE)
    open_app(page, base_url, query)


def tap_marker(page, place_id: str) -> None:
    """Scroll the map into view and tap the place's marker, once it is drawn."""
    marker = map_frame(page).locator(f".place-{place_id}")
    expect(marker).to_be_visible(timeout=MARKER_TIMEOUT)
    page.locator(MAP_IFRAME).scroll_into_view_if_needed()
    click_marker(marker)


def map_frame(page):
    """The map iframe as a FrameLocator (auto-waiting locators inside it)."""
    return page.frame_locator(MAP_IFRAME)


def map_window(page):
    """The map iframe's current Frame, for evaluate() (looked up anew each time, so a remount shows)."""
    handle = page.locator(MAP_IFRAME).element_handle()
    frame = handle.content_frame()
    assert frame is not None
    return frame


def sourcing_heading(page, name: str):
    return page.get_by_role("heading", name=f"Sourcing: {name}")


def claim_card(page, claim_id: str, selected: bool = False):
    """A claim's card in the panel: the selected claim's (with its whole evidence) or another's."""
    return page.locator(f".cm-card{'.selected' if selected else ':not(.selected)'}[data-claim='{claim_id}']")


def date_slider(page):
    """The slider's thumb (Streamlit 1.67 renders it as a react-aria <input type=range>)."""
    return page.locator("[data-testid='stSlider']").get_by_role("slider")


# Markers overlap at the default zoom (on the coast, Jableh's circle and the Latakia ring cover much
# of Khmeimim's square), so a click on the element's centre may land on another marker. Find a point of the element that
# really receives the pointer, as a user aiming at the visible part would.
_UNCOVERED_POINT = """el => {
    const r = el.getBoundingClientRect();
    const points = [];
    for (let y = 1; y < r.height; y += 1) for (let x = 1; x < r.width; x += 1) points.push([x, y]);
    const mid = [r.width / 2, r.height / 2];
    points.sort((a, b) => Math.hypot(a[0] - mid[0], a[1] - mid[1]) - Math.hypot(b[0] - mid[0], b[1] - mid[1]));
    for (const [x, y] of points) {
        const hit = el.ownerDocument.elementFromPoint(r.left + x, r.top + y);
        if (hit && el.contains(hit)) return {x: x, y: y};
    }
    return null;
}"""


def uncovered_point(locator) -> dict:
    expect(locator).to_be_visible(timeout=MARKER_TIMEOUT)
    # Leaflet focuses the map container on mousedown; when the 640 px iframe is partly below the
    # fold, that focus scrolls the page between mousedown and mouseup and the click is lost
    # (the problems banner pushes the map down far enough for that). Show the whole map first.
    locator.page.locator(MAP_IFRAME).scroll_into_view_if_needed()
    point = locator.evaluate(_UNCOVERED_POINT)
    assert point is not None, "the marker is entirely covered by other markers"
    return point


def click_marker(locator) -> None:
    locator.click(position=uncovered_point(locator))


def hover_marker(locator) -> None:
    locator.hover(position=uncovered_point(locator))


# a. offline load -------------------------------------------------------------------------------


def test_map_renders_offline_from_local_leaflet(page, app_server, page_log):
    start = open_app(page, app_server)
    frame = map_frame(page)
    expect(frame.locator(".place-khmeimim")).to_be_visible(timeout=MARKER_TIMEOUT)
    elapsed = time.perf_counter() - start
    expect(frame.locator(".place-tartus_naval_base")).to_be_visible()
    # again, with the server's caches warm (the first load also reads and validates the tables)
    start = open_app(page, app_server)
    expect(frame.locator(".place-khmeimim")).to_be_visible(timeout=MARKER_TIMEOUT)
    print(f"\ntime to first marker: {elapsed:.2f} s (new server), {time.perf_counter() - start:.2f} s (reload)")

    leaflet = [u for u in page_log.requests if u.endswith("/leaflet.js")]
    assert leaflet and all(re.match(rf"http://127\.0\.0\.1:\d+{re.escape(LEAFLET_JS)}$", u) for u in leaflet), leaflet
    version = map_window(page).evaluate("() => window.L && window.L.version")
    assert version, "Leaflet is not loaded in the map iframe"
    assert not page_log.blocked, f"requests to other hosts: {page_log.blocked}"


# b. click a marker -----------------------------------------------------------------------------


def test_clicking_a_marker_opens_its_sourcing(page, app_server):
    open_app(page, app_server)
    marker = map_frame(page).locator(".place-khmeimim")
    click_marker(marker)
    expect(sourcing_heading(page, "Khmeimim Air Base")).to_be_visible()
    expect(page.get_by_text("the Khmeimim base is isolated", exact=True).first).to_be_visible()
    expect(page).to_have_url(re.compile(r"[?&]place=khmeimim(&|$)"))
    expect(map_frame(page).locator(".place-khmeimim.selected")).to_be_visible()


# c. slider by keyboard, without remounting the map ---------------------------------------------


def test_slider_home_key_updates_map_in_place(page, app_server):
    open_app(page, app_server)
    frame = map_frame(page)
    expect(frame.locator(".place-khmeimim")).to_be_visible(timeout=MARKER_TIMEOUT)
    map_window(page).evaluate("() => { window.__probe = 42; }")
    page.locator(MAP_IFRAME).evaluate("el => { el.dataset.probe = 'same'; }")

    date_slider(page).focus()
    start = time.perf_counter()
    page.keyboard.press("Home")
    expect(frame.locator(".place-khmeimim")).to_have_count(0)
    elapsed = time.perf_counter() - start
    print(f"\nslider move to map change: {elapsed:.2f} s")

    expect(frame.locator(".place-syria, .place-aleppo").first).to_be_visible()
    expect(date_slider(page)).to_have_attribute("aria-valuetext", "2024-11-21")
    expect(page).to_have_url(re.compile(r"[?&]date=2024-11-21(&|$)"))
    expect(page.locator(APP_IDLE)).to_be_attached()
    expect(page.locator(MAP_IFRAME)).to_have_attribute("data-probe", "same")  # same <iframe> element
    assert map_window(page).evaluate("() => window.__probe") == 42, "the map's document was reloaded"


# d. a shared URL restores the view -------------------------------------------------------------


def test_shared_url_restores_date_and_place(page, app_server):
    open_app(page, app_server, "?date=2024-12-08&place=tartus_naval_base")
    expect(date_slider(page)).to_have_attribute("aria-valuetext", "2024-12-08")
    expect(sourcing_heading(page, "Tartus naval facility")).to_be_visible()
    expect(
        page.get_by_text("Russia is withdrawing its warships from the port of Tartus", exact=True).first
    ).to_be_visible()
    expect(map_frame(page).locator(".place-tartus_naval_base.selected")).to_be_visible(timeout=MARKER_TIMEOUT)


# e. hostile text in the tables -----------------------------------------------------------------

HOSTILE_PLACE = 'Khmeimim <img src=x onerror="window.__xss=1"> ${window.__xss2=1} `q` \\ </script>'
HOSTILE_ACTOR = "<script>window.__xss3=1</script>"
HOSTILE_STATEMENT = '<img src=x onerror="window.__xss4=1">'


def _rewrite_csv(path: Path, change) -> list[dict]:
    """Read a table, let `change(rows)` edit the row dicts in place, write it back."""
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        fields, rows = reader.fieldnames, list(reader)
    change(rows)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return rows


def _set(rows: list[dict], key: str, value: str, column: str, new: str) -> None:
    hits = [r for r in rows if r[key] == value]
    assert hits, f"no row with {key}={value}"
    hits[0][column] = new


@pytest.fixture
def hostile_data(tmp_path: Path) -> tuple[Path, int]:
    """A copy of data/ and seeds/ with script-like names and statements and one broken claim row
    (a place_id that places.csv lacks); returns the data dir and the line of the broken row."""
    shutil.copytree(BUNDLED / "data", tmp_path / "data")
    shutil.copytree(BUNDLED / "seeds", tmp_path / "seeds")
    data = tmp_path / "data"
    _rewrite_csv(data / "places.csv", lambda rows: _set(rows, "place_id", "khmeimim", "name", HOSTILE_PLACE))
    _rewrite_csv(data / "actors.csv", lambda rows: _set(rows, "actor_id", "opposition", "name", HOSTILE_ACTOR))

    def edit_claims(rows: list[dict]) -> None:
        # a Khmeimim claim with no end date, so it holds on the default (last) date and is in the panel
        open_ended = [r for r in rows if r["place_id"] == "khmeimim" and not r["valid_to"]]
        assert open_ended, "no open-ended Khmeimim claim to make hostile"
        open_ended[-1]["statement"] = HOSTILE_STATEMENT
        broken = dict(open_ended[0], claim_id="c999", place_id="atlantis", contradicts="")
        rows.append(broken)

    _rewrite_csv(data / "claims.csv", edit_claims)
    text = (data / "claims.csv").read_text(encoding="utf-8")
    broken_line = text[: text.index("\nc999,")].count("\n") + 2
    return data, broken_line


def test_hostile_table_text_is_shown_literally_and_never_runs(page, start_server, hostile_data, page_log):
    data, broken_line = hostile_data
    with start_server("--data", str(data)) as url:
        open_app(page, url)
        frame = map_frame(page)
        marker = frame.locator(".place-khmeimim")
        expect(marker).to_be_visible(timeout=MARKER_TIMEOUT)
        expect(frame.locator(".place-tartus_naval_base")).to_be_visible()  # the rest renders too

        hover_marker(marker)
        tooltip = frame.locator(".leaflet-tooltip")
        expect(tooltip).to_contain_text(HOSTILE_PLACE)
        expect(frame.locator(".claimmap-legend")).to_contain_text(HOSTILE_ACTOR)

        click_marker(marker)
        heading = page.get_by_role("heading", name=re.compile("^Sourcing: "))
        expect(heading).to_have_text(f"Sourcing: {HOSTILE_PLACE}")
        expect(page.get_by_text(HOSTILE_STATEMENT, exact=True).first).to_be_visible()
        expect(page).to_have_url(re.compile(r"[?&]place=khmeimim(&|$)"))

        expect(page.get_by_text(re.compile(r"^\d+ problem\(s\) in the data"))).to_be_visible()
        page.get_by_text("Show every problem").click()
        problems = page.locator("[data-testid='stCode']")
        expect(problems).to_contain_text(re.compile(rf"claims\.csv:{broken_line}: place_id: .*atlantis"))

        expect(page.locator(APP_IDLE)).to_be_attached()
        for window in (page, map_window(page)):
            set_flags = window.evaluate(f"() => {XSS_FLAGS!r}.filter(k => k in window)")
            assert set_flags == [], f"script from the tables ran in {window.url}: {set_flags}"
        assert page_log.js_errors == [] and page_log.dialogs == []


SPOOFING_STATEMENT = (
    "Seen on www.evil.example and https://evil.example/x, ask agent@evil.example "
    ":material/check_circle: verified :red[alert] \u202eegnahc"
)


def test_statements_make_no_links_icons_or_reordering(page, start_server, tmp_path, page_log):
    shutil.copytree(BUNDLED / "data", tmp_path / "data")
    shutil.copytree(BUNDLED / "seeds", tmp_path / "seeds")

    def spoof(rows: list[dict]) -> None:
        for row in rows:
            if row["place_id"] == "khmeimim":
                row["statement"] = SPOOFING_STATEMENT

    _rewrite_csv(tmp_path / "data" / "claims.csv", spoof)
    with start_server("--data", str(tmp_path / "data")) as url:
        open_app(page, url, "?place=khmeimim")
        statement = page.get_by_text(re.compile(r"^Seen on www")).first
        expect(statement).to_be_visible()
        shown = statement.inner_text().replace("\u2060", "")
        assert shown == SPOOFING_STATEMENT.replace("\u202e", "<U+202E>")
        main = page.locator("[data-testid='stMain']")
        assert main.locator("a[href*='evil.example'], a[href^='mailto:']").count() == 0
        # icons drawn from the statements' text; an expander's own chevron (in its summary) is the page's
        assert main.locator("[data-testid='stIconMaterial']:not(summary *)").count() == 0
        assert "\u202e" not in main.inner_text()
    assert page_log.js_errors == []


# f. the screenshot in docs/ --------------------------------------------------------------------

SCREENSHOT_VIEWPORT = {"width": 1400, "height": 1300}

# Resolves once every CSS background image in the document has loaded (or failed).
_CSS_IMAGES_LOADED = """async () => {
    const urls = new Set();
    for (const el of document.querySelectorAll("*")) {
        const m = getComputedStyle(el).backgroundImage.match(/url\\("?(.*?)"?\\)/);
        if (m) urls.add(m[1]);
    }
    await Promise.all([...urls].map(u => new Promise(done => {
        const img = new Image(); img.onload = img.onerror = done; img.src = u; })));
    return urls.size;
}"""


@pytest.mark.skipif(
    not os.environ.get("CLAIMMAP_SCREENSHOT"), reason="set CLAIMMAP_SCREENSHOT=1 to rewrite docs/screenshot*.png"
)
def test_save_docs_screenshot(page, app_server):
    # Streamlit scrolls inside its main container, so a "full page" screenshot is the viewport;
    # 1300 px tall holds the whole map and the start of the panel (Khmeimim's whole dossier
    # would make a ~15,000 px image).
    page.set_viewport_size(SCREENSHOT_VIEWPORT)
    open_app(page, app_server, "?place=khmeimim")
    expect(map_frame(page).locator(".place-khmeimim.selected")).to_be_visible(timeout=MARKER_TIMEOUT)
    expect(sourcing_heading(page, "Khmeimim Air Base")).to_be_visible()
    expect(page.get_by_text("the Khmeimim base is isolated", exact=True).first).to_be_attached()
    save_screenshot(page, "screenshot.png")


@pytest.mark.skipif(
    not os.environ.get("CLAIMMAP_SCREENSHOT"), reason="set CLAIMMAP_SCREENSHOT=1 to rewrite docs/screenshot*.png"
)
def test_save_docs_phone_screenshot(page, app_server):
    """A phone right after a tap on Khmeimim's marker: the panel scrolled into view."""
    open_on_a_phone(page, app_server)
    tap_marker(page, "khmeimim")
    expect(sourcing_heading(page, "Khmeimim Air Base")).to_be_in_viewport()
    save_screenshot(page, "screenshot-phone.png")


def save_screenshot(page, name: str) -> None:
    expect(page.locator(APP_IDLE)).to_be_attached()
    page.evaluate("() => document.fonts.ready.then(() => true)")
    map_window(page).evaluate(_CSS_IMAGES_LOADED)  # e.g. the layer control's icon
    out = REPO / "docs" / name
    out.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(out), full_page=True, animations="disabled")
    print(f"\nsaved {out}")
