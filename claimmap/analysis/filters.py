"""Narrowing the claims to what an analyst wants to see: a registry with one entry per filter.

A `Facet` is everything one filter needs: its key (the URL parameter and the widget's key), its
label, the claims column it reads, how its choices are listed and which table names its values.
`FACETS` lists them in the order the page shows them; `ClaimFilter` holds the values picked per
facet and applies them. Adding a filter is adding one entry to FACETS: the choices, the sidebar
widget, the URL and the filtering all follow from it.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from claimmap.sources.hedging import EFFECTIVE_HEDGE, HEDGE_LEVELS
from claimmap.tables.rowchecks import split_list_cells


@dataclass(frozen=True)
class Facet:
    key: str
    label: str
    column: str  # the column of the claims frame it reads
    # The column holds lists joined by this separator ('a>b'): a claim passes when any item is allowed.
    separator: str | None = None
    # The choices in this order (e.g. firm to doubtful); by default sorted.
    order: tuple[str, ...] | None = None
    # The table (actors, speakers, places) whose `name` labels the values, which are its ids.
    named_by: str | None = None

    def values(self, claims: pd.DataFrame) -> pd.Series:
        """The facet's value for each claim (each item, for a list column), indexed like `claims`."""
        column = claims[self.column]
        return split_list_cells(column, self.separator) if self.separator else column

    def choices(self, claims: pd.DataFrame) -> list[str]:
        """Every non-blank value among `claims`, once each."""
        present = set(self.values(claims).dropna().unique().tolist()) - {""}
        return [v for v in self.order if v in present] if self.order is not None else sorted(present)

    def mask(self, claims: pd.DataFrame, allowed: Collection[str]) -> pd.Series:
        """Boolean mask of the claims with an allowed value (vectorised)."""
        matches = self.values(claims).isin(allowed)
        if self.separator is None:
            return matches
        return matches.groupby(level=0).any().reindex(claims.index, fill_value=False)


FACETS: tuple[Facet, ...] = (
    Facet("actor", "Actor", "actor_id", named_by="actors"),
    Facet("claimant", "Claimant", "claimant", named_by="speakers"),
    Facet("relay", "Relayed by", "via", separator=">", named_by="speakers"),
    Facet("claim_type", "Claim type", "claim_type"),
    Facet("hedge", "Hedge (curated, or stronger in the quote's words)", EFFECTIVE_HEDGE, order=HEDGE_LEVELS),
    Facet("reliability", "Source reliability", "reliability"),
    Facet("source", "Source", "source_id"),
)


@dataclass(frozen=True)
class ClaimFilter:
    """The values allowed per facet key; a facet not given, or given no values, does not restrict."""

    allowed: Mapping[str, Sequence[str]] = field(default_factory=dict)
    facets: Sequence[Facet] = FACETS

    def __post_init__(self) -> None:
        unknown = set(self.allowed) - {f.key for f in self.facets}
        if unknown:
            raise ValueError(f"no facet {', '.join(sorted(unknown))}; the facets are {[f.key for f in self.facets]}")
        # Normalised, so that equal choices compare equal whether an unused facet is given or not.
        object.__setattr__(self, "allowed", {k: tuple(v) for k, v in self.allowed.items() if v})

    def cache_key(self) -> str:
        """The filter in a few bytes, equal for equal filters: its facets' keys and its choices."""
        return json.dumps([[f.key for f in self.facets], sorted(self.allowed.items())])

    def mask(self, claims: pd.DataFrame) -> pd.Series:
        """Boolean mask of the claims that pass every facet."""
        keep = pd.Series(True, index=claims.index)
        for facet in self.facets:
            if facet.key in self.allowed:
                keep &= facet.mask(claims, self.allowed[facet.key])
        return keep

    def apply(self, claims: pd.DataFrame) -> pd.DataFrame:
        """The claims that pass; `claims` itself when no facet restricts (no copy of a million rows
        on every rerun)."""
        return claims[self.mask(claims)] if self.allowed else claims

    def to_query(self) -> dict[str, str]:
        """URL parameters for the facets in use, values joined by commas."""
        return {f.key: ",".join(self.allowed[f.key]) for f in self.facets if f.key in self.allowed}

    @classmethod
    def from_query(
        cls, params: Mapping[str, str], choices: Mapping[str, Iterable[str]], facets: Sequence[Facet] = FACETS
    ) -> ClaimFilter:
        """Read facets from URL parameters, keeping only values that exist in `choices`
        (so a stale or hostile link cannot inject values)."""
        picked = {}
        for facet in facets:
            wanted = (params.get(facet.key) or "").split(",")
            picked[facet.key] = tuple(v for v in choices.get(facet.key, []) if v in wanted)
        return cls(picked, facets)


def filter_choices(claims: pd.DataFrame, facets: Sequence[Facet] = FACETS) -> dict[str, list[str]]:
    """Every value each facet can take among `claims` (dataset.claims), in a stable order."""
    return {facet.key: facet.choices(claims) for facet in facets}
