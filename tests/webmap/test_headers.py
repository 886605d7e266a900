"""Headers on every response: 405 Allow, CORS (errors and preflights too), Permissions-,
Cross-Origin-Opener- and Cross-Origin-Resource-Policy, framing rules."""

from __future__ import annotations

import pytest

from tests.webmap.conftest import get

ALL_KINDS = [
    "/",
    "/choropleth?level=county",
    "/zones/Z001",
    "/places/140100",
    "/embed",
    "/embed/overview",
    "/embed/choropleth",
    "/embed.js",
    "/api/zones.geojson",
    "/api/projects.csv",
    "/api/boundaries/county.geojson",
    "/geo/county.wgs84.json",
    "/ogcapi/",
    "/ogcapi/collections/zones/items?f=html",
    "/assets/vendor/leaflet/leaflet.js",
    "/nope",
    "/?lang=xx",
    "/api/zones.csv?city=1",
    "/ogcapi/collections/nope",
]
CROSS_ORIGIN = ("/embed/", "/embed.js", "/api/", "/geo/", "/ogcapi", "/assets/", "/static/")


@pytest.mark.parametrize("url", ALL_KINDS)
def test_policies_on_every_response(client, url):
    r = get(client, url)
    assert r.headers["Permissions-Policy"].startswith("accelerometer=()")
    assert "geolocation=()" in r.headers["Permissions-Policy"]
    assert r.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    corp = "cross-origin" if url.startswith(CROSS_ORIGIN) else "same-origin"
    assert r.headers["Cross-Origin-Resource-Policy"] == corp
    assert r.headers["X-Content-Type-Options"] == "nosniff" and r.headers["Content-Security-Policy"]
    if url.startswith("/embed/"):
        assert "X-Frame-Options" not in r.headers
        assert "frame-ancestors *" in r.headers["Content-Security-Policy"]
    else:
        assert r.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_static_assets_are_usable_cross_origin(client):
    r = get(client, "/static/atlas.js")
    assert r.status_code == 200 and r.headers["Cross-Origin-Resource-Policy"] == "cross-origin"


@pytest.mark.parametrize(
    "url",
    [
        "/api/zones.csv?city=1",
        "/api/nope.csv",
        "/api/zones.xml",
        "/api/projects.geojson?x=1",
        "/geo/nope.json",
        "/ogcapi/collections/zones/items?limit=0",
        "/ogcapi/collections/nope",
    ],
)
def test_api_errors_carry_cors(client, url):
    r = get(client, url, headers={"Origin": "https://other.example"})
    assert r.status_code in (400, 404)
    assert r.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    "url",
    [
        "/api/zones.geojson",
        "/api/boundaries/city.csv",
        "/ogcapi/collections",
        "/geo/city.wgs84.json",
    ],
)
def test_preflight(client, url):
    r = client.options(
        url,
        headers={
            "Origin": "https://other.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "If-None-Match, X-Requested-With",
        },
    )
    assert r.status_code == 200
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert r.headers["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert r.headers["Access-Control-Allow-Headers"] == "If-None-Match, X-Requested-With"
    assert "GET" in r.headers["Allow"]


def test_preflight_with_junk_headers_gets_the_usual_list(client):
    r = client.options(
        "/api/zones.csv",
        headers={
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "a\tb;;",
        },
    )
    assert "If-None-Match" in r.headers["Access-Control-Allow-Headers"]


def test_pages_carry_no_cors(client):
    assert "Access-Control-Allow-Origin" not in get(client, "/").headers


@pytest.mark.parametrize(
    "url", ["/", "/zones/Z001", "/api/zones.csv", "/ogcapi/collections", "/embed.js"]
)
def test_405_has_allow(client, url):
    for method in ("post", "put", "delete", "patch"):
        r = getattr(client, method)(url)
        assert r.status_code == 405, (method, url)
        assert {m.strip() for m in r.headers["Allow"].split(",")} == {"GET", "HEAD", "OPTIONS"}
