"""Who a claim comes from, which claims back it up independently, and which claims clash.

Pairwise work is a self-merge of the claims on place_id (claims about different places never
support or contradict each other, not even a city and its governorate), so its cost grows with
the number of claims per place, not with the square of the whole table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

NARRATOR = "narrator"  # the speaker id for a source's own voice
UNKNOWN = "unknown"
CURATED = "curated"  # the reason given for a link written in `contradicts`

_PAIR_KEYS = ["claim_a", "claim_b"]
_CONTRADICTION_COLUMNS = ["claim_a", "claim_b", "place_id", "reason"]
_ID_SORT_WIDTH = 24  # longer than any claim id will be


@dataclass(frozen=True)
class Rule:
    """Two claim types that cannot both hold at one place at overlapping times."""

    name: str
    type_a: str
    type_b: str
    # 'different': both actors named and different; 'same': the same named actor on both;
    # 'compatible': the same actor, or either left blank (the facility is the subject).
    actors: str


CONTRADICTION_RULES = (
    Rule("control by different actors", "control", "control", "different"),
    Rule("facility_operating vs facility_isolated", "facility_operating", "facility_isolated", "compatible"),
    Rule("facility_operating vs withdrawal", "facility_operating", "withdrawal", "compatible"),
    Rule("facility_operating vs evacuation", "facility_operating", "evacuation", "compatible"),
    Rule("non_entry vs entered", "non_entry", "entered", "same"),
)
REASON_ORDER = (CURATED, *(rule.name for rule in CONTRADICTION_RULES))


@dataclass(frozen=True)
class ChainLink:
    """One voice on the way from a claim's origin to the reader."""

    id: str  # speaker_id, or source_id for the publisher
    name: str
    kind: str  # the speaker's kind; 'publication' for the source document
    role: str  # 'claimant', 'relay', 'publisher', or 'claimant and publisher'


def attribution_chain(claim: Mapping, speakers: pd.DataFrame, sources: pd.DataFrame) -> list[ChainLink]:
    """The claimant, each relay in `via` order, then the source document that printed it.

    A claim by the narrator is the source speaking for itself: the chain is the publisher alone.
    Ids missing from the tables are shown as themselves (validation reports them).
    """
    source_id = claim["source_id"]
    outlet = sources.set_index("source_id")["outlet"].get(source_id, UNKNOWN)
    publisher_name = "unknown outlet" if outlet in ("", UNKNOWN) else outlet
    if claim["claimant"] == NARRATOR:
        return [ChainLink(source_id, publisher_name, "publication", "claimant and publisher")]
    by_id = speakers.set_index("speaker_id")
    relays = [speaker for speaker in claim["via"].split(">") if speaker]
    voices = [(claim["claimant"], "claimant"), *((relay, "relay") for relay in relays)]
    links = [
        ChainLink(speaker, by_id["name"].get(speaker, speaker), by_id["kind"].get(speaker, ""), role)
        for speaker, role in voices
    ]
    return [*links, ChainLink(source_id, publisher_name, "publication", "publisher")]


def format_chain(links: list[ChainLink]) -> str:
    """'anonymous Kremlin source → TASS → unknown outlet (src000)': names in order, the document's id last."""
    return " → ".join(f"{link.name} ({link.id})" if "publisher" in link.role else link.name for link in links)


def origin_of(claims: pd.DataFrame) -> pd.Series:
    """Each claim's independent origin: its claimant, or its source document for the narrator.

    Relays do not make a claim independent: one claimant heard through two agencies is one origin.
    """
    return claims["claimant"].where(claims["claimant"] != NARRATOR, claims["source_id"])


def _id_sort_key(ids: pd.Series) -> pd.Series:
    """Claim ids ('c' + digits) zero-padded on the left so that as strings they sort in numeric
    order ('000c999' < '00c1000', since '0' < 'c')."""
    return ids.str.zfill(_ID_SORT_WIDTH)


def _ordered(first: pd.Series, second: pd.Series) -> pd.Series:
    """Elementwise: claim id `first` comes before `second`."""
    return _id_sort_key(first) < _id_sort_key(second)


def _sort_pairs(pairs: pd.DataFrame) -> pd.DataFrame:
    """Pairs in id order of claim_a, then claim_b, on a fresh index."""
    return pairs.sort_values(_PAIR_KEYS, key=_id_sort_key).reset_index(drop=True)


def _overlapping(pairs: pd.DataFrame) -> pd.Series:
    """Inclusive [valid_from, valid_to] of _a and _b overlap; a blank valid_to is open-ended."""
    a_starts_in_time = pairs["valid_to_b"].isna() | (pairs["valid_from_a"] <= pairs["valid_to_b"])
    b_starts_in_time = pairs["valid_to_a"].isna() | (pairs["valid_from_b"] <= pairs["valid_to_a"])
    return a_starts_in_time & b_starts_in_time


def _overlapping_pairs(claims: pd.DataFrame, keys: list[str], columns: list[str]) -> pd.DataFrame:
    """Both orders of every pair of distinct claims that share `keys` (place_id among them) and
    overlap in validity; columns claim_a, claim_b, and the others suffixed _a and _b."""
    side = claims[["claim_id", "valid_from", "valid_to", *keys, *columns]]
    pairs = side.merge(side, on=keys, suffixes=("_a", "_b"))
    pairs = pairs[pairs["claim_id_a"] != pairs["claim_id_b"]]
    return pairs[_overlapping(pairs)].rename(columns={"claim_id_a": "claim_a", "claim_id_b": "claim_b"})


