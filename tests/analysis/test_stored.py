"""The validated dataset on disk: used after a restart with the same files, ignored after an edit,
and never trusted (or fatal) when damaged."""

import logging

import pandas as pd
import pytest

import claimmap.analysis.dataset as dataset_module
import claimmap.analysis.stored as stored
from claimmap.analysis.dataset import load_dataset
from claimmap.analysis.stored import load_dataset_stored
from claimmap.config import CACHE_DISABLED, CACHE_ENV, CACHE_FOLDER, cache_dir_for

FRAMES = ("claims", "places", "chains")
PROVENANCE_FRAMES = ("claims", "pairs", "links")
TABLES = ("sources", "actors", "places", "speakers", "claims", "geocode_cache")


@pytest.fixture
def validations(monkeypatch):
    """Counts the calls of load_dataset (a full validation) made by load_dataset_stored."""
    calls = []

    def counted(data_dir):
        calls.append(data_dir)
        return load_dataset(data_dir)

    monkeypatch.setattr(stored, "load_dataset", counted)
    return calls


def assert_same(a, b):
    for name in FRAMES:
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name))
    for name in TABLES:
        pd.testing.assert_frame_equal(a.tables.frame(name), b.tables.frame(name))
        pd.testing.assert_frame_equal(a.tables.dropped_rows(name), b.tables.dropped_rows(name))
    assert a.problems == b.problems
    assert a.tables.source_sha256 == b.tables.source_sha256 != {}
    assert (a.places_with_claims, a.filter_choices, a.names) == (b.places_with_claims, b.filter_choices, b.names)
    for name in PROVENANCE_FRAMES:
        pd.testing.assert_frame_equal(getattr(a.provenance, name), getattr(b.provenance, name))
    assert a.origin_names == b.origin_names
    assert (a.day_states is None) == (b.day_states is None)
    if a.day_states is not None and b.day_states is not None:
        pd.testing.assert_frame_equal(a.day_states.table, b.day_states.table)
    assert dict(a.source_texts) == dict(b.source_texts)


def entries(cache):
    return sorted(p for p in cache.iterdir() if p.name.startswith("v"))


def test_a_restart_with_unchanged_files_reads_the_stored_dataset(data_dir, edit, tmp_path, validations):
    # Problems of rows and of a whole file, and dropped rows, so that all of them are stored.
    edit("claims.csv", "2024-12-08,2024-12-09,approximate,bssi", "2024-12-08,2024-12-01,approximate,bssi")
    edit("actors.csv", "#CC79A7", "pink")
    (data_dir / "geocode_cache.csv").unlink()
    cache = tmp_path / "cache"
    first = load_dataset_stored(data_dir, cache_dir=cache)
    assert len(validations) == 1 and len(entries(cache)) == 1
    assert {p.row is None for p in first.problems} == {True, False}
    assert not first.tables.dropped_rows("claims").empty

    again = load_dataset_stored(data_dir, cache_dir=cache)
    assert len(validations) == 1  # not validated again
    assert_same(again, first)
    assert_same(again, load_dataset(data_dir))


def test_the_day_states_are_stored_and_read_back(data_dir, tmp_path, validations, monkeypatch):
    """Worked out from DAY_STATES_MIN_CLAIMS claims on (here every dataset): a restart reads the
    same table, and the same days give the same states."""
    monkeypatch.setattr(dataset_module, "DAY_STATES_MIN_CLAIMS", 0)
    cache = tmp_path / "cache"
    first = load_dataset_stored(data_dir, cache_dir=cache)
    again = load_dataset_stored(data_dir, cache_dir=cache)
    assert len(validations) == 1 and again.day_states is not None and not again.day_states.table.empty
    assert_same(again, first)
    assert_same(again, load_dataset(data_dir))
    for day in ("2024-12-01", "2024-12-08", "2024-12-10"):
        for stored_frame, fresh_frame in zip(again.day_states.on(day), first.day_states.on(day)):
            pd.testing.assert_frame_equal(stored_frame, fresh_frame)


def test_an_edited_file_is_validated_again(data_dir, edit, tmp_path, validations):
    cache = tmp_path / "cache"
    load_dataset_stored(data_dir, cache_dir=cache)
    edit("claims.csv", "The rebels hold power in Syria.", "The rebels hold Syria.")
    edited = load_dataset_stored(data_dir, cache_dir=cache)
    assert len(validations) == 2
    assert "The rebels hold Syria." in set(edited.claims["statement"])
    assert len(entries(cache)) == 2  # the previous version's entry is kept for an undo
    edit("claims.csv", "The rebels hold Syria.", "The rebels hold all of Syria.")
    load_dataset_stored(data_dir, cache_dir=cache)
    assert len(entries(cache)) == stored.KEEP_ENTRIES


