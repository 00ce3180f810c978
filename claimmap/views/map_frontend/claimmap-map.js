/* claimmap's map code: the offline basemap, the place markers and the shaded areas.
 *
 * Served as a static file and loaded once by the map's frame, like Leaflet itself. The page's
 * reruns send only data, as calls to claimmap.places(group, data) and claimmap.areas(group, data);
 * the basemap's GeoJSON files are fetched once, when the map is first drawn.
 *
 * Text from the tables is only ever set as textContent, never parsed as HTML.
 */
(function () {
  "use strict";
  var cm = (window.claimmap = window.claimmap || {});

  var PANES = { land: 150, syria: 160, lines: 420, labels: 450 };
  var LABEL_PAD = 2; // px kept free around every label
  var MARKER_GAP = 3; // px kept free between markers after fan-out
  var LABEL_SIDES = ["right", "left", "top", "bottom"];
  var LABEL_GAP = 6; // px between a marker and its name (as in claimmap-map.css)
  var RING_CORE = 7; // px around an area ring's centre that no name covers
  var MARK_ROOM = 10; // px more beside a ! or ? mark (as in claimmap-map.css)
  var STATUS_GAP = 4; // px between a facility and its status strip below (as in claimmap-map.css)

  function element(tag, className, text) {
    var e = document.createElement(tag);
    if (className) { e.className = className; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  function overlaps(a, b) {
    return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
  }

  function padded(rect, pad) {
    return [rect[0] - pad, rect[1] - pad, rect[2] + pad, rect[3] + pad];
  }

  function inside(rect, outer) {
    return rect[0] >= outer[0] && rect[1] >= outer[1] && rect[2] <= outer[2] && rect[3] <= outer[3];
  }

  /* The map's visible area in layer points. */
  function viewRect(map) {
    var size = map.getSize(), origin = map.containerPointToLayerPoint([0, 0]);
    return [origin.x, origin.y, origin.x + size.x, origin.y + size.y];
  }

  function makePane(map, name, z, noPointer) {
    var pane = map.createPane("claimmap-" + name);
    pane.style.zIndex = z;
    if (noPointer) { pane.style.pointerEvents = "none"; }
    return "claimmap-" + name;
  }

  // ---------------------------------------------------------------- basemap

  /* Land, Syria, its governorates, borders, coast and labels, fetched from `options.base`. */
  cm.basemap = function (map, options) {
    cm.map = map;
    cm.labels = [];
    var land = makePane(map, "land", PANES.land, true);
    var syria = makePane(map, "syria", PANES.syria, true);
    var lines = makePane(map, "lines", PANES.lines, true);
    var labels = makePane(map, "labels", PANES.labels, true);
    function get(name) {
      return fetch(options.base + name).then(function (response) {
        if (!response.ok) { throw new Error(name + ": HTTP " + response.status); }
        return response.json();
      });
    }
    cm.ready = Promise.all(options.files.map(get)).then(function (parts) {
      var data = {};
      options.files.forEach(function (name, i) { data[name.replace(".geojson", "")] = parts[i]; });
      L.geoJSON(data.levant_land, {
        pane: land, interactive: false, style: { stroke: false, fillColor: "#eeeeea", fillOpacity: 1 },
      }).addTo(map);
      L.geoJSON(data.syria_outline, {
        pane: syria, interactive: false, style: { stroke: false, fillColor: "#fbf8ef", fillOpacity: 1 },
      }).addTo(map);
      L.geoJSON(data.syria_governorates, {
        pane: lines, interactive: false, style: { color: "#aaa59a", weight: 0.8, fill: false },
      }).addTo(map);
      L.geoJSON(data.levant_borders, {
        pane: lines, interactive: false,
        style: function (f) {
          return f.properties.kind === "coast"
            ? { color: "#7a9fbd", weight: 0.8 }
            : { color: "#a0a09a", weight: 1, dashArray: "4 3" };
        },
      }).addTo(map);
      L.geoJSON(data.syria_outline, {
        pane: lines, interactive: false,
        filter: function (f) { return f.properties.kind === "country"; },
        style: { color: "#555", weight: 1.5, fill: false },
      }).addTo(map);
      addLabels(map, labels, data);
      cm.relayout();
      return data;
    });
    cm.ready.catch(function (err) { console.error("claimmap basemap:", err); });
    map.on("moveend", cm.relayout); // after a zoom too; labels that now fit the view reappear
  };

  function labelOrder(kind, minZoom) {
    // Lower first: kept when labels collide.
    return { sea: 0, country: 1, capital: 2 }[kind] !== undefined
      ? { sea: 0, country: 1, capital: 2 }[kind]
      : kind === "governorate" ? 4 : minZoom <= 6 ? 3 : 5;
  }

  function addLabels(map, pane, data) {
    var points = data.levant_labels.features.map(function (f) {
      var p = f.properties;
      return { name: p.name, kind: p.kind, minZoom: p.min_zoom, lon: f.geometry.coordinates[0],
        lat: f.geometry.coordinates[1] };
    });
    data.syria_governorates.features.forEach(function (f) {
      var p = f.properties;
      points.push({ name: p.name_en, kind: "governorate", minZoom: 7, lat: p.label_lat, lon: p.label_lon });
    });
    points.forEach(function (point, i) { point.order = labelOrder(point.kind, point.minZoom) * 1000 + i; });
    points.sort(function (a, b) { return a.order - b.order; });
    cm.labels = points.map(function (point) {
      var icon = L.divIcon({ className: "basemap-label kind-" + point.kind, html: element("span", "", point.name),
        iconSize: null });
      var marker = L.marker([point.lat, point.lon], { icon: icon, pane: pane, interactive: false, keyboard: false })
        .addTo(map);
      return { marker: marker, kind: point.kind, minZoom: point.minZoom, latlng: marker.getLatLng() };
    });
  }

  /* Basemap labels yield to the places with claims, then to each other, in order. */
  function declutterLabels(map, obstacles) {
    var zoom = map.getZoom(), view = viewRect(map);
    var taken = obstacles.slice();
    cm.labels.forEach(function (label) {
      var node = label.marker.getElement();
      if (!node) { return; }
      var show = label.minZoom <= zoom + 1e-6;
      if (show) {
        if (!label.w) {
          label.w = node.firstChild.offsetWidth;
          label.h = node.firstChild.offsetHeight;
        }
        var p = map.latLngToLayerPoint(label.latlng);
        var centred = label.kind !== "city" && label.kind !== "capital";
        var left = centred ? p.x - label.w / 2 : p.x - 3;
        // A centred name (a country, the sea) whose point is in view slides in rather than be cut.
        var shift = centred && p.x > view[0] && p.x < view[2]
          ? Math.max(0, view[0] + LABEL_PAD - left) - Math.max(0, left + label.w + LABEL_PAD - view[2]) : 0;
        left += shift;
        node.firstChild.style.marginLeft = shift ? shift + "px" : "";
        var rect = padded([left, p.y - label.h / 2, left + label.w + 3, p.y + label.h / 2], LABEL_PAD);
        show = inside(rect, view) && !taken.some(function (o) { return overlaps(o, rect); });
        if (show) { taken.push(rect); }
      }
      node.classList.toggle("cm-hidden", !show);
    });
  }

  cm.relayout = function () {
    var map = cm.map;
    if (!map) { return; }
    var obstacles = cm.current && cm.current._map ? cm.current.layout() : [];
    declutterLabels(map, obstacles);
  };

  // ---------------------------------------------------------------- places

  function markerIcon(p) {
    var box = element("div", "marker-box");
    var dot = element("div", "dot");
    dot.style.borderColor = p.color;
    dot.style.background = p.color;
    [["contested", "!", "sources disagree"], ["doubtful", "?", "only alleged, presumed or rumored"]].forEach(
      function (flag) {
        if (!p[flag[0]]) { return; }
        var mark = element("span", "mark-" + flag[0], flag[1]);
        mark.title = flag[2];
        dot.appendChild(mark);
      });
    box.appendChild(dot);
    if (p.status_signs) { // the states a facility is claimed to be in, under it
      var strip = element("span", "mark-status", p.status_signs);
      strip.title = p.status_words;
      box.appendChild(strip);
    }
    box.appendChild(element("span", "place-label", p.name));
    return L.divIcon({ html: box, className: p.classes, iconSize: [p.size, p.size] });
  }

  function tooltipContent(p) {
    var box = element("div", "claim-tooltip");
    box.appendChild(element("b", "", p.name));
    p.tooltip.forEach(function (line) { box.appendChild(element("div", "", line)); });
    return box;
  }

  function select(marker) {
    // Propagated, so streamlit-folium's click handler on the layer sees which feature it was.
    marker.fire("click", { latlng: marker.getLatLng() }, true);
  }

  function inWindow(latlng, w) {
    return latlng.lng >= w[0] && latlng.lat >= w[1] && latlng.lng <= w[2] && latlng.lat <= w[3];
  }

  /* The circles an item takes (offsets from its centre): the marker, and a row of small ones
     along the status strip under a facility, so that the strip hides no other marker either. */
  function itemCircles(it) {
    var circles = [{ dx: 0, dy: 0, r: it.r }];
    if (it.sh) {
      var n = Math.max(1, Math.ceil(it.sw / it.sh)), step = it.sw / n, r = it.sh / 2 + MARKER_GAP;
      var dy = it.marker.feature.properties.size / 2 + STATUS_GAP + it.sh / 2;
      for (var k = 0; k < n; k++) { circles.push({ dx: -it.sw / 2 + step * (k + 0.5), dy: dy, r: r }); }
    }
    return circles;
  }

  /* Push overlapping items apart (pixel space), a few rounds, neighbours found on a grid. */
  function fanOut(items) {
    if (items.length < 2) { return; }
    items.forEach(function (it) {
      it.circles = itemCircles(it);
      it.reach = Math.max.apply(null, it.circles.map(function (c) { return Math.sqrt(c.dx * c.dx + c.dy * c.dy) + c.r; }));
    });
    var cell = 2 * Math.max.apply(null, items.map(function (it) { return it.reach; }));
    for (var round = 0; round < 60; round++) {
      var grid = {};
      items.forEach(function (it, i) {
        var key = Math.floor(it.x / cell) + ":" + Math.floor(it.y / cell);
        (grid[key] = grid[key] || []).push(i);
      });
      var moved = false;
      items.forEach(function (a, i) {
        var cx = Math.floor(a.x / cell), cy = Math.floor(a.y / cell);
        for (var dx = -1; dx <= 1; dx++) {
          for (var dy = -1; dy <= 1; dy++) {
            (grid[(cx + dx) + ":" + (cy + dy)] || []).forEach(function (j) {
              if (j <= i) { return; }
              if (separate(a, items[j], i, j)) { moved = true; }
            });
          }
        }
      });
      if (!moved) { return; }
    }
  }

  /* Move a and b apart where a circle of one overlaps a circle of the other; true when they moved. */
  function separate(a, b, i, j) {
    var moved = false;
    a.circles.forEach(function (ca) {
      b.circles.forEach(function (cb) {
        var vx = (b.x + cb.dx) - (a.x + ca.dx), vy = (b.y + cb.dy) - (a.y + ca.dy);
        var d = Math.sqrt(vx * vx + vy * vy), need = ca.r + cb.r;
        if (d >= need) { return; }
        if (d < 0.01) { // same spot: split along a fixed angle per pair, so the result is stable
          var angle = (i * 7 + j * 3) * 0.9;
          vx = Math.cos(angle); vy = Math.sin(angle); d = 1;
        }
        // An area's ring stands at an arbitrary point of the area: it gives way to exact points.
        var share = a.area === b.area ? 0.5 : a.area ? 1 : 0;
        var push = need - d + 0.2;
        a.x -= vx / d * push * share; a.y -= vy / d * push * share;
        b.x += vx / d * push * (1 - share); b.y += vy / d * push * (1 - share);
        moved = true;
      });
    });
    return moved;
  }

  /* Move each area's ring (it stands at an arbitrary point of the area) off the exact points and
     the room their names take on the right; true when a ring moved. */
  function ringsClearNames(items) {
    var rings = items.filter(function (it) { return it.area; });
    var points = items.filter(function (it) { return !it.area; });
    var moved = false;
    rings.forEach(function (ring) {
      points.forEach(function (point) {
        var name = labelRect("right", point, point.marker.feature.properties);
        var box = [point.x - point.r, Math.min(name[1], point.y - point.r), name[2], Math.max(name[3], point.y + point.r)];
        var cx = Math.min(Math.max(ring.x, box[0]), box[2]), cy = Math.min(Math.max(ring.y, box[1]), box[3]);
        var dx = ring.x - cx, dy = ring.y - cy, d = Math.sqrt(dx * dx + dy * dy);
        if (d >= ring.r) { return; }
        if (d < 0.01) { // the ring's centre is inside: leave by the nearest of top, bottom and right
          var up = ring.y - box[1], down = box[3] - ring.y, right = box[2] - ring.x, least = Math.min(up, down, right);
          if (least === up) { ring.y = box[1] - ring.r; } else if (least === down) { ring.y = box[3] + ring.r; } else {
            ring.x = box[2] + ring.r;
          }
        } else {
          ring.x = cx + dx / d * (ring.r + 0.2);
          ring.y = cy + dy / d * (ring.r + 0.2);
        }
        moved = true;
      });
    });
    return moved;
  }

  /* Where a marker's name would be, beside it on `side`; the ! and ? marks take room too. */
  function labelRect(side, it, p) {
    var half = p.size / 2, x = it.x, y = it.y, w = it.w, h = it.h;
    var right = half + LABEL_GAP + (p.contested ? MARK_ROOM : 0);
    var left = half + LABEL_GAP + (p.doubtful ? MARK_ROOM : 0);
    if (side === "right") { return [x + right, y - h / 2, x + right + w, y + h / 2]; }
    if (side === "left") { return [x - left - w, y - h / 2, x - left, y + h / 2]; }
    if (side === "top") { return [x - w / 2, y - half - 4 - h, x + w / 2, y - half - 4]; }
    var below = half + 4 + (it.sh ? it.sh + STATUS_GAP : 0);
    return [x - w / 2, y + below, x + w / 2, y + below + h];
  }

  /* The place markers of one rerun (a FeatureCollection from mapview.place_layer_data, with
     data.bubbles: cells the server summed up), `selected` the id of the selected place (or null). */
  cm.places = function (group, data, selected) {
    data.features.forEach(function (f) {
      var p = f.properties;
      p.selected = f.id === selected;
      if (p.selected) {
        p.classes += " selected";
        p.z = data.selectedZ;
        p.rank = -1;
      }
    });
    var leaders = L.layerGroup();
    var bubbles = L.layerGroup();
    var elsewhere = null;
    var outside = [];
    var layer = L.geoJSON(data, {
      pointToLayer: function (feature, latlng) {
        var p = feature.properties;
        var away = !inWindow(latlng, data.window);
        return L.marker(latlng, { icon: markerIcon(p), keyboard: !away, zIndexOffset: p.z, autoPanOnFocus: false });
      },
      onEachFeature: function (feature, marker) {
        var p = feature.properties;
        marker.trueLatLng = marker.getLatLng();
        if (!inWindow(marker.trueLatLng, data.window)) { outside.push(marker); }
        marker.bindTooltip(tooltipContent(p), { direction: "top", offset: [0, -p.size / 2], opacity: 0.97 });
        marker.on("add", function () {
          var node = marker.getElement();
          node.setAttribute("aria-label", p.aria);
          node.onkeydown = function (event) {
            if (event.key === "Enter" || event.key === " ") {
              event.preventDefault();
              select(marker);
            }
          };
          node.onfocus = function () { marker.openTooltip(); };
          node.onblur = function () { marker.closeTooltip(); };
        });
      },
    });

    layer.layout = function () {
      var map = layer._map;
      var points = [], areas = [];
      leaders.clearLayers();
      bubbles.clearLayers();
      layer.eachLayer(function (marker) {
        marker.setLatLng(marker.trueLatLng);
        if (outside.indexOf(marker) >= 0) { return; }
        (marker.feature.properties.shape === "area" ? areas : points).push(marker);
      });
      var visible = cluster(map, points);
      var items = visible.concat(areas).map(function (marker) {
        var p = map.latLngToLayerPoint(marker.trueLatLng), node = marker.getElement();
        var label = node && node.querySelector(".place-label");
        var strip = node && node.querySelector(".mark-status");
        return { marker: marker, x: p.x, y: p.y, x0: p.x, y0: p.y, r: marker.feature.properties.size / 2 + MARKER_GAP,
          area: marker.feature.properties.shape === "area", label: label,
          w: label ? label.offsetWidth : 0, h: label ? label.offsetHeight : 0,
          sw: strip ? strip.offsetWidth : 0, sh: strip ? strip.offsetHeight : 0 };
      });
      for (var round = 0; round < 4; round++) {
        fanOut(items);
        if (!ringsClearNames(items)) { break; }
      }
      fanOut(items);
      var obstacles = [];
      items.forEach(function (it) {
        if (Math.abs(it.x - it.x0) + Math.abs(it.y - it.y0) > 1) {
          it.marker.setLatLng(map.layerPointToLatLng([it.x, it.y]));
          L.polyline([it.marker.trueLatLng, it.marker.getLatLng()], {
            color: "#333", weight: 1, interactive: false, className: "claim-leader",
          }).addTo(leaders);
          L.circleMarker(it.marker.trueLatLng, {
            radius: 2.5, color: "#333", weight: 1, fillColor: "#fff", fillOpacity: 1, interactive: false,
          }).addTo(leaders);
        }
        obstacles.push({ rect: [it.x - it.r, it.y - it.r, it.x + it.r, it.y + it.r], owner: it, area: it.area });
        if (it.sh) { // the status strip: no name covers it, its own neither
          var top = it.y + it.marker.feature.properties.size / 2 + STATUS_GAP;
          obstacles.push({ rect: [it.x - it.sw / 2, top, it.x + it.sw / 2, top + it.sh] });
        }
        if (it.area) { // a name may cross a ring, never its middle, where a click selects the area
          obstacles.push({ rect: [it.x - RING_CORE, it.y - RING_CORE, it.x + RING_CORE, it.y + RING_CORE], owner: it });
        }
      });
      bubbles.eachLayer(function (bubble) {
        var p = map.latLngToLayerPoint(bubble.getLatLng());
        obstacles.push({ rect: [p.x - 17, p.y - 17, p.x + 17, p.y + 17] });
      });
      placeLabels(items, obstacles, viewRect(map));
      return obstacles.map(function (o) { return o.rect; });
    };

    /* Each name goes where it hides no marker and no other name, inside the view; in a second
       round the names of exact points may cross an area's ring. A name that finds no room is
       hidden (its marker still has it as tooltip and accessible name) until a zoom makes room. */
    function placeLabels(items, obstacles, view) {
      items.sort(function (a, b) { return a.marker.feature.properties.rank - b.marker.feature.properties.rank; });
      var pending = items.filter(function (it) { return it.label; });
      pending.forEach(function (it) {
        LABEL_SIDES.forEach(function (side) { it.label.classList.remove("at-" + side); });
      });
      [false, true].forEach(function (overRings) {
        pending = pending.filter(function (it) {
          if (overRings && it.area) { return true; }
          var p = it.marker.feature.properties;
          var sides = it.area ? ["bottom", "top"] : LABEL_SIDES;
          for (var i = 0; i < sides.length; i++) {
            var rect = padded(labelRect(sides[i], it, p), LABEL_PAD);
            var free = inside(rect, view) && obstacles.every(function (o) {
              return o.owner === it || (overRings && o.area) || !overlaps(o.rect, rect);
            });
            if (free) {
              it.label.classList.add("at-" + sides[i]);
              it.label.classList.remove("cm-hidden");
              obstacles.push({ rect: rect, owner: it });
              return false;
            }
          }
          return true;
        });
      });
      pending.forEach(function (it) { it.label.classList.add("at-right", "cm-hidden"); });
    }

    /* Where points crowd (clusterMin or more in a clusterCell square), they make way for a bubble
       with their count; a click on it zooms in. The selected place always stays itself. */
    function cluster(map, points) {
      var cells = {}, visible = [];
      points.forEach(function (marker) {
        if (marker.feature.properties.selected) {
          visible.push(marker);
          if (!map.hasLayer(marker)) { marker.addTo(map); }
          return;
        }
        var p = map.latLngToLayerPoint(marker.trueLatLng);
        var key = Math.floor(p.x / data.clusterCell) + ":" + Math.floor(p.y / data.clusterCell);
        (cells[key] = cells[key] || []).push(marker);
      });
      Object.keys(cells).forEach(function (key) {
        var members = cells[key];
        var crowded = members.length >= data.clusterMin;
        var lat = 0, lng = 0;
        members.forEach(function (marker) {
          if (crowded) {
            marker.remove();
          } else {
            if (!map.hasLayer(marker)) { marker.addTo(map); }
            visible.push(marker);
          }
          lat += marker.trueLatLng.lat;
          lng += marker.trueLatLng.lng;
        });
        if (!crowded) { return; }
        addBubble(map, L.latLng(lat / members.length, lng / members.length), members.length,
          members.length + " places: zoom in to see them");
      });
      // Cells the server summed up (many places: it sends only what is on screen).
      (data.bubbles || []).forEach(function (b) { addBubble(map, L.latLng(b.lat, b.lon), b.n, b.label); });
      return visible;
    }

    /* A bubble with a count of places; a click zooms in around it. */
    function addBubble(map, center, n, label) {
      var count = element("div", "count", String(n));
      count.title = label;
      L.marker(center, { icon: L.divIcon({ html: count, className: "claim-cluster", iconSize: [34, 34] }),
        zIndexOffset: 3000, keyboard: true })
        .on("click", function () { map.setView(center, map.getZoom() + 2); })
        .on("add", function (e) { e.target.getElement().setAttribute("aria-label", label); })
        .addTo(bubbles);
    }

    function elsewhereControl() {
      var control = L.control({ position: "topright" });
      control.onAdd = function () {
        var box = element("div", "claimmap-elsewhere");
        box.appendChild(element("div", "", "Beyond this map:"));
        outside.forEach(function (marker) {
          var button = element("button", "", marker.feature.properties.name);
          button.type = "button";
          button.title = marker.feature.properties.aria;
          button.onclick = function () { select(marker); };
          box.appendChild(button);
        });
        L.DomEvent.disableClickPropagation(box);
        return box;
      };
      return control;
    }

    layer.on("add", function () {
      var map = layer._map;
      leaders.addTo(map);
      bubbles.addTo(map);
      if (outside.length) { elsewhere = elsewhereControl().addTo(map); }
      cm.current = layer;
      if (!cm.map) { cm.map = map; }
      cm.relayout();
    });
    layer.on("remove", function () {
      leaders.remove();
      bubbles.remove();
      if (elsewhere) { elsewhere.remove(); elsewhere = null; }
      if (cm.current === layer) { cm.current = null; }
    });
    layer.addTo(group);
    return layer;
  };

  // ---------------------------------------------------------------- areas

  /* Governorates shaded as claimed: data.areas is [{id, iso, style, tooltip}], the shapes come
     from the basemap's governorate file once it has loaded. */
  cm.areas = function (group, data) {
    var layer = L.geoJSON(null, {
      style: function (f) { return f.properties.style; },
      onEachFeature: function (feature, shape) {
        var box = element("div", "claim-tooltip");
        box.appendChild(element("b", "", feature.properties.name));
        feature.properties.tooltip.forEach(function (line) { box.appendChild(element("div", "", line)); });
        shape.bindTooltip(box, { sticky: true, opacity: 0.97 });
      },
    }).addTo(group);
    if (!cm.ready) { return layer; }
    cm.ready.then(function (basemap) {
      var shapes = {};
      basemap.syria_governorates.features.forEach(function (f) { shapes[f.properties.iso_3166_2] = f.geometry; });
      data.areas.forEach(function (area) {
        if (!shapes[area.iso]) { return; }
        layer.addData({ type: "Feature", id: area.id, geometry: shapes[area.iso],
          properties: { id: area.id, name: area.name, style: area.style, tooltip: area.tooltip } });
      });
    });
    return layer;
  };
})();
