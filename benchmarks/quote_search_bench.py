"""The quote check's search, as validate does it, against one multi-pattern pass per source.

validate (tables/validate.py `_check_quotes`) looks for each source's distinct quotes with two
`str.find` calls each (the first occurrence, then whether there is a second). The alternative is an
Aho-Corasick automaton per source over all its quotes and one overlapping pass over its text. Both
must give the same first and second positions; this prints the seconds each takes.

    .venv/bin/python -m pip install pyahocorasick ahocorasick-rs   # only for this comparison
    .venv/bin/python benchmarks/quote_search_bench.py benchmarks/out/m1/data [--sources 2500]

The automaton libraries are not dependencies of the app; a missing one is skipped.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from claimmap.sources.anchors import first_two, read_source_texts  # noqa: E402

# Per source: its text and distinct quotes -> {quote: (first start, second start)}, -1 for none.
Search = Callable[[str, list[str]], dict[str, tuple[int, int]]]


def with_find(text: str, quotes: list[str]) -> dict[str, tuple[int, int]]:
    return {quote: first_two(text, quote) for quote in quotes}


def _first_two(quotes: list[str], starts: dict[int, list[int]]) -> dict[str, tuple[int, int]]:
    return {
        q: (s[0] if s else -1, s[1] if len(s) > 1 else -1) for i, q in enumerate(quotes) for s in [starts.get(i, [])]
    }


def with_ahocorasick_rs(text: str, quotes: list[str]) -> dict[str, tuple[int, int]]:
    import ahocorasick_rs

    automaton = ahocorasick_rs.AhoCorasick(quotes, implementation=ahocorasick_rs.Implementation.ContiguousNFA)
    starts: dict[int, list[int]] = {}
    for i, start, _ in automaton.find_matches_as_indexes(text, overlapping=True):
        starts.setdefault(i, []).append(start)
    return _first_two(quotes, starts)


def with_pyahocorasick(text: str, quotes: list[str]) -> dict[str, tuple[int, int]]:
    import ahocorasick

    automaton = ahocorasick.Automaton()
    for i, quote in enumerate(quotes):
        automaton.add_word(quote, i)
    automaton.make_automaton()
    starts: dict[int, list[int]] = {}
    for end, i in automaton.iter(text):
        starts.setdefault(i, []).append(end - len(quotes[i]) + 1)
    return _first_two(quotes, starts)


SEARCHES: list[tuple[str, str | None, Search]] = [
    ("str.find twice per distinct quote (validate)", None, with_find),
    ("ahocorasick-rs, one automaton and pass per source", "ahocorasick_rs", with_ahocorasick_rs),
    ("pyahocorasick, one automaton and pass per source", "ahocorasick", with_pyahocorasick),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("data", type=Path)
    parser.add_argument("--sources", type=int, default=None, help="only the first N sources")
    args = parser.parse_args()
    data_dir = args.data.resolve()
    claims = pd.read_csv(data_dir / "claims.csv", usecols=["source_id", "quote"], dtype=str, keep_default_na=False)
    sources = pd.read_csv(data_dir / "sources.csv", usecols=["source_id", "path"], dtype=str)
    texts = read_source_texts(sources.head(args.sources) if args.sources else sources, data_dir.parent).texts
    quotes = {s: list(dict.fromkeys(q)) for s, q in claims.groupby("source_id", sort=False)["quote"] if s in texts}
    size = sum(len(texts[s]) for s in quotes)
    print(f"{len(quotes):,} sources, {sum(map(len, quotes.values())):,} distinct quotes, {size / 1e6:.1f} M characters")
    reference: dict[str, dict[str, tuple[int, int]]] | None = None
    for label, module, search in SEARCHES:
        if module and importlib.util.find_spec(module) is None:
            print(f"{label}: skipped ({module} is not installed)")
            continue
        start = time.perf_counter()
        result = {s: search(texts[s], q) for s, q in quotes.items()}
        seconds = time.perf_counter() - start
        same = "" if reference is None else (", same positions" if result == reference else ", DIFFERENT positions")
        if reference is None:
            reference = result
        print(f"{label}: {seconds:.2f} s{same}")


if __name__ == "__main__":
    main()
