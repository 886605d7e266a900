"""Proof with a real GIS client: GDAL's OAPIF driver (Debian gdal-bin) against a live server."""

import json
import shutil
import subprocess

import pytest

pytestmark = pytest.mark.skipif(shutil.which("ogrinfo") is None, reason="gdal-bin not installed")

EXPECTED = {
    "zones": 41,
    "projects": 12,
    "batches": 25,
    "cities": 11,
    "counties": 117,
    "province": 1,
}


def gdal(*args: str) -> str:
    proc = subprocess.run(
        args,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"GDAL_HTTP_TIMEOUT": "30", "CPL_DEBUG": "OFF", "PATH": "/usr/bin:/bin"},
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.fixture(scope="module")
def expected_counts(ogc_app):
    return {
        cid: len(c.features)
        for cid, c in ogc_app.extensions["atlas_live"].state.collections.items()
    }


def test_every_collection_is_listed(live_server):
    url, _ = live_server
    out = gdal("ogrinfo", "-ro", f"OAPIF:{url}/ogcapi")
    for cid in EXPECTED:
        assert f": {cid} (title:" in out


def test_every_feature_read_with_attributes(live_server, tmp_path, expected_counts):
    url, _ = live_server
    for cid, count in expected_counts.items():
        out = tmp_path / f"{cid}.geojson"
        gdal("ogr2ogr", "-f", "GeoJSON", str(out), f"OAPIF:{url}/ogcapi", cid)
        doc = json.loads(out.read_text(encoding="utf-8"))
        assert len(doc["features"]) == count, cid
    counties = json.loads((tmp_path / "counties.geojson").read_text(encoding="utf-8"))
    names = {f["properties"]["name"] for f in counties["features"]}
    assert {"太谷区", "潞州区", "云州区"} <= names  # Chinese intact
    projects = json.loads((tmp_path / "projects.geojson").read_text(encoding="utf-8"))
    amounts = {f["properties"]["investment_cny"] for f in projects["features"]}
    assert 3_600_000_000 in amounts


def test_bbox_is_applied_by_the_server(live_server):
    url, log = live_server
    log.clear()
    out = gdal(
        "ogrinfo", "-ro", "-q", f"OAPIF:{url}/ogcapi", "counties", "-spat", "112", "37", "113", "38"
    )
    assert out.count("OGRFeature(counties)") == 22
    items = [q for p, q in log if p.endswith("/counties/items")]
    assert any("bbox=112" in q for q in items), log


def test_attribute_filter_is_applied_by_the_server(live_server, expected_counts, ogc_app):
    url, log = live_server
    log.clear()
    out = gdal("ogrinfo", "-ro", "-q", f"OAPIF:{url}/ogcapi", "zones", "-where", "type = 'etdz'")
    etdz = [
        f
        for f in ogc_app.extensions["atlas_live"].state.collections["zones"].features
        if f.properties["type"] == "etdz"
    ]
    assert out.count("OGRFeature(zones)") == len(etdz)
    assert any(p.endswith("/zones/items") and "type=etdz" in q for p, q in log), log


def test_single_feature_read(live_server):
    url, log = live_server
    log.clear()
    out = gdal("ogrinfo", "-ro", "-q", f"OAPIF:{url}/ogcapi", "counties", "-fid", "1")
    assert "OGRFeature(counties):1" in out


@pytest.mark.parametrize(
    ("fmt", "collection", "driver"),
    [
        ("gpkg", "zones", "GPKG"),
        ("kml", "counties", "KML"),
        ("gpkg", "counties", "GPKG"),
        ("kml", "projects", "KML"),
    ],
)
def test_exports_open_with_right_counts_and_crs(
    ogc_app, tmp_path, expected_counts, fmt, collection, driver
):
    r = ogc_app.test_client().get(f"/ogcapi/collections/{collection}/items?f={fmt}")
    assert r.status_code == 200
    assert "attachment" in r.headers["Content-Disposition"]
    path = tmp_path / f"{collection}.{fmt}"
    path.write_bytes(r.data)
    out = gdal("ogrinfo", "-ro", "-so", "-al", str(path))
    assert f"Feature Count: {expected_counts[collection]}" in out
    assert 'ID["EPSG",4326]' in out
    if fmt == "gpkg":
        assert "AS_OF=" in out and "LICENCE=" in out and "SOURCE=" in out
    else:
        assert "As of:" in path.read_text(encoding="utf-8")


def test_filtered_export_matches_filtered_items(ogc_app, tmp_path):
    client = ogc_app.test_client()
    r = client.get("/ogcapi/collections/counties/items?f=gpkg&parent_adcode=140400")
    path = tmp_path / "changzhi.gpkg"
    path.write_bytes(r.data)
    assert "Feature Count: 12" in gdal("ogrinfo", "-ro", "-so", "-al", str(path))
