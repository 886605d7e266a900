"""Fixtures of the payload corpus: a hostile data folder and an app serving it."""

from __future__ import annotations

import pytest

from tests.security.payloads import SETTINGS, write_payload_dataset


@pytest.fixture(scope="session")
def payload_data(tmp_path_factory):
    return write_payload_dataset(tmp_path_factory.mktemp("payload-data"))


@pytest.fixture(scope="session")
def payload_app(payload_data):
    from webmap import create_app

    return create_app({"TESTING": True, "DATA_DIR": payload_data.folder, **SETTINGS})
