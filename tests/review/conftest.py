"""The review pages over HTTP (Flask test client): a fresh SQLite store per test."""

from __future__ import annotations

import re

import pytest

from tests.store.conftest import FIXTURE_DATA
from webmap import create_app

PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrf_token" value="([^"]*)"')


def make_app(url: str, **extra):
    return create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "DATA_DIR": FIXTURE_DATA,
            "DATA_VERSION_POLL": 0,
            "WRITE_RATE_LIMIT": 1000,
            **extra,
        }
    )


@pytest.fixture
def db_file(tmp_path):
    return f"sqlite:///{tmp_path / 'atlas.sqlite'}"


@pytest.fixture
def app(db_file):
    app = make_app(db_file)
    repo = app.extensions["atlas_repo"]
    for name, role in (("reader1", "reader"), ("ed", "editor"), ("boss", "admin")):
        repo.set_password(repo.add_user(name, role), PASSWORD)
    yield app
    repo.close()


@pytest.fixture
def repo(app):
    return app.extensions["atlas_repo"]


def csrf_of(html: str) -> str:
    return CSRF.search(html).group(1)


def log_in(client, name="ed", password=PASSWORD, next_="/review"):
    """Sign in through the form; returns the response of the login POST."""
    page = client.get("/login")
    return client.post(
        "/login",
        data={
            "name": name,
            "password": password,
            "csrf_token": csrf_of(page.get_data(as_text=True)),
            "next": next_,
        },
    )


@pytest.fixture
def editor(app):
    """A client signed in as the editor, with its CSRF token as ``client.csrf``."""
    client = app.test_client()
    assert log_in(client).status_code == 303
    client.csrf = csrf_of(client.get("/review").get_data(as_text=True))
    return client


@pytest.fixture
def admin(app):
    client = app.test_client()
    assert log_in(client, "boss").status_code == 303
    client.csrf = csrf_of(client.get("/review").get_data(as_text=True))
    return client


def post_json(client, url, data=None):
    """A write as review.js sends it: form fields, the CSRF header, JSON wanted."""
    return client.post(
        url,
        data=data or {},
        headers={"X-CSRF-Token": client.csrf, "Accept": "application/json"},
    )
