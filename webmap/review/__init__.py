"""Editors in the browser: sign in, upload, review with highlighted spans, publish.

``init_app`` registers the review blueprint (``/login``, ``/logout``, ``/review/...``);
the settings below join the app's (``ATLAS_*`` environment variables override them).
Public pages stay public and read-only: nothing here changes them.
"""

from __future__ import annotations

DEFAULTS = {
    # The session cookie's Secure flag: None = when the request came over HTTPS (behind a
    # TLS-terminating proxy set TRUSTED_PROXIES, or force it with true).
    "SESSION_COOKIE_SECURE": None,
    "SESSION_HOURS": 12,  # a session ends this long after login at the latest
    "SESSION_IDLE_MINUTES": 120,  # or after this long without a request
    "LOGIN_MAX_FAILURES": 5,  # failed logins per account name within the window lock it
    "LOGIN_IP_MAX_FAILURES": 20,  # failed logins per client address within the window
    "LOGIN_WINDOW_MINUTES": 15,
    "LOGIN_LOCKOUT_MINUTES": 15,
    # Proxies in front of the app whose X-Forwarded-For/-Proto to trust (0: none).
    "TRUSTED_PROXIES": 0,
    "REVIEW_PAGE_SIZE": 25,
}


def init_app(app) -> None:
    from webmap.review import views

    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    app.register_blueprint(views.bp)
