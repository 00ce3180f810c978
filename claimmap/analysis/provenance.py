"""Who a claim comes from, which claims back it up independently, and which claims clash.

`origin_of` is the one definition of a claim's origin. `provenance` works out, once, every pair of
claims that support or contradict each other over all time; `Provenance.among` keeps those among
the claims of a view and, given a day, those whose two claims both hold that day. That is exact:
two claims that both hold on a day overlap, so every pair of the day is among the all-time pairs.
Map markers, the caption's count, the panel, exports and the command line all read the same
`Provenance`, so they agree on what is contested and corroborated.

Pairwise work is a self-merge of the claims on place_id (claims about different places never
support or contradict each other, not even a city and its governorate), so its cost grows with
the number of claims per place, not with the square of the whole table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from claimmap.analysis.asof import Day, holds_on
from claimmap.tables.columns import member_of
from claimmap.tables.rowchecks import split_list_cells
from claimmap.tables.schema import ANONYMOUS, NARRATOR, UNATTRIBUTED

UNKNOWN = "unknown"
CURATED = "curated"  # the reason given for a link written in `contradicts`
NO_ORIGIN = ""  # the origin of an unattributed claim
# How a supporting claim stands to the claim it supports.
INDEPENDENT, SAME_ORIGIN, WITHOUT_ORIGIN = "independent", "same origin", "no origin"

_PAIR_KEYS = ["claim_a", "claim_b"]
_CONTRADICTION_COLUMNS = ["claim_a", "claim_b", "place_id", "reason"]
_LINK_COLUMNS = ["claim_id", "supporter", "origin", "relation"]
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
    return _ChainLookup(speakers, sources).chain(claim)


class _ChainLookup:
    """Speakers' names and kinds and sources' outlets by id, looked up once for many chains."""

    def __init__(self, speakers: pd.DataFrame, sources: pd.DataFrame):
        by_id = speakers.drop_duplicates("speaker_id")
        self.names = dict(zip(by_id["speaker_id"], by_id["name"]))
        self.kinds = dict(zip(by_id["speaker_id"], by_id["kind"]))
        outlets = sources.drop_duplicates("source_id")
        self.outlets = dict(zip(outlets["source_id"], outlets["outlet"]))

    def chain(self, claim: Mapping) -> list[ChainLink]:
        source_id = claim["source_id"]
        outlet = self.outlets.get(source_id, UNKNOWN)
        publisher_name = "unknown outlet" if outlet in ("", UNKNOWN) else outlet
        if claim["claimant"] == NARRATOR:
            return [ChainLink(source_id, publisher_name, "publication", "claimant and publisher")]
        relays = [speaker for speaker in claim["via"].split(">") if speaker]
        voices = [(claim["claimant"], "claimant"), *((relay, "relay") for relay in relays)]
        links = [
            ChainLink(speaker, self.names.get(speaker, speaker), self.kinds.get(speaker, ""), role)
            for speaker, role in voices
        ]
        return [*links, ChainLink(source_id, publisher_name, "publication", "publisher")]


def format_chain(links: list[ChainLink]) -> str:
    """'anonymous Kremlin source → TASS → unknown outlet (src000)': names in order, the document's id last."""
    return " → ".join(f"{link.name} ({link.id})" if "publisher" in link.role else link.name for link in links)


def format_voice(links: list[ChainLink]) -> str:
    """Who speaks, without the document that prints it: 'anonymous Kremlin source → TASS'; the
    narrator is its document, 'Levant Wire (src101)'."""
    return format_chain(links if len(links) == 1 else links[:-1])


def chain_texts(claims: pd.DataFrame, speakers: pd.DataFrame, sources: pd.DataFrame) -> pd.DataFrame:
    """`format_chain` and `format_voice` of each claim (columns chain, voice, aligned with `claims`),
    worked out once per distinct (source, claimant, via)."""
    keys = ["source_id", "claimant", "via"]
    distinct = claims[keys].drop_duplicates()
    lookup = _ChainLookup(speakers, sources)
    links = [lookup.chain(dict(zip(keys, voice))) for voice in distinct.itertuples(index=False)]
    distinct = distinct.assign(chain=[format_chain(c) for c in links], voice=[format_voice(c) for c in links])
    texts = claims[keys].merge(distinct, on=keys, how="left")[["chain", "voice"]]
    return texts.set_axis(claims.index).astype("str")


