"""Concurrent sessions against one dashboard server, driven by real Chromium browser contexts.

Run from the repository root:

    .venv/bin/python benchmarks/load_bench.py                       # 20 sessions x 5 iterations
    .venv/bin/python benchmarks/load_bench.py --sessions 5 --iterations 2 --data DIR

One `streamlit run dashboard.py` on a free 127.0.0.1 port (bundled data unless --data), one
headless Chromium (Debian's), one browser context per session; every non-local request is
aborted. The sessions start together and each does:

  load    open the page; wait for the first `.claim-marker` in the map iframe and the app idle;
  then --iterations times:
  slider  focus the "Situation as claimed on" slider and press ArrowLeft/ArrowRight (bouncing
          between the ends); wait for the map caption "... by <new date>;" and the app idle;
  place   click a marker in the map iframe (a place other than the selected one whose marker is
          not covered by another); wait for the panel heading "Sourcing: <name>" and the app idle.

Latency is measured from the key press / click (or navigation) to the app being idle with the
expected text shown. Errors: page errors (uncaught JS exceptions), timeouts, local requests that
failed or answered >= 400, and blocked non-local scripts/stylesheets. Everything is bounded: a
per-action timeout (--action-timeout) and a total cap (--total-cap) after which sessions stop
starting new iterations. Server RSS (/proc VmRSS) is read before the first session, after all
sessions finished (contexts still open) and after they closed; the peak is VmHWM.

Prints a Markdown table and writes benchmarks/out/load_results.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale_bench import APP_IDLE, MAP_IFRAME, OUT, REPO, proc_status_kb

from claimmap.testing.localserver import CHROMIUM, CHROMIUM_ARGS, DASHBOARD, is_local, streamlit_server

SLIDER_LABEL = "Situation as claimed on"

# Of the markers under the iframe's document, the place ids whose marker centre is not covered by
# another element (so a real mouse click lands on it).
_CLICKABLE_PLACES = """
() => {
  const out = [];
  for (const el of document.querySelectorAll('.claim-marker')) {
    const id = [...el.classList].find(c => c.startsWith('place-'));
    if (!id) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0) continue;
    const x = r.left + r.width / 2, y = r.top + r.height / 2;
    if (x < 0 || y < 0 || x > innerWidth || y > innerHeight) continue;
    const top = document.elementFromPoint(x, y);
    if (top && (top === el || el.contains(top))) out.push(id.slice('place-'.length));
  }
  return out;
}
"""


def process_cpu_s(pid: int) -> float:
    """utime + stime of a process, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_cpu_s() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values) - idle) / os.sysconf("SC_CLK_TCK"), sum(values) / os.sysconf("SC_CLK_TCK")


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {"load": [], "slider": [], "place": []})
    errors: list[str] = field(default_factory=list)
    blocked: int = 0
    actions: int = 0


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def place_names(data_dir: Path) -> dict[str, str]:
    import pandas as pd

    places = pd.read_csv(data_dir / "places.csv", dtype=str, keep_default_na=False)
    return dict(zip(places["place_id"], places["name"]))