def _rule_matches(pairs: pd.DataFrame, rule: Rule) -> pd.Series:
    types_a, types_b = pairs["claim_type_a"], pairs["claim_type_b"]
    typed = ((types_a == rule.type_a) & (types_b == rule.type_b)) | (
        (types_a == rule.type_b) & (types_b == rule.type_a)
    )
    actor_a, actor_b = pairs["actor_id_a"], pairs["actor_id_b"]
    both_named = (actor_a != "") & (actor_b != "")
    actors = {
        "different": both_named & (actor_a != actor_b),
        "same": both_named & (actor_a == actor_b),
        "compatible": ~both_named | (actor_a == actor_b),
    }[rule.actors]
    return typed & actors


def _curated_pairs(claims: pd.DataFrame) -> pd.DataFrame:
    """Pairs linked in `contradicts` on either claim, whatever their dates; place of claim_a."""
    links = claims[["claim_id", "contradicts"]].assign(other=claims["contradicts"].str.split("|"))
    links = links.explode("other")
    links = links[links["other"].isin(claims["claim_id"]) & (links["other"] != links["claim_id"])]
    first_is_a = _ordered(links["claim_id"], links["other"])
    pairs = pd.DataFrame(
        {
            "claim_a": links["claim_id"].where(first_is_a, links["other"]),
            "claim_b": links["other"].where(first_is_a, links["claim_id"]),
        }
    )
    pairs = pairs.drop_duplicates()
    place = claims.drop_duplicates("claim_id").set_index("claim_id")["place_id"]
    return pairs.assign(place_id=pairs["claim_a"].map(place).astype("str"), reason=CURATED)


def contradictions(claims: pd.DataFrame) -> pd.DataFrame:
    """Pairs of claims that cannot both be true: claim_a, claim_b (claim_a < claim_b), place_id, reason.

    A pair is listed once; its reason names the curated link and/or every rule it breaks, joined
    by ', ' ('curated, facility_operating vs facility_isolated').
    """
    ruled_types = {t for rule in CONTRADICTION_RULES for t in (rule.type_a, rule.type_b)}
    pairs = _overlapping_pairs(claims[claims["claim_type"].isin(ruled_types)], ["place_id"], ["claim_type", "actor_id"])
    pairs = pairs[_ordered(pairs["claim_a"], pairs["claim_b"])]
    broken = [
        pairs.loc[_rule_matches(pairs, rule), ["claim_a", "claim_b", "place_id"]].assign(reason=rule.name)
        for rule in CONTRADICTION_RULES
    ]
    found = pd.concat([_curated_pairs(claims), *broken], ignore_index=True)
    found["rank"] = found["reason"].map({reason: rank for rank, reason in enumerate(REASON_ORDER)})
    merged = (
        found.sort_values("rank", kind="stable")
        .groupby(_PAIR_KEYS, sort=False, as_index=False)
        .agg(place_id=("place_id", "first"), reason=("reason", ", ".join))
    )
    return _sort_pairs(merged[_CONTRADICTION_COLUMNS].astype("str"))


def corroboration(claims: pd.DataFrame) -> pd.DataFrame:
    """For every claim: the claims that back it up and how many independent origins they add.

    A supporter is another claim about the same place, of the same claim_type and actor_id, with
    overlapping validity, that does not contradict it. independent_origins counts the supporters'
    distinct origins (see `origin_of`) other than the claim's own; corroborated is that count >= 1.
    Columns: claim_id, supporting_claim_ids ('|'-separated, in id order), independent_origins,
    corroborated.
    """
    with_origin = claims.assign(origin=origin_of(claims))
    pairs = _overlapping_pairs(with_origin, ["place_id", "claim_type", "actor_id"], ["origin"])
    clashing = contradictions(claims)
    clash_keys = pd.concat([clashing[_PAIR_KEYS], clashing[_PAIR_KEYS[::-1]].set_axis(_PAIR_KEYS, axis=1)])
    pairs = pairs.merge(clash_keys, on=_PAIR_KEYS, how="left", indicator=True)
    pairs = pairs[pairs["_merge"] == "left_only"]
    pairs = _sort_pairs(pairs)
    supporters = pairs.groupby("claim_a", sort=False)["claim_b"].agg("|".join)
    independent = pairs[pairs["origin_b"] != pairs["origin_a"]].groupby("claim_a")["origin_b"].nunique()
    ids = claims["claim_id"]
    result = pd.DataFrame(
        {
            "claim_id": ids.to_numpy(),
            "supporting_claim_ids": supporters.reindex(ids, fill_value="").astype("str").to_numpy(),
            "independent_origins": independent.reindex(ids, fill_value=0).astype(int).to_numpy(),
        }
    )
    result["corroborated"] = result["independent_origins"] >= 1
    return result


def contradiction_lines(claims: pd.DataFrame) -> pd.Series:
    """One readable line per contradicting pair, in `contradictions` order:
    'khmeimim: c010 "statement" [claimant via relays] <> c026 "statement" [claimant] (reason)'."""
    relays = (" via " + claims["via"].str.replace(">", " > ", regex=False)).where(claims["via"] != "", "")
    voice = claims["claimant"] + relays
    described = (claims["claim_id"] + ' "' + claims["statement"] + '" [' + voice + "]").set_axis(claims["claim_id"])
    described = described[~described.index.duplicated()]
    pairs = contradictions(claims)
    return (
        pairs["place_id"]
        + ": "
        + pairs["claim_a"].map(described)
        + " <> "
        + pairs["claim_b"].map(described)
        + " ("
        + pairs["reason"]
        + ")"
    )