def origin_of(claims: pd.DataFrame, speakers: pd.DataFrame) -> pd.Series:
    """Each claim's origin: the first link of its chain that can be known (aligned with `claims`).

    - the narrator: the source document itself (its source_id);
    - a named claimant: the claimant, whoever relays it (one claimant through two agencies is one
      origin);
    - an anonymous claimant: the first relay that is neither anonymous nor unattributed (two
      anonymous sources heard only through TASS are one origin, TASS), else the document that
      heard it;
    - an unattributed claimant (kind `unattributed`: rumours, unconfirmed reports): NO_ORIGIN.
      Such a claim adds no origin to any other and is backed by origins only.
    A claimant missing from `speakers` counts as named (validation reports it).
    """
    kind_of = speakers.drop_duplicates("speaker_id").set_index("speaker_id")["kind"]
    positions = np.arange(len(claims))
    hops = pd.Series(claims["via"].to_numpy(dtype=object), index=positions).str.split(">", regex=False).explode()
    knowable = hops[(hops.fillna("") != "") & ~hops.map(kind_of).isin([ANONYMOUS, UNATTRIBUTED])]
    first_known_relay = knowable.groupby(level=0).first().reindex(positions)
    source = claims["source_id"].to_numpy(dtype=object)
    claimant = claims["claimant"].to_numpy(dtype=object)
    kind = claims["claimant"].map(kind_of).fillna("").to_numpy(dtype=object)
    origin = np.select(
        [claimant == NARRATOR, kind == UNATTRIBUTED, kind == ANONYMOUS],
        [source, np.full(len(claims), NO_ORIGIN, dtype=object), first_known_relay.fillna(pd.Series(source)).to_numpy()],
        claimant,
    )
    return pd.Series(origin, index=claims.index, dtype="str")


def origin_names(origins: pd.Series, speakers: pd.DataFrame, sources: pd.DataFrame) -> pd.Series:
    """Readable names for origin ids (aligned with `origins`): the speaker's name, or for a
    document its publisher and id, 'Levant Wire (src101)'; 'no known origin' for NO_ORIGIN."""
    speaker_names = speakers.drop_duplicates("speaker_id").set_index("speaker_id")["name"]
    outlets = sources.drop_duplicates("source_id").set_index("source_id")["outlet"]
    documents = outlets.where(~outlets.isin(["", UNKNOWN]), "unknown outlet") + " (" + outlets.index.to_series() + ")"
    names = origins.map(speaker_names).fillna(origins.map(documents)).fillna(origins)
    return names.where(origins != NO_ORIGIN, "no known origin").astype("str")


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
    # By position: a view may repeat index labels (claims concatenated from several frames).
    other = split_list_cells(claims["contradicts"].reset_index(drop=True), "|")
    ids = claims["claim_id"].to_numpy()[other.index.to_numpy()]
    links = pd.DataFrame({"claim_id": ids, "other": other.to_numpy()}, dtype="str")
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
    by ', ' ('curated, facility_operating vs facility_isolated'). Rules need the two claims'
    validity to overlap; a curated link holds whatever the dates (on a day, `Provenance.among`
    keeps only pairs whose two claims both hold).
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


