"""`python -m claimmap accept FILE` and the merge behind the Curate view's Save: drafts checked as
`validate` checks them, anchored, merged in canonical order, invalid rows left in the drafts."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import multiprocessing
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

import claimmap.tables.merge
from claimmap.cli import main
from claimmap.tables.csvio import LINE, canonical_csv, read_raw
from claimmap.tables.merge import Base, save_drafts, speakers_file_for, undo_save
from claimmap.tables.schema import read_package
from claimmap.tables.store import StoreError, current_sha256
from fixture_data import BUNDLED_DATA, REPO

PACKAGE = read_package(BUNDLED_DATA / "datapackage.json")
CLAIMS, SPEAKERS = PACKAGE.resource("claims"), PACKAGE.resource("speakers")
ARTICLE = (
    "Opposition fighters took control of Aleppo province on Friday, a local council said.\n\n"
    "Two Russian frigates left the port of Tartous on the evening of December 10, witnesses said.\n"
)
AT_ALEPPO = {
    "claim_id": "",
    "source_id": "src001",
    "place_id": "aleppo_gov",
    "actor_id": "opposition",
    "claim_type": "control",
    "statement": "The opposition holds Aleppo Governorate.",
    "valid_from": "2024-12-06",
    "date_precision": "day",
    "claimant": "local_council",
    "hedge": "reported",
    "reliability": "F",
    "credibility": "3",
    "against_interest": "false",
    "quote": "Opposition fighters took control of Aleppo province on Friday",
}
AT_TARTUS = AT_ALEPPO | {
    "place_id": "tartus_naval_base",
    "actor_id": "russia",
    "claim_type": "withdrawal",
    "statement": "Two Russian frigates left the Tartus naval facility.",
    "valid_from": "2024-12-10",
    "date_precision": "night",
    "claimant": "witnesses",
    "quote": "Two Russian frigates left the port of Tartous on the evening of December 10",
}
LOCAL_COUNCIL = {"speaker_id": "local_council", "name": "a local council", "kind": "government_body"}
WITNESSES = {"speaker_id": "witnesses", "name": "unnamed witnesses", "kind": "anonymous"}


def table_text(rows: list[dict], spec) -> str:
    frame = pd.DataFrame([dict.fromkeys(spec.column_names, "") | row for row in rows], dtype=str)
    # Drafts keep the order they were written in, so the lines in messages are predictable.
    return canonical_csv(frame, dataclasses.replace(spec, primary_key=()))


@pytest.fixture
def new_source(data_dir: Path, tmp_path: Path) -> Path:
    """src001, a new article, added as a curator would; returns the drafts file to write."""
    article = tmp_path / "article.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["add-source", "--data", "data", str(article), "--published", "2024-12-11"]) == 0
    return tmp_path / "drafts" / "src001.csv"


def write_drafts(drafts: Path, claims: list[dict], speakers: list[dict] | None = None) -> None:
    drafts.parent.mkdir(exist_ok=True)
    drafts.write_text(table_text(claims, CLAIMS), encoding="utf-8")
    if speakers is not None:
        speakers_file_for(drafts).write_text(table_text(speakers, SPEAKERS), encoding="utf-8")


def accept(drafts: Path) -> int:
    return main(["accept", "--data", "data", str(drafts)])


def claims_of(data_dir: Path) -> pd.DataFrame:
    return read_raw(data_dir / "claims.csv", CLAIMS).frame


def test_valid_drafts_are_anchored_and_merged_with_their_speakers(data_dir: Path, new_source: Path, capsys):
    write_drafts(new_source, [AT_TARTUS, AT_ALEPPO], [WITNESSES, LOCAL_COUNCIL])
    assert accept(new_source) == 0
    assert capsys.readouterr().out == (
        "data/claims.csv: 2 added (c038, c039)\ndata/speakers.csv: 2 added (witnesses, local_council)\n"
    )
    claims = claims_of(data_dir)
    assert claims["claim_id"].tolist()[-3:] == ["c037", "c038", "c039"]  # canonical order
    tartus = claims.set_index("claim_id").loc["c038"]
    start = ARTICLE.index(AT_TARTUS["quote"])
    assert (tartus["quote_start"], tartus["quote_end"]) == (str(start), str(start + len(AT_TARTUS["quote"])))
    assert tartus["quote_suffix"] == ", witnesses said." and tartus["quote_prefix"] == ""  # prefixes stop at a line end
    speakers = read_raw(data_dir / "speakers.csv", SPEAKERS).frame["speaker_id"].tolist()
    assert speakers == sorted(speakers) and {"witnesses", "local_council"} <= set(speakers)
    assert new_source.read_text(encoding="utf-8") == ",".join(CLAIMS.column_names) + "\n"  # nothing left
    assert speakers_file_for(new_source).read_text(encoding="utf-8") == ",".join(SPEAKERS.column_names) + "\n"
    assert main(["validate", "--data", "data"]) == 0


def test_invalid_rows_are_reported_as_validate_reports_them_and_left_in_the_drafts(
    data_dir: Path, new_source: Path, capsys
):
    bad_place = AT_ALEPPO | {"place_id": "alepo_gov"}
    near_quote = AT_TARTUS | {"quote": "Two Russian frigates left the port of Tartous on the evening of December  10"}
    bad_type = AT_TARTUS | {"claim_type": "withdrawl", "quote": "witnesses said"}
    write_drafts(new_source, [AT_ALEPPO, bad_place, near_quote, bad_type], [LOCAL_COUNCIL, WITNESSES])
    before = claims_of(data_dir)
    assert accept(new_source) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [
        "drafts/src001.csv:3: place_id: no place_id 'alepo_gov' in data/places.csv (did you mean 'aleppo_gov'?)",
        "drafts/src001.csv:4: quote: quote not found verbatim in seeds/001_"
        f"{current_sha256(data_dir.parent / 'article.txt')[:16]}.txt; the source has: «Two Russian frigates left "
        "the port of Tartous on the evening of December 10» — paste that",
        "drafts/src001.csv:5: claim_type: 'withdrawl' is not allowed; expected one of: "
        + ", ".join(CLAIMS.field("claim_type").enum)
        + " (did you mean 'withdrawal'?)",
        "data/claims.csv: 1 added (c038)",
        "data/speakers.csv: 2 added (local_council, witnesses)",
        "drafts/src001.csv: 3 row(s) left in the drafts files for the problems above; fix them and run accept again",
    ]
    assert len(claims_of(data_dir)) == len(before) + 1
    left = read_raw(new_source, CLAIMS).frame
    assert left["place_id"].tolist() == ["alepo_gov", "tartus_naval_base", "tartus_naval_base"]
    assert left["claim_id"].tolist() == ["c039", "c040", "c041"]  # blank ids were given the next free ones
    assert read_raw(speakers_file_for(new_source), SPEAKERS).frame.empty  # both speakers merged

    # Fixed in the drafts file, the rows left go in on the next run.
    text = new_source.read_text(encoding="utf-8")
    text = (
        text.replace("alepo_gov", "aleppo_gov")
        .replace("December  10", "December 10")
        .replace("withdrawl", "withdrawal")
    )
    new_source.write_text(text, encoding="utf-8")
    assert accept(new_source) == 0
    assert claims_of(data_dir)["claim_id"].tolist()[-4:] == ["c038", "c039", "c040", "c041"]


def test_a_taken_id_is_refused_with_the_next_free_one(data_dir: Path, new_source: Path, capsys):
    write_drafts(new_source, [AT_ALEPPO | {"claim_id": "c005"}], [LOCAL_COUNCIL])
    assert accept(new_source) == 1
    line = claims_of(data_dir).set_index("claim_id").at["c005", LINE]
    assert capsys.readouterr().out.splitlines()[0] == (
        f"drafts/src001.csv:2: claim_id: 'c005' is already taken in data/claims.csv (line {line}); give this claim "
        "the next free id, c038, or leave claim_id blank to get one"
    )


def test_a_claim_on_a_broken_proposed_speaker_points_at_that_row(data_dir: Path, new_source: Path, capsys):
    write_drafts(new_source, [AT_ALEPPO], [LOCAL_COUNCIL | {"kind": "council"}])
    assert accept(new_source) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "drafts/src001.csv:2: claimant: 'local_council' refers to drafts/src001.speakers.csv:2, which has problems; "
        "fix that row first"
    )
    assert out[1].startswith("drafts/src001.speakers.csv:2: kind: 'council' is not allowed; expected one of:")


def test_rows_already_merged_are_taken_as_done(data_dir: Path, new_source: Path, capsys):
    """As after a kill between writing claims.csv and rewriting the drafts: the next run finishes."""
    write_drafts(new_source, [AT_ALEPPO | {"claim_id": "c038"}], [LOCAL_COUNCIL])
    drafts, speakers = new_source.read_bytes(), speakers_file_for(new_source).read_bytes()
    assert accept(new_source) == 0
    merged = (data_dir / "claims.csv").read_bytes()
    new_source.write_bytes(drafts)
    speakers_file_for(new_source).write_bytes(speakers)
    capsys.readouterr()
    assert accept(new_source) == 0
    assert "1 row(s) already in the tables, removed from the drafts" in capsys.readouterr().out
    assert (data_dir / "claims.csv").read_bytes() == merged
    assert read_raw(new_source, CLAIMS).frame.empty


def test_a_drafts_file_that_cannot_be_read_cleanly_is_not_touched(data_dir: Path, new_source: Path, capsys):
    write_drafts(new_source, [AT_ALEPPO], [LOCAL_COUNCIL])
    new_source.write_text(new_source.read_text(encoding="utf-8") + "c050,src001,syria\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in [new_source, data_dir / "claims.csv", data_dir / "speakers.csv"]}
    assert accept(new_source) == 1
    out = capsys.readouterr().out
    assert out.startswith("drafts/src001.csv: cannot be merged as it is:\ndrafts/src001.csv:3: -: row has 3 fields")
    assert {p: p.read_bytes() for p in before} == before


def test_a_missing_drafts_file_is_a_clear_error(data_dir: Path, capsys):
    assert accept(data_dir.parent / "drafts" / "none.csv") == 1
    assert capsys.readouterr().out.startswith(
        "drafts/none.csv: cannot be merged as it is:\ndrafts/none.csv: -: file not"
    )


def test_two_accepts_at_once_both_land(data_dir: Path, new_source: Path, capsys):
    other = new_source.with_name("other.csv")
    write_drafts(new_source, [AT_ALEPPO], [LOCAL_COUNCIL])
    write_drafts(other, [AT_TARTUS], [WITNESSES])
    results = []
    threads = [threading.Thread(target=lambda d=d: results.append(accept(d))) for d in (new_source, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert results == [0, 0]
    assert set(claims_of(data_dir)["place_id"]) >= {"aleppo_gov"} and len(claims_of(data_dir)) == 39


def test_a_save_is_undone_and_undo_refuses_after_a_later_change(data_dir: Path, new_source: Path):
    files = [data_dir / "claims.csv", data_dir / "speakers.csv"]
    before = {p: p.read_bytes() for p in files}
    frame = pd.DataFrame([dict.fromkeys(CLAIMS.column_names, "") | AT_ALEPPO], dtype=str).assign(**{LINE: 2})
    speakers = pd.DataFrame([dict.fromkeys(SPEAKERS.column_names, "") | LOCAL_COUNCIL], dtype=str).assign(**{LINE: 2})
    saved = save_drafts(data_dir, frame, speakers, new_source, {})
    assert saved.added_claims == ["c038"] and not new_source.exists()  # nothing left, no drafts file made
    undo_save(saved)
    assert {p: p.read_bytes() for p in files} == before

    saved = save_drafts(data_dir, frame, speakers, new_source, {})
    (data_dir / "claims.csv").write_bytes((data_dir / "claims.csv").read_bytes() + b"\n")
    with pytest.raises(StoreError, match=r"claims\.csv: has changed since the save, so the save cannot be undone"):
        undo_save(saved)
    assert (data_dir / "speakers.csv").read_bytes() != before[data_dir / "speakers.csv"]  # nothing was put back


def test_base_read_matches_the_page_cache(data_dir: Path):
    base = Base.read(data_dir)
    assert base.claims.rewritable and len(base.tables.claims) == len(base.claims.frame)


def _accept_until_killed(drafts: Path, originals: dict[Path, bytes], writing: int) -> None:
    for path, data in originals.items():
        path.write_bytes(data)
    real_write = claimmap.tables.merge.write_atomically

    def write_atomically(path: Path, *args) -> None:
        os.write(writing, b"w")
        return real_write(path, *args)

    claimmap.tables.merge.write_atomically = write_atomically
    with contextlib.redirect_stdout(io.StringIO()):
        main(["accept", "--data", "data", str(drafts)])
    time.sleep(60)


KILLS = 30


def test_accept_killed_at_any_moment_leaves_each_table_as_it_was_or_as_it_should_be(
    data_dir: Path, new_source: Path, capsys
):
    # Many existing claims, so each write takes long enough to be hit.
    claims = read_raw(data_dir / "claims.csv", CLAIMS).frame
    many = pd.concat([claims] * 30, ignore_index=True).assign(claim_id=[f"c{i:05d}" for i in range(30 * len(claims))])
    (data_dir / "claims.csv").write_text(canonical_csv(many, CLAIMS), encoding="utf-8")
    write_drafts(new_source, [AT_ALEPPO, AT_TARTUS | {"place_id": "nowhere"}], [LOCAL_COUNCIL, WITNESSES])
    watched = [data_dir / "claims.csv", data_dir / "speakers.csv", new_source, speakers_file_for(new_source)]
    originals = {p: p.read_bytes() for p in watched}
    assert accept(new_source) == 1  # one row left; also imports everything before the forks
    finals = {p: p.read_bytes() for p in watched}
    assert all(originals[p] != finals[p] for p in watched)
    capsys.readouterr()

    rng = random.Random(5)
    seen = set()
    for _ in range(KILLS):
        writing, says = os.pipe()
        run = multiprocessing.get_context("fork").Process(
            target=_accept_until_killed, args=(new_source, originals, says)
        )
        run.start()
        assert os.read(writing, 1) == b"w"
        os.close(writing), os.close(says)
        time.sleep(rng.uniform(0.0, 0.08))
        os.kill(run.pid, signal.SIGKILL)
        run.join()
        states = tuple("before" if p.read_bytes() == originals[p] else "after" for p in watched if p.exists())
        for path in watched:
            assert path.read_bytes() in (originals[path], finals[path]), f"{path.name} is half-written"
        seen.add(states)
    assert len(seen) > 1, seen  # the kills fell at different moments of the save
    for path, data in originals.items():
        path.write_bytes(data)
    assert accept(new_source) == 1
    assert not list(data_dir.glob(".*.claimmap-tmp"))


def test_accept_from_the_command_line(data_dir: Path, new_source: Path):
    write_drafts(new_source, [AT_ALEPPO], [LOCAL_COUNCIL])
    done = subprocess.run(
        [sys.executable, "-m", "claimmap", "accept", "--data", "data", str(new_source)],
        capture_output=True,
        text=True,
        cwd=data_dir.parent,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=120,
    )
    assert (done.returncode, done.stdout) == (
        0,
        "data/claims.csv: 1 added (c038)\ndata/speakers.csv: 1 added (local_council)\n",
    )
