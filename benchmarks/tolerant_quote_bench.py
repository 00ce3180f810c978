"""Tolerant quote matching on hostile quotes: the folded search against the backtracking regular
expression it replaced (run in a subprocess, stopped after --timeout seconds).

    .venv/bin/python benchmarks/tolerant_quote_bench.py [--timeout 60]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "sources"))

from claimmap.sources.anchors import find_near_quote  # noqa: E402

SEED = REPO / "tests" / "fixtures" / "bundled" / "seeds" / "000_ae3071192ac73a97.txt"
CASES = [(" ", 16), ("  ", 12), ("  ", 14), (" \n ", 10), (" \n ", 12), (" \n ", 16)]
OLD = """
import sys, time
sys.path.insert(0, {tests!r})
from test_anchors import _backtracking_reference
text, quote = sys.stdin.read().split("\\0")
start = time.perf_counter()
_backtracking_reference(text, quote)
print(time.perf_counter() - start)
"""


def case(separator: str, dashes: int) -> tuple[str, str]:
    text = SEED.read_text(encoding="utf-8") + "\n" + ("-" + separator) * 40 + "\n"
    return text, ("-" + separator) * dashes + "x"


def old_seconds(text: str, quote: str, timeout: float) -> str:
    code = OLD.format(tests=str(REPO / "tests" / "sources"))
    try:
        done = subprocess.run(
            [sys.executable, "-c", code], input=f"{text}\0{quote}", capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return f"> {timeout:g} s (stopped)"
    return f"{float(done.stdout):.3f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--timeout", type=float, default=60)
    args = parser.parse_args()
    print(f"{'dashes separated by':>20} {'dashes':>6} {'regex (before)':>18} {'folded (after)':>15}")
    for separator, dashes in CASES:
        text, quote = case(separator, dashes)
        start = time.perf_counter()
        find_near_quote(text, quote)
        after = time.perf_counter() - start
        print(f"{separator!r:>20} {dashes:>6} {old_seconds(text, quote, args.timeout):>18} {after * 1000:>12.2f} ms")
    big = SEED.read_text(encoding="utf-8") * 2700  # about 8 MB, the largest source accepted
    start = time.perf_counter()
    find_near_quote(big, "a quote that is not there - at all")
    first = time.perf_counter() - start
    start = time.perf_counter()
    find_near_quote(big, "another quote - not there")
    print(
        f"8 MB source, missing quote: {first:.2f} s the first time (folding), {time.perf_counter() - start:.3f} s after"
    )


if __name__ == "__main__":
    main()
