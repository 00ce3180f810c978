"""The package is laid out by stage, and a lower stage never imports a higher one.

Stages, low to high: the base (config, problems, files) → geo (positions; takes the loader's frames) →
sources → tables → analysis → views → entry points (the page, the CLIs). Drafting sits apart: it
may use the stages up to analysis, and only an entry point may use it. The test helpers are apart
too: nothing in the package or geo imports them. Only views import the map and chart libraries,
and only the page imports streamlit.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from fixture_data import REPO

RANK = {"base": 0, "geo": 1, "sources": 2, "tables": 3, "analysis": 4, "drafting": 4.5, "views": 5, "entry": 9}
# The highest stage each stage may import; drafting may not reach views, and views may not reach drafting.
MAY_IMPORT = {stage: {other for other, rank in RANK.items() if rank <= RANK[stage]} for stage in RANK}
MAY_IMPORT["views"].discard("drafting")
MAY_IMPORT["testing"] = {"base"}
LIBRARIES = {
    "folium": {"views"},
    "branca": {"views"},
    "altair": {"views"},
    "jinja2": {"views"},
    "streamlit": {"entry"},
    "streamlit_folium": {"entry"},
}


def stage_of(module: str) -> str | None:
    """The stage of a first-party module name, None for a third-party one."""
    parts = module.split(".")
    if (
        parts[0] == "dashboard"
        or parts[-1] == "__main__"
        or module in ("claimmap.cli",)
        or parts[:2] == ["claimmap", "page"]
    ):
        return "entry"
    if parts[0] == "geo":
        return "geo"
    if parts[0] != "claimmap":
        return None
    if len(parts) == 1 or parts[1] in ("config", "problems", "files"):
        return "base"
    return parts[1]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def first_party_files() -> list[Path]:
    return sorted([REPO / "dashboard.py", *(REPO / "claimmap").rglob("*.py"), *(REPO / "geo").rglob("*.py")])


def imported_modules(source: str) -> list[tuple[int, str]]:
    """(line, module) for every import in the source, at any depth (lazy imports count too)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def layer_violations(module_here: str, source: str, label: str) -> list[str]:
    here = stage_of(module_here)
    assert here in MAY_IMPORT, f"{label}: module in no known stage ({here}); add it to RANK"
    wrong = []
    for line, module in imported_modules(source):
        there = stage_of(module)
        top = module.split(".")[0]
        if there is not None and there != here and there not in MAY_IMPORT[here]:
            wrong.append(f"{label}:{line}: {here} imports {module} ({there})")
        if top in LIBRARIES and here not in LIBRARIES[top]:
            wrong.append(f"{label}:{line}: {here} imports {top}")
    return wrong


def test_no_module_imports_a_higher_stage():
    assert [
        violation
        for path in first_party_files()
        for violation in layer_violations(
            module_name(path), path.read_text(encoding="utf-8"), str(path.relative_to(REPO))
        )
    ] == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from claimmap.views.mapview import place_layer\n", "analysis imports claimmap.views.mapview (views)"),
        ("import streamlit as st\n", "analysis imports streamlit"),
        (
            "def f():\n    from claimmap.drafting.suggest import draft_rows\n",
            "analysis imports claimmap.drafting.suggest",
        ),
    ],
)
def test_a_higher_import_is_caught_even_when_lazy(source, expected):
    assert any(expected in v for v in layer_violations("claimmap.analysis.probe", source, "probe.py"))


def test_every_stage_package_exists_and_says_what_it_holds():
    for stage in ("sources", "tables", "analysis", "views", "page", "drafting", "testing"):
        doc = ast.get_docstring(ast.parse((REPO / "claimmap" / stage / "__init__.py").read_text(encoding="utf-8")))
        assert doc, stage
