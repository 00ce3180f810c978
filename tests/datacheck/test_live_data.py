"""The data check: the live data/ itself, whatever it holds: quotes verbatim at their offsets,
headers as declared, canonical form. Nothing here counts rows or names claims, so a curator
adding a correct article keeps it green; tests of behaviour read tests/fixtures/ instead."""

import csv
import io
import json
import shutil

import pytest

from claimmap.cli import main
from claimmap.config import BUNDLED_DATA_DIR
from claimmap.sources.anchors import anchor_at, read_source_text
from claimmap.tables.csvio import canonical_csv, read_raw
from claimmap.tables.load import load_tables
from claimmap.tables.schema import read_package

DATA = BUNDLED_DATA_DIR  # the live data, on purpose
REPO = DATA.parent
PACKAGE = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
RESOURCES = [r["name"] for r in PACKAGE["resources"]]


def test_every_quote_is_verbatim_in_its_source_at_its_stored_offsets():
    tables = load_tables(DATA)
    assert [str(p) for p in tables.problems] == []
    paths = dict(zip(tables.sources["source_id"], tables.sources["path"]))
    for claim in tables.claims.itertuples():
        text = read_source_text(REPO / paths[claim.source_id])
        start, end = claim.quote_start, claim.quote_end
        assert text[start:end] == claim.quote, claim.claim_id
        anchor = anchor_at(text, start, end)
        assert (claim.quote_prefix, claim.quote_suffix) == (anchor.prefix, anchor.suffix), claim.claim_id


@pytest.mark.parametrize("resource", PACKAGE["resources"], ids=RESOURCES)
def test_csv_header_matches_the_schema_fields_in_order(resource):
    with (DATA / resource["path"]).open(encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    assert header == [field["name"] for field in resource["schema"]["fields"]]


@pytest.mark.parametrize("resource", PACKAGE["resources"], ids=RESOURCES)
def test_csv_is_canonical(resource):
    data = (DATA / resource["path"]).read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data and data.endswith(b"\n")
    spec = read_package(DATA / "datapackage.json").resource(resource["name"])
    assert data.decode("utf-8") == canonical_csv(read_raw(DATA / resource["path"], spec).frame, spec)
    # sorted by key, checked without the code under test
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8"))))
    keys = [tuple(row[k] for k in spec.primary_key) for row in rows]
    assert keys == sorted(set(keys))


def test_anchoring_a_canonical_copy_changes_nothing(tmp_path, capsys):
    shutil.copytree(DATA, tmp_path / "data")
    shutil.copytree(REPO / "seeds", tmp_path / "seeds")
    assert main(["anchor", "--data", str(tmp_path / "data")]) == 0
    assert capsys.readouterr().out == ""
    for path in DATA.iterdir():
        assert (tmp_path / "data" / path.name).read_bytes() == path.read_bytes(), path.name


def test_frictionless_accepts_the_package():
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(DATA / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
