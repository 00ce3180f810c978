"""Narrowing the claims to what an analyst wants to see, and keeping that choice in the URL."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

import pandas as pd

from claimmap.sources.hedging import HEDGE_LEVELS


@dataclass(frozen=True)
class ClaimFilter:
    """Allowed values per facet; an empty tuple means no restriction on that facet."""

    actor: tuple[str, ...] = ()
    claimant: tuple[str, ...] = ()
    relay: tuple[str, ...] = ()  # a claim passes when any of its `via` links is allowed
    claim_type: tuple[str, ...] = ()
    hedge: tuple[str, ...] = ()  # matched against `doubt`, the curated or detected hedge
    reliability: tuple[str, ...] = ()
    source: tuple[str, ...] = ()

    @classmethod
    def facets(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    def mask(self, claims: pd.DataFrame) -> pd.Series:
        """Boolean mask of the claims that pass every facet (vectorised)."""
        keep = pd.Series(True, index=claims.index)
        plain = {
            "actor": "actor_id",
            "claimant": "claimant",
            "claim_type": "claim_type",
            "hedge": "doubt",
            "reliability": "reliability",
            "source": "source_id",
        }
        for facet, column in plain.items():
            allowed = getattr(self, facet)
            if allowed:
                keep &= claims[column].isin(allowed)
        if self.relay:
            links = claims["via"].str.split(">").explode()
            keep &= links.isin(self.relay).groupby(level=0).any().reindex(claims.index, fill_value=False)
        return keep

    def apply(self, claims: pd.DataFrame) -> pd.DataFrame:
        return claims[self.mask(claims)]

    def to_query(self) -> dict[str, str]:
        """URL parameters for the facets in use, values joined by commas."""
        return {facet: ",".join(values) for facet in self.facets() if (values := getattr(self, facet))}

    @classmethod
    def from_query(cls, params: Mapping[str, str], choices: Mapping[str, list[str]]) -> ClaimFilter:
        """Read facets from URL parameters, keeping only values that exist in `choices`
        (so a stale or hostile link cannot inject values)."""
        picked = {}
        for facet in cls.facets():
            wanted = (params.get(facet) or "").split(",")
            picked[facet] = tuple(v for v in choices.get(facet, []) if v in wanted)
        return cls(**picked)


def filter_choices(claims: pd.DataFrame) -> dict[str, list[str]]:
    """Every value each facet can take among `claims` (with `doubt`), in a stable order."""
    relays = claims["via"].str.split(">").explode()
    return {
        "actor": sorted(set(claims["actor_id"]) - {""}),
        "claimant": sorted(set(claims["claimant"])),
        "relay": sorted(set(relays) - {""}),
        "claim_type": sorted(set(claims["claim_type"])),
        "hedge": [h for h in HEDGE_LEVELS if h in set(claims["doubt"])],
        "reliability": sorted(set(claims["reliability"])),
        "source": sorted(set(claims["source_id"])),
    }
