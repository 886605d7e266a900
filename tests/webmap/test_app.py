"""The first web map: the overview page and the boundary API."""

import re

import pytest

from webmap import create_app


@pytest.fixture(scope="module")
def client():
    return create_app({"TESTING": True}).test_client()


@pytest.mark.parametrize(("level", "count"), [("county", 117), ("city", 11), ("province", 1)])
def test_boundary_api(client, level, count):
    r = client.get(f"/api/boundaries/{level}.geojson")
    assert r.status_code == 200
    assert r.mimetype == "application/geo+json"
    assert "太谷区".encode() in r.data or level != "county"  # UTF-8, not \\u escapes
    assert len(r.get_json(force=True)["features"]) == count


@pytest.mark.parametrize("level", ["district", "x", "COUNTY"])
def test_unknown_level_is_a_json_error(client, level):
    r = client.get(f"/api/boundaries/{level}.geojson")
    assert r.status_code == 400
    assert "allowed" in r.get_json()["message"]


def test_overview_uses_only_its_own_assets(client):
    html = client.get("/").get_data(as_text=True)
    urls = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert urls and all(u.startswith("/assets/") for u in urls)
    for url in urls:
        with client.get(url) as r:  # file responses must be closed
            assert r.status_code == 200
    assert "Xiaodian District" in html


def test_unknown_route_is_json_404(client):
    r = client.get("/no/such/page")
    assert r.status_code == 404 and r.get_json()["error"] == "Not Found"
