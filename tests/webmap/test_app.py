"""Boundary API, assets, errors and security headers of the web map."""

import re

import pytest

from tests.webmap.conftest import get

PAGES = [
    "/",
    "/?lang=en&basemap=none",
    "/choropleth",
    "/choropleth?level=county&metric=projects&scheme=natural_breaks&k=3",
    "/choropleth?level=county&city=140400&lang=en&basemap=gaode",
    "/zones/Z005",
    "/places/140400",
    "/places/140105?lang=en",
    "/embed",
    "/embed/overview",
    "/embed/choropleth?metric=batch_investment",
]


@pytest.mark.parametrize(("level", "count"), [("county", 117), ("city", 11), ("province", 1)])
def test_boundary_api(client, level, count):
    r = get(client, f"/api/boundaries/{level}.geojson")
    assert r.status_code == 200
    assert r.mimetype == "application/geo+json"
    assert "太谷区".encode() in r.body or level != "county"  # UTF-8, not \\u escapes
    assert len(r.get_json(force=True)["features"]) == count


@pytest.mark.parametrize("level", ["district", "x", "COUNTY"])
def test_unknown_level_is_a_json_error(client, level):
    r = get(client, f"/api/boundaries/{level}.geojson")
    assert r.status_code == 400
    body = r.get_json()
    assert body["parameter"] == "level" and "county" in body["allowed"]


@pytest.mark.parametrize("url", PAGES)
def test_pages_use_only_their_own_assets(client, url):
    r = get(client, url)
    assert r.status_code == 200, url
    html = r.body.decode()
    urls = re.findall(r'<(?:script|link|img|iframe)[^>]+(?:src|href)="([^"]+)"', html)
    urls = [u for u in urls if u != "data:,"]  # the empty favicon: no request at all
    assert urls
    assert all(u.startswith("/") and not u.startswith("//") for u in urls), urls
    for asset in urls:
        assert get(client, asset).status_code == 200, asset
    # data URLs the maps fetch are local too
    assert not re.search(r'"(?:layer|outline|county|city)":"(?:https?:)?//', html)


@pytest.mark.parametrize("url", PAGES)
def test_every_inline_script_is_allowed_by_hash(client, url):
    import base64
    import hashlib

    r = get(client, url)
    policy = r.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in policy and "'unsafe-inline'" not in policy.split("style-src")[0]
    for script in re.findall(r"<script>(.*?)</script>", r.body.decode(), re.S):
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy


def test_framing_only_for_embeds(client):
    page = get(client, "/choropleth")
    assert "frame-ancestors 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "SAMEORIGIN"
    embed = get(client, "/embed/choropleth")
    assert "frame-ancestors *" in embed.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in embed.headers
    api = get(client, "/api/zones.geojson")
    assert "default-src 'none'" in api.headers["Content-Security-Policy"]


def test_basemap_none_page_allows_no_remote_images(client):
    policy = get(client, "/?basemap=none").headers["Content-Security-Policy"]
    assert "https:" not in policy and "tile.openstreetmap.org" not in policy
    osm = get(client, "/").headers["Content-Security-Policy"]
    assert "https://tile.openstreetmap.org" in osm


@pytest.mark.parametrize(
    ("url", "param", "allowed"),
    [
        ("/choropleth?metric=gdp", "metric", "batch_investment"),
        ("/choropleth?k=9", "k", "7"),
        ("/choropleth?level=province", "level", "county"),
        ("/?colour=red", "colour", "zone_type"),
        ("/?basemap=tianditu", "basemap", "none"),
        ("/choropleth?city=110000", "city", "140400"),
        ("/?city=140100&county=140403", "county", "140105"),
        ("/choropleth?k=3&k=4", "k", "k"),
    ],
)
def test_bad_page_parameters_get_a_readable_html_400(client, url, param, allowed):
    r = get(client, url)
    assert r.status_code == 400
    assert r.mimetype == "text/html"
    html = r.body.decode()
    assert f"<code>{param}</code>" in html and allowed in html


@pytest.mark.parametrize(
    ("url", "param"),
    [
        ("/api/zones.geojson?stage=signed", "stage"),  # zones have no stage
        ("/api/projects.csv?year=20x5", "year"),
        ("/api/projects.geojson?bbox=1,2,3", "bbox"),
        ("/api/batches.geojson?kind=some", "kind"),
        ("/api/zones.xlsx", "format"),
    ],
)
def test_bad_api_parameters_get_a_json_400(client, url, param):
    r = get(client, url)
    assert r.status_code == 400
    assert r.get_json()["parameter"] == param
    assert r.get_json()["allowed"]


def test_unknown_things_are_404(client):
    assert get(client, "/no/such/page").get_json()["error"] == "Not Found"
    # a browser navigating to a mistyped address gets a readable page, still a 404
    page = client.get("/no/such/page", headers={"Accept": "text/html,*/*;q=0.8"})
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert b"<title>" in page.data and b'lang="zh-CN"' in page.data
    api = client.get("/api/nothing.json", headers={"Accept": "text/html,*/*;q=0.8"})
    assert api.status_code == 404 and api.get_json()["error"] == "Not Found"
    zone = get(client, "/zones/Z999")
    assert zone.status_code == 404 and zone.mimetype == "text/html"
    assert get(client, "/places/149999").status_code == 404


def test_tianditu_needs_a_key():
    from tests.webmap.conftest import FIXTURE_DATA
    from webmap import create_app

    app = create_app({"DATA_DIR": FIXTURE_DATA, "TIANDITU_KEY": "k123"})
    with app.test_client() as c:
        r = get(c, "/?basemap=tianditu")
        assert r.status_code == 200 and "tianditu.gov.cn" in r.headers["Content-Security-Policy"]
        assert "tk=k123" in r.body.decode()


def test_app_starts_without_a_dataset(tmp_path):
    from webmap import create_app

    app = create_app({"DATA_DIR": tmp_path})
    with app.test_client() as c:
        assert get(c, "/").status_code == 200
        assert get(c, "/choropleth?level=county").status_code == 200
        assert get(c, "/api/projects.geojson").get_json()["features"] == []