def support_links(claims: pd.DataFrame, origins: pd.Series, pairs: pd.DataFrame) -> pd.DataFrame:
    """Every claim with each claim that backs it up: claim_id, supporter, origin (the supporter's),
    relation (INDEPENDENT, SAME_ORIGIN as the claim's own, or WITHOUT_ORIGIN), in id order.

    A supporter is another claim about the same place, of the same claim_type and actor_id, with
    overlapping validity, that is not in `pairs` (contradictions) with it.
    """
    with_origin = claims.assign(origin=origins)
    links = _overlapping_pairs(with_origin, ["place_id", "claim_type", "actor_id"], ["origin"])
    clash_keys = pd.concat([pairs[_PAIR_KEYS], pairs[_PAIR_KEYS[::-1]].set_axis(_PAIR_KEYS, axis=1)])
    links = links.merge(clash_keys, on=_PAIR_KEYS, how="left", indicator=True)
    links = _sort_pairs(links[links["_merge"] == "left_only"])
    relation = np.select(
        [links["origin_b"] == NO_ORIGIN, links["origin_b"] == links["origin_a"]],
        [WITHOUT_ORIGIN, SAME_ORIGIN],
        INDEPENDENT,
    )
    return pd.DataFrame(
        {
            "claim_id": links["claim_a"],
            "supporter": links["claim_b"],
            "origin": links["origin_b"],
            "relation": pd.Series(relation, index=links.index, dtype="str"),
        }
    ).astype("str")


