"""Folium elements of the Atlas: the page figure, the data-driven layer, the basemaps.

Article text reaches the browser only as JSON in ``<script type="application/json">``
blocks (``<``, ``>`` and ``&`` escaped, so ``</script>`` cannot close them) and is put on
the page by ``atlas.js`` with ``textContent``: never as HTML.
"""

from __future__ import annotations

import html
import itertools
import json
import re
from types import SimpleNamespace

import folium
from branca.element import Figure, MacroElement
from folium.elements import JSCSSMixin
from jinja2 import Template

from webmap import assets


def json_for_html(value) -> str:
    """JSON safe inside an HTML ``<script>`` element."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# Data never reaches a template engine. folium/branca render every element's output a
# second time as Jinja source (``MacroElement.render`` wraps each macro's output in a new
# ``Element(template)``), so anything from the data placed in the element tree would be
# template source. Instead the tree holds only slot tokens; :meth:`AtlasPage.render_html`
# renders the skeleton, makes its element ids deterministic, then puts the data in with
# one pass of plain string substitution (never parsed by anything afterwards).
_SLOT = re.compile(r"@@atlas-slot-(\d+)@@")
_SLOT_IDS = itertools.count()
# branca element ids: 32 random hex digits after the element's name (``map_3f2a...``).
_ELEMENT_ID = re.compile(r"(?<=_)[0-9a-f]{32}(?![0-9a-z])")


def _slot() -> str:
    return f"@@atlas-slot-{next(_SLOT_IDS)}@@"


def deterministic_ids(html_text: str) -> str:
    """Replace branca's random element ids by their order of first appearance.

    The same page then renders to the same bytes in every process (one ETag and one set
    of CSP script hashes per URL across gunicorn workers).
    """
    seen: dict[str, str] = {}

    def number(mo: re.Match) -> str:
        return seen.setdefault(mo.group(0), f"{len(seen):032x}")

    return _ELEMENT_ID.sub(number, html_text)


# folium's map header forbids pinch-zoom (maximum-scale=1, user-scalable=no), which
# WCAG 1.4.4 (resize text) does not allow: every page may be zoomed.
_VIEWPORT = re.compile(r'<meta name="viewport"[^>]*>')
VIEWPORT = '<meta name="viewport" content="width=device-width, initial-scale=1">'


def allow_zoom(html_text: str) -> str:
    """The page with a viewport that lets the reader pinch-zoom (one, whatever folium set)."""
    return _VIEWPORT.sub(lambda _: VIEWPORT, html_text, count=1)


class AtlasPage(Figure):
    """A whole HTML page: folium's header, map and script inside the Atlas's chrome.

    ``before`` / ``after`` are already-escaped HTML (rendered by Flask's autoescaping
    Jinja); ``title`` and ``label`` are plain text. None of them, nor any layer's data,
    is in the element tree: render with :meth:`render_html`, never ``render()``.
    """

    _template = Template(
        '<!DOCTYPE html>\n<html lang="{{ this.lang }}">\n<head>\n'
        '<meta charset="utf-8">\n<link rel="icon" href="data:,">\n'
        "<title>{{ this.slots.title }}</title>\n"
        "{{ this.header.render(**kwargs) }}\n</head>\n"
        '<body class="{{ this.body_class }}">\n{{ this.slots.before }}\n'
        '<div class="atlas-map" role="region" aria-label="{{ this.slots.label }}">\n'
        "{{ this.html.render(**kwargs) }}\n</div>\n{{ this.slots.after }}\n"
        "<script>\n{{ this.script.render(**kwargs) }}\n</script>\n</body>\n</html>\n"
    )

    def __init__(
        self,
        *,
        title: str,
        label: str,
        lang: str,
        body_class: str = "",
        before: str = "",
        after: str = "",
    ):
        super().__init__()
        self.lang = "en" if lang == "en" else "zh-CN"
        self.body_class = body_class
        self.slots = SimpleNamespace(title=_slot(), label=_slot(), before=_slot(), after=_slot())
        self._values = {
            self.slots.title: html.escape(title),
            self.slots.label: html.escape(label),
            self.slots.before: str(before),
            self.slots.after: str(after),
        }
        self.header.add_child(
            folium.elements.Element(
                f'<link rel="stylesheet" href="{assets.static_url("atlas.css")}"/>'
            ),
            name="atlas_css_page",
        )

    def _slot_values(self) -> dict[str, str]:
        values = dict(self._values)
        stack = list(self._children.values())
        while stack:
            element = stack.pop()
            if isinstance(element, AtlasLayer):
                values[element.slot] = element.payload
            stack.extend(element._children.values())
        return values

    def _preloads(self) -> None:
        """``<link rel=preload>`` for the layers' data files, first in the head: the
        browser fetches them while it still loads and runs the scripts (a slot too, so
        nothing but fixed markup is template source)."""
        urls = []
        stack = list(self._children.values())
        while stack:
            element = stack.pop()
            if isinstance(element, AtlasLayer):
                urls += [u for u in element.preload if u not in urls]
            stack.extend(element._children.values())
        for url in urls:
            slot = _slot()
            self._values[slot] = (
                f'<link rel="preload" href="{html.escape(url)}" as="fetch" crossorigin="anonymous">'
            )
            self.header.add_child(
                folium.elements.Element(slot), name=f"preload_{len(self._values)}"
            )

    def render_html(self) -> str:
        """The page: a data-free skeleton rendered by branca, then the data put in."""
        self._preloads()
        values = self._slot_values()
        skeleton = allow_zoom(deterministic_ids(self.render()))
        found = _SLOT.findall(skeleton)
        if len(found) != len(values) or len(set(found)) != len(found):
            raise RuntimeError("page skeleton lost or repeated a data slot")
        return _SLOT.sub(lambda mo: values[mo.group(0)], skeleton)


class AtlasLayer(JSCSSMixin, MacroElement):
    """Calls ``Atlas.<kind>(map, config)`` from atlas.js with a JSON config block.

    The config (article text included) is not part of the element's template output: the
    output holds a slot token that :meth:`AtlasPage.render_html` replaces after rendering.
    """

    _template = Template(
        "{% macro html(this, kwargs) %}"
        '<script type="application/json" id="{{ this.get_name() }}_cfg">{{ this.slot }}</script>'
        "{% endmacro %}"
        "{% macro script(this, kwargs) %}"
        "Atlas.{{ this.kind }}({{ this._parent.get_name() }}, JSON.parse("
        'document.getElementById("{{ this.get_name() }}_cfg").textContent));'
        "{% endmacro %}"
    )

    def __init__(
        self, kind: str, config: dict, *, cluster: bool = False, preload: tuple[str, ...] = ()
    ):
        super().__init__()
        self._name = "AtlasLayer"
        self.kind = kind
        self.preload = tuple(preload)  # same-origin data files the layer fetches at once
        self.slot = _slot()
        self.payload = json_for_html(config)
        js = [("atlas_js", assets.static_url("atlas.js"))]
        css = []
        if cluster:
            js.insert(
                0, ("markercluster", assets.vendor_url("markercluster", "leaflet.markercluster.js"))
            )
            css = [
                ("markercluster_css", assets.vendor_url("markercluster", "MarkerCluster.css")),
                (
                    "markercluster_default_css",
                    assets.vendor_url("markercluster", "MarkerCluster.Default.css"),
                ),
            ]
        self.default_js, self.default_css = js, css


BASEMAPS = {
    # name: (url template, subdomains, attribution, datum of the tiles, CSP image source)
    "osm": (
        "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "abc",
        '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
        "wgs84",
        "https://tile.openstreetmap.org",
    ),
    "gaode": (
        "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8"
        "&x={x}&y={y}&z={z}",
        "1234",
        "&copy; 高德地图 AutoNavi",
        "gcj02",
        "https://*.is.autonavi.com",
    ),
    "tianditu": (
        "https://t{s}.tianditu.gov.cn/DataServer?T=vec_w&x={x}&y={y}&l={z}&tk={key}",
        "01234567",
        "&copy; 天地图 Tianditu",
        "wgs84",
        "https://*.tianditu.gov.cn",
    ),
    "none": (None, "", "", "wgs84", None),
}
TIANDITU_LABELS = "https://t{s}.tianditu.gov.cn/DataServer?T=cva_w&x={x}&y={y}&l={z}&tk={key}"


def datum_of(basemap: str) -> str:
    """The datum overlays must be drawn in to line up with ``basemap``'s tiles."""
    return BASEMAPS[basemap][3]


def add_basemap(m: folium.Map, basemap: str, tianditu_key: str | None = None) -> folium.Map:
    url, subdomains, attribution, _, _ = BASEMAPS[basemap]
    if url is None:
        return m
    name = {"osm": "OpenStreetMap", "gaode": "高德 Amap", "tianditu": "天地图 Tianditu"}[basemap]
    folium.TileLayer(
        url.replace("{key}", tianditu_key or ""),
        attr=attribution,
        name=name,
        subdomains=subdomains,
        max_zoom=18,
    ).add_to(m)
    if basemap == "tianditu":
        folium.TileLayer(
            TIANDITU_LABELS.replace("{key}", tianditu_key or ""),
            attr=attribution,
            name="天地图注记",
            subdomains=subdomains,
            overlay=True,
            control=False,
            max_zoom=18,
        ).add_to(m)
    return m
