"""The maps in a real browser: markers, popups, classes, language, embeds, safety, offline."""

from __future__ import annotations

import http.server
import re
import threading
from urllib.parse import urlparse

from tests.browser.conftest import FIXTURE_DATA

XSS_ZONE = "<img src=x onerror=alert(1)>"


def located_seats() -> int:
    """Distinct points of located zones: zones sharing a seat share one marker."""
    from geo.dataset import load_dataset

    zones = load_dataset(FIXTURE_DATA).zones
    located = zones[zones["precision"].notna()]
    return len({(round(g.x, 6), round(g.y, 6)) for g in located.geometry})


def test_overview_has_one_marker_per_seat_and_popups(atlas, watched):
    page = watched.open(f"{atlas.url}/")
    assert page.evaluate("Atlas.zones.getLayers().length") == located_seats()
    zones = page.evaluate("Atlas.zones.getLayers().reduce((n, l) => n + l.atlasZones.length, 0)")
    assert zones == 10  # every located zone is on some marker
    page.evaluate("Atlas.openZone('Z004')")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "长治高新技术产业开发区" in popup.inner_text()
    # the page carries the zone's count and total; its projects come when the popup opens
    page.locator(".atlas-popup[data-atlas-loaded]").wait_for()
    assert any("/api/zones/Z004/projects.json" in u for u in watched.requests)
    assert "半导体封装项目" in popup.inner_text() and "8.00 亿元" in popup.inner_text()
    assert popup.locator("a[href='/zones/Z004']").count() >= 1


def test_search_finds_a_zone_and_opens_its_popup(atlas, watched):
    page = watched.open(f"{atlas.url}/")
    box = page.locator(".atlas-search input")
    box.fill("武宿")
    box.press("Enter")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "太原武宿综合保税区" in popup.inner_text()


def test_county_choropleth_fills_match_the_legend(atlas, watched):
    page = watched.open(f"{atlas.url}/choropleth?level=county&metric=zones&k=3")
    paths = page.eval_on_selector_all(
        "path.atlas-unit",
        "ps => ps.map(p => [p.getAttribute('class'), p.getAttribute('fill'),"
        " p.getAttribute('stroke-dasharray')])",
    )
    assert len(paths) == 117
    legend = dict(page.eval_on_selector_all(
        ".atlas-legend .atlas-swatch",
        "s => s.map(x => [x.dataset.class, x.dataset.color])",
    ))  # fmt: skip
    for cls, fill, dash in paths:
        if "atlas-nodata" in cls:
            assert fill == legend["nodata"] and dash == "3 3"
        else:
            index = cls.split("atlas-cls-")[1].split()[0]
            assert fill == legend[index] and dash is None
    assert {fill for _, fill, _ in paths} - {legend["nodata"]}  # some units have values


def test_no_data_differs_from_zero(atlas, watched):
    page = watched.open(f"{atlas.url}/choropleth?level=county&metric=investment")
    nodata = page.locator("path.atlas-nodata").count()
    assert nodata == 117 - 5
    assert "无数据" in page.locator(".atlas-legend").inner_text()


def test_english_labels(atlas, watched):
    page = watched.open(f"{atlas.url}/choropleth?lang=en&metric=projects")
    assert "Number of projects" in page.locator(".atlas-legend").inner_text()
    assert page.locator("html").get_attribute("lang") == "en"
    page.locator("path.atlas-unit").first.hover()
    tip = page.locator(".leaflet-tooltip.atlas-tip, .leaflet-tooltip:has(.atlas-tip)")
    tip.wait_for()
    assert "City" in tip.inner_text()


def test_drill_down_from_city_to_counties(atlas, watched):
    """A click shows the value first; drilling down is the popup's button."""
    page = watched.open(f"{atlas.url}/choropleth?metric=projects")
    page.locator("path.atlas-unit[data-adcode='140400']").click()
    popup = page.locator(".atlas-unit-popup")
    popup.wait_for()
    assert "长治市" in popup.inner_text() and "项目数: 2 个" in popup.inner_text()
    assert "level=county" not in page.url  # not yet
    popup.locator("a.atlas-drill").click()
    page.wait_for_url(re.compile("level=county"))
    page.wait_for_selector("html[data-atlas-ready='1']", state="attached")
    assert "city=14" in page.url and page.locator("path.atlas-unit").count() < 117


