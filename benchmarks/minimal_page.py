"""The yardstick page for interaction speed: a minimal Streamlit + streamlit-folium page doing what
the dashboard's map view does, and nothing else.

A date slider; one GeoJSON layer of the places with claims begun by that day, sent through
`feature_group_to_add` on a constant base map; a click on a place shows its quotes beside the map.
The tables are read with plain pandas (cached), Leaflet and jQuery come from the same local files
as the dashboard's, so both pages run offline. `benchmarks/page_speed.py` times it against the
dashboard; run it alone with `streamlit run benchmarks/minimal_page.py -- --data DIR`.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import folium
import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from claimmap.views.assets import MAP_CSS, MAP_JS, install_map_assets
from geo import locate_places


@st.cache_data
def tables(data_dir: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    claims = pd.read_csv(Path(data_dir) / "claims.csv", dtype=str, keep_default_na=False)
    places = pd.read_csv(Path(data_dir) / "places.csv", dtype=str, keep_default_na=False)
    for column in ("lat", "lon"):
        places[column] = pd.to_numeric(places[column], errors="coerce")
    positions = locate_places(places, data_dir=Path(data_dir)).positions
    claims["valid_from"] = pd.to_datetime(claims["valid_from"]).dt.date
    return claims, places.drop(columns=["lat", "lon"]).merge(positions, on="place_id")


def main() -> None:
    st.set_page_config(layout="wide")
    install_map_assets(Path(__file__).parent / "static")  # Streamlit serves static/ beside the script
    data_dir = sys.argv[sys.argv.index("--data") + 1]
    claims, places = tables(data_dir)
    first, last = min(claims["valid_from"]), max(claims["valid_from"])
    day = st.slider("Day", min_value=first, max_value=last, value=last, step=dt.timedelta(days=1), key="day")
    begun = claims[claims["valid_from"] <= day]
    counts = begun.groupby("place_id").size()
    shown = places[places["place_id"].isin(counts.index)]
    features = [
        {
            "type": "Feature",
            "id": row.place_id,
            "properties": {"id": row.place_id, "name": row.name, "claims": int(counts[row.place_id])},
            "geometry": {"type": "Point", "coordinates": [row.lon, row.lat]},
        }
        for row in shown.itertuples()
    ]
    base = folium.Map(location=(35.0, 37.6), zoom_start=7, tiles=None)
    base.default_js, base.default_css = MAP_JS, MAP_CSS
    layer = folium.FeatureGroup(name="places")
    folium.GeoJson(
        {"type": "FeatureCollection", "features": features},
        marker=folium.CircleMarker(radius=9),
        style_function=lambda feature: {"className": f"place-{feature['id']}", "fill": True, "fillOpacity": 0.8},
        tooltip=folium.GeoJsonTooltip(fields=["name", "claims"]),
    ).add_to(layer)
    map_col, text_col = st.columns([3, 2])
    with map_col:
        out = st_folium(
            base, key="map", height=640, returned_objects=["last_active_drawing"], feature_group_to_add=[layer]
        )
    with text_col:
        clicked = ((out or {}).get("last_active_drawing") or {}).get("properties", {}).get("id")
        if clicked:
            st.subheader(f"Quotes: {places.set_index('place_id').at[clicked, 'name']}")
            for quote in begun.loc[begun["place_id"] == clicked, "quote"]:
                st.text(quote)


main()
