"""Which known places a clause makes a claim about.

A name in a clause is not always the place claimed about. Left out: a country named as an actor
('Russia is withdrawing', unless 'in Russia'), a capital standing for its government ('talks with
Moscow', 'Moscow insists'), where a speaker stands ('speaking in Moscow'), and, when the clause
names another place, a landmark ('a town just south of Hmeimim') or the area a facility lies in
('the Hmeimim air base in Lattakia province'). The words around a name choose among the places it
may mean: 'the harbour of Tartous', 'Tartus port', 'frigates left Tartus' are the naval facility
in Tartus, 'the city of Lattakia' the city, 'the regions of Tartus' the governorate. Words that
point back are resolved: 'the two bases' (the last two facilities named), 'the entire province'
(the governorate of the place just named).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import pandas as pd

from claimmap.drafting.names import NameIndex, NameMatch
from claimmap.drafting.place_mentions import place_index
from geo.gazetteer import normalize_name
from geo.places import place_names as geo_place_names

FACILITY_KINDS = ("naval_base", "airbase", "port", "facility")
_CONTEXT = 48  # characters looked at on each side of a name

_NAVAL = ("naval_base", "port")
_HARBOUR = ("port", "naval_base")
_AIR = ("airbase",)
_ANY_BASE = ("naval_base", "airbase", "facility", "port")
_FACILITY_WORDS = (
    (r"naval\s+(?:base|facility)|navy\s+base|naval|piers?|docks?", _NAVAL),
    (r"port|harbou?r", _HARBOUR),
    (r"air\s*base|airbase|air\s*field|airfield|airport|runway", _AIR),
    (r"base|facility", _ANY_BASE),
)
_FACILITY_AFTER = [
    (re.compile(rf"^(?:['’]s)?\s+(?:{words})\b", re.IGNORECASE), kinds) for words, kinds in _FACILITY_WORDS
]
_FACILITY_BEFORE = [
    (re.compile(rf"\b(?:{words})\s+(?:of|at|in|near)\s+(?:the\s+)?$", re.IGNORECASE), kinds)
    for words, kinds in _FACILITY_WORDS
]
_SHIPS = re.compile(r"\b(?:war)?ships?\b|\bfrigates?\b|\bcorvettes?\b|\bvessels?\b|\bfleet\b|\bsubmarines?\b", re.I)
_CITY_BEFORE = re.compile(r"\b(?:city|town)\s+of\s+(?:the\s+)?$", re.IGNORECASE)
_CITY_AFTER = re.compile(r"^\s+(?:city|town)\b", re.IGNORECASE)
_REGION_BEFORE = re.compile(r"\b(?:province|governorate|region)s?\s+of\s+(?:the\s+)?$", re.IGNORECASE)
_REGION_AFTER = re.compile(r"^\s+(?:province|governorate|region)\b", re.IGNORECASE)
_LOCATIVE_BEFORE = re.compile(r"\b(?:in|into|to|inside|toward|towards|across)\s+(?:the\s+)?$", re.IGNORECASE)
_SPEAKER_LOCATION = re.compile(r"\bspeaking\s+(?:in|from)\s+$", re.IGNORECASE)
_STANDS_FOR_GOVERNMENT_BEFORE = re.compile(
    r"\b(?:talks|negotiations|contacts?|relations|dialogue|ties|agreements?|deals?|meetings?)\s+with\s+$",
    re.IGNORECASE,
)
_STANDS_FOR_GOVERNMENT_AFTER = re.compile(
    r"^\s+(?:has\s+|have\s+|had\s+|did\s+|does\s+)?(?:not\s+)?(?:said|says|insists?|insisted|denied|denies|deny"
    r"|commented|comment|warned|warns|announced|confirmed|claims?|claimed|accused|responded|rejected|insisting)\b",
    re.IGNORECASE,
)
_LANDMARK_BEFORE = re.compile(
    r"\b(?:(?:just\s+|some\s+\w+\s+(?:km|kilometres|kilometers|miles)\s+)?"
    r"(?:north|south|east|west)(?:-?(?:east|west))?(?:ern)?\s+(?:of|from)"
    r"|near|outside|beside|close\s+to|next\s+to|home\s+to|outskirts\s+of)\s+(?:the\s+)?(?:\w+['’]s\s+)?$",
    re.IGNORECASE,
)
_AND_BETWEEN = re.compile(r"^\s*(?:,\s*)?(?:and|or)\s+(?:the\s+)?$", re.IGNORECASE)
_AREA_BETWEEN = re.compile(r"^(?:\s+(?:\w+\s+){0,2}?(?:in|of)\s+(?:the\s+)?)$", re.IGNORECASE)
_BASES = re.compile(
    r"\b(?:(?:the|both|these|those)\s+)?(?:(?P<count>two|three|four|both)\s+)?(?:[a-z]+\s+){0,2}?bases\b"
    r"(?!\s+(?:of|in|at)\b)",
    re.IGNORECASE,
)
_PROVINCE = re.compile(
    r"\bthe\s+(?:entire\s+|whole\s+)?(?:province|governorate)\b(?!\s+of\b)|\bthe\s+(?:entire|whole)\s+region\b",
    re.IGNORECASE,
)
# 'heading for the naval base' with no name: the facility of a place named just before.
_THE_FACILITY = re.compile(
    r"\bthe\s+(?:(?P<naval>naval\s+(?:base|facility)|navy\s+base)|(?P<harbour>port|harbou?r)"
    r"|(?P<air>air\s*base|airbase|air\s*field|airfield))\b(?!\s+(?:of|in|at|near)\b)",
    re.IGNORECASE,
)
_COUNTS = {"two": 2, "both": 2, "three": 3, "four": 4}
_RECENT_SENTENCES = 3  # how far back 'the bases' looks
_MAX_RECENT = 32  # facility mentions remembered for it


@dataclass(frozen=True)
class PlaceMention:
    place_id: str
    start: int
    end: int
    matched: str
    reference: bool = False  # 'the two bases': a place named earlier


class PlaceChooser:
    """The places table, read once for the places of every clause of a document."""

    def __init__(self, places: pd.DataFrame, actor_names: NameIndex) -> None:
        self.index = place_index(places)
        self._kind = dict(zip(places["place_id"], places["kind"]))
        self._parent = dict(zip(places["place_id"], places["parent_id"]))
        self._name = dict(zip(places["place_id"], places["name"]))
        self._names = {  # every name and alias of each place, normalized
            place_id: {normalize_name(n) for n in geo_place_names(name, aliases)}
            for place_id, name, aliases in zip(places["place_id"], places["name"], places["aliases"])
        }
        self._children: dict[str, list[str]] = {}
        for place_id, parent in zip(places["place_id"], places["parent_id"]):
            self._children.setdefault(parent, []).append(place_id)
        # Places whose name is also an actor's: 'Russia' is the state more often than the land.
        self._actor_places = {
            place_id
            for place_id, name in self._name.items()
            if any(m.start == 0 and m.end == len(name) for m in actor_names.find(name))
        }
        self._facilities_named: list[tuple[int, str]] = []  # (sentence, place_id), in text order
        self._places_named: list[tuple[int, str]] = []  # every place named, likewise

    def ancestors(self, place_id: str) -> list[str]:
        """Parent, grandparent, ... (a loop in the table ends the chain)."""
        chain: list[str] = []
        parent = self._parent.get(place_id, "")
        while parent and parent != place_id and parent not in chain:
            chain.append(parent)
            parent = self._parent.get(parent, "")
        return chain

    def country(self, place_ids: list[str]) -> str:
        """The country most of `place_ids` lie in, "" for none."""
        countries = Counter(
            next((p for p in [place_id, *self.ancestors(place_id)] if self._kind.get(p) == "country"), "")
            for place_id in place_ids
            if place_id not in self._actor_places
        )
        countries.pop("", None)
        return countries.most_common(1)[0][0] if countries else ""

    def places_of(self, document: str, start: int, end: int, sentence: int) -> list[PlaceMention]:
        """The places the clause document[start:end] is about, in text order, each once."""
        clause = document[start:end]
        chosen: list[tuple[PlaceMention, bool]] = []  # (mention, landmark or area only)
        previous: PlaceMention | None = None
        for match in self.index.find(clause):
            before = clause[max(0, match.start - _CONTEXT) : match.start]
            after = clause[match.end : match.end + _CONTEXT]
            place_id = self._choose(match, before, after, clause)
            mention = PlaceMention(place_id, start + match.start, start + match.end, match.matched)
            if self._kind.get(place_id) in FACILITY_KINDS:
                self._facilities_named.append((sentence, place_id))
            self._places_named.append((sentence, place_id))
            between = clause[previous.end - start : match.start] if previous else ""
            if not self._not_claimed(place_id, before, after):
                area = previous is not None and place_id in self.ancestors(previous.place_id)
                secondary = (
                    bool(_LANDMARK_BEFORE.search(before))
                    or (area and bool(_AREA_BETWEEN.match(between)))
                    # 'home to Russia's Khmeimim airbase and Tartus naval facility': both landmarks
                    or (bool(chosen) and chosen[-1][1] and bool(_AND_BETWEEN.match(between)))
                )
                chosen.append((mention, secondary))
            previous = mention
        chosen += [(m, False) for m in self._references(clause, start, sentence, [m for m, _ in chosen])]
        primary = [m for m, secondary in chosen if not secondary]
        first_of_each: dict[str, PlaceMention] = {}
        for mention in sorted(primary or [m for m, _ in chosen], key=lambda m: m.start):
            first_of_each.setdefault(mention.place_id, mention)
        return list(first_of_each.values())

    def _choose(self, match: NameMatch, before: str, after: str, clause: str) -> str:
        candidates = sorted(match.values)
        key = normalize_name(match.matched)
        wanted: tuple[str, ...] = ()
        if _CITY_BEFORE.search(before) or _CITY_AFTER.match(after):
            wanted = ("city", "town")
        elif _REGION_BEFORE.search(before) or _REGION_AFTER.match(after):
            wanted = ("governorate",)
        else:
            wanted = next((kinds for regex, kinds in _FACILITY_AFTER if regex.match(after)), ())
            wanted = wanted or next((kinds for regex, kinds in _FACILITY_BEFORE if regex.search(before)), ())
            if not wanted and _SHIPS.search(clause):
                wanted = _NAVAL
        for kind in wanted:
            for place_id in candidates:
                if self._kind.get(place_id) == kind:
                    return place_id
            for place_id in candidates:
                # A facility lies in the city named; a province is where the name's place lies; 'the
                # city of Lattakia' is the city of that name in the province named Lattakia.
                if kind in FACILITY_KINDS:
                    related = self._children.get(place_id, [])
                else:
                    namesakes = [p for p in self._children.get(place_id, []) if self._names[p] & self._names[place_id]]
                    related = namesakes + self.ancestors(place_id)
                fitting = [p for p in related if self._kind.get(p) == kind]
                if fitting:
                    return fitting[0]
        # A name shared by several places: the one it is the main name of.
        return next((p for p in candidates if normalize_name(self._name.get(p, "")) == key), candidates[0])

    def _not_claimed(self, place_id: str, before: str, after: str) -> bool:
        if _SPEAKER_LOCATION.search(before):
            return True
        if _STANDS_FOR_GOVERNMENT_BEFORE.search(before) or _STANDS_FOR_GOVERNMENT_AFTER.match(after):
            return True
        return place_id in self._actor_places and not _LOCATIVE_BEFORE.search(before)

    def _references(self, clause: str, start: int, sentence: int, named: list[PlaceMention]) -> list[PlaceMention]:
        found = []
        recent_enough = [(s, p) for s, p in self._facilities_named if sentence - s <= _RECENT_SENTENCES]
        self._facilities_named = recent_enough[-_MAX_RECENT:]
        self._places_named = [(s, p) for s, p in self._places_named if sentence - s <= _RECENT_SENTENCES][-_MAX_RECENT:]
        for bases in _BASES.finditer(clause):
            recent = [p for _, p in self._facilities_named]
            distinct = list(dict.fromkeys(reversed(recent)))
            count = _COUNTS.get((bases["count"] or "").lower(), len(distinct))
            found += [
                PlaceMention(p, start + bases.start(), start + bases.end(), bases.group(0), True)
                for p in distinct[:count][::-1]
            ]
        if not named:
            found += self._facility_references(clause, start, sentence)
        for province in _PROVINCE.finditer(clause):
            earlier = [m for m in named if m.start < start + province.start()]
            governorate = next(
                (
                    p
                    for m in earlier[::-1]
                    for p in [m.place_id, *self.ancestors(m.place_id)]
                    if self._kind.get(p) == "governorate"
                ),
                "",
            )
            if governorate:
                found.append(
                    PlaceMention(governorate, start + province.start(), start + province.end(), province.group(0), True)
                )
        return found

    def _facility_references(self, clause: str, start: int, sentence: int) -> list[PlaceMention]:
        """'the naval base' in a clause naming no place: the place named last (within a few
        sentences) when it is such a facility or holds one; nothing otherwise, as 'the harbour'
        may then be another town's."""
        if not self._places_named:
            return []
        last = self._places_named[-1][1]
        found = []
        for facility in _THE_FACILITY.finditer(clause):
            kinds = _NAVAL if facility["naval"] else _HARBOUR if facility["harbour"] else _AIR
            fitting = [p for kind in kinds for p in [last, *self._children.get(last, [])] if self._kind.get(p) == kind]
            if fitting:
                found.append(
                    PlaceMention(fitting[0], start + facility.start(), start + facility.end(), facility[0], True)
                )
        return found