def test_xss_zone_name_is_literal_text(atlas, watched):
    page = watched.open(f"{atlas.url}/")
    box = page.locator(".atlas-search input")
    box.fill(XSS_ZONE)
    box.press("Enter")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert popup.locator("h3").inner_text() == XSS_ZONE
    page.locator(".atlas-popup[data-atlas-loaded]").wait_for()
    assert "</script><script>alert('p')</script>智能制造项目" in popup.inner_text()
    assert page.evaluate("document.querySelectorAll('img[src=\"x\"]').length") == 0
    zone = watched.open(f"{atlas.url}/zones/Z005")
    assert zone.locator("h2").inner_text() == XSS_ZONE
    assert not watched.dialogs


def test_basemap_none_stays_on_loopback(atlas, watched):
    for url in ("/?basemap=none", "/choropleth?level=county&basemap=none", "/zones/Z001"):
        watched.open(atlas.url + url)
    hosts = {urlparse(u).hostname for u in watched.requests if not u.startswith("data:")}
    assert hosts == {"127.0.0.1"}


def test_embed_in_a_foreign_page_renders_and_resizes(atlas, watched):
    host_page = (
        "<!DOCTYPE html><html><head><title>host</title></head><body><h1>news story</h1>"
        f'<iframe id="f" src="{atlas.url}/embed/choropleth?basemap=none" title="map" '
        'style="width:500px;height:150px;border:0"></iframe>'
        f'<script src="{atlas.url}/embed.js"></script></body></html>'
    ).encode()

    class Host(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(host_page)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Host)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        page = watched.page
        page.goto(f"http://127.0.0.1:{httpd.server_port}/")
        frame = page.frame_locator("#f")
        frame.locator("html[data-atlas-ready='1']").wait_for(state="attached", timeout=15_000)
        assert frame.locator("path.atlas-unit").count() == 11
        page.wait_for_function("document.getElementById('f').dataset.atlasHeight")
        height = page.evaluate("document.getElementById('f').getBoundingClientRect().height")
        assert height == 600  # 500 px wide x 1.2, as the embed asked
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_embed_builder_previews_and_writes_a_snippet(atlas, watched):
    page = watched.page
    page.goto(f"{atlas.url}/embed")
    page.select_option("select[name=level]", "county")
    page.wait_for_function("document.getElementById('atlas-preview').src.includes('level=county')")
    snippet = page.locator("#atlas-snippet").input_value()
    assert "/embed/choropleth?level=county" in snippet and "/embed.js" in snippet
    page.frame_locator("#atlas-preview").locator("html[data-atlas-ready='1']").wait_for(
        state="attached"
    )


def test_embed_builder_filters_update_preview_and_snippet(atlas, watched):
    page = watched.page
    page.goto(f"{atlas.url}/embed?lang=en")
    assert page.locator("select[name=round]").is_hidden()  # batch filters: batch metrics only
    assert page.locator("select[name=stage]").is_visible()
    page.select_option("select[name=metric]", "batch_investment")
    assert page.locator("select[name=stage]").is_hidden()
    page.select_option("select[name=kind]", "started")
    page.wait_for_function("document.getElementById('atlas-preview').src.includes('kind=started')")
    src = page.evaluate("document.getElementById('atlas-preview').getAttribute('src')")
    assert src == "/embed/choropleth?metric=batch_investment&kind=started&lang=en"
    snippet = page.locator("#atlas-snippet").input_value()
    assert f'src="{atlas.url}{src}"' in snippet and "/embed.js" in snippet
    page.select_option("select[name=year]", "2025")
    assert page.locator("select[name=round] option[value='']").inner_text() == (
        "All rounds of the year"
    )
    page.select_option("select[name=metric]", "zones")  # kind and year no longer apply
    page.wait_for_function(
        "document.getElementById('atlas-preview').src.endsWith('?metric=zones&lang=en')"
    )
    assert "kind=" not in page.locator("#atlas-snippet").input_value()
    frame = page.frame_locator("#atlas-preview")
    frame.locator("html[data-atlas-ready='1']").wait_for(state="attached", timeout=15_000)
    assert "Number of zones" in frame.locator(".atlas-legend").inner_text()


def test_choropleth_form_submits_a_filter(atlas, watched):
    page = watched.open(f"{atlas.url}/choropleth?metric=batch_projects&lang=en")
    page.select_option(".atlas-form select[name=kind]", "signed")
    page.locator(".atlas-form button[type=submit]").click()
    page.wait_for_url(re.compile("kind=signed"))
    page.wait_for_selector("html[data-atlas-ready='1']", state="attached")
    assert page.locator(".atlas-form select[name=kind]").input_value() == "signed"
    assert "lang=en" in page.url
