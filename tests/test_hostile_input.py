"""Hostile table text through the whole pipeline: loader, validator, map layers and panel.

Every free-text field of every table gets the same payload; nothing from it may reach the map's
HTML/JS unescaped or act as Markdown in the panel, and the rows still load. (Malformed files and
values — BOM, CRLF, bad encodings, impossible dates, NaN coordinates, cycles, missing columns —
are covered one by one in test_tables.py and test_validate.py; the browser check is in
tests/browser/test_dashboard_browser.py.)
"""

import csv
import datetime as dt
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from claimmap.analysis.asof import facility_status, governorate_control, place_states
from claimmap.analysis.dataset import load_dataset
from claimmap.cli import main as cli_main
from claimmap.files import MAX_SOURCE_BYTES
from claimmap.tables.load import load_tables
from claimmap.views.mapview import (
    base_map,
    governorate_layer,
    governorate_layer_data,
    marker_table,
    place_layer,
    place_layer_data,
)
from claimmap.views.panel import markdown_text, place_dossier
from claimmap.views.timeline import timeline_chart, timeline_frame
from fixture_data import BUNDLED, REPO
from geo import MAP_CREDITS

# Columns a curator types freely (ids, dates, enums and quotes are constrained or checked elsewhere).
FREE_TEXT = {
    "actors.csv": ["name", "description"],
    "places.csv": ["name", "coord_source"],
    "speakers.csv": ["name", "description"],
    "sources.csv": ["title", "outlet", "description"],
    "claims.csv": ["statement"],
}
PAYLOADS = [
    '<img src=x onerror="alert(1)">',  # HTML event handler
    "</script><script>alert(2)</script>",  # closes the map's script block
    "${alert(3)}",  # runs inside folium's JS template literals
    "`+alert(4)+`",  # breaks out of a template literal
    "C:\\users\\x \\u0041",  # backslashes: a JS SyntaxError would blank the map
    "[link](javascript:alert(5)) **bold** $x$ :red[red]",  # Markdown, LaTeX and directives in the panel
]
# As text, "javascript:" is harmless; only as a link target would it run.
RAW_FRAGMENTS = ["<img", "</script><script>", "${alert", "`+alert", "\\users", 'href="javascript']


def rewrite(path: Path, columns: list[str], payload: str) -> None:
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        fields, rows = reader.fieldnames, list(reader)
    for row in rows:
        for column in columns:
            row[column] = f"{row[column][:12]} {payload}"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


@pytest.fixture(
    scope="module",
    params=PAYLOADS,
    ids=["img-onerror", "script-close", "template-interp", "backtick", "backslash", "markdown"],
)
def hostile(request, tmp_path_factory: pytest.TempPathFactory):
    """The fixture data with the payload in every free-text cell, loaded once per payload."""
    tmp_path = tmp_path_factory.mktemp("hostile")
    shutil.copytree(BUNDLED / "data", tmp_path / "data")
    shutil.copytree(BUNDLED / "seeds", tmp_path / "seeds")
    for name, columns in FREE_TEXT.items():
        rewrite(tmp_path / "data" / name, columns, request.param)
    return load_dataset(tmp_path / "data")


def test_every_row_still_loads(hostile):
    assert [str(p) for p in hostile.problems if p.is_error] == []
    assert len(hostile.claims) == 37 and len(hostile.places) == 13


def test_nothing_reaches_the_map_unescaped(hostile):
    day = "2024-12-09"
    claims, places, actors = hostile.claims, hostile.places, hostile.tables.actors
    m = base_map(actors, MAP_CREDITS)
    statuses = facility_status(claims, places, day, hostile.chains["voice"])  # speaker names in the tooltip
    assert any(name in " ".join(statuses["status_text"]) for name in hostile.tables.speakers["name"])
    markers = marker_table(place_states(claims, day), places, actors, statuses)
    place_layer(place_layer_data(markers), "khmeimim").add_to(m)
    control = governorate_control(claims, places, day)
    governorate_layer(governorate_layer_data(control, actors, hostile.names["places"])).add_to(m)
    out = m.get_root().render()
    leaked = [fragment for fragment in RAW_FRAGMENTS if fragment in out]
    assert leaked == []


