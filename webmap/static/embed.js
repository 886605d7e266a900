/* Host-page half of the Atlas embed resize protocol.
 *
 * Include once on a page with Atlas iframes:
 *   <script src="https://ATLAS/embed.js" async></script>
 * Each Atlas embed posts {type: "atlas:height", height: N}; this script sets the height of
 * the iframe it came from, and only for frames served by the Atlas origin.
 */
(function () {
  "use strict";
  var me = document.currentScript && document.currentScript.src;
  var origin = me ? new URL(me).origin : null;
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.type !== "atlas:height" || typeof data.height !== "number") return;
    if (origin && event.origin !== origin) return;
    var frames = document.getElementsByTagName("iframe");
    for (var i = 0; i < frames.length; i += 1) {
      if (frames[i].contentWindow === event.source) {
        frames[i].style.height = Math.max(120, Math.min(4000, data.height)) + "px";
        frames[i].setAttribute("data-atlas-height", String(data.height));
      }
    }
  });
})();
