"""OGC API – Features over the Flask test client: resources, parameters, errors, caching."""

import json

import pytest

COLLECTIONS = ("zones", "projects", "batches", "cities", "counties", "province")


@pytest.fixture(scope="module")
def client(ogc_app):
    return ogc_app.test_client()


def get_json(client, url, status=200, **kw):
    r = client.get(url, **kw)
    assert r.status_code == status, (url, r.data[:300])
    return r, json.loads(r.data)


def test_landing_links(client):
    r, doc = get_json(client, "/ogcapi")
    rels = {link["rel"] for link in doc["links"]}
    assert {"self", "service-desc", "service-doc", "conformance", "data"} <= rels
    assert r.mimetype == "application/json"


def test_conformance(client):
    _, doc = get_json(client, "/ogcapi/conformance")
    for cls in ("core", "geojson", "html", "oas30"):
        assert any(c.endswith("/conf/" + cls) for c in doc["conformsTo"])


def test_collections_have_extents_and_plain_items_links(client):
    _, doc = get_json(client, "/ogcapi/collections")
    assert [c["id"] for c in doc["collections"]] == list(COLLECTIONS)
    for c in doc["collections"]:
        assert len(c["extent"]["spatial"]["bbox"][0]) == 4
        items = [
            x for x in c["links"] if x["rel"] == "items" and x["type"] == "application/geo+json"
        ]
        assert len(items) == 1 and "?" not in items[0]["href"]  # GDAL appends its own query
        assert any("\u4e00" <= ch <= "\u9fff" for ch in c["title"])  # Chinese and English
        assert any(ch.isascii() and ch.isalpha() for ch in c["title"])


@pytest.mark.parametrize(("cid", "count"), [("cities", 11), ("counties", 117), ("province", 1)])
def test_item_counts(client, cid, count):
    r, doc = get_json(client, f"/ogcapi/collections/{cid}/items?limit=1000")
    assert r.mimetype == "application/geo+json"
    assert doc["numberMatched"] == doc["numberReturned"] == len(doc["features"]) == count


def test_paging_links_walk_every_feature(client):
    url, seen = "/ogcapi/collections/counties/items?limit=50", []
    while url:
        _, doc = get_json(client, url)
        seen += [f["id"] for f in doc["features"]]
        nxt = [x["href"] for x in doc["links"] if x["rel"] == "next"]
        url = nxt[0].replace("http://localhost", "") if nxt else None
    assert len(seen) == len(set(seen)) == 117


def test_prev_link_and_offset(client):
    _, doc = get_json(client, "/ogcapi/collections/counties/items?limit=10&offset=20")
    assert doc["numberReturned"] == 10
    prev = [x["href"] for x in doc["links"] if x["rel"] == "prev"][0]
    assert "offset=10" in prev and "limit=10" in prev


def test_large_limit_is_clamped_not_rejected(client):
    _, doc = get_json(client, "/ogcapi/collections/counties/items?limit=99999999")
    assert doc["numberReturned"] == 117


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "bbox=112.4,37.7,112.7,38.0",
            {"140105", "140106", "140107", "140108", "140109", "140110"},
        ),
        ("parent_adcode=140700", None),
        ("adcode=140703", {"140703"}),
    ],
)
def test_county_filters(client, query, expected):
    _, doc = get_json(client, f"/ogcapi/collections/counties/items?limit=200&{query}")
    ids = {f["id"] for f in doc["features"]}
    if expected is None:
        assert len(ids) == 11 and all(
            f["properties"]["parent_adcode"] == "140700" for f in doc["features"]
        )
    else:
        assert expected <= ids if query.startswith("bbox") else ids == expected


def test_zone_type_filter_and_datetime(client):
    _, doc = get_json(client, "/ogcapi/collections/zones/items?type=etdz&limit=200")
    assert doc["numberMatched"] > 5
    assert all(f["properties"]["type"] == "etdz" for f in doc["features"])
    _, doc = get_json(client, "/ogcapi/collections/batches/items?datetime=2025-02-06&kind=all")
    assert doc["numberMatched"] == 6  # six cities' round totals of 2025-02-06
    _, doc = get_json(client, "/ogcapi/collections/batches/items?datetime=../2025-02-05")
    assert all(f["properties"]["round_date"] <= "2025-02-05" for f in doc["features"])
    _, open_end = get_json(client, "/ogcapi/collections/batches/items?datetime=2025-01-01/..")
    _, year = get_json(client, "/ogcapi/collections/batches/items?year=2025")
    assert open_end["numberMatched"] == year["numberMatched"] > 0


