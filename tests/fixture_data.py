"""Where the frozen fixtures are, and the bundled fixture tables as the loader hands them over."""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd

from claimmap.tables.load import Tables, load_tables

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
# A copy of the first article's data laid out like the repository: bundled/data, bundled/seeds.
BUNDLED = FIXTURES / "bundled"
BUNDLED_DATA = BUNDLED / "data"
BUNDLED_SEED = BUNDLED / "seeds" / "000_ae3071192ac73a97.txt"


def read_table(name: str, data_dir: Path = BUNDLED_DATA) -> pd.DataFrame:
    """The resource `name` of data_dir, typed by the loader (str "", datetime64, Int64, bool, `_line`);
    a copy, so the caller may change it."""
    tables = _bundled_tables() if data_dir == BUNDLED_DATA else load_tables(data_dir)
    return tables.frame(name).copy()


@functools.cache
def _bundled_tables() -> Tables:
    return load_tables(BUNDLED_DATA)  # frozen files: loaded once per run


# The bundled article plus three invented ones (tests/fixtures/README.md): a relay of origins
# already in the data, an independent report, and a denial with an unattributed rumour.
MULTISOURCE = FIXTURES / "multisource"
MULTISOURCE_DATA = MULTISOURCE / "data"
