"""Web map budgets: page weight (HTML and every asset as the app sends them) and warm
latencies.

Weight: the page's HTML plus every distinct script, stylesheet and data file it loads
(tiles excluded), each as the app sends it to a client accepting brotli and gzip (what
Chromium actually transfers, headers included, is measured by ``bench/scale.py``).
Latency: medians over interleaved rounds through the Flask test client (the app's own
time, no socket), with a trivial route in the same process as the noise floor. Pages are
warmed first (cached).
"""

from __future__ import annotations

import re
import statistics
import time

import brotli

ROUNDS = 300
PAGES = {
    "county choropleth": "/choropleth?level=county",
    "city choropleth": "/choropleth",
    "overview": "/",
    "embed choropleth": "/embed/choropleth?level=county",
}
TIMED = {
    "baseline (trivial route)": "/_bench/ping",
    "overview page (cached)": "/",
    "county choropleth page (cached)": "/choropleth?level=county",
    "county GeoJSON /api/boundaries/county.geojson": "/api/boundaries/county.geojson",
    "county compact layer /geo/county.wgs84.json": "/geo/county.wgs84.json",
    "county GeoJSON, filtered (cached after first)": "/api/boundaries/county.geojson?stage=signed",
}
GZIP = {"Accept-Encoding": "gzip"}
BROWSER = {"Accept-Encoding": "gzip, deflate, br"}


def _body(client, url: str, headers=None) -> bytes:
    with client.get(url, headers=headers or {}) as response:
        assert response.status_code == 200, (url, response.status_code)
        return response.get_data()


def page_weight(client, url: str) -> dict:
    sent = _body(client, url, BROWSER)
    html = brotli.decompress(sent).decode()
    assets = re.findall(r'<(?:script|link)[^>]+(?:src|href)="(/[^"]+)"', html)
    assets += re.findall(r'"(/geo/[^"]+)"', html)
    parts = {"html": len(sent)}
    for asset in dict.fromkeys(assets):
        parts[asset.split("?")[0]] = len(_body(client, asset, BROWSER))
    return {
        "total_kb": round(sum(parts.values()) / 1024, 1),
        "parts_kb": {k: round(v / 1024, 1) for k, v in parts.items()},
    }


def latencies(client) -> dict:
    samples: dict[str, list[float]] = {name: [] for name in TIMED}
    for url in TIMED.values():  # warm: render and cache once
        _body(client, url)
    for _ in range(ROUNDS):
        for name, url in TIMED.items():  # interleaved, so drift hits every route alike
            start = time.perf_counter()
            with client.get(url, headers=GZIP) as response:
                response.get_data()
            samples[name].append((time.perf_counter() - start) * 1000)
    return {
        name: {
            "median_ms": round(statistics.median(v), 3),
            "p95_ms": round(sorted(v)[int(len(v) * 0.95)], 3),
        }
        for name, v in samples.items()
    }


COLD = {  # parameter sets nobody asked for yet: one render each, from nothing
    "county choropleth, first render": "/choropleth?level=county&k=4&scheme=equal_interval",
    "overview, first render": "/?zone_type=etdz",
    "county GeoJSON filtered, first build": "/api/boundaries/county.geojson?stage=started",
}


def cold(client) -> dict:
    out = {}
    for name, url in COLD.items():
        start = time.perf_counter()
        _body(client, url)
        out[name] = round((time.perf_counter() - start) * 1000, 1)
    return out


def run() -> dict:
    from webmap import create_app

    app = create_app()
    app.add_url_rule("/_bench/ping", "bench_ping", lambda: "ok")
    store = app.extensions["atlas_live"].state.store
    client = app.test_client()
    return {
        "dataset": {
            "complete": store.has_data,
            "zones": len(store.data.zones),
            "projects": len(store.data.projects),
        },
        "page_weight": {name: page_weight(client, url) for name, url in PAGES.items()},
        "cold_ms": cold(client),
        "latency": latencies(client),
        "rounds": ROUNDS,
    }


if __name__ == "__main__":
    import json
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    print(json.dumps(run(), ensure_ascii=False, indent=1))
