"""Shared fixtures: an editable copy of the frozen fixture data, laid out like the repository.

Every test runs with CLAIMMAP_DATA pointing at the fixture copy, so nothing that falls back to the
default data directory reads the live data/."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from claimmap.config import DATA_ENV
from fixture_data import BUNDLED


@pytest.fixture(autouse=True, scope="session")
def fixture_data_by_default() -> Iterator[None]:
    # Session scope, so module-scoped fixtures (a page run once per file) see it too.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(DATA_ENV, str(BUNDLED / "data"))
        yield


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tmp_path/data and tmp_path/seeds copied from the fixtures; the working directory is
    tmp_path, so problems name files as `data/claims.csv`, as they do when run from the repo."""
    shutil.copytree(BUNDLED / "data", tmp_path / "data")
    shutil.copytree(BUNDLED / "seeds", tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "data"


@pytest.fixture
def edit(data_dir: Path):
    """edit(name, old, new): replace the single occurrence of `old` in data_dir/name."""

    def replace(name: str, old: str, new: str) -> None:
        path = data_dir / name
        text = path.read_bytes().decode("utf-8")
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {name}"
        path.write_bytes(text.replace(old, new).encode("utf-8"))

    return replace


@pytest.fixture
def line_of(data_dir: Path):
    """line_of(name, text): the line of data_dir/name on which `text` first starts."""

    def find(name: str, text: str) -> int:
        content = (data_dir / name).read_bytes().decode("utf-8")
        assert text in content, f"{text!r} not in {name}"
        return content[: content.index(text)].count("\n") + 1

    return find
