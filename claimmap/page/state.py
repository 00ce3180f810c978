"""What the page is showing, and the link that shows it again.

`PageState` is the day, the selected place and claim, the view and the filters. A link carries all
of it (`?date=2024-12-09&place=khmeimim&claim=c010&view=map&hedge=rumored`), so a shared URL opens
the same page.
`PageState.from_url` reads a link keeping only what the data allows (a stale or hostile link can
inject nothing); `to_url` writes one.

Between the object and Streamlit sit the widgets, which own their session-state keys: the page
fills those keys from the link on a session's first run (`seed_session`), lets the widgets run,
builds a `PageState` from what they return and writes it back to the URL (`sync_url`). These
functions take plain mappings, so they are tested without Streamlit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from claimmap.analysis.asof import day_within
from claimmap.analysis.filters import FACETS, ClaimFilter, Facet

VIEWS = {"map": "Map and sourcing", "timeline": "Timeline", "reader": "Article reader", "curate": "Curate"}
DEFAULT_VIEW = "map"

# URL parameters besides the filters'.
DATE_PARAM, PLACE_PARAM, CLAIM_PARAM, VIEW_PARAM = "date", "place", "claim", "view"

# Session-state keys. The slider and the view switch own theirs; the selected place is kept apart
# from the place box because it outlives the views in which that box is not drawn.
DAY_KEY = "day"
VIEW_KEY = "view"
PLACE_KEY = "selected_place"
CLAIM_KEY = "selected_claim"  # the claim picked in the panel, the reader, the table or the timeline
PLAYING_KEY = "playing"
NEXT_DAY_KEY = "next_day_wanted"  # set by a playback tick, applied before the slider is drawn
URL_WRITTEN_KEY = "url_written"  # the URL parameters the page last wrote (sync_url)

# st.session_state, or a dict in tests (Streamlit's keys may be ints as well as strings).
Session = MutableMapping[Any, Any]


def filter_key(facet: str) -> str:
    """The session-state key of a facet's multiselect."""
    return f"filter_{facet}"


@dataclass(frozen=True)
class PageState:
    day: dt.date
    place: str | None = None
    view: str = DEFAULT_VIEW
    claim_filter: ClaimFilter = field(default_factory=ClaimFilter)
    claim: str | None = None  # the selected claim; its place is `place`

    @classmethod
    def from_url(
        cls,
        params: Mapping[str, str],
        *,
        span: tuple[dt.date, dt.date],
        places: Collection[str],
        choices: Mapping[str, Iterable[str]],
        claim_places: Mapping[str, str] | None = None,
        facets: Sequence[Facet] = FACETS,
    ) -> PageState:
        """The state a link asks for: a day inside `span` (the last day when missing or bad), a
        place among `places`, a known view, and filter values among `choices`; a claim known to
        `claim_places` (claim id -> its place id) about one of `places`, which then is the place."""
        place, view = params.get(PLACE_PARAM), params.get(VIEW_PARAM)
        claim = params.get(CLAIM_PARAM)
        claim_place = (claim_places or {}).get(claim or "")
        if claim_place in places:
            place = claim_place
        else:
            claim = None
        return cls(
            day=day_within(params.get(DATE_PARAM), *span),
            place=place if place in places else None,
            view=view if view in VIEWS else DEFAULT_VIEW,
            claim_filter=ClaimFilter.from_query(params, choices, facets),
            claim=claim,
        )

    def to_url(self) -> dict[str, str]:
        """The URL parameters of this state; a parameter that would be empty is left out."""
        url = {**self.claim_filter.to_query(), DATE_PARAM: self.day.isoformat(), VIEW_PARAM: self.view}
        if self.place:
            url[PLACE_PARAM] = self.place
        if self.claim:
            url[CLAIM_PARAM] = self.claim
        return url


def url_params(facets: Sequence[Facet] = FACETS) -> list[str]:
    """Every URL parameter the page owns; others in a link are left alone."""
    own = [DATE_PARAM, VIEW_PARAM, PLACE_PARAM, CLAIM_PARAM]
    for facet in facets:
        if facet.key in own:
            raise ValueError(f"facet key {facet.key!r} is a URL parameter of the page; give the facet another key")
    return [*(f.key for f in facets), *own]


def seed_session(session: Session, state: PageState, params: Mapping[str, str] | None = None) -> None:
    """Give each widget key its value from `state`: on a session's first run only the keys that
    have none yet; when the URL's parameters (`params`) are not those the page last wrote, every
    key, because the reader went Back or Forward (or edited the link): the page follows the URL.

    Filters in use get their values; the others the widget's default (everything)."""
    navigated = params is not None and URL_WRITTEN_KEY in session and dict(params) != session[URL_WRITTEN_KEY]
    selection = {DAY_KEY: state.day, PLACE_KEY: state.place, CLAIM_KEY: state.claim, VIEW_KEY: state.view}
    wanted: dict[str, Any] = dict(selection)
    for facet in state.claim_filter.facets:
        wanted[filter_key(facet.key)] = list(state.claim_filter.allowed.get(facet.key, ()))
    for key, value in wanted.items():
        if navigated or (key not in session and (value or key in selection)):
            session[key] = value
    if navigated:
        session[URL_WRITTEN_KEY] = dict(params or {})


def set_selected_place(session: Session, place: str | None) -> None:
    """Make `place` the selected place; a claim about another place is no longer selected."""
    if place != session.get(PLACE_KEY):
        session[CLAIM_KEY] = None
    session[PLACE_KEY] = place


def set_selected_claim(session: Session, claim: str, place: str) -> None:
    """Make `claim` the selected claim and its `place` the selected place."""
    session[PLACE_KEY] = place
    session[CLAIM_KEY] = claim


def take_playback_step(session: Session) -> None:
    """Apply the day a playback tick asked for; playback stops once it asks for none."""
    if NEXT_DAY_KEY in session:
        following = session.pop(NEXT_DAY_KEY)
        if following is None:
            session[PLAYING_KEY] = False
        else:
            session[DAY_KEY] = following


def sync_url(params: MutableMapping[str, str], state: PageState, session: Session | None = None) -> None:
    """Make the page's URL parameters say `state`, in one change (each change of Streamlit's
    query parameters is one browser history entry, so Back undoes exactly one choice); parameters
    the page does not own are kept. The parameters written are remembered in `session`."""
    own = url_params(state.claim_filter.facets)
    wanted = {key: value for key, value in params.items() if key not in own} | state.to_url()
    if dict(params) != wanted:
        from_dict = getattr(params, "from_dict", None)
        if from_dict is not None:  # st.query_params: one message, one history entry
            from_dict(wanted)
        else:
            params.clear()
            params.update(wanted)
    if session is not None:
        session[URL_WRITTEN_KEY] = wanted
