"""Work and output on the hostile inputs of issue 13, on copies of the test fixture: how long a
deep parent chain with a broken root takes to settle, and how long the problem list and its
longest line are for a quote never closed over a 10 MB cell and for a quote found everywhere in
the largest source allowed.

    .venv/bin/python benchmarks/hostile_bench.py [--depth 1000]
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from claimmap.files import MAX_SOURCE_BYTES  # noqa: E402
from claimmap.problems import problem_count  # noqa: E402
from claimmap.tables.validate import load_and_validate  # noqa: E402

BUNDLED = REPO / "tests" / "fixtures" / "bundled"
SEED = "seeds/000_ae3071192ac73a97.txt"


def project(root: Path) -> Path:
    shutil.copytree(BUNDLED / "data", root / "data")
    shutil.copytree(BUNDLED / "seeds", root / "seeds")
    return root / "data"


def report(name: str, data: Path) -> None:
    start = time.perf_counter()
    tables = load_and_validate(data)
    seconds = time.perf_counter() - start
    longest = max(len(str(p)) for p in tables.problems)
    print(
        f"{name}: {seconds:.1f} s; {len(tables.problems):,} problem lines standing for "
        f"{problem_count(tables.problems):,} problems; longest line {longest:,} characters; "
        f"{len(tables.claims)} claims and {len(tables.places)} places still load"
    )


def deep_chain(root: Path, depth: int) -> Path:
    data = project(root)
    with (data / "places.csv").open("a", encoding="utf-8") as f:
        for i in range(depth):
            parent = f"p{i - 1:04d}" if i else "nowhere"
            f.write(f"p{i:04d},Place {i},town,{parent},,,35.1,36.1,hand-set for the benchmark\n")
    return data


def unclosed_quote(root: Path) -> Path:
    data = project(root)
    claims = data / "claims.csv"
    header, rest = claims.read_text(encoding="utf-8").split("\n", 1)
    filler = "word, word\n" * (10 * 1024 * 1024 // 11)  # 10 MB of lines read into the open cell
    claims.write_text(header + '\n"never closed\n' + filler + rest, encoding="utf-8")
    return data


def common_quote(root: Path) -> Path:
    data = project(root)
    seed = root / SEED
    seed.write_text("e " * (MAX_SOURCE_BYTES // 2 - 8), encoding="utf-8")
    claims = data / "claims.csv"
    with claims.open(newline="", encoding="utf-8") as f:
        records = list(csv.reader(f))
    records[1][records[0].index("quote")] = "e"  # the other quotes are now missing: errors, capped
    with claims.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(records)
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--depth", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        report(f"parent chain {args.depth:,} deep with a broken root", deep_chain(root / "chain", args.depth))
        report("a quote never closed before 10 MB of lines", unclosed_quote(root / "unclosed"))
        report("'e' quoted once from an 8 MB source of 'e e e ...'", common_quote(root / "common"))


if __name__ == "__main__":
    main()
