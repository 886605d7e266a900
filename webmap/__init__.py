"""The Atlas web app: ``create_app`` builds a Flask app around a read-only store."""

from __future__ import annotations

from flask import Flask


def create_app(test_config: dict | None = None) -> Flask:
    """App factory. Data is loaded once here; views never open files."""
    from webmap import assets, errors, views
    from webmap.store import Store

    app = Flask(__name__)
    app.config.from_mapping(ASSET_MAX_AGE=86400, JSON_AS_ASCII=False)
    if test_config:
        app.config.from_mapping(test_config)
    app.json.ensure_ascii = False
    app.extensions["atlas_store"] = Store.load()
    app.register_blueprint(assets.bp)
    app.register_blueprint(views.bp)
    errors.register(app)
    return app
