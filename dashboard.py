"""claimmap's page: `streamlit run serve.py [-- --data DIR]` serves it and reads the data as it starts
(claimmap.page.warm); `streamlit run dashboard.py [-- --data DIR]` serves it without that.

Layout and widget wiring only; loading, validation, the state as of a date, filters, map layers,
the panel, the timeline and the reader come from functions in claimmap/ and geo/ that the tests
call directly.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pandas as pd
import streamlit as st
import streamlit.components.v1 as components
import streamlit.components.v2 as components_v2
from streamlit_folium import st_folium

from claimmap.analysis.asof import (
    claim_date_span,
    claims_per_day,
    claims_started,
    day_holding,
)
from claimmap.analysis.dataset import ClaimPlaces, Dataset
from claimmap.analysis.filters import FACETS, ClaimFilter
from claimmap.analysis.viewport import MAX_MARKERS, Viewport, on_screen
from claimmap.config import resolve_data_dir
from claimmap.page.state import (
    CLAIM_KEY,
    DAY_KEY,
    DEFAULT_VIEW,
    PLACE_KEY,
    PLAY_SPEED_KEY,
    PLAY_SPEEDS,
    PLAYING_KEY,
    VIEW_KEY,
    VIEWS,
    PageState,
    filter_key,
    playback_timer,
    restart_playback_clock,
    seed_session,
    set_selected_claim,
    set_selected_place,
    start_playback,
    stop_playback,
    sync_url,
    take_playback_step,
)
from claimmap.page.warm import FILTER_HASH, cached_dataset, day_map, day_markers, heap_frozen
from claimmap.problems import problem_count, terminal_text, without_bidi_controls
from claimmap.tables.columns import member_of
from claimmap.tables.validate import data_fingerprint
from claimmap.views.assets import install_map_assets
from claimmap.views.claims_table import TABLE_ROWS, claims_table, matching_rows, shown_rows
from claimmap.views.day_strip import day_strip_html
from claimmap.views.export import (
    state_table,
    to_csv_bytes,
    to_geojson,
    to_geojson_bytes,
    to_state_geojson,
    view_claims_table,
)
from claimmap.views.mapview import (
    base_map,
    bounds_viewport,
    claim_bounds,
    governorate_layer,
    newly_clicked_place_id,
    place_layer,
    place_layer_data,
)
from claimmap.views.panel import (
    PANEL_FRONTEND,
    Dossier,
    markdown_text,
    panel_data,
    place_box_options,
    place_dossier,
    place_search_labels,
)
from claimmap.views.reader import READER_FRONTEND, article_paragraphs, reader_payload
from claimmap.views.timeline import selected_claim, timeline_chart, timeline_frame
from claimmap.views.timeline import shown_rows as timeline_rows
from geo import MAP_CREDITS

MAP_KEY = "claimmap_map"
article_reader_component = components.declare_component("article_reader", path=str(READER_FRONTEND))
TIMELINE_ROWS = 300  # a taller chart is unreadable and slow to draw
PANEL_KEY = "place_dossier"
# One element for the whole panel below its heading (panel_frontend/panel.js): Streamlit's own
# elements, a few hundred of them, kept the browser busy long enough to delay the map's redraw.
panel_component = components_v2.component(
    "claimmap_panel",
    css=(PANEL_FRONTEND / "panel.css").read_text(encoding="utf-8"),
    js=(PANEL_FRONTEND / "panel.js").read_text(encoding="utf-8"),
    isolate_styles=False,  # in the page's own tree, where contrast checks and readers find it
)


@st.cache_resource
def _assets_installed() -> bool:
    install_map_assets()
    return True


def curate_view(dataset: Dataset, data_dir: Path) -> None:
    """claimmap.page.curate.curate_view, imported when the view is first shown: its modules
    (merging, intake, saved pages) are needed nowhere else on the page."""
    from claimmap.page.curate import curate_view as view

    view(dataset, data_dir)


PROBLEMS_BOX_KEY = "problems_box"


def show_problems(problems: list) -> None:
    errors = [p for p in problems if p.is_error]
    if not problems:
        return
    label = (
        f"{problem_count(errors)} problem(s) in the data: the rows concerned are left out, the valid ones are shown."
        if errors
        else f"{problem_count(problems)} warning(s) about the data."
    )
    (st.error if errors else st.info)(label, icon="⚠️")
    box = st.expander("Show every problem (FILE:ROW: column: message)", key=PROBLEMS_BOX_KEY, on_change="rerun")
    if box.open:  # drawn once opened: at 100k claims the list held up the first map by ~0.5 s in the browser
        with box:
            st.code("\n".join(terminal_text(str(p)) for p in problems), language=None)


def shown_as(labels: Mapping[str, str]) -> Callable[[str], str]:
    """A format_func showing each value by its label, or as itself when it has none; reordering
    controls shown as their code (widget options are plain text, so no other escaping)."""
    return lambda value: without_bidi_controls(labels.get(value, value))


def filter_widgets(choices: Mapping[str, list[str]], names: Mapping[str, Mapping[str, str]]) -> ClaimFilter:
    """One multiselect per facet of the registry; empty means everything."""
    picked = {
        facet.key: st.multiselect(
            facet.label,
            choices[facet.key],
            key=filter_key(facet.key),
            format_func=shown_as(names.get(facet.named_by or "", {})),
            placeholder="all",
        )
        for facet in FACETS
    }
    return ClaimFilter(picked)


def speed_words(days_per_second: int) -> str:
    """The speed box's words for a speed: '1 day/s', '4 days/s'."""
    return f"{days_per_second} day{'s' if days_per_second > 1 else ''}/s"