@pytest.mark.parametrize(
    "query",
    [
        "foo=1",
        "limit=0",
        "limit=abc",
        "limit=-5",
        "offset=-1",
        "bbox=1,2,3",
        "bbox=a,b,c,d",
        "bbox=1,2,3,4,5",
        "bbox=200,0,201,1",
        "bbox=1e400,0,1,1",
        "bbox=nan,0,1,1",
        "datetime=yesterday",
        "datetime=../..",
        "datetime=2025-02-30",
        "datetime=2025-02-06T24:00:00Z",
        "limit=",
        "offset=",
        "limit= 5",
        "offset=" + "9" * 4301,
        "offset=2147483648",
        "type=factory",
        "city_adcode=110000",
        "f=xml",
        "limit=5&limit=6",
    ],
)
def test_bad_parameters_get_400_with_code_and_description(client, query):
    r, doc = get_json(client, f"/ogcapi/collections/zones/items?{query}", status=400)
    assert set(doc) == {"code", "description"} and doc["description"]


@pytest.mark.parametrize(
    "query", ["year=" + "9" * 4301, "year=10000", "year=0", "year=", "year=-1"]
)
def test_bad_integer_queryables_get_400(client, query):
    r, doc = get_json(client, f"/ogcapi/collections/projects/items?{query}", status=400)
    assert "year" in doc["description"]


@pytest.mark.parametrize(
    "query",
    [
        "bbox=112,40,113,38",  # south edge north of the north edge: an empty box
        "bbox=112,95,113,96",  # beyond the pole: clamped to it, nothing there
        "datetime=2025-03-01/2025-01-01",  # ends before it starts
    ],
)
def test_schema_valid_but_empty_selections_are_empty_pages(client, query):
    """The OpenAPI schema cannot forbid these, so they are answered, with nothing."""
    _, doc = get_json(client, f"/ogcapi/collections/batches/items?{query}")
    assert doc["numberMatched"] == 0 and doc["features"] == []


def test_empty_datetime_is_no_filter_and_huge_limit_is_clamped(client):
    _, everything = get_json(client, "/ogcapi/collections/batches/items")
    _, empty = get_json(client, "/ogcapi/collections/batches/items?datetime=")
    assert empty["numberMatched"] == everything["numberMatched"] > 0
    _, doc = get_json(client, "/ogcapi/collections/counties/items?limit=" + "9" * 4301)
    assert doc["numberReturned"] == 117


def test_bbox_across_the_antimeridian(client):
    _, doc = get_json(client, "/ogcapi/collections/counties/items?bbox=170,30,115,45&limit=200")
    assert doc["numberMatched"] == 117  # 170°E eastwards to 115°E covers all of Shanxi
    _, doc = get_json(client, "/ogcapi/collections/counties/items?bbox=170,30,-170,45")
    assert doc["numberMatched"] == 0


@pytest.mark.parametrize(
    "url", ["/ogcapi/collections?x=1", "/ogcapi?limit=3", "/ogcapi/conformance?f=geojson"]
)
def test_unknown_parameters_everywhere(client, url):
    get_json(client, url, status=400)


@pytest.mark.parametrize(
    "url",
    [
        "/ogcapi/collections/nope",
        "/ogcapi/collections/nope/items",
        "/ogcapi/collections/zones/items/no-such-zone",
    ],
)
def test_unknown_collections_and_features_are_404(client, url):
    _, doc = get_json(client, url, status=404)
    assert doc["code"] == "NotFound"


def test_single_feature(client):
    r, doc = get_json(client, "/ogcapi/collections/counties/items/140703")
    assert r.mimetype == "application/geo+json"
    assert doc["properties"]["name"] == "太谷区" and doc["geometry"]["type"] in (
        "Polygon",
        "MultiPolygon",
    )
    assert "太谷区".encode() in r.data  # UTF-8, not \u escapes


