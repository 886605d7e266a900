"""What the map pages carry: escaped article text, choropleth classes, i18n, datums, cache."""

import json
import re

import pytest

from tests.webmap.conftest import get

XSS_ZONE = "<img src=x onerror=alert(1)>"
XSS_PROJECT = "</script><script>alert('p')</script>"


def config(html: str) -> dict:
    """The JSON config block of the page's Atlas layer."""
    block = re.search(r'<script type="application/json" id="[^"]+">(.*?)</script>', html, re.S)
    return json.loads(block.group(1))


@pytest.mark.parametrize("url", ["/", "/embed/overview", "/zones/Z005", "/places/140800"])
def test_article_text_never_reaches_html_unescaped(client, url):
    html = get(client, url).body.decode()
    assert XSS_ZONE not in html and XSS_PROJECT not in html
    assert "<b>坏公司</b>" not in html
    if url != "/places/140800":
        names = [z["name"] for z in config(html)["zones"]]
        assert XSS_ZONE in names  # the data is intact, only its encoding is safe


def test_overview_has_one_record_per_located_zone(client, app):
    cfg = config(get(client, "/").body.decode())
    zones = app.extensions["atlas_live"].state.store.data.zones
    located = zones[zones["precision"].notna()]
    assert sorted(z["id"] for z in cfg["zones"]) == sorted(located["zone_id"])
    z001 = next(z for z in cfg["zones"] if z["id"] == "Z001")
    # a summary in the page; the projects come from the popup's own request
    assert "projects" not in z001 and "sources" not in z001
    assert z001["projectCount"] == 2 and z001["investment"] == "37.26"
    popup = json.loads(get(client, z001["projectsUrl"]).body)
    assert [p["amount"] for p in popup["projects"]] == ["36.00", "1.26"]
    assert popup["sources"][0]["title"].startswith("山西开发区")
    city_only = next(z for z in cfg["zones"] if z["id"] == "Z002")
    assert "市级" in city_only["precision"]
    assert "审图号：测试" in cfg["attribution"] and "2025-02-07" in cfg["attribution"]


def test_overview_filters(client):
    cfg = config(get(client, "/?zone_type=etdz").body.decode())
    assert {z["type"] for z in cfg["zones"]} == {"etdz"}
    cfg = config(get(client, "/?city=140100").body.decode())
    assert sorted(z["id"] for z in cfg["zones"]) == ["Z001", "Z002", "Z010"]


def test_county_choropleth_units_classes_and_no_data(client):
    cfg = config(get(client, "/choropleth?level=county&metric=investment").body.decode())
    assert len(cfg["units"]) == 117
    assert cfg["units"]["140105"][1] == "37.26"  # 36 + 1.26 亿元
    no_data = [u for u in cfg["units"].values() if u[2] is None]
    assert len(no_data) == 117 - 5 and all(u[1] == "无数据" for u in no_data)
    assert len(cfg["colors"]) == len(cfg["legend"]["rows"]) and cfg["legend"]["unit"] == "亿元"
    assert cfg["noData"]["color"] not in cfg["colors"]


def test_zero_is_a_value_not_no_data(client):
    cfg = config(get(client, "/choropleth?level=county&metric=zones").body.decode())
    zero = cfg["units"]["140106"]
    assert zero[1] == "0" and zero[2] == 0


def test_batch_metric_only_where_tables_exist(client):
    cfg = config(get(client, "/choropleth?metric=batch_investment").body.decode())
    assert cfg["units"]["140100"][1] == "48.51" and cfg["units"]["140400"][1] == "20.00"
    assert cfg["units"]["140200"][2] is None


def test_city_choropleth_drills_down_to_counties(client):
    cfg = config(get(client, "/choropleth?metric=projects").body.decode())
    assert cfg["drill"] == "/choropleth?basemap=osm&city=__CITY__&level=county&metric=projects"
    drilled = config(get(client, "/choropleth?level=county&city=140400").body.decode())
    assert len(drilled["units"]) == 12 and all(c.startswith("1404") for c in drilled["units"])


def test_english(client):
    html = get(client, "/choropleth?level=county&lang=en").body.decode()
    cfg = config(html)
    assert cfg["units"]["140105"][0] == "Xiaodian District"
    assert '<html lang="en">' in html and "Reported project investment" in html
    assert "Taiyuan City" in config(get(client, "/?lang=en").body.decode())["names"].values()


def test_gaode_draws_in_gcj02(client):
    wgs = config(get(client, "/").body.decode())
    gcj = config(get(client, "/?basemap=gaode").body.decode())
    assert gcj["layers"]["county"].startswith("/geo/topology.gcj02.json?v=")
    assert wgs["layers"]["county"].startswith("/geo/topology.wgs84.json?v=")
    a = next(z for z in wgs["zones"] if z["id"] == "Z001")["latlng"]
    b = next(z for z in gcj["zones"] if z["id"] == "Z001")["latlng"]
    assert 0.003 < b[1] - a[1] < 0.009  # GCJ-02 is 480-640 m east over Shanxi


def test_embed_has_no_chrome_but_a_visible_data_table(client):
    html = get(client, "/embed/choropleth?level=county").body.decode()
    assert "atlas-header" not in html and "<noscript>" not in html  # visible, not noscript
    assert 'class="atlas-data-table"' in html and html.count("<tr>") >= 117
    assert 'aria-label="' in html and "<title>" in html
    assert config(html)["embed"] is True


def test_pages_are_cached_per_parameter_set(client, app):
    cache = app.extensions["atlas_pages"]
    first = get(client, "/choropleth?metric=zones&k=4")
    misses = cache.misses
    again = get(client, "/choropleth?k=4&metric=zones")  # same set, other order
    assert cache.misses == misses and again.headers["ETag"] == first.headers["ETag"]
    assert (
        get(client, "/choropleth?k=4&metric=zones&lang=zh").headers["ETag"] == first.headers["ETag"]
    )
    assert get(client, "/choropleth?metric=zones", headers={"If-None-Match": first.headers["ETag"]})
    not_modified = get(
        client, "/choropleth?k=4&metric=zones", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert not_modified.status_code == 304


def test_pages_link_the_data_they_show(client):
    html = get(client, "/choropleth?level=county&stage=signed&city=140400").body.decode()
    assert "/api/boundaries/county.geojson?city=140400&amp;stage=signed" in html
    html = get(client, "/?zone_type=etdz").body.decode()
    assert "/api/zones.csv?zone_type=etdz" in html


def test_zone_page_tables(client):
    html = get(client, "/zones/Z001").body.decode()
    assert "年产10万吨新材料项目" in html and "36.00" in html
    assert "B010" not in html and "2025-02-06" in html  # its zone-scope batch, by round date
    assert "山西开发区一季度项目建设综述" in html and "位置 10–40" in html
    assert 'href="https://example.org/d1"' in html


def test_place_page_lists_zones_projects_batches(client):
    html = get(client, "/places/140100").body.decode()
    for text in ("太原经济技术开发区", "数据中心一期", "48.51", "小店区"):
        assert text in html
