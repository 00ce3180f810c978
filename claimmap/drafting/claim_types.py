"""What a clause claims, from its verbs: a first guess at `claim_type`.

The cues are tried in order, specific before general ('have not entered' before 'entered',
'operating normally' before anything else), and the first that matches decides. Each cue names
the claim types it stands for in order of preference; the first one the data's schema allows is
taken, so a type the schema adds later (say a `negotiation` type beside `contact`) is used as soon
as it exists.
"""

from __future__ import annotations

import re
from collections.abc import Collection

_CRAFT = (
    r"\b(?:war)?ships?\b|\bfrigates?\b|\bcorvettes?\b|\bvessels?\b|\bfleet\b|\bsubmarines?\b"
    r"|\baircraft\b|\bplanes?\b|\bjets?\b|\bhelicopters?\b"
)
# Ships and aircraft 'evacuated' from a base are withdrawn from it; people flown out are evacuated.
CRAFT = re.compile(_CRAFT, re.IGNORECASE)
# Things a side moves: a clause about them leaving is a withdrawal, not a person's departure.
MILITARY_ASSETS = re.compile(
    _CRAFT + r"|\bnavy\b|\btroops\b|\bforces\b|\bcontingent\b|\bequipment\b|\bvehicles\b|\bconvoys?\b"
    r"|\bunits?\b|\bsoldiers\b",
    re.IGNORECASE,
)
_LEAVING = r"\bleft\b|\bleav(?:e|es|ing)\b|\bdepart(?:ed|ing|s|ure)?\b|\bfled\b|\bflee(?:s|ing)?\b"

