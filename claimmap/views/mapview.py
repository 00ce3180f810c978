"""Folium layers for the dashboard's map.

The map is split the way streamlit-folium needs it to avoid remounts: `base_map` is built the same
on every rerun (only the tables' actors and the extent of the places feed it), and everything that
depends on the date goes into the feature groups from `place_layer` and `governorate_layer`, which
the dashboard passes through `st_folium(feature_group_to_add=...)`.

The drawing is done in the browser by claimmap-map.js (map_frontend/), a static file the map's
frame loads once with the basemap it fetches; a rerun sends only data to it.

Escaping: text from the tables reaches the browser as JSON (`script_json`, with every character
that could end a script or a JS template literal escaped) and is set there as textContent, never
as HTML. The legend is HTML built here, so its text goes through `map_text`.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from typing import Any

import folium
import pandas as pd
import xyzservices
from branca.element import Element, Figure, MacroElement
from jinja2 import Template

from claimmap.analysis.asof import FACILITY_STATUS_WORDS, NEUTRAL_COLOR
from claimmap.analysis.viewport import CELL_PX, CLUSTER_MIN, Viewport
from claimmap.problems import without_bidi_controls
from claimmap.views.assets import BASEMAP_NAMES, BASEMAP_URL, CLAIMMAP_CSS, CLAIMMAP_JS, MAP_CSS, MAP_JS
from geo.boundaries import BASEMAP_WINDOW

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
KIND_WORDS = {
    "airbase": "air base",
    "naval_base": "naval base",
    "port": "port",
    "facility": "facility",
    "city": "city",
    "town": "town",
    "governorate": "governorate",
    "country": "country",
}
SHAPE_WORDS = {
    "facility": "square: facility, exact position",
    "town": "circle: town or city centre",
    "area": "large ring: the whole province or country",
}
# The sign for each state a facility is claimed to be in, drawn in a strip under its marker.
STATUS_SIGNS = {"operating": "✓", "isolated": "⊘", "withdrawing": "↗", "entered": "⚑"}
# Syria's extent: the view when no place with claims lies on the basemap.
SYRIA_BOUNDS = [[32.3, 35.6], [37.35, 42.4]]
MAP_ZOOM = 7  # before the map is fitted to its places
FIT_MARGIN_DEG = 0.35  # around the places with claims, so markers and labels are not on the edge
MIN_FIT_SPAN_DEG = 1.5  # a single place is shown with its surroundings

MARKER_SIZE = {"facility": 16, "town": 18, "area": 30}
# Small, exact markers stay clickable above the large area rings; the selected one above all.
# (Leaflet adds the marker's pixel row to these, so they are far apart.)
MARKER_LAYER = {"area": 0, "town": 1000, "facility": 2000}
SELECTED_LAYER = 4000
SHAPE_RANK = {"facility": 0, "town": 1, "area": 2}  # which name keeps its label when names collide

# Where points crowd (CLUSTER_MIN or more in one CELL_PX square on screen) they leave the map for
# a bubble with their count; fewer are fanned out so that none hides another. Beyond
# viewport.MAX_MARKERS places the server does the same for what is on screen (analysis.viewport).

_SCRIPT_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "'": "\\u0027",
    "`": "\\u0060",
    "$": "\\u0024",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
_SCRIPT_ESCAPE = re.compile("|".join(map(re.escape, _SCRIPT_ESCAPES)))


def map_text(value: Any) -> str:
    """Escape text for HTML and for the JS template literals folium wraps it in; reordering
    controls are shown as their code."""
    escaped = html.escape(without_bidi_controls(str(value)), quote=True)
    return escaped.replace("\\", "&#92;").replace("`", "&#96;").replace("$", "&#36;")


_HEX_COLOR = re.compile(r"#[0-9A-Fa-f]{6}")


def css_color(value: object) -> str:
    """`value` if it is a #RRGGBB colour, else the neutral grey: whatever a custom schema lets
    through, only a colour reaches a style."""
    return value if isinstance(value, str) and _HEX_COLOR.fullmatch(value) else NEUTRAL_COLOR


def actor_colors(actors: pd.DataFrame) -> pd.Series:
    """Each actor's colour by actor_id, checked by css_color."""
    return actors.set_index("actor_id")["color"].map(css_color)


