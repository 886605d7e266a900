"""The one place where Atlas errors and HTTP errors become responses (JSON bodies)."""

from __future__ import annotations

from flask import jsonify
from werkzeug.exceptions import HTTPException

from boundaries.errors import AtlasError


def register(app) -> None:
    @app.errorhandler(AtlasError)
    def atlas_error(exc: AtlasError):
        return jsonify(error=type(exc).__name__, message=str(exc)), exc.status

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return jsonify(error=exc.name, message=exc.description), exc.code