# (cue, the claim types it stands for, words the clause must also hold or None)
_CUES: tuple[tuple[str, tuple[str, ...], re.Pattern | None], ...] = (
    (
        r"\b(?:not|never|nor)\b(?:\s+\w+){0,6}?\s+(?:enter(?:ed|ing|s)?|encroach(?:ed|ing)?|advanced?\s+into"
        r"|moved?\s+into)\b",
        ("non_entry",),
        None,
    ),
    (
        r"\boperat(?:ing|e|es|ed)\s+(?:as\s+usual|normally|as\s+normal)\b|\bfunction(?:ing|s)?\s+normally\b"
        r"|\bwork(?:ing|s)?\s+(?:normally|as\s+usual)\b|\b(?:remains?|is|are|fully)\s+operational\b"
        r"|\bcontinues?\s+to\s+(?:operate|function|work)\b|\bbusiness\s+as\s+usual\b"
        # 'aircraft were still operating from Hmeimim'; not 'no longer/stopped/ceased operating from'
        r"|\bstill\s+(?:operat\w*|function\w*|in\s+use)\b"
        r"|(?<!no longer )(?<!stopped )(?<!ceased )\boperat(?:ing|es?|ed)\s+(?:from|out\s+of)\b",
        ("facility_operating",),
        None,
    ),
    (
        r"\bisolated\b|\bcut\s+off\b|\bbesieged\b|\bencircled\b|\bblockaded\b|\bsurrounded\b",
        ("facility_isolated",),
        None,
    ),
    (
        r"\bhang(?:s|ing)?\s+by\s+a\s+thread\b|\bunder\s+threat\b|\bthreatened\b|\bin\s+jeopardy\b",
        ("presence_threatened",),
        None,
    ),
    (
        r"\btoppl(?:ed|ing|es?)\b|\boverthr(?:ew|own|ow)\b|\bregime\s+(?:fell|collapsed|has\s+fallen)\b"
        r"|\bfall\s+of\s+(?:the\s+)?(?:regime|government)\b",
        ("government_fall",),
        None,
    ),
    (r"\bstep(?:ped|ping|s)?\s+down\b|\bresign(?:ed|s|ation)?\b", ("resignation",), None),
    (
        r"\bpromis(?:e|ed|es|ing)\b|\bpledg(?:e|ed|es|ing)\b|\bvow(?:ed|s)?\b|\bguarantee[ds]?\b"
        r"|\bassur(?:ed|ances?)\b",
        ("pledge",),
        None,
    ),
    (r"\btalks\b|\bnegotiat\w*", ("negotiation", "contact"), None),
    (r"\bin\s+contact\b|\bcontacts?\s+with\b|\bmet\s+with\b|\bmeetings?\s+with\b", ("contact",), None),
    (r"\bland(?:ed|ing|s)\b|\barriv(?:e|ed|es|ing|als?)\b|\bdeployed\s+to\b|\breinforc\w*", ("arrival",), None),
    (r"\bevacuat\w*", ("withdrawal",), CRAFT),
    (r"\bevacuat\w*|\bflown\s+out\b|\bairlift\w*", ("evacuation",), None),
    (
        r"\bwithdr[ae]w\w*|\bpull(?:ed|ing|s)?\s+(?:\w+\s+){0,3}?(?:out|back)\b|\bretreat\w*|\bsail(?:ed|s|ing)?\b"
        r"|\bbeing\s+loaded\b|\bloading\b|\bredeploy\w*|" + _LEAVING,
        ("withdrawal",),
        MILITARY_ASSETS,
    ),
    (r"\bwithdr[ae]w\w*|\bpull(?:ed|ing|s)?\s+(?:\w+\s+){0,3}?out\b|\bretreat\w*", ("withdrawal",), None),
    # 'a convoy was seen driving towards Tartus': forces on the move, neither leaving nor arriving.
    (
        r"\b(?:driv|head|mov|sail|steam|travel|advanc)(?:e|es|ed|ing|s)?\s+(?:towards?|for|to)\b"
        r"|\ben\s+route\s+to\b|\bbound\s+for\b",
        ("movement", "withdrawal"),
        MILITARY_ASSETS,
    ),
    # 'support vessels', 'Support Point' name things, not an act of support.
    (
        r"\bair\s*strikes?\b|\bsupport(?:ed|ing|s)?\b(?!\s+(?:vessels?|ships?|units?|staff|points?)\b)"
        r"|\bbacked\b|\bbombard\w*",
        ("military_support",),
        None,
    ),
    (r"\benter(?:ed|ing|s)?\b|\bmoved\s+into\b|\bstormed\b|\breached\b", ("entered",), None),
    (
        r"\bcontrol\w*|\bin\s+(?:\w+\s+)?hands\b|\bheld\b|\bhold(?:s|ing)?\b|\bcaptur\w*|\bseiz\w*"
        r"|\b(?:taken|took)\s+(?:over|full\s+control|control)\b|\bfell\s+to\b|\bliberat\w*",
        ("control",),
        None,
    ),
    (r"\boffensive\b|\bassault\b|\battack(?:ed|s)?\b|\badvanc(?:e|ed|ing)\b", ("offensive",), None),
    (_LEAVING, ("departure",), None),
    (r"\b(?:is|are|was|were)\s+(?:now\s+|currently\s+|still\s+)?in\b", ("whereabouts",), None),
)
_CUE_REGEXES = tuple((re.compile(cue, re.IGNORECASE), types, also) for cue, types, also in _CUES)
_ANY_CUE = re.compile("|".join(f"(?:{cue})" for cue, _, _ in _CUES), re.IGNORECASE)


def guess_claim_type(clause: str, allowed: Collection[str]) -> str:
    """The claim type the clause's verbs speak of, among `allowed`; "" when no cue matches."""
    for regex, types, also in _CUE_REGEXES:
        if regex.search(clause) and (also is None or also.search(clause)):
            for claim_type in types:
                if claim_type in allowed:
                    return claim_type
    return ""


def claim_cue_spans(text: str) -> list[tuple[int, int]]:
    """Where claim verbs occur in `text` (whatever the schema allows)."""
    return [(m.start(), m.end()) for m in _ANY_CUE.finditer(text)]


def starts_with_claim_verb(text: str, position: int = 0) -> bool:
    """Whether `text` has a claim verb at `position` ('toppled the regime', 'left Syria')."""
    return bool(_ANY_CUE.match(text, position))