def script_json(value: Any) -> str:
    """`value` as a JSON literal safe inside a <script> and inside a JS template literal.

    The same value once parsed, except that reordering controls in strings are shown as their
    code (<U+202E>): only characters that could end the script, open an interpolation or a
    template literal (and literal backslashes) are written as \\u escapes.
    """
    text = without_bidi_controls(json.dumps(value, ensure_ascii=False, allow_nan=False)).replace("\\\\", "\\u005c")
    return _SCRIPT_ESCAPE.sub(lambda m: _SCRIPT_ESCAPES[m.group()], text)


def css_token(value: str) -> str:
    """A string reduced to characters that are safe in a CSS class name."""
    return re.sub(r"[^a-z0-9_-]", "-", str(value).lower())


class _Text(Element):
    """Text that goes into the page as it is."""

    def __init__(self, text: str):
        super().__init__()
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text


class _RenderedAsText(MacroElement):
    """branca's MacroElement.render, except that each rendered macro (header, html, script) goes
    into the page as text: branca compiles it as a new Jinja template on every rerun, which is slow
    (a few ms a map, more for a large data literal such as the places) and reads table text as
    template code ('{%' in a name raised). Put before folium's class in the bases of a subclass, it
    ends that class's chain of render calls. (streamlit-folium reads the script macros itself.)"""

    def render(self, **kwargs: Any) -> str:
        figure = self.get_root()
        assert isinstance(figure, Figure), "a map element renders inside a Figure"
        macros = self._template.module.__dict__
        for part in ("header", "html", "script"):
            if part in macros:
                getattr(figure, part).add_child(_Text(macros[part](self, kwargs)), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)
        return ""


class _Map(folium.Map, _RenderedAsText):
    pass


class _TileLayer(folium.TileLayer, _RenderedAsText):
    pass


class _LayerControl(folium.LayerControl, _RenderedAsText):
    pass


class _FeatureGroup(folium.FeatureGroup, _RenderedAsText):
    pass


class _Script(_RenderedAsText):
    """One call into claimmap-map.js, `claimmap.FUNCTION(parent, data)`, for the element it is
    added to; `data` is a JSON literal from `script_json`."""

    _template = Template("""
{% macro script(this, kwargs) %}
claimmap.{{ this.function }}({{ this._parent.get_name() }}, {{ this.data }});
{% endmacro %}
""")

    def __init__(self, function: str, data: str):
        super().__init__()
        self._name = "ClaimmapScript"
        self.function = function
        self.data = data


_LEGEND = Template("""
{% macro script(this, kwargs) %}
var {{ this.get_name() }} = L.control({position: "bottomright"});
{{ this.get_name() }}.onAdd = function () {
    var div = L.DomUtil.create("div", "claimmap-legend");
    div.innerHTML = {{ this.html | tojson }};
    L.DomEvent.disableClickPropagation(div);
    return div;
};
{{ this.get_name() }}.addTo({{ this._parent.get_name() }});
{% endmacro %}
""")


class Legend(_RenderedAsText):
    """A legend box in a map corner, folded until opened; `html_text` must already be escaped."""

    def __init__(self, html_text: str):
        super().__init__()
        self._name = "Legend"
        self.html = html_text
        self._template = _LEGEND


def legend_html(actors: pd.DataFrame) -> str:
    """Legend text: actor colors with names, then what shapes and line styles mean, in words."""
    rows = [
        f'<span class="chip" style="background:{css_color(c)}"></span>{map_text(n)}'
        for n, c in zip(actors["name"], actors["color"])
    ]
    rows.append(f'<span class="chip" style="background:{NEUTRAL_COLOR}"></span>no control claim')
    rows += [map_text(w) for w in SHAPE_WORDS.values()]
    rows += [
        '<span class="chip ring"></span>dotted ring: parts of the area claimed, not the whole',
        "dashed, faded: date only approximate",
        "white fill: no independent corroboration",
        "<b>!</b> contested: sources disagree",
        "under a facility, the state claimed: "
        + ", ".join(f"<b>{sign}</b> {map_text(FACILITY_STATUS_WORDS[status])}" for status, sign in STATUS_SIGNS.items())
        + " (its color: the actor those claims name)",
        "<b>?</b> only alleged, presumed or rumored",
        "thin line to a dot: marker moved aside; the dot is the true position",
        "dark disc with a number: that many places; click to zoom in",
    ]
    return "<details><summary>Legend</summary>" + "<br>".join(rows) + "</details>"


def bounds_viewport(bounds: list[list[float]], zoom: float = MAP_ZOOM) -> Viewport:
    """`bounds` ([[south, west], [north, east]]) as the view the map shows before it reports its own."""
    (south, west), (north, east) = bounds
    return Viewport(south, west, north, east, zoom)


