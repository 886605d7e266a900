"""The one place where errors become responses: readable HTML for pages, JSON otherwise."""

from __future__ import annotations

from flask import g, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from boundaries.errors import AtlasError
from webmap import assets, pages


def _wants_html() -> bool:
    # Map pages, and review pages that asked for HTML errors (webmap.review.auth).
    return request.blueprint == "pages" or bool(g.get("atlas_html_errors"))


def _respond(status: int, title: str, message: str, param=None, allowed=None):
    if _wants_html():
        lang = "en" if request.args.get("lang") == "en" else "zh"
        html = render_template(
            "error.html",
            status=status,
            title=title,
            message=message,
            param=param,
            allowed=allowed or [],
            lang=lang,
            css=assets.static_url("atlas.css"),
        )
        return pages.respond(pages.Page.of(html), status=status)
    body = {"error": title, "message": message}
    if param is not None:
        body.update(parameter=param, allowed=allowed or [])
    return jsonify(body), status


def register(app) -> None:
    @app.errorhandler(AtlasError)
    def atlas_error(exc: AtlasError):
        response = app.make_response(
            _respond(
                exc.status,
                type(exc).__name__,
                str(exc),
                getattr(exc, "param", None),
                getattr(exc, "allowed", None),
            )
        )
        if exc.status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="atlas"'
        response.headers.extend(getattr(exc, "headers", {}))
        return response

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return _respond(exc.code, exc.name, exc.description)

    @app.after_request
    def security_headers(response):
        """A CSP on every response; framing only for /embed/ routes."""
        response.headers.setdefault("Content-Security-Policy", pages.csp())
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        if not request.path.startswith("/embed/"):
            response.headers["X-Frame-Options"] = "SAMEORIGIN"
        return response
