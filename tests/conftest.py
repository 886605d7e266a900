"""Suite-wide settings: every app a test makes without a DATABASE_URL gets its own
in-memory store (filled from its DATA_DIR), never the developer's instance database;
and a request that notices a new data version waits for its read model (a loaded test
machine must not turn "written, then read" into a race; the bounded wait itself is
tested in tests/webmap/test_live.py)."""

import os

os.environ.setdefault("ATLAS_DATABASE_URL", "sqlite://")
os.environ.setdefault("ATLAS_DATA_VERSION_WAIT", "60")


import pytest  # noqa: E402

# A synthetic dataset with volume (bench/scale_data.py, seeded): long tables on zone and
# place pages, hundreds of OGC features, figures by county and zone.
VOLUME = {"zones": 30, "projects": 1200, "batches": 600, "documents": 80}


@pytest.fixture(scope="session")
def volume_url(tmp_path_factory):
    from bench.scale_data import Size, fill_store

    url = f"sqlite:///{tmp_path_factory.mktemp('volume') / 'volume.sqlite'}"
    fill_store(url, Size("T", **VOLUME)).close()
    return url


@pytest.fixture(scope="session")
def volume_app(volume_url):
    from webmap import create_app

    return create_app({"TESTING": True, "DATABASE_URL": volume_url})