def date_row(span: tuple[dt.date, dt.date], strip: str) -> None:
    """The date slider with Play (Pause while playing) and the speed beside it, and under it the
    claims begun per day (`strip`, its HTML); on a phone they stack, above the map. The day is
    the slider's value in the session (DAY_KEY)."""
    session = st.session_state

    def toggle_playback() -> None:
        if session.get(PLAYING_KEY):
            stop_playback(session)
        else:
            start_playback(session, span, time.monotonic())

    def restart_clock() -> None:
        restart_playback_clock(session, time.monotonic())

    slider_col, controls_col = st.columns([6, 2], vertical_alignment="bottom")
    with slider_col:
        st.slider(
            "Situation as claimed on",
            min_value=span[0],
            max_value=span[1],
            step=dt.timedelta(days=1),
            format="YYYY-MM-DD",
            key=DAY_KEY,
            on_change=restart_clock,
        )
    with controls_col, st.container(horizontal=True, vertical_alignment="bottom"):  # one row on a phone too
        st.button(
            "⏸ Pause" if session.get(PLAYING_KEY) else "▶ Play",
            key="play_button",
            on_click=toggle_playback,
            help="Step through the days at the chosen speed; from the last day, play starts again at the first.",
        )
        st.selectbox(
            "Speed",
            PLAY_SPEEDS,
            format_func=speed_words,
            key=PLAY_SPEED_KEY,
            on_change=restart_clock,
            label_visibility="collapsed",
            width=120,
        )
    st.html(strip)  # as wide as the slider's column (PAGE_CSS): columns of its own cost 3 more elements a step


def show_dossier(dossier: Dossier, place: dict, day: dt.date, select_claim: Callable[[str], None]) -> None:
    """The panel: the place, then what panel_data gives, drawn by one component (a click on a
    claim id there selects that claim)."""
    st.subheader(f"Sourcing: {markdown_text(place['name'])}")
    st.caption(
        markdown_text(f"{place['kind']} · position: {place['position_source']} · precision: {place['precision']}")
    )

    def select_from_panel() -> None:
        claim_id = (st.session_state.get(PANEL_KEY) or {}).get("select")
        if isinstance(claim_id, str):
            select_claim(claim_id)

    panel_component(
        key=PANEL_KEY,
        data=panel_data(dossier, day, st.session_state.get(CLAIM_KEY)),
        on_select_change=select_from_panel,
    )


@st.cache_data(max_entries=1024, show_spinner=False, hash_funcs=FILTER_HASH)
def map_layers(
    _dataset: Dataset, fingerprint: str, claim_filter: ClaimFilter, day: dt.date
) -> tuple[str, str, int, int]:
    """The map's date layers as the JSON the browser draws, and the caption's counts (places,
    contested), once per version of the data, filter and day: a click, or a slider step back to a
    day already seen, costs a lookup."""
    areas, markers = day_map(_dataset, fingerprint, claim_filter, day)
    return areas, place_layer_data(markers), len(markers), int(markers["contested"].sum())


