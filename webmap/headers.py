"""Response headers, set in one place for every response (pages, API, errors, assets).

- ``Content-Security-Policy``: a page's own (``webmap.pages``), else a deny-all default;
  ``X-Content-Type-Options``, ``Referrer-Policy``; ``X-Frame-Options: SAMEORIGIN``
  everywhere but ``/embed/*`` (framable by any origin).
- ``Permissions-Policy``: no camera, microphone, geolocation, payment, USB or motion
  sensors; full screen only for the Atlas's own documents (the map's full-screen button).
- ``Cross-Origin-Opener-Policy: same-origin``: no other site keeps a handle on an Atlas
  window it opened (ignored for framed documents, so embeds are unaffected).
- ``Cross-Origin-Resource-Policy``: ``cross-origin`` for what other sites are meant to
  load: embeds (framed by any origin, including pages that require CORP of their frames),
  ``/embed.js``, static and vendored assets, and the open-data API (``/api``, ``/ogcapi``,
  ``/geo``); ``same-origin`` for the Atlas's own pages, which no other site needs to load.
- CORS on the open-data API, errors and ``OPTIONS`` preflights included: any origin, no
  credentials, ``GET``/``HEAD``, the request headers a client may send, exposed ETag,
  Content-Disposition and provenance headers.
"""

from __future__ import annotations

import re

from flask import request

from webmap import pages

PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), fullscreen=(self)"
)
CORS_PREFIXES = ("/api/", "/ogcapi", "/geo/")
CROSS_ORIGIN_PREFIXES = (*CORS_PREFIXES, "/embed/", "/embed.js", "/static/", "/assets/")
ALLOW_HEADERS = "Accept, Accept-Language, Content-Language, If-None-Match, If-Modified-Since"
EXPOSE_HEADERS = (
    "ETag, Content-Disposition, X-Data-Source, X-Data-As-Of, X-Data-CRS, X-Data-Licence"
)
_TOKEN_LIST = re.compile(r"[A-Za-z0-9!#$%&'*+.^_`|~-]+(?:\s*,\s*[A-Za-z0-9!#$%&'*+.^_`|~-]+)*")


def _cors(response) -> None:
    response.headers["Access-Control-Allow-Origin"] = "*"  # open data, never credentials
    response.headers["Access-Control-Expose-Headers"] = EXPOSE_HEADERS
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        asked = request.headers.get("Access-Control-Request-Headers", "").strip()
        # Echo what the client asks for (a read-only API has nothing to protect from a
        # header), when it is a well-formed header list; else the usual ones.
        allowed = asked if asked and _TOKEN_LIST.fullmatch(asked) else ALLOW_HEADERS
        response.headers["Access-Control-Allow-Headers"] = allowed
        response.headers["Access-Control-Max-Age"] = "86400"


def register(app) -> None:
    @app.after_request
    def security_headers(response):
        path = request.path
        response.headers.setdefault("Content-Security-Policy", pages.csp())
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        response.headers["Permissions-Policy"] = PERMISSIONS_POLICY
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        response.headers["Cross-Origin-Resource-Policy"] = (
            "cross-origin" if path.startswith(CROSS_ORIGIN_PREFIXES) else "same-origin"
        )
        if not path.startswith("/embed/"):
            response.headers["X-Frame-Options"] = "SAMEORIGIN"
        if path.startswith(CORS_PREFIXES):
            _cors(response)
        return response
