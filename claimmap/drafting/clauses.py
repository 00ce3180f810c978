"""A sentence cut into what it claims and who says so.

Each sentence is split into its attribution ('a source in the Kremlin told Russian state media on
Monday', 'according to the agency', the words around a quotation) and its content; the content
is then cut into clauses: coordinated clauses that each have a verb ('X sailed on Monday, and the
remaining vessels are likely to follow') and relative clauses ('the bases, which are operating
normally'). Every span is an exact [start, end) of the document, so a clause is a quote.

Patterns here are fixed: nothing is built from the data, and every repetition is bounded.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from claimmap.drafting.claim_types import claim_cue_spans, starts_with_claim_verb
from claimmap.drafting.sentences import Sentence

MAIN, COORDINATED, RELATIVE = "main", "coordinated", "relative"

SPEECH_VERBS = (
    r"said|says|say|told|tells|added|adds|noted|notes|reported|reports|disclosed|discloses|revealed|reveals"
    r"|announced|announces|stated|states|claimed|claims|insisted|insists|confirmed|confirms|explained"
    r"|stressed|wrote|writes|warned|warns|described|quoted|cited"
)
SPEECH = re.compile(
    rf"\b(?:{SPEECH_VERBS})\b|\baccording\s+to\b|\bciting\b|\bquoting\b|\bas\s+reported\s+by\b", re.IGNORECASE
)
# 'A second TASS source, in Syria, said on Monday that ...': who speaks, then what.
_LEADING_THAT = re.compile(
    rf"^(?P<who>.{{0,120}}?\b(?:{SPEECH_VERBS})\b[^,;:\"“”]{{0,60}}?)\s+that\s+(?=\S)", re.IGNORECASE | re.DOTALL
)
_LEADING_ACCORDING = re.compile(r"^\s*according\s+to\s+[^,;]{1,120},\s+(?=\S)", re.IGNORECASE)
# 'Officials said the base was quiet': taken only when what follows has a verb of its own; the
# speaker may carry one aside between commas ('A fisherman, who asked not to be named, said').
_LEADING_SAID = re.compile(
    r"^(?P<who>[^,;:\"“”]{1,80}?(?P<aside>,\s[^,;:\"“”]{1,120}?,\s)?"
    r"\b(?:said|says|added|noted|insisted|claimed|reported|stated|announced))\s+(?=\S)",
    re.IGNORECASE,
)
_FINITE = re.compile(
    r"\b(?:is|are|was|were|been|has|have|had|will|would|can|could|may|might|must|shall|should|do|does|did)\b",
    re.IGNORECASE,
)
_COORDINATION = re.compile(r",\s+(?:and|but|while|whereas)\s+|;\s+", re.IGNORECASE)
# 'X is hanging by a thread, the base is isolated': a new subject after a bare comma.
_ASYNDETON = re.compile(r",\s+(?=(?:the|a|an|its|their|his|her)\s)", re.IGNORECASE)
# 'they entered Damascus and toppled the regime': a second verb of claim after 'and'.
_AND_VERB = re.compile(r",?\s+and\s+(?=\w)", re.IGNORECASE)
_RELATIVE = re.compile(r",\s+(?=(?:which|where|who|whose)\b)", re.IGNORECASE)
_OPENING_MARKS = "“«"
_CLOSING_MARKS = "”»"
_EDGE = ' \t\r\n,;:.—–-"“”«»'
_MAX_ATTRIBUTION_WORDS = 40  # the words after a quotation that can still be its attribution
_MAX_TRAILING_WORDS = 14  # '..., a fisherman who watched them leave told Coastal Desk Agency.'


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class Clause:
    """A clause of a sentence's content, with the attribution of its sentence (None: the
    source's own voice) and whether it is words in a quotation (so 'our' is the speaker's)."""

    start: int
    end: int
    role: str  # MAIN, COORDINATED (after ', and') or RELATIVE (after ', which')
    sentence: int  # index in the sentence list
    attribution: Span | None
    quoted: bool


def split_clauses(document: str, sentences: Sequence[Sentence]) -> list[Clause]:
    """The clauses of every sentence, in text order."""
    starts = [s.start for s in sentences]
    quoted_in: dict[int, list[tuple[Span, Span]]] = {}  # sentence index -> speech quotations in it
    for inside, attribution in _speech_quotations(document, sentences):
        first = max(0, bisect.bisect_right(starts, inside.start) - 1)
        for index in range(first, bisect.bisect_left(starts, inside.end)):
            if _overlaps(inside, sentences[index]):
                quoted_in.setdefault(index, []).append((inside, attribution))
    clauses: list[Clause] = []
    for index, sentence in enumerate(sentences):
        quoted = quoted_in.get(index, [])
        if quoted:
            for inside, said in quoted:
                part = Span(max(inside.start, sentence.start), min(inside.end, sentence.end))
                clauses += _cut(document, part, index, said, quoted=True)
        else:
            content, who = _narration(document, sentence)
            clauses += _cut(document, content, index, who, quoted=False)
    return clauses


def text_of(document: str, span: Span | Clause | None) -> str:
    return "" if span is None else document[span.start : span.end]


def _quotations(document: str) -> list[Span]:
    """The inside of each pair of quotation marks (curly, guillemets, or straight ones paired
    within a paragraph)."""
    found: list[Span] = []
    curly = straight = None
    for index, character in enumerate(document):
        if character == "\n" and document[index + 1 : index + 2] == "\n":
            curly = straight = None
        elif character in _OPENING_MARKS:
            curly = index
        elif character in _CLOSING_MARKS and curly is not None:
            found.append(Span(curly + 1, index))
            curly = None
        elif character == '"':
            if straight is None:
                straight = index
            else:
                found.append(Span(straight + 1, index))
                straight = None
    return sorted(found, key=lambda span: span.start)


def _speech_quotations(document: str, sentences: Sequence[Sentence]) -> list[tuple[Span, Span]]:
    """(inside, attribution) of each quotation that is reported speech: followed by ', X said'
    (or preceded by 'X said:'). A quoted phrase inside narration ('he "decided to step down"')
    is not."""
    speech = []
    starts = [s.start for s in sentences]
    for inside in _quotations(document):
        opening, closing = (
            _sentence_at(sentences, starts, inside.start - 1),
            _sentence_at(sentences, starts, inside.end),
        )
        if opening is None or closing is None:
            continue
        attribution = _attribution_after(document, inside, closing) or _attribution_before(document, inside, opening)
        if attribution:
            speech.append((inside, attribution))
    return speech


def _attribution_after(document: str, inside: Span, sentence: Sentence) -> Span | None:
    after = document[inside.end + 1 : sentence.end]
    ends_with_comma = document[inside.end - 1 : inside.end] in {",", ".", "?", "!"} or after.lstrip().startswith(",")
    if not ends_with_comma or len(after.split()) > _MAX_ATTRIBUTION_WORDS or not SPEECH.search(after):
        return None
    return _trimmed(document, inside.end + 1, sentence.end)


def _attribution_before(document: str, inside: Span, sentence: Sentence) -> Span | None:
    before = document[sentence.start : inside.start - 1].rstrip()
    if before.endswith(":") or re.search(rf"\b(?:{SPEECH_VERBS}),?$", before, re.IGNORECASE):
        return _trimmed(document, sentence.start, inside.start - 1)
    return None


def _narration(document: str, sentence: Sentence) -> tuple[Span | None, Span | None]:
    """The content of a sentence in the source's voice and its attribution, if any."""
    text = sentence.text
    for leading in (_LEADING_ACCORDING, _LEADING_THAT, _LEADING_SAID):
        match = leading.match(text)
        if match and (leading is not _LEADING_SAID or _said_leads(text, match)):
            who = _trimmed(document, sentence.start, sentence.start + match.end())
            return _trimmed(document, sentence.start + match.end(), sentence.end), who
    commas = list(re.finditer(r",\s+", text))
    three_words = re.match(r"\s*\S+\s+\S+\s+\S", text)
    for comma, following in zip(commas, [*commas[1:], None]):
        first_part = text[comma.end() : following.start() if following else len(text)]
        if (
            three_words is not None
            and comma.start() >= three_words.end()
            and len(first_part.split()) <= _MAX_TRAILING_WORDS
            and SPEECH.search(first_part)
        ):
            who = _trimmed(document, sentence.start + comma.end(), sentence.end)
            return _trimmed(document, sentence.start, sentence.start + comma.start()), who
    return _trimmed(document, sentence.start, sentence.end), None


