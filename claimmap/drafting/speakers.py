"""Who makes a claim and who carries it, read from a sentence's attribution.

An attribution ('a source in the Kremlin told Russian state media on Monday', 'according to the
agency', 'as reported by TASS, citing an anonymous Kremlin source') names voices in several ways,
each matched against speakers.csv:
- by name, alias ('|'-separated `aliases`, when the table has that column), the name before its
  comma or bracket ('Yousef Khalil' for 'Yousef Khalil, fisherman (eyewitness)'), or a person's
  surname;
- by description: 'a source in the Kremlin' is the speaker whose name holds every word of it
  ('anonymous Kremlin source'); 'a fisherman' the one whose name holds 'fisherman'; 'Russian
  state media' the only state news agency or broadcaster of the actor 'Russian' names;
- by reference back: 'the agency' is the agency named last, 'the source' the anonymous source
  named last, 'he' or 'she' the last speaker; each brings the chain it was last heard with (so
  'the agency said' after 'a Kremlin source told TASS' is the Kremlin source, via TASS);
- 'unconfirmed reports', 'rumours' are the unattributed speaker; no attribution is the narrator.

The claimant is the voice that is cited ('citing X') or that speaks, the others in the
attribution are relays, from the claimant outwards. A voice that matches no speaker is proposed
as a new one. Name matching goes through a trie (NameIndex), never a pattern built from names.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

from claimmap.drafting.date_guess import AS_OF_REPORT, guess_date
from claimmap.drafting.names import NameIndex
from geo.gazetteer import normalize_name

NARRATOR_KIND, UNATTRIBUTED_KIND, ANONYMOUS_KIND = "narrator", "unattributed", "anonymous"
# Kinds whose names describe rather than name: never looked for as names in a text.
_DESCRIPTIVE_KINDS = {NARRATOR_KIND, UNATTRIBUTED_KIND}

# The nouns a description of a voice is built on, and the speaker kinds each suggests (in order
# of preference; only the kinds the schema has are used).
_KIND_NOUNS: dict[str, tuple[str, ...]] = {
    "agency": ("state_news_agency",),
    "media": ("state_news_agency", "broadcaster"),
    "television": ("broadcaster",),
    "tv": ("broadcaster",),
    "broadcaster": ("broadcaster",),
    "radio": ("broadcaster",),
    "channel": ("partisan_channel", "osint_aggregator", "broadcaster"),
    "ministry": ("government_body",),
    "government": ("government_body",),
    "intelligence": ("intelligence_service",),
    "institute": ("think_tank",),
    "source": (ANONYMOUS_KIND,),
    "sources": (ANONYMOUS_KIND,),
    "official": (ANONYMOUS_KIND, "government_body"),
    "officials": (ANONYMOUS_KIND, "government_body"),
}
# Nouns for a single unnamed person; such a voice is proposed with the first kind the schema has.
_PERSON_NOUNS = frozenset(
    "fisherman fishermen resident residents witness witnesses eyewitness eyewitnesses farmer driver doctor "
    "activist activists analyst researcher observer observers diplomat diplomats insider insiders "
    "spokesman spokeswoman spokesperson commander officer soldier journalist reporter correspondent official "
    "officials".split()
)
_PERSON_KINDS = ("eyewitness", "individual", ANONYMOUS_KIND)
_ROLE_KINDS: tuple[tuple[re.Pattern, tuple[str, ...]], ...] = (
    (re.compile(r"\b(?:analyst|imagery|osint|open-source|researcher)\b", re.I), ("osint_aggregator",)),
    (re.compile(r"\bministry\b|\bgovernment\b|\bminister\b", re.I), ("government_body",)),
    (re.compile(r"\bintelligence\b", re.I), ("intelligence_service",)),
    (re.compile(r"\binstitute\b|\bthink\s+tank\b", re.I), ("think_tank",)),
    (re.compile(r"\bnews\s+agency\b", re.I), ("state_news_agency",)),
    (re.compile(r"\btelevision\b|\bbroadcaster\b|\bradio\b", re.I), ("broadcaster",)),
    (re.compile(r"\btelegram\b|\bchannel\b", re.I), ("partisan_channel",)),
    (re.compile(r"\b(?:opposition|rebels?|militia|command|fighters|group)\b", re.I), ("armed_group",)),
    (re.compile(r"\b(?:resident|witness|eyewitness|fisherman|farmer|driver)\b", re.I), _PERSON_KINDS),
    (re.compile(r"\bsources?\b|\bofficials?\b|\binsiders?\b", re.I), (ANONYMOUS_KIND,)),
)
_UNATTRIBUTED = re.compile(
    r"\b(?:unconfirmed|unverified)\s+reports?\b|\breports?\s+on\s+social\s+media\b|\bsocial\s+media\b"
    r"|\brumou?rs?\b|\bit\s+is\s+(?:said|rumou?red|claimed)\b|\bhearsay\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[\w’'-]+")
_POSSESSIVE = re.compile(r"['’]s\b")
_CITING = re.compile(r"\b(?:citing|quoting)\b", re.IGNORECASE)
_TOLD = re.compile(r"\btold\b", re.IGNORECASE)
_PRONOUN = re.compile(r"^(?:he|she)\b", re.IGNORECASE)
_RELAYED_SOURCE = re.compile(r"(?:['’]s)?\s+sources?\b", re.IGNORECASE)
_WORD_BEFORE_SOURCE = re.compile(r"\b(?P<word>[\w-]+)(?:['’]s)?\s+sources?\b", re.IGNORECASE)
_DEFINITE = re.compile(
    r"\bthe\s+(?P<noun>agency|source|ministry|channel|broadcaster|institute|spokesman|spokeswoman)"
    r"(?P<possessive>['’]s)?\b",
    re.IGNORECASE,
)
_NEWS_AGENCY_NAME = re.compile(r"\b(?P<name>[A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,3})\s+news\s+agency\b")
_PROPER_NAME = re.compile(r"\b[A-Z][\w’'-]*(?:\s+(?:(?:al|el|bin|ibn|de|van|von|abu)-?\s*)?[A-Z][\w’'-]*){0,4}")
_STOPWORDS = frozenset(
    "a an the one another second third other some several two three of in at from on for with by to and or "
    "anonymous unnamed unidentified said says told added noted reported reports disclosed revealed who which "
    "that this these those its his her their our close near within".split()
)
_PLURALS = {"sources": "source", "officials": "official", "residents": "resident", "witnesses": "witness"}
_ORGANISATION_WORDS = frozenset(
    "ministry agency institute directorate council command group channel television tv radio office army "
    "forces service committee government observatory".split()
)
_NAME_PARTICLES = frozenset({"al", "el", "bin", "ibn", "de", "van", "von", "abu"})
_SKIP_NAMES = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july "
    "august september october november december according later earlier meanwhile a an the neither both "
    "another one it they he she we this that these those on in at by since after before during local several "
    "many some senior foreign western".split()
)


@dataclass(frozen=True)
class Chain:
    """Who makes a claim (speaker id, "" when no one could be told) and who carried it, from
    the claimant outwards, and the day it was said if the attribution gives one."""

    claimant: str
    via: tuple[str, ...] = ()
    reported_on: dt.date | None = None


@dataclass
class _Voice:
    speaker_id: str
    start: int
    role: (
        str  # "speaks", "cited" (after 'citing'), "told" (after 'told'), "relay" ('TASS source'), "back" ('the agency')
    )


# 'a fisherman in Jableh': a name after these words is where the speaker is, not who.
_WHERE_BEFORE = re.compile(r"\b(?:in|at|from|near|outside|inside)\s+$", re.IGNORECASE)


class Voices:
    """The speakers of the data, the voices proposed so far, and what the text has named last."""

    def __init__(self, speakers: pd.DataFrame, kinds: tuple[str, ...], actors: NameIndex, outlet: str = "") -> None:
        """`kinds`: the speaker kinds the schema allows; `outlet`: the source's own outlet
        ('told Coastal Desk Agency' names no relay when that is the outlet)."""
        self.kinds, self.actors, self.outlet = kinds, actors, outlet
        self.proposed: dict[str, dict[str, str]] = {}
        aliases = speakers.get("aliases", pd.Series("", index=speakers.index))
        self._index = NameIndex()
        self._kind_of = dict(zip(speakers["speaker_id"], speakers["kind"]))
        self._actor_of = dict(zip(speakers["speaker_id"], speakers["actor_id"]))
        self._words_of: dict[str, frozenset[str]] = {}
        for speaker_id, name, kind, more in zip(speakers["speaker_id"], speakers["name"], speakers["kind"], aliases):
            self._words_of[speaker_id] = _content_words(f"{name} {more.replace('|', ' ')}")
            if kind not in _DESCRIPTIVE_KINDS:
                for key in speaker_keys(name, more):
                    self._index.add(key, speaker_id)
        self._last_of_kind: dict[str, str] = {}  # "" for an agency named but not in the table
        self._chain_of: dict[str, Chain] = {}
        self._last_chain: Chain | None = None

    @property
    def narrator(self) -> str:
        return self._of_kind(NARRATOR_KIND, "narrator", "the source's own narration")

    @property
    def unattributed(self) -> str:
        return self._of_kind(UNATTRIBUTED_KIND, "rumors", "unattributed rumors")

    def kind(self, speaker_id: str) -> str:
        return self._kind_of.get(speaker_id) or self.proposed.get(speaker_id, {}).get("kind", "")

    def actor(self, speaker_id: str) -> str:
        return self._actor_of.get(speaker_id) or self.proposed.get(speaker_id, {}).get("actor_id", "")

    def note_mentions(self, text: str) -> None:
        """Remember the voices `text` names, so that 'the agency' later refers to the last one."""
        named = [(m.start, m.values[0]) for m in self._index.find(text)]
        unknown_agencies = [
            (m.start(), "") for m in _NEWS_AGENCY_NAME.finditer(text) if not self._index.find(m["name"])
        ]
        for _, speaker_id in sorted(named + unknown_agencies):
            self._last_of_kind[self.kind(speaker_id) if speaker_id else "state_news_agency"] = speaker_id

    def attribute(self, attribution: str, published: dt.date | None) -> Chain:
        """The chain an attribution names; a voice that is not in the table is proposed."""
        said = guess_date(attribution, published)
        said_on = said.first if said.precision != AS_OF_REPORT else None
        if _PRONOUN.match(attribution) and self._last_chain is not None:
            return self._remember(_with_day(self._last_chain, said_on))
        voices = self._voices(attribution)
        if not [v for v in voices if v.role != "relay"]:
            if _UNATTRIBUTED.search(attribution):
                return self._remember(Chain(self.unattributed, tuple(v.speaker_id for v in voices), said_on))
            proposed = self._propose(attribution)
            if not proposed:
                return Chain("", (), said_on)
            voices.append(_Voice(proposed, -1, "speaks"))
        citing = _CITING.search(attribution)
        if citing and not any(v.role == "cited" for v in voices):
            # 'TASS, quoting an unnamed official, said': the official speaks, TASS relays.
            cited = self._propose(attribution[citing.end() :])
            if cited:
                voices.append(_Voice(cited, citing.end(), "cited"))
        first = min(voices, key=lambda v: (v.role != "cited", v.role == "relay", v.role == "told", v.start))
        if first.role == "back" and first.speaker_id in self._chain_of:
            return self._remember(_with_day(self._chain_of[first.speaker_id], said_on))
        relays = [v.speaker_id for v in sorted(voices, key=lambda v: v.start) if v.speaker_id != first.speaker_id]
        return self._remember(Chain(first.speaker_id, tuple(dict.fromkeys(relays)), said_on))

    def proposed_rows(self, columns: list[str]) -> pd.DataFrame:
        rows = [{c: row.get(c, "") for c in columns} for row in self.proposed.values()]
        return pd.DataFrame(rows, columns=columns, dtype=str)

    def _voices(self, text: str) -> list[_Voice]:
        citing, told = _CITING.search(text), _TOLD.search(text)

        def role(start: int) -> str:
            if citing and start > citing.start():
                return "cited"
            if told and start > told.start() and not (citing and citing.start() > told.start()):
                return "told"
            return "speaks"

        voices: list[_Voice] = []
        taken: list[tuple[int, int]] = []
        for match in self._index.find(text):
            relayed_source = _RELAYED_SOURCE.match(text, match.end)  # 'TASS source': TASS relays it
            voices.append(_Voice(match.values[0], match.start, "relay" if relayed_source else role(match.start)))
            if not relayed_source:
                taken.append((match.start, match.end))
        # 'Another TASS source in Syria' may itself be a name: its relay is inside it.
        for word in _WORD_BEFORE_SOURCE.finditer(text):
            inner = self._index.find(word["word"])
            if inner and not any(v.speaker_id == inner[0].values[0] for v in voices):
                voices.append(_Voice(inner[0].values[0], word.start(), "relay"))
        for definite in _DEFINITE.finditer(text):
            kinds = _KIND_NOUNS.get(definite["noun"].lower(), ("government_body", ANONYMOUS_KIND))
            referred = next((self._last_of_kind[k] for k in kinds if k in self._last_of_kind), "")
            if referred:
                voices.append(_Voice(referred, definite.start(), "back"))
                taken.append((definite.start(), definite.end()))
        for start, segment in _segments(text):
            if not any(a < start + len(segment) and start < b for a, b in taken):
                described = self._described(segment)
                if described:
                    voices.append(_Voice(described, start, role(start)))
        # 'told reporters', 'told Coastal Desk Agency': only a news medium in the table relays.
        return [v for v in voices if v.role != "told" or self.kind(v.speaker_id) in _RELAY_KINDS]

    def _described(self, segment: str) -> str:
        """The speaker a description such as 'a source in the Kremlin', 'Russian state media' or
        'a fisherman who watched' stands for; "" when none or several fit."""
        words = _content_words(segment)
        if words & {"source", "official", "insider"}:
            fitting = [s for s, name_words in self._words_of.items() if words <= name_words]
            return fitting[0] if len(fitting) == 1 else ""
        nouns = [w for w in words if w in _KIND_NOUNS]
        if nouns:
            # 'Russian state media': the one news medium of that side; a name the speaker's does not
            # hold ('Defence' against 'Russian Foreign Ministry') rules a speaker out.
            kinds = {k for noun in nouns for k in _KIND_NOUNS[noun]}
            actor = next((m.values[0] for m in self.actors.find(segment)), "")
            names = self._proper_words(segment)
            fitting = [
                s
                for s, k in self._kind_of.items()
                if k in kinds and (not actor or self._actor_of[s] == actor) and names <= self._words_of[s]
            ]
            if actor and len(fitting) == 1:
                return fitting[0]
            overlap = {s: len(words & self._words_of[s]) for s in fitting}
            best = [s for s, n in overlap.items() if n >= 2 and n == max(overlap.values())]
            return best[0] if len(best) == 1 else ""
        person = sorted(words & _PERSON_NOUNS)
        if person:
            fitting = [s for s, name_words in self._words_of.items() if person[0] in name_words]
            return fitting[0] if len(fitting) == 1 else ""
        return ""

    def _proper_words(self, text: str) -> frozenset[str]:
        """The capitalised words of `text` that are neither common words nor an actor's name."""
        return frozenset(
            normalize_name(word)
            for word in _WORD.findall(_POSSESSIVE.sub("", text))
            if word[:1].isupper()
            and word.lower() not in _SKIP_NAMES
            and normalize_name(word) not in _STOPWORDS | _KIND_NOUNS.keys()
            and not self.actors.find(word)
        )

    def _propose(self, text: str) -> str:
        """A new speaker for the first proper name of the attribution (not the one it was told
        to), else for the person it describes ('a fisherman'); "" when it names no one."""
        cut = min((m.start() for m in (_TOLD.search(text), _CITING.search(text)) if m), default=len(text))
        speaking = text[:cut]
        names = (
            _without_leading_common_words(m.group(0))
            for m in _PROPER_NAME.finditer(speaking)
            if not _WHERE_BEFORE.search(speaking, max(0, m.start() - 12), m.start())
        )
        name = next(
            (
                n
                for n in names
                if n
                and not any(a.start == 0 and a.end == len(n) for a in self.actors.find(n))
                and normalize_name(n) != normalize_name(self.outlet)
            ),
            "",
        )
        if not name:
            person = sorted(_content_words(speaking) & _PERSON_NOUNS)
            name = f"{person[0]} (unnamed)" if person else ""
        if not name:
            return ""
        existing = next((s for s, row in self.proposed.items() if row["name"] == name), "")
        kind = next((k for regex, kinds in _ROLE_KINDS if regex.search(speaking) for k in kinds if k in self.kinds), "")
        # Only a voice of a side belongs to an actor ('a spokesman for the opposition'), not a
        # witness who stood 'beside the Russian piers'.
        actor = next((m.values[0] for m in self.actors.find(text)), "") if kind in _PARTISAN_KINDS else ""
        return existing or self._add_proposal(name, kind, actor)

    def _of_kind(self, kind: str, wanted_id: str, name: str) -> str:
        """The speaker of `kind` in the table, else one proposed for it."""
        known = next((s for s, k in self._kind_of.items() if k == kind), "")
        proposed = next((s for s, row in self.proposed.items() if row["kind"] == kind), "")
        return known or proposed or self._add_proposal(name, kind if kind in self.kinds else "", "", wanted_id)

    def _add_proposal(self, name: str, kind: str, actor: str, wanted_id: str = "") -> str:
        base = wanted_id or re.sub(r"[^a-z0-9]+", "_", normalize_name(name)).strip("_") or "speaker"
        speaker_id, number = base, 2
        while speaker_id in self._kind_of or speaker_id in self.proposed:
            speaker_id, number = f"{base}_{number}", number + 1
        self.proposed[speaker_id] = {"speaker_id": speaker_id, "name": name, "kind": kind, "actor_id": actor}
        self._index.add(name, speaker_id)
        return speaker_id

    def _remember(self, chain: Chain) -> Chain:
        self._last_chain = chain
        for speaker_id in (chain.claimant, *chain.via):
            if speaker_id:
                self._chain_of[speaker_id] = chain
                if self.kind(speaker_id):
                    self._last_of_kind[self.kind(speaker_id)] = speaker_id
        return chain


