/* The /embed builder: form -> embed URL -> live preview and a copyable iframe snippet.
   A control shows when its label's data-for lists the map and, for choropleths, its
   data-metrics / data-levels (if any) list the chosen metric / level. */
(function () {
  "use strict";
  var form = document.getElementById("atlas-builder-form");
  var frame = document.getElementById("atlas-preview");
  var snippet = document.getElementById("atlas-snippet");
  var defaults = {
    lang: "zh", level: "city", metric: "investment", scheme: "quantiles", k: "5", kind: "all"
  };

  function has(list, value) {
    return !list || list.split(" ").indexOf(value) >= 0;
  }

  function shown(label, data) {
    var d = label.dataset, map = data.get("map");
    if (!has(d.for, map)) return false;
    return map !== "choropleth" || (has(d.metrics, data.get("metric")) && has(d.levels, data.get("level")));
  }

  function update() {
    var data = new FormData(form), q = new URLSearchParams();
    form.querySelectorAll("label").forEach(function (label) {
      var select = label.querySelector("select");
      if (!select) return;
      label.hidden = !shown(label, data);
      var name = select.name, value = select.value;
      if (label.hidden || name === "map" || !value || defaults[name] === value) return;
      q.append(name, value);
    });
    var latest = form.querySelector('select[name="round"] option[data-latest]');
    if (latest) latest.textContent = data.get("year") ? latest.dataset.year : latest.dataset.latest;
    var s = q.toString(), path = "/embed/" + data.get("map") + (s ? "?" + s : "");
    var origin = window.location.origin;
    if (frame.getAttribute("src") !== path) frame.setAttribute("src", path);
    snippet.value =
      '<iframe src="' + origin + path + '" title="Shanxi Zone Atlas · 山西开发区投资地图" ' +
      'style="width:100%;height:600px;border:0" loading="lazy"></iframe>\n' +
      '<script src="' + origin + '/embed.js" async></' + 'script>';
  }

  form.addEventListener("change", update);
  document.getElementById("atlas-copy").addEventListener("click", function () {
    snippet.select();
    if (navigator.clipboard) navigator.clipboard.writeText(snippet.value).catch(function () {});
  });
  update();
})();