def test_panel_text_is_inert_markdown(hostile):
    dossier = place_dossier(hostile, "khmeimim", "2024-12-09")
    for card in dossier.holding:
        shown = markdown_text(card.statement)
        left = re.sub(r"\\.", "", shown)  # what is not backslash-escaped
        assert not set(left) & set("<>[]()*$`:\\")


def test_a_one_megabyte_cell_is_one_clear_problem_and_the_rest_loads(tmp_path: Path):
    shutil.copytree(BUNDLED / "data", tmp_path / "data")
    shutil.copytree(BUNDLED / "seeds", tmp_path / "seeds")
    claims = tmp_path / "data" / "claims.csv"
    text = claims.read_text(encoding="utf-8")
    claims.write_text(text.replace("The Khmeimim base is cut off.", "x" * 1_000_000), encoding="utf-8")
    dataset = load_dataset(tmp_path / "data")
    errors = [str(p) for p in dataset.problems if p.is_error]
    assert len(errors) == 1 and re.search(r"claims\.csv:\d+: -: a cell is longer than 131,072 characters", errors[0])
    assert len(dataset.claims) == 36


# --- Files outside the project: nothing outside the folder holding data/ is read or shown. ---

SECRET = "TOP SECRET: not part of the project"
EXTRA_SOURCE = "src_x,{path},unknown,unknown,2024-12-09,en,unknown," + "0" * 64 + ",a source row pointing elsewhere\n"


def project_with(tmp_path: Path) -> Path:
    """tmp_path/project laid out like the repository, and tmp_path/secret.txt beside it, outside."""
    shutil.copytree(BUNDLED / "data", tmp_path / "project" / "data")
    shutil.copytree(BUNDLED / "seeds", tmp_path / "project" / "seeds")
    (tmp_path / "secret.txt").write_text(SECRET, encoding="utf-8")
    return tmp_path / "project" / "data"


def add_source(data: Path, path: str) -> None:
    with (data / "sources.csv").open("a", encoding="utf-8") as f:
        f.write(EXTRA_SOURCE.format(path=path))


def assert_still_draws(dataset) -> None:
    """Every valid claim and place is there, and the map for a day renders."""
    assert len(dataset.claims) == 37 and len(dataset.places) == 13
    m = base_map(dataset.tables.actors, MAP_CREDITS)
    markers = marker_table(place_states(dataset.claims, "2024-12-09"), dataset.places, dataset.tables.actors)
    place_layer(place_layer_data(markers), "khmeimim").add_to(m)
    assert "Khmeimim" in m.get_root().render()


def assert_nothing_from_outside(dataset) -> None:
    shown = [str(p) for p in dataset.problems] + list(dataset.source_texts.values())
    assert not [s for s in shown if "TOP SECRET" in s or "root:x:0:0" in s]


def problem_of(dataset, code: str):
    found = [p for p in dataset.problems if p.code == code]
    assert len(found) == 1, [str(p) for p in dataset.problems]
    return found[0]


@pytest.mark.parametrize(
    "path, says",
    [
        ("../../../../etc/passwd", "'../../../../etc/passwd' climbs out with '..'"),
        ("/etc/passwd", "'/etc/passwd' is an absolute path"),
        ("seeds/../../secret.txt", "'seeds/../../secret.txt' climbs out with '..'"),
    ],
    ids=["dot-dot", "absolute", "dot-dot-inside"],
)
def test_a_source_path_leaving_the_project_is_refused(tmp_path: Path, path: str, says: str):
    data = project_with(tmp_path)
    add_source(data, path)
    dataset = load_dataset(data)
    problem = problem_of(dataset, "path-outside-root")
    assert (problem.column, problem.row) == ("path", 3)
    assert problem.message.startswith(says) and "such as seeds/NAME.txt" in problem.message
    assert_nothing_from_outside(dataset)
    assert_still_draws(dataset)


