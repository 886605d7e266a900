"""OGC items page in O(page): a query selects its rows once (array arithmetic over the
collection's columns), each page then serialises its own rows only, in a stable order.
A full crawl touches every feature once: linear, never quadratic."""

from __future__ import annotations

import json

import pytest

from geo import features as gf


@pytest.fixture
def client(volume_app):
    return volume_app.test_client()


def collections(app):
    return app.extensions["atlas_live"].state.collections


def crawl(client, url: str) -> tuple[list[str], int]:
    ids, pages = [], 0
    while url:
        with client.get(url) as r:
            doc = json.loads(r.get_data())
        ids += [f["id"] for f in doc["features"]]
        pages += 1
        url = next((link["href"] for link in doc["links"] if link["rel"] == "next"), None)
    return ids, pages


@pytest.mark.parametrize("cid", ["projects", "batches", "zones"])
def test_an_unfiltered_crawl_reads_each_feature_once(client, volume_app, monkeypatch, cid):
    c = collections(volume_app)[cid]
    scans = []
    real = gf.select
    monkeypatch.setattr(gf, "select", lambda *a, **k: scans.append(1) or real(*a, **k))
    before = c.table.rows_read
    ids, pages = crawl(client, f"/ogcapi/collections/{cid}/items?limit=37")
    assert ids == list(c.table.ids)  # every feature, once, in the collection's order
    assert pages == -(-len(ids) // 37)
    assert c.table.rows_read - before == len(ids)  # each page serialised its rows only
    assert len(scans) == pages and all(s == 1 for s in scans)  # no scan: O(1) selections


def test_a_filtered_crawl_selects_once_and_pages_from_the_selection(
    client, volume_app, monkeypatch
):
    c = collections(volume_app)["projects"]
    scans = []
    real = gf.select
    monkeypatch.setattr(gf, "select", lambda *a, **k: scans.append(a[1]) or real(*a, **k))
    before = c.table.rows_read
    url = "/ogcapi/collections/projects/items?stage=signed&limit=25&bbox=110,34,115,41"
    ids, pages = crawl(client, url)
    frame = volume_app.extensions["atlas_live"].state.store.data.projects
    assert ids == list(frame.loc[frame["stage"] == "signed", "project_id"])
    assert pages > 3
    assert c.table.rows_read - before == len(ids)
    selections = volume_app.extensions["ogc_selections"]
    assert selections.misses >= 1 and len({gf.selection_key(q) for q in scans}) == 1
    # the pages after the first reuse the selection of the first
    assert selections.hits >= pages - 1


def test_selection_is_array_arithmetic_that_matches_feature_by_feature(volume_app):
    c = collections(volume_app)["batches"]
    query = gf.ItemsQuery(
        limit=10_000,
        interval=(None, __import__("datetime").date(2025, 6, 1)),
        filters={"kind": "started", "year": "2024"},
        bbox=(111.0, 35.0, 113.5, 38.0),
    )
    chosen = gf.select(c, query)
    expected = [
        i
        for i, f in enumerate(c.features)
        if f.properties["kind"] == "started"
        and f.when is not None
        and f.when.year == 2024
        and f.when <= __import__("datetime").date(2025, 6, 1)
        and f.geometry is not None
        and f.geometry.intersects(__import__("shapely").box(111.0, 35.0, 113.5, 38.0))
    ]
    assert list(chosen.rows) == expected and chosen.count == len(expected) > 0
    assert list(chosen.page(5, 3)) == expected[5:8]


def test_items_pages_agree_with_the_single_feature_reads(client, volume_app):
    with client.get("/ogcapi/collections/batches/items?limit=5&offset=100") as r:
        doc = json.loads(r.get_data())
    assert doc["numberReturned"] == 5 and doc["numberMatched"] == len(
        collections(volume_app)["batches"].table
    )
    for feature in doc["features"]:
        with client.get(f"/ogcapi/collections/batches/items/{feature['id']}") as one:
            single = json.loads(one.get_data())
        single.pop("links")
        assert single == feature
