"""The payload corpus in Chromium: hostile data opens no dialog and shows as literal text."""

from __future__ import annotations

import pytest

from tests.browser.conftest import Server
from tests.security.payloads import PAYLOADS, SETTINGS, write_payload_dataset, zone_id

# Every popup and tooltip of every zone marker is built and put in the page, and waited
# for until each popup has fetched its projects.
OPEN_ALL_POPUPS = """async () => {
  const box = document.createElement('div');
  box.id = 'all-popups';
  document.body.appendChild(box);
  Atlas.zones.getLayers().forEach(l => {
    let c = l.getPopup().getContent();
    if (typeof c === 'function') c = c(l);
    box.appendChild(c);
    box.appendChild(l.getTooltip().getContent());
  });
  const pending = () => box.querySelectorAll('.atlas-popup[aria-busy]').length;
  for (let i = 0; i < 200 && pending(); i++) await new Promise(r => setTimeout(r, 50));
  return [box.innerText, pending()];
}"""


@pytest.fixture(scope="module")
def payload_server(tmp_path_factory):
    from webmap import create_app

    data = write_payload_dataset(tmp_path_factory.mktemp("payload-browser"))
    server = Server(create_app({"DATA_DIR": data.folder, "DEFAULT_BASEMAP": "none", **SETTINGS}))
    yield server
    server.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_overview_popups_show_payloads_as_text(payload_server, watched, lang):
    page = watched.open(f"{payload_server.url}/?lang={lang}")
    text, pending = page.evaluate(OPEN_ALL_POPUPS)
    assert pending == 0  # every popup fetched its projects
    for payload in PAYLOADS:
        probe = payload.strip()[:60]
        # the zone's name, and its project's name fetched by the popup: two each
        shown = text.count(probe) + text.count(probe.replace("\r", "\n"))
        assert shown >= 2, payload[:40]
    assert "62615533" not in page.content() and "PWNED" not in page.content()


@pytest.mark.parametrize(
    "path",
    [
        "/choropleth?level=county",
        "/embed/overview",
        "/embed/choropleth",
        "/places/140000",
        "/places/140105?lang=en",
        *(f"/zones/{zone_id(i)}" for i in range(len(PAYLOADS))),
    ],
)
def test_pages_from_payload_data_open_no_dialog(payload_server, watched, path):
    page = watched.open(f"{payload_server.url}{path}")
    body = page.locator("body").inner_text()
    assert SETTINGS["MAP_APPROVAL"] in body or "embed" in path or path == "/places/140000"
    assert "62615533" not in body and "PWNED" not in body


def test_ogc_html_pages_open_no_dialog(payload_server, browser):
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for path in (
        "/ogcapi/collections/zones/items?f=html&limit=1000",
        "/ogcapi/collections/projects/items?f=html&limit=1000",
        "/ogcapi/collections/batches/items?f=html&limit=1000",
        f"/ogcapi/collections/zones/items/{zone_id(11)}?f=html",
        "/ogcapi/?f=html",
    ):
        page.goto(f"{payload_server.url}{path}")
        page.wait_for_load_state("load")
    context.close()
    assert not dialogs, dialogs
