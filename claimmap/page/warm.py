"""The dataset the page reads, and reading it as the server starts rather than when the first
visitor comes.

`serve.py` runs dashboard.py with `warm_at_start` as the server's lifespan: while the server
already answers, a thread imports the page's modules and puts the data folder's dataset into
`cached_dataset`, the cache every page run reads it from. A visitor who comes before it is done
waits for that same computation (Streamlit's cache computes a key once, under a lock), not for a
second one. After a restart with unchanged data that is the stored copy (analysis.stored).
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

import streamlit as st

from claimmap.analysis.dataset import Dataset
from claimmap.analysis.stored import load_dataset_stored
from claimmap.config import resolve_data_dir
from claimmap.tables.validate import data_fingerprint

log = logging.getLogger(__name__)
THREAD_NAME = "claimmap-warm"


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


def warm_up(argv: Sequence[str], environ: Mapping[str, str]) -> None:
    """Import what the page's first run imports and read the dataset the page will ask for (the
    data folder of `argv`, as the page resolves it). Never raises: a failure here is the page's
    to report, when it loads the data itself."""
    try:
        # The page's heaviest import after pandas (which the dataset brings). Not streamlit_folium:
        # a component declared outside a page run is never registered, and its frame gets a 404.
        import claimmap.views.mapview  # noqa: F401

        data_dir = resolve_data_dir(list(argv), environ)
        cached_dataset(str(data_dir), data_fingerprint(data_dir))
    except Exception:
        log.exception("reading the dataset as the server started failed; the first page will read it")


@asynccontextmanager
async def warm_at_start(_app: object) -> AsyncIterator[None]:
    """A lifespan for st.App: warm_up in a thread of its own, so the server starts answering at once."""
    logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(_OutsidePageRun())
    thread = threading.Thread(target=warm_up, args=(sys.argv[1:], dict(os.environ)), name=THREAD_NAME, daemon=True)
    thread.start()
    yield
