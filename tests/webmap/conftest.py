"""One app over the fixture dataset for the whole web-map test package."""

from pathlib import Path

import pytest

from webmap import create_app

FIXTURE_DATA = Path(__file__).resolve().parent.parent / "fixtures" / "dataset"


@pytest.fixture(scope="package")
def app():
    return create_app({"TESTING": True, "DATA_DIR": FIXTURE_DATA, "MAP_APPROVAL": "审图号：测试"})


@pytest.fixture
def client(app):
    return app.test_client()


def get(client, url, **kwargs):
    """GET and read the body, closing file responses (pytest turns ResourceWarning into errors)."""
    with client.get(url, **kwargs) as response:
        response.body = response.get_data()
        return response
