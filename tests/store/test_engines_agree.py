"""SQLite and PostgreSQL give the same answers to the same public API calls."""

from __future__ import annotations

import pytest

from tests.store.conftest import DATA
from tests.store.test_repository import ROUND, SIGNED, doc
from webmap import create_app

URLS = [
    "/api/zones.geojson",
    "/api/projects.geojson",
    "/api/projects.csv",
    "/api/batches.geojson",
    "/api/batches.csv?kind=signed",
    "/api/boundaries/city.geojson?kind=signed",
    "/api/boundaries/county.csv",
    "/ogcapi/collections/projects/items?limit=5&offset=2",
    "/ogcapi/collections/batches/items?kind=all",
    "/ogcapi/collections/zones/items?type=etdz",
    "/",
    "/choropleth?level=city&metric=batch_investment",
    "/zones/taigu-etdz",
    "/places/140700",
]


@pytest.fixture(scope="module")
def apps(pg_server, tmp_path_factory):
    made = {}
    for name, url in (
        ("sqlite", f"sqlite:///{tmp_path_factory.mktemp('agree') / 'atlas.sqlite'}"),
        ("postgresql", pg_server.new_database(template="atlas_template")),
    ):
        app = create_app({"DATABASE_URL": url, "DATA_DIR": DATA, "DATA_VERSION_POLL": 0})
        repo = app.extensions["atlas_repo"]
        repo.ingest(doc(ROUND, "round.txt"), actor="t")
        repo.ingest(doc(SIGNED, "signed.txt"), actor="t")
        made[name] = app
    yield made
    for app in made.values():
        app.extensions["atlas_repo"].close()


@pytest.mark.parametrize("url", URLS)
def test_same_answer(apps, url):
    bodies = {}
    for name, app in apps.items():
        with app.test_client().get(url) as r:
            assert r.status_code == 200, (name, url)
            bodies[name] = r.get_data()
    assert bodies["sqlite"] == bodies["postgresql"]