def _cut(document: str, part: Span | None, sentence: int, attribution: Span | None, quoted: bool) -> list[Clause]:
    """`part` cut at ', and' or at a comma before a new subject (when both sides have a verb), at
    'and' before a verb of claim, and before ', which' (when the part before it has a verb)."""
    if part is None:
        return []
    text = document[part.start : part.end]
    verbs = _Verbs(text)
    cuts: list[tuple[int, int, str]] = []  # (end of the clause before, start of the next, its role)
    for match in _COORDINATION.finditer(text):
        if verbs.within(0, match.start()) and verbs.within(match.end(), len(text)):
            cuts.append((match.start(), match.end(), COORDINATED))
    for match in _ASYNDETON.finditer(text):
        next_comma = text.find(",", match.end())
        if verbs.within(0, match.start()) and verbs.within(match.end(), next_comma if next_comma >= 0 else len(text)):
            cuts.append((match.start(), match.end(), COORDINATED))
    for match in _AND_VERB.finditer(text):
        if verbs.within(0, match.start()) and starts_with_claim_verb(text, match.end()):
            cuts.append((match.start(), match.end(), COORDINATED))
    for match in _RELATIVE.finditer(text):
        if verbs.within(0, match.start()):
            cuts.append((match.start(), match.end(), RELATIVE))
    cuts.sort()
    clauses, begin, role = [], 0, MAIN
    for end, next_begin, next_role in cuts:
        if end <= begin:
            continue
        clauses.append((begin, end, role))
        begin, role = next_begin, next_role
    clauses.append((begin, len(text), role))
    found = []
    for begin, end, role in clauses:
        span = _trimmed(document, part.start + begin, part.start + end)
        if span is not None:
            found.append(Clause(span.start, span.end, role, sentence, attribution, quoted))
    return found


