"""How the dashboard scales with the number of claims, against a naive folium baseline.

Run from the repository root (sizes are claim counts; places default to min(n/10, 10,000)):

    .venv/bin/python benchmarks/scale_bench.py                    # 1k, 10k, 100k
    .venv/bin/python benchmarks/scale_bench.py --sizes 1000,10000 --no-naive-browser

For each size it writes a synthetic data dir (benchmarks/synthetic.py, into benchmarks/out/, reused
when already there) and measures, in a fresh child process per size:

  load s       cold `claimmap.analysis.dataset.load_dataset` (read, validate, locate, provenance);
  rerun s      median time of `at.slider(key="day").set_value(day).run()` with Streamlit's AppTest on
               dashboard.py (CLAIMMAP_DATA set, one warm-up run first), over --days days spread over
               the date span and ending on its last day;
  naive s      the same for a minimal app (generated into a temp dir) drawing one
               `folium.Marker(location, tooltip=name)` per claim started by the day and passing the
               map to `st_folium(m)` (data read with pandas and cached, so only the map is timed);
  map bytes    len(json_args) of the st_folium component (script + feature_group + the rest) on the
               last day, for both apps; "page bytes" adds up every element proto of the page
               (what the server sends per rerun, download-button payloads excepted: those are
               fetched only on click);
  browser s    `streamlit run` on a free port, Chromium (Debian's, headless) with every non-local
               request aborted: navigation -> first `.claim-marker` or `.claim-cluster` (a bubble of crowded
               markers) visible inside the map iframe,
               cold (first visit: the server loads and validates the data) and warm (a second,
               fresh browser context); for the naive app the first `.leaflet-marker-icon`, capped at
               --naive-browser-cap seconds;
  RSS MB       peak RSS of the benchmark child after the dashboard's AppTest runs (before the naive
               app runs) and of the streamlit server process (/proc/PID/status VmHWM).

Prints one Markdown table and PASS/FAIL lines for the targets: at 10k claims rerun <= 3% of the
naive rerun and map bytes < 2.5 MB; at 100k claims rerun < 2 s. Raw numbers go to
benchmarks/out/scale_results.json. With --profile (needs pyinstrument in the venv) the child also
writes a pyinstrument profile of one dashboard rerun per size to benchmarks/out/.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "benchmarks" / "out"
sys.path.insert(0, str(REPO))  # run as a script from the repository root
from claimmap.testing.localserver import CHROMIUM, CHROMIUM_ARGS, DASHBOARD, is_local, offline_route, streamlit_server  # noqa: E402

MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
APP_IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
TARGET_RERUN_SHARE = 0.03  # at 10k claims
TARGET_MAP_BYTES = 2.5e6  # at 10k claims
TARGET_RERUN_100K = 2.0


# --------------------------------------------------------------------------- shared helpers


def proc_status_kb(pid: int, field: str) -> int | None:
    """VmRSS / VmHWM of a process in kB, from /proc (None when the process is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def self_peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kB


# --------------------------------------------------------------------------- the naive baseline

NAIVE_APP = textwrap.dedent('''
    """Naive baseline: one folium.Marker per claim started by the day, the whole map to st_folium."""
    import datetime as dt
    import os

    import folium
    import pandas as pd
    import streamlit as st
    from streamlit_folium import st_folium

    DATA = os.environ["CLAIMMAP_DATA"]


    @st.cache_data
    def claims_with_places():
        claims = pd.read_csv(f"{DATA}/claims.csv", usecols=["claim_id", "place_id", "valid_from", "valid_to"],
                             parse_dates=["valid_from", "valid_to"])
        places = pd.read_csv(f"{DATA}/places.csv", usecols=["place_id", "name", "lat", "lon"], keep_default_na=False,
                             na_values={"lat": [""], "lon": [""]})
        return claims.merge(places, on="place_id")


    claims = claims_with_places()
    days = pd.concat([claims["valid_from"], claims["valid_to"]]).dropna()
    first, last = days.min().date(), days.max().date()
    day = st.slider("Day", min_value=first, max_value=last, value=last, step=dt.timedelta(days=1), key="day")
    shown = claims[(claims["valid_from"].dt.date <= day) & claims["lat"].notna()]
    m = folium.Map(location=[35.0, 38.5], zoom_start=7, tiles=None)
    # Local copies (claimmap.views.assets) so the map renders offline; everything else is folium's default.
    m.default_js = [("leaflet", "/app/static/vendor/leaflet/leaflet.js"),
                    ("jquery", "/app/static/vendor/jquery/jquery.min.js")]
    m.default_css = [("leaflet_css", "/app/static/vendor/leaflet/leaflet.css")]
    for row in shown.itertuples():
        folium.Marker([row.lat, row.lon], tooltip=row.name).add_to(m)
    st_folium(m, height=640, use_container_width=True)
    st.caption(f"{len(shown)} markers")
''')


def write_naive_app(directory: Path) -> Path:
    sys.path.insert(0, str(REPO))
    from claimmap.views.assets import install_map_assets

    install_map_assets(directory / "static")
    (directory / ".streamlit").mkdir(exist_ok=True)
    (directory / ".streamlit" / "config.toml").write_text(
        "[server]\nenableStaticServing = true\n[browser]\ngatherUsageStats = false\n"
    )
    app = directory / "naive_app.py"
    app.write_text(NAIVE_APP)
    return app


# --------------------------------------------------------------------------- measurements (child)


def _component_json_args(at) -> str:
    found = [c for c in at.get("component_instance") if c.proto.component_name == "streamlit_folium.st_folium"]
    if len(found) != 1:
        raise RuntimeError(f"expected one st_folium component, found {len(found)}")
    return found[0].proto.json_args


def _page_bytes(node) -> int:
    """Sum of the serialized element protos under `node` (blocks included)."""
    total = 0
    proto = getattr(node, "proto", None)
    if proto is not None and hasattr(proto, "ByteSize"):
        total += proto.ByteSize()
    for child in getattr(node, "children", {}).values():
        total += _page_bytes(child)
    return total


def _page_bytes_by_kind(node, out: dict | None = None) -> dict:
    """Serialized bytes per element kind (e.g. arrow_vega_lite_chart, component_instance)."""
    out = {} if out is None else out
    proto = getattr(node, "proto", None)
    if proto is not None and hasattr(proto, "ByteSize") and not getattr(node, "children", None):
        kind = getattr(node, "type", type(node).__name__)
        out[kind] = out.get(kind, 0) + proto.ByteSize()
    for child in getattr(node, "children", {}).values():
        _page_bytes_by_kind(child, out)
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def _check(at, what: str) -> None:
    if len(at.exception):
        raise RuntimeError(f"{what} raised: {at.exception[0].message}\n{''.join(at.exception[0].stack_trace)}")


def time_reruns(script: Path, days: list, label: str) -> dict:
    """Warm-up run, then one timed slider move per day; returns times and payload sizes (last day)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(script), default_timeout=1800)
    start = time.perf_counter()
    at.run()
    first = time.perf_counter() - start
    _check(at, f"{label} first run")
    times = []
    for day in days:
        start = time.perf_counter()
        at.slider(key="day").set_value(day).run()
        times.append(time.perf_counter() - start)
        _check(at, f"{label} rerun on {day}")
    args = _component_json_args(at)
    parts = json.loads(args)
    return {
        "first_run_s": first,
        "rerun_s": times,
        "rerun_median_s": statistics.median(times),
        "days": [d.isoformat() for d in days],
        "json_args_bytes": len(args.encode()),
        "script_bytes": len(parts.get("script", "").encode()),
        "feature_group_bytes": len((parts.get("feature_group") or "").encode()),
        "page_bytes": _page_bytes(at._tree),
        "page_bytes_by_kind": _page_bytes_by_kind(at._tree),
    }


def _profile_rerun(day, out_file: Path) -> None:
    """pyinstrument profile of one dashboard rerun (the script runs in AppTest's thread, so the
    profiler is started inside it by a wrapper script)."""
    from streamlit.testing.v1 import AppTest

    with tempfile.TemporaryDirectory() as tmp:
        wrapper = Path(tmp) / "profiled_dashboard.py"
        wrapper.write_text(
            textwrap.dedent(f"""
            import os, runpy
            from pyinstrument import Profiler
            profiler = Profiler(interval=0.001)
            profiler.start()
            try:
                runpy.run_path({str(DASHBOARD)!r}, run_name="__main__")
            finally:
                profiler.stop()
                if os.environ.get("CLAIMMAP_BENCH_PROFILE_NOW"):
                    open({str(out_file)!r}, "w").write(profiler.output_text(unicode=False, color=False))
        """)
        )
        at = AppTest.from_file(str(wrapper), default_timeout=1800)
        at.run()
        os.environ["CLAIMMAP_BENCH_PROFILE_NOW"] = "1"
        try:
            at.slider(key="day").set_value(day).run()
        finally:
            os.environ.pop("CLAIMMAP_BENCH_PROFILE_NOW", None)


def browser_first_marker(
    script: Path, cwd: Path, data_dir: Path, selector: str, visits: list[str], cap_s: float, log_path: Path
) -> dict:
    """Navigation -> first `selector` visible in the map iframe, per visit; server peak RSS."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    result: dict = {"visits": {}}
    with (
        streamlit_server(script, cwd=cwd, data_dir=data_dir, log_path=log_path) as (url, server),
        sync_playwright() as p,
    ):
        result["server_rss_idle_mb"] = (proc_status_kb(server.pid, "VmRSS") or 0) / 1024
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for visit in visits:
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                page = context.new_page()
                blocked, errors, failed, ws_bytes = [], [], [], [0]
                page.route("**/*", offline_route(blocked))
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.on("requestfailed", lambda r: failed.append(r.url) if is_local(r.url) else None)
                page.on(
                    "websocket",
                    lambda ws: ws.on(
                        "framereceived", lambda payload: ws_bytes.__setitem__(0, ws_bytes[0] + len(payload))
                    ),
                )
                start = time.perf_counter()
                try:
                    page.goto(url, timeout=cap_s * 1000)
                    left = max(1.0, cap_s - (time.perf_counter() - start))
                    page.frame_locator(MAP_IFRAME).locator(selector).first.wait_for(
                        state="visible", timeout=left * 1000
                    )
                    seconds = time.perf_counter() - start
                    page.wait_for_selector(APP_IDLE, timeout=cap_s * 1000)
                except PlaywrightTimeout:
                    seconds = None
                result["visits"][visit] = {
                    "first_marker_s": seconds,
                    "timed_out": seconds is None,
                    "page_errors": errors,
                    "failed_local_requests": failed,
                    "blocked_requests": len(blocked),
                    "ws_bytes_received": ws_bytes[0],
                }
                context.close()
        finally:
            browser.close()
        result["server_peak_rss_mb"] = (proc_status_kb(server.pid, "VmHWM") or 0) / 1024
    return result


def child(config: dict) -> dict:
    """All measurements for one size, in this (fresh) process."""
    data_dir = Path(config["data_dir"])
    os.environ["CLAIMMAP_DATA"] = str(data_dir)
    sys.argv = [str(DASHBOARD)]  # the dashboard reads --data from argv: give it none
    sys.path.insert(0, str(REPO))
    import datetime as dt

    from claimmap.analysis.asof import claim_date_span
    from claimmap.analysis.dataset import load_dataset

    res: dict = {"n_claims": config["n_claims"], "n_places": config["n_places"]}
    start = time.perf_counter()
    dataset = load_dataset(data_dir)
    res["load_s"] = time.perf_counter() - start
    res["problems"] = len(dataset.problems)
    res["claims_loaded"] = len(dataset.claims)
    first, last = claim_date_span(dataset.claims)
    span_days = (last - first).days
    n = config["days"]
    days = [first + dt.timedelta(days=round(span_days * (k + 1) / n)) for k in range(n)]
    days[-1] = last
    del dataset
    res["bench_rss_after_load_mb"] = self_peak_rss_mb()

    res["dashboard"] = time_reruns(DASHBOARD, days, "dashboard")
    res["bench_rss_dashboard_mb"] = self_peak_rss_mb()
    if config.get("profile"):
        out_file = OUT / f"profile_rerun_{config['n_claims']}.txt"
        _profile_rerun(days[len(days) // 2], out_file)
        res["profile"] = str(out_file)

    with tempfile.TemporaryDirectory(prefix="claimmap-naive-") as tmp:
        naive_app = write_naive_app(Path(tmp))
        if config["naive"]:
            res["naive"] = time_reruns(naive_app, days, "naive")
            res["bench_rss_naive_mb"] = self_peak_rss_mb()
        if config["browser"]:
            log = OUT / f"server_{config['n_claims']}.log"
            res["browser"] = browser_first_marker(
                DASHBOARD, REPO, data_dir, ".claim-marker, .claim-cluster", ["cold", "warm"], config["browser_cap"], log
            )
            if config["naive_browser"]:
                res["naive_browser"] = browser_first_marker(
                    naive_app,
                    Path(tmp),
                    data_dir,
                    ".leaflet-marker-icon",
                    ["cold"],
                    config["naive_browser_cap"],
                    OUT / f"server_naive_{config['n_claims']}.log",
                )
    return res


# --------------------------------------------------------------------------- driver


def ensure_data(n_claims: int, n_places: int, seed: int) -> Path:
    """benchmarks/out/scale_<n>_<p>_<seed>/data, generated unless an identical run made it."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    from synthetic import write_synthetic_data

    root = OUT / f"scale_{n_claims}_{n_places}_{seed}"
    stamp = root / "generated.json"
    wanted = {
        "n_claims": n_claims,
        "n_places": n_places,
        "seed": seed,
        "synthetic_mtime": (REPO / "benchmarks" / "synthetic.py").stat().st_mtime,
    }
    if stamp.exists() and json.loads(stamp.read_text()) == wanted:
        return root / "data"
    start = time.perf_counter()
    write_synthetic_data(root, n_claims, n_places, seed=seed)
    stamp.write_text(json.dumps(wanted))
    print(f"  generated {n_claims} claims / {n_places} places in {time.perf_counter() - start:.1f} s", flush=True)
    return root / "data"


def _fmt(value, digits=2, none="–") -> str:
    return none if value is None else f"{value:.{digits}f}"


def _mb(n: int | None) -> str:
    return "–" if n is None else f"{n / 1e6:.2f} MB"


def _size_label(n: int) -> str:
    return f"{n // 1000}k" if n % 1000 == 0 and n >= 1000 else str(n)


def table(results: list[dict]) -> str:
    head = (
        "| size (claims / places) | load s | rerun s | naive rerun s | rerun/naive % | map bytes "
        "| naive bytes | page bytes | first marker in Chromium s (warm / cold) | naive first marker s "
        "| peak RSS MB (bench / server) |"
    )
    lines = [head, "|" + "|".join("---" for _ in range(head.count("|") - 1)) + "|"]
    for r in results:
        d, nv = r["dashboard"], r.get("naive")
        share = 100 * d["rerun_median_s"] / nv["rerun_median_s"] if nv else None
        b = r.get("browser", {})
        visits = b.get("visits", {})
        warm = visits.get("warm", {}).get("first_marker_s")
        cold = visits.get("cold", {}).get("first_marker_s")
        browser = f"{_fmt(warm)} / {_fmt(cold)}" if b else "not run"
        nb = r.get("naive_browser")
        if nb:
            nv_visit = nb["visits"]["cold"]
            naive_browser = (
                f"> {r['naive_browser_cap']:.0f} (gave up)"
                if nv_visit["timed_out"]
                else _fmt(nv_visit["first_marker_s"])
            )
        else:
            naive_browser = r.get("naive_browser_note", "not run")
        server = _fmt(b.get("server_peak_rss_mb"), 0) if b else "–"
        lines.append(
            f"| {_size_label(r['n_claims'])} / {_size_label(r['n_places'])} | {_fmt(r['load_s'])} "
            f"| {_fmt(d['rerun_median_s'])} | {_fmt(nv['rerun_median_s']) if nv else '–'} | {_fmt(share, 1)} "
            f"| {_mb(d['json_args_bytes'])} | {_mb(nv['json_args_bytes']) if nv else '–'} | {_mb(d['page_bytes'])} "
            f"| {browser} | {naive_browser} | {_fmt(r['bench_rss_dashboard_mb'], 0)} / {server} |"
        )
    return "\n".join(lines)


def verdicts(results: list[dict]) -> list[str]:
    out = []
    by_size = {r["n_claims"]: r for r in results}
    r = by_size.get(10_000)
    if r and r.get("naive"):
        share = r["dashboard"]["rerun_median_s"] / r["naive"]["rerun_median_s"]
        out.append(
            f"{'PASS' if share <= TARGET_RERUN_SHARE else 'FAIL'}: 10k rerun is {100 * share:.1f}% of naive "
            f"({r['dashboard']['rerun_median_s']:.2f} s vs {r['naive']['rerun_median_s']:.2f} s; target <= 3%)"
        )
    if r:
        b = r["dashboard"]["json_args_bytes"]
        out.append(f"{'PASS' if b < TARGET_MAP_BYTES else 'FAIL'}: 10k map bytes {b / 1e6:.2f} MB (target < 2.5 MB)")
    r = by_size.get(100_000)
    if r:
        s = r["dashboard"]["rerun_median_s"]
        out.append(f"{'PASS' if s < TARGET_RERUN_100K else 'FAIL'}: 100k rerun {s:.2f} s (target < 2 s)")
    return out or ["(no target size measured: the targets are at 10k and 100k claims)"]


def main() -> None:
    parser = argparse.ArgumentParser(description="Scale benchmark of the claimmap dashboard vs a naive folium map.")
    parser.add_argument("--sizes", default="1000,10000,100000", help="claim counts, comma-separated")
    parser.add_argument("--places", default="", help="place counts matching --sizes (default min(n/10, 10000))")
    parser.add_argument("--days", type=int, default=5, help="slider moves timed per app (median reported)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-naive", action="store_true", help="skip the naive app entirely")
    parser.add_argument("--no-browser", action="store_true", help="skip every Chromium measurement")
    parser.add_argument("--no-naive-browser", action="store_true", help="skip Chromium for the naive app")
    parser.add_argument(
        "--naive-browser-cap",
        type=float,
        default=120.0,
        help="seconds to wait for the naive map in Chromium before giving up",
    )
    parser.add_argument("--browser-cap", type=float, default=600.0, help="seconds to wait for the dashboard map")
    parser.add_argument("--profile", action="store_true", help="write a pyinstrument profile of one rerun per size")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        config = json.loads(Path(args.child).read_text())
        result = child(config)
        Path(config["result_file"]).write_text(json.dumps(result, indent=1))
        return

    OUT.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    places = [int(p) for p in args.places.split(",") if p.strip()] or [max(1, min(n // 10, 10_000)) for n in sizes]
    if len(places) != len(sizes):
        parser.error("--places needs one count per size")
    print(f"claimmap scale benchmark, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPUs", flush=True)
    results = []
    naive_rate = None  # seconds per claim of the naive map in Chromium, from the last size measured
    for n_claims, n_places in zip(sizes, places):
        print(f"- {n_claims} claims over {n_places} places", flush=True)
        data_dir = ensure_data(n_claims, n_places, args.seed)
        naive_browser = not args.no_browser and not args.no_naive_browser and not args.no_naive
        expected = naive_rate * n_claims if naive_rate else None
        if naive_browser and expected and expected > args.naive_browser_cap:
            naive_browser = False  # a linear extrapolation says it would not finish within the cap
        config = {
            "data_dir": str(data_dir),
            "n_claims": n_claims,
            "n_places": n_places,
            "days": args.days,
            "naive": not args.no_naive,
            "browser": not args.no_browser,
            "naive_browser": naive_browser,
            "naive_browser_cap": args.naive_browser_cap,
            "browser_cap": args.browser_cap,
            "profile": args.profile,
            "result_file": str(OUT / f"scale_child_{n_claims}.json"),
        }
        config_file = OUT / f"scale_child_{n_claims}.config.json"
        config_file.write_text(json.dumps(config))
        start = time.perf_counter()
        with open(OUT / f"scale_child_{n_claims}.log", "wb") as log:
            proc = subprocess.run(
                [sys.executable, str(Path(__file__).resolve()), "--child", str(config_file)],
                cwd=REPO,
                stdout=log,
                stderr=subprocess.STDOUT,
                timeout=3 * 3600,
            )
        if proc.returncode != 0:
            print(f"  FAILED (exit {proc.returncode}); see {OUT / f'scale_child_{n_claims}.log'}", flush=True)
            continue
        result = json.loads(Path(config["result_file"]).read_text())
        result["naive_browser_cap"] = args.naive_browser_cap
        if not naive_browser and expected:
            result["naive_browser_note"] = f"skipped (~{expected:.0f} s expected, cap {args.naive_browser_cap:.0f} s)"
        visit = (result.get("naive_browser") or {}).get("visits", {}).get("cold", {})
        if visit.get("first_marker_s"):
            naive_rate = visit["first_marker_s"] / n_claims
        results.append(result)
        d = result["dashboard"]
        print(
            f"  done in {time.perf_counter() - start:.0f} s: load {result['load_s']:.2f} s, "
            f"rerun {d['rerun_median_s']:.2f} s, map {d['json_args_bytes'] / 1e6:.2f} MB",
            flush=True,
        )
        (OUT / "scale_results.json").write_text(json.dumps(results, indent=1))
    print()
    print(table(results))
    print()
    for line in verdicts(results):
        print(line)


if __name__ == "__main__":
    main()
