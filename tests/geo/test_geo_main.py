"""`python -m geo`: positions as CSV, unlocated places on stderr, exit 0/1/2.

Called in-process through `main(argv)`; one smoke test runs it as users do, in a fresh interpreter."""

import csv
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from fixture_data import BUNDLED_DATA, REPO
from geo.__main__ import main


@pytest.fixture
def run_geo(run_main, monkeypatch):
    """run_geo(*args, data_env=None): `python -m geo *args` in this process, with $CLAIMMAP_DATA
    set to `data_env` (unset when None)."""

    def run(*args: str, data_env: Path | None = None):
        if data_env is None:
            monkeypatch.delenv("CLAIMMAP_DATA", raising=False)
        else:
            monkeypatch.setenv("CLAIMMAP_DATA", str(data_env))
        return run_main(main, *args)

    return run


def data_with_unknown_place(folder: Path) -> Path:
    """A copy of the fixture's places.csv (and schema) with one more place that nothing can locate, on line 15."""
    folder.mkdir()
    shutil.copy(BUNDLED_DATA / "datapackage.json", folder / "datapackage.json")
    shutil.copy(BUNDLED_DATA / "places.csv", folder / "places.csv")
    with (folder / "places.csv").open("a", encoding="utf-8") as file:
        file.write("atlantis,Atlantis,town,syria,,,,,\n")
    return folder


def test_geo_runs_as_users_run_it():
    env = {**os.environ, "CLAIMMAP_DATA": str(BUNDLED_DATA)}
    result = subprocess.run(
        [sys.executable, "-m", "geo"], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith("place_id,lat,lon,source,precision\naleppo,36.20124,37.16117,geonames:170063,")


def test_bundled_places_print_as_csv_and_exit_0(run_geo):
    result = run_geo(data_env=BUNDLED_DATA)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith("place_id,lat,lon,source,precision\n")
    assert len(rows) == 13
    assert list(rows[0].values()) == ["aleppo", "36.20124", "37.16117", "geonames:170063", "town"]
    assert {row["place_id"]: row["source"] for row in rows}["khmeimim"].startswith("hand-set: Wikipedia, Khmeimim")


def test_unknown_place_is_named_on_stderr_with_its_line_and_exit_1(run_geo, tmp_path):
    result = run_geo("--data", str(data_with_unknown_place(tmp_path / "data")))
    assert result.returncode == 1
    assert len(result.stdout.splitlines()) == 1 + 13
    assert result.stderr.splitlines() == [
        f"{tmp_path / 'data' / 'places.csv'}:15: name: cannot locate 'Atlantis': "
        "no GeoNames place of 15,000+ people in SY is called 'Atlantis'; "
        "no cached nominatim answer for 'Atlantis' (python -m geo --online would ask); "
        "or set lat, lon and coord_source by hand in places.csv"
    ]


def test_rows_the_loader_rejects_are_reported_as_it_reports_them_and_the_rest_still_print(run_geo, tmp_path):
    folder = data_with_unknown_place(tmp_path / "data")
    with (folder / "places.csv").open("a", encoding="utf-8") as file:
        file.write("half,Half,town,syria,,,35.1,,survey\nvillage,Village,village,syria,,,,,\n")
    result = run_geo("--data", str(folder))
    assert result.returncode == 1
    assert len(result.stdout.splitlines()) == 1 + 13
    problems = result.stderr.splitlines()
    assert f"{folder / 'places.csv'}:16: lon: lat is set but lon is blank; set both or neither" in problems
    assert any(line.startswith(f"{folder / 'places.csv'}:17: kind: 'village' is not allowed") for line in problems)
    assert problems[-1].startswith(f"{folder / 'places.csv'}:15: name: cannot locate 'Atlantis'")


def test_data_folder_comes_from_the_environment_unless_given(run_geo, tmp_path):
    with_unknown = data_with_unknown_place(tmp_path / "data")
    assert run_geo(data_env=with_unknown).returncode == 1
    assert run_geo("--data", str(BUNDLED_DATA), data_env=with_unknown).returncode == 0


def test_missing_places_file_exits_2_with_the_fix(run_geo, tmp_path):
    result = run_geo("--data", str(tmp_path))
    assert result.returncode == 2
    assert result.stdout == ""
    assert (
        f"geo: {tmp_path / 'places.csv'}: -: file not found; expected a CSV with the header place_id," in result.stderr
    )
    assert "pass --data DIR or set $CLAIMMAP_DATA" in result.stderr
