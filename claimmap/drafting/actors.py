"""The actors a text names: by name, by the head noun of their name ('the opposition', 'rebels'),
or by the adjective of a country's name ('Russian', 'Iranian')."""

from __future__ import annotations

import re

import pandas as pd

from claimmap.drafting.names import NameIndex

_PART_SEPARATORS = re.compile(r"\s+and\s+|[(),;]")
_LED = re.compile(r"^(?P<leader>[A-Z][\w]*)-led$")


def actor_index(actors: pd.DataFrame) -> NameIndex:
    """Every way of naming each actor; an `aliases` column ('|'-separated) is used when present."""
    aliases = actors.get("aliases", pd.Series("", index=actors.index))
    index = NameIndex()
    for actor_id, name, more in zip(actors["actor_id"], actors["name"], aliases):
        for key in actor_keys(name, more):
            index.add(key, actor_id)
    return index


def actor_keys(name: str, aliases: str = "") -> list[str]:
    """'Syrian armed opposition (HTS-led rebels)' -> the name, 'Syrian armed opposition',
    'opposition', 'HTS-led rebels', 'rebels', 'rebel', 'HTS'; 'Russia' -> 'Russian(s)' too."""
    keys = [name, *(a.strip() for a in aliases.split("|") if a.strip())]
    for part in (p.strip() for p in _PART_SEPARATORS.split(name)):
        words = part.split()
        if not words or not part[0].isupper():
            continue  # 'family' in 'Bashar al-Assad and family' names no one by itself
        keys.append(part)
        if len(words) == 1:
            keys += _adjectives(part)
            continue
        head = words[-1]
        keys += [head, head[:-1] if head.endswith("s") else head + "s"]
        if "-" in head and head.split("-", 1)[0].islower():  # 'al-Assad' -> 'Assad'
            keys.append(head.split("-", 1)[1])
        keys += [m["leader"] for word in words if (m := _LED.match(word))]
    return list(dict.fromkeys(k for k in keys if k))


def _adjectives(country: str) -> list[str]:
    """'Russia' -> 'Russian', 'Iran' -> 'Iranian', 'Iraq' -> 'Iraqi', with their plurals."""
    if country.endswith("a"):
        adjective = country + "n"
    elif country.endswith(("q", "l")):
        adjective = country + "i"
    else:
        adjective = country + "ian"
    return [adjective, adjective + "s"]


def first_actor(index: NameIndex, text: str) -> str:
    """The actor named first in `text`, "" for none."""
    found = index.find(text)
    return found[0].values[0] if found else ""


def last_actor(index: NameIndex, text: str) -> str:
    found = index.find(text)
    return found[-1].values[0] if found else ""