def test_a_symlink_in_seeds_leading_outside_is_refused(tmp_path: Path):
    data = project_with(tmp_path)
    (data.parent / "seeds" / "link.txt").symlink_to(tmp_path / "secret.txt")
    add_source(data, "seeds/link.txt")
    dataset = load_dataset(data)
    problem = problem_of(dataset, "path-outside-root")
    assert "leads outside" in problem.message and "through a symlink" in problem.message
    assert_nothing_from_outside(dataset)
    assert_still_draws(dataset)


def test_a_source_swapped_for_a_symlink_outside_after_loading_is_not_shown(tmp_path: Path):
    data = project_with(tmp_path)
    dataset = load_dataset(data)  # validated while the file was a plain text inside
    seed = data.parent / "seeds" / "000_ae3071192ac73a97.txt"
    seed.unlink()
    seed.symlink_to(tmp_path / "secret.txt")  # the reader reads texts when it shows them
    assert dataset.source_texts.get("src000") is None
    cards = place_dossier(dataset, "khmeimim", "2024-12-09").holding
    assert cards and not [c for c in cards if "TOP SECRET" in c.before + c.after]


def test_a_symlink_inside_the_project_is_followed(tmp_path: Path):
    data = project_with(tmp_path)
    (data.parent / "seeds" / "same.txt").symlink_to(data.parent / "seeds" / "000_ae3071192ac73a97.txt")
    text = (data / "sources.csv").read_text(encoding="utf-8")
    (data / "sources.csv").write_text(text.replace("seeds/000_ae3071192ac73a97.txt", "seeds/same.txt"))
    dataset = load_dataset(data)
    assert [str(p) for p in dataset.problems if p.is_error] == []
    assert_still_draws(dataset)


@pytest.mark.parametrize("kind", ["fifo", "device", "oversized"])
def test_a_source_that_is_no_regular_file_or_too_large_is_refused_without_hanging(tmp_path: Path, kind: str):
    data = project_with(tmp_path)
    path = data.parent / "seeds" / "odd.txt"
    if kind == "fifo":
        os.mkfifo(path)  # reading it would wait for a writer forever
    elif kind == "device":
        path.symlink_to("/dev/zero")  # endless; outside the project anyway
    else:
        path.write_bytes(b"x" * (MAX_SOURCE_BYTES + 1))
    add_source(data, "seeds/odd.txt")
    dataset = load_dataset(data)
    code = {"fifo": "not-regular-file", "device": "path-outside-root", "oversized": "file-too-large"}[kind]
    problem = problem_of(dataset, code)
    assert (problem.file, problem.row, problem.column) == (f"{data / 'sources.csv'}", 3, "path")
    assert_still_draws(dataset)


def test_a_fifo_as_a_table_is_reported_without_hanging(tmp_path: Path):
    data = project_with(tmp_path)
    (data / "geocode_cache.csv").unlink()
    os.mkfifo(data / "geocode_cache.csv")
    problem = problem_of(load_tables(data), "not-regular-file")
    assert problem.message.startswith("is not a regular file")


def test_a_table_symlinked_outside_is_refused(tmp_path: Path):
    data = project_with(tmp_path)
    (data / "geocode_cache.csv").unlink()
    (data / "geocode_cache.csv").symlink_to(tmp_path / "secret.txt")
    tables = load_tables(data)
    problem = problem_of(tables, "path-outside-root")
    assert problem.file.endswith("geocode_cache.csv") and "through a symlink" in problem.message
    assert not [p for p in tables.problems if "TOP SECRET" in str(p)]


