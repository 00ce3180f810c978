"""Everything the dashboard reads, loaded, validated and derived once per version of the data."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from claimmap.analysis.daystate import DayStates, day_states
from claimmap.analysis.filters import filter_choices
from claimmap.analysis.provenance import Provenance, chain_texts, origin_names, provenance
from claimmap.analysis.texts import SourceTexts
from claimmap.problems import Problem
from claimmap.sources.hedging import EFFECTIVE_HEDGE, effective_hedges
from claimmap.tables.load import Tables

NAMED_TABLES = ("places", "actors", "speakers")
# From this many claims on, every day's map state is worked out once (daystate) rather than on
# each slider move: below it a day takes well under half a second, and the cold start stays short.
DAY_STATES_MIN_CLAIMS = 50_000


@dataclass(frozen=True)
class Dataset:
    tables: Tables
    # The valid claims plus EFFECTIVE_HEDGE (`doubt`): the more doubtful of the curated and the detected hedge.
    claims: pd.DataFrame
    # Valid places that have a position: places.csv columns plus lat, lon, position_source, precision.
    places: pd.DataFrame
    # Origins, support and contradictions over all time; `provenance.among(view, day)` for a day.
    provenance: Provenance
    # Per claim_id: chain (claimant → relays → document) and voice (who speaks) as text.
    chains: pd.DataFrame
    # The readable name of every origin id (provenance.origin_names).
    origin_names: dict[str, str]
    # source_id -> text, each read on first use (texts.SourceTexts).
    source_texts: Mapping[str, str]
    # Ids of located places that some valid claim is about, in places.csv order.
    places_with_claims: list[str]
    # Id → name for each table that names things (Tables.names): NAMED_TABLES.
    names: dict[str, dict[str, str]]
    # Every value each filter facet can take (filters.filter_choices).
    filter_choices: dict[str, list[str]]
    # Every place's map state on every day, for all claims (daystate); None below DAY_STATES_MIN_CLAIMS.
    day_states: DayStates | None

    @property
    def problems(self) -> list[Problem]:
        return self.tables.problems


def load_dataset(data_dir: Path) -> Dataset:
    """Load and validate `data_dir`, locate its places and work out corroboration and contradictions."""
    # Imported here: a restart with unchanged data reads the stored dataset and needs neither.
    from claimmap.tables.validate import load_and_validate
    from geo import locate_places

    tables = load_and_validate(data_dir)
    located = locate_places(tables.places, data_dir=data_dir).positions
    places = tables.places.drop(columns=["lat", "lon"]).merge(
        located.rename(columns={"source": "position_source"}), on="place_id"
    )
    claims = tables.claims.assign(**{EFFECTIVE_HEDGE: effective_hedges(tables.claims)})
    worked_out = provenance(tables.claims, tables.speakers)
    chains = chain_texts(tables.claims, tables.speakers, tables.sources).set_axis(tables.claims["claim_id"])
    return dataset_from(
        tables,
        claims=claims,
        places=places,
        provenance=worked_out,
        chains=chains,
        places_with_claims=places.loc[places["place_id"].isin(claims["place_id"]), "place_id"].tolist(),
        filter_choices=filter_choices(claims),
        day_states=(
            day_states(claims, places, worked_out, chains["voice"]) if len(claims) >= DAY_STATES_MIN_CLAIMS else None
        ),
    )


def dataset_from(
    tables: Tables,
    *,
    claims: pd.DataFrame,
    places: pd.DataFrame,
    provenance: Provenance,
    chains: pd.DataFrame,
    places_with_claims: list[str],
    filter_choices: dict[str, list[str]],
    day_states: DayStates | None,
) -> Dataset:
    """A Dataset from its computed parts (load_dataset, or a stored copy); the rest follows from them."""
    origins = pd.Series(provenance.claims["origin"].unique(), dtype="str")
    return Dataset(
        tables=tables,
        claims=claims,
        places=places,
        provenance=provenance,
        chains=chains,
        origin_names=dict(zip(origins, origin_names(origins, tables.speakers, tables.sources))),
        # Validation read every source kept in the table; the views read a text again when they need it.
        source_texts=SourceTexts(
            tables.data_dir.parent,
            dict(zip(tables.sources["source_id"].tolist(), tables.sources["path"].tolist())),
            tables.source_sha256,
        ),
        places_with_claims=places_with_claims,
        names={name: tables.names(name) for name in NAMED_TABLES},
        filter_choices=filter_choices,
        day_states=day_states,
    )


class ClaimPlaces(Mapping[str, str]):
    """claim_id -> place_id over a claims frame, each claim looked up when asked for: a page run
    asks for one claim at most (a link's), and a dict of a million claims took 2.5 s to build."""

    def __init__(self, claims: pd.DataFrame) -> None:
        self._ids = claims["claim_id"]
        self._places = claims["place_id"]

    def __getitem__(self, claim_id: str) -> str:
        if not isinstance(claim_id, str) or not claim_id:
            raise KeyError(claim_id)
        rows = np.flatnonzero((self._ids == claim_id).to_numpy(dtype=bool))
        if not len(rows):
            raise KeyError(claim_id)
        return str(self._places.iat[rows[0]])

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids.tolist())

    def __len__(self) -> int:
        return len(self._ids)
