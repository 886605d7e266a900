"""Accounts and safety: login, sessions, cookies, CSRF, roles, lockout, tokens."""

from __future__ import annotations

import io

import pytest

from tests.review.conftest import PASSWORD, csrf_of, log_in, make_app, post_json
from tests.store.test_repository import SIGNED


def test_public_pages_stay_public_and_set_no_cookie(app):
    client = app.test_client()
    for url in ("/", "/api/projects.geojson", "/zones/Z001", "/ogcapi/"):
        with client.get(url) as r:
            assert r.status_code == 200, url
            assert "Set-Cookie" not in r.headers


@pytest.mark.parametrize(
    "url", ["/review", "/review/d1", "/review/zones", "/review/account", "/review/admin/users"]
)
def test_editor_pages_redirect_to_login_without_a_session(app, url):
    r = app.test_client().get(url)
    assert r.status_code == 303
    assert r.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/review.json"),
        ("get", "/review/d1.json"),
        ("post", "/review/upload"),
        ("post", "/review/d1/records/p1"),
        ("post", "/review/d1/state"),
        ("post", "/review/zones"),
        ("post", "/api/documents"),
    ],
)
def test_anonymous_json_and_writes_get_401(app, method, url):
    r = getattr(app.test_client(), method)(url, headers={"Accept": "application/json"})
    assert r.status_code == 401
    assert r.is_json and r.get_json()["error"] == "AuthError"


def test_login_sets_a_safe_cookie_and_logout_ends_the_session(app):
    client = app.test_client()
    r = log_in(client)
    assert r.status_code == 303 and r.headers["Location"] == "/review"
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # plain http: a Secure cookie would never come back
    token = cookie.split(";")[0].split("=", 1)[1]
    page = client.get("/review")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    out = client.post("/logout", data={"csrf_token": csrf_of(page.get_data(as_text=True))})
    assert out.status_code == 303 and "atlas_session=;" in out.headers["Set-Cookie"]
    stolen = app.test_client()
    stolen.set_cookie("atlas_session", token)  # the old cookie is dead in the store
    assert stolen.get("/review").status_code == 303


def test_the_cookie_is_secure_over_https_or_when_forced(app, db_file):
    r = log_in(app.test_client(use_cookies=True), next_="/review")
    assert "Secure" not in r.headers["Set-Cookie"]
    https = app.test_client()
    page = https.get("/login", base_url="https://atlas.example")
    r = https.post(
        "/login",
        base_url="https://atlas.example",
        data={"name": "ed", "password": PASSWORD, "csrf_token": csrf_of(page.get_data(True))},
    )
    assert "Secure" in r.headers["Set-Cookie"]
    forced = make_app(db_file, SESSION_COOKIE_SECURE=True)
    assert "Secure" in log_in(forced.test_client()).headers["Set-Cookie"]
    forced.extensions["atlas_repo"].close()


def test_login_goes_back_only_to_local_pages(app):
    assert log_in(app.test_client(), next_="/review/zones").headers["Location"] == "/review/zones"
    for evil in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        assert log_in(app.test_client(), next_=evil).headers["Location"] == "/review"


def test_login_form_without_its_csrf_token_is_refused(app):
    client = app.test_client()
    r = client.post("/login", data={"name": "ed", "password": PASSWORD})
    assert r.status_code == 403 and "atlas_session" not in r.headers.get("Set-Cookie", "")


def test_wrong_passwords_lock_the_account_with_a_clear_message(app, db_file):
    client = app.test_client()
    r = log_in(client, password="wrong password!")
    assert r.status_code == 401 and "4 more" in r.get_data(as_text=True)
    for _ in range(3):
        log_in(client, password="wrong password!")
    locked = log_in(client, password="wrong password!")
    assert locked.status_code == 429 and "Retry-After" in locked.headers
    assert "locked" in locked.get_data(as_text=True) and "15" in locked.get_data(as_text=True)
    assert log_in(client).status_code == 429  # the right password too, while locked
    other_worker = make_app(db_file)  # the lock is in the store: every process sees it
    assert log_in(other_worker.test_client()).status_code == 429
    other_worker.extensions["atlas_repo"].close()
    app.extensions["atlas_repo"].unlock("ed", actor="boss")
    assert log_in(client).status_code == 303