def test_a_resource_path_leaving_the_data_directory_is_refused_and_the_bundled_path_read(tmp_path: Path):
    data = project_with(tmp_path)
    package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        if resource["name"] == "actors":
            resource["path"] = "/etc/passwd"
        if resource["name"] == "places":
            resource["path"] = "../../secret.txt"
    package["resources"].append({"name": "extra", "path": "../../secret.txt", "schema": {"fields": []}})
    (data / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    dataset = load_dataset(data)
    refused = [p for p in dataset.problems if p.code == "path-outside-root"]
    assert [(p.file.endswith("datapackage.json"), p.column) for p in refused] == [
        (True, "actors.path"),
        (True, "places.path"),
        (True, "extra.path"),
    ]
    assert refused[0].message.startswith("'/etc/passwd' is an absolute path; give a path relative to")
    assert refused[0].message.endswith("; reading actors.csv instead")
    assert refused[2].message.endswith("; the resource is left out")
    assert_nothing_from_outside(dataset)
    assert_still_draws(dataset)


def test_a_source_changed_after_it_was_validated_is_not_read_at_the_old_offsets(tmp_path: Path):
    data = project_with(tmp_path)
    dataset = load_dataset(data)
    source = data.parent / dataset.tables.sources.set_index("source_id").at["src000", "path"]
    source.write_text("A line put first.\n" + source.read_text(encoding="utf-8"), encoding="utf-8")  # quotes move
    assert dataset.source_texts.get("src000") is None  # not the text the offsets were found in
    cards = place_dossier(dataset, "khmeimim", "2024-12-09").holding
    assert cards and all((c.before, c.after) == ("", "") for c in cards)  # each quote alone, none misplaced
    source.unlink()  # gone altogether: the panel still shows every claim (it raised KeyError)
    assert len(place_dossier(dataset, "khmeimim", "2024-12-09").holding) == len(cards)


# --- Every cell that validates draws: one bad cell is one problem, the rest loads and the page runs. ---


def set_cells(data: Path, table: str, column: str, value: str, rows: slice = slice(0, 1)) -> None:
    """Set `column` of the given data rows (0 = the first after the header) of data/table.csv."""
    path = data / f"{table}.csv"
    with path.open(newline="", encoding="utf-8") as f:
        records = list(csv.reader(f))
    at = records[0].index(column)
    for record in records[1:][rows]:
        record[at] = value
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(records)


def edit_schema(data: Path, table: str, column: str, **constraints) -> None:
    """Set (or, given None, remove) constraints of one field, or its type with type=..."""
    path = data / "datapackage.json"
    package = json.loads(path.read_text(encoding="utf-8"))
    resource = next(r for r in package["resources"] if r["name"] == table)
    field = next(f for f in resource["schema"]["fields"] if f["name"] == column)
    if "type" in constraints:
        field["type"] = constraints.pop("type")
    for name, value in constraints.items():
        if value is None:
            field.setdefault("constraints", {}).pop(name, None)
        else:
            field.setdefault("constraints", {})[name] = value
    path.write_text(json.dumps(package, indent=1), encoding="utf-8")


@pytest.mark.parametrize(
    "column, value",
    [
        ("valid_from", "1500-01-01"),
        ("valid_from", "1690-06-01"),
        ("valid_to", "2260-01-01"),
        ("reported_on", "9999-12-31"),
    ],
)
def test_a_real_date_the_page_cannot_show_is_one_problem(tmp_path: Path, column: str, value: str):
    data = project_with(tmp_path)
    set_cells(data, "claims", column, value)
    dataset = load_dataset(data)
    problem = problem_of(dataset, "constraint-error")
    assert (problem.row, problem.column) == (2, column)
    assert (
        problem.message == f"'{value}' is outside the days the app can show (1700-01-01 to 2199-12-31); check the year"
    )
    assert len(dataset.claims) == 36 and len(dataset.places) == 13


def test_a_huge_integer_is_one_problem(tmp_path: Path):
    data = project_with(tmp_path)
    set_cells(data, "claims", "quote_start", "1" * 23)
    dataset = load_dataset(data)
    problem = problem_of(dataset, "type-error")
    assert (problem.row, problem.column) == (2, "quote_start")
    assert problem.message.startswith(f"'{'1' * 23}' is too large; expected a whole number between")
    assert len(dataset.claims) == 36


@pytest.mark.parametrize(
    "content, row, says",
    [
        ("x,SY,north,36.2,somewhere,nominatim,2024-01-01\n", 2, "lat 'north' is not a number"),
        ('x,SY,"36.2\n', None, "is not a readable CSV"),
    ],
    ids=["bad-row", "bad-csv"],
)
def test_a_broken_geocode_cache_is_reported_and_ignored(tmp_path: Path, content: str, row, says: str):
    data = project_with(tmp_path)
    cache = data / "geocode_cache.csv"
    cache.write_text(cache.read_text(encoding="utf-8") + content, encoding="utf-8")
    before = cache.read_bytes()
    dataset = load_dataset(data)
    problem = problem_of(dataset, "geocode-cache-error")
    assert (problem.row, problem.severity) == (row, "warning")
    assert problem.message.startswith("the cache is not used: ") and says in problem.message
    assert_still_draws(dataset)
    assert cache.read_bytes() == before  # set aside, not overwritten


@pytest.mark.parametrize(
    "table, column, constraints, says",
    [
        ("claims", "credibility", {"minimum": "1"}, "minimum '1' is not a number; the bundled minimum 1 is used"),
        ("claims", "claim_id", {"pattern": "c[0-9"}, "pattern 'c[0-9' cannot be used (missing ]: [0-9;"),
        ("claims", "claim_id", {"pattern": "(?=c)c[0-9]+"}, "pattern '(?=c)c[0-9]+' cannot be used (invalid perl"),
        ("claims", "hedge", {"enum": "stated"}, "enum 'stated' is not a non-empty list; the bundled enum stated, rep"),
        ("places", "lat", {"required": "yes"}, "required 'yes' is not true or false; it is ignored"),
    ],
    ids=["minimum-string", "pattern-broken", "pattern-lookahead", "enum-not-list", "required-not-bool"],
)
def test_a_malformed_custom_constraint_is_a_schema_problem_and_the_bundled_one_is_used(
    tmp_path: Path, table: str, column: str, constraints: dict, says: str
):
    data = project_with(tmp_path)
    edit_schema(data, table, column, **constraints)
    dataset = load_dataset(data)
    problem = problem_of(dataset, "schema-error")
    assert (problem.file.endswith("datapackage.json"), problem.column) == (True, f"{table}.{column}")
    assert problem.message.startswith(says)
    assert_still_draws(dataset)


@pytest.mark.parametrize(
    "column, constraints, says",
    [
        (
            "valid_from",
            {"type": "string"},
            "type string is not the type the app relies on; the bundled type date is used",
        ),
        (
            "valid_from",
            {"required": None},
            "required is not set, but the app relies on it; the bundled required true is used",
        ),
        ("credibility", {"maximum": 60}, "maximum 60 is looser than the app relies on; the bundled maximum 6 is used"),
    ],
)
def test_a_custom_schema_cannot_loosen_what_the_app_relies_on(tmp_path: Path, column: str, constraints, says: str):
    data = project_with(tmp_path)
    edit_schema(data, "claims", column, **constraints)
    set_cells(data, "claims", "credibility", "60")
    dataset = load_dataset(data)
    loosened = problem_of(dataset, "schema-loosened")
    assert (loosened.column, loosened.severity, loosened.message) == (f"claims.{column}", "warning", says)
    assert len(dataset.claims) == 36  # the row with credibility 60 is still held to the bundled 1-6


def test_a_custom_enum_may_widen_and_an_unknown_grade_still_shows(tmp_path: Path):
    data = project_with(tmp_path)
    edit_schema(data, "claims", "reliability", enum=None)
    set_cells(data, "claims", "reliability", "Z", rows=slice(None))
    dataset = load_dataset(data)
    assert [str(p) for p in dataset.problems] == []
    cards = place_dossier(dataset, "khmeimim", "2024-12-09").holding
    assert cards and all(card.grade.startswith("Z") and "unrated" in card.grade for card in cards)


def test_the_page_draws_the_valid_rows_around_every_kind_of_bad_cell(tmp_path: Path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    data = project_with(tmp_path)
    set_cells(data, "claims", "valid_from", "1500-01-01", rows=slice(0, 1))
    set_cells(data, "claims", "valid_to", "9999-01-01", rows=slice(1, 2))
    set_cells(data, "claims", "quote_start", "1" * 23, rows=slice(2, 3))
    set_cells(data, "claims", "reliability", "Z", rows=slice(3, 4))
    edit_schema(data, "claims", "reliability", enum=None)
    edit_schema(data, "claims", "credibility", minimum="1")
    edit_schema(data, "claims", "claim_id", pattern="(?=c)c[0-9]+")
    cache = data / "geocode_cache.csv"
    cache.write_text(cache.read_text(encoding="utf-8") + "x,SY,north,36.2,a,nominatim,2024-01-01\n", encoding="utf-8")
    monkeypatch.setenv("CLAIMMAP_DATA", str(data))
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=60)
    for view in ("map", "timeline", "reader"):
        at.query_params.update(view=view, place="khmeimim")
        at.run()
        assert not at.exception, (view, [e.message for e in at.exception])
    assert any("problem(s) in the data" in e.value for e in at.error)


# --- Bounded work and output: no input makes the load slow or the problem list long. ---


def test_a_quote_of_many_spaced_dashes_is_looked_for_in_linear_time(tmp_path: Path):
    data = project_with(tmp_path)
    seed = data.parent / "seeds" / "000_ae3071192ac73a97.txt"
    seed.write_text(seed.read_text(encoding="utf-8") + "\n" + "- \n " * 40 + "\n", encoding="utf-8")
    set_cells(data, "claims", "quote", "- \n " * 16 + "x")  # the backtracking expression took hours
    dataset = load_dataset(data)
    quote = [p for p in dataset.problems if p.column == "quote" and p.is_error]
    assert [(p.row, p.message) for p in quote] == [
        (2, "quote not found verbatim in seeds/000_ae3071192ac73a97.txt; copy the words from the source exactly")
    ]
    assert len(dataset.claims) == 36


def test_a_deep_parent_chain_with_a_broken_root_is_settled_in_a_few_passes(tmp_path: Path, monkeypatch):
    import claimmap.tables.validate as validate

    data = project_with(tmp_path)
    with (data / "places.csv").open("a", encoding="utf-8") as f:
        for i in range(200):
            parent = f"p{i - 1:03d}" if i else "nowhere"
            f.write(f"p{i:03d},Place {i},town,{parent},,,35.1,36.1,hand-set for the test\n")
    passes = []
    real_apply = validate._apply
    monkeypatch.setattr(validate, "_apply", lambda *args: passes.append(1) or real_apply(*args))
    dataset = load_dataset(data)
    assert len(passes) < 10  # one pass per level took 157 s for 1,000 levels
    chain = [str(p) for p in dataset.problems if p.column == "parent_id"]
    assert chain[0].endswith("places.csv:15: parent_id: no place_id 'nowhere' in " + str(data / "places.csv"))
    assert chain[-1].endswith(": parent_id: … and 149 more of the same kind (foreign-key)")
    assert len(chain) == 1 + 50 + 1
    assert_still_draws(dataset)


def test_a_long_parent_loop_is_spelled_out_once(tmp_path: Path):
    data = project_with(tmp_path)
    with (data / "places.csv").open("a", encoding="utf-8") as f:
        for i in range(1000):
            f.write(f"p{i:04d},Place {i},town,p{(i + 1) % 1000:04d},,,35.1,36.1,hand-set for the test\n")
    dataset = load_dataset(data)
    loop = [p for p in dataset.problems if p.code == "parent-loop"]
    assert loop[0].message.startswith("parent chain loops: p0000 > p0001 > ")
    assert {p.message for p in loop[1:50]} == {
        "is in the parent loop reported on line 15; give one of them another parent_id"
    }
    assert loop[-1].message == "… and 950 more of the same kind (parent-loop)"
    assert sum(len(str(p)) for p in dataset.problems) < 30_000  # it was 9 MB: each member listed the loop
    assert_still_draws(dataset)


def test_a_quote_never_closed_over_many_lines_gives_a_short_problem_list(tmp_path: Path):
    data = project_with(tmp_path)
    claims = data / "claims.csv"
    text = claims.read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    claims.write_text(lines[0] + '"never closed\n' + "word, word\n" * 100_000 + "".join(lines[1:]), encoding="utf-8")
    tables = load_tables(data)
    listed = [p for p in tables.problems if p.file.endswith("claims.csv")]
    counted = [p for p in listed if p.more]
    assert len(listed) < 60 and len(counted) == 1
    # the first 12,000 lines or so are read into the unclosed cell until it is too long
    assert re.fullmatch(r"… and \d\d,\d{3} more of the same kind \(missing-cell\)", counted[0].message)
    assert len(tables.claims) == 37


def test_a_quote_never_closed_in_one_row_keeps_the_rows_it_ran_over_and_those_referring_to_them(tmp_path: Path):
    data = project_with(tmp_path)
    actors = data / "actors.csv"
    # The quote opened in iran's row runs on to the quote in the next row, opposition's.
    actors.write_text(actors.read_text(encoding="utf-8").replace("iran,Iran,", 'iran,"Iran,'), encoding="utf-8")
    dataset = load_dataset(data)
    assert [f"{p.row}: {p.message}" for p in dataset.problems if p.file.endswith("actors.csv")] == [
        "3: malformed CSV (',' expected after '\"'); check the quotes on this line"
    ]
    assert set(dataset.tables.actors["actor_id"]) == {"assad", "opposition", "russia", "syrian_government"}
    by_actor = dataset.claims["actor_id"].value_counts()
    assert by_actor["opposition"] == 19 and "iran" not in by_actor  # only iran's claim goes, with a message
    assert any("'iran'" in p.message and p.file.endswith("claims.csv") for p in dataset.problems)


def test_a_long_message_is_cut_and_a_common_quote_lists_few_positions(tmp_path: Path):
    data = project_with(tmp_path)
    seed = (data.parent / "seeds" / "000_ae3071192ac73a97.txt").read_text(encoding="utf-8")
    set_cells(data, "claims", "quote", seed.strip().replace("’", "'"), rows=slice(0, 1))  # near, not verbatim
    set_cells(data, "claims", "quote", "e", rows=slice(1, 2))
    dataset = load_dataset(data)
    (near,) = [p for p in dataset.problems if p.row == 2 and p.column == "quote"]
    assert len(near.message) < 1_100 and re.search(r"… \(\d,\d{3} more characters\)$", near.message)
    (common,) = [p for p in dataset.problems if p.message.startswith("quote occurs")]
    assert re.match(r"quote occurs \d+ times in seeds/\S+ \(at (\d+, ){9}\d+ and [\d,]+ more\)", common.message)
    assert len(dataset.claims) == 36


# --- Text shown as text: no links, icons, colours or reordering made from data; CSS only a colour. ---

# What react-markdown's GFM plugin turns into links after escapes are undone (mdast-util-gfm-autolink-literal),
# and Streamlit's own shortcodes; JavaScript's \w is ASCII.
AUTOLINKS = [
    re.compile(r"(https?://|www(?=\.))[-.A-Za-z0-9_]+", re.IGNORECASE),
    re.compile(r"[-.\w+]+@[-\w]+(\.[-\w]+)+", re.ASCII),
]
SHORTCODES = re.compile(r":(material/[a-z_]+|[a-z_+-]+):|:[a-z]+(-background)?\[")
SPOOFING = (
    "see www.evil.example, https://evil.example/x or write to agent@evil.example "
    ":material/check_circle: verified :red[alert] :smile: \u202eegnahc"
)
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def as_rendered(markdown: str) -> str:
    """The text node a Markdown renderer makes of an escaped string: backslash escapes undone."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown)


def test_names_and_statements_make_no_links_icons_colours_or_reordering(tmp_path: Path):
    data = project_with(tmp_path)
    set_cells(data, "claims", "statement", SPOOFING, rows=slice(None))
    set_cells(data, "actors", "name", SPOOFING, rows=slice(None))
    set_cells(data, "places", "name", SPOOFING + " place", rows=slice(0, 1))
    dataset = load_dataset(data)
    assert [str(p) for p in dataset.problems] == []
    card = next(c for c in place_dossier(dataset, "khmeimim", "2024-12-09").holding if c.actor != "not named")
    for shown in (markdown_text(card.statement), markdown_text(card.actor)):
        text = as_rendered(shown)
        assert [p.pattern for p in AUTOLINKS if p.search(text)] == [] and not SHORTCODES.search(text)
        assert not BIDI.search(text) and "<U+202E>egnahc" in text
        assert text.replace("\u2060", "") == SPOOFING.replace("\u202e", "<U+202E>")  # the words stay as they are
    out = rendered_map(dataset)
    assert not BIDI.search(out) and re.search(r"U\+202E\S{0,12}egnahc", out)  # escaped, then JSON-escaped


def rendered_map(dataset, day: str = "2024-12-09") -> str:
    """The whole map of `day` as the page builds it: legend, place markers and governorates."""
    actors = dataset.tables.actors
    m = base_map(actors, MAP_CREDITS)
    markers = marker_table(place_states(dataset.claims, day), dataset.places, actors)
    place_layer(place_layer_data(markers), None).add_to(m)
    control = governorate_control(dataset.claims, dataset.places, day)
    governorate_layer(governorate_layer_data(control, actors, dataset.names["places"])).add_to(m)
    return m.get_root().render()


def test_an_actor_colour_that_is_not_a_colour_never_reaches_a_style(tmp_path: Path):
    data = project_with(tmp_path)
    edit_schema(data, "actors", "color", pattern=None)  # the custom schema lets anything through
    css = "red;position:fixed;inset:0;background:url(https://evil.example/beacon)"
    set_cells(data, "actors", "color", css, rows=slice(None))
    dataset = load_dataset(data)
    assert [p.code for p in dataset.problems] == []
    actors = dataset.tables.actors
    out = rendered_map(dataset)
    assert "evil.example" not in out and "position:fixed" not in out
    assert "#9E9E9E" in out  # the neutral colour instead
    day = dt.date(2024, 12, 9)
    frame = timeline_frame(dataset.claims, dataset.names["places"], dataset.names["actors"], day)
    chart = timeline_chart(frame, actors, day)
    assert "evil.example" not in json.dumps(chart.to_dict())


def test_terminal_escapes_in_cells_are_printed_escaped(tmp_path: Path, capsys, monkeypatch):
    data = project_with(tmp_path)
    monkeypatch.chdir(tmp_path / "project")
    set_cells(data, "actors", "side", "govt\x1b[2J\x1b]0;owned\x07\u202e", rows=slice(0, 1))
    set_cells(data, "claims", "statement", "cut off\x1b[31m red\r\nnext line", rows=slice(None))
    assert cli_main(["validate", "--data", "data"]) == 1
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "'govt\\x1b[2J\\x1b]0;owned\\x07\\u202e' is not allowed" in out
    cli_main(["contradictions", "--data", "data"])
    lines = capsys.readouterr().out.splitlines()
    assert lines and all("\x1b" not in line and "cut off\\x1b[31m red\\x0d\\x0anext line" in line for line in lines)
