"""Screenshots of the main pages into ``docs/`` (for the README).

    PYTHONPATH=. python bench/screenshots.py

Serves the app (data/ as committed, an in-memory store) on a loopback port with
``basemap=none`` so the pictures need no network, and drives Debian's chromium through
Playwright, at 1200×820 and as a phone (390×844). Chinese labels need a CJK font on the
machine (Debian: ``fonts-noto-cjk``).
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Chinese pages need a CJK font on the machine taking the screenshots (Debian: fonts-noto-cjk).
SHOTS = {
    "overview.png": "/?basemap=none",
    "choropleth-county.png": "/choropleth?level=county&metric=investment&k=4&basemap=none",
    "choropleth-city.png": "/choropleth?metric=batch_investment&lang=en&basemap=none",
    "zone.png": None,  # the zone with the most projects
    "embed-builder.png": "/embed?lang=en",
    "zones-directory.png": "/zones",
    "rounds-chart.png": "/embed/rounds?place=140000",
}
# The issue-13 reader on a phone: the latest round's signings, ranked, with the trend.
PHONE_SHOTS = {
    "phone-choropleth.png": "/choropleth?metric=batch_investment&kind=signed&basemap=none",
    "phone-overview.png": "/?basemap=none",
}
NO_MAP = ("embed-builder.png", "zones-directory.png", "rounds-chart.png")
FULL_PAGE = ("zone.png", "zones-directory.png", "phone-choropleth.png")


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from playwright.sync_api import sync_playwright
    from werkzeug.serving import make_server

    from webmap import create_app

    app = create_app({"DEFAULT_BASEMAP": "none", "DATABASE_URL": "sqlite://"})
    projects = app.extensions["atlas_live"].state.store.data.projects
    busiest = projects["zone_id"].dropna().value_counts()
    SHOTS["zone.png"] = f"/zones/{busiest.index[0] if len(busiest) else 'Z001'}?basemap=none"
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_port}"
    out = ROOT / "docs"
    out.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        desktop = browser.new_page(viewport={"width": 1200, "height": 820})
        phone = browser.new_context(
            viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
        ).new_page()
        for shots, page in ((SHOTS, desktop), (PHONE_SHOTS, phone)):
            for name, url in shots.items():
                page.goto(base + url)
                if name not in NO_MAP:
                    page.wait_for_selector("html[data-atlas-ready='1']", state="attached")
                page.wait_for_timeout(800)  # let marker clusters finish their animation
                page.screenshot(path=str(out / name), full_page=name in FULL_PAGE)
                print(out / name)
        browser.close()
    httpd.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