@st.cache_data(max_entries=64, show_spinner=False, hash_funcs=FILTER_HASH)
def cached_claims_per_day(
    _dataset: Dataset, fingerprint: str, claim_filter: ClaimFilter, span: tuple[dt.date, dt.date]
) -> pd.Series:
    """claims_per_day of the filtered claims, once per version of the data and filter."""
    return claims_per_day(claim_filter.apply(_dataset.claims), span)


@st.cache_data(max_entries=256, show_spinner=False, hash_funcs=FILTER_HASH)
def cached_day_strip(
    _dataset: Dataset, fingerprint: str, claim_filter: ClaimFilter, span: tuple[dt.date, dt.date], day: dt.date
) -> str:
    """The claims-per-day strip's HTML with `day` marked, once per day: a slider step reuses it."""
    return day_strip_html(cached_claims_per_day(_dataset, fingerprint, claim_filter, span), day)


@st.cache_data(max_entries=1024, show_spinner=False, hash_funcs=FILTER_HASH)
def cached_dossier(
    _dataset: Dataset, fingerprint: str, claim_filter: ClaimFilter, place_id: str, day: dt.date
) -> Dossier:
    """place_dossier, once per version of the data, filter, place and day."""
    return place_dossier(_dataset, place_id, day, claim_filter.apply(_dataset.claims))


# On a narrow screen the panel stacks under the map, below the fold: after a tap on a marker, bring
# it into view. A fixed script (no data in it); the tap count makes each tap's copy new, so it runs.
PANEL_INTO_VIEW = """<script>
const page = window.parent;
const panel = page.document.querySelector(".st-key-place_panel");
if (panel && panel.getBoundingClientRect().top > page.innerHeight * 0.5) panel.scrollIntoView({block: "start"});
</script><!-- tap %d -->"""
PANEL_TAPS_KEY = "panel_taps"


# Fixed CSS, no data in it. The strip under the date row is as wide as the slider's column (6 of
# 8 parts, less the gap) while the row's columns stand side by side (Streamlit stacks them below 640px).
PAGE_CSS = """<style>
@media (min-width: 640px) { .day-strip { width: calc(75% - 1.5rem); } }
</style>"""


def select_claim_everywhere(
    dataset: Dataset, claim_id: str, with_claims: Sequence[str], last_day: dt.date | None = None
) -> None:
    """Make `claim_id` the selected claim, and its place the selected place: every view shows it.
    With `last_day` (the slider's), the day also moves to one on which the claim holds, so the
    map draws its place (views in the map's fragment pick only claims it already draws)."""
    claim = dataset.claims[dataset.claims["claim_id"] == claim_id]
    if claim.empty or claim["place_id"].iat[0] not in with_claims:
        return
    set_selected_claim(st.session_state, claim_id, claim["place_id"].iat[0])
    if last_day is not None:
        st.session_state[DAY_KEY] = day_holding(
            claim["valid_from"].iat[0], claim["valid_to"].iat[0], st.session_state[DAY_KEY], last_day
        )


@st.cache_resource(max_entries=4, show_spinner=False)
def claim_places(_dataset: Dataset, fingerprint: str) -> ClaimPlaces:
    """claim_id -> place_id, for checking a link's claim, once per version of the data."""
    return ClaimPlaces(_dataset.claims)


def page_state(day: dt.date, view: str, claim_filter: ClaimFilter) -> PageState:
    """What the page shows now, with the place and claim selected in any view."""
    return PageState(day, st.session_state[PLACE_KEY], view, claim_filter, st.session_state.get(CLAIM_KEY))


@st.cache_resource(max_entries=4, show_spinner="Preparing the claims table…")
def cached_claims_table(_dataset: Dataset, fingerprint: str) -> pd.DataFrame:
    """claims_table, once per version of the data; shared, not copied (nothing modifies it)."""
    return claims_table(_dataset)


