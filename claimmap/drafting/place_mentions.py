"""Where the names and aliases of known places occur in a text, whatever the case or diacritics.

Text and names are compared after geo's `normalize_name`, applied character by character so
that every normalized character remembers where it came from in the original text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import pandas as pd

from geo.gazetteer import normalize_name
from geo.places import place_names as geo_place_names

MENTION_COLUMNS = ["place_id", "matched", "start", "end"]

# "Latakia's": normalize_name drops apostrophes, which would glue the 's to the name.
_POSSESSIVE_APOSTROPHE = re.compile(r"['’ʼ](?=s\b)")


def place_names(places: pd.DataFrame) -> pd.DataFrame:
    """place_id and name: one row per name or alias ('|'-separated in `aliases`) of each place."""
    names = [geo_place_names(name, aliases) for name, aliases in zip(places["name"], places["aliases"])]
    listed = pd.DataFrame({"place_id": places["place_id"], "name": names}).explode("name")
    return listed.dropna().drop_duplicates().reset_index(drop=True)


def find_place_mentions(document: str, places: pd.DataFrame) -> pd.DataFrame:
    """Every whole-word occurrence in `document` of a name of `places`: columns place_id,
    matched (the text exactly as the document has it), start, end (str offsets), in text order.

    Where names overlap the longest wins ('port of Tartus' is the naval base, not the city); a
    name shared by several places gives a row for each.
    """
    names = place_names(places)
    names["key"] = [_normalized(name)[0] for name in names["name"]]
    names = names[names["key"] != ""]
    if names.empty:
        return pd.DataFrame(columns=MENTION_COLUMNS)
    alternatives = "|".join(map(re.escape, sorted(set(names["key"]), key=len, reverse=True)))
    pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")
    normalized, origins = _normalized(document)
    found = pd.DataFrame(
        [
            (m.group(0), origins[m.start()], _past_marks(document, origins[m.end() - 1] + 1))
            for m in pattern.finditer(normalized)
        ],
        columns=["key", "start", "end"],
        dtype=object,
    )
    mentions = found.merge(names[["key", "place_id"]], on="key")
    mentions["matched"] = [document[start:end] for start, end in zip(mentions["start"], mentions["end"])]
    return (
        mentions.sort_values(["start", "place_id"])[MENTION_COLUMNS]
        .astype({"start": "int64", "end": "int64"})
        .reset_index(drop=True)
    )


def _normalized(text: str) -> tuple[str, list[int]]:
    """`text` in normalize_name's form, and for each of its characters the index in `text` of
    the character it comes from. Runs of spaces are collapsed, as normalize_name does."""
    possessive = {m.start() for m in _POSSESSIVE_APOSTROPHE.finditer(text)}
    characters: list[str] = []
    origins: list[int] = []
    for index, character in enumerate(text):
        for piece in " " if index in possessive else _normalized_character(character):
            if piece == " " and (not characters or characters[-1] == " "):
                continue
            characters.append(piece)
            origins.append(index)
    if characters and characters[-1] == " ":
        characters.pop()
        origins.pop()
    return "".join(characters), origins


def _past_marks(document: str, end: int) -> int:
    """`end` moved past the combining marks that follow it, which belong to the last letter."""
    while end < len(document) and unicodedata.combining(document[end]):
        end += 1
    return end


@lru_cache(maxsize=4096)
def _normalized_character(character: str) -> str:
    # Between two letters, so that a space or hyphen survives normalize_name's trimming as " ".
    return normalize_name(f"a{character}a")[1:-1]
