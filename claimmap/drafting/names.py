"""Finding known names (places, speakers, actors) in a text, whatever the case or diacritics.

Text and names are compared after geo's `normalize_name`, applied character by character so
that every normalized character remembers where it came from in the original text. Names are
kept in a trie, so a text is scanned once, whatever the number of names: no pattern is built
from the data.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from geo.gazetteer import normalize_name

# "Latakia's": normalize_name drops apostrophes, which would glue the 's to the name.
_POSSESSIVE_APOSTROPHE = re.compile(r"['’ʼ](?=s\b)")


@dataclass(frozen=True)
class NormalizedText:
    """`text` in normalize_name's form, and for each of its characters the index in `text` of
    the character it comes from."""

    original: str
    text: str
    origins: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original [start, end) of the normalized [start, end)."""
        return self.origins[start], _past_marks(self.original, self.origins[end - 1] + 1)


def normalized(text: str) -> NormalizedText:
    """Runs of spaces are collapsed, as normalize_name does."""
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
    return NormalizedText(text, "".join(characters), tuple(origins))


@dataclass(frozen=True)
class NameMatch:
    """A whole-word occurrence of a known name: the values filed under it and where it is."""

    values: tuple[str, ...]
    start: int
    end: int
    matched: str  # the text exactly as the document has it


@dataclass
class _Node:
    children: dict[str, _Node] = field(default_factory=dict)
    values: list[str] = field(default_factory=list)


class NameIndex:
    """Names, each filed under one or more values (a place_id, a speaker_id)."""

    def __init__(self, named: Iterable[tuple[str, str]] = ()) -> None:
        self._root = _Node()
        for name, value in named:
            self.add(name, value)

    def add(self, name: str, value: str) -> None:
        key = normalize_name(name)
        if not key:
            return
        node = self._root
        for character in key:
            node = node.children.setdefault(character, _Node())
        if value not in node.values:
            node.values.append(value)

    def find(self, text: str | NormalizedText) -> list[NameMatch]:
        """Leftmost-longest, non-overlapping whole-word occurrences, in text order."""
        norm = text if isinstance(text, NormalizedText) else normalized(text)
        chars = norm.text
        found: list[NameMatch] = []
        position = 0
        while position < len(chars):
            if position > 0 and chars[position - 1].isalnum():
                position += 1
                continue
            end, values = self._longest_at(chars, position)
            if values:
                start, stop = norm.span(position, end)
                found.append(NameMatch(tuple(values), start, stop, norm.original[start:stop]))
                position = end
            else:
                position += 1
        return found

    def _longest_at(self, chars: str, position: int) -> tuple[int, list[str]]:
        node: _Node | None = self._root
        best_end, best = position, []
        index = position
        while index < len(chars) and node is not None:
            node = node.children.get(chars[index])
            if node is None:
                break
            index += 1
            if node.values and (index == len(chars) or not chars[index].isalnum()):
                best_end, best = index, node.values
        return best_end, best


def _past_marks(document: str, end: int) -> int:
    """`end` moved past the combining marks that follow it, which belong to the last letter."""
    while end < len(document) and unicodedata.combining(document[end]):
        end += 1
    return end


@lru_cache(maxsize=4096)
def _normalized_character(character: str) -> str:
    # Between two letters, so that a space or hyphen survives normalize_name's trimming as " ".
    return normalize_name(f"a{character}a")[1:-1]
