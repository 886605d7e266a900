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

  /* A popup's projects are not in the page: the first page of them is fetched when the
   * popup opens (once per zone: load() keeps the answer), with the documents they cite. */
  function zoneProjects(z, box, text) {
    var status = el("p", "atlas-muted atlas-loading", text.loading, box);
    var ul = el("ul", "atlas-projects", null, box);
    box.setAttribute("aria-busy", "true");
    load(z.projectsUrl).then(function (doc) {
      status.remove();
      doc.projects.forEach(function (p) {
        var li = el("li", null, p.name, ul);
        el("span", "atlas-amount",
          " · " + (p.amount === null ? text.unknown_amount : p.amount + " 亿元") + " · " + p.stage_label, li);
      });
      if (doc.total > doc.projects.length) {
        var all = el("a", "atlas-all", text.all_projects + " (" + doc.total + ")", box);
        all.href = z.href;
      }
      if (doc.sources.length) {
        el("h4", null, text.sources, box);
        var src = el("ul", "atlas-sources", null, box);
        doc.sources.forEach(function (s) {
          var li = el("li", null, null, src);
          if (s.url && /^https?:\/\//.test(s.url)) {
            var link = el("a", null, s.title, li);
            link.href = s.url;
            link.rel = "noopener noreferrer";
            link.target = "_blank";
          } else {
            li.textContent = s.title;
          }
        });
      }
      var more = box.querySelector(".atlas-more");
      if (more) box.appendChild(more);  // the zone page link stays last
      box.removeAttribute("aria-busy");
      box.setAttribute("data-atlas-loaded", "1");
      if (box.atlasUpdate) box.atlasUpdate();
    }).catch(function (e) {
      status.textContent = String(e.message || e);
      box.removeAttribute("aria-busy");
    });
  }

  function zonePopup(z, text) {
    var box = el("div", "atlas-popup");
    var h = el("h3", null, null, box);
    var a = el("a", null, z.name, h);
    a.href = z.href;
    var dl = el("dl", null, null, box);
    [[text.type, z.typeLabel], [text.level, z.level], [text.place, z.place],
      [text.precision, z.precision]].forEach(function (row) {
      el("dt", null, row[0], dl);
      el("dd", null, row[1], dl);
    });
    el("h4", null, text.projects + " (" + z.projectCount + ")", box);
    if (z.investment !== null) {
      el("p", "atlas-total", text.reported_total + ": " + z.investment + " 亿元", box);
    }
    if (z.projectsUrl) {
      zoneProjects(z, box, text);
    } else {
      el("p", "atlas-muted", text.no_projects, box);
    }
    var more = el("a", "atlas-more", text.zone_page + " →", box);
    more.href = z.href;
    return box;
  }

  function typeLegend(map, cfg) {
    if (!cfg.types.length) return;
    control("bottomright", function (box) {
      box.classList.add("atlas-legend");
      el("div", "atlas-legend-title", cfg.text.zones, box);
      cfg.types.forEach(function (t) {
        var row = el("div", "atlas-legend-row", null, box);
        var sw = el("span", "atlas-swatch atlas-dot", null, row);
        sw.style.background = t[2];
        el("span", null, t[1], row);
      });
    }).addTo(map);
  }

  // markercluster drops zoomToShowLayer's callback when it is called during a zoom or
  // cluster animation (a search typed while the map still settles): retry until the
  // marker itself is on the map, then open its popup once.
  function showZone(map, markers, mk) {
    var tries = 0;
    var opened = false;
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
        if (!hit) { input.classList.add("atlas-miss"); return; }
        input.classList.remove("atlas-miss");
        showZone(map, markers, byId[hit.id]);
      }
      L.DomEvent.on(input, "change", go);
      L.DomEvent.on(input, "keydown", function (e) { if (e.key === "Enter") go(); });
    }).addTo(map);
  }

  Atlas.overview = function (map, cfg) {
    busy();
    var markers = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40 });
    var byId = {};
    cfg.zones.forEach(function (z) {
      // A DivIcon marker, not a circleMarker: markercluster's zoomToShowLayer waits for an
      // icon element, and icons are focusable (keyboard users can open popups).
      var dot = el("span", "atlas-zone-dot");
      dot.style.background = z.color;
      var mk = L.marker(z.latlng, {
        icon: L.divIcon({ html: dot, className: "atlas-zone atlas-zone-" + z.type, iconSize: [16, 16] }),
        title: z.name,
        alt: z.name,
      });
      mk.atlasZone = z.id;
      mk.bindTooltip(el("span", null, z.name + " · " + z.typeLabel));
      var box = null;  // made at the first opening, then kept (with its fetched projects)
      mk.bindPopup(function (layer) {
        if (!box) {
          box = zonePopup(z, cfg.text);
          // fetched projects change the popup's size: let Leaflet lay it out again
          box.atlasUpdate = function () { if (layer.isPopupOpen()) layer.getPopup().update(); };
        }
        return box;
      }, { maxWidth: 320 });
      byId[z.id] = mk;
      markers.addLayer(mk);
    });
    Atlas.zones = markers;
    var layers = L.control.layers(null, null, { collapsed: !!cfg.embed }).addTo(map);
    Promise.all([load(cfg.layers.county), load(cfg.layers.city)]).then(function (docs) {
      var counties = outlines(decode(docs[0], "county"), cfg.names,
        { color: "#777", weight: 0.7, fillColor: "#fff", fillOpacity: 0.02 }, cfg.focus);
      var cities = outlines(decode(docs[1], "city"), cfg.names,
        { color: "#333", weight: 2, fill: false, interactive: false }, cfg.focus);
      counties.addTo(map); cities.addTo(map); markers.addTo(map);
      layers.addOverlay(cities, cfg.text.cities);
      layers.addOverlay(counties, cfg.text.counties);
      layers.addOverlay(markers, cfg.text.zones + " (" + cfg.zones.length + ")");
      done();
    }).catch(function (e) { console.error(e); });
    if (cfg.search && cfg.zones.length) search(map, cfg, markers, byId);
    fullscreen(map, cfg);
    typeLegend(map, cfg);
    sourceLine(map, cfg);
    resizeProtocol(cfg);
  };

  function choroplethLegend(map, cfg) {
    control("bottomright", function (box) {
      box.classList.add("atlas-legend");
      el("div", "atlas-legend-title", cfg.legend.title + " (" + cfg.legend.unit + ")", box);
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
      if (cfg.drillHint) el("div", "atlas-muted", cfg.drillHint, box);
    }).addTo(map);
  }

  Atlas.choropleth = function (map, cfg) {
    busy();
    var loads = [load(cfg.layer)];
    if (cfg.outline) loads.push(load(cfg.outline));
    Promise.all(loads).then(function (docs) {
      var shapes = decode(docs[0], cfg.level);
      var group = L.featureGroup();
      Object.keys(cfg.units).forEach(function (code) {
        var u = cfg.units[code], cls = u[2];
        var style = cls === null
          ? { fillColor: cfg.noData.color, fillOpacity: 0.55, color: "#555", weight: 0.8,
              dashArray: "3 3", className: "atlas-unit atlas-nodata" }
          : { fillColor: cfg.colors[cls], fillOpacity: 0.85, color: "#555", weight: 0.6,
              className: "atlas-unit atlas-cls-" + cls };
        var poly = L.polygon(shapes[code], style);
        var tip = el("div", "atlas-tip");
        el("strong", null, u[0], tip);
        el("div", null, cfg.legend.title + ": " + u[1] + (cls === null ? "" : " " + cfg.legend.unit), tip);
        poly.bindTooltip(tip, { sticky: true });
        poly.on("mouseover", function () { poly.setStyle({ weight: 2.5 }); });
        poly.on("mouseout", function () { poly.setStyle({ weight: style.weight }); });
        if (cfg.drill) {
          poly.on("click", function () { window.location.href = cfg.drill.replace("__CITY__", code); });
        }
        group.addLayer(poly);
      });
      group.addTo(map);
      if (docs[1]) {
        var codes = {};
        Object.keys(cfg.units).forEach(function (c) { codes[c.slice(0, 4) + "00"] = true; });
        var cities = decode(docs[1], "city"), keep = {};
        Object.keys(cities).forEach(function (c) { if (codes[c]) keep[c] = cities[c]; });
        outlines(keep, {}, { color: "#222", weight: 2, fill: false, interactive: false }).addTo(map);
      }
      Atlas.units = group;
      done();
    }).catch(function (e) { console.error(e); });
    fullscreen(map, cfg);
    choroplethLegend(map, cfg);
    sourceLine(map, cfg);
    resizeProtocol(cfg);
  };
})();
