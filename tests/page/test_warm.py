"""Reading the dataset as the server starts (claimmap.page.warm): the page then finds it cached."""

from __future__ import annotations

import asyncio
import datetime as dt
import gc
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import claimmap.page.warm as warm
from claimmap.analysis.asof import claim_date_span
from claimmap.analysis.filters import FACETS, ClaimFilter
from claimmap.tables.validate import data_fingerprint
from fixture_data import BUNDLED_DATA


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The data folders the dataset's cache computes (its cache emptied first)."""
    computed: list[Path] = []
    real = warm.load_dataset_stored

    def counted(data_dir: Path, fingerprint: str):
        computed.append(data_dir)
        return real(data_dir, fingerprint)

    monkeypatch.setattr(warm, "load_dataset_stored", counted)
    warm.cached_dataset.clear()
    yield computed
    warm.cached_dataset.clear()


@pytest.fixture(autouse=True)
def heap_left_unfrozen():
    """The warm-up freezes the heap (warm.heap_frozen); the tests after these must not inherit it."""
    warm.heap_frozen.clear()
    yield
    gc.unfreeze()
    warm.heap_frozen.clear()


def test_the_heap_is_frozen_once_per_version_of_the_data():
    gc.unfreeze()
    warm.heap_frozen("version-1")
    assert gc.get_freeze_count() > 0
    made_since = [[]]  # made after the freeze: still walked by the collector
    warm.heap_frozen("version-1")  # the same data: nothing done again
    assert any(o is made_since for o in gc.get_objects())
    warm.heap_frozen("version-2")  # new data: collected and frozen anew, with what was made since
    assert not any(o is made_since for o in gc.get_objects())


def test_after_the_warm_up_the_page_finds_the_dataset_of_its_data_folder_cached(loads: list[Path]):
    warm.warm_up(["--data", str(BUNDLED_DATA)], {})
    assert loads == [BUNDLED_DATA]
    dataset = warm.cached_dataset(str(BUNDLED_DATA), data_fingerprint(BUNDLED_DATA))  # as the page asks
    assert loads == [BUNDLED_DATA] and len(dataset.claims) > 0


def test_after_the_warm_up_the_first_pages_map_is_worked_out(loads: list[Path], monkeypatch: pytest.MonkeyPatch):
    days: list[dt.date] = []
    real = warm.day_markers

    def counted(dataset, claims, day):
        days.append(day)
        return real(dataset, claims, day)

    monkeypatch.setattr(warm, "day_markers", counted)
    warm.day_map.clear()
    warm.warm_up(["--data", str(BUNDLED_DATA)], {})
    fingerprint = data_fingerprint(BUNDLED_DATA)
    dataset = warm.cached_dataset(str(BUNDLED_DATA), fingerprint)
    last_day = claim_date_span(dataset.claims)[1]
    assert days == [last_day]
    unfiltered = ClaimFilter({facet.key: [] for facet in FACETS})  # as the sidebar gives it, nothing picked
    warm.day_map(dataset, fingerprint, unfiltered, last_day)
    assert days == [last_day]
    warm.day_map.clear()


def test_the_warm_up_imports_the_pages_modules_but_those_that_declare_a_component():
    modules = warm.page_imports()
    assert {"pandas", "streamlit", "claimmap.views.panel", "claimmap.page.state"} <= set(modules)
    assert "streamlit_folium" not in modules


def test_the_warm_up_resolves_the_data_folder_as_the_page_does(loads: list[Path]):
    warm.warm_up([], {"CLAIMMAP_DATA": str(BUNDLED_DATA)})
    assert loads == [BUNDLED_DATA]


def test_a_warm_up_that_fails_leaves_the_error_to_the_page(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
):
    def broken(data_dir: Path, fingerprint: str):
        raise OSError("disk gone")

    monkeypatch.setattr(warm, "load_dataset_stored", broken)
    warm.cached_dataset.clear()
    with caplog.at_level(logging.ERROR, logger=warm.__name__):
        warm.warm_up(["--data", str(BUNDLED_DATA)], {})  # no exception
    assert "the first page will read it" in caplog.text and "disk gone" in caplog.text


def test_the_server_starts_answering_before_the_warm_up_is_done(monkeypatch: pytest.MonkeyPatch):
    release, done = threading.Event(), threading.Event()

    def slow_warm_up(argv, environ) -> None:
        release.wait(10)
        done.set()

    monkeypatch.setattr(warm, "warm_up", slow_warm_up)

    async def start_server() -> bool:
        async with warm.warm_at_start(None):
            return done.is_set()  # the lifespan has handed over to the server

    # In its own thread: in the full suite the browser tests' Playwright keeps an event loop
    # running in this one, where asyncio.run refuses to start another.
    with ThreadPoolExecutor(max_workers=1) as pool:
        assert pool.submit(asyncio.run, start_server()).result(timeout=30) is False
    release.set()
    assert done.wait(10)
