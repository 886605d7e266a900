"""Everything text-based goes out compressed (brotli when accepted, else gzip) with
``Vary: Accept-Encoding``; static assets are compressed once and served immutable at
content-hash URLs; large downloads stream and equal what a whole body would be."""

from __future__ import annotations

import gzip
import re
import zlib

import brotli
import pytest

from tests.webmap.conftest import FIXTURE_DATA, get
from webmap import assets, compress, create_app

BR = {"Accept-Encoding": "gzip, deflate, br"}
GZ = {"Accept-Encoding": "gzip"}
NONE = {"Accept-Encoding": "identity"}

TEXT_ANSWERS = [
    "/",
    "/choropleth?level=county",
    "/embed/overview",
    "/zones/Z001",
    "/zones/Z001.json",
    "/places/140100",
    "/api/projects.geojson",
    "/api/batches.csv",
    "/api/boundaries/county.geojson",
    "/api/boundaries/county.csv?stage=signed",
    "/api/zones/Z001/projects.json",
    "/geo/topology.wgs84.json",
    "/geo/county.gcj02.json",
    "/ogcapi/collections/counties/items?limit=50",
    "/ogcapi/collections?f=html",
    "/ogcapi/api",
    "/static/atlas.js",
    "/assets/vendor/leaflet/leaflet.css",
    "/embed.js",
    "/metrics",
    "/choropleth?k=99",  # an error page
]


def decoded(response) -> bytes:
    encoding = response.headers.get("Content-Encoding")
    if encoding == "br":
        return brotli.decompress(response.body)
    if encoding == "gzip":
        return gzip.decompress(response.body)
    assert encoding is None
    return response.body


@pytest.mark.parametrize("url", TEXT_ANSWERS)
def test_text_answers_are_compressed_as_the_client_accepts(client, url):
    plain = get(client, url, headers=NONE)
    assert "Content-Encoding" not in plain.headers
    assert "Accept-Encoding" in plain.headers.get("Vary", "")
    for headers, encoding in ((BR, "br"), (GZ, "gzip")):
        r = get(client, url, headers=headers)
        assert r.status_code == plain.status_code
        assert r.headers["Content-Encoding"] == encoding, (url, encoding)
        assert "Accept-Encoding" in r.headers["Vary"]
        assert decoded(r) == plain.body
        assert len(r.body) < len(plain.body)


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        ("gzip, deflate, br", "br"),
        ("br;q=0, gzip", "gzip"),
        ("gzip;q=0", None),
        ("*", "br"),
        ("", None),
        ("deflate", None),
    ],
)
def test_accept_encoding_is_honoured(client, accept, chosen):
    r = get(client, "/", headers={"Accept-Encoding": accept})
    assert r.headers.get("Content-Encoding") == chosen


def test_static_assets_are_compressed_once_and_immutable_at_hashed_urls(monkeypatch):
    app = create_app({"TESTING": True, "DATA_DIR": FIXTURE_DATA})
    client = app.test_client()
    html = get(client, "/").body.decode()
    urls = re.findall(r'<(?:script|link)[^>]+(?:src|href)="(/(?:static|assets)/[^"]+)"', html)
    assert urls and all(re.search(r"\?v=[0-9a-f]{10}$", u) for u in urls)
    calls = []
    real = compress.encode
    monkeypatch.setattr(compress, "encode", lambda *a, **k: calls.append(a[1]) or real(*a, **k))
    assets._asset.cache_clear()
    for _ in range(3):
        for url in urls:
            r = get(client, url, headers=BR)
            assert r.headers["Cache-Control"] == "public, max-age=31536000, immutable"
            assert r.headers["Content-Encoding"] == "br" and r.headers["ETag"]
    assert len(calls) == len(urls)  # one brotli per file, whatever the number of requests
    stale = get(client, re.sub(r"\?v=.*", "?v=0000000000", urls[0]))
    assert "immutable" not in stale.headers["Cache-Control"]
    unhashed = get(client, urls[0].split("?")[0])
    assert unhashed.headers["Cache-Control"] == "public, max-age=86400"
    etag = unhashed.headers["ETag"].strip('"')
    assert get(client, urls[0], headers={"If-None-Match": f'"{etag}"'}).status_code == 304
    assert get(client, "/static/../__init__.py").status_code == 404
    assert get(client, "/assets/vendor/leaflet/images/layers.png").status_code == 200


def test_pages_and_answers_are_compressed_once_per_cache_entry(client, monkeypatch):
    calls = []
    real = compress.encode
    monkeypatch.setattr(compress, "encode", lambda *a, **k: calls.append(a[1]) or real(*a, **k))
    for url in ("/?k_unused=1", "/choropleth?level=county&k=6", "/ogcapi/collections/zones"):
        url = url.replace("?k_unused=1", "?zone_type=etdz")
        for _ in range(4):
            assert get(client, url, headers=BR).headers["Content-Encoding"] == "br"
    assert calls == ["br"] * 3


@pytest.fixture(scope="module")
def apps(volume_url):
    """The same data twice: downloads made whole, and downloads always streamed."""
    whole = create_app({"TESTING": True, "DATABASE_URL": volume_url})
    streamed = create_app({"TESTING": True, "DATABASE_URL": volume_url, "DOWNLOAD_STREAM_BYTES": 0})
    return whole, streamed


@pytest.mark.parametrize(
    "url",
    [
        "/api/projects.geojson",
        "/api/projects.csv?stage=signed",
        "/api/batches.geojson?kind=started",
        "/api/batches.csv",
        "/api/zones.geojson?bbox=110,35,113,38",
        "/api/boundaries/county.csv?year=2025",
    ],
)
@pytest.mark.parametrize("headers", [BR, GZ, NONE])
def test_streamed_downloads_equal_whole_ones(apps, url, headers):
    whole, streamed = (a.test_client() for a in apps)
    with whole.get(url, headers=headers) as a, streamed.get(url, headers=headers) as b:
        assert int(a.headers["Content-Length"]) > 0  # made whole: a length
        assert "Content-Length" not in b.headers  # streamed: chunked on the wire
        a.body, b.body = a.get_data(), b.get_data()
    assert b.headers.get("Content-Encoding") == a.headers.get("Content-Encoding")
    assert decoded(a) == decoded(b)
    assert a.headers["ETag"] and b.headers["ETag"] == a.headers["ETag"]
    assert b.headers["Content-Type"] == a.headers["Content-Type"]
    again = get(streamed, url, headers=headers)  # the compressed stream was kept
    assert decoded(again) == decoded(a)
    assert (
        get(streamed, url, headers={**headers, "If-None-Match": b.headers["ETag"]}).status_code
        == 304
    )


def test_a_stream_is_compressed_chunk_by_chunk():
    chunks = [b'{"a":' + str(i).encode() * 1000 + b"}" for i in range(20)]
    gz = list(compress.stream(iter(chunks), "gzip"))
    br = list(compress.stream(iter(chunks), "br"))
    assert len(gz) > 1 and all(gz) and all(br)
    assert zlib.decompress(b"".join(gz), 31) == b"".join(chunks)
    assert brotli.decompress(b"".join(br)) == b"".join(chunks)
    assert list(compress.stream(iter([b"", b"x", b""]), None)) == [b"x"]
