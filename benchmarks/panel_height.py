"""How tall the sourcing panel is for the busiest places, in headless Chromium at 1400x1000.

Prints, per place, the panel column's height in CSS pixels and how many claim cards it shows
(a card repeated counts each time it is drawn), with earlier/later claims folded as the page
shows them:

    .venv/bin/python benchmarks/panel_height.py [--data data] [--date 2024-12-09]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import sync_playwright

from claimmap.testing.localserver import CHROMIUM, CHROMIUM_ARGS, REPO, offline_route, streamlit_server

APP_IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
PLACES = {"khmeimim": "Khmeimim Air Base", "tartus_naval_base": "Tartus naval facility"}
# The panel is the column holding the "Sourcing:" heading.
MEASURE = """name => {
    const heading = [...document.querySelectorAll("h3")].find(h => h.textContent.trim() === "Sourcing: " + name);
    const column = heading.closest("[data-testid='stColumn']");
    const cards = column.querySelectorAll(".cm-card");
    return {height: Math.round(column.getBoundingClientRect().height), cards: cards.length};
}"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO / "data")
    parser.add_argument("--date", default="2024-12-09")
    parser.add_argument("--shots", type=Path, help="save a full-page PNG per place in this folder")
    args = parser.parse_args()
    blocked: list[str] = []
    with streamlit_server(data_dir=args.data.resolve()) as (url, _), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.route("**/*", offline_route(blocked))
        for place_id, name in PLACES.items():
            page.goto(f"{url}/?date={args.date}&place={place_id}", wait_until="domcontentloaded")
            page.locator(APP_IDLE).wait_for(state="attached", timeout=60_000)
            page.get_by_role("heading", name=f"Sourcing: {name}").wait_for(timeout=60_000)
            figures = page.evaluate(MEASURE, name)
            if args.shots:  # Streamlit scrolls its main block, not the page: a window as tall as the panel
                page.set_viewport_size({"width": 1400, "height": figures["height"] + 700})
                page.wait_for_timeout(1500)
                page.screenshot(path=str(args.shots / f"panel-{place_id}.png"))
                page.set_viewport_size({"width": 1400, "height": 1000})
            print(f"{name} on {args.date}: panel {figures['height']} px, {figures['cards']} card(s) drawn")
        browser.close()


if __name__ == "__main__":
    main()
