"""The writers' API over HTTP (Flask test client) on both engines."""

from __future__ import annotations

import io
import json
import time

import pytest

from tests.store.conftest import FIXTURE_DATA
from tests.store.test_repository import ROUND, SIGNED
from webmap import create_app


@pytest.fixture
def app(db_url):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": db_url,
            "DATA_DIR": FIXTURE_DATA,
            "DATA_VERSION_POLL": 0,
            "WRITE_RATE_LIMIT": 1000,
        }
    )
    yield app
    app.extensions["atlas_repo"].close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def tokens(app):
    repo = app.extensions["atlas_repo"]
    return {
        role: repo.issue_token(repo.add_user(f"u-{role}", role))
        for role in ("reader", "editor", "admin")
    }


def auth(token):
    return {"Authorization": f"Bearer {token}"}


def names(client):
    with client.get("/api/projects.geojson") as r:
        return {f["properties"]["name"] for f in r.get_json()["features"]}


def test_post_an_article_and_see_it_on_the_map(client, tokens):
    assert "华润储能项目" not in names(client)
    r = client.post(
        "/api/documents",
        data={"file": (io.BytesIO(SIGNED.encode()), "huarun.txt"), "title": "华润储能签约"},
        headers=auth(tokens["editor"]),
    )
    assert r.status_code == 201, r.get_json()
    body = r.get_json()
    assert body["doc_id"] == "huarun.txt" and body["created"] is True
    assert body["projects"][0]["investment_cny"] == 500_000_000
    assert body["projects"][0]["span"][0] < body["projects"][0]["span"][1]
    assert "华润储能项目" in names(client)  # no restart
    again = client.post(
        "/api/documents",
        data={"file": (io.BytesIO(SIGNED.encode()), "copy.txt")},
        headers=auth(tokens["editor"]),
    )
    assert again.status_code == 200 and again.get_json()["doc_id"] == "huarun.txt"
    detail = client.get("/api/documents/huarun.txt", headers=auth(tokens["reader"])).get_json()
    assert detail["title"] == "华润储能签约" and detail["text"] == SIGNED
    assert detail["projects"][0]["name"] == "华润储能项目"


def test_json_body_and_retraction(client, tokens):
    r = client.post(
        "/api/documents",
        json={"text": ROUND, "title": "太原三个一批", "published": "2025-02-07"},
        headers=auth(tokens["editor"]),
    )
    assert r.status_code == 201
    doc_id = r.get_json()["doc_id"]
    assert doc_id.startswith("doc-") and len(r.get_json()["batches"]) == 3
    listed = client.get("/api/documents", headers=auth(tokens["editor"])).get_json()
    assert doc_id in [d["doc_id"] for d in listed["documents"]]
    gone = client.delete(f"/api/documents/{doc_id}", headers=auth(tokens["editor"]))
    assert gone.status_code == 200 and gone.get_json()["state"] == "retracted"
    still = client.get(f"/api/documents/{doc_id}", headers=auth(tokens["editor"])).get_json()
    assert still["state"] == "retracted"  # kept for the audit, hidden from the public


@pytest.mark.parametrize(
    ("method", "url", "role", "status"),
    [
        ("post", "/api/documents", None, 401),
        ("post", "/api/documents", "bad", 401),
        ("post", "/api/documents", "reader", 403),
        ("delete", "/api/documents/d1", None, 401),
        ("delete", "/api/documents/d1", "reader", 403),
        ("get", "/api/documents", None, 401),
        ("get", "/api/documents/nope.txt", "reader", 404),
    ],
)
def test_refusals_are_json(client, tokens, method, url, role, status):
    headers = {}
    if role == "bad":
        headers = auth("sxa_not-a-token")
    elif role:
        headers = auth(tokens[role])
    r = getattr(client, method)(url, headers=headers, json={"text": SIGNED})
    assert r.status_code == status
    assert r.is_json and r.get_json()["message"]
    if status == 401:
        assert r.headers.get("WWW-Authenticate", "").startswith("Bearer")


def test_bad_bodies(client, tokens, app):
    h = auth(tokens["editor"])
    # A raw body: the test client spools dict uploads to a temporary file it never closes.
    big = (
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\n\r\n'
        + b"x" * app.config["MAX_CONTENT_LENGTH"]
        + b"\r\n--b--\r\n"
    )
    too_big = client.post(
        "/api/documents", data=big, content_type="multipart/form-data; boundary=b", headers=h
    )
    assert too_big.status_code == 413 and too_big.is_json
    exe = {"file": (io.BytesIO(b"MZ\x90\x00"), "tool.exe")}
    assert client.post("/api/documents", data=exe, headers=h).status_code == 415
    xml = client.post("/api/documents", data="<a/>", content_type="application/xml", headers=h)
    assert xml.status_code == 415
    assert client.post("/api/documents", json={"txt": "x"}, headers=h).status_code == 400
    assert client.post("/api/documents", json={"text": ""}, headers=h).status_code == 400
    bad_date = client.post(
        "/api/documents", json={"text": SIGNED, "published": "2025-13-01"}, headers=h
    )
    assert bad_date.status_code == 400 and "published" in bad_date.get_json()["message"]
    bad_url = client.post(
        "/api/documents", json={"text": SIGNED, "url": "javascript:alert(1)"}, headers=h
    )
    assert bad_url.status_code == 400


def test_rate_limit_per_token(app, client, tokens):
    from webmap.documents import RateLimiter

    app.extensions["atlas_write_limiter"] = RateLimiter(5)
    h = auth(tokens["admin"])
    statuses = [
        client.post("/api/documents", json={"text": f"{SIGNED}{i}"}, headers=h).status_code
        for i in range(7)
    ]
    assert statuses[:5] == [201] * 5 and statuses[-1] == 429
    r = client.post("/api/documents", json={"text": SIGNED + "z"}, headers=h)
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
    other = client.post(
        "/api/documents", json={"text": SIGNED + "y"}, headers=auth(tokens["editor"])
    )
    assert other.status_code == 201  # the limit is per token


def test_public_reads_stay_open_and_unchanged(client):
    for url in ("/api/projects.geojson", "/api/zones.csv", "/ogcapi/collections"):
        with client.get(url) as r:
            assert r.status_code == 200


def test_a_write_shows_on_every_worker_within_the_poll(tmp_path):
    """Two apps on one SQLite file stand for two gunicorn workers."""
    url = f"sqlite:///{tmp_path / 'atlas.sqlite'}"
    config = {"DATABASE_URL": url, "DATA_DIR": FIXTURE_DATA, "DATA_VERSION_POLL": 0.2}
    first, second = create_app(config), create_app(config)
    repo = first.extensions["atlas_repo"]
    token = repo.issue_token(repo.add_user("ed", "editor"))
    assert "华润储能项目" not in names(second.test_client())
    r = first.test_client().post("/api/documents", json={"text": SIGNED}, headers=auth(token))
    assert r.status_code == 201
    deadline = time.monotonic() + 10
    while "华润储能项目" not in names(second.test_client()):
        assert time.monotonic() < deadline, "the other worker never saw the write"
        time.sleep(0.05)
    etag = second.test_client().get("/api/projects.geojson").headers.get("ETag")
    assert json.loads(second.test_client().get("/ogcapi/collections/projects/items").data)
    assert etag is None or etag  # cached afresh for the new version
