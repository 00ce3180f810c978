"""How true Play is to its stated speed, in headless Chromium, one run.

For each speed (1, 2 and 4 days per second) the slider is set to the first day, Play is pressed, and
the browser notes the time each new day appears on the slider (polled every animation frame).
Printed per speed: the stated seconds per day, the mean over the steps seen (first to last day
shown, divided by the steps), the slowest step, and whether any day was skipped.

    .venv/bin/python benchmarks/play_speed.py [--data data] [--steps 8]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
from pathlib import Path

from playwright.sync_api import sync_playwright

from claimmap.testing.localserver import CHROMIUM, CHROMIUM_ARGS, REPO, offline_route, streamlit_server

APP_IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
SLIDER = "[data-testid='stSlider'] input[type='range']"
# Each change of the slider's day, with its time, noted in the page itself.
WATCH_DAYS = """selector => {
    window.__days = [];
    const look = () => {
        const el = document.querySelector(selector);
        const day = el && el.getAttribute('aria-valuetext');
        const seen = window.__days;
        if (day && (!seen.length || seen[seen.length - 1][0] !== day)) seen.push([day, performance.now()]);
        requestAnimationFrame(look);
    };
    look();
}"""


def one_speed(browser, url: str, speed: int, steps: int) -> dict[str, float | bool]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.route("**/*", offline_route([]))
    page.goto(url, wait_until="domcontentloaded")
    page.locator(APP_IDLE).wait_for(state="attached", timeout=60_000)
    page.locator(SLIDER).press("Home")  # the first day
    page.locator(APP_IDLE).wait_for(state="attached", timeout=60_000)
    page.get_by_role("combobox", name="Speed").click()
    page.get_by_role("option", name=f"{speed} day{'s' if speed > 1 else ''}/s").click()
    page.locator(APP_IDLE).wait_for(state="attached", timeout=60_000)
    page.evaluate(WATCH_DAYS, SLIDER)
    page.get_by_role("button", name="▶ Play", exact=True).click()
    page.wait_for_function(f"() => window.__days.length > {steps + 1}", timeout=60_000 + 2_000 * steps)
    page.get_by_role("button", name="⏸ Pause", exact=True).click()
    seen = page.evaluate("() => window.__days")[1:]  # the first entry is the day before Play
    context.close()
    days = [dt.date.fromisoformat(day) for day, _ in seen]
    times = [at / 1000 for _, at in seen]
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    return {
        "mean": (times[-1] - times[0]) / (len(times) - 1),
        "median": statistics.median(gaps),
        "slowest": max(gaps),
        "skipped": any((b - a).days != 1 for a, b in zip(days, days[1:], strict=False)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=REPO / "data")
    parser.add_argument("--steps", type=int, default=8)
    args = parser.parse_args()
    data_dir = args.data.resolve()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        with streamlit_server(REPO / "dashboard.py", "--data", str(data_dir), data_dir=data_dir) as (url, _):
            print(f"{'speed':<10}{'stated s/day':>14}{'mean':>8}{'median':>8}{'slowest':>9}  skipped a day")
            for speed in (1, 2, 4):
                got = one_speed(browser, url, speed, args.steps)
                print(
                    f"{speed} day/s{'':<4}{1 / speed:>14.3f}{got['mean']:>8.3f}{got['median']:>8.3f}"
                    f"{got['slowest']:>9.3f}  {'yes' if got['skipped'] else 'no'}"
                )
        browser.close()


if __name__ == "__main__":
    main()
