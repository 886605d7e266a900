"""Leaflet, its plugins and the Atlas's own JS/CSS, served by the app itself.

No page of the Atlas loads a script or stylesheet from a CDN: Leaflet and markercluster
come from PyPI's XStatic packages, ``atlas.js``/``atlas.css`` from ``webmap/static``.
Own files get a content hash in their URL (``?v=``) so they can be cached for a long time.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

import xstatic.pkg.leaflet as xs_leaflet
import xstatic.pkg.leaflet_markercluster as xs_markercluster
from flask import Blueprint, abort, current_app, send_from_directory

STATIC_DIR = Path(__file__).resolve().parent / "static"
VENDOR_DIRS = {
    "leaflet": xs_leaflet.BASE_DIR,
    "markercluster": xs_markercluster.BASE_DIR,
}

bp = Blueprint("assets", __name__)


@bp.route("/assets/vendor/<package>/<path:filename>")
def vendor(package: str, filename: str):
    if package not in VENDOR_DIRS:
        abort(404)
    return send_from_directory(
        VENDOR_DIRS[package], filename, max_age=current_app.config["ASSET_MAX_AGE"]
    )


def vendor_url(package: str, filename: str) -> str:
    return f"/assets/vendor/{package}/{filename}"


@cache
def static_url(filename: str) -> str:
    """``/static/<filename>?v=<hash of its content>``."""
    digest = hashlib.sha256((STATIC_DIR / filename).read_bytes()).hexdigest()[:10]
    return f"/static/{filename}?v={digest}"


LEAFLET_JS = [("leaflet", vendor_url("leaflet", "leaflet.js"))]
LEAFLET_CSS = [("leaflet_css", vendor_url("leaflet", "leaflet.css"))]


@bp.route("/embed.js")
def embed_js():
    """The host-page script of the embed resize protocol, at a short stable URL."""
    return send_from_directory(STATIC_DIR, "embed.js", max_age=3600)
