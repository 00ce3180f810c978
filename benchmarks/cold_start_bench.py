"""Issue 14's figures for one data folder, each from one run: validate, the first page on a cold
server, the first page after a restart with unchanged data, a slider rerun, a marker click, the
bytes each sends, the server's peak memory; and the naive per-marker folium page beside them.

    .venv/bin/python benchmarks/synthetic.py benchmarks/out/m1 1000000 100000 --articles --stale 0.05
    .venv/bin/python benchmarks/cold_start_bench.py benchmarks/out/m1/data [--naive] [--naive-cap 150]

What each figure is (times from the user's action, headless Chromium at 1400x1000, every non-local
request aborted; the server is `streamlit run serve.py`, as scripts/run starts it, with a fresh
$CLAIMMAP_CACHE folder):

  validate        wall time and peak RSS of `python -m claimmap validate --data DIR`
  first page run  the page script's first run (Streamlit's AppTest, in a fresh process): cold
                  (empty cache folder), after a restart (the same folder again), and the naive
                  app's; server-side only, no browser
  first page cold navigation -> the first place marker or count bubble visible in the map, on a
                  server that has never loaded the data (it validates and stores the dataset)
  after restart   the same on a second server started with the same cache folder and files,
                  navigating once it answers its health check; `server start` is the time from
                  launching it to that answer (serve.py reads the dataset meanwhile and after)
  slider rerun    ArrowLeft pressed SLIDER_STEPS times on the focused date slider; from the last
                  press -> the map's places redrawn, then the app idle; bytes = websocket bytes
                  the browser received meanwhile
  marker click    a click on a place marker (bubbles are clicked first until one shows on screen)
                  -> the heading "Sourcing: NAME" beside the map; bytes as above
  server peak     VmHWM of each server process after its visit
  naive           benchmarks/scale_bench.py's naive app (one folium.Marker per claim started by
                  the day, st_folium with its defaults): first marker, slider rerun, its bytes,
                  capped at --naive-cap seconds per step

Prints one Markdown table row per figure and writes benchmarks/out/cold_start_<name>.json.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))
from scale_bench import proc_status_kb, write_naive_app  # noqa: E402

from claimmap.config import CACHE_ENV  # noqa: E402
from claimmap.testing.localserver import CHROMIUM, CHROMIUM_ARGS, DASHBOARD, SERVER, offline_route, streamlit_server  # noqa: E402

OUT = REPO / "benchmarks" / "out"
BROWSER_LOCK = "/tmp/claimmap-browser.lock"
# Days the slider moves back from the last day (quickly, one rerun counts): the synthetic claims
# start within 21 days and end up to 9 days later, so this lands where nearly all have started
# (from the last day one step back, the naive map is the same and nothing is sent).
SLIDER_STEPS = 10
MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
APP_IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
FIRST_PLACE = ".claim-marker, .claim-cluster"
MARK_STALE = "() => document.querySelectorAll('.claim-marker, .claim-cluster').forEach(e => e.dataset.stale = '1')"
REDRAWN = ".claim-marker:not([data-stale]), .claim-cluster:not([data-stale])"
NAIVE_MARK_STALE = "() => document.querySelectorAll('.leaflet-marker-icon').forEach(e => e.dataset.stale = '1')"
NAIVE_REDRAWN = ".leaflet-marker-icon:not([data-stale])"
# The first marker (or bubble, with `bubble`) wholly inside the map frame whose centre takes the
# pointer; its centre in frame coordinates, or null.
CLICKABLE = """([selector, width, height]) => {
    for (const el of document.querySelectorAll(selector)) {
        const r = el.getBoundingClientRect();
        if (r.left < 0 || r.top < 0 || r.right > width || r.bottom > height || r.width === 0) continue;
        const x = r.left + r.width / 2, y = r.top + r.height / 2;
        const hit = document.elementFromPoint(x, y);
        if (hit && el.contains(hit)) return {x, y};
    }
    return null;
}"""


class Visit:
    """One browser context on `url`, counting the websocket bytes it receives."""

    def __init__(self, browser, url: str):
        self.context = browser.new_context(viewport={"width": 1400, "height": 1000})
        self.page = self.context.new_page()
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.received = 0
        self.page.route("**/*", offline_route(self.blocked))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("websocket", lambda ws: ws.on("framereceived", self._count))
        self.url = url

    def _count(self, payload) -> None:
        self.received += len(payload)

    def idle(self, timeout_s: float) -> None:
        self.page.wait_for_timeout(300)  # a rerun that was just triggered has started
        self.page.locator(APP_IDLE).wait_for(state="attached", timeout=timeout_s * 1000)

    def first_map(self, selector: str, timeout_s: float) -> float | None:
        start = time.perf_counter()
        try:
            self.page.goto(self.url, timeout=timeout_s * 1000, wait_until="domcontentloaded")
            self.page.frame_locator(MAP_IFRAME).locator(selector).first.wait_for(
                state="visible", timeout=timeout_s * 1000
            )
        except PlaywrightTimeout:
            return None
        seconds = time.perf_counter() - start
        self.idle(timeout_s)
        return seconds

    def map_frame(self):
        return self.page.locator(MAP_IFRAME).element_handle().content_frame()

    def slider_rerun(self, mark: str, redrawn: str, timeout_s: float) -> dict:
        frame = self.map_frame()
        frame.evaluate(mark)
        slider = self.page.locator("[data-testid='stSlider']").get_by_role("slider").first
        slider.focus()
        for _ in range(SLIDER_STEPS - 1):  # each press interrupts the rerun of the one before
            slider.press("ArrowLeft")
        before = self.received
        start = time.perf_counter()
        try:
            slider.press("ArrowLeft")
            # Found again on every try: the naive map's frame is replaced when its map changes.
            self.page.frame_locator(MAP_IFRAME).locator(redrawn).first.wait_for(timeout=timeout_s * 1000)
            redraw = time.perf_counter() - start
            self.idle(timeout_s)
        except PlaywrightTimeout:
            return {"seconds": None, "bytes": self.received - before}
        return {"seconds": redraw, "idle_seconds": time.perf_counter() - start, "bytes": self.received - before}

    def marker_click(self, timeout_s: float) -> dict:
        """Bubbles are clicked (each zooms in) until a place marker is on screen; then it is clicked."""
        self.page.locator(MAP_IFRAME).scroll_into_view_if_needed()
        box = self.page.locator(MAP_IFRAME).bounding_box()
        frame = self.map_frame()
        zooms = 0
        while True:
            point = frame.evaluate(CLICKABLE, [".claim-marker", box["width"], box["height"]])
            if point or zooms >= 8:
                break
            bubble = frame.evaluate(CLICKABLE, [".claim-cluster", box["width"], box["height"]])
            if not bubble:
                break
            self.page.mouse.click(box["x"] + bubble["x"], box["y"] + bubble["y"])
            zooms += 1
            self.page.wait_for_timeout(1500)
            self.idle(timeout_s)
        if not point:
            return {"seconds": None, "zooms": zooms, "note": "no clickable marker"}
        before = self.received
        start = time.perf_counter()
        self.page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
        try:
            self.page.get_by_role("heading", name="Sourcing:").first.wait_for(state="visible", timeout=timeout_s * 1000)
            seconds = time.perf_counter() - start
            self.idle(timeout_s)
        except PlaywrightTimeout:
            return {"seconds": None, "zooms": zooms, "bytes": self.received - before}
        return {"seconds": seconds, "zooms": zooms, "bytes": self.received - before}

    def close(self) -> None:
        self.context.close()


def run_validate(data_dir: Path) -> dict:
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "claimmap", "validate", "--data", str(data_dir)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    return {
        "seconds": time.perf_counter() - start,
        "exit": os.waitstatus_to_exitcode(status),
        "peak_rss_mb": usage.ru_maxrss / 1024,
    }


def first_script_run(script: Path, data_dir: Path, cache: Path, cap_s: float | None = None) -> dict:
    """The first run of `script` in a fresh process (AppTest), with $CLAIMMAP_CACHE at `cache`;
    seconds None when it did not finish within `cap_s`."""
    env = {**os.environ, CACHE_ENV: str(cache), "CLAIMMAP_DATA": str(data_dir)}
    try:
        out = subprocess.run(
            [sys.executable, __file__, "--first-run", str(script)],
            cwd=script.parent,
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=cap_s,
        )
    except subprocess.TimeoutExpired:
        return {"seconds": None, "cap_s": cap_s}
    return json.loads(out.stdout.strip().splitlines()[-1])


def _first_run_here(script: str) -> None:
    from streamlit.testing.v1 import AppTest

    sys.argv = [script]  # the dashboard reads --data from argv: give it none
    at = AppTest.from_file(script, default_timeout=3600)
    start = time.perf_counter()
    at.run()
    seconds = time.perf_counter() - start
    failed = [e.message for e in at.exception]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "exceptions": failed, "peak_rss_mb": peak}))


def dashboard_visits(browser, data_dir: Path, cache: Path, timeout_s: float) -> dict:
    os.environ[CACHE_ENV] = str(cache)
    result: dict = {}
    with streamlit_server(SERVER, data_dir=data_dir, log_path=OUT / "cold_start_server.log") as (url, server):
        visit = Visit(browser, url)
        result["first_page_cold_s"] = visit.first_map(FIRST_PLACE, timeout_s)
        result["first_page_cold_bytes"] = visit.received
        result["slider"] = visit.slider_rerun(MARK_STALE, REDRAWN, timeout_s)
        result["click"] = visit.marker_click(timeout_s)
        result["errors"], result["blocked"] = visit.errors, len(visit.blocked)
        visit.close()
        result["server_peak_cold_mb"] = (proc_status_kb(server.pid, "VmHWM") or 0) / 1024
    launched = time.perf_counter()
    with streamlit_server(SERVER, data_dir=data_dir, log_path=OUT / "cold_start_server2.log") as (url, server):
        result["server_start_restart_s"] = time.perf_counter() - launched
        visit = Visit(browser, url)
        result["first_page_restart_s"] = visit.first_map(FIRST_PLACE, timeout_s)
        result["first_page_restart_bytes"] = visit.received
        result["slider_after_restart"] = visit.slider_rerun(MARK_STALE, REDRAWN, timeout_s)
        result["errors"] += visit.errors
        visit.close()
        result["server_peak_restart_mb"] = (proc_status_kb(server.pid, "VmHWM") or 0) / 1024
    return result


def naive_visits(browser, data_dir: Path, cap_s: float) -> dict:
    with tempfile.TemporaryDirectory(prefix="claimmap-naive-") as tmp:
        app = write_naive_app(Path(tmp))
        with streamlit_server(app, cwd=Path(tmp), data_dir=data_dir, log_path=OUT / "cold_start_naive.log") as (
            url,
            server,
        ):
            visit = Visit(browser, url)
            result: dict = {"first_page_s": visit.first_map(".leaflet-marker-icon", cap_s)}
            result["first_page_bytes"] = visit.received
            if result["first_page_s"] is not None:
                result["slider"] = visit.slider_rerun(NAIVE_MARK_STALE, NAIVE_REDRAWN, cap_s)
            visit.close()
            result["server_peak_mb"] = (proc_status_kb(server.pid, "VmHWM") or 0) / 1024
    result["cap_s"] = cap_s
    return result


def _s(value) -> str:
    return "–" if value is None else f"{value:.2f} s"


def _mb(value) -> str:
    return "–" if value is None else f"{value / 1e6:.2f} MB"


def report(name: str, r: dict) -> str:
    d, n = r["dashboard"], r.get("naive")
    naive_first = naive_slider = "not run"
    if n:
        naive_first = _s(n["first_page_s"]) if n["first_page_s"] is not None else f"> {n['cap_s']:.0f} s (gave up)"
        slider = n.get("slider")
        naive_slider = f"{_s(slider['seconds'])}, {_mb(slider['bytes'])}" if slider else "–"
    rows = [
        ("validate", f"{_s(r['validate']['seconds'])} (peak RSS {r['validate']['peak_rss_mb']:.0f} MB)", ""),
        (
            "first page run, script only (cold / after restart)",
            f"{_s(r['first_run_cold']['seconds'])} / {_s(r['first_run_restart']['seconds'])}",
            _s(r["naive_first_run"]["seconds"]) if "naive_first_run" in r else "not run",
        ),
        ("first page cold in Chromium", _s(d["first_page_cold_s"]), naive_first),
        (
            "first page after restart in Chromium (server start before it)",
            f"{_s(d['first_page_restart_s'])} ({_s(d.get('server_start_restart_s'))})",
            "",
        ),
        (
            "slider rerun (map redrawn / idle, bytes)",
            f"{_s(d['slider']['seconds'])} / {_s(d['slider'].get('idle_seconds'))}, {_mb(d['slider']['bytes'])}",
            naive_slider,
        ),
        (
            "marker click -> panel (bytes)",
            f"{_s(d['click']['seconds'])}, {_mb(d['click'].get('bytes'))}"
            + (f" after {d['click']['zooms']} bubble click(s)" if d["click"].get("zooms") else ""),
            "",
        ),
        (
            "server peak RSS (cold / restart)",
            f"{d['server_peak_cold_mb']:.0f} / {d['server_peak_restart_mb']:.0f} MB",
            f"{n['server_peak_mb']:.0f} MB" if n else "",
        ),
    ]
    lines = [f"{name}: {r['when']}, load {r['load']}", "| figure | claimmap | naive |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    return "\n".join(lines)


def browser_part(playwright, result: dict, data_dir: Path, cache: Path, args: argparse.Namespace) -> None:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        result["dashboard"] = dashboard_visits(browser, data_dir, cache, args.timeout)
        if args.naive:
            result["naive"] = naive_visits(browser, data_dir, args.naive_cap)
    finally:
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", type=Path, nargs="?")
    parser.add_argument("--first-run", help=argparse.SUPPRESS)
    parser.add_argument("--naive", action="store_true", help="also run the naive per-marker page")
    parser.add_argument("--naive-cap", type=float, default=150.0)
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds to wait for the dashboard per step")
    args = parser.parse_args()
    if args.first_run:
        _first_run_here(args.first_run)
        return
    data_dir = args.data.resolve()
    name = data_dir.parent.name
    OUT.mkdir(parents=True, exist_ok=True)
    result: dict = {"when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    result["load_before_validate"] = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    result["validate"] = run_validate(data_dir)
    with tempfile.TemporaryDirectory(prefix="claimmap-cache-") as cache:
        result["first_run_cold"] = first_script_run(DASHBOARD, data_dir, Path(cache))
        result["first_run_restart"] = first_script_run(DASHBOARD, data_dir, Path(cache))
    if args.naive:
        with tempfile.TemporaryDirectory(prefix="claimmap-naive-") as tmp:
            result["naive_first_run"] = first_script_run(
                write_naive_app(Path(tmp)), data_dir, Path(tmp), args.naive_cap
            )
    with (
        open(BROWSER_LOCK, "a") as lock,
        tempfile.TemporaryDirectory(prefix="claimmap-cache-") as cache,
    ):
        fcntl.flock(lock, fcntl.LOCK_EX)  # one browser at a time on this machine
        result["load"] = " ".join(Path("/proc/loadavg").read_text().split()[:3])
        with sync_playwright() as playwright:
            browser_part(playwright, result, data_dir, Path(cache), args)
    result["load_after"] = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    (OUT / f"cold_start_{name}.json").write_text(json.dumps(result, indent=1))
    print(report(name, result))


if __name__ == "__main__":
    main()