_PARTISAN_KINDS = frozenset(
    {"armed_group", "government_body", "intelligence_service", "state_news_agency", "partisan_channel"}
)
_RELAY_KINDS = frozenset({"state_news_agency", "broadcaster", "partisan_channel", "osint_aggregator"})


def speaker_keys(name: str, aliases: str = "") -> list[str]:
    """The ways a text may name a speaker: its name, aliases, the name before a comma or
    bracket, a bracketed proper name ('GUR'), and a person's surname ('Khalil')."""
    keys = [name, *(a.strip() for a in aliases.split("|") if a.strip())]
    head = re.split(r"[,(]", name, maxsplit=1)[0].strip()
    keys.append(head)
    keys += [
        inner.strip()
        for inner in re.findall(r"\(([^()]*)\)", name)
        if inner.strip() and all(w[:1].isupper() or w[:1].isdigit() for w in inner.split())
    ]
    words = head.split()
    if 2 <= len(words) <= 4 and all(w[:1].isupper() or w.split("-")[0] in _NAME_PARTICLES for w in words):
        if not {w.lower() for w in words} & _ORGANISATION_WORDS:
            surname = words[-1]
            keys.append(surname)
            if "-" in surname and surname.split("-", 1)[0].lower() in _NAME_PARTICLES:
                keys.append(surname.split("-", 1)[1])
    return list(dict.fromkeys(k for k in keys if k))