@st.cache_data(max_entries=64, show_spinner=False, hash_funcs=FILTER_HASH)
def table_rows(
    _dataset: Dataset, fingerprint: str, claim_filter: ClaimFilter, day: dt.date, query: str, selected: str | None
) -> tuple[pd.DataFrame, int]:
    """The rows the claims table shows (claims_table.shown_rows) and how many match, once per
    version of the data, filter, day, search and selection."""
    table = cached_claims_table(_dataset, fingerprint)
    rows = matching_rows(table, claim_filter.apply(_dataset.claims), pd.Timestamp(day), query)
    return shown_rows(rows, selected), len(rows)


TABLE_OPEN_KEY = "claims_table_open"


def claims_table_view(
    dataset: Dataset, fingerprint: str, claim_filter: ClaimFilter, day: dt.date, with_claims: Sequence[str]
) -> None:
    """The claims table, folded until opened: its rows (up to ~0.5 MB) are built and sent only
    while it is open, so a marker click with it folded sends nothing more. Its open state is kept
    apart from the expander's, which is lost while the map view is not drawn (as the place box)."""
    st.session_state.claims_table_box = st.session_state.get(TABLE_OPEN_KEY, False)

    def remember_open() -> None:
        st.session_state[TABLE_OPEN_KEY] = st.session_state.claims_table_box

    with st.expander(
        "Claims table: search by place, statement or quote; sort; select",
        key="claims_table_box",
        on_change=remember_open,
    ) as box:
        if box.open:
            claims_table_rows(dataset, fingerprint, claim_filter, day, with_claims)


def claims_table_rows(
    dataset: Dataset, fingerprint: str, claim_filter: ClaimFilter, day: dt.date, with_claims: Sequence[str]
) -> None:
    """The claims begun by the day under the filters, searchable and sortable; a row picked selects
    its claim everywhere. The selected claim is pinned first and marked."""
    query = st.text_input(
        "Search the claims",
        key="table_search",
        placeholder="a place (any of its names, Arabic too), words of a statement or quote",
        help="Ignores case and accents; every word typed must appear; the text is matched as typed.",
    )
    chosen = st.session_state.get(CLAIM_KEY)
    rows, n_matching = table_rows(dataset, fingerprint, claim_filter, day, query, chosen)
    # A new key for each selected claim: a row picked earlier is not left checked once another
    # view selects a different claim; the selected one is marked in the first column instead.
    key = f"claims_table_{chosen}"

    def select_row() -> None:
        picked = st.session_state[key]["selection"]["rows"]
        if picked:
            select_claim_everywhere(dataset, rows.index[picked[0]], with_claims)

    st.caption(
        f"{n_matching} claim(s) begun by {day.isoformat()} match the filters"
        + (f" and the search “{markdown_text(query)}”" if query.strip() else "")
        + (f"; showing the first {TABLE_ROWS}, by date" if n_matching > TABLE_ROWS else "")
        + ". Click a column to sort it, a row's box to select its claim everywhere (▶: selected)."
    )
    st.dataframe(
        rows,
        key=key,
        on_select=select_row,
        selection_mode="single-row",
        hide_index=True,
        height=420,
        column_config={
            "selected": st.column_config.TextColumn("▶", width=30, help="The selected claim"),
            "claim": "Claim",
            "dates": st.column_config.TextColumn(
                "Dates", width="medium", help="As the source gives them; vague ones say so"
            ),
            "from": st.column_config.DateColumn("From", format="YYYY-MM-DD"),
            "place": "Place",
            "actor": "Actor",
            "type": "Type",
            "chain": st.column_config.TextColumn("Claimant → relays → source"),
            "origin": "Origin",
            "hedge": "Hedge",
            "statement": st.column_config.TextColumn("Statement", width="large"),
            "quote": st.column_config.TextColumn("Quote", width="large"),
        },
    )


@st.cache_resource(max_entries=8, show_spinner=False)
def place_box_labels(_dataset: Dataset, fingerprint: str) -> dict[str, str]:
    """The place box's labels with every place's other names, once per version of the data;
    shared, not copied (nothing modifies them)."""
    return place_search_labels(_dataset.tables.places)


