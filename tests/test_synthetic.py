"""The synthetic data the scale benchmarks run on is what they claim: valid, with problems only
where `--stale` puts them. A generator drifting from the schema or the checks would otherwise
turn every benchmark into a measure of error reporting."""

from __future__ import annotations

import importlib.util

import pytest

from claimmap.tables.load import load_tables
from claimmap.tables.validate import load_and_validate
from fixture_data import REPO

_spec = importlib.util.spec_from_file_location("synthetic", REPO / "benchmarks" / "synthetic.py")
assert _spec is not None and _spec.loader is not None
synthetic = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(synthetic)


@pytest.mark.parametrize("articles", [False, True])
def test_synthetic_data_validates_clean(tmp_path, articles):
    data_dir = synthetic.write_synthetic_data(tmp_path, 400, 40, articles=articles)
    tables = load_and_validate(data_dir)
    assert tables.problems == []
    assert len(tables.claims) == 400


def test_stale_sources_warn_once_per_source_and_claim_and_drop_nothing(tmp_path):
    data_dir = synthetic.write_synthetic_data(tmp_path, 400, 40, stale=0.5, articles=True)
    tables = load_and_validate(data_dir)
    assert not any(p.is_error for p in tables.problems)
    changed = {p.row for p in tables.problems if p.column == "sha256"}
    assert len(changed) == 5  # half of the 10 texts of 40 claims
    stored = load_tables(data_dir).claims.set_index("claim_id")["quote_start"]
    found = tables.claims.set_index("claim_id")["quote_start"]
    moved = found.ne(stored.reindex(found.index))
    assert moved.sum() == 200  # every claim of those texts found again, at its new offsets
    assert len(tables.claims) == 400