@pytest.mark.parametrize(
    ("headers", "query", "mimetype"),
    [
        ({"Accept": "text/html"}, "", "text/html"),
        ({"Accept": "application/json"}, "", "application/geo+json"),
        ({}, "?f=html", "text/html"),
        ({"Accept": "text/html"}, "?f=json", "application/geo+json"),
    ],
)
def test_content_negotiation(client, headers, query, mimetype):
    r = client.get("/ogcapi/collections/zones/items" + query, headers=headers)
    assert r.status_code == 200 and r.mimetype == mimetype


def test_html_for_every_resource(client):
    for url in [
        "/ogcapi?f=html",
        "/ogcapi/conformance?f=html",
        "/ogcapi/collections?f=html",
        "/ogcapi/collections/zones?f=html",
        "/ogcapi/collections/zones/items?f=html",
        "/ogcapi/collections/zones/items/taigu-etdz?f=html",
        "/ogcapi/api.html",
    ]:
        r = client.get(url)
        assert r.status_code == 200 and r.mimetype == "text/html", url
        assert "Content-Security-Policy" in r.headers
        assert b"<script" not in r.data


def test_etag_and_conditional_get(client):
    r = client.get("/ogcapi/collections/counties/items?limit=5")
    etag = r.headers["ETag"]
    again = client.get(
        "/ogcapi/collections/counties/items?limit=5", headers={"If-None-Match": etag}
    )
    assert again.status_code == 304 and again.data == b""
    other = client.get(
        "/ogcapi/collections/counties/items?limit=6", headers={"If-None-Match": etag}
    )
    assert other.status_code == 200 and other.headers["ETag"] != etag


def test_cors_and_head(client):
    r = client.get("/ogcapi/collections", headers={"Origin": "http://example.org"})
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    h = client.head("/ogcapi/collections/zones/items")
    assert (
        h.status_code == 200 and h.data == b"" and h.headers["Access-Control-Allow-Origin"] == "*"
    )


def test_openapi_declares_queryables_as_parameters(client):
    r, doc = get_json(client, "/ogcapi/api")
    assert doc["openapi"].startswith("3.0")
    params = {p.get("name") for p in doc["paths"]["/collections/zones/items"]["get"]["parameters"]}
    assert {"type", "level", "city_adcode", "county_adcode", "f"} <= params
    for path, item in doc["paths"].items():
        assert "400" in item["get"]["responses"], path
    _, q = get_json(client, "/ogcapi/collections/projects/queryables")
    assert set(q["properties"]) >= {"stage", "zone_id", "year"}


def test_article_text_is_escaped_in_html(ogc_app, tmp_path):
    from tests.ogc.fixtures import write_hostile_dataset
    from webmap import create_app

    app = create_app({"TESTING": True, "DATA_DIR": write_hostile_dataset(tmp_path)})
    r = app.test_client().get("/ogcapi/collections/zones/items?f=html")
    assert b"<img src=x onerror" not in r.data
    assert b"&lt;img src=x onerror=alert(1)&gt;" in r.data


def test_every_export_says_where_it_comes_from(client):
    _, doc = get_json(client, "/ogcapi/collections/projects/items")
    prov = doc["provenance"]
    assert prov["source"] and prov["licence"] and prov["crs"].startswith("EPSG:4326")
    assert prov["as_of"] and len(prov["as_of"]) == 10
    r = client.get("/ogcapi/collections/projects/items?f=csv")
    assert r.data.startswith("\ufeff".encode())  # BOM for Excel
    for header in ("X-Data-Source", "X-Data-As-Of", "X-Data-CRS", "X-Data-Licence"):
        assert r.headers[header], header
    header_row = r.data.decode("utf-8-sig").splitlines()[0].split(",")
    assert {"lon", "lat", "investment_cny"} <= set(header_row)
    counties = client.get("/ogcapi/collections/counties/items?f=csv&adcode=140703")
    assert "MULTIPOLYGON" in counties.data.decode() or "POLYGON" in counties.data.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/api/projects.geojson",
        "/api/zones.csv",
        "/api/boundaries/county.geojson",
        "/api/boundaries/city.csv?stage=signed",
    ],
)
def test_map_downloads_carry_provenance_too(client, url):
    with client.get(url) as r:
        assert r.status_code == 200
        assert r.headers["X-Data-As-Of"] and r.headers["X-Data-Licence"]
        if url.startswith("/api/projects.geojson"):
            assert json.loads(r.data)["provenance"]["crs"].startswith("EPSG:4326")