@st.fragment
def map_and_panel(
    dataset: Dataset, fingerprint: str, claim_filter: ClaimFilter, day: dt.date, with_claims: list[str]
) -> None:
    """Map and sourcing panel. A fragment: a click on the map or a choice in the place box reruns
    only this part of the page."""
    places, actors = dataset.places, dataset.tables.actors

    def select_boxed_place() -> None:
        set_selected_place(st.session_state, st.session_state.place_box)

    def select_clicked_place() -> None:
        # A map that reports its view reports pans and zooms too: only a new click selects.
        value = st.session_state.get(MAP_KEY)
        clicked = newly_clicked_place_id(value, st.session_state.get("map_last_drawing"))
        if clicked in with_claims:
            set_selected_place(st.session_state, clicked)
            st.session_state[PANEL_TAPS_KEY] = st.session_state.get(PANEL_TAPS_KEY, 0) + 1
        st.session_state.map_last_drawing = (value or {}).get("last_active_drawing")

    def select_claim(claim_id: str) -> None:
        select_claim_everywhere(dataset, claim_id, with_claims)

    selected = st.session_state[PLACE_KEY]
    bounds = claim_bounds(places[member_of(places["place_id"], with_claims)])
    # Too many places to send them all: only what is on screen, crowded cells as count bubbles.
    summed_up = len(with_claims) > MAX_MARKERS
    bubbled = 0
    if summed_up:
        areas, table = day_map(dataset, fingerprint, claim_filter, day)
        view = Viewport.from_map_value(st.session_state.get(MAP_KEY), bounds_viewport(bounds))
        shown = on_screen(table, view, selected, max_markers=MAX_MARKERS)
        markers = place_layer_data(shown.markers, shown.clusters)
        n_places, n_contested = len(table), int(table["contested"].sum())
        bubbled = int(shown.clusters["n_places"].sum())
    else:
        areas, markers, n_places, n_contested = map_layers(dataset, fingerprint, claim_filter, day)
    map_col, panel_col = st.columns([5, 4], gap="medium")
    with map_col:
        st_folium(
            base_map(actors, MAP_CREDITS, bounds),
            key=MAP_KEY,
            height=640,
            use_container_width=True,
            returned_objects=["last_active_drawing", *(["bounds", "zoom"] if summed_up else [])],
            on_change=select_clicked_place,
            feature_group_to_add=[governorate_layer(areas), place_layer(markers, selected)],
        )
        sync_url(st.query_params, page_state(day, "map", claim_filter), st.session_state)  # a click selects
        st.caption(
            f"{n_places} places with claims by {day.isoformat()}; {n_contested} "
            "contested. Click a marker, or choose a place on the right."
            + (f" {bubbled} of the places on screen are summed up in bubbles: zoom in to see them." if bubbled else "")
        )
        claims_table_view(dataset, fingerprint, claim_filter, day, with_claims)  # under the map, beside the panel
    with panel_col, st.container(key="place_panel"):
        # The box mirrors `selected_place`, which outlives views where the box is not drawn.
        st.session_state.place_box = st.session_state[PLACE_KEY]
        labels = place_box_labels(dataset, fingerprint)
        options = with_claims
        if summed_up:  # too many places to send every label on each rerun
            query = st.text_input("Find a place", key="place_query", placeholder="Part of its name, then Enter")
            in_view = table.loc[view.contains(table["lat"], table["lon"]), "place_id"]
            options = place_box_options(labels, with_claims, query, in_view, selected)
        place = st.selectbox(
            "Place",
            options=options,
            format_func=shown_as(labels),
            key="place_box",
            placeholder="Click a marker or choose a place",
            on_change=select_boxed_place,
        )
        if place:
            show_dossier(
                cached_dossier(dataset, fingerprint, claim_filter, place, day),
                places.loc[places["place_id"] == place].iloc[0].to_dict(),
                day,
                select_claim,
            )
        else:
            st.info("Choose a place to read what each source claims about it, in the source's own words.")
        taps = st.session_state.get(PANEL_TAPS_KEY, 0)
        if taps != st.session_state.get("panel_taps_shown", 0):  # only in the run after a tap
            st.session_state.panel_taps_shown = taps
            components.html(PANEL_INTO_VIEW % taps, height=0)


