"""The dashboard against the yardstick page (benchmarks/minimal_page.py), one driver, one run.

Three interactions, timed from the user's action to what they wait for, in headless Chromium
with every non-local request aborted:
  first map       navigation (fresh browser context, server already warm) -> a place marker visible
  click -> quote  a click on Khmeimim's marker -> the heading of its quotes visible beside the map
  slider -> map   ArrowLeft on the focused date slider -> the map's place layer redrawn

Each repetition runs both pages back to back, so both see the same machine; the figures are medians
over the repetitions and the ratio is dashboard / yardstick (the brief's bar: at most 1.3x).

    .venv/bin/python benchmarks/page_speed.py [--data data] [--reps 7]
"""

from __future__ import annotations

import argparse
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import sync_playwright

from claimmap.testing.localserver import CHROMIUM, CHROMIUM_ARGS, REPO, offline_route, streamlit_server

MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
APP_IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
PLACE = "khmeimim"
PLACE_NAME = "Khmeimim Air Base"
TIMEOUT_MS = 60_000
# A point of the marker that really receives the pointer (markers overlap on the coast).
UNCOVERED_POINT = """el => {
    const r = el.getBoundingClientRect();
    for (let d = 0; d < Math.max(r.width, r.height) / 2; d += 1)
        for (const [x, y] of [[d, 0], [-d, 0], [0, d], [0, -d], [d, d], [-d, -d]]) {
            const px = r.width / 2 + x, py = r.height / 2 + y;
            const hit = el.ownerDocument.elementFromPoint(r.left + px, r.top + py);
            if (hit && el.contains(hit)) return {x: px, y: py};
        }
    return null;
}"""
MARK_STALE = "() => document.querySelectorAll('[class*=\"place-\"]').forEach(e => e.dataset.stale = '1')"
REDRAWN = "() => document.querySelector('[class*=\"place-\"]:not([data-stale])') !== null"


@dataclass(frozen=True)
class Page:
    name: str
    script: Path
    heading: str  # the heading shown beside the map after the click


PAGES = [
    Page("dashboard", REPO / "dashboard.py", f"Sourcing: {PLACE_NAME}"),
    Page("yardstick", REPO / "benchmarks" / "minimal_page.py", f"Quotes: {PLACE_NAME}"),
]


def one_visit(browser, url: str, page_spec: Page) -> dict[str, float]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.route("**/*", offline_route([]))
    figures = {}
    start = time.perf_counter()
    page.goto(url, wait_until="domcontentloaded")
    frame = page.frame_locator(MAP_IFRAME)
    marker = frame.locator(f".place-{PLACE}").first
    marker.wait_for(state="visible", timeout=TIMEOUT_MS)
    figures["first map"] = time.perf_counter() - start
    page.locator(APP_IDLE).wait_for(state="attached", timeout=TIMEOUT_MS)

    page.locator(MAP_IFRAME).scroll_into_view_if_needed()
    point = marker.evaluate(UNCOVERED_POINT)
    start = time.perf_counter()
    marker.click(position=point)
    page.get_by_role("heading", name=page_spec.heading).wait_for(state="visible", timeout=TIMEOUT_MS)
    figures["click -> quote"] = time.perf_counter() - start
    page.locator(APP_IDLE).wait_for(state="attached", timeout=TIMEOUT_MS)

    map_frame = page.locator(MAP_IFRAME).element_handle().content_frame()
    map_frame.evaluate(MARK_STALE)
    slider = page.locator("[data-testid='stSlider']").get_by_role("slider")
    slider.focus()
    start = time.perf_counter()
    slider.press("ArrowLeft")
    map_frame.wait_for_function(REDRAWN, timeout=TIMEOUT_MS, polling="raf")
    figures["slider -> map"] = time.perf_counter() - start
    context.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=REPO / "data")
    parser.add_argument("--reps", type=int, default=7)
    args = parser.parse_args()
    data_dir = args.data.resolve()
    results: dict[str, list[dict[str, float]]] = {p.name: [] for p in PAGES}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        with (
            streamlit_server(PAGES[0].script, "--data", str(data_dir), data_dir=data_dir) as (dash_url, _),
            streamlit_server(PAGES[1].script, "--data", str(data_dir), data_dir=data_dir) as (mini_url, _),
        ):
            urls = {"dashboard": dash_url, "yardstick": mini_url}
            for spec in PAGES:  # warm-up: each server loads its data once
                one_visit(browser, urls[spec.name], spec)
            for _ in range(args.reps):
                for spec in PAGES:
                    results[spec.name].append(one_visit(browser, urls[spec.name], spec))
        browser.close()
    print(f"medians over {args.reps} visits each (s); ratio = dashboard / yardstick")
    print(f"{'interaction':<16}{'dashboard':>10}{'yardstick':>10}{'ratio':>8}")
    for key in results["dashboard"][0]:
        dash = statistics.median(r[key] for r in results["dashboard"])
        mini = statistics.median(r[key] for r in results["yardstick"])
        print(f"{key:<16}{dash:>10.2f}{mini:>10.2f}{dash / mini:>7.2f}x")


if __name__ == "__main__":
    main()