def _without_leading_common_words(run: str) -> str:
    """'On December' -> '', 'Later Reuters' -> 'Reuters'."""
    words = run.split()
    while words and (words[0].lower() in _SKIP_NAMES or words[0].lower() in _STOPWORDS):
        words.pop(0)
    return " ".join(words)


def _content_words(text: str) -> frozenset[str]:
    words = (normalize_name(w) for w in _WORD.findall(_POSSESSIVE.sub("", text)))
    return frozenset(_PLURALS.get(w, w) for w in words if w and w not in _STOPWORDS)


def _segments(text: str) -> list[tuple[int, str]]:
    """The parts of an attribution that may each describe one voice: split at 'told',
    'citing', 'said' and the like (not at commas: 'a second TASS source, in Syria' is one)."""
    pieces, start = [], 0
    for cut in re.finditer(
        r"\b(?:told|citing|quoting|said|says|added|noted|reported|reports|disclosed|revealed|according\s+to)\b",
        text,
        re.IGNORECASE,
    ):
        pieces.append((start, text[start : cut.start()]))
        start = cut.end()
    pieces.append((start, text[start:]))
    return [(s, p) for s, p in pieces if p.strip()]


def _with_day(chain: Chain, said_on: dt.date | None) -> Chain:
    return Chain(chain.claimant, chain.via, said_on or chain.reported_on)
