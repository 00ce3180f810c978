"""Time the provenance work on a synthetic table of 100,000 claims over 10,000 places: the
all-time pairs (once per version of the data) and what the map redoes on every rerun (the pairs
and support of one day, among a view).

Run: .venv/bin/python benchmarks/provenance_bench.py [n_claims] [n_places]
Prints the sizes and the seconds each call takes (best of three).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from claimmap.analysis.provenance import contradictions, provenance

CLAIM_TYPES = [
    "control",
    "facility_operating",
    "facility_isolated",
    "withdrawal",
    "evacuation",
    "non_entry",
    "entered",
    "pledge",
    "arrival",
]
ACTORS = ["", "opposition", "russia", "syrian_government", "iran"]
CLAIMANTS = ["narrator", "tass", "kremlin_anon", "rybar", "ukraine_gur", "regional_sources", "rumors"]
SPEAKERS = pd.DataFrame(
    {
        "speaker_id": CLAIMANTS,
        "kind": [
            "narrator",
            "state_news_agency",
            "anonymous",
            "partisan_channel",
            "intelligence_service",
            "anonymous",
            "unattributed",
        ],
    }
)


def synthetic_claims(n_claims: int, n_places: int, seed: int = 0) -> pd.DataFrame:
    """Claims in the loader's conventions, placed, typed and dated at random (~n_claims/n_places per place)."""
    rng = np.random.default_rng(seed)
    ids = pd.Series([f"c{i:06d}" for i in range(n_claims)], dtype="str")
    valid_from = pd.Timestamp("2024-11-01") + pd.to_timedelta(rng.integers(0, 60, n_claims), unit="D")
    length = pd.to_timedelta(rng.integers(0, 20, n_claims), unit="D")
    valid_to = pd.Series(valid_from + length).where(rng.random(n_claims) < 0.6)  # 40% open-ended
    # About one claim in fifty carries a curated link to its predecessor.
    contradicts = ids.shift(1, fill_value="").where(rng.random(n_claims) < 0.02, "")
    return pd.DataFrame(
        {
            "claim_id": ids,
            "source_id": pd.Series(rng.integers(0, 500, n_claims)).map("src{:03d}".format).astype("str"),
            "place_id": pd.Series(rng.integers(0, n_places, n_claims)).map("place{:05d}".format).astype("str"),
            "actor_id": pd.Series(rng.choice(ACTORS, n_claims), dtype="str"),
            "claim_type": pd.Series(rng.choice(CLAIM_TYPES, n_claims), dtype="str"),
            "valid_from": valid_from,
            "valid_to": valid_to,
            "claimant": pd.Series(rng.choice(CLAIMANTS, n_claims), dtype="str"),
            "via": pd.Series(rng.choice(["", "tass", "rybar"], n_claims), dtype="str"),
            "contradicts": contradicts,
            "_line": np.arange(2, n_claims + 2),
        }
    )


def best_of(runs: int, call) -> tuple[float, object]:
    timings, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = call()
        timings.append(time.perf_counter() - start)
    return min(timings), result


def main() -> None:
    n_claims = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    n_places = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    claims = synthetic_claims(n_claims, n_places)
    print(f"{n_claims:,} claims over {n_places:,} places")
    seconds, pairs = best_of(3, lambda: contradictions(claims))
    print(f"contradictions: {seconds:.2f} s, {len(pairs):,} pairs")
    seconds, everything = best_of(3, lambda: provenance(claims, SPEAKERS))
    print(f"provenance (all time, with support): {seconds:.2f} s, {len(everything.links):,} support links")
    day = claims["valid_from"].max()
    seconds, on_day = best_of(3, lambda: everything.among(claims, day))
    print(f"among the claims of one day:         {seconds:.3f} s, {len(on_day.pairs):,} pairs")
    seconds, marked = best_of(3, lambda: (on_day.contested_places(), on_day.corroborated_claims()))
    print(f"contested places, corroborated claims: {seconds:.3f} s, {len(marked[0]):,} and {len(marked[1]):,}")


if __name__ == "__main__":
    main()
