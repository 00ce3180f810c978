"""Shared fixtures: an editable copy of the frozen fixture data, laid out like the repository.

Every test runs with CLAIMMAP_DATA pointing at the fixture copy, so nothing that falls back to the
default data directory reads the live data/."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from claimmap.analysis.dataset import Dataset, load_dataset
from claimmap.config import CACHE_ENV, DATA_ENV
from fixture_data import BUNDLED, BUNDLED_DATA


@pytest.fixture(autouse=True, scope="session")
def fixture_data_by_default(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    # Session scope, so module-scoped fixtures (a page run once per file) see it too. The page's
    # stored datasets go to a temporary folder, not beside the fixtures.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(DATA_ENV, str(BUNDLED / "data"))
        patch.setenv(CACHE_ENV, str(tmp_path_factory.mktemp("dataset-cache")))
        yield


@pytest.fixture(scope="session")
def bundled_dataset() -> Dataset:
    """The frozen fixture data loaded as the dashboard loads it, once for the whole run: shared by
    every test that takes it, so read it and never change it (copy a frame before editing it)."""
    return load_dataset(BUNDLED_DATA)


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


@dataclass(frozen=True)
class Ran:
    """What a command line gave: its exit status and what it printed."""

    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run_main(capsys: pytest.CaptureFixture) -> Callable[..., Ran]:
    """run_main(main, *argv): a command line's `main(argv)` called in this process, much faster
    than a fresh interpreter; each command also has one smoke test that runs it as users do."""

    def run(main: Callable[[list[str]], int], *argv: str) -> Ran:
        capsys.readouterr()  # what earlier steps printed is not this command's
        status = main(list(argv))
        out, err = capsys.readouterr()
        return Ran(status, out, err)

    return run
