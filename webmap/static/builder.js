/* The /embed builder: form -> embed URL -> live preview and a copyable iframe snippet. */
(function () {
  "use strict";
  var form = document.getElementById("atlas-builder-form");
  var frame = document.getElementById("atlas-preview");
  var snippet = document.getElementById("atlas-snippet");
  var defaults = { lang: "zh", level: "city", metric: "investment", scheme: "quantiles", k: "5" };

  function url() {
    var data = new FormData(form), kind = data.get("map"), q = new URLSearchParams();
    data.forEach(function (value, name) {
      if (name === "map" || !value || defaults[name] === value) return;
      var field = form.querySelector('[name="' + name + '"]').closest("label");
      if (field && field.dataset.for && field.dataset.for !== kind) return;
      q.append(name, value);
    });
    var s = q.toString();
    return "/embed/" + kind + (s ? "?" + s : "");
  }

  function update() {
    var kind = new FormData(form).get("map");
    form.querySelectorAll("label[data-for]").forEach(function (l) {
      l.hidden = l.dataset.for !== kind;
    });
    var path = url(), origin = window.location.origin;
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
