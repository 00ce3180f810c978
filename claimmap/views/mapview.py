"""Folium layers for the dashboard's map.

The map is split the way streamlit-folium needs it to avoid remounts: `base_map` is built the same
on every rerun (only the tables' actors feed its legend), and everything that depends on the date
goes into the feature groups from `place_layer` and `governorate_layer`, which the dashboard passes
through `st_folium(feature_group_to_add=...)`.

Escaping: folium inserts tooltip and popup text raw into HTML and into JS template literals, so
every string from the tables that reaches the map goes through `map_text` first. Markers are styled
in the browser from their GeoJSON properties (no per-feature Python style function), which keeps the
layer one GeoJSON object however many places there are.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any, cast

import folium
import pandas as pd
from branca.element import Element, Figure, MacroElement
from folium.utilities import JsCode
from jinja2 import Template

from claimmap.analysis.asof import FACILITY_STATUS_WORDS, NEUTRAL_COLOR
from claimmap.views.assets import MAP_CSS, MAP_JS

MAP_CENTER = (35.0, 37.6)
MAP_ZOOM = 7
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'

# How precisely a kind of place is located, and the marker shape that says so.
SHAPE_BY_KIND = {
    "airbase": "facility",
    "naval_base": "facility",
    "port": "facility",
    "facility": "facility",
    "city": "town",
    "town": "town",
    "governorate": "area",
    "country": "area",
}
SHAPE_WORDS = {
    "facility": "square: facility, exact position",
    "town": "circle: town or city centre",
    "area": "large ring: the whole province or country",
}
# The sign for each state a facility is claimed to be in, drawn in a strip under its marker.
STATUS_SIGNS = {"operating": "✓", "isolated": "⊘", "withdrawing": "↗", "entered": "⚑"}
# Syria's extent, so the whole country fits whatever the map's width.
SYRIA_BOUNDS = [[32.3, 35.6], [37.35, 42.4]]


def map_text(value: Any) -> str:
    """Escape text for HTML and for the JS template literals folium wraps it in."""
    return html.escape(str(value), quote=True).replace("\\", "&#92;").replace("`", "&#96;").replace("$", "&#36;")


def css_token(value: str) -> str:
    """A string reduced to characters that are safe in a CSS class name."""
    return re.sub(r"[^a-z0-9_-]", "-", str(value).lower())


_STYLE = """
<style>
.leaflet-div-icon.claim-marker { background: none; border: none; }
.claim-marker .dot { box-sizing: border-box; width: 100%; height: 100%; border: 3px solid;
  border-radius: 50%; opacity: 0.95; box-shadow: 0 0 0 1px #fff; position: relative; }
.claim-marker.shape-facility .dot { border-radius: 2px; transform: rotate(45deg); }
.claim-marker.shape-area .dot { border-width: 4px; background: transparent !important; }
.claim-marker.uncertain .dot { border-style: dashed; opacity: 0.6; }
.claim-marker.hollow .dot { background: #fff !important; }
.claim-marker.selected .dot { box-shadow: 0 0 0 3px #000; }
.claim-marker .mark-contested, .claim-marker .mark-doubtful { position: absolute; top: -10px; width: 14px;
  height: 14px; color: #fff; font: bold 11px/14px sans-serif; text-align: center; border-radius: 3px; }
.claim-marker .mark-contested { right: -12px; background: #000; }
.claim-marker .mark-doubtful { left: -12px; background: #555; }
.claim-marker.shape-facility .mark-contested, .claim-marker.shape-facility .mark-doubtful { transform: rotate(-45deg); }
.claim-tooltip { white-space: normal; width: max-content; max-width: 320px; font: 12px/1.35 sans-serif; }
.claim-marker .box { position: relative; width: 100%; height: 100%; }
.claim-marker .mark-status { position: absolute; top: calc(100% + 4px); left: 50%; transform: translateX(-50%);
  white-space: nowrap; background: #fff; color: #000; border: 1px solid #333; border-radius: 3px;
  font: bold 12px/14px sans-serif; padding: 0 2px; letter-spacing: 1px; }
.leaflet-div-icon.claim-cluster { background: none; border: none; }
.claim-cluster .count { box-sizing: border-box; width: 100%; height: 100%; border-radius: 50%; background: #333;
  color: #fff; border: 3px solid #fff; box-shadow: 0 0 0 1px #333; font: bold 12px/28px sans-serif;
  text-align: center; cursor: zoom-in; }
.claimmap-legend { background: rgba(255,255,255,0.92); padding: 4px 6px; font: 11px/1.3 sans-serif;
  border: 1px solid #999; border-radius: 4px; max-width: 220px; }
.claimmap-legend summary { cursor: pointer; }
.claimmap-legend .chip { display: inline-block; width: 11px; height: 11px; margin-right: 5px;
  border: 1px solid #333; vertical-align: -1px; }
</style>
"""

_LEGEND = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.control({position: "bottomright"});
{{ this.get_name() }}.onAdd = function () {
    var div = L.DomUtil.create("div", "claimmap-legend");
    div.innerHTML = {{ this.html | tojson }};
    // On a narrow map (a phone) the legend starts folded so it does not cover the markers.
    if ({{ this._parent.get_name() }}.getSize().x < 500) { div.querySelector("details").open = false; }
    return div;
};
{{ this.get_name() }}.addTo({{ this._parent.get_name() }});
{% endmacro %}
""")


class Legend(MacroElement):
    """A static legend box in a map corner; `html_text` must already be escaped."""

    def __init__(self, html_text: str):
        super().__init__()
        self._name = "Legend"
        self.html = html_text
        self._template = _LEGEND


def legend_html(actors: pd.DataFrame) -> str:
    """Legend text: actor colors with names, then what shapes and line styles mean, in words."""
    rows = [
        f'<span class="chip" style="background:{map_text(c)}"></span>{map_text(n)}'
        for n, c in zip(actors["name"], actors["color"])
    ]
    rows.append(f'<span class="chip" style="background:{NEUTRAL_COLOR}"></span>no control claim')
    rows += [map_text(w) for w in SHAPE_WORDS.values()]
    rows += [
        "dashed, faded: date only approximate",
        "white fill: no independent corroboration",
        "<b>!</b> contested: sources disagree",
        "under a facility, the state claimed: "
        + ", ".join(f"<b>{sign}</b> {map_text(FACILITY_STATUS_WORDS[status])}" for status, sign in STATUS_SIGNS.items())
        + " (its color: the actor those claims name)",
        "<b>?</b> only alleged, presumed or rumored",
        "dark disc with a number: that many places; click to zoom in",
    ]
    return "<details open><summary><b>Legend: control as claimed</b></summary>" + "<br>".join(rows) + "</details>"


def base_map(governorates: Mapping, outline: Mapping, actors: pd.DataFrame, attribution: str) -> folium.Map:
    """The date-independent map: vector basemap, optional OSM tiles, legend, local JS/CSS."""
    m = folium.Map(
        location=MAP_CENTER,
        zoom_start=MAP_ZOOM,
        tiles=None,
        control_scale=True,
        zoom_snap=0.25,  # fractional zoom lets Syria fill narrow maps too
        # Leaflet's keyboard handler focuses the map on mouse-down, which scrolls the page
        # around the map's frame and swallows the click; places are keyboard-selectable
        # in the panel instead.
        keyboard=False,
    )
    m.fit_bounds(SYRIA_BOUNDS)
    m.default_js = MAP_JS
    m.default_css = MAP_CSS
    cast(Figure, m.get_root()).header.add_child(Element(_STYLE))  # a Map's root is always its Figure
    folium.TileLayer(
        "OpenStreetMap", name="OpenStreetMap tiles (online only)", attr=OSM_ATTRIBUTION, overlay=True, show=False
    ).add_to(m)
    folium.GeoJson(
        outline,
        name="Syria outline",
        interactive=False,
        attribution=map_text(attribution),
        style_function=lambda _: {"color": "#555", "weight": 1.5, "fillColor": "#f3efe6", "fillOpacity": 1.0},
    ).add_to(m)
    folium.GeoJson(
        governorates,
        name="Governorates",
        interactive=False,
        style_function=lambda _: {"color": "#888", "weight": 1, "fill": False},
    ).add_to(m)
    Legend(legend_html(actors)).add_to(m)
    folium.LayerControl(collapsed=True).add_to(m)
    return m


_ON_EACH_PLACE = JsCode("""
function (feature, layer) {
    var p = feature.properties;
    var dot = document.createElement("div");
    dot.className = "dot";
    dot.style.borderColor = p.color;
    dot.style.background = p.color;
    [["contested", "!", "sources disagree"], ["doubtful", "?", "only alleged, presumed or rumored"]].forEach(
        function (flag) {
            if (!p[flag[0]]) { return; }
            var mark = document.createElement("span");
            mark.className = "mark-" + flag[0];
            mark.textContent = flag[1];
            mark.title = flag[2];
            dot.appendChild(mark);
        });
    var box = document.createElement("div");
    box.className = "box";
    box.appendChild(dot);
    if (p.status_signs) {
        var strip = document.createElement("span");
        strip.className = "mark-status";
        strip.textContent = p.status_signs;
        strip.title = p.status_words;
        box.appendChild(strip);
    }
    layer.setIcon(L.divIcon({html: box, className: p.classes, iconSize: [p.size, p.size]}));
    layer.setZIndexOffset(p.z);
    layer.bindTooltip(p.label, {className: "claim-tooltip"});
}
""")

MARKER_SIZE = {"facility": 16, "town": 18, "area": 30}
# Small, exact markers stay clickable above the large area rings; the selected one above all.
MARKER_LAYER = {"area": 0, "town": 500, "facility": 1000}
SELECTED_LAYER = 2000


def place_features(places: pd.DataFrame, selected: str | None = None) -> dict:
    """GeoJSON FeatureCollection of place markers.

    `places` needs place_id, name, kind, lat, lon, color, uncertain, contested, corroborated, and
    may have status and status_text (asof.facility_status; "" for none). Each feature's id and
    properties.id are the place_id, so a click maps back to its claims. The tooltip says in words
    what the classes and signs show: the claimed status, who claims it, and a dispute.
    """
    status = places["status"].fillna("") if "status" in places else pd.Series("", index=places.index)
    status_text = places["status_text"].fillna("") if "status_text" in places else status
    shape = places["kind"].map(SHAPE_BY_KIND).fillna("town")
    flags = (
        places["uncertain"].map({True: " uncertain", False: ""})
        + places["contested"].map({True: " contested", False: ""})
        + places["doubtful"].map({True: " doubtful", False: ""})
        + (~places["corroborated"]).map({True: " hollow", False: ""})
        + (places["place_id"] == selected).map({True: " selected", False: ""})
    )
    classes = "claim-marker shape-" + shape + " place-" + places["place_id"].map(css_token) + flags
    status_classes = status.map(lambda s: "".join(f" status-{token}" for token in s.split()))
    classes = classes + status_classes
    signs = status.map(lambda s: "".join(STATUS_SIGNS.get(token, "") for token in s.split()))
    status_words = status_text.map(map_text)
    label = (
        "<b>"
        + places["name"].map(map_text)
        + "</b>"
        + status_words.map(lambda words: "".join(f"<br>claimed {state}" for state in words.split(" · ") if state))
        + places["contested"].map({True: "<br>contested: sources disagree", False: ""})
    )
    table = pd.DataFrame(
        {
            "id": places["place_id"].map(map_text),
            "label": label,
            "color": places["color"],
            "classes": classes,
            "size": shape.map(MARKER_SIZE),
            "z": shape.map(MARKER_LAYER).where(places["place_id"] != selected, SELECTED_LAYER),
            "contested": places["contested"],
            "doubtful": places["doubtful"],
            "status_signs": signs,
            "status_words": status.map(lambda s: "claimed: " + "; ".join(FACILITY_STATUS_WORDS[t] for t in s.split())),
            "lon": places["lon"],
            "lat": places["lat"],
        }
    )
    features = [
        {
            "type": "Feature",
            "id": r["id"],
            "geometry": {"type": "Point", "coordinates": [r.pop("lon"), r.pop("lat")]},
            "properties": r,
        }
        for r in table.to_dict("records")
    ]
    return {"type": "FeatureCollection", "features": features}


# Where markers crowd (CLUSTER_MIN or more in one CLUSTER_CELL_PX square on screen), they leave the
# map for a bubble with their count; a click on it zooms in. Worked out again on every zoom, in the
# browser. The selected place always stays visible as itself.
CLUSTER_CELL_PX = 44
CLUSTER_MIN = 6
_CLUSTERS = Template("""
{% macro script(this, kwargs) %}
(function (layer) {
    var bubbles = L.layerGroup();
    function recluster() {
        var map = layer._map;
        if (!map) { return; }
        bubbles.clearLayers();
        var cells = {};
        layer.eachLayer(function (marker) {
            if (marker.feature.properties.classes.indexOf(" selected") >= 0) {
                if (!map.hasLayer(marker)) { marker.addTo(map); }
                return;
            }
            var p = map.latLngToLayerPoint(marker.getLatLng());
            var key = Math.floor(p.x / {{ this.cell }}) + ":" + Math.floor(p.y / {{ this.cell }});
            (cells[key] = cells[key] || []).push(marker);
        });
        Object.keys(cells).forEach(function (key) {
            var members = cells[key];
            var crowded = members.length >= {{ this.minimum }};
            var lat = 0, lng = 0;
            members.forEach(function (marker) {
                if (crowded) { marker.remove(); } else if (!map.hasLayer(marker)) { marker.addTo(map); }
                lat += marker.getLatLng().lat;
                lng += marker.getLatLng().lng;
            });
            if (!crowded) { return; }
            var center = L.latLng(lat / members.length, lng / members.length);
            var count = document.createElement("div");
            count.className = "count";
            count.textContent = members.length;
            count.title = members.length + " places: zoom in to see them";
            L.marker(center, {icon: L.divIcon({html: count, className: "claim-cluster", iconSize: [34, 34]})})
                .on("click", function () { map.setView(center, map.getZoom() + 2); })
                .addTo(bubbles);
        });
    }
    layer.on("add", function () {
        bubbles.addTo(layer._map);
        layer._map.on("zoomend", recluster);
        recluster();
    });
    layer.on("remove", function () {
        bubbles.remove();
        bubbles.clearLayers();
    });
})({{ this._parent.get_name() }});
{% endmacro %}
""")


class Clusters(MacroElement):
    """Clustering of crowded markers for the GeoJSON marker layer it is added to."""

    def __init__(self, cell: int = CLUSTER_CELL_PX, minimum: int = CLUSTER_MIN):
        super().__init__()
        self._name = "Clusters"
        self.cell, self.minimum = cell, minimum
        self._template = _CLUSTERS


def place_layer(places: pd.DataFrame, selected: str | None = None) -> folium.FeatureGroup:
    """One GeoJSON layer holding every place marker, clustered where they crowd."""
    group = folium.FeatureGroup(name="Places as claimed")
    markers = folium.GeoJson(
        place_features(places, selected),
        name="places",
        marker=folium.Marker(icon=folium.DivIcon(class_name="claim-marker")),
        on_each_feature=_ON_EACH_PLACE,
    )
    Clusters().add_to(markers)
    markers.add_to(group)
    return group


def governorate_features(control: pd.DataFrame, governorates: Mapping, actors: pd.DataFrame) -> dict:
    """Governorate polygons that a control claim covers, styled by the claimed actor.

    `control` has place_id, iso_code, actor_id, uncertain (see asof.governorate_control). The
    style travels in each feature's properties, which folium applies without a Python styler.
    """
    colors = actors.set_index("actor_id")["color"]
    by_iso = {f["properties"]["iso_3166_2"]: f for f in governorates["features"]}
    features = []
    for row in control.to_dict("records"):
        shape = by_iso.get(row["iso_code"])
        if shape is None:
            continue
        color = colors.get(row["actor_id"], NEUTRAL_COLOR)
        features.append(
            {
                "type": "Feature",
                "id": map_text(row["place_id"]),
                "geometry": shape["geometry"],
                "properties": {
                    "id": map_text(row["place_id"]),
                    "style": {
                        "color": color,
                        "weight": 2,
                        "fillColor": color,
                        "fillOpacity": 0.25 if row["uncertain"] else 0.45,
                        "dashArray": "6 6" if row["uncertain"] else None,
                        "className": "gov-" + css_token(row["place_id"]),
                    },
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def governorate_layer(control: pd.DataFrame, governorates: Mapping, actors: pd.DataFrame) -> folium.FeatureGroup:
    """Shaded governorates, one GeoJSON layer."""
    group = folium.FeatureGroup(name="Governorates as claimed")
    folium.GeoJson(governorate_features(control, governorates, actors), name="governorate control").add_to(group)
    return group


def clicked_place_id(map_value: Mapping | None) -> str | None:
    """The place id of the feature last clicked on the map, from st_folium's return value."""
    drawing = (map_value or {}).get("last_active_drawing") or {}
    props = drawing.get("properties") or {}
    place_id = props.get("id") or drawing.get("id")
    return html.unescape(place_id) if isinstance(place_id, str) and place_id else None


def marker_table(
    states: pd.DataFrame, places: pd.DataFrame, actors: pd.DataFrame, statuses: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Place states (asof.place_states) joined to names, kinds and positions, and to the facility
    statuses (asof.facility_status), with a color: the actor of the control claim, else for a
    facility the actor of its status claims, else neutral."""
    located = places.set_index("place_id")[["name", "kind", "lat", "lon"]]
    table = states.join(located, how="inner")
    if statuses is not None:
        table = table.join(statuses, how="left")
    for column in ("status", "status_text", "status_actor"):
        table[column] = table[column].fillna("").astype("str") if column in table else ""
    table = table.reset_index()
    colors = actors.set_index("actor_id")["color"]
    table["color"] = (
        table["actor_id"].map(colors).fillna(table["status_actor"].map(colors)).fillna(NEUTRAL_COLOR).astype("str")
    )
    return table
