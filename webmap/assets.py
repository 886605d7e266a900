"""Leaflet and its plugins, served by the app itself from PyPI's XStatic packages.

No page of the Atlas loads a script or stylesheet from a CDN: folium's default asset
lists are pointed at ``/assets/...`` URLs on the app's own origin.
"""

from __future__ import annotations

import xstatic.pkg.leaflet as xs_leaflet
import xstatic.pkg.leaflet_markercluster as xs_markercluster
from flask import Blueprint, abort, current_app, send_from_directory

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


LEAFLET_JS = [("leaflet", vendor_url("leaflet", "leaflet.js"))]
LEAFLET_CSS = [("leaflet_css", vendor_url("leaflet", "leaflet.css"))]