def _said_leads(text: str, match: re.Match) -> bool:
    """Whether 'X said' opens the sentence: what follows has a verb, and an aside in the speaker
    claims nothing itself ('Rebels, who entered Homs, said ...' keeps its claim)."""
    aside = match.group("aside")
    return _has_verb(text[match.end() :]) and not (aside and claim_cue_spans(aside))


def _has_verb(text: str) -> bool:
    return _Verbs(text).within(0, len(text))


class _Verbs:
    """Where the finite and claim verbs of a text are, to ask of any stretch of it whether it
    holds one without searching it again (so a long sentence with many commas stays linear)."""

    def __init__(self, text: str) -> None:
        spans = sorted([(m.start(), m.end()) for m in _FINITE.finditer(text)] + claim_cue_spans(text))
        self._starts = [start for start, _ in spans]
        self._first_end_from = list(itertools.accumulate([end for _, end in spans][::-1], min))[::-1]

    def within(self, start: int, end: int) -> bool:
        index = bisect.bisect_left(self._starts, start)
        return index < len(self._starts) and self._first_end_from[index] <= end


def _trimmed(document: str, start: int, end: int) -> Span | None:
    """[start, end) without surrounding spaces, punctuation, quotation marks and dashes; None
    when nothing is left."""
    while start < end and document[start] in _EDGE:
        start += 1
    while end > start and document[end - 1] in _EDGE:
        end -= 1
    # A quotation opened inside the span keeps its closing mark: 'he "decided to step down"'.
    inner = document[start:end]
    for opening, closing in (('"', '"'), ("“", "”"), ("«", "»")):
        opened = inner.count(opening) if opening == closing else inner.count(opening) - inner.count(closing)
        if (opened % 2 if opening == closing else opened > 0) and document[end : end + 1] == closing:
            end += 1
            inner = document[start:end]
    return Span(start, end) if start < end else None


def _sentence_at(sentences: Sequence[Sentence], starts: list[int], position: int) -> Sentence | None:
    index = bisect.bisect_right(starts, position) - 1
    return sentences[index] if index >= 0 and position < sentences[index].end else None


def _overlaps(span: Span, sentence: Sentence) -> bool:
    return span.start < sentence.end and sentence.start < span.end
