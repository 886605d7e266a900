"""``/metrics``: every response cache's counters and bytes in Prometheus text format,
keyed caches bounded by bytes, the data version and read-model builds."""

from __future__ import annotations

import re

from tests.webmap.conftest import FIXTURE_DATA, get
from webmap import create_app

SAMPLE = re.compile(r'^([a-z_]+)(\{[a-z_]+="[a-z_]+"\})? (-?[0-9]+(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?)$')


def parse(text: str) -> dict[str, float]:
    """Samples by ``name{labels}``; every line is a comment, a sample or nothing."""
    samples = {}
    for line in text.splitlines():
        if line.startswith("# HELP ") or line.startswith("# TYPE "):
            continue
        m = SAMPLE.match(line)
        assert m, line
        samples[m[1] + (m[2] or "")] = float(m[3])
    return samples


def test_metrics_count_hits_and_misses_of_each_cache():
    app = create_app({"TESTING": True, "DATA_DIR": FIXTURE_DATA})
    client = app.test_client()
    r = get(client, "/metrics")
    assert r.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    assert r.headers["Cache-Control"] == "no-store"
    before = parse(r.body.decode())
    for cache in ("pages", "downloads", "ogcapi", "ogc_selections"):
        assert f'atlas_cache_max_bytes{{cache="{cache}"}}' in before
    for _ in range(3):
        get(client, "/choropleth?level=county&k=4")
        get(client, "/api/projects.geojson?stage=signed")
        get(client, "/ogcapi/collections/zones/items?type=etdz&limit=2")
    after = parse(get(client, "/metrics").body.decode())

    def delta(name, cache):
        key = f'{name}{{cache="{cache}"}}'
        return after[key] - before[key]

    assert (
        delta("atlas_cache_misses_total", "pages"),
        delta("atlas_cache_hits_total", "pages"),
    ) == (1, 2)
    assert delta("atlas_cache_misses_total", "ogcapi") == 1
    assert delta("atlas_cache_hits_total", "ogcapi") == 2
    assert delta("atlas_cache_misses_total", "ogc_selections") == 1  # one scan for the query
    assert delta("atlas_cache_hits_total", "downloads") >= 2
    assert after['atlas_cache_entries{cache="pages"}'] >= 1
    assert (
        0
        < after['atlas_cache_bytes{cache="pages"}']
        <= after['atlas_cache_max_bytes{cache="pages"}']
    )
    store = app.extensions["atlas_live"].state.store
    assert after["atlas_data_version"] == store.version
    assert after["atlas_read_model_builds_total"] == 1
    assert after["atlas_read_model_build_seconds"] > 0
    assert after['atlas_rows{table="projects"}'] == len(store.data.projects)
    assert after["atlas_resident_memory_bytes"] > 10 * 2**20


def test_caches_stay_within_their_bytes_and_say_so():
    app = create_app({"TESTING": True, "DATA_DIR": FIXTURE_DATA, "PAGE_CACHE_BYTES": 200_000})
    client = app.test_client()
    for k in (3, 4, 5, 6, 7):
        for scheme in ("quantiles", "natural_breaks", "equal_interval"):
            for level in ("city", "county"):
                get(client, f"/choropleth?level={level}&k={k}&scheme={scheme}")
    samples = parse(get(client, "/metrics").body.decode())
    assert samples['atlas_cache_bytes{cache="pages"}'] <= 200_000
    assert samples['atlas_cache_evictions_total{cache="pages"}'] > 0
    assert samples['atlas_cache_misses_total{cache="pages"}'] == 30