def claim_bounds(places: pd.DataFrame) -> list[list[float]]:
    """[[south, west], [north, east]] around the located `places` (lat, lon) that lie on the
    basemap, with a margin; Syria's extent when none does."""
    west, south, east, north = BASEMAP_WINDOW
    on_map = places[places["lat"].between(south, north) & places["lon"].between(west, east)]
    if on_map.empty:
        return SYRIA_BOUNDS
    bounds = []
    for low, high in ((on_map["lat"].min(), on_map["lat"].max()), (on_map["lon"].min(), on_map["lon"].max())):
        grow = max(FIT_MARGIN_DEG, (MIN_FIT_SPAN_DEG - (high - low)) / 2)
        bounds.append((float(low) - grow, float(high) + grow))
    (lat0, lat1), (lon0, lon1) = bounds
    return [[round(lat0, 4), round(lon0, 4)], [round(lat1, 4), round(lon1, 4)]]


class _Credit(_RenderedAsText):
    """The basemap's credit line in Leaflet's attribution box; `text` must already be escaped."""

    _template = Template("""
{% macro script(this, kwargs) %}
{{ this._parent.get_name() }}.attributionControl.addAttribution({{ this.text | tojson }});
{% endmacro %}
""")

    def __init__(self, text: str):
        super().__init__()
        self._name = "Credit"
        self.text = text


def base_map(actors: pd.DataFrame, attribution: str, bounds: list[list[float]] = SYRIA_BOUNDS) -> folium.Map:
    """The date-independent map: fitted to `bounds`, the offline basemap (fetched by the browser),
    optional OSM tiles, the legend, local JS/CSS."""
    (south, west), (north, east) = bounds
    m = _Map(
        location=((south + north) / 2, (west + east) / 2),
        zoom_start=MAP_ZOOM,
        min_zoom=4,
        tiles=None,
        control_scale=True,
        zoom_snap=0.25,  # fractional zoom lets the places fill narrow maps too
        # Leaflet's keyboard handler focuses the map on mouse-down, which scrolls the page
        # around the map's frame and swallows the click; markers are tab stops of their own.
        keyboard=False,
    )
    m.fit_bounds(bounds)
    m.default_js = MAP_JS + CLAIMMAP_JS
    m.default_css = MAP_CSS + CLAIMMAP_CSS
    _Script("basemap", script_json({"base": BASEMAP_URL, "files": BASEMAP_NAMES})).add_to(m)
    _TileLayer(
        xyzservices.providers.OpenStreetMap.Mapnik,  # by name, folium searches every provider (~5 ms)
        name="OpenStreetMap tiles (online only)",
        attr=OSM_ATTRIBUTION,
        overlay=True,
        show=False,
    ).add_to(m)
    _Credit(map_text(attribution)).add_to(m)
    Legend(legend_html(actors)).add_to(m)
    _LayerControl(collapsed=True).add_to(m)
    return m


PARTS_WORDS = "as claimed of unnamed parts of it, not the whole"


def _holder_words(places: pd.DataFrame) -> pd.DataFrame:
    whole = places["actor_id"] != ""
    parts = places["partial_actor_id"] != ""
    holder = ("Held by " + places["holder"] + ", as claimed").where(whole, "No claim on this day of who holds it")
    holder = holder.where(whole | ~parts, "Parts held by " + places["partial_holder"] + ", " + PARTS_WORDS)
    later = ("Later: parts held by " + places["partial_holder"] + ", " + PARTS_WORDS).where(whole & parts, "")
    return pd.DataFrame({"holder": holder, "parts": later})


def _status_lines(places: pd.DataFrame) -> pd.Series:
    """Per place, one line per state its facility is claimed to be in, with its sign and who claims it."""
    status = places["status"] if "status" in places else pd.Series("", index=places.index)
    text = places["status_text"] if "status_text" in places else status
    return pd.Series(
        [
            [f"{STATUS_SIGNS.get(token, '')} claimed {words}" for token, words in zip(s.split(), w.split(" · "))]
            for s, w in zip(status.fillna(""), text.fillna(""))
        ],
        index=places.index,
    )


