"""One topology of county arcs: counties and cities decode to the web layers exactly,
every border is stored once, and the county choropleth preloads it."""

from __future__ import annotations

import gzip
import json
import re

import pytest
import shapely

import boundaries
from tests.webmap.conftest import get
from webmap import topology


@pytest.fixture(scope="module")
def topo():
    return topology.build(boundaries.load("county", "web"), boundaries.load("city", "web"))


@pytest.mark.parametrize("level", ["county", "city"])
def test_decodes_to_the_web_layers_exactly(topo, level):
    decoded = topology.decode(topology.encode(topo), level)
    frame = boundaries.load(level, "web")
    assert set(decoded) == set(frame["adcode"])
    for code, geometry in zip(frame["adcode"], frame.geometry, strict=True):
        assert decoded[code].is_valid
        assert decoded[code].symmetric_difference(geometry).area < 1e-12, code


def test_every_border_is_stored_once(topo):
    uses = {}
    for _, polygons in topo.county:
        for polygon in polygons:
            for ring in polygon:
                for ref in ring:
                    arc = ref if ref >= 0 else ~ref
                    uses[arc] = uses.get(arc, 0) + 1
    assert set(uses) == set(range(len(topo.arcs)))
    assert max(uses.values()) == 2  # an arc between two counties, or on the outer border
    vertices = sum(len(a) for a in topo.arcs)
    per_polygon = sum(
        shapely.get_num_coordinates(g) for g in boundaries.load("county", "web").geometry
    )
    assert vertices < 0.6 * per_polygon


def test_gcj02_keeps_borders_shared_and_polygons_valid(topo):
    gcj = topology.to_gcj02(topo)
    decoded = topology.decode(topology.encode(gcj), "county")
    assert all(g.is_valid for g in decoded.values())
    wgs = topology.decode(topology.encode(topo), "county")
    shift = decoded["140105"].centroid.x - wgs["140105"].centroid.x
    assert 0.003 < shift < 0.009  # GCJ-02 lies 480-640 m east over Shanxi


def test_the_county_map_preloads_one_small_topology(client):
    html = get(client, "/choropleth?level=county").body.decode()
    preload = re.findall(
        r'<link rel="preload" href="([^"]+)" as="fetch" crossorigin="anonymous">', html
    )
    assert len(preload) == 1 and preload[0].startswith("/geo/topology.wgs84.json?v=")
    head = html.split("</head>")[0]
    assert head.index('rel="preload"') < head.index("<script")  # fetched while scripts load
    config = json.loads(
        re.search(r'type="application/json" id="[^"]+">(.*?)</script>', html, re.S)[1]
    )
    assert config["layer"] == config["outline"] == preload[0] and config["level"] == "county"
    r = get(client, preload[0], headers={"Accept-Encoding": "gzip"})
    assert r.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert len(r.body) < 40 * 1024
    assert set(json.loads(gzip.decompress(r.body))) == {"scale", "arcs", "county", "city"}
    city = get(client, "/choropleth").body.decode()
    assert preload[0] in city  # every map shares the one file (cached once by the browser)
    assert preload[0] in get(client, "/?lang=en").body.decode()
