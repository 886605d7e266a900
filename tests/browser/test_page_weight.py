"""Page weight as Chromium transfers it (empty cache, tiles excluded): the county
choropleth's first load is at most 100 KB, every text response compressed, and the
boundary topology fetched once (preloaded, then used by the map)."""

from __future__ import annotations

import pytest

from bench.chromium import transfer

BUDGET_KB = 100


def test_county_choropleth_first_load_fits_the_budget(atlas, browser):
    got = transfer(browser, f"{atlas.url}/choropleth?level=county&basemap=none")
    assert got.total <= BUDGET_KB * 1024, (got.kb(), got.by_path)
    topology = [u for u in got.requests if "/geo/topology." in u]
    assert len(topology) == 1, got.requests  # the preload is what the map uses
    assert not [u for u in got.requests if "/geo/county." in u or "/geo/city." in u]
    for path, encoding in got.encodings.items():
        if path.endswith((".js", ".css", ".json")) or path.startswith("/choropleth"):
            assert encoding in ("br", "gzip"), (path, encoding)


@pytest.mark.parametrize(
    "path", ["/?basemap=none", "/choropleth?basemap=none", "/embed/choropleth?level=county"]
)
def test_other_maps_stay_small_too(atlas, browser, path):
    got = transfer(browser, atlas.url + path)
    assert got.total <= 130 * 1024, (got.kb(), got.by_path)
    assert sum(1 for u in got.requests if "/geo/topology." in u) == 1
