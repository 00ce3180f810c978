"""Read the bundled CSVs the way the loader hands them over, without depending on the loader.

Types come from datapackage.json: dates -> datetime64 (NaT when blank), integers -> Int64,
booleans -> bool, numbers -> float, everything else str with "" for blank; plus `_line`, the
CSV line number of each row.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

DATA_DIR = Path(__file__).resolve().parents[1] / "data"


def read_table(name: str, data_dir: Path = DATA_DIR) -> pd.DataFrame:
    """The resource `name` of data_dir/datapackage.json as a frame in the loader's conventions."""
    package = json.loads((data_dir / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in package["resources"] if r["name"] == name)
    frame = pd.read_csv(data_dir / resource["path"], dtype=str, keep_default_na=False)
    for field in resource["schema"]["fields"]:
        column, kind = field["name"], field["type"]
        if kind == "date":
            frame[column] = pd.to_datetime(frame[column].replace("", None), format="%Y-%m-%d")
        elif kind == "integer":
            frame[column] = pd.to_numeric(frame[column].replace("", None)).astype("Int64")
        elif kind == "boolean":
            frame[column] = frame[column] == "true"
        elif kind == "number":
            frame[column] = pd.to_numeric(frame[column].replace("", None)).astype(float)
    frame["_line"] = frame.index + 2  # line 1 is the header; the bundled CSVs have no multi-line cells
    return frame
