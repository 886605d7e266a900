"""Routes: parse, call a builder or the store, render. Errors are handled in errors.py."""

from __future__ import annotations

from flask import Blueprint, Response, current_app

import boundaries
from boundaries.errors import AtlasError
from webmap import maps

bp = Blueprint("views", __name__)


def _store():
    return current_app.extensions["atlas_store"]


@bp.route("/")
def overview():
    store = _store()
    m = maps.boundary_map(store.layers["city"], store.layers["county"])
    return m.get_root().render()


@bp.route("/api/boundaries/<level>.geojson")
def boundaries_geojson(level: str):
    if level not in boundaries.LEVELS:
        raise AtlasError(f"unknown level {level!r}; allowed: {', '.join(boundaries.LEVELS)}")
    return Response(_store().layer_bytes[level], mimetype="application/geo+json")
