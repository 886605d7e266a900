"""Downloads: formats, filters, file names, and the page-weight budget of the county map."""

import gzip
import json
import re

import brotli
import pytest

from tests.fixture_ids import fixture_id
from tests.webmap.conftest import get


def features(client, url):
    return json.loads(get(client, url).body)["features"]


@pytest.mark.parametrize(
    ("url", "ids"),
    [
        ("/api/zones.geojson?zone_type=etdz", ["Z001", "Z006", "Z007"]),
        ("/api/zones.geojson?county=140105", ["Z001", "Z010"]),
        ("/api/projects.geojson?stage=signed", ["P002", "P005", "P008"]),
        ("/api/projects.geojson?year=2024", ["P005", "P006"]),
        ("/api/projects.geojson?zone=Z004", ["P005", "P006"]),
        ("/api/projects.geojson?city=140100&zone_type=reform_demo", ["P004"]),
        ("/api/batches.geojson?city=140400&round=2025-02-06", ["B005", "B006", "B007"]),
        ("/api/batches.geojson?kind=all", ["B004"]),
        ("/api/projects.geojson?bbox=112.4,37.6,112.7,37.8", ["P001", "P002"]),
    ],
)
def test_filters(client, url, ids):
    if "/zones." in url:
        got = sorted(f["properties"]["zone_id"] for f in features(client, url))
    else:
        got = sorted(fixture_id(f["properties"]) for f in features(client, url))
    assert got == ids


def test_geojson_is_rfc7946_utf8_6_decimals(client):
    r = get(client, "/api/batches.geojson?city=140100")
    assert r.mimetype == "application/geo+json"
    text = r.body.decode()
    assert "太原市" in text and "\\u" not in text
    numbers = re.findall(r"-?\d+\.(\d+)", text)
    assert numbers and max(len(n) for n in numbers) <= 6
    doc = json.loads(text)
    kinds = {fixture_id(f["properties"]): f["geometry"]["type"] for f in doc["features"]}
    assert kinds["B004"] in ("Polygon", "MultiPolygon") and kinds["B010"] == "Point"


def test_unplaced_rows_have_null_geometry(client):
    projects = {fixture_id(f["properties"]): f for f in features(client, "/api/projects.geojson")}
    assert projects["P008"]["geometry"] is None
    zones = {f["properties"]["zone_id"]: f for f in features(client, "/api/zones.geojson")}
    assert zones["Z008"]["properties"]["precision"] == "province"  # no place: province seat
    assert zones["Z005"]["properties"]["name"] == "<img src=x onerror=alert(1)>"


def test_csv_has_bom_points_and_wkt(client):
    zones = get(client, "/api/zones.csv").body
    assert zones.startswith("\ufeffzone_id".encode())
    header = zones.decode("utf-8-sig").splitlines()[0].split(",")
    assert header[-2:] == ["lon", "lat"]
    batches = get(client, "/api/batches.csv?city=140100").body.decode("utf-8-sig")
    assert batches.splitlines()[0].endswith(",wkt") and '"POLYGON ((' in batches
    counties = get(client, "/api/boundaries/county.csv").body.decode("utf-8-sig")
    assert len(counties.splitlines()) == 118 and "investment" in counties.splitlines()[0]


def test_download_names_the_file(client):
    r = get(client, "/api/projects.csv?stage=signed&download=1")
    assert r.headers["Content-Disposition"] == 'attachment; filename="shanxi-projects-signed.csv"'
    r = get(client, "/api/boundaries/county.geojson?download=1")
    assert "shanxi-county.geojson" in r.headers["Content-Disposition"]
    assert "Content-Disposition" not in get(client, "/api/zones.csv").headers


def test_boundary_metrics_follow_filters_and_never_mix_batches(client):
    every = {
        f["properties"]["adcode"]: f["properties"]
        for f in features(client, "/api/boundaries/city.geojson")
    }
    taiyuan = every["140100"]
    assert taiyuan["investment"] == 3_600_000_000 + 126_000_000 + 2_000_000_000
    assert taiyuan["batch_investment"] == 4_851_000_000
    signed = {
        f["properties"]["adcode"]: f["properties"]
        for f in features(client, "/api/boundaries/city.geojson?stage=signed")
    }
    assert signed["140100"]["investment"] == 126_000_000
    assert every["140200"]["investment"] is None and every["140200"]["projects"] == 0


def test_compact_layer_round_trips_and_is_cached(client, app):
    from webmap import compact

    store = app.extensions["atlas_live"].state.store
    blob = store.compact["county", "wgs84"]
    r = get(client, f"/geo/county.wgs84.json?v={blob.etag}")
    assert "immutable" in r.headers["Cache-Control"]
    shapes = compact.decode(r.body)
    frame = store.units["county"].set_index("adcode")
    assert len(shapes) == 117
    for code in ("140105", "140502", "140525"):  # 泽州县 holds the 晋城城区 enclave as a hole
        assert shapes[code].symmetric_difference(frame.geometry[code]).area < 1e-6
    assert (
        get(client, "/geo/county.wgs84.json", headers={"If-None-Match": blob.etag}).status_code
        == 304
    )


def test_county_choropleth_fits_the_page_weight_budget(client):
    """HTML plus every distinct file it loads (tiles excluded), as the app sends them to a
    browser (br, else gzip): at most 100 KB either way (Chromium's own measure is in
    tests/browser/test_page_weight.py)."""
    for accept in ("gzip, deflate, br", "gzip"):
        headers = {"Accept-Encoding": accept}
        page = get(client, "/choropleth?level=county", headers=headers)
        html = gzip.decompress(page.body) if accept == "gzip" else brotli.decompress(page.body)
        urls = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html.decode())
        urls += re.findall(r'"(/geo/[^"]+)"', html.decode())
        assert len({u for u in urls if u.startswith("/geo/topology.")}) == 1
        urls = [u for u in dict.fromkeys(urls) if u.startswith("/")]  # not the data: icon
        sent = [page] + [get(client, u, headers=headers) for u in urls]
        assert all(r.headers.get("Content-Encoding") == accept.split(",")[-1].strip() for r in sent)
        total = sum(len(r.body) for r in sent)
        assert total <= 100 * 1024, (accept, total)