def timeline(dataset: Dataset, claims: pd.DataFrame, day: dt.date, span: tuple[dt.date, dt.date]) -> None:
    def select_clicked_bar() -> None:
        claim_id = selected_claim(st.session_state.get("timeline"))
        if claim_id is not None:
            select_claim_everywhere(dataset, claim_id, dataset.places_with_claims, span[1])

    frame = timeline_frame(claims, dataset.names["places"], dataset.names["actors"], span[1])
    chosen = st.session_state.get(CLAIM_KEY)
    st.caption(
        "Each bar is a claim over the days it is claimed to hold; dashed and pale: vague date. "
        "Click a bar to select its claim everywhere (outlined in black); the date moves to a day it holds."
        + (
            f" Showing the first {TIMELINE_ROWS} of {len(frame)} claims (and the selected one): narrow them "
            "with the filters."
            if len(frame) > TIMELINE_ROWS
            else ""
        )
    )
    st.altair_chart(
        timeline_chart(timeline_rows(frame, chosen, TIMELINE_ROWS), dataset.tables.actors, day, chosen),
        key="timeline",
        on_select=select_clicked_bar,
        width="stretch",
    )


def follow_selected_claim_to_its_source(dataset: Dataset) -> None:
    """Open the reader on the selected claim's source when the claim was picked since the reader
    last followed one (the reader may then pick another source)."""
    chosen = st.session_state.get(CLAIM_KEY)
    if chosen and chosen != st.session_state.get("reader_followed"):
        st.session_state.reader_followed = chosen
        source = dataset.claims.loc[dataset.claims["claim_id"] == chosen, "source_id"]
        if not source.empty:
            st.session_state.reader_source = source.iat[0]


def article_reader(dataset: Dataset, claims: pd.DataFrame, last_day: dt.date) -> None:
    sources = dataset.tables.sources.set_index("source_id")
    follow_selected_claim_to_its_source(dataset)
    source = st.selectbox(
        "Source",
        sources.index,
        format_func=lambda s: without_bidi_controls(f"{s}: {sources.at[s, 'path']}"),
        key="reader_source",
    )
    st.caption(
        markdown_text(
            f"Published {sources.at[source, 'published'].date().isoformat()} · outlet: "
            f"{sources.at[source, 'outlet']} · {sources.at[source, 'url']}"
        )
    )
    text = dataset.source_texts.get(source)
    if text is None:
        st.warning(f"{source}'s file has changed or cannot be read since the data was loaded; reload the page.")
        return
    quoted = claims[claims["source_id"] == source]
    quoted_ids = set(quoted["claim_id"])
    selected = st.session_state[PLACE_KEY]
    emphasised = set(quoted.loc[quoted["place_id"] == selected, "claim_id"])

    key = f"reader_{source}"

    def select_clicked_claim() -> None:
        picked = st.session_state.get(key) or {}
        if picked.get("claim") in quoted_ids:
            select_claim_everywhere(dataset, picked["claim"], dataset.places_with_claims, last_day)

    st.caption(
        "Quoted words are highlighted (the selected place's in orange, the selected claim's outlined); click "
        "one to select its claim everywhere. Where claims quote the same words, a menu lets you pick one."
    )
    labels = {
        c: without_bidi_controls(f"{c} · {dataset.names['places'][p]} · {statement}")
        for c, p, statement in zip(quoted["claim_id"], quoted["place_id"], quoted["statement"])
    }
    article_reader_component(
        paragraphs=reader_payload(article_paragraphs(text, quoted)),
        emphasised=sorted(emphasised),
        chosen=st.session_state.get(CLAIM_KEY),
        labels=labels,
        key=key,
        default=None,
        on_change=select_clicked_claim,
    )


def day_and_view(
    dataset: Dataset,
    fingerprint: str,
    data_dir: Path,
    claim_filter: ClaimFilter,
    claims: pd.DataFrame,
    span: tuple[dt.date, dt.date],
    timer: float | None,
) -> None:
    """The date row, the view shown and its exports. Run as a fragment: a day chosen on the
    slider, by playback or in a view reruns only this part, not the loading and the filters.
    `timer` is the playback timer (playback_timer) the page's last full run set."""
    session = st.session_state
    stopped = take_playback_step(session, span[1], time.monotonic())
    if stopped or timer != playback_timer(session):
        st.rerun()  # Play, Pause, a new speed or the last day: the timer changes with a full run
    day, view = session[DAY_KEY], session.get(VIEW_KEY) or DEFAULT_VIEW
    # The view leaves for the browser first (a slider step waits for the map); the date row and the
    # view switch stand above it in a container filled after it: their values are in the session.
    controls = st.container()
    with_claims = dataset.places_with_claims
    if view == "timeline":
        timeline(dataset, claims, day, span)
    elif view == "reader":
        article_reader(dataset, claims, span[1])
    elif view == "curate":
        curate_view(dataset, data_dir)
    else:
        map_and_panel(dataset, fingerprint, claim_filter, day, with_claims)
    # After the view: the browser's history step (pushState) then does not hold up the map's redraw.
    sync_url(st.query_params, page_state(day, view, claim_filter), st.session_state)
    with controls:
        date_row(span, cached_day_strip(dataset, fingerprint, claim_filter, span, day))
        # A switch rather than st.tabs: tabs compute every view on every rerun, this only the one shown.
        st.segmented_control(
            "View", list(VIEWS), format_func=VIEWS.__getitem__, key=VIEW_KEY, label_visibility="collapsed"
        )

    export_buttons(dataset, claims, day)


