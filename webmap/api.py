"""Downloads (``/api/...``) and the compact geometry the maps draw (``/geo/...``).

Every download takes the same filters as the map it comes from; ``download=1`` adds a
Content-Disposition file name. Unfiltered boundary layers are served pre-serialised.
"""

from __future__ import annotations

from flask import Blueprint, Response, request

import boundaries
from geo import aggregate, export
from webmap import live, params, provenance
from webmap.pages import PageCache
from webmap.store import DATUMS, Blob

bp = Blueprint("api", __name__)
FORMATS = {"geojson": "application/geo+json", "csv": "text/csv"}


def store():
    return live.store()


def _format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise params.ParamError(
            "format", f"unknown format {fmt!r}; allowed: {', '.join(FORMATS)}", list(FORMATS)
        )
    return fmt


def _send(body: bytes, fmt: str, name: str, p: dict) -> Response:
    mimetype = FORMATS[fmt]
    response = Response(body, mimetype=mimetype)
    if fmt == "csv":
        response.headers["Content-Type"] = "text/csv; charset=utf-8"
    if p.get("download") == "1":
        response.headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response.headers["Access-Control-Allow-Origin"] = "*"  # open data, no credentials
    response.headers.extend(provenance.headers())
    return response


def _blob(blob: Blob, mimetype: str) -> Response:
    """Pre-serialised bytes with ETag and gzip when the client accepts it."""
    if request.if_none_match and blob.etag in request.if_none_match:
        response = Response(status=304)
    elif "gzip" in request.headers.get("Accept-Encoding", ""):
        response = Response(blob.gz, mimetype=mimetype)
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = Response(blob.data, mimetype=mimetype)
    response.set_etag(blob.etag)
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers.extend(provenance.headers())
    return response


def _name(base: str, p: dict) -> str:
    parts = [base] + [
        str(p[k])
        for k in ("city", "county", "zone", "zone_type", "stage", "year", "round", "kind")
        if p.get(k)
    ]
    return "-".join(parts).replace(":", "")


TABLES = {
    "zones": (export.zone_rows, export.ZONE_FIELDS, "point"),
    "projects": (export.project_rows, export.PROJECT_FIELDS, "point"),
    "batches": (export.batch_rows, export.BATCH_FIELDS, "wkt"),
}


def _cached(key, build) -> bytes:
    """Download bodies are pure functions of their parameters: keep the recent ones."""
    return live.cache("downloads", lambda: PageCache(64)).get(key, build)


def _table(table: str, fmt: str):
    fmt = _format(fmt)
    p = params.parse(request.args, table)
    rows_of, fields, shape = TABLES[table]
    kwargs = {"shapes": store().shapes} if table == "batches" else {}

    def build() -> bytes:
        rows = rows_of(store().data, params.filters(p), p.get("bbox"), **kwargs)
        if fmt == "geojson":
            return export.feature_collection(rows, provenance.provenance().as_dict())
        return export.table_csv(rows, fields, shape)

    key = (table, fmt, tuple((k, v) for k, v in p.items() if k != "download"))
    return _send(_cached(key, build), fmt, _name(f"shanxi-{table}", p), p)


@bp.route("/api/zones.<fmt>")
def zones(fmt):
    return _table("zones", fmt)


@bp.route("/api/projects.<fmt>")
def projects(fmt):
    return _table("projects", fmt)


@bp.route("/api/batches.<fmt>")
def batches(fmt):
    return _table("batches", fmt)


@bp.route("/api/boundaries/<level>.<fmt>")
def boundary_layer(level: str, fmt: str):
    if level not in boundaries.LEVELS:
        raise params.ParamError(
            "level",
            f"unknown level {level!r}; allowed: {', '.join(boundaries.LEVELS)}",
            list(boundaries.LEVELS),
        )
    fmt = _format(fmt)
    p = params.parse(request.args, "boundaries")
    filtered = {k: v for k, v in p.items() if k != "download"}
    if fmt == "geojson" and not filtered:
        response = _blob(store().boundary_geojson[level], FORMATS[fmt])
        if p.get("download") == "1":
            response.headers["Content-Disposition"] = (
                f'attachment; filename="shanxi-{level}.geojson"'
            )
        return response

    def build() -> bytes:
        units = store().units[level]
        if level == "province":
            metrics = units.set_index("adcode")[[]]
        else:
            metrics = aggregate.all_metrics(store().data, level, params.filters(p))
        rows = export.boundary_rows(units, metrics, p.get("bbox"))
        if fmt == "geojson":
            return export.feature_collection(rows, provenance.provenance().as_dict())
        return export.table_csv(rows, export.BOUNDARY_FIELDS + list(metrics.columns), "wkt")

    key = ("boundaries", level, fmt, tuple(filtered.items()))
    return _send(_cached(key, build), fmt, _name(f"shanxi-{level}", p), p)


@bp.route("/geo/<level>.<datum>.json")
def compact_layer(level: str, datum: str):
    """Compact geometry for the maps; URLs carry ``?v=<etag>`` so caching can be long."""
    blob = store().compact.get((level, datum))
    if blob is None:
        raise params.ParamError(
            "layer",
            f"unknown layer {level}.{datum}; levels {', '.join(boundaries.LEVELS)}, "
            f"datums {', '.join(DATUMS)}",
            [f"{lv}.{d}" for lv in boundaries.LEVELS for d in DATUMS],
        )
    response = _blob(blob, "application/json")
    if request.args.get("v") == blob.etag:
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