async def run_session(
    number: int,
    browser,
    url: str,
    args,
    names: dict[str, str],
    stats: Stats,
    deadline: float,
    done: asyncio.Event,
    release: asyncio.Event,
) -> None:
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    timeout_ms = args.action_timeout * 1000
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(timeout_ms)
    page = await context.new_page()
    tag = f"session {number}"

    async def route(r):
        if is_local(r.request.url):
            await r.continue_()
        else:
            stats.blocked += 1
            if urlparse(r.request.url).path.lower().endswith((".js", ".css", ".mjs")):
                stats.errors.append(f"{tag}: blocked a non-local asset {r.request.url}")
            await r.abort()

    def on_response(response):
        if is_local(response.url) and response.status >= 400:
            stats.errors.append(f"{tag}: HTTP {response.status} for {response.url}")

    def on_failed(request):
        if is_local(request.url):
            stats.errors.append(f"{tag}: request failed ({request.failure}) {request.url}")

    await page.route("**/*", route)
    page.on("pageerror", lambda e: stats.errors.append(f"{tag}: page error {e}"))
    page.on("response", on_response)
    page.on("requestfailed", on_failed)
    frame = page.frame_locator(MAP_IFRAME)
    slider = page.get_by_test_id("stSlider").filter(has_text=SLIDER_LABEL).get_by_role("slider")
    selected: str | None = None
    direction = "ArrowLeft"

    async def timed(kind: str, action, wait) -> bool:
        start = time.perf_counter()
        try:
            await action()
            await wait()
            await page.wait_for_selector(APP_IDLE, timeout=timeout_ms)
        except PlaywrightTimeout as e:
            stats.errors.append(f"{tag}: timeout in {kind}: {str(e).splitlines()[0]}")
            return False
        stats.latencies[kind].append(time.perf_counter() - start)
        stats.actions += 1
        return True

    try:
        ok = await timed(
            "load",
            lambda: page.goto(url, timeout=timeout_ms),
            lambda: frame.locator(".claim-marker").first.wait_for(state="visible"),
        )
        for _ in range(args.iterations if ok else 0):
            if time.monotonic() > deadline:
                stats.errors.append(f"{tag}: stopped early at the {args.total_cap:.0f} s cap")
                break
            # Slider: one day towards the current direction, turning round at either end.
            value, low, high = [float(await slider.get_attribute(a)) for a in ("value", "min", "max")]
            if (direction == "ArrowLeft" and value <= low) or (direction == "ArrowRight" and value >= high):
                direction = "ArrowRight" if direction == "ArrowLeft" else "ArrowLeft"
            before = await slider.get_attribute("aria-valuetext")

            async def press():
                await slider.focus()
                await slider.press(direction)

            async def caption_moved():
                await page.wait_for_function(
                    "([sel, before]) => { const s = document.querySelector(sel);"
                    " return s && s.getAttribute('aria-valuetext') !== before; }",
                    arg=["[data-testid='stSlider'] input[type='range']", before],
                    timeout=timeout_ms,
                )
                day = await slider.get_attribute("aria-valuetext")
                await page.get_by_text(f"places with claims by {day};").wait_for(state="visible")

            if not await timed("slider", press, caption_moved):
                continue
            # Place: a marker not covered by another, other than the selected place.
            candidates = [
                p for p in await frame.locator("body").evaluate(_CLICKABLE_PLACES) if p != selected and p in names
            ]
            if not candidates:
                stats.errors.append(f"{tag}: no clickable marker other than {selected}")
                continue
            target = candidates[(number + stats.actions) % len(candidates)]
            marker = frame.locator(f".place-{target}").first
            if await timed(
                "place",
                lambda: marker.click(),
                lambda: page.get_by_role("heading", name=f"Sourcing: {names[target]}").wait_for(state="visible"),
            ):
                selected = target
        done.set()
        await release.wait()  # keep the session open until the server's RSS has been read
    finally:
        done.set()
        await context.close()