EXPORT_BOX_KEY = "export_box"


def export_buttons(dataset: Dataset, claims: pd.DataFrame, day: dt.date) -> None:
    """Downloads of the claims begun by `day` (after the filters) and of the map's state on it."""

    def exported() -> pd.DataFrame:
        return view_claims_table(dataset, claims_started(claims, day), day)

    # Folded, and its buttons drawn only while it is open: five elements fewer on each slider step.
    # A file is built only when its button is clicked (10,000 claims on every rerun would slow each step).
    box = st.expander(
        "Export this view: the claims as CSV or GeoJSON, the map's state", key=EXPORT_BOX_KEY, on_change="rerun"
    )
    if not box.open:
        return
    with box, st.container(horizontal=True):
        st.download_button(
            "Claims as CSV",
            lambda: to_csv_bytes(exported()),
            f"claimmap-{day.isoformat()}.csv",
            "text/csv",
            on_click="ignore",
        )
        st.download_button(
            "Claims as GeoJSON",
            lambda: to_geojson_bytes(to_geojson(exported())),
            f"claimmap-claims-{day.isoformat()}.geojson",
            "application/geo+json",
            on_click="ignore",
            help="One feature per claim begun by this day, with flat properties; governorates as polygons.",
        )
        st.download_button(
            f"State on {day.isoformat()} as GeoJSON",
            lambda: to_geojson_bytes(
                to_state_geojson(state_table(day_markers(dataset, claims, day), claims, dataset.places, day))
            ),
            f"claimmap-state-{day.isoformat()}.geojson",
            "application/geo+json",
            on_click="ignore",
            help="One feature per place as the map shows it on this day: who holds it, its marks, its claims.",
        )


def main() -> None:
    st.set_page_config(page_title="claimmap", page_icon="🗺️", layout="wide")
    _assets_installed()
    st.html(PAGE_CSS)
    data_dir = resolve_data_dir(sys.argv[1:], os.environ)
    fingerprint = data_fingerprint(data_dir)
    dataset = cached_dataset(str(data_dir), fingerprint)
    heap_frozen(fingerprint)

    st.title("claimmap")
    st.caption("Who claims what, where, when, and on whose word: every claim traced to its source's exact words.")
    show_problems(dataset.problems)
    span = claim_date_span(dataset.claims)
    if span is None:
        st.warning("No valid claims to show.")
        return
    with_claims = dataset.places_with_claims
    linked = PageState.from_url(
        st.query_params,
        span=span,
        places=with_claims,
        choices=dataset.filter_choices,
        claim_places=claim_places(dataset, fingerprint),
    )
    seed_session(st.session_state, linked, st.query_params)

    with st.sidebar:
        st.header("Filters")
        claim_filter = filter_widgets(dataset.filter_choices, dataset.names)
    claims = claim_filter.apply(dataset.claims)
    # What the filters let through, the same on every day: drawn by the full run, not on each step.
    st.caption(
        f"Showing {len(claims)} of {len(dataset.claims)} claims about {claims['place_id'].nunique()} places "
        f"from {len(dataset.tables.sources)} source(s) · data: {markdown_text(str(data_dir))}"
    )
    # While playing, the fragment reruns itself once per step; only a full run sets its timer.
    timer = playback_timer(st.session_state)
    st.fragment(day_and_view, run_every=timer)(dataset, fingerprint, data_dir, claim_filter, claims, span, timer)


main()