def test_an_edited_source_text_is_validated_again(data_dir, tmp_path, validations):
    cache = tmp_path / "cache"
    load_dataset_stored(data_dir, cache_dir=cache)
    seed = data_dir.parent / "seeds" / "000_ae3071192ac73a97.txt"
    seed.write_bytes(b"Preface.\n\n" + seed.read_bytes())
    moved = load_dataset_stored(data_dir, cache_dir=cache)
    assert len(validations) == 2
    assert any("has changed since its quotes were anchored" in p.message for p in moved.problems)


@pytest.mark.parametrize(
    "damage",
    [
        lambda entry: (entry / "claims.arrow").write_bytes((entry / "claims.arrow").read_bytes()[:-100]),
        lambda entry: (entry / "places.arrow").write_bytes(b"ARROW1\0\0 not an Arrow file ARROW1"),
        lambda entry: (entry / stored.MANIFEST).write_text("{not json"),
        lambda entry: (entry / stored.MANIFEST).write_text('{"format": 1, "key": "someone else\'s", "files": {}}'),
        lambda entry: (entry / "chains.arrow").unlink(),
    ],
    ids=["truncated", "not arrow", "manifest not json", "foreign manifest", "file missing"],
)
def test_a_damaged_or_foreign_entry_is_ignored_with_a_warning(data_dir, tmp_path, validations, caplog, damage):
    cache = tmp_path / "cache"
    first = load_dataset_stored(data_dir, cache_dir=cache)
    (entry,) = entries(cache)
    damage(entry)
    with caplog.at_level(logging.WARNING, logger=stored.__name__):
        again = load_dataset_stored(data_dir, cache_dir=cache)
    assert len(validations) == 2
    assert "ignoring the cached dataset" in caplog.text
    assert_same(again, first)
    caplog.clear()
    load_dataset_stored(data_dir, cache_dir=cache)  # the entry was written anew, whole
    assert len(validations) == 2 and caplog.text == ""


def test_a_stored_file_of_the_same_size_with_other_bytes_is_refused(data_dir, tmp_path, validations, caplog):
    cache = tmp_path / "cache"
    load_dataset_stored(data_dir, cache_dir=cache)
    (entry,) = entries(cache)
    path = entry / "claims.arrow"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with caplog.at_level(logging.WARNING, logger=stored.__name__):
        load_dataset_stored(data_dir, cache_dir=cache)
    assert len(validations) == 2 and "sha256" in caplog.text


def test_a_write_that_fails_midway_leaves_no_entry(data_dir, tmp_path, monkeypatch, validations, caplog):
    cache = tmp_path / "cache"
    real = stored._write_durably
    written = []

    def fail_on_the_third(path, data):
        written.append(path)
        if len(written) == 3:
            raise OSError(28, "No space left on device")
        real(path, data)

    monkeypatch.setattr(stored, "_write_durably", fail_on_the_third)
    with caplog.at_level(logging.WARNING, logger=stored.__name__):
        dataset = load_dataset_stored(data_dir, cache_dir=cache)
    assert "could not store the validated dataset" in caplog.text
    assert len(dataset.claims) == 37
    assert list(cache.iterdir()) == []  # neither an entry nor the temporary folder
    monkeypatch.setattr(stored, "_write_durably", real)
    load_dataset_stored(data_dir, cache_dir=cache)
    load_dataset_stored(data_dir, cache_dir=cache)
    assert len(validations) == 2


def test_an_unwritable_cache_folder_does_not_stop_the_load(data_dir, tmp_path, caplog):
    blocker = tmp_path / "a file"
    blocker.write_text("")
    with caplog.at_level(logging.WARNING, logger=stored.__name__):
        dataset = load_dataset_stored(data_dir, cache_dir=blocker / "cache")
    assert len(dataset.claims) == 37 and "could not store" in caplog.text


def test_where_the_cache_goes(tmp_path):
    data = tmp_path / "project" / "data"
    assert cache_dir_for(data, {}) == tmp_path / "project" / CACHE_FOLDER
    assert cache_dir_for(data, {CACHE_ENV: str(tmp_path / "elsewhere")}) == tmp_path / "elsewhere"
    assert cache_dir_for(data, {CACHE_ENV: CACHE_DISABLED}) is None
