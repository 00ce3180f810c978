"""The quote check over many claims: stale selectors are found again per source, and only the
claims whose quotes moved get new selectors and a warning, on their own line."""

import re
import shutil

import pandas as pd

from claimmap.sources.anchors import anchor_at
from claimmap.tables.validate import load_and_validate
from fixture_data import read_table

SEED = "seeds/000_ae3071192ac73a97.txt"
COPY = "seeds/001_copy.txt"
PREFACE = "Updated at 10:00 with a correction.\n\n"
MOVED_TO_COPY = {f"c{n:03d}" for n in range(20, 38)}  # these claims cite the unchanged copy


def two_sources_one_stale(data_dir, duplicated_claim):
    """src000's text gets a preface (every stored offset of its claims is off) and one of its
    quotes repeated at the end; src001 is an untouched copy cited by MOVED_TO_COPY."""
    root = data_dir.parent
    shutil.copyfile(root / SEED, root / COPY)
    sources = (data_dir / "sources.csv").read_text(encoding="utf-8")
    first = sources.splitlines()[1]
    (data_dir / "sources.csv").write_text(
        sources + first.replace("src000,seeds/000_ae3071192ac73a97.txt", f"src001,{COPY}", 1) + "\n", encoding="utf-8"
    )
    claims = (data_dir / "claims.csv").read_text(encoding="utf-8")
    for claim_id in MOVED_TO_COPY:
        claims, n = re.subn(rf"^{claim_id},src000,", f"{claim_id},src001,", claims, flags=re.MULTILINE)
        assert n == 1
    (data_dir / "claims.csv").write_text(claims, encoding="utf-8")
    before = read_table("claims", data_dir).set_index("claim_id")
    original = (root / SEED).read_text(encoding="utf-8")
    text = PREFACE + original + " " + before.at[duplicated_claim, "quote"]
    (root / SEED).write_text(text, encoding="utf-8")
    return before, text


def test_stale_source_is_reanchored_and_the_fresh_one_left_alone(data_dir, line_of):
    before, text = two_sources_one_stale(data_dir, duplicated_claim="c010")
    tables = load_and_validate(data_dir)
    after = tables.claims.set_index("claim_id")
    assert set(after.index) == set(before.index)  # no claim is lost
    shift = len(PREFACE)
    problems = {}
    for p in tables.problems:
        problems.setdefault((p.file, p.row), []).append(p)

    (sha,) = problems.pop(("data/sources.csv", 2))
    assert sha.column == "sha256" and sha.severity == "warning"
    stale = sorted(set(before.index) - MOVED_TO_COPY)
    repeated = before.at["c010", "quote"]
    for claim_id in stale:
        old = before.loc[claim_id]
        start, end = int(old["quote_start"]) + shift, int(old["quote_end"]) + shift
        expected = anchor_at(text, start, end)
        new = after.loc[claim_id]
        assert (new["quote_start"], new["quote_end"], new["quote_prefix"], new["quote_suffix"]) == (
            expected.start,
            expected.end,
            expected.prefix,
            expected.suffix,
        ), claim_id
        found = problems.pop(("data/claims.csv", line_of("claims.csv", claim_id + ",")))
        assert [p.severity for p in found] == ["warning"] * len(found)
        moved = found[-1]
        assert moved.column == "quote_start"
        assert f"the quote is now at {start}-{end} (stored {start - shift}-{end - shift})" in moved.message
        if old["quote"] in repeated:  # now twice in the text: both named, the one whose context fits kept
            assert len(found) == 2
            assert found[0].message.startswith(f"quote occurs 2 times in {SEED} (at {start}, ")
        else:
            assert len(found) == 1
    assert problems == {}  # nothing about the claims of the fresh copy
    fresh = sorted(MOVED_TO_COPY)
    columns = ["quote_start", "quote_end", "quote_prefix", "quote_suffix"]
    pd.testing.assert_frame_equal(after.loc[fresh, columns], before.loc[fresh, columns])
    assert after.dtypes[columns].equals(before.dtypes[columns])


def test_a_quote_gone_from_a_stale_source_drops_only_its_claim(data_dir, line_of):
    before, text = two_sources_one_stale(data_dir, duplicated_claim="c010")
    gone = before.at["c005", "quote"]
    (data_dir.parent / SEED).write_text(text.replace(gone, gone.upper()), encoding="utf-8")
    # The first claims cite a file that is not there: they are not checked, so the checked claims'
    # positions no longer equal their row labels.
    missing = {"c001", "c002", "c003"}
    sources = data_dir / "sources.csv"
    first = sources.read_text(encoding="utf-8").splitlines()[1]
    with sources.open("a", encoding="utf-8") as f:
        f.write(first.replace("src000,seeds/000_ae3071192ac73a97.txt", "src002,seeds/missing.txt", 1) + "\n")
    claims = (data_dir / "claims.csv").read_text(encoding="utf-8")
    for claim_id in missing:
        claims = claims.replace(f"\n{claim_id},src000,", f"\n{claim_id},src002,", 1)
    (data_dir / "claims.csv").write_text(claims, encoding="utf-8")

    tables = load_and_validate(data_dir)
    errors = [(p.file, p.row, p.column) for p in tables.problems if p.is_error]
    assert ("data/claims.csv", line_of("claims.csv", "c005,"), "quote") in errors
    assert ("data/sources.csv", 4, "path") in errors
    assert set(tables.claims["claim_id"]) == set(before.index) - {"c005"} - missing
    c010 = tables.claims.set_index("claim_id").loc["c010"]
    assert c010["quote_start"] == before.at["c010", "quote_start"] + len(PREFACE)
    assert c010["quote_prefix"] == anchor_at(text, c010["quote_start"], c010["quote_end"]).prefix
