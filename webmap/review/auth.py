"""Who is asking: browser sessions, CSRF tokens, roles, and the login itself.

- The session cookie (``atlas_session``) holds a random token; the store keeps its hash
  (:mod:`geo.store.accounts`). It is HttpOnly, SameSite=Lax and Secure when the request
  came over HTTPS (``SESSION_COOKIE_SECURE``: ``None`` = follow the request, or force it).
- Every state-changing request made with the session cookie carries a CSRF token, in the
  form field ``csrf_token`` or the ``X-CSRF-Token`` header. The token is an HMAC of the
  session token: nothing to store, useless without the cookie, gone with the session. The
  login form, which has no session yet, uses a double-submit cookie.
- Bearer tokens (``Authorization: Bearer``) work on the JSON endpoints too; they are never
  sent by a browser on its own, so they need no CSRF token.
- Pages without a session redirect to ``/login``; JSON requests get 401; a signed-in user
  without the role gets 403.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from datetime import timedelta
from urllib.parse import urlencode, urlsplit

from flask import current_app, g, redirect, request

from geo.errors import AtlasError
from geo.store.accounts import Throttle
from geo.store.common import AuthError, User
from webmap.documents import Forbidden

COOKIE = "atlas_session"
LOGIN_CSRF_COOKIE = "atlas_login_csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class CsrfError(AtlasError):
    status = 403

    def __init__(self):
        super().__init__(
            "CSRF token missing or wrong: reload the page and try again "
            "(表单已过期或来源不明，请刷新页面后重试)"
        )


class LockedOut(AtlasError):
    status = 429

    def __init__(self, retry_after: int):
        minutes = max(1, (retry_after + 59) // 60)
        super().__init__(
            f"登录失败次数过多，已暂时锁定，请 {minutes} 分钟后再试。"
            f" Too many failed logins: locked, try again in {minutes} minutes."
        )
        self.headers = {"Retry-After": str(retry_after)}


def repo():
    return current_app.extensions["atlas_repo"]


def _cfg(key: str):
    return current_app.config[key]


# --------------------------------------------------------------------------- who


def bearer_token() -> str | None:
    """The token of an ``Authorization: Bearer`` header (None without one); any other
    scheme is an :class:`AuthError`. The writers' API and the review pages share it."""
    header = request.headers.get("Authorization")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthError("use 'Authorization: Bearer <token>'")
    return token.strip()


def session_token() -> str | None:
    return request.cookies.get(COOKIE)


def current_user() -> User | None:
    """The session's (or bearer token's) user, looked up once per request."""
    if "atlas_user" not in g:
        bearer = bearer_token()
        if bearer is not None:
            g.atlas_user, g.atlas_via = repo().authenticate(bearer), "token"
        else:
            idle = timedelta(minutes=float(_cfg("SESSION_IDLE_MINUTES")))
            g.atlas_user, g.atlas_via = repo().session_user(session_token(), idle), "session"
    return g.atlas_user


def wants_json() -> bool:
    if request.is_json or request.args.get("f") == "json" or request.path.endswith(".json"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


# --------------------------------------------------------------------------- CSRF


def csrf_token() -> str:
    """This session's CSRF token (empty without a session)."""
    token = session_token()
    if not token:
        return ""
    return hmac.new(token.encode(), b"atlas-csrf", hashlib.sha256).hexdigest()


def check_csrf() -> None:
    """Refuse a state-changing request made with the session cookie and no valid token."""
    if request.method in SAFE_METHODS or g.get("atlas_via") == "token":
        return
    sent = request.headers.get(CSRF_HEADER) or request.form.get("csrf_token") or ""
    expected = csrf_token()
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise CsrfError()


def login_csrf() -> str:
    """The login form's token: also set as a cookie (double submit) by the login view."""
    return request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(24)


def check_login_csrf() -> None:
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE) or ""
    sent = request.form.get("csrf_token") or ""
    if not cookie or not hmac.compare_digest(cookie.encode(), sent.encode()):
        raise CsrfError()


# --------------------------------------------------------------------------- guards


def safe_next(target: str | None) -> str:
    """A local path to go back to after login (never another site)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return "/review"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target:
        return "/review"
    return target


def login_url() -> str:
    here = request.full_path if request.query_string else request.path
    return "/login?" + urlencode({"next": here})


def require(role: str = "editor"):
    """Decorator: a signed-in user with ``role``. Pages without a session redirect to the
    login; JSON requests and writes without one get 401; the wrong role gets 403. Writes
    made with the session cookie must carry the CSRF token."""

    def wrap(view):
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            g.atlas_html_errors = not wants_json()
            user = current_user()
            if user is None:
                if request.method in SAFE_METHODS and not wants_json():
                    return redirect(login_url(), code=303)
                raise AuthError("sign in first (请先登录): /login, or send a Bearer token")
            check_csrf()
            if not user.can(role):
                raise Forbidden(f"the {user.role} role cannot do this; it needs {role}")
            return view(*args, **kwargs)

        return guarded

    return wrap


# --------------------------------------------------------------------------- login


def throttle() -> Throttle:
    return Throttle(
        limit=int(_cfg("LOGIN_MAX_FAILURES")),
        ip_limit=int(_cfg("LOGIN_IP_MAX_FAILURES")),
        window=timedelta(minutes=float(_cfg("LOGIN_WINDOW_MINUTES"))),
        lockout=timedelta(minutes=float(_cfg("LOGIN_LOCKOUT_MINUTES"))),
    )


def _keys(name: str) -> dict[str, int]:
    t = throttle()
    return {f"user:{name.lower()[:64]}": t.limit, f"ip:{request.remote_addr}": t.ip_limit}


def log_in(name: str, password: str) -> tuple[User | None, str | None]:
    """(user, None) on success; (None, message) on a wrong name or password; raises
    :class:`LockedOut` while the name or the address is locked."""
    name = (name or "").strip()
    keys = _keys(name)
    state = repo().login_state(list(keys))
    if state.locked:
        raise LockedOut(state.retry_after())
    user = repo().check_password(name, password or "") if name and password else None
    if user is None:
        if not name or not password:
            return None, "请输入用户名和密码。 Enter your name and password."
        failed = repo().login_failed(keys, throttle())
        if failed.locked:
            raise LockedOut(failed.retry_after())
        left = failed.failures_left
        return None, (
            f"用户名或密码错误（再错 {left} 次将锁定 {throttle().lockout.seconds // 60} 分钟）。"
            f" Wrong name or password ({left} more before a lock)."
        )
    repo().login_succeeded(f"user:{name.lower()[:64]}")
    return user, None


def secure_cookie() -> bool:
    setting = _cfg("SESSION_COOKIE_SECURE")
    return request.is_secure if setting is None else bool(setting)


def set_session(response, token: str) -> None:
    hours = float(_cfg("SESSION_HOURS"))
    response.set_cookie(
        COOKIE,
        token,
        max_age=int(hours * 3600),
        path="/",
        secure=secure_cookie(),
        httponly=True,
        samesite="Lax",
    )


def clear_session(response) -> None:
    response.delete_cookie(COOKIE, path="/", secure=secure_cookie(), httponly=True, samesite="Lax")
