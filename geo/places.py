"""The facts geo derives from the places table: a place's names, its precision and the country
it lies in.

geo takes the places frame as claimmap's loader and validation leave it (claimmap.tables):
columns as in data/places.csv, text "" when blank, lat/lon float64 (NaN when blank, both or
neither set), each place_id once, each kind one of the schema's. Those checks are theirs; what
is geo's own is whether a parent chain reaches a country with an ISO code.
"""

import re

import pandas as pd

PLACE_COLUMNS = ["place_id", "name", "kind", "parent_id", "aliases", "iso_code", "lat", "lon", "coord_source"]

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


def place_names(name: str, aliases: str) -> list[str]:
    """The name followed by each '|'-separated alias, blanks and repeats dropped."""
    names = [name.strip(), *(alias.strip() for alias in aliases.split(ALIAS_SEPARATOR))]
    return list(dict.fromkeys(n for n in names if n))


def country_codes(table: pd.DataFrame, place_ids: pd.Series | None = None) -> pd.DataFrame:
    """For each place of a places frame (or only those of `place_ids`): place_id, country_code
    (ISO 3166-1 alpha-2 of the country row its parent chain reaches, "" if none) and
    country_problem (why there is none, else "").

    A parent that is not in the frame, or a loop, ends the chain with a reason:
    validation drops such rows, but a frame that still has them must not hang here.
    """
    keys = ("kind", "parent_id", "iso_code")
    rows_by_id = {
        place_id: dict(zip(keys, row)) for place_id, row in zip(table["place_id"], zip(*(table[key] for key in keys)))
    }
    wanted = table["place_id"] if place_ids is None else place_ids
    found = [_country_of(place_id, rows_by_id) for place_id in wanted]
    return pd.DataFrame(
        {
            "place_id": wanted,
            "country_code": [code for code, _ in found],
            "country_problem": [problem for _, problem in found],
        }
    )


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
