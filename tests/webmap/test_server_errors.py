"""Requests that used to answer 500 answer 4xx with a clear message, through a real server."""

from __future__ import annotations

import socket

import pytest

from tests.webmap.conftest import get, gunicorn_app


@pytest.fixture(scope="module")
def gunicorn():
    """The app under gunicorn (1 worker) on a free loopback port: its base URL's port."""
    with gunicorn_app() as port:
        yield port


def raw_get(port: int, target: bytes) -> bytes:
    """One request with exactly these bytes in the request line."""
    with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
        s.sendall(b"GET " + target + b" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


@pytest.mark.parametrize(
    "target",
    [
        b"/?a=\xff\xfe",
        b"/?lang=\xff",
        b"/choropleth?level=\xc3",
        b"/api/zones.csv?city=\xff",
        b"/ogcapi/collections/zones/items?a=\xff",
        b"/ogcapi/collections/projects/items?doc_id=\xff\xfe",
        b"/ogcapi/?f=%ff",
    ],
)
def test_non_utf8_query_bytes_are_a_400_under_gunicorn(gunicorn, target):
    response = raw_get(gunicorn, target)
    status = response.split(b"\r\n", 1)[0]
    assert status.startswith(b"HTTP/1.1 400"), response[:400]
    assert b"UTF-8" in response


def test_utf8_query_bytes_sent_raw_still_work(gunicorn):
    target = "/ogcapi/collections/projects/items?doc_id=文档.txt&f=json".encode()
    response = raw_get(gunicorn, target)
    assert response.startswith(b"HTTP/1.1 200") and b'"numberMatched":0' in response


@pytest.mark.parametrize(
    "url",
    [
        "/ogcapi/collections/zones/items?offset=" + "9" * 4301,
        "/ogcapi/collections/projects/items?year=" + "9" * 4301,
        "/api/projects.csv?year=" + "9" * 4301,
        "/?year=" + "9" * 4301,
        "/api/zones.geojson?bbox=0,0,1e400,1e400",
        "/api/zones.geojson?bbox=" + "9" * 400 + ",1,2,3",
    ],
    ids=["offset", "year", "api-year", "page-year", "bbox-inf", "bbox-400-digits"],
)
def test_huge_numbers_are_a_400(client, url):
    assert get(client, url).status_code == 400


def test_405_carries_allow(client):
    for url in ("/", "/api/zones.csv", "/ogcapi/collections"):
        r = client.post(url)
        assert r.status_code == 405
        assert set(r.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "HEAD", "OPTIONS"}
