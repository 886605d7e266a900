"""The payload corpus in Chromium: hostile data opens no dialog and shows as literal text."""

from __future__ import annotations

import pytest

from tests.browser.conftest import Server
from tests.security.payloads import PAYLOADS, SETTINGS, write_payload_dataset, zone_id

# Every popup and tooltip of every zone marker is built and put in the page.
OPEN_ALL_POPUPS = """() => {
  const box = document.createElement('div');
  box.id = 'all-popups';
  document.body.appendChild(box);
  Atlas.zones.getLayers().forEach(l => {
    let c = l.getPopup().getContent();
    if (typeof c === 'function') c = c(l);
    box.appendChild(c);
    box.appendChild(l.getTooltip().getContent());
  });
  return box.innerText;
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
    text = page.evaluate(OPEN_ALL_POPUPS)
    for payload in PAYLOADS:
        probe = payload.strip()[:60]
        assert probe in text or probe.replace("\r", "\n") in text, payload[:40]
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
