"""One cache for pages, downloads and the OGC API: bounded by bytes, LRU, thread-safe,
keyed on what changes an answer. Bbox downloads reuse the layer's serialised rows."""

from __future__ import annotations

import json
import random
import threading

import pytest
import shapely

from geo import aggregate, export, featuretable
from tests.webmap.conftest import FIXTURE_DATA, get
from webmap import create_app
from webmap.cache import ByteCache


def test_bounded_by_bytes_least_recently_used_first():
    cache = ByteCache("t", 100)
    for key in "abc":
        cache.get(key, lambda: b"x" * 40)  # the third evicts "a"
    assert "a" not in cache and cache.bytes == 80 and cache.evictions == 1
    cache.get("b", lambda: b"never built")  # a hit makes "b" the most recent
    cache.get("d", lambda: b"y" * 40)
    assert "c" not in cache and "b" in cache and "d" in cache
    assert (cache.hits, cache.misses) == (1, 4)
    assert cache.get("huge", lambda: b"z" * 101) == b"z" * 101  # served, not kept
    assert "huge" not in cache and cache.oversized == 1 and cache.bytes <= 100


def test_thread_safe_under_contention():
    cache = ByteCache("t", 10_000)
    errors = []

    def work(seed):
        rng = random.Random(seed)
        try:
            for _ in range(2000):
                key = rng.randrange(400)
                assert cache.get(key, lambda k=key: str(k).encode() * 10) == str(key).encode() * 10
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert cache.bytes <= 10_000 and cache.bytes == sum(
        len(str(k).encode() * 10) for k in list(cache._items)
    )
    assert cache.hits + cache.misses == 8 * 2000


@pytest.fixture
def small_app():
    return create_app(
        {
            "TESTING": True,
            "DATA_DIR": FIXTURE_DATA,
            "OGC_CACHE_BYTES": 2_000_000,
            "PAGE_CACHE_BYTES": 3_000_000,
            "DOWNLOAD_CACHE_BYTES": 3_000_000,
        }
    )


def test_ogc_cache_stays_within_its_bytes(small_app):
    client = small_app.test_client()
    cache = small_app.extensions["ogc_cache"]
    for day in range(1, 400):
        d = f"2025-{1 + day % 12:02d}-{1 + day % 28:02d}/2026-01-{1 + day % 28:02d}"
        r = client.get(f"/ogcapi/collections/counties/items?limit=1000&datetime={d}&offset={day}")
        assert r.status_code == 200
    assert 0 < cache.bytes <= 2_000_000 and cache.evictions > 0
    pages = small_app.extensions["atlas_pages"]
    for k in (3, 4, 5, 6, 7):
        for scheme in ("quantiles", "natural_breaks", "equal_interval"):
            get(client, f"/choropleth?level=county&k={k}&scheme={scheme}")
    assert pages.bytes <= 3_000_000


def test_ogc_key_is_the_negotiated_format_not_the_accept_header(small_app):
    client = small_app.test_client()
    cache = small_app.extensions["ogc_cache"]
    url = "/ogcapi/collections/zones/items"
    accepts = ["application/json", "application/geo+json", "*/*", "application/json;q=0.9", ""]
    etags = {client.get(url, headers={"Accept": a}).headers["ETag"] for a in accepts}
    assert len(etags) == 1 and cache.misses == 1 and cache.hits == len(accepts) - 1
    html = client.get(url, headers={"Accept": "text/html"})
    assert html.mimetype == "text/html" and cache.misses == 2
    assert client.get(url + "?f=html").headers["ETag"] == html.headers["ETag"]
    assert cache.misses == 2


def test_public_base_url_fixes_links_whatever_the_host(tmp_path):
    app = create_app(
        {"TESTING": True, "DATA_DIR": FIXTURE_DATA, "PUBLIC_BASE_URL": "https://atlas.example.org/"}
    )
    client = app.test_client()
    for host in ("localhost", "evil.example", "127.0.0.1:8000"):
        doc = client.get("/ogcapi/", headers={"Host": host}).get_json()
        assert {link["href"].split("/ogcapi")[0] for link in doc["links"]} == {
            "https://atlas.example.org"
        }
    assert app.extensions["ogc_cache"].misses == 1  # one entry, whatever the Host


def test_without_public_base_url_links_follow_a_valid_host_only(small_app):
    client = small_app.test_client()
    doc = client.get("/ogcapi/", headers={"Host": "Atlas.Example.org:8080"}).get_json()
    assert doc["links"][0]["href"].startswith("http://atlas.example.org:8080/ogcapi")
    bad = client.get("/ogcapi/", headers={"Host": 'x"><script>'})
    assert bad.status_code == 400


@pytest.mark.parametrize("value", ["ftp://x", "https://x.org/?q=1", "https://a b", "javascript:x"])
def test_bad_public_base_url_is_refused_at_start(value):
    with pytest.raises(ValueError, match="PUBLIC_BASE_URL"):
        create_app({"TESTING": True, "DATA_DIR": FIXTURE_DATA, "PUBLIC_BASE_URL": value})


def test_bbox_downloads_reuse_the_layer_and_match_a_fresh_computation(small_app, monkeypatch):
    client = small_app.test_client()
    store = small_app.extensions["atlas_live"].state.store
    calls = []
    real = export.boundary_rows
    table = featuretable.boundary_table
    monkeypatch.setattr(
        featuretable, "boundary_table", lambda *a, **k: calls.append(1) or table(*a, **k)
    )
    rng = random.Random(7)
    for _ in range(30):
        x0, y0 = rng.uniform(110.2, 114), rng.uniform(34.6, 40)
        box = (round(x0, 3), round(y0, 3), round(x0 + rng.uniform(0.1, 2), 3), round(y0 + 1, 3))
        q = ",".join(map(str, box))
        doc = json.loads(get(client, f"/api/boundaries/county.geojson?stage=signed&bbox={q}").body)
        got = [f["properties"]["adcode"] for f in doc["features"]]
        metrics = aggregate.all_metrics(store.data, "county", aggregate.Filters(stage="signed"))
        expected = [
            p["adcode"]
            for p, g in real(store.units["county"], metrics)
            if g is not None and g.intersects(shapely.box(*box))
        ]
        assert got == expected
        csv_rows = get(client, f"/api/boundaries/county.csv?stage=signed&bbox={q}").body
        assert csv_rows.decode("utf-8-sig").count("\r\n") == len(expected) + 1
    assert len(calls) == 1  # one serialised layer for 30 boxes, GeoJSON and CSV alike
