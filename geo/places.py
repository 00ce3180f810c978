"""Reading and tidying the places table (data/places.csv), and the facts geo
derives from a row: its names, its precision and the country it lies in.
"""

import csv
import math
import re
from pathlib import Path

import pandas as pd

from geo.errors import PlacesTableError

PLACE_COLUMNS = ["place_id", "name", "kind", "parent_id", "aliases", "iso_code", "lat", "lon", "coord_source"]
TEXT_COLUMNS = [column for column in PLACE_COLUMNS if column not in ("lat", "lon")]

# How exact a position is follows from what sort of place it is.
PRECISION_BY_KIND = {
    "airbase": "facility",
    "naval_base": "facility",
    "port": "facility",
    "facility": "facility",
    "city": "town",
    "town": "town",
    "governorate": "province",
    "country": "country",
}
SETTLEMENT_KINDS = frozenset({"city", "town"})
COUNTRY_KIND = "country"
COUNTRY_CODE = re.compile(r"[A-Z]{2}")
ALIAS_SEPARATOR = "|"


def read_places_csv(path: Path) -> pd.DataFrame:
    """Read places.csv as text (blank = ""), adding `_line`: the line each row starts on."""
    # utf-8-sig: a byte-order mark from a spreadsheet export must not stick to "place_id".
    with path.open(encoding="utf-8-sig", newline="") as file:
        reader = csv.reader(file)
        header = next(reader, [])
        rows, lines = [], []
        last_line = reader.line_num
        for row in reader:
            if len(row) != len(header):
                raise PlacesTableError(
                    f"{path.name}:{last_line + 1}: row has {len(row)} fields, expected {len(header)} "
                    f"like the header; quote values that contain commas"
                )
            rows.append(row)
            lines.append(last_line + 1)
            last_line = reader.line_num
    table = pd.DataFrame(rows, columns=header, dtype=str)
    table["_line"] = pd.Series(lines, dtype="int64")
    return table


def conform_places(places: pd.DataFrame) -> pd.DataFrame:
    """The columns geo uses, with text as str ("" for blank), lat/lon as float64
    (NaN for blank) and a `problem` column: why the row cannot be used, or "".

    Accepts both the app's typed frame and a frame read with
    ``pd.read_csv(path, dtype=str, keep_default_na=False)``. Other columns
    (such as ``_line``) are dropped.
    """
    missing = [column for column in PLACE_COLUMNS if column not in places.columns]
    if missing:
        raise PlacesTableError(
            f"places table lacks column(s) {', '.join(missing)}; expected the columns of "
            f"data/places.csv ({', '.join(PLACE_COLUMNS)}); add them, blank values are fine"
        )
    table = pd.DataFrame({column: places[column].fillna("").astype(str) for column in TEXT_COLUMNS})
    repeated = sorted(set(table.loc[table["place_id"].duplicated(), "place_id"]))
    if repeated:
        raise PlacesTableError(
            f"place_id {', '.join(repr(p) for p in repeated)} occurs more than once; "
            f"expected each place once; rename or merge the rows"
        )
    lat_problems, table["lat"] = _coordinates(places["lat"], "lat", 90)
    lon_problems, table["lon"] = _coordinates(places["lon"], "lon", 180)
    table["problem"] = [
        _row_problem(name, kind, lat, lon, lat_problem, lon_problem)
        for name, kind, lat, lon, lat_problem, lon_problem in zip(
            table["name"], table["kind"], table["lat"], table["lon"], lat_problems, lon_problems
        )
    ]
    return table[[*PLACE_COLUMNS, "problem"]]


def place_names(name: str, aliases: str) -> list[str]:
    """The name followed by each '|'-separated alias, blanks and repeats dropped."""
    names = [name.strip(), *(alias.strip() for alias in aliases.split(ALIAS_SEPARATOR))]
    return list(dict.fromkeys(n for n in names if n))


def country_codes(table: pd.DataFrame) -> pd.DataFrame:
    """For each place of a conformed table: place_id, country_code (ISO 3166-1
    alpha-2 of the country row its parent chain reaches, "" if none) and
    country_problem (why there is none, else "").
    """
    rows_by_id = table.set_index("place_id")[["kind", "parent_id", "iso_code"]].to_dict("index")
    found = [_country_of(place_id, rows_by_id) for place_id in table["place_id"]]
    return pd.DataFrame(
        {
            "place_id": table["place_id"],
            "country_code": [code for code, _ in found],
            "country_problem": [problem for _, problem in found],
        }
    )


def _coordinates(values: pd.Series, axis: str, limit: float) -> tuple[list[str], pd.Series]:
    """Problems and float64 values of one coordinate column (numbers or text)."""
    problems, numbers = [], []
    for value in values:
        number, problem = _coordinate(value, axis, limit)
        problems.append(problem)
        numbers.append(number)
    return problems, pd.Series(numbers, index=values.index, dtype="float64")


def _coordinate(value: str | float, axis: str, limit: float) -> tuple[float, str]:
    if isinstance(value, str):
        if not value.strip():
            return math.nan, ""
        try:
            number = float(value)
        except ValueError:
            return math.nan, f"{axis} {value!r} is not a number; write decimal degrees such as 35.5"
    else:
        number = math.nan if pd.isna(value) else float(value)
    if not math.isnan(number) and not -limit <= number <= limit:
        return math.nan, f"{axis} {number:g} is outside -{limit}..{limit}; write decimal degrees"
    return number, ""


def _row_problem(name: str, kind: str, lat: float, lon: float, lat_problem: str, lon_problem: str) -> str:
    if not name.strip():
        return "name is blank; every place needs the name it is known by"
    if kind not in PRECISION_BY_KIND:
        return f"kind {kind!r} is not one of {', '.join(PRECISION_BY_KIND)}; use one of those"
    if lat_problem or lon_problem:
        return "; ".join(p for p in (lat_problem, lon_problem) if p)
    if math.isnan(lat) != math.isnan(lon):
        given, blank = ("lat", "lon") if math.isnan(lon) else ("lon", "lat")
        return f"{given} is set but {blank} is blank; set both or neither"
    return ""


def _country_of(place_id: str, rows_by_id: dict[str, dict]) -> tuple[str, str]:
    chain = [place_id]
    row = rows_by_id[place_id]
    while row["kind"] != COUNTRY_KIND:
        parent_id = row["parent_id"]
        if not parent_id:
            return "", (
                f"parent chain {' > '.join(chain)} ends before reaching a place of kind 'country'; "
                f"set parent_id so the chain leads to one"
            )
        if parent_id not in rows_by_id:
            return "", f"parent_id {parent_id!r} (in chain {' > '.join(chain)}) is not a place_id in the table"
        if parent_id in chain:
            return "", f"parent chain loops: {' > '.join([*chain, parent_id])}; fix one parent_id"
        chain.append(parent_id)
        row = rows_by_id[parent_id]
    if not COUNTRY_CODE.fullmatch(row["iso_code"]):
        return "", (
            f"country {chain[-1]!r} has iso_code {row['iso_code']!r}, expected an "
            f"ISO 3166-1 alpha-2 code such as 'SY'; set it"
        )
    return row["iso_code"], ""
