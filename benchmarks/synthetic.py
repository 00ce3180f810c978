"""A complete, valid synthetic claimmap data directory of any size, for the benchmarks.

    write_synthetic_data(out_dir, n_claims, n_places, seed=0)

writes out_dir/data/*.csv (with the bundled datapackage.json copied) and out_dir/seeds/*.txt, so
`python -m claimmap validate --data out_dir/data` passes and `CLAIMMAP_DATA=out_dir/data streamlit
run dashboard.py` shows it. What it holds:

- places: n_places towns, cities and facilities spread over Syria's bounding box, each with a
  hand-set lat/lon and coord_source (no gazetteer or geocoder work); their parents are the
  governorates of the bundled places.csv, which are copied along with the country row `syria`;
- actors and speakers: the bundled tables, copied verbatim;
- claims: n_claims over those places (plus a few control claims about the governorates, so provinces
  are shaded), with valid_from spread over three weeks, varied claim types, actors, claimants,
  hedges and grades, about 15% with an approximate or range date, about 40% with an end date;
- sources: one source text per CLAIMS_PER_SOURCE claims (one text at 1k claims, 100 at 100k), each
  generated from its quotes, so every quote occurs exactly once; the quote selectors
  (start/end/prefix/suffix) and the file's sha256 are filled in, so there is nothing to re-anchor.
  Quotes avoid hedging words, so the hedge check raises no warning.

Two options change that picture (the defaults write exactly what they always did):

- stale=FRACTION edits that share of the sources after their quotes were anchored, the way a
  curator fixing the top of an article does: an editor's note is put in front of the text, so
  every stored quote_start/quote_end (and the stored sha256) no longer matches and validation has
  to find each quote again. The sources are spread evenly (stale=0.1 edits every tenth).
- articles=True makes news-sized sources: ARTICLE_CLAIMS claims per text with plain prose
  between the quotes (about 12 kB per text), quotes of sentence length (60-200 characters) and a few
  curated `contradicts` links between claims about one place.

Everything derives from numpy's default_rng(seed): the same arguments give byte-identical files.

Run as a script: .venv/bin/python benchmarks/synthetic.py OUT_DIR N_CLAIMS [N_PLACES] [--seed S]
[--stale FRACTION] [--articles]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from claimmap.sources.anchors import anchor_at  # noqa: E402  (the app's own selector definition)
from claimmap.tables.schema import FACILITY_CLAIM_TYPES, FACILITY_KINDS  # noqa: E402

BUNDLED = REPO / "data"
CLAIMS_PER_SOURCE = 1000  # keeps each text ~100 kB: quote lookup scans the whole text per claim
ARTICLE_CLAIMS = 40  # claims per text with articles=True (the bundled article has 37)
EDITOR_NOTE = "Editor's note: this dispatch was corrected after publication; the place names below are unchanged. "
CURATED_LINKS = 0.005  # share of claims with a curated `contradicts` link, with articles=True
SYRIA_BBOX = (32.4, 35.8, 37.2, 42.2)  # lat_min, lon_min, lat_max, lon_max
FIRST_DAY = pd.Timestamp("2024-11-27")
N_DAYS = 21
PLACE_KINDS = np.array(["town", "town", "town", "city", "facility", "airbase"])
CLAIM_TYPES = np.array(
    [
        "control",
        "control",
        "control",
        "entered",
        "offensive",
        "withdrawal",
        "facility_operating",
        "facility_isolated",
        "evacuation",
        "arrival",
        "non_entry",
    ]
)
PRECISIONS = np.array(["day", "night", "as_of_report", "approximate", "range"])
PRECISION_P = [0.6, 0.1, 0.15, 0.1, 0.05]
HEDGES = np.array(["stated", "reported", "alleged", "presumed", "rumored"])
RELIABILITY = np.array(list("ABCDEF"))
CLAIMANTS_VIA = [
    ("narrator", ""),
    ("tass", ""),
    ("kremlin_anon", "tass"),
    ("rybar", ""),
    ("ukraine_gur", ""),
    ("regional_sources", "tass"),
    ("osint_observers", ""),
    ("opposition_command", "syrian_state_tv"),
]
# Verb phrases without any hedging cue (see claimmap.sources.hedging).
PHRASES = {
    "control": "holds",
    "entered": "has entered",
    "offensive": "has begun an advance on",
    "withdrawal": "has pulled out of",
    "facility_operating": "keeps operating at",
    "facility_isolated": "is cut off at",
    "evacuation": "is moving people out of",
    "arrival": "has arrived at",
    "non_entry": "has not entered",
}
# Without hedging cues, so the quotes' own words never doubt more than the curated hedge.
CLAUSES = [
    "",
    ", after days of heavy fighting along the main road into the town",
    ", while columns of armoured vehicles moved north through the night",
    ", and residents who stayed behind described long queues for bread and fuel",
    ", with the last checkpoint on the eastern road now in its hands",
    ", as crews cleared debris from the runway and repaired the damaged hangars",
]
PROSE = [
    "The road between the two towns was closed to civilian traffic for most of the day.",
    "Shops in the old market stayed shut, and only a few bakeries opened in the morning.",
    "Power and water were cut in several districts as the fighting moved closer to the centre.",
    "Families loaded cars with blankets and food before the curfew began at dusk.",
    "Local officials met at the municipal building to discuss the distribution of fuel.",
    "Aid convoys waited at the crossing for permission to continue towards the coast.",
    "The weather turned colder, and heavy rain made the mountain roads hard to use.",
    "Telephone lines were down for hours, so news travelled slowly between the villages.",
]
PLACE_WORDS = ["Tell", "Khirbet", "Ain", "Deir", "Kafr", "Jisr", "Qasr", "Beit", "Maarat", "Tal"]
CLAIM_COLUMNS = [
    "claim_id",
    "source_id",
    "place_id",
    "scope",
    "actor_id",
    "claim_type",
    "statement",
    "reported_on",
    "valid_from",
    "valid_to",
    "date_precision",
    "claimant",
    "via",
    "hedge",
    "reliability",
    "credibility",
    "against_interest",
    "contradicts",
    "quote",
    "quote_prefix",
    "quote_suffix",
    "quote_start",
    "quote_end",
]


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)


def _places(rng: np.random.Generator, n_places: int) -> pd.DataFrame:
    bundled = pd.read_csv(BUNDLED / "places.csv", dtype=str, keep_default_na=False)
    kept = bundled[bundled["kind"].isin(["governorate"]) | (bundled["place_id"] == "syria")]
    governorates = kept.loc[kept["kind"] == "governorate", "place_id"].to_numpy()
    lat = rng.uniform(SYRIA_BBOX[0], SYRIA_BBOX[2], n_places).round(5)
    lon = rng.uniform(SYRIA_BBOX[1], SYRIA_BBOX[3], n_places).round(5)
    kinds = rng.choice(PLACE_KINDS, n_places)
    words = rng.choice(PLACE_WORDS, n_places)
    ids = [f"p{i:06d}" for i in range(n_places)]
    synthetic = pd.DataFrame(
        {
            "place_id": ids,
            "name": [f"{w} {i}" for w, i in zip(words, range(n_places))],
            "kind": kinds,
            "parent_id": rng.choice(governorates, n_places),
            "aliases": "",
            "iso_code": "",
            "lat": [f"{v:.5f}" for v in lat],
            "lon": [f"{v:.5f}" for v in lon],
            "coord_source": "synthetic benchmark position",
        }
    )
    return pd.concat([kept, synthetic], ignore_index=True)


def _quote(place: str, actor: str, claim_type: str, day: pd.Timestamp, n: int, clause: str = "") -> str:
    subject = actor or "A force"
    # '[#n]' ends every quote, so no quote is a substring of another (no repeats in the text).
    return f"{subject} {PHRASES[claim_type]} {place} on {day:%d %B %Y}{clause} [#{n}]"


def _claims(
    rng: np.random.Generator, places: pd.DataFrame, n_claims: int, actors: pd.DataFrame, articles: bool = False
) -> pd.DataFrame:
    synthetic = places[places["place_id"].str.startswith("p")]
    governorates = places[places["kind"] == "governorate"]
    n_gov = min(len(governorates) * 3, max(1, n_claims // 100))  # a few control claims per province
    n_other = n_claims - n_gov
    place_idx = rng.integers(0, len(synthetic), n_other)
    place_id = np.concatenate(
        [
            synthetic["place_id"].to_numpy()[place_idx],
            governorates["place_id"].to_numpy()[np.arange(n_gov) % len(governorates)],
        ]
    )
    place_name = np.concatenate(
        [synthetic["name"].to_numpy()[place_idx], governorates["name"].to_numpy()[np.arange(n_gov) % len(governorates)]]
    )
    claim_type = np.concatenate([rng.choice(CLAIM_TYPES, n_other), np.full(n_gov, "control")])
    # A facility's own claim types only on facilities (validate warns otherwise).
    at_facility = np.isin(np.concatenate([synthetic["kind"].to_numpy()[place_idx], np.full(n_gov, "")]), FACILITY_KINDS)
    claim_type = np.where(
        at_facility | ~np.isin(claim_type, list(FACILITY_CLAIM_TYPES)),
        claim_type,
        np.where(claim_type == "facility_operating", "arrival", "withdrawal"),
    )
    actor_ids = actors["actor_id"].to_numpy()
    actor_names = dict(zip(actors["actor_id"], actors["name"]))
    actor_id = rng.choice(actor_ids, n_claims)
    # Facility claims may leave the actor blank (the facility is the subject); control never does.
    blank_actor = (claim_type != "control") & (rng.random(n_claims) < 0.15)
    actor_id = np.where(blank_actor, "", actor_id)
    start = rng.integers(0, N_DAYS, n_claims)
    valid_from = FIRST_DAY + pd.to_timedelta(start, unit="D")
    length = rng.integers(0, 10, n_claims)
    has_end = rng.random(n_claims) < 0.4
    valid_to = pd.Series(valid_from + pd.to_timedelta(length, unit="D")).where(has_end)
    reported = pd.Series(valid_from + pd.to_timedelta(rng.integers(0, 3, n_claims), unit="D")).where(
        rng.random(n_claims) < 0.7
    )
    precision = rng.choice(PRECISIONS, n_claims, p=PRECISION_P)
    who = rng.integers(0, len(CLAIMANTS_VIA), n_claims)
    ids = [f"c{i:06d}" for i in range(1, n_claims + 1)]
    # Drawn after everything else, so the default (articles=False) output stays as it always was.
    clauses = rng.choice(CLAUSES, n_claims) if articles else np.full(n_claims, "")
    quotes = [
        _quote(p, actor_names.get(a, ""), t, d, i, c)
        for p, a, t, d, i, c in zip(place_name, actor_id, claim_type, valid_from, range(1, n_claims + 1), clauses)
    ]
    statements = [
        f"Synthetic claim {i}: {t.replace('_', ' ')} at {p}."
        for i, t, p in zip(range(1, n_claims + 1), claim_type, place_name)
    ]
    contradicts = _curated_links(rng, ids, place_id) if articles else ""
    return pd.DataFrame(
        {
            "claim_id": ids,
            "source_id": "",
            "place_id": place_id,
            "scope": "",  # the whole place
            "actor_id": actor_id,
            "claim_type": claim_type,
            "statement": statements,
            "reported_on": reported.dt.strftime("%Y-%m-%d").fillna(""),
            "valid_from": pd.Series(valid_from).dt.strftime("%Y-%m-%d"),
            "valid_to": valid_to.dt.strftime("%Y-%m-%d").fillna(""),
            "date_precision": precision,
            "claimant": [CLAIMANTS_VIA[k][0] for k in who],
            "via": [CLAIMANTS_VIA[k][1] for k in who],
            "hedge": rng.choice(HEDGES, n_claims, p=[0.4, 0.3, 0.15, 0.1, 0.05]),
            "reliability": rng.choice(RELIABILITY, n_claims),
            "credibility": rng.integers(1, 7, n_claims),
            "against_interest": np.where(rng.random(n_claims) < 0.05, "true", "false"),
            "contradicts": contradicts,
            "quote": quotes,
        }
    )


def _curated_links(rng: np.random.Generator, ids: list[str], place_id: np.ndarray) -> np.ndarray:
    """A `contradicts` cell for about CURATED_LINKS of the claims: another claim about its place."""
    order = np.argsort(place_id, kind="stable")
    same_place_next = np.empty(len(ids), dtype=object)
    # Each claim's neighbour in place order, when that neighbour is about the same place.
    following = np.roll(order, -1)
    same = place_id[order] == place_id[following]
    same_place_next[order] = np.where(same, np.asarray(ids, dtype=object)[following], "")
    linked = rng.random(len(ids)) < CURATED_LINKS
    return np.where(linked, same_place_next, "").astype(str)


def _is_stale(k: int, stale: float) -> bool:
    """Whether source k of n is edited after anchoring: `stale` of them, spread evenly."""
    return int((k + 1) * stale) > int(k * stale) if stale < 1 else True


def _sources_and_anchors(
    claims: pd.DataFrame, seeds: Path, rng: np.random.Generator, stale: float = 0.0, articles: bool = False
) -> pd.DataFrame:
    """Write one text per CLAIMS_PER_SOURCE (ARTICLE_CLAIMS) claims and fill source_id and the
    quote selectors; the stale sources get an editor's note in front after anchoring."""
    rows, columns = [], {c: [] for c in ("source_id", "quote_prefix", "quote_suffix", "quote_start", "quote_end")}
    per_source = ARTICLE_CLAIMS if articles else CLAIMS_PER_SOURCE
    n_sources = max(1, -(-len(claims) // per_source))
    width = max(4, len(str(n_sources - 1)))
    for k in range(n_sources):
        chunk = claims.iloc[k * per_source : (k + 1) * per_source]
        source_id = f"syn{k:0{width}d}"
        # One line of text: no newline may fall within CONTEXT characters of a quote.
        header = f"Synthetic dispatch {k} for the claimmap benchmarks; all of it is generated. "
        parts, spans, position = [header], [], len(header)
        prose = rng.choice(PROSE, (len(chunk), 3)) if articles else None
        for n, quote in enumerate(chunk["quote"]):
            lead = " ".join(prose[n, : 1 + n % 3]) + " " if prose is not None else ""
            sentence = f"{lead}Correspondents write: {quote}. "
            start = position + len(lead) + len("Correspondents write: ")
            spans.append((start, start + len(quote)))
            parts.append(sentence)
            position += len(sentence)
        text = "".join(parts) + "End of the synthetic dispatch."
        path = seeds / f"{source_id}.txt"
        written = EDITOR_NOTE + text if _is_stale(k, stale) else text
        path.write_bytes(written.encode("utf-8"))
        for start, end in spans:
            anchor = anchor_at(text, start, end)
            columns["source_id"].append(source_id)
            columns["quote_prefix"].append(anchor.prefix)
            columns["quote_suffix"].append(anchor.suffix)
            columns["quote_start"].append(start)
            columns["quote_end"].append(end)
        rows.append(
            {
                "source_id": source_id,
                "path": f"seeds/{source_id}.txt",
                "title": f"Synthetic dispatch {k}",
                "outlet": "unknown",
                "published": "2024-12-20",
                "language": "en",
                "url": "unknown",
                "sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
                "description": "Generated for the benchmarks; not a real document.",
            }
        )
    for column, values in columns.items():
        claims[column] = values
    return pd.DataFrame(rows)


def write_synthetic_data(
    out_dir, n_claims: int, n_places: int, seed: int = 0, *, stale: float = 0.0, articles: bool = False
) -> Path:
    """Write the data dir (out_dir/data) and source texts (out_dir/seeds); return out_dir/data."""
    if n_claims < 1 or n_places < 1:
        raise ValueError("n_claims and n_places must be at least 1")
    if not 0 <= stale <= 1:
        raise ValueError("stale is a fraction of the sources, from 0 to 1")
    out = Path(out_dir)
    data, seeds = out / "data", out / "seeds"
    for d in (data, seeds):
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
    rng = np.random.default_rng(seed)
    shutil.copyfile(BUNDLED / "datapackage.json", data / "datapackage.json")
    actors = pd.read_csv(BUNDLED / "actors.csv", dtype=str, keep_default_na=False)
    shutil.copyfile(BUNDLED / "actors.csv", data / "actors.csv")
    shutil.copyfile(BUNDLED / "speakers.csv", data / "speakers.csv")
    (data / "geocode_cache.csv").write_text("query,country_code,lat,lon,address,geocoder,fetched_on\n")
    places = _places(rng, n_places)
    claims = _claims(rng, places, n_claims, actors, articles)
    sources = _sources_and_anchors(claims, seeds, rng, stale, articles)
    _write_csv(places, data / "places.csv")
    _write_csv(sources, data / "sources.csv")
    _write_csv(claims[CLAIM_COLUMNS], data / "claims.csv")
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir")
    parser.add_argument("n_claims", type=int)
    parser.add_argument("n_places", type=int, nargs="?")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--stale", type=float, default=0.0, help="share of sources edited after anchoring (0-1)")
    parser.add_argument("--articles", action="store_true", help="news-sized sources, quotes and prose")
    args = parser.parse_args()
    n_places = args.n_places or max(1, min(args.n_claims // 10, 10_000))
    data = write_synthetic_data(
        args.out_dir, args.n_claims, n_places, seed=args.seed, stale=args.stale, articles=args.articles
    )
    print(data)


if __name__ == "__main__":
    main()