async def main_async(args) -> dict:
    from playwright.async_api import async_playwright

    data_dir = Path(args.data).resolve() if args.data else REPO / "data"
    names = place_names(data_dir)
    OUT.mkdir(parents=True, exist_ok=True)
    stats = Stats()
    result: dict = {"sessions": args.sessions, "iterations": args.iterations, "data": str(data_dir)}
    with streamlit_server(
        DASHBOARD, cwd=REPO, data_dir=data_dir if args.data else None, log_path=OUT / "load_server.log"
    ) as (url, server):
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            # One warm-up visit, so the data load and validation are not counted as session latency.
            warm = await browser.new_context()
            page = await warm.new_page()
            await page.route("**/*", lambda r: r.continue_() if is_local(r.request.url) else r.abort())
            await page.goto(url)
            await (
                page.frame_locator(MAP_IFRAME)
                .locator(".claim-marker")
                .first.wait_for(state="visible", timeout=args.action_timeout * 1000)
            )
            await page.wait_for_selector(APP_IDLE)
            await warm.close()
            await asyncio.sleep(2)  # let the closed session go
            result["server_rss_before_mb"] = proc_status_kb(server.pid, "VmRSS") / 1024
            server_cpu, (busy, total) = process_cpu_s(server.pid), machine_cpu_s()
            start = time.monotonic()
            deadline = start + args.total_cap
            release = asyncio.Event()
            dones = [asyncio.Event() for _ in range(args.sessions)]
            tasks = [
                asyncio.create_task(run_session(i, browser, url, args, names, stats, deadline, dones[i], release))
                for i in range(args.sessions)
            ]
            try:
                await asyncio.wait_for(
                    asyncio.gather(*(d.wait() for d in dones)), timeout=args.total_cap + args.action_timeout * 3
                )
            except TimeoutError:
                stats.errors.append("the run did not finish within the total cap")
            result["wall_s"] = time.monotonic() - start
            result["server_rss_all_open_mb"] = proc_status_kb(server.pid, "VmRSS") / 1024
            busy_after, total_after = machine_cpu_s()
            result["server_cpu_s"] = process_cpu_s(server.pid) - server_cpu
            result["machine_busy_cpu_s"] = busy_after - busy
            result["machine_cpu_capacity_s"] = total_after - total
            release.set()
            done, pending = await asyncio.wait(tasks, timeout=120)
            for task in pending:
                task.cancel()
                stats.errors.append("a session did not close in time")
            for task in done:
                if task.exception() is not None:
                    stats.errors.append(f"session crashed: {task.exception()!r}")
            await browser.close()
        await asyncio.sleep(3)
        result["server_rss_after_close_mb"] = proc_status_kb(server.pid, "VmRSS") / 1024
        result["server_peak_rss_mb"] = proc_status_kb(server.pid, "VmHWM") / 1024
    result["actions"] = stats.actions
    result["expected_actions"] = args.sessions * (1 + 2 * args.iterations)
    result["errors"] = stats.errors
    result["blocked_requests"] = stats.blocked
    result["latency"] = {
        kind: {
            "n": len(v),
            "p50": percentile(v, 0.5),
            "p90": percentile(v, 0.9),
            "p99": percentile(v, 0.99),
            "max": max(v) if v else None,
            "mean": statistics.fmean(v) if v else None,
        }
        for kind, v in stats.latencies.items()
    }
    result["server_rss_per_session_mb"] = (
        result["server_rss_all_open_mb"] - result["server_rss_before_mb"]
    ) / args.sessions
    return result


def report(r: dict) -> str:
    f = lambda v: "–" if v is None else f"{v:.2f}"  # noqa: E731
    lines = [
        f"sessions {r['sessions']} × {r['iterations']} iterations, {r['actions']} of "
        f"{r['expected_actions']} actions done in {r['wall_s']:.0f} s, errors {len(r['errors'])}, "
        f"non-local requests blocked {r['blocked_requests']}",
        f"CPU during the sessions: server {r['server_cpu_s']:.0f} s, whole machine {r['machine_busy_cpu_s']:.0f} s "
        f"busy of {r['machine_cpu_capacity_s']:.0f} s available ({os.cpu_count()} cores); the rest is "
        f"Chromium and the driver",
        "",
        "| action | n | p50 s | p90 s | p99 s | max s |",
        "|---|---|---|---|---|---|",
    ]
    for kind, s in r["latency"].items():
        lines.append(f"| {kind} | {s['n']} | {f(s['p50'])} | {f(s['p90'])} | {f(s['p99'])} | {f(s['max'])} |")
    lines += [
        "",
        "| server RSS before | all sessions open | after they closed | peak (VmHWM) | per session |",
        "|---|---|---|---|---|",
        f"| {r['server_rss_before_mb']:.0f} MB | {r['server_rss_all_open_mb']:.0f} MB "
        f"| {r['server_rss_after_close_mb']:.0f} MB | {r['server_peak_rss_mb']:.0f} MB "
        f"| {r['server_rss_per_session_mb']:.1f} MB |",
    ]
    if r["errors"]:
        lines += ["", "errors:", *(f"  {e}" for e in r["errors"][:30])]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description="Concurrent browser sessions against one claimmap server.")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--iterations", type=int, default=5)
    parser.add_argument("--data", help="data dir (default: the bundled data/)")
    parser.add_argument("--action-timeout", type=float, default=90.0, help="seconds per action")
    parser.add_argument("--total-cap", type=float, default=300.0, help="no new iteration starts after this")
    args = parser.parse_args()
    result = asyncio.run(main_async(args))
    (OUT / "load_results.json").write_text(json.dumps(result, indent=1))
    print(report(result))
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
