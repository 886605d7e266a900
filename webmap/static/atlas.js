/* Shanxi Zone Atlas: draws the layers described by a page's JSON config.
 *
 * Safety rule: text from articles is put on the page with textContent (or as the value
 * of a DOM property), never as HTML. Leaflet tooltips and popups get DOM nodes, not strings.
 */
(function () {
  "use strict";
  var Atlas = (window.Atlas = {});
  var pending = 0;

  function busy() { pending += 1; }
  function done() {
    pending -= 1;
    if (pending === 0) document.documentElement.setAttribute("data-atlas-ready", "1");
  }

  var cache = {};
  function load(url) {
    if (!cache[url]) {
      cache[url] = fetch(url, { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) throw new Error(url + ": HTTP " + r.status);
        return r.json();
      });
    }
    return cache[url];
  }

  /* The compact layer format of webmap/compact.py: delta-encoded integer rings. */
  function decodeCompact(doc) {
    var s = doc.scale, out = {};
    doc.features.forEach(function (f) {
      out[f[0]] = f[1].map(function (polygon) {
        return polygon.map(function (flat) {
          var x = 0, y = 0, pts = [];
          for (var i = 0; i < flat.length; i += 2) {
            x += flat[i]; y += flat[i + 1];
            pts.push([y / s, x / s]);
          }
          return pts;
        });
      });
    });
    return out;
  }

  /* The topology of webmap/topology.py: shared county arcs (delta-encoded), counties
   * and cities as rings of arc references (~i: arc i backwards). Decoded once per
   * document and level. */
  function decodeTopology(doc, level) {
    doc.decoded = doc.decoded || {};
    if (doc.decoded[level]) return doc.decoded[level];
    var s = doc.scale;
    var arcs = doc.arcsLatLng || (doc.arcsLatLng = doc.arcs.map(function (flat) {
      var x = 0, y = 0, pts = [];
      for (var i = 0; i < flat.length; i += 2) {
        x += flat[i]; y += flat[i + 1];
        pts.push([y / s, x / s]);
      }
      return pts;
    }));
    function ring(refs) {
      var pts = [];
      refs.forEach(function (ref) {
        var arc = ref >= 0 ? arcs[ref] : arcs[~ref].slice().reverse();
        for (var i = pts.length ? 1 : 0; i < arc.length; i++) pts.push(arc[i]);
      });
      return pts;
    }
    var out = {};
    doc[level].forEach(function (f) {
      out[f[0]] = f[1].map(function (polygon) { return polygon.map(ring); });
    });
    doc.decoded[level] = out;
    return out;
  }

  function decode(doc, level) {
    return doc.arcs ? decodeTopology(doc, level) : decodeCompact(doc);
  }
  Atlas.decode = decode;

  function el(tag, className, text, parent) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (parent) parent.appendChild(node);
    return node;
  }

  function control(position, build) {
    var C = L.Control.extend({
      options: { position: position },
      onAdd: function (map) {
        var box = L.DomUtil.create("div", "leaflet-control atlas-control");
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        build(box, map);
        return box;
      },
    });
    return new C();
  }

  function sourceLine(map, cfg) {
    control("bottomleft", function (box) {
      box.classList.add("atlas-source");
      el("span", null, cfg.attribution, box);
    }).addTo(map);
  }

  function fullscreen(map, cfg) {
    control("topleft", function (box, m) {
      box.classList.add("leaflet-bar");
      var b = el("a", "atlas-fullscreen", null, box);
      // An inline SVG icon built with DOM calls: no icon font, no HTML strings.
      var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
      svg.setAttribute("viewBox", "0 0 16 16");
      svg.setAttribute("width", "16");
      svg.setAttribute("height", "16");
      svg.setAttribute("aria-hidden", "true");
      var path = document.createElementNS("http://www.w3.org/2000/svg", "path");
      path.setAttribute("d", "M1 6V1h5M10 1h5v5M15 10v5h-5M6 15H1v-5");
      path.setAttribute("fill", "none");
      path.setAttribute("stroke", "#333");
      path.setAttribute("stroke-width", "2");
      svg.appendChild(path);
      b.appendChild(svg);
      b.href = "#";
      b.setAttribute("role", "button");
      b.title = cfg.text.fullscreen;
      b.setAttribute("aria-label", cfg.text.fullscreen);
      L.DomEvent.on(b, "click", function (e) {
        L.DomEvent.preventDefault(e);
        var root = m.getContainer().parentNode;
        if (document.fullscreenElement) {
          document.exitFullscreen();
        } else if (root.requestFullscreen) {
          root.requestFullscreen().catch(function () {
            document.body.classList.toggle("atlas-fullscreen-fallback");
          });
        } else {
          document.body.classList.toggle("atlas-fullscreen-fallback");
        }
        setTimeout(function () { m.invalidateSize(); }, 200);
      });
    }).addTo(map);
  }

  /* Embeds tell their host page (embed.js) how tall they want to be. */
  function resizeProtocol(cfg) {
    if (!cfg.embed || window.parent === window) return;
    function post() {
      var w = document.documentElement.clientWidth;
      var h = Math.round(Math.min(Math.max(w * 1.2, 360), 900));
      window.parent.postMessage({ type: "atlas:height", height: h }, "*");
    }
    post();
    window.addEventListener("resize", post);
  }

  function outlines(shapes, names, style, focus) {
    var group = L.featureGroup();
    Object.keys(shapes).forEach(function (code) {
      var s = L.extend({}, style);
      if (focus && code === focus) s = L.extend(s, { color: "#d62728", weight: 3, fillOpacity: 0.08 });
      var poly = L.polygon(shapes[code], s);
      if (style.interactive !== false && names[code]) {
        poly.bindTooltip(el("span", null, names[code]), { sticky: true });
      }
      group.addLayer(poly);
    });
    return group;
  }

  /* Outlines are context, not content: Chrome makes an SVG path with focus listeners (a
     Leaflet tooltip adds them) a Tab stop, which put 117 unnamed outlines before the
     first zone marker. Their names are on hover and in the place pages. */
  function unfocusable(group) {
    group.eachLayer(function (layer) {
      var node = layer.getElement && layer.getElement();
      if (node) node.setAttribute("tabindex", "-1");
    });
  }

  function amountText(p, text) {
    return p.amount === null ? text.unknown_amount : p.amount + " " + text.unit_yi;
  }

  /* The projects of a zone popup, as fetched: each links its project page. */
  function projectList(box, projects, text) {
    var ul = el("ul", "atlas-projects", null, box);
    projects.forEach(function (p) {
      var li = el("li", null, null, ul);
      var name = p.href ? el("a", null, p.name, li) : el("span", null, p.name, li);
      if (p.href) name.href = p.href;
      name.lang = "zh-CN";
      el("span", "atlas-amount", " · " + amountText(p, text) + " · " + p.stage_label, li);
    });
  }

  /* Sources you can follow: title (linked when http(s)), publisher, date, rewording note. */
  function sourceList(box, sources, text) {
    if (!sources.length) return;
    el("h4", null, text.sources, box);
    var ul = el("ul", "atlas-sources", null, box);
    sources.forEach(function (s) {
      var li = el("li", null, null, ul);
      var title;
      if (s.url && /^https?:\/\//.test(s.url)) {
        title = el("a", null, s.title, li);
        title.href = s.url;
        title.rel = "noopener noreferrer";
        title.target = "_blank";
      } else {
        title = el("span", null, s.title, li);
      }
      if (s.titled) title.lang = "zh-CN";
      if (s.publisher) {
        li.appendChild(document.createTextNode(", "));
        el("span", null, s.publisher, li).lang = "zh-CN";
      }
      li.appendChild(document.createTextNode(", " + (s.date || text.date_unknown)));
      if (s.rewording) el("span", "atlas-muted", " · " + text.rewording_note, li);
      if (!s.url) el("span", "atlas-muted", " · " + text.no_url, li);
    });
  }

  /* A popup's projects are not in the page: the first page of them is fetched when the
   * popup opens (load() keeps the answer), with the documents they cite. ``update`` lets
   * Leaflet lay the grown popup out again. */
  function zoneProjects(z, box, text, update) {
    var status = el("p", "atlas-muted atlas-loading", text.loading, box);
    box.setAttribute("aria-busy", "true");
    load(z.projectsUrl).then(function (doc) {
      status.remove();
      projectList(box, doc.projects, text);
      if (doc.total > doc.projects.length) {
        var all = el("a", "atlas-all", text.all_projects + " (" + doc.total + ")", box);
        all.href = z.href;
      }
      sourceList(box, doc.sources, text);
      var more = box.querySelector(".atlas-more");
      if (more) box.appendChild(more);  // the zone page link stays last
      box.removeAttribute("aria-busy");
      box.setAttribute("data-atlas-loaded", "1");
      if (update) update();
    }).catch(function (e) {
      status.textContent = String(e.message || e);
      box.removeAttribute("aria-busy");
    });
  }

  function zoneDetails(box, z, text, update) {
    var dl = el("dl", null, null, box);
    [[text.type, z.typeLabel], [text.level, z.level], [text.place, z.place],
      [text.precision, z.precision]].forEach(function (row) {
      el("dt", null, row[0], dl);
      el("dd", null, row[1], dl);
    });
    el("h4", null, text.projects + " (" + z.projectCount + ")", box);
    if (z.investment !== null) {
      el("p", "atlas-total", text.reported_total + text.colon + z.investment + " " + text.unit_yi, box);
    }
    if (z.projectsUrl) {
      zoneProjects(z, box, text, update);
    } else {
      el("p", "atlas-muted", text.no_projects, box);
      box.setAttribute("data-atlas-loaded", "1");  // nothing to fetch
    }
    var more = el("a", "atlas-more", text.zone_page + " →", box);
    more.href = z.href;
  }

  function zonePopup(z, text, update) {
    var box = el("div", "atlas-popup");
    var h = el("h3", null, null, box);
    var a = el("a", null, z.name, h);
    a.href = z.href;
    a.lang = "zh-CN";
    zoneDetails(box, z, text, update);
    return box;
  }

  /* One marker per seat: its zones, each a <details> with the zone's own popup body. */
  function seatPopup(group, text, openId, update) {
    var box = el("div", "atlas-popup atlas-seat-popup");
    var first = group[0];
    el("h3", null, text.zones_here.replace("{n}", String(group.length)), box);
    if (first.seat) el("p", "atlas-muted", first.precision + " · " + first.seat, box);
    group.forEach(function (z) {
      var d = el("details", "atlas-seat-zone", null, box);
      d.setAttribute("data-zone", z.id);
      if (z.id === openId) d.open = true;
      var sum = el("summary", null, null, d);
      var dot = el("span", "atlas-swatch atlas-dot", null, sum);
      dot.style.background = z.color;
      var name = el("span", null, z.name, sum);
      name.lang = "zh-CN";
      el("span", "atlas-muted", " · " + z.typeLabel + " · " + z.projectCount, sum);
      var body = el("div", null, null, d);
      var h = el("h4", null, null, body);
      var link = el("a", null, z.name, h);
      link.href = z.href;
      link.lang = "zh-CN";
      zoneDetails(body, z, text, update);
    });
    return box;
  }

  var NARROW = "(max-width: 600px)";
  function narrow() { return window.matchMedia && window.matchMedia(NARROW).matches; }

  /* A legend that folds (closed at first on a phone) and hides while a popup is open,
     so it never covers one. */
  function legendBox(map, title, build) {
    control("bottomright", function (box) {
      box.classList.add("atlas-legend");
      var d = el("details", null, null, box);
      d.open = !narrow();
      var sum = el("summary", "atlas-legend-title", title, d);
      sum.setAttribute("aria-label", title);
      build(el("div", "atlas-legend-body", null, d));
    }).addTo(map);
  }

  /* While a popup is open the legend steps aside. A popup opened from the keyboard (a
     focused unit or marker) takes the focus, and gives it back when it closes. */
  function popupAware(map) {
    var c = map.getContainer(), opener = null;
    map.on("popupopen", function (e) {
      c.classList.add("atlas-popup-open");
      var active = document.activeElement;
      opener = active && active !== c && c.contains(active) && !active.closest(".leaflet-popup")
        ? active : null;
      if (opener) {
        var target = e.popup.getElement().querySelector(
          "a.atlas-button, summary, .atlas-popup a, .leaflet-popup-close-button");
        if (target) target.focus();
      }
    });
    map.on("popupclose", function () {
      c.classList.remove("atlas-popup-open");
      if (opener && document.body.contains(opener)) opener.focus();
      opener = null;
    });
  }

  /* The map's own title and coverage, inside the map (and so inside every embed). */
  function mapTitle(map, cfg) {
    if (!cfg.title) return;
    control("topright", function (box) {
      box.classList.add("atlas-map-title");
      var title = el("div", "atlas-map-title-text", cfg.title, box);
      // a zone's name on an English page is Chinese, and says so
      if (/[\u3400-\u9fff]/.test(cfg.title)) title.lang = "zh-CN";
      if (cfg.coverage) el("div", "atlas-map-coverage", cfg.coverage, box);
    }).addTo(map);
    var c = map.getContainer();
    c.setAttribute("role", "region");
    c.setAttribute("aria-label", cfg.title + (cfg.coverage ? " · " + cfg.coverage : ""));
  }

  function precisionKey(box, cls, label) {
    var row = el("div", "atlas-legend-row", null, box);
    el("span", "atlas-key-marker " + cls, null, row);
    el("span", null, label, row);
  }

  function typeLegend(map, cfg) {
    var t = cfg.text;
    legendBox(map, t.legend, function (box) {
      if (cfg.types.length) {
        el("div", "atlas-legend-sub", t.zones, box);
        cfg.types.forEach(function (ty) {
          var row = el("div", "atlas-legend-row", null, box);
          var sw = el("span", "atlas-swatch atlas-dot", null, row);
          sw.style.background = ty[2];
          el("span", null, ty[1], row);
        });
      }
      el("div", "atlas-legend-sub", t.precision_legend, box);
      precisionKey(box, "atlas-key-exact", t.prec_editor);
      precisionKey(box, "atlas-key-county", t.prec_seat);
      precisionKey(box, "atlas-key-city", t.prec_city_seat);
      precisionKey(box, "atlas-key-stack", t.prec_stack);
    });
  }

  // markercluster drops zoomToShowLayer's callback when it is called during a zoom or
  // cluster animation (a search typed while the map still settles): retry until the
  // marker itself is on the map, then open its popup once (at the zone asked for).
  function showZone(map, markers, mk, zoneId) {
    var tries = 0;
    var opened = false;
    mk.atlasOpen = zoneId;
    function attempt() {
      if (opened) return;
      if (markers.getVisibleParent(mk) === mk && mk._icon) {
        opened = true;
        mk.openPopup();
        return;
      }
      if (tries++ < 5) {
        markers.zoomToShowLayer(mk, attempt);
        setTimeout(attempt, 700);
      }
    }
    attempt();
  }

  function search(map, cfg, markers, byId) {
    control("topleft", function (box) {
      box.classList.add("atlas-search");
      var input = el("input", null, null, box);
      input.type = "search";
      input.placeholder = cfg.text.search;
      input.setAttribute("aria-label", cfg.text.search);
      var list = el("datalist", null, null, box);
      list.id = "atlas-zone-names";
      input.setAttribute("list", list.id);
      cfg.zones.forEach(function (z) { el("option", null, null, list).value = z.name; });
      function go() {
        var q = input.value.trim().toLowerCase();
        if (!q) return;
        var hit = cfg.zones.filter(function (z) { return z.name.toLowerCase() === q; })[0] ||
          cfg.zones.filter(function (z) { return z.name.toLowerCase().indexOf(q) >= 0; })[0];
        if (!hit) {
          // Not a zone on this map: the site search knows pinyin, English, places, projects.
          window.location.href = "/search?q=" + encodeURIComponent(input.value.trim()) +
            (cfg.lang === "en" ? "&lang=en" : "");
          return;
        }
        showZone(map, markers, byId[hit.id], hit.id);
      }
      L.DomEvent.on(input, "change", go);
      L.DomEvent.on(input, "keydown", function (e) { if (e.key === "Enter") go(); });
    }).addTo(map);
  }

  /* Zones that share a point (a county or city seat) become one marker listing them:
     the map never pretends to know more than the seat. Editor-set locations are exact. */
  function seatGroups(zones) {
    var groups = {}, order = [];
    zones.forEach(function (z) {
      var key = z.precisionCode === "editor" ? "z:" + z.id : z.latlng.join(",");
      if (!groups[key]) { groups[key] = []; order.push(key); }
      groups[key].push(z);
    });
    return order.map(function (k) { return groups[k]; });
  }

  function seatIcon(group) {
    var z = group[0];
    var exact = z.precisionCode === "editor";
    var cls = exact ? "atlas-zone-exact" : (z.precisionCode === "county" ? "atlas-zone-county" : "atlas-zone-city");
    var dot = el("span", "atlas-zone-dot " + cls);
    if (group.length > 1) {
      dot.classList.add("atlas-zone-stack");
      dot.textContent = String(group.length);
    } else if (exact) {
      dot.style.background = z.color;
    } else {
      dot.style.borderColor = z.color;
    }
    var type = group.length > 1 ? "atlas-stack" : "atlas-zone-" + z.type;
    return L.divIcon({ html: dot, className: "atlas-zone " + type, iconSize: group.length > 1 ? [28, 28] : [24, 24] });
  }

  function seatLabel(group, text) {
    if (group.length === 1) return group[0].name + " · " + group[0].typeLabel + " · " + group[0].precision;
    return text.zones_here.replace("{n}", String(group.length)) +
      (group[0].seat ? " · " + group[0].seat : "") + ": " +
      group.map(function (z) { return z.name; }).join("、");
  }

  /* The tooltip of a seat marker: zone names marked as Chinese, the rest in the page's
     language. */
  function seatTip(group, text) {
    var tip = el("span");
    if (group.length > 1) {
      el("strong", null, text.zones_here.replace("{n}", String(group.length)), tip);
      tip.appendChild(document.createElement("br"));
    }
    group.forEach(function (z, i) {
      if (i) tip.appendChild(document.createElement("br"));
      el("span", null, z.name, tip).lang = "zh-CN";
      tip.appendChild(document.createTextNode(" · " + z.typeLabel));
    });
    return tip;
  }

  /* Cluster icons are buttons: their name says how many zones they hold. */
  function clusterIcon(text) {
    return function (cluster) {
      var n = cluster.getAllChildMarkers().reduce(function (sum, m) {
        return sum + (m.atlasZones ? m.atlasZones.length : 1);
      }, 0);
      var size = n < 10 ? "small" : (n < 100 ? "medium" : "large");
      var box = el("div");
      el("span", null, String(n), box);
      el("span", "visually-hidden", " " + text.zones, box);
      return L.divIcon({ html: box, className: "marker-cluster marker-cluster-" + size,
        iconSize: L.point(40, 40) });
    };
  }

  Atlas.overview = function (map, cfg) {
    busy();
    // markercluster's default radius (80 px): with less, a marker could sit beside a cluster
    // icon closer than WCAG 2.5.8's 24 px spacing (axe found it on the real data at 40).
    var markers = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 80,
      iconCreateFunction: clusterIcon(cfg.text) });
    var byId = {};
    seatGroups(cfg.zones).forEach(function (group) {
      // A DivIcon marker, not a circleMarker: markercluster's zoomToShowLayer waits for an
      // icon element, and icons are focusable (keyboard users can open popups).
      var label = seatLabel(group, cfg.text);
      var mk = L.marker(group[0].latlng, { icon: seatIcon(group), title: label, alt: label });
      mk.atlasZone = group[0].id;
      mk.atlasZones = group.map(function (z) { return z.id; });
      mk.bindTooltip(seatTip(group, cfg.text));
      // Made at the first opening, then kept with its fetched projects: Leaflet calls
      // this again on every update(), which must not start another fetch.
      var box = null;
      mk.bindPopup(function (layer) {
        var open = mk.atlasOpen;
        mk.atlasOpen = null;
        if (!box) {
          // fetched projects change the popup's size: let Leaflet lay it out again
          var update = function () { if (layer.isPopupOpen()) layer.getPopup().update(); };
          box = group.length === 1 ? zonePopup(group[0], cfg.text, update)
            : seatPopup(group, cfg.text, open, update);
        } else if (open) {  // a search result or a keyboard user asked for one zone
          box.querySelectorAll("details[data-zone]").forEach(function (d) {
            d.open = d.getAttribute("data-zone") === open;
          });
        }
        return box;
      }, { maxWidth: 320, autoPanPaddingTopLeft: [10, 60] });
      group.forEach(function (z) { byId[z.id] = mk; });
      markers.addLayer(mk);
    });
    Atlas.zones = markers;
    var layers = L.control.layers(null, null, { collapsed: true }).addTo(map);
    Promise.all([load(cfg.layers.county), load(cfg.layers.city)]).then(function (docs) {
      var counties = outlines(decode(docs[0], "county"), cfg.names,
        { color: "#777", weight: 0.7, fillColor: "#fff", fillOpacity: 0.02 }, cfg.focus);
      var cities = outlines(decode(docs[1], "city"), cfg.names,
        { color: "#333", weight: 2, fill: false, interactive: false }, cfg.focus);
      counties.addTo(map); cities.addTo(map); markers.addTo(map);
      unfocusable(counties);
      layers.addOverlay(cities, cfg.text.cities);
      layers.addOverlay(counties, cfg.text.counties);
      layers.addOverlay(markers, cfg.text.zones + " (" + cfg.zones.length + ")");
      done();
    }).catch(function (e) { console.error(e); });
    if (cfg.search && cfg.zones.length) search(map, cfg, markers, byId);
    // Open a zone's marker (its seat's, at that zone) from a script: links and tests.
    Atlas.openZone = function (id) { if (byId[id]) showZone(map, markers, byId[id], id); };
    fullscreen(map, cfg);
    mapTitle(map, cfg);
    typeLegend(map, cfg);
    sourceLine(map, cfg);
    popupAware(map);
    resizeProtocol(cfg);
  };

  function choroplethLegend(map, cfg) {
    legendBox(map, cfg.legend.title + " (" + cfg.legend.unit + ")", function (box) {
      cfg.legend.rows.forEach(function (r, i) {
        var row = el("div", "atlas-legend-row", null, box);
        var sw = el("span", "atlas-swatch", null, row);
        sw.style.background = r[0];
        sw.setAttribute("data-color", r[0]);
        sw.setAttribute("data-class", String(i));
        el("span", null, r[1], row);
      });
      var nd = el("div", "atlas-legend-row", null, box);
      var sw = el("span", "atlas-swatch atlas-swatch-nodata", null, nd);
      sw.style.background = cfg.noData.color;
      sw.setAttribute("data-color", cfg.noData.color);
      sw.setAttribute("data-class", "nodata");
      el("span", null, cfg.noData.label, nd);
      if (cfg.remainder) el("div", "atlas-remainder", cfg.remainder, box);
      el("div", "atlas-muted", cfg.drillHint || cfg.text.tap_hint, box);
    });
  }

  /* An empty selection says so on the map, with the nearest selection that has data. */
  function emptyNote(map, cfg) {
    if (!cfg.empty) return;
    control("topright", function (box) {
      box.classList.add("atlas-empty-note");
      box.setAttribute("role", "status");
      el("strong", null, cfg.text.empty_selection, box);
      if (cfg.suggestion) {
        var p = el("div", null, cfg.text.nearest + ": ", box);
        var a = el("a", "atlas-suggestion", cfg.suggestion.label + " (" + cfg.suggestion.count + ")", p);
        a.href = cfg.suggestion.href;
      }
    }).addTo(map);
  }

  /* A unit's popup: its value first; drilling down is a button, never the first tap. */
  function unitPopup(cfg, code, u) {
    var box = el("div", "atlas-popup atlas-unit-popup");
    el("h3", null, u[0], box);
    el("p", "atlas-unit-value", cfg.legend.title + ": " + u[1] + (u[2] === null ? "" : " " + cfg.legend.unit), box);
    var actions = el("p", "atlas-actions", null, box);
    if (cfg.drill) {
      var drill = el("a", "atlas-button atlas-drill", cfg.text.drill_button, actions);
      drill.href = cfg.drill.replace("__CITY__", code);
    }
    var place = el("a", "atlas-button atlas-place-link", cfg.text.open_place, actions);
    place.href = u[4];
    if (cfg.embed) { place.target = "_blank"; place.rel = "noopener"; }
    return box;
  }

  Atlas.choropleth = function (map, cfg) {
    busy();
    var loads = [load(cfg.layer)];
    if (cfg.outline) loads.push(load(cfg.outline));
    Promise.all(loads).then(function (docs) {
      var shapes = decode(docs[0], cfg.level);
      var group = L.featureGroup();
      var labels = L.layerGroup();
      // cfg.order: units with values (largest first), then the others, so
      // keyboard users tab through them in the order of the ranking beside the map.
      // (an object's integer-like keys would come back in numeric order, not this one)
      cfg.order.forEach(function (code) {
        var u = cfg.units[code], cls = u[2];
        var style = cls === null
          ? { fillColor: cfg.noData.color, fillOpacity: 0.55, color: "#555", weight: 0.8,
              dashArray: "3 3", className: "atlas-unit atlas-nodata" }
          : { fillColor: cfg.colors[cls], fillOpacity: 0.85, color: "#555", weight: 0.6,
              className: "atlas-unit atlas-cls-" + cls };
        var poly = L.polygon(shapes[code], style);
        var value = cfg.legend.title + ": " + u[1] + (cls === null ? "" : " " + cfg.legend.unit);
        var tip = el("div", "atlas-tip");
        el("strong", null, u[0], tip);
        el("div", null, value, tip);
        poly.bindTooltip(tip, { sticky: true });
        poly.bindPopup(function () { return unitPopup(cfg, code, u); }, { maxWidth: 280 });
        poly.atlasCode = code;
        poly.on("mouseover", function () { poly.setStyle({ weight: 2.5 }); });
        poly.on("mouseout", function () { poly.setStyle({ weight: style.weight }); });
        poly.on("add", function () {
          var node = poly.getElement();
          node.setAttribute("tabindex", "0");
          node.setAttribute("role", "button");
          node.setAttribute("aria-label", u[0] + ", " + value);
          node.setAttribute("data-adcode", code);
          L.DomEvent.on(node, "keydown", function (e) {
            if (e.key === "Enter" || e.key === " ") {
              L.DomEvent.preventDefault(e);
              poly.openPopup(L.latLng(u[3][0], u[3][1]));
            }
          });
          L.DomEvent.on(node, "focus", function () { poly.setStyle({ weight: 3, color: "#000" }); });
          L.DomEvent.on(node, "blur", function () { poly.setStyle({ weight: style.weight, color: "#555" }); });
        });
        group.addLayer(poly);
        if (u[5] && u[3]) {
          var label = L.tooltip({ permanent: true, direction: "center", className: "atlas-label",
            interactive: false, opacity: 1 });
          label.setLatLng(u[3]);
          var text = el("span", null, null);
          el("span", "atlas-label-name", u[0], text);
          el("span", "atlas-label-value", u[1], text);
          label.setContent(text);
          labels.addLayer(label);
        }
      });
      group.addTo(map);
      labels.addTo(map);
      if (docs[1]) {
        var codes = {};
        Object.keys(cfg.units).forEach(function (c) { codes[c.slice(0, 4) + "00"] = true; });
        var cities = decode(docs[1], "city"), keep = {};
        Object.keys(cities).forEach(function (c) { if (codes[c]) keep[c] = cities[c]; });
        outlines(keep, {}, { color: "#222", weight: 2, fill: false, interactive: false }).addTo(map);
      }
      Atlas.units = group;
      Atlas.labels = labels;
      done();
    }).catch(function (e) { console.error(e); });
    fullscreen(map, cfg);
    mapTitle(map, cfg);
    emptyNote(map, cfg);
    choroplethLegend(map, cfg);
    sourceLine(map, cfg);
    popupAware(map);
    resizeProtocol(cfg);
  };

  /* Pages with a filter form: folded on a phone, so the map gets the screen. */
  document.addEventListener("DOMContentLoaded", function () {
    var filters = document.querySelector("details.atlas-filters");
    if (filters && narrow()) filters.open = false;
  });
})();
