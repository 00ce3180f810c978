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
PLAY_SPEED_KEY = "play_speed"  # days per second, the speed box's
PLAY_CLOCK_KEY = "play_clock"  # (a day, the time it was due): the steps are timed from it
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


PLAY_SPEEDS = (1, 2, 4)
# A playback tick comes from a browser timer; one a little early still takes its step.
EARLY_TICK = 0.25  # of a step


def play_step_seconds(session: Session) -> float:
    """The time between two days of playback at the chosen speed."""
    speed = session.get(PLAY_SPEED_KEY)
    return 1.0 / (speed if speed in PLAY_SPEEDS else PLAY_SPEEDS[0])


def playback_timer(session: Session) -> float | None:
    """How often the day's fragment reruns itself: a step's seconds while playing, else never."""
    return play_step_seconds(session) if session.get(PLAYING_KEY) else None


def start_playback(session: Session, span: tuple[dt.date, dt.date], now: float) -> None:
    """Play from the day shown, or from the first day when the last one is shown."""
    first, last = span
    if session.get(DAY_KEY, last) >= last:
        session[DAY_KEY] = first
    session[PLAYING_KEY] = True
    restart_playback_clock(session, now)


def stop_playback(session: Session) -> None:
    session[PLAYING_KEY] = False
    session.pop(PLAY_CLOCK_KEY, None)


def restart_playback_clock(session: Session, now: float) -> None:
    """Time the next steps from now: after Play, a new speed, or a day chosen meanwhile."""
    if session.get(PLAYING_KEY):
        session[PLAY_CLOCK_KEY] = (session[DAY_KEY], now)


def take_playback_step(session: Session, last: dt.date, now: float) -> bool:
    """Show the next day when its time has come, at the chosen speed counted from the clock, so
    steps do not drift. A day is never skipped: a step that comes late moves the clock on. Once
    the last day has been shown for a step, playback stops; returns True then."""
    clock = session.get(PLAY_CLOCK_KEY)
    if not session.get(PLAYING_KEY) or clock is None:
        return False
    day, (timed_day, timed_at) = session[DAY_KEY], clock
    step = play_step_seconds(session)
    due = timed_at + ((day - timed_day).days + 1) * step
    if now < due - EARLY_TICK * step:
        return False
    if day >= last:
        stop_playback(session)
        return True
    session[DAY_KEY] = day + dt.timedelta(days=1)
    if now > due + step / 2 or day < timed_day:
        session[PLAY_CLOCK_KEY] = (session[DAY_KEY], now)
    return False


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
