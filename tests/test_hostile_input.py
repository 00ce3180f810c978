"""Hostile table text through the whole pipeline: loader, validator, map layers and panel.

Every free-text field of every table gets the same payload; nothing from it may reach the map's
HTML/JS unescaped or act as Markdown in the panel, and the rows still load. (Malformed files and
values — BOM, CRLF, bad encodings, impossible dates, NaN coordinates, cycles, missing columns —
are covered one by one in test_tables.py and test_validate.py; the browser check is in
tests/browser/test_dashboard_browser.py.)
"""

import csv
import re
import shutil
from pathlib import Path

import pytest

from claimmap.analysis.asof import governorate_control, place_states
from claimmap.analysis.dataset import load_dataset
from claimmap.views.mapview import base_map, governorate_layer, marker_table, place_layer
from claimmap.views.panel import markdown_text, place_dossier
from fixture_data import BUNDLED
from geo import MAP_CREDITS
from geo.boundaries import load_country_outline, load_governorates

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
    m = base_map(load_governorates(), load_country_outline(), actors, MAP_CREDITS)
    place_layer(marker_table(place_states(claims, day), places, actors), "khmeimim").add_to(m)
    governorate_layer(governorate_control(claims, places, day), load_governorates(), actors).add_to(m)
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
