import csv
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

from fixture_data import BUNDLED_DATA as REPO_DATA_DIR
from fixture_data import REPO


def run_geo(*args: str, data_env: Path | None = None) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != "CLAIMMAP_DATA"}
    if data_env is not None:
        env["CLAIMMAP_DATA"] = str(data_env)
    return subprocess.run(
        [sys.executable, "-m", "geo", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )


def data_with_unknown_place(folder: Path) -> Path:
    """A copy of the fixture's places.csv (and schema) with one more place that nothing can locate, on line 15."""
    folder.mkdir()
    shutil.copy(REPO_DATA_DIR / "datapackage.json", folder / "datapackage.json")
    shutil.copy(REPO_DATA_DIR / "places.csv", folder / "places.csv")
    with (folder / "places.csv").open("a", encoding="utf-8") as file:
        file.write("atlantis,Atlantis,town,syria,,,,,\n")
    return folder


def test_bundled_places_print_as_csv_and_exit_0():
    result = run_geo(data_env=REPO_DATA_DIR)
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith("place_id,lat,lon,source,precision\n")
    assert len(rows) == 13
    assert list(rows[0].values()) == ["aleppo", "36.20124", "37.16117", "geonames:170063", "town"]
    assert {row["place_id"]: row["source"] for row in rows}["khmeimim"].startswith("hand-set: Wikipedia, Khmeimim")


def test_unknown_place_is_named_on_stderr_with_its_line_and_exit_1(tmp_path):
    result = run_geo("--data", str(data_with_unknown_place(tmp_path / "data")))
    assert result.returncode == 1
    assert len(result.stdout.splitlines()) == 1 + 13
    assert result.stderr.splitlines() == [
        f"{tmp_path / 'data' / 'places.csv'}:15: name: cannot locate 'Atlantis': "
        "no GeoNames place of 15,000+ people in SY is called 'Atlantis'; "
        "no cached nominatim answer for 'Atlantis' (python -m geo --online would ask); "
        "or set lat, lon and coord_source by hand in places.csv"
    ]


def test_data_folder_comes_from_the_environment_unless_given(tmp_path):
    with_unknown = data_with_unknown_place(tmp_path / "data")
    assert run_geo(data_env=with_unknown).returncode == 1
    assert run_geo("--data", str(REPO_DATA_DIR), data_env=with_unknown).returncode == 0


def test_missing_places_file_exits_2_with_the_fix(tmp_path):
    result = run_geo("--data", str(tmp_path))
    assert result.returncode == 2
    assert result.stdout == ""
    assert (
        f"geo: {tmp_path / 'places.csv'}: -: file not found; expected a CSV with the header place_id," in result.stderr
    )
    assert "pass --data DIR or set $CLAIMMAP_DATA" in result.stderr


def test_rows_the_loader_rejects_are_reported_as_it_reports_them_and_the_rest_still_print(tmp_path):
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
