"""Where the names and aliases of known places occur in a text, whatever the case or diacritics."""

from __future__ import annotations

import pandas as pd

from claimmap.drafting.names import NameIndex
from geo.places import place_names as geo_place_names

MENTION_COLUMNS = ["place_id", "matched", "start", "end"]


def place_names(places: pd.DataFrame) -> pd.DataFrame:
    """place_id and name: one row per name or alias ('|'-separated in `aliases`) of each place."""
    names = [geo_place_names(name, aliases) for name, aliases in zip(places["name"], places["aliases"])]
    listed = pd.DataFrame({"place_id": places["place_id"], "name": names}).explode("name")
    return listed.dropna().drop_duplicates().reset_index(drop=True)


def place_index(places: pd.DataFrame) -> NameIndex:
    names = place_names(places)
    return NameIndex(zip(names["name"], names["place_id"]))


def find_place_mentions(document: str, places: pd.DataFrame) -> pd.DataFrame:
    """Every whole-word occurrence in `document` of a name of `places`: columns place_id,
    matched (the text exactly as the document has it), start, end (str offsets), in text order.

    Where names overlap the longest wins ('port of Tartus' is the naval base, not the city); a
    name shared by several places gives a row for each.
    """
    rows = [
        (place_id, match.matched, match.start, match.end)
        for match in place_index(places).find(document)
        for place_id in sorted(match.values)
    ]
    return pd.DataFrame(rows, columns=MENTION_COLUMNS).astype({"start": "int64", "end": "int64"})
