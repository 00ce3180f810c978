"""Where the frozen fixtures are, and the bundled fixture tables as the loader hands them over."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from claimmap.tables.load import load_tables

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
# A copy of the first article's data laid out like the repository: bundled/data, bundled/seeds.
BUNDLED = FIXTURES / "bundled"
BUNDLED_DATA = BUNDLED / "data"
BUNDLED_SEED = BUNDLED / "seeds" / "000_ae3071192ac73a97.txt"


def read_table(name: str, data_dir: Path = BUNDLED_DATA) -> pd.DataFrame:
    """The resource `name` of data_dir, typed by the loader (str "", datetime64, Int64, bool, `_line`)."""
    return load_tables(data_dir).frame(name)
