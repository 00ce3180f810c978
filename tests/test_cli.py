"""The command line: exit codes, line format, where the data comes from.

Each command is called in-process through `main(argv)` (the `cli` fixture); one smoke test per
command runs it as users do, `python -m claimmap COMMAND`, in a fresh interpreter.
"""

import csv
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from claimmap.cli import COMMANDS, Command, main
from claimmap.config import BUNDLED_DATA_DIR, resolve_data_dir
from fixture_data import BUNDLED_DATA as BUNDLED_FIXTURE
from fixture_data import BUNDLED_SEED

REPO = Path(__file__).resolve().parents[1]
PROBLEM_LINE = re.compile(r"^data/\w+\.csv(:\d+)?: [\w, /-]+: (warning: )?\S")


@pytest.fixture
def cli(run_main):
    """cli(*args): `python -m claimmap *args` run in this process."""
    return lambda *args: run_main(main, *args)


def run_as_users_do(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "claimmap", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        timeout=120,
    )


# --- one smoke test per command, in a fresh interpreter ----------------------------------------


def test_validate_runs_as_users_run_it(data_dir):
    result = run_as_users_do("validate", "--data", "data", cwd=data_dir.parent)
    assert (result.returncode, result.stdout) == (0, "")
    assert "claims.csv: 37 rows loaded, 0 dropped" in result.stderr.splitlines()


def test_anchor_runs_as_users_run_it(data_dir, edit):
    edit("claims.csv", ",227,311\n", ",,\n")
    result = run_as_users_do("anchor", "--data", "data", cwd=data_dir.parent)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "data/claims.csv: written"
    assert ",227,311\n" in (data_dir / "claims.csv").read_text(encoding="utf-8")


def test_contradictions_runs_as_users_run_it(data_dir):
    result = run_as_users_do("contradictions", "--data", "data", cwd=data_dir.parent)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 10


def test_corroboration_runs_as_users_run_it(data_dir):
    result = run_as_users_do("corroboration", "--data", "data", "--on", "2024-12-09", cwd=data_dir.parent)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "claim_id,place_id,independent_origins,origins,same_origin_claims"
    assert "c027,tartus_naval_base,2,osint_observers|ukraine_gur," in lines


def test_suggest_runs_as_users_run_it(data_dir):
    seed = data_dir.parent / "seeds" / BUNDLED_SEED.name
    result = run_as_users_do("suggest", str(seed), "--data", "data", "--out", "drafts/new.csv", cwd=data_dir.parent)
    assert result.returncode == 0, result.stderr
    header = (data_dir / "claims.csv").read_text(encoding="utf-8").split("\n", 1)[0]
    assert (data_dir.parent / "drafts" / "new.csv").read_text(encoding="utf-8").startswith(header + "\nc038,src000,")
    assert (data_dir.parent / "drafts" / "new.speakers.csv").exists()


# --- in-process ---------------------------------------------------------------------------------


def test_validate_clean_data_exits_0_and_summarises_on_stderr(data_dir, cli):
    result = cli("validate", "--data", "data")
    assert (result.returncode, result.stdout) == (0, "")
    assert "claims.csv: 37 rows loaded, 0 dropped" in result.stderr.splitlines()


def test_validate_errors_exit_1_one_line_each_sorted_by_file_and_row(data_dir, edit, cli):
    edit("places.csv", ",35.41167,35.945,", ",135,35.945,")
    edit("actors.csv", "iran,Iran,", "iran,,")
    edit("actors.csv", "assad,Bashar al-Assad and family,government,", "assad,Bashar al-Assad and family,govt,")
    result = cli("validate", "--data", "data")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert all(PROBLEM_LINE.match(line) for line in lines), lines
    assert lines[:2] == [
        "data/actors.csv:2: side: 'govt' is not allowed; expected one of: opposition, government, "
        "government_ally, other",
        "data/actors.csv:3: name: value is required but empty",
    ]
    located = [(m.group(1), int(m.group(2))) for m in map(re.compile(r"^(data/\w+\.csv):(\d+):").match, lines)]
    assert located == sorted(located)
    assert "data/places.csv:7: lat: lat 135 is outside [-90, 90]; are lat and lon swapped?" in lines
    assert "actors.csv: 3 rows loaded, 2 dropped" in result.stderr


def test_validate_warnings_alone_exit_0(data_dir, cli):
    # a spreadsheet export with a trailing comma on every line
    path = data_dir / "actors.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b",\n"))
    result = cli("validate", "--data", "data")
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        "data/actors.csv: (unnamed column 6): warning: column is not in datapackage.json; it is loaded as text and "
        "not checked (declare it there or remove it)"
    ]


def test_data_directory_comes_from_the_environment_without_option(data_dir, cli, monkeypatch):
    (data_dir / "speakers.csv").unlink()
    monkeypatch.setenv("CLAIMMAP_DATA", str(data_dir))
    result = cli("validate")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "data/claims.csv:2: claimant: 'narrator' cannot be checked: data/speakers.csv could not be loaded"
    )
    assert lines[-1].startswith("data/speakers.csv: -: file not found")


def test_anchor_leaves_rows_it_cannot_anchor_and_exits_1(data_dir, edit, line_of, cli):
    edit("claims.csv", "they entered the country’s second", "they entered the country's second")
    before = (data_dir / "claims.csv").read_bytes()
    result = cli("anchor", "--data", "data")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"data/claims.csv:{line_of('claims.csv', 'c029,')}: quote: left as it is: quote not found verbatim in "
        "seeds/000_ae3071192ac73a97.txt; the source has: «Within days, they entered the country’s second-largest "
        "city, Aleppo» — paste that"
    ]
    assert (data_dir / "claims.csv").read_bytes() == before


