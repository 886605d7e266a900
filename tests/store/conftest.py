"""Store tests run on both engines: SQLite (a file per test) and a throwaway PostGIS server."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.store import open_store
from tests import postgres

DATA = Path(__file__).resolve().parents[2] / "data"
FIXTURE_DATA = Path(__file__).resolve().parents[1] / "fixtures" / "dataset"


@pytest.fixture(scope="session")
def pg_server():
    if postgres.binaries() is None:
        pytest.skip("PostgreSQL with PostGIS not installed (make test installs it as root)")
    server = postgres.TempPostgres().start()
    # A migrated, empty template: each test's database is a fast file copy of it.
    server.sql("CREATE DATABASE atlas_template")
    repo = open_store(server.url("atlas_template"))
    repo.close()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A new, migrated, empty store's URL on each engine."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'atlas.sqlite'}"
    server = request.getfixturevalue("pg_server")
    return server.new_database(template="atlas_template")


@pytest.fixture
def repo(db_url):
    """A store filled from the small fixture dataset."""
    store = open_store(db_url, data_dir=FIXTURE_DATA)
    yield store
    store.close()