def test_unknown_names_are_throttled_like_real_ones(app):
    client = app.test_client()
    for _ in range(5):
        r = log_in(client, name="nobody", password="wrong password!")
    assert r.status_code == 429


def test_a_form_post_without_the_csrf_token_is_refused(editor, repo):
    doc = repo.document("d1")
    key = f"p{doc['projects'][0]['id']}"
    r = editor.post(f"/review/d1/records/{key}", data={"action": "reject"})
    assert r.status_code == 403 and "CSRF" in r.get_data(as_text=True)
    assert "<html" in r.get_data(as_text=True)  # a readable page for a form
    assert repo.document("d1")["projects"][0]["review_state"] != "rejected"
    wrong = editor.post(
        f"/review/d1/records/{key}",
        data={"action": "reject", "csrf_token": "0" * 64},
        headers={"Accept": "application/json"},
    )
    assert wrong.status_code == 403 and wrong.get_json()["error"] == "CsrfError"
    ok = post_json(editor, f"/review/d1/records/{key}", {"action": "reject"})
    assert ok.status_code == 200 and ok.get_json()["changed"] == 1


def test_roles(app, editor, admin):
    reader = app.test_client()
    log_in(reader, "reader1")
    assert reader.get("/review").status_code == 403
    assert reader.get("/review.json").status_code == 403
    assert reader.get("/review/account").status_code == 200  # own account and password
    denied = editor.get("/review/admin/users")
    assert denied.status_code == 403 and "<html" in denied.get_data(as_text=True)
    assert editor.get("/review/admin/users.json").status_code == 403
    assert admin.get("/review/admin/users").status_code == 200
    users = admin.get("/review/admin/users.json").get_json()["users"]
    assert {u["name"]: u["role"] for u in users} == {
        "boss": "admin",
        "ed": "editor",
        "reader1": "reader",
    }
    assert "password_hash" not in users[0]


def test_admin_manages_users(app, admin, repo):
    made = post_json(
        admin, "/review/admin/users", {"name": "newbie", "role": "editor", "password": PASSWORD}
    )
    assert made.status_code == 201
    assert log_in(app.test_client(), "newbie").status_code == 303
    post_json(admin, "/review/admin/users/newbie", {"action": "role", "role": "admin"})
    assert repo.user("newbie").role == "admin"
    victim = app.test_client()
    log_in(victim, "newbie")
    post_json(admin, "/review/admin/users/newbie", {"action": "disable"})
    assert victim.get("/review").status_code == 303  # the session ended with the account
    own = post_json(admin, "/review/admin/users/boss", {"action": "disable"})
    assert own.status_code == 403


def test_editors_create_and_revoke_their_api_tokens(app, editor, repo):
    made = post_json(editor, "/review/account/tokens", {"label": "script"})
    assert made.status_code == 201
    token = made.get_json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    api = app.test_client()
    r = api.post(
        "/api/documents", data={"file": (io.BytesIO(SIGNED.encode()), "t.txt")}, headers=bearer
    )
    assert r.status_code == 201
    assert api.get("/review.json", headers=bearer).status_code == 200  # no CSRF for tokens
    listed = editor.get("/review/account?f=json").get_json()
    token_id = next(t["id"] for t in listed["tokens"] if t["label"] == "script")
    assert post_json(editor, f"/review/account/tokens/{token_id}/revoke").status_code == 200
    assert api.get("/review.json", headers=bearer).status_code == 401
    page = editor.get("/review/account").get_data(as_text=True)
    assert token not in page  # shown once, never again


def test_changing_the_password_ends_other_sessions(app, editor):
    other = app.test_client()
    log_in(other)
    r = post_json(
        editor,
        "/review/account/password",
        {"current": PASSWORD, "password": "a brand new password", "again": "a brand new password"},
    )
    assert r.status_code == 200 and r.get_json()["other_sessions_ended"] == 1
    assert other.get("/review").status_code == 303
    assert editor.get("/review").status_code == 200
    bad = post_json(
        editor,
        "/review/account/password",
        {"current": "nope", "password": "x" * 12, "again": "x" * 12},
    )
    assert bad.status_code == 403