@dataclass(frozen=True)
class Provenance:
    """Origins, support and contradictions among a set of claims: all of a dataset's, or (through
    `among`) those of a view, optionally on one day."""

    claims: pd.DataFrame  # claim_id, place_id, origin of every claim covered, in the input's order
    pairs: pd.DataFrame  # `contradictions` whose two claims are both covered
    links: pd.DataFrame  # `support_links` whose two claims are both covered

    def among(self, claims: pd.DataFrame, day: Day | None = None) -> Provenance:
        """Only what lies among `claims` (a subset of the covered ones, e.g. a filtered view) and,
        with a day, among those of them that hold on it."""
        named = pd.concat(
            [self.claims["claim_id"], self.pairs["claim_a"], self.pairs["claim_b"]]
            + [self.links["claim_id"], self.links["supporter"]]
        )
        if len(named) < len(claims) // 4:
            # Only the claims named here can count: for a place's panel (of_claims) those few are
            # picked first, not the ids of every claim holding on the day hashed (2 s at a million).
            claims = claims[member_of(claims["claim_id"], named)]
        kept = claims["claim_id"] if day is None else claims.loc[holds_on(claims, day), "claim_id"]

        def both_kept(frame: pd.DataFrame, first: str, second: str) -> pd.DataFrame:
            return frame[member_of(frame[first], kept) & member_of(frame[second], kept)]

        return Provenance(
            self.claims[member_of(self.claims["claim_id"], kept)],
            both_kept(self.pairs, "claim_a", "claim_b"),
            both_kept(self.links, "claim_id", "supporter"),
        )

    def of_claims(self, claim_ids: pd.Series) -> Provenance:
        """Only what concerns `claim_ids` (covered ones): their rows, their support and the
        contradictions they take part in, whatever the other side. Cheap to summarise for a panel."""
        ids = claim_ids
        pairs = self.pairs[member_of(self.pairs["claim_a"], ids) | member_of(self.pairs["claim_b"], ids)]
        return Provenance(
            self.claims[member_of(self.claims["claim_id"], ids)],
            pairs,
            self.links[member_of(self.links["claim_id"], ids)],
        )

    def sides(self) -> pd.DataFrame:
        """Each contradiction from both of its claims: claim_id (a covered claim), other,
        place_id (the place of claim_id, so a curated link between two places shows at both),
        reason; in id order."""
        forward = self.pairs.set_axis(["claim_id", "other", "place_id", "reason"], axis=1)
        backward = self.pairs[["claim_b", "claim_a", "place_id", "reason"]].set_axis(forward.columns, axis=1)
        both = pd.concat([forward, backward], ignore_index=True)
        both = both[member_of(both["claim_id"], self.claims["claim_id"])]
        both["place_id"] = both["claim_id"].map(self.claims.set_index("claim_id")["place_id"]).astype("str")
        return both.sort_values(["claim_id", "other"], key=_id_sort_key, ignore_index=True)

    def contested_places(self) -> frozenset[str]:
        """The one definition of contested: a place one of whose claims is contradicted by another
        covered claim (on a day: both hold that day). Marker, caption and panel all use it."""
        contradicted = pd.concat([self.pairs["claim_a"], self.pairs["claim_b"]])
        return frozenset(self.claims.loc[member_of(self.claims["claim_id"], contradicted), "place_id"])

    def corroboration(self) -> pd.DataFrame:
        """One row per covered claim: claim_id, place_id, origin, independent_origins (how many
        distinct origins other than its own back it up), origins (those, '|'-joined, sorted),
        supporting_claim_ids, same_origin_claims (supporters that repeat its own origin) and
        unattributed_claims (supporters without origin, never counted), each '|'-joined in id
        order, and corroborated: two or more known origins stand behind the claim, its own
        included (so a rumour backed by one origin is not corroborated)."""
        links = self.links
        ids = self.claims["claim_id"]
        distinct_origins = self._independent_origins().sort_values(["claim_id", "origin"])
        count = self._origin_counts(distinct_origins)
        origins = distinct_origins.groupby("claim_id", sort=False)["origin"].agg("|".join)
        everyone = links.groupby("claim_id", sort=False)["supporter"].agg("|".join)
        by_relation = links.groupby(["claim_id", "relation"], sort=False)["supporter"].agg("|".join)
        by_relation = by_relation.unstack("relation").reindex(columns=[SAME_ORIGIN, WITHOUT_ORIGIN])

        def column(joined: pd.Series) -> np.ndarray:
            return joined.astype(object).reindex(ids).fillna("").astype("str").to_numpy()

        result = pd.DataFrame(
            {
                "claim_id": ids.to_numpy(),
                "place_id": self.claims["place_id"].to_numpy(),
                "origin": self.claims["origin"].to_numpy(),
                "independent_origins": count,
                "origins": column(origins),
                "supporting_claim_ids": column(everyone),
                "same_origin_claims": column(by_relation[SAME_ORIGIN]),
                "unattributed_claims": column(by_relation[WITHOUT_ORIGIN]),
            }
        )
        result["corroborated"] = self._corroborated(count)
        return result

    def corroborated_claims(self) -> frozenset[str]:
        """Ids of the covered claims that `corroboration` marks corroborated, without its text columns."""
        corroborated = self._corroborated(self._origin_counts(self._independent_origins()))
        return frozenset(self.claims.loc[corroborated, "claim_id"])

    def _independent_origins(self) -> pd.DataFrame:
        """claim_id and origin, once per distinct independent origin backing the claim."""
        independent = self.links[self.links["relation"] == INDEPENDENT]
        return independent[["claim_id", "origin"]].drop_duplicates()

    def _origin_counts(self, origins: pd.DataFrame) -> np.ndarray:
        counts = origins["claim_id"].value_counts()
        return counts.reindex(self.claims["claim_id"], fill_value=0).astype(int).to_numpy()

    def _corroborated(self, independent_origins: np.ndarray) -> np.ndarray:
        # Two or more known origins behind the claim, its own included.
        return independent_origins + (self.claims["origin"] != NO_ORIGIN).to_numpy() >= 2


def provenance(claims: pd.DataFrame, speakers: pd.DataFrame) -> Provenance:
    """Origins, contradictions and support among `claims` over all time (each pair's validity overlaps)."""
    origins = origin_of(claims, speakers)
    pairs = contradictions(claims)
    covered = pd.DataFrame(
        {"claim_id": claims["claim_id"], "place_id": claims["place_id"], "origin": origins}
    ).reset_index(drop=True)
    return Provenance(covered, pairs, support_links(claims, origins, pairs))


def contradiction_lines(claims: pd.DataFrame, pairs: pd.DataFrame) -> pd.Series:
    """One readable line per contradicting pair of `pairs` (claims from `claims`), in their order:
    'khmeimim: c010 "statement" [claimant via relays] <> c026 "statement" [claimant] (reason)'."""
    relays = (" via " + claims["via"].str.replace(">", " > ", regex=False)).where(claims["via"] != "", "")
    voice = claims["claimant"] + relays
    described = (claims["claim_id"] + ' "' + claims["statement"] + '" [' + voice + "]").set_axis(claims["claim_id"])
    described = described[~described.index.duplicated()]
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
