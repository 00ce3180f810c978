"""The bundled tables as the loader hands them over, for tests that need one table."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from claimmap.tables import load_tables

DATA_DIR = Path(__file__).resolve().parents[1] / "data"


def read_table(name: str, data_dir: Path = DATA_DIR) -> pd.DataFrame:
    """The resource `name` of data_dir, typed by the loader (str "", datetime64, Int64, bool, `_line`)."""
    return load_tables(data_dir).frame(name)