def test_anchor_refuses_to_rewrite_a_file_it_cannot_read_whole(data_dir, edit, cli):
    edit("claims.csv", "c001,src000,syria,", "c001,src000,syria,extra,")
    before = (data_dir / "claims.csv").read_bytes()
    result = cli("anchor", "--data", "data")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "data/claims.csv:2: -: row has 24 fields but the header has 23: the row has 1 field too many; "
        "quote values that contain commas",
        "not anchoring: fix the problems above first (claims cannot be rewritten safely)",
    ]
    assert (data_dir / "claims.csv").read_bytes() == before


def test_anchor_reports_what_it_changed(data_dir, edit, line_of, cli):
    edit("claims.csv", ",227,311\n", ",,\n")
    result = cli("anchor", "--data", "data")
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        f"data/claims.csv:{line_of('claims.csv', 'c005,')}: c005: anchored at 227-311",
        "data/claims.csv: written",
    ]


@pytest.mark.parametrize(
    "argv, environ, expected",
    [
        (["--data", "a"], {"CLAIMMAP_DATA": "b"}, Path("a")),  # the option beats the environment
        (["run", "dashboard.py", "--", "--data=a"], {}, Path("a")),  # buried in another program's argv
        (["--data", "a", "--data", "c"], {}, Path("c")),  # the last one wins, as with argparse
        ([], {"CLAIMMAP_DATA": "b"}, Path("b")),
        ([], {"CLAIMMAP_DATA": ""}, BUNDLED_DATA_DIR),  # set but empty counts as unset
        (["--data"], {}, BUNDLED_DATA_DIR),  # an option without its value is ignored
    ],
)
def test_resolve_data_dir_precedence(argv, environ, expected):
    assert resolve_data_dir(argv, environ) == expected


def test_bundled_data_dir_is_the_repository_data():
    assert BUNDLED_DATA_DIR == REPO / "data"


def test_a_command_is_one_function_and_one_registration(data_dir):
    seen = []

    def run_hello(args):
        seen.append(args.data_dir)
        return 3

    assert main(["hello", "--data", str(data_dir)], [*COMMANDS, Command("hello", "say hello", run_hello)]) == 3
    assert seen == [data_dir]


def test_contradictions_lists_the_bundled_pairs(cli):
    result = cli("contradictions")  # the data folder comes from $CLAIMMAP_DATA: the fixture copy
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 10
    assert (
        'khmeimim: c010 "The Russian bases work as usual (Khmeimim)." [tass_syria_source via tass] <> '
        'c026 "The Khmeimim base is cut off." [rybar] (curated, facility_operating vs facility_isolated)'
    ) in lines


def test_contradictions_reads_the_data_option(data_dir, edit, cli):
    edit("claims.csv", ",true,c010|c020,the Khmeimim base is isolated", ",true,,the Khmeimim base is isolated")
    result = cli("contradictions", "--data", str(data_dir))
    assert result.returncode == 0, result.stderr
    rybar = [line for line in result.stdout.splitlines() if "c026" in line]
    assert len(rybar) == 2
    assert all(line.endswith("[rybar] (facility_operating vs facility_isolated)") for line in rybar)


def corroboration_rows(cli, *argv) -> dict[str, dict[str, str]]:
    result = cli("corroboration", *argv)
    assert result.returncode == 0, result.stderr
    return {row["claim_id"]: row for row in csv.DictReader(io.StringIO(result.stdout))}


def test_corroboration_prints_the_columns_and_counts_each_origin_once(cli):
    rows = corroboration_rows(cli)  # the data folder comes from $CLAIMMAP_DATA: the fixture copy
    assert list(rows["c001"]) == ["claim_id", "place_id", "independent_origins", "origins", "same_origin_claims"]
    assert len(rows) == 37
    assert rows["c012"] == {
        "claim_id": "c012",
        "place_id": "tartus_naval_base",
        "independent_origins": "2",
        "origins": "osint_observers|rybar",
        "same_origin_claims": "",
    }
    # Two anonymous sources known only through TASS: one origin, the other claims repeat it.
    assert (rows["c007"]["independent_origins"], rows["c007"]["same_origin_claims"]) == ("0", "c014|c015")


def test_corroboration_on_a_day_counts_only_claims_holding_then(cli):
    rows = corroboration_rows(cli, "--data", str(BUNDLED_FIXTURE), "--on", "2024-12-08")
    assert "c027" not in rows  # Rybar's claim is of the 9th
    assert (rows["c012"]["independent_origins"], rows["c012"]["origins"]) == ("1", "osint_observers")


def test_contradictions_on_a_day_lists_only_pairs_that_both_hold(cli):
    assert cli("contradictions", "--on", "2024-12-08").stdout == ""  # "operating normally" is of the 9th only
    lines = cli("contradictions", "--on", "2024-12-09").stdout.splitlines()
    assert len(lines) == 10 and all(": c0" in line for line in lines)


def test_a_bad_day_is_refused_with_the_format(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["corroboration", "--on", "9 December"])
    assert exit_.value.code == 2
    assert "'9 December' is not a day; write it as YYYY-MM-DD" in capsys.readouterr().err
