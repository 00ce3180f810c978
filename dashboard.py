"""claimmap: `streamlit run dashboard.py [-- --data DIR]`.

Layout and widget wiring only; loading, validation, the state as of a date, map layers and the
panel's content come from functions in claimmap/ and geo/ that the tests call directly.
"""
from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import streamlit as st
from streamlit_folium import st_folium

from claimmap.asof import claim_date_span, contested_on, day_within, governorate_control, place_states
from claimmap.assets import install_map_assets
from claimmap.config import resolve_data_dir
from claimmap.dataset import Dataset, load_dataset
from claimmap.mapview import base_map, clicked_place_id, governorate_layer, marker_table, place_layer
from claimmap.panel import ClaimCard, Dossier, markdown_text, place_dossier
from claimmap.validate import data_fingerprint
from geo.boundaries import ATTRIBUTION, load_country_outline, load_governorates

MAP_KEY = "claimmap_map"
HEDGE_BADGE = {"stated": "green", "reported": "blue", "alleged": "orange", "presumed": "orange", "rumored": "red"}


@st.cache_resource
def _assets_installed() -> bool:
    install_map_assets()
    return True


@st.cache_data(show_spinner="Loading and validating the tables…")
def cached_dataset(data_dir: str, fingerprint: str) -> Dataset:
    """The fingerprint (a hash of every data file) is part of the cache key, so edits show up."""
    return load_dataset(Path(data_dir))


@st.cache_data
def basemap_geojson() -> tuple[dict, dict]:
    return load_governorates(), load_country_outline()


def show_problems(problems: list) -> None:
    errors = [p for p in problems if p.is_error]
    if not problems:
        return
    label = (f"{len(errors)} problem(s) in the data: the rows concerned are left out, the valid ones are shown."
             if errors else f"{len(problems)} warning(s) about the data.")
    (st.error if errors else st.info)(label, icon="⚠️")
    with st.expander("Show every problem (FILE:ROW: column: message)"):
        st.code("\n".join(str(p) for p in problems), language=None)


def show_card(card: ClaimCard) -> None:
    with st.container(border=True):
        st.markdown(f"**{markdown_text(card.statement)}**  \n`{card.claim_id}` · {markdown_text(card.claim_type)}"
                    f" · actor: {markdown_text(card.actor)}")
        badges = st.container(horizontal=True)
        with badges:
            st.badge(f"hedge: {card.hedge}", color=HEDGE_BADGE.get(card.hedge, "gray"))
            if card.words_doubt_more:
                st.badge(f"words suggest: {card.detected_hedge}", color="orange")
            st.badge(f"grade {card.grade.split(':')[0]}", color="violet")
            if card.against_interest:
                st.badge("against interest", color="green")
            if card.contradicted_by:
                st.badge("contested", icon="⚔️", color="red")
        st.markdown("> " + markdown_text(card.before) + ":orange-background[**" + markdown_text(card.quote)
                    + "**]" + markdown_text(card.after))
        st.markdown(f"**Chain:** {markdown_text(card.chain)}  \n"
                    f"**Situation:** {markdown_text(card.validity)}  \n"
                    f"**Reported:** {markdown_text(card.reported)}  \n"
                    f"**Hedge:** {markdown_text(card.hedge)} (curated); hedging words in the quote: "
                    f"{markdown_text(card.hedge_cues or 'none')}  \n"
                    f"**Grade:** {markdown_text(card.grade)}"
                    + ("; the claimant speaks against its own side's interest" if card.against_interest else "")
                    + "  \n"
                    + f"**Corroboration:** {markdown_text(card.supporting)}"
                    + (f"  \n**Contradicted by:** {markdown_text(', '.join(card.contradicted_by))}"
                       if card.contradicted_by else ""))


def show_dossier(dossier: Dossier, place_name: str, day: dt.date) -> None:
    st.subheader(f"Sourcing: {markdown_text(place_name)}")
    if dossier.competing:
        st.markdown("#### Sources disagree")
        for a, b, reason in dossier.competing:
            st.caption(markdown_text(reason))
            left, right = st.columns(2)
            with left:
                show_card(a)
            with right:
                show_card(b)
    st.markdown(f"#### Claims holding on {day.isoformat()} ({len(dossier.holding)})")
    for card in dossier.holding:
        show_card(card)
    for title, cards in (("Earlier claims", dossier.earlier), ("Later claims", dossier.later)):
        if cards:
            with st.expander(f"{title} ({len(cards)})"):
                for card in cards:
                    show_card(card)


def main() -> None:
    st.set_page_config(page_title="claimmap", page_icon="🗺️", layout="wide")
    _assets_installed()
    data_dir = resolve_data_dir(sys.argv[1:], os.environ)
    dataset = cached_dataset(str(data_dir), data_fingerprint(data_dir))
    claims, places, actors = dataset.claims, dataset.places, dataset.tables.actors

    st.title("claimmap: who claims what, where, and on whose word")
    st.caption(f"{len(claims)} claims about {claims['place_id'].nunique()} places from "
               f"{len(dataset.tables.sources)} source(s), data in {markdown_text(str(data_dir))}")
    show_problems(dataset.problems)
    span = claim_date_span(claims)
    if span is None:
        st.warning("No valid claims to show.")
        return

    params = st.query_params
    if "day" not in st.session_state:
        st.session_state.day = day_within(params.get("date"), *span)
    day = st.slider("Situation as claimed on", min_value=span[0], max_value=span[1], step=dt.timedelta(days=1),
                    format="YYYY-MM-DD", key="day")
    params["date"] = day.isoformat()

    place_names = places.set_index("place_id")["name"]
    with_claims = dataset.places_with_claims
    if "place" not in st.session_state:
        st.session_state.place = params.get("place") if params.get("place") in with_claims else None

    def select_clicked_place() -> None:
        clicked = clicked_place_id(st.session_state.get(MAP_KEY))
        if clicked in with_claims:
            st.session_state.place = clicked

    states = place_states(claims, day, contested=contested_on(dataset.contradictions, claims, day),
                          corroborated=dataset.corroborated_claim_ids)
    markers = marker_table(states, places, actors)
    governorates, outline = basemap_geojson()

    map_col, panel_col = st.columns([3, 2], gap="medium")
    with map_col:
        st_folium(base_map(governorates, outline, actors, ATTRIBUTION), key=MAP_KEY, height=640,
                  use_container_width=True, returned_objects=["last_active_drawing"], on_change=select_clicked_place,
                  feature_group_to_add=[governorate_layer(governorate_control(claims, places, day), governorates, actors),
                                        place_layer(markers, st.session_state.place)])
        st.caption(f"{len(markers)} places with claims by {day.isoformat()}; "
                   f"{int(markers['contested'].sum())} contested. Click a marker, or choose a place on the right.")
    with panel_col:
        place = st.selectbox("Place", options=with_claims, format_func=lambda p: place_names[p], key="place",
                             index=None, placeholder="Click a marker or choose a place")
        if place:
            params["place"] = place
            show_dossier(place_dossier(dataset, place, day), place_names[place], day)
        else:
            params.pop("place", None)
            st.info("Choose a place to read what each source claims about it, in the source's own words.")


main()
