"""The dataset the page reads and a day's map of it, and working both out as the server starts
rather than when the first visitor comes.

`serve.py` runs dashboard.py with `warm_at_start` as the server's lifespan: while the server
already answers, a thread imports the page's modules, puts the data folder's dataset into
`cached_dataset`, the cache every page run reads it from, and the map of the first page (the last
day, no filter) into `day_map`. A visitor who comes before it is done
waits for that same computation (Streamlit's cache computes a key once, under a lock), not for a
second one. After a restart with unchanged data that is the stored copy (analysis.stored).
"""

from __future__ import annotations

import ast
import datetime as dt
import gc
import importlib
import logging
import os
import sys
import threading
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from claimmap.analysis.asof import claim_date_span, facility_status, governorate_control, place_states
from claimmap.analysis.dataset import Dataset
from claimmap.analysis.filters import ClaimFilter
from claimmap.analysis.stored import load_dataset_stored
from claimmap.config import resolve_data_dir
from claimmap.tables.validate import data_fingerprint
from claimmap.views.mapview import governorate_layer_data, marker_table

log = logging.getLogger(__name__)
THREAD_NAME = "claimmap-warm"
PAGE = Path(__file__).resolve().parents[2] / "dashboard.py"
# Declared when imported, a component is registered only inside a page run (else its frame gets a 404).
DECLARE_COMPONENTS = ("streamlit_folium",)


class _OutsidePageRun(logging.Filter):
    """Drops Streamlit's warning that the warm-up thread has no page run: it has none by design."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.threadName != THREAD_NAME


@st.cache_resource(show_spinner="Loading and validating the tables…", max_entries=4)
def cached_dataset(data_dir: str, fingerprint: str) -> Dataset:
    """The fingerprint (a hash of every data file) is part of the cache key, so edits show up.

    A shared resource rather than cache_data: every rerun would otherwise unpickle a fresh copy
    of all the tables. Nothing downstream modifies a Dataset. After a server restart the
    validated dataset is read from disk when no file changed (claimmap.analysis.stored)."""
    return load_dataset_stored(Path(data_dir), fingerprint)


def day_markers(dataset: Dataset, claims: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    """What the map draws on `day`: one row per place (mapview.marker_table); the state export
    uses the same rows, so the file says what the map shows. All claims: read from the day states
    worked out with the dataset, when it has them."""
    if dataset.day_states is not None and len(claims) == len(dataset.claims):
        states, statuses = dataset.day_states.on(day)
    else:
        on_day = dataset.provenance.among(claims, day)
        corroborated = on_day.corroborated_claims()
        states = place_states(claims, day, contested=on_day.contested_places(), corroborated=corroborated)
        statuses = facility_status(claims, dataset.places, day, dataset.chains["voice"])
    return marker_table(states, dataset.places, dataset.tables.actors, statuses)


# Marker tables kept, for days (and filters) seen last; at a million claims one is ~100,000 rows.
MARKER_TABLES_KEPT = 8


# A filter is hashed by its choices: hashing the dataclass deep-copies every facet (~2 ms a call).
FILTER_HASH: dict[str | type[Any], Callable[[Any], Any]] = {ClaimFilter: ClaimFilter.cache_key}


@st.cache_resource(max_entries=MARKER_TABLES_KEPT, show_spinner=False, hash_funcs=FILTER_HASH)
def day_map(_dataset: Dataset, fingerprint: str, claim_filter: ClaimFilter, day: dt.date) -> tuple[str, pd.DataFrame]:
    """The governorate layer's JSON and the marker table (day_markers) of a day, once per version
    of the data, filter and day. Shared, not copied: nothing modifies them. (`fingerprint` stands
    for the dataset.)"""
    claims = claim_filter.apply(_dataset.claims)
    control = governorate_control(claims, _dataset.places, day)
    return (
        governorate_layer_data(control, _dataset.tables.actors, _dataset.names["places"]),
        day_markers(_dataset, claims, day),
    )


@st.cache_resource(max_entries=1, show_spinner=False)
def heap_frozen(fingerprint: str) -> bool:
    """Keep what the server holds for a version of the data out of Python's full garbage
    collections: with the page's modules and tables loaded, one took ~90 ms, every third slider
    step or so (measured), and held up the page's run. Collected once, then frozen (gc.freeze);
    later full collections walk only what runs create. Once per version of the data: the previous
    version's objects are unfrozen and collected first."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
    return True


def page_imports(page: Path = PAGE) -> list[str]:
    """The modules `page` imports at its top, but those that declare a component."""
    tree = ast.parse(page.read_text(encoding="utf-8"))
    names = [alias.name for node in tree.body if isinstance(node, ast.Import) for alias in node.names]
    names += [node.module for node in tree.body if isinstance(node, ast.ImportFrom) and node.module and not node.level]
    return [name for name in names if name.split(".")[0] not in DECLARE_COMPONENTS]


def warm_up(argv: Sequence[str], environ: Mapping[str, str]) -> None:
    """Import what the page's first run imports, read the dataset the page will ask for (the
    data folder of `argv`, as the page resolves it) and work out its first map. Never raises: a
    failure here is the page's to report, when it loads the data itself."""
    try:
        for module in page_imports():  # ~0.25 s of the page's first run at a start
            importlib.import_module(module)
        import streamlit.emojis  # noqa: F401  (set_page_config's, for the page's icon: 0.16 s)

        data_dir = resolve_data_dir(list(argv), environ)
        fingerprint = data_fingerprint(data_dir)
        dataset = cached_dataset(str(data_dir), fingerprint)
        span = claim_date_span(dataset.claims)
        if span is not None:  # a link without a date opens on the last day, unfiltered
            day_map(dataset, fingerprint, ClaimFilter(), span[1])
        heap_frozen(fingerprint)
    except Exception:
        log.exception("reading the dataset as the server started failed; the first page will read it")


@asynccontextmanager
async def warm_at_start(_app: object) -> AsyncIterator[None]:
    """A lifespan for st.App: warm_up in a thread of its own, so the server starts answering at once."""
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(_OutsidePageRun())
    thread = threading.Thread(target=warm_up, args=(sys.argv[1:], dict(os.environ)), name=THREAD_NAME, daemon=True)
    thread.start()
    yield
