/* Zone location picker: click the map to set a zone's location.
 *
 * The map is drawn in the datum of its basemap (GCJ-02 for gaode, WGS-84 otherwise); a
 * click fills longitude/latitude in that datum and the form says which, so the server
 * converts GCJ-02 clicks to WGS-84 (boundaries.datum.gcj02_to_wgs84) before storing.
 * Typing the coordinates works as well (keyboard users, coordinates from a site plan).
 */
(function () {
  "use strict";
  var node = document.getElementById("rv-config");
  var box = document.getElementById("rv-zone-map");
  if (!node || !box || !window.L) return;
  var cfg = JSON.parse(node.textContent);
  var lon = document.getElementById("z-lon"), lat = document.getElementById("z-lat");
  var datumField = document.getElementById("z-datum"), note = document.getElementById("z-datum-note");

  /* GCJ-02 from WGS-84 (the forward transform; the server does the inverse). */
  function outOfChina(x, y) { return x < 72.004 || x > 137.8347 || y < 0.8293 || y > 55.8271; }
  function tLat(x, y) {
    var r = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    r += (20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2 / 3;
    r += (20 * Math.sin(y * Math.PI) + 40 * Math.sin(y / 3 * Math.PI)) * 2 / 3;
    r += (160 * Math.sin(y / 12 * Math.PI) + 320 * Math.sin(y * Math.PI / 30)) * 2 / 3;
    return r;
  }
  function tLon(x, y) {
    var r = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    r += (20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2 / 3;
    r += (20 * Math.sin(x * Math.PI) + 40 * Math.sin(x / 3 * Math.PI)) * 2 / 3;
    r += (150 * Math.sin(x / 12 * Math.PI) + 300 * Math.sin(x / 30 * Math.PI)) * 2 / 3;
    return r;
  }
  function toGcj(x, y) {
    if (outOfChina(x, y)) return [x, y];
    var a = 6378245.0, ee = 0.00669342162296594323;
    var dLat = tLat(x - 105, y - 35), dLon = tLon(x - 105, y - 35);
    var rad = y / 180 * Math.PI, magic = Math.sin(rad);
    magic = 1 - ee * magic * magic;
    var sq = Math.sqrt(magic);
    dLat = (dLat * 180) / ((a * (1 - ee)) / (magic * sq) * Math.PI);
    dLon = (dLon * 180) / (a / sq * Math.cos(rad) * Math.PI);
    return [x + dLon, y + dLat];
  }
  function shown(point) { return cfg.datum === "gcj02" ? toGcj(point[0], point[1]) : point; }

  var start = shown(cfg.location || cfg.seat);
  var map = L.map(box, { zoomControl: true }).setView([start[1], start[0]], cfg.location ? 13 : 11);
  if (cfg.tiles) {
    L.tileLayer(cfg.tiles, { subdomains: cfg.subdomains, attribution: cfg.attribution, maxZoom: 18 }).addTo(map);
  }
  fetch(cfg.layer, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (doc) {
    var s = doc.scale;
    doc.features.forEach(function (f) {
      var rings = f[1].map(function (polygon) {
        return polygon.map(function (flat) {
          var x = 0, y = 0, pts = [];
          for (var i = 0; i < flat.length; i += 2) { x += flat[i]; y += flat[i + 1]; pts.push([y / s, x / s]); }
          return pts;
        });
      });
      L.polygon(rings, { color: "#555", weight: 0.8, fillOpacity: 0.03, interactive: false }).addTo(map);
    });
    document.documentElement.setAttribute("data-zone-map", "1");
  }).catch(function (e) { console.error(e); });

  var marker = null;
  function place(latlng, fromClick) {
    if (marker) marker.setLatLng(latlng); else marker = L.marker(latlng, { keyboard: false }).addTo(map);
    if (fromClick) {
      lon.value = latlng.lng.toFixed(6);
      lat.value = latlng.lat.toFixed(6);
      datumField.value = cfg.datum;
      note.textContent = cfg.datum === "gcj02"
        ? "点击坐标为 GCJ-02（高德底图），保存时转换为 WGS-84。 Clicked on the GCJ-02 basemap: converted to WGS-84 when saved."
        : "坐标为 WGS-84。 Coordinates in WGS-84.";
    }
  }
  if (cfg.location) place(L.latLng(start[1], start[0]), false);
  map.on("click", function (e) { place(e.latlng, true); });
  [lon, lat].forEach(function (input) {
    input.addEventListener("input", function () { datumField.value = "wgs84"; });
  });
})();
