"""The one place where errors become responses: readable HTML for pages, JSON otherwise."""

from __future__ import annotations

from urllib.parse import unquote_to_bytes

from flask import g, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException

from boundaries.errors import AtlasError
from webmap import assets, pages


class QueryEncodingError(AtlasError):
    """A query string that is not UTF-8 once percent-decoded."""

    status = 400


def ascii_query_strings(wsgi_app):
    """WSGI middleware: raw non-ASCII bytes in the query string become %XX escapes.

    A client may send ``GET /?a=\xff`` unescaped; werkzeug then fails to decode the query
    (and fails again in every error handler that reads it). Escaped, the bytes are what
    a browser would have sent, and :func:`_utf8_query` answers 400 when they are not UTF-8.
    """

    def app(environ, start_response):
        query = environ.get("QUERY_STRING", "")
        if not query.isascii():
            environ["QUERY_STRING"] = "".join(
                c
                if c.isascii()
                else "".join(f"%{b:02X}" for b in c.encode("latin-1", "ignore") or c.encode())
                for c in query
            )
        return wsgi_app(environ, start_response)

    return app


def _wants_html() -> bool:
    # Map pages (not their JSON twins), and review pages that asked for HTML errors
    # (webmap.review.auth).
    if request.blueprint == "pages":
        return not request.path.endswith(".json")
    if request.url_rule is None and _browser_page():
        return True  # a mistyped page address in a browser gets a page, not JSON
    return bool(g.get("atlas_html_errors"))


def _browser_page() -> bool:
    """A client that prefers HTML (a browser's navigation), outside the machine APIs."""
    if request.path.startswith(("/api/", "/ogcapi")) or request.path.endswith((".json", ".csv")):
        return False
    accept = request.accept_mimetypes
    return accept.best_match(["application/json", "text/html"]) == "text/html"


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
        response = make_response(_respond(exc.code, exc.name, exc.description))
        for name, value in exc.get_headers():  # Allow on 405, Retry-After, ...
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.before_request
    def _utf8_query():
        try:
            unquote_to_bytes(request.query_string).decode("utf-8")
        except UnicodeDecodeError:
            raise QueryEncodingError(
                "the query string is not UTF-8 text once percent-decoded"
            ) from None

    app.wsgi_app = ascii_query_strings(app.wsgi_app)