def place_tooltips(places: pd.DataFrame) -> pd.Series:
    """Per marker, the lines of its tooltip: what it is, who holds it, the facility status claimed
    and by whom, and its doubt marks, in words (the marks' signs as in the legend)."""
    flags = pd.DataFrame(
        {
            "kind": places["kind"].map(KIND_WORDS).fillna(places["kind"]),
            **_holder_words(places),
            "uncertain": places["uncertain"].map({True: "Date only approximate", False: ""}),
            "contested": places["contested"].map({True: "! contested: sources disagree", False: ""}),
            "doubtful": places["doubtful"].map({True: "? only alleged, presumed or rumored", False: ""}),
            "corroborated": places["corroborated"].map(
                {True: "Independently corroborated", False: "Not independently corroborated"}
            ),
            "count": places["n_holding"].astype(str) + " claim(s) holding on this day",
        }
    )
    status = _status_lines(places)
    return pd.Series(
        [
            [line for line in row[:2] if line] + lines + [line for line in row[2:] if line]
            for row, lines in zip(flags.itertuples(index=False), status)
        ],
        index=places.index,
    )


def place_features(places: pd.DataFrame) -> dict:
    """GeoJSON FeatureCollection of place markers, in reading order (north to south).

    `places` is a `marker_table`. Each feature's id and properties.id are the place_id, so a click
    maps back to its claims; `tooltip` is its lines in words, `aria` the same for screen readers.
    """
    places = places.sort_values(["lat", "lon"], ascending=[False, True])
    shape = places["kind"].map(SHAPE_BY_KIND).fillna("town")
    flags = (
        places["uncertain"].map({True: " uncertain", False: ""})
        + places["contested"].map({True: " contested", False: ""})
        + places["doubtful"].map({True: " doubtful", False: ""})
        + (~places["corroborated"]).map({True: " hollow", False: ""})
        + ((places["actor_id"] == "") & (places["partial_actor_id"] != "")).map({True: " partial", False: ""})
    )
    status = places["status"].fillna("") if "status" in places else pd.Series("", index=places.index)
    status_classes = status.map(lambda s: "".join(f" status-{token}" for token in s.split()))
    classes = "claim-marker shape-" + shape + " place-" + places["place_id"].map(css_token) + flags + status_classes
    tooltips = place_tooltips(places)
    order = pd.DataFrame({"shape": shape.map(SHAPE_RANK), "n": -places["n_claims"]})
    ranked = order.sort_values(["shape", "n"], kind="stable").index
    rank = pd.Series(range(len(ranked)), index=ranked)
    table = pd.DataFrame(
        {
            "id": places["place_id"].map(map_text),
            "name": places["name"].astype(str),
            "tooltip": tooltips,
            "aria": places["name"].astype(str) + ": " + tooltips.map("; ".join) + ". Enter selects it.",
            "color": places["color"],
            "classes": classes,
            "shape": shape,
            "size": shape.map(MARKER_SIZE),
            "z": shape.map(MARKER_LAYER),
            "rank": rank,
            "contested": places["contested"],
            "doubtful": places["doubtful"],
            "status_signs": status.map(lambda s: "".join(STATUS_SIGNS.get(token, "") for token in s.split())),
            "status_words": status.map(
                lambda s: "claimed: " + "; ".join(FACILITY_STATUS_WORDS[token] for token in s.split()) if s else ""
            ),
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


def bubble_data(clusters: pd.DataFrame) -> list[dict]:
    """Count bubbles for the crowded cells the server summed up (viewport.on_screen's clusters:
    lat, lon, n_places, n_contested): numbers only, no place id, so a click selects nothing."""
    return [
        {"lat": lat, "lon": lon, "n": n, "label": f"{n} places" + (f", {c} contested" if c else "") + ": zoom in"}
        for lat, lon, n, c in zip(
            clusters["lat"].tolist(),
            clusters["lon"].tolist(),
            clusters["n_places"].tolist(),
            clusters["n_contested"].tolist(),
        )
    ]


def place_layer_data(places: pd.DataFrame, clusters: pd.DataFrame | None = None) -> str:
    """What `place_layer` sends to the browser, as a JSON literal: the same whichever place is
    selected, so it is worked out once per day and view, not once per click. `clusters` are cells
    the server summed up (many places: only what is on screen is sent), drawn as bubbles."""
    data = place_features(places)
    data.update(
        window=list(BASEMAP_WINDOW),
        clusterCell=CELL_PX,
        clusterMin=CLUSTER_MIN,
        selectedZ=SELECTED_LAYER,
        bubbles=[] if clusters is None else bubble_data(clusters),
    )
    return script_json(data)


def place_layer(data: str, selected: str | None = None) -> folium.FeatureGroup:
    """Every place marker as one layer (`data` from place_layer_data), drawn by claimmap.places:
    named, fanned out where they overlap, clustered where they crowd; places beyond the basemap
    are listed in a corner box. The `selected` place is drawn above the others, ringed, its name
    placed first."""
    group = _FeatureGroup(name="Places as claimed")
    _Script("places", data + ", " + script_json(map_text(selected) if selected else None)).add_to(group)
    return group


def governorate_features(control: pd.DataFrame, actors: pd.DataFrame, names: Mapping[str, str]) -> list[dict]:
    """Per governorate that a control claim covers: its ISO code, the style of the claimed actor,
    its name (from `names`, place_id -> name) and tooltip lines. The browser adds the shapes.

    `control` has place_id, iso_code, actor_id, uncertain, partial (see asof.governorate_control).
    """
    colors = actor_colors(actors)
    actor_names = actors.set_index("actor_id")["name"]
    areas = []
    for row in control.to_dict("records"):
        color = colors.get(row["actor_id"], NEUTRAL_COLOR)
        holder = actor_names.get(row["actor_id"], row["actor_id"])
        lines = [f"Parts held by {holder}, {PARTS_WORDS}" if row["partial"] else f"Held by {holder}, as claimed"]
        if row["uncertain"]:
            lines.append("Date only approximate")
        # Parts: a dotted outline and no fill, so the area never reads as held as a whole.
        fill = 0.0 if row["partial"] else 0.25 if row["uncertain"] else 0.45
        dash = "2 5" if row["partial"] else "6 6" if row["uncertain"] else None
        areas.append(
            {
                "id": map_text(row["place_id"]),
                "iso": row["iso_code"],
                "name": names.get(row["place_id"], row["place_id"]),
                "tooltip": lines,
                "style": {
                    "color": color,
                    "weight": 3 if row["partial"] else 2,
                    "fillColor": color,
                    "fillOpacity": fill,
                    "dashArray": dash,
                    "className": "gov-" + css_token(row["place_id"]) + (" partial" if row["partial"] else ""),
                },
            }
        )
    return areas


def governorate_layer_data(control: pd.DataFrame, actors: pd.DataFrame, names: Mapping[str, str]) -> str:
    """What `governorate_layer` sends to the browser, as a JSON literal."""
    return script_json({"areas": governorate_features(control, actors, names)})


def governorate_layer(data: str) -> folium.FeatureGroup:
    """Shaded governorates (`data` from governorate_layer_data), one layer; the shapes are taken
    from the basemap already in the browser."""
    group = _FeatureGroup(name="Governorates as claimed")
    _Script("areas", data).add_to(group)
    return group


def clicked_place_id(map_value: Mapping | None) -> str | None:
    """The place id of the feature last clicked on the map, from st_folium's return value."""
    drawing = (map_value or {}).get("last_active_drawing") or {}
    props = drawing.get("properties") or {}
    place_id = props.get("id") or drawing.get("id")
    return html.unescape(place_id) if isinstance(place_id, str) and place_id else None


def newly_clicked_place_id(map_value: Mapping | None, last_seen: Mapping | None) -> str | None:
    """The place clicked since the map's previous report, whose last_active_drawing was
    `last_seen`; None when this report is only a pan or a zoom (a map that reports its view)."""
    drawing = (map_value or {}).get("last_active_drawing")
    return clicked_place_id(map_value) if drawing != last_seen else None


def marker_table(
    states: pd.DataFrame, places: pd.DataFrame, actors: pd.DataFrame, statuses: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Place states (asof.place_states) joined to names, kinds and positions, and to the facility
    statuses (asof.facility_status), with the names `holder` and `partial_holder` and a color: the
    actor holding it (or, without one, holding parts of it), else for a facility the actor of its
    status claims, else neutral."""
    located = places.set_index("place_id")[["name", "kind", "lat", "lon"]]
    table = states.join(located, how="inner")
    if statuses is not None:
        table = table.join(statuses, how="left")
    for column in ("status", "status_text", "status_actor"):
        table[column] = table[column].fillna("").astype("str") if column in table else ""
    table = table.reset_index()
    by_actor = actors.set_index("actor_id")
    shown = table["actor_id"].where(table["actor_id"] != "", table["partial_actor_id"])
    colors = actor_colors(actors)
    table["color"] = (shown.map(colors).fillna(table["status_actor"].map(colors)).fillna(NEUTRAL_COLOR)).astype("str")
    table["holder"] = table["actor_id"].map(by_actor["name"]).fillna(table["actor_id"])
    table["partial_holder"] = table["partial_actor_id"].map(by_actor["name"]).fillna(table["partial_actor_id"])
    return table
