"""Leaflet, its plugins and the Atlas's own JS/CSS, served by the app itself.

No page of the Atlas loads a script or stylesheet from a CDN: Leaflet and markercluster
come from PyPI's XStatic packages, ``atlas.js``/``atlas.css`` from ``webmap/static``.

Every asset URL a page links carries a hash of the file's content (``?v=``): such a
request is answered with ``Cache-Control: public, max-age=31536000, immutable`` (a new
file gets a new URL, so nothing stale is ever used); without the hash (or with an old
one) the answer may be cached ``ASSET_MAX_AGE`` seconds. Text assets are read and
compressed once per process (brotli at quality 11 and gzip -9, on first request) and
served from memory with an ETag; images go out as they are.
"""

from __future__ import annotations

import hashlib
import mimetypes
from functools import cache
from pathlib import Path

import xstatic.pkg.leaflet as xs_leaflet
import xstatic.pkg.leaflet_markercluster as xs_markercluster
from flask import Blueprint, abort, current_app, request
from werkzeug.security import safe_join

from webmap import compress

STATIC_DIR = Path(__file__).resolve().parent / "static"
VENDOR_DIRS = {
    "leaflet": xs_leaflet.BASE_DIR,
    "markercluster": xs_markercluster.BASE_DIR,
}
IMMUTABLE = "public, max-age=31536000, immutable"

bp = Blueprint("assets", __name__)


@cache
def _asset(path: str) -> tuple[compress.Encoded, str] | None:
    """A file's bytes (encodings made once) and media type; None when there is no file."""
    file = Path(path)
    if not file.is_file():
        return None
    data = file.read_bytes()
    mimetype = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    if mimetype == "text/javascript":
        mimetype = "application/javascript"
    return compress.Encoded(data, hashlib.sha256(data).hexdigest()[:10], static=True), mimetype


def _serve(folder: str | Path, filename: str):
    path = safe_join(str(folder), filename)
    found = _asset(path) if path else None
    if found is None:
        abort(404)
    entry, mimetype = found
    response = compress.send(entry, mimetype)
    if request.args.get("v") == entry.etag:
        response.headers["Cache-Control"] = IMMUTABLE
    else:
        response.headers["Cache-Control"] = f"public, max-age={current_app.config['ASSET_MAX_AGE']}"
    return response


@bp.route("/static/<path:filename>")
def static(filename: str):
    return _serve(STATIC_DIR, filename)


@bp.route("/assets/vendor/<package>/<path:filename>")
def vendor(package: str, filename: str):
    if package not in VENDOR_DIRS:
        abort(404)
    return _serve(VENDOR_DIRS[package], filename)


def _hashed(path: Path, url: str) -> str:
    found = _asset(str(path))
    return f"{url}?v={found[0].etag}" if found else url


@cache
def vendor_url(package: str, filename: str) -> str:
    """``/assets/vendor/<package>/<filename>?v=<hash of its content>``."""
    return _hashed(Path(VENDOR_DIRS[package]) / filename, f"/assets/vendor/{package}/{filename}")


@cache
def static_url(filename: str) -> str:
    """``/static/<filename>?v=<hash of its content>``."""
    return _hashed(STATIC_DIR / filename, f"/static/{filename}")


LEAFLET_JS = [("leaflet", vendor_url("leaflet", "leaflet.js"))]
LEAFLET_CSS = [("leaflet_css", vendor_url("leaflet", "leaflet.css"))]


@bp.route("/embed.js")
def embed_js():
    """The host-page script of the embed resize protocol, at a short stable URL (host
    pages cannot follow a hash, so it is revalidated after an hour)."""
    response = _serve(STATIC_DIR, "embed.js")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response
