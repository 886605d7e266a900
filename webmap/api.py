"""Downloads (``/api/...``) and the geometry the maps draw (``/geo/...``).

Every download takes the same filters as the map it comes from; ``download=1`` adds a
Content-Disposition file name. Rows come from the read model's tables, serialised once
(:mod:`geo.featuretable`): a download selects row numbers (array arithmetic), then joins
their bytes in the table's order. Bodies up to ``DOWNLOAD_STREAM_BYTES`` are made whole,
cached with their encodings and sent with a length and an ETag; larger ones stream in
chunks (chunked transfer), compressed on the fly when the client accepts it, and their
compressed form is kept for the next request when it fits the cache.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np
from flask import Blueprint, Response, current_app, request

import boundaries
from geo import aggregate
from geo import featuretable as ft
from webmap import compress, live, params, provenance
from webmap.store import DATUMS

bp = Blueprint("api", __name__)
FORMATS = {"geojson": "application/geo+json", "csv": "text/csv"}
MIMETYPES = {"geojson": "application/geo+json", "csv": "text/csv; charset=utf-8"}


def store():
    return live.store()


def _format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise params.ParamError(
            "format", f"unknown format {fmt!r}; allowed: {', '.join(FORMATS)}", list(FORMATS)
        )
    return fmt


def _name(base: str, p: dict) -> str:
    parts = [base] + [
        str(p[k])
        for k in ("city", "county", "zone", "zone_type", "stage", "year", "round", "kind")
        if p.get(k)
    ]
    return "-".join(parts).replace(":", "")


def _cache():
    return current_app.extensions["atlas_downloads"]


def _finish(response: Response, fmt: str, name: str, p: dict) -> Response:
    if p.get("download") == "1":
        response.headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response.headers.extend(provenance.headers())
    return response


def send_rows(table: ft.FeatureTable, rows: np.ndarray, fmt: str, key: tuple) -> Response:
    """The body of ``rows`` of ``table`` in ``fmt``: whole and cached when small, else
    streamed. ``key`` (with the data version in it) names the body for caches and ETag."""
    mimetype = MIMETYPES[fmt]
    etag = hashlib.blake2b(repr(key).encode(), digest_size=12).hexdigest()
    prov = provenance.provenance().as_dict()
    if table.size(rows) <= current_app.config["DOWNLOAD_STREAM_BYTES"]:
        entry = _cache().get(
            ("body", *key),
            lambda: compress.Encoded(table.body(fmt, rows, prov), etag),
        )
        return compress.send(entry, mimetype)
    if request.if_none_match and etag in request.if_none_match:
        response = Response(status=304)
        response.set_etag(etag)
        return response
    encoding = compress.accepted()
    done = _cache().peek(("streamed", encoding, *key))
    if done is not None:
        response = Response(done, mimetype=mimetype)
    else:
        chunks = table.geojson_chunks(rows, prov) if fmt == "geojson" else table.csv_chunks(rows)
        body = _kept(compress.stream(chunks, encoding), _cache(), ("streamed", encoding, *key))
        response = Response(body, mimetype=mimetype)
    if encoding:
        response.headers["Content-Encoding"] = encoding
    response.set_etag(etag)
    response.vary.add("Accept-Encoding")
    return response


def _kept(chunks, cache, key: tuple):
    """``chunks`` passed on, and kept whole in ``cache`` once all are sent (a body at
    most a quarter of the cache; a client that hangs up leaves nothing). Runs after the
    view returned: it touches nothing of the request or app context."""
    kept, size = [], 0
    limit = cache.max_bytes // 4
    for chunk in chunks:
        yield chunk
        if kept is not None:
            kept.append(chunk)
            size += len(chunk)
            if size > limit:
                kept = None
    if kept is not None:
        cache.put(key, b"".join(kept))


def _positions(table: str, p: dict) -> np.ndarray:
    """Row numbers of a table matching the filters of ``p``, in table order."""
    data, filters = store().data, params.filters(p)
    if filters == aggregate.NO_FILTERS:
        return np.arange(len(store().tables[table]), dtype=np.int64)
    if table == "zones":
        frame = aggregate.filter_zones(data.zones, filters)
    elif table == "projects":
        frame = aggregate.filter_projects(data.projects, data.zones, filters)
    else:
        frame = aggregate.filter_batches(data.batches, filters)
    return ft.positions(frame)


def _table(table: str, fmt: str):
    fmt = _format(fmt)
    p = params.parse(request.args, table)
    version = store().data.version
    filtered = tuple((k, v) for k, v in p.items() if k not in ("download", "bbox"))
    rows = _cache().get(("rows", table, filtered, version), lambda: _positions(table, p))
    t = store().tables[table]
    if p.get("bbox") is not None:
        rows = t.in_bbox(rows, [p["bbox"]])
    key = (table, fmt, filtered, p.get("bbox"), version)
    return _finish(send_rows(t, rows, fmt, key), fmt, _name(f"shanxi-{table}", p), p)


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
    name = _name(f"shanxi-{level}", p)
    if fmt == "geojson" and not filtered:
        response = compress.send(store().boundary_geojson[level], FORMATS[fmt])
        return _finish(response, fmt, name, p)
    units = store().units[level]
    version = store().data.version
    metric_filters = tuple((k, v) for k, v in filtered.items() if k != "bbox")

    def table():
        if level == "province":
            return ft.boundary_table(units, units.set_index("adcode")[[]])
        if not metric_filters:
            return store().tables[level]
        return ft.boundary_table(
            units, aggregate.all_metrics(store().data, level, params.filters(p))
        )

    t = _cache().get(("boundaries", level, metric_filters, version), table)
    rows = np.arange(len(t), dtype=np.int64)
    if p.get("bbox") is not None:
        rows = t.in_bbox(rows, [p["bbox"]])
    key = ("boundaries", level, fmt, metric_filters, p.get("bbox"), version)
    return _finish(send_rows(t, rows, fmt, key), fmt, name, p)


POPUP_PAGE = 10  # projects a zone's popup shows at a time


@bp.route("/api/zones/<zone_id>/projects.json")
def zone_projects(zone_id: str):
    """A page of one zone's projects with display labels: what its map popup fetches
    when it opens (pages carry per-zone counts and totals, not the projects)."""
    from webmap import records

    p = params.parse(request.args, "zone_projects")
    lang, page, per_page = p.get("lang", "zh"), p.get("page", 1), p.get("per_page", POPUP_PAGE)
    key = ("zone_projects", zone_id, lang, page, per_page, store().data.version)

    def build() -> compress.Encoded:
        found = records.zone_projects(store(), zone_id, lang, page, per_page)
        pager = found.pop("pager")

        def url(n: int) -> str:
            q = params.query(
                {
                    "lang": lang,
                    "page": n if n > 1 else None,
                    "per_page": per_page if per_page != POPUP_PAGE else None,
                }
            )
            return f"{request.path}?{q}" if q else request.path

        lang_q = "?lang=en" if lang == "en" else ""
        body = {**found, **pager.as_dict(url), "zone_page": f"/zones/{zone_id}{lang_q}"}
        data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        return compress.Encoded(data, hashlib.blake2b(data, digest_size=12).hexdigest())

    return compress.send(_cache().get(key, build), "application/json")


def _layer(blob, request_version: str | None) -> Response:
    response = compress.send(blob, "application/json")
    if request_version == blob.etag:
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    response.headers.extend(provenance.headers())
    return response


@bp.route("/geo/topology.<datum>.json")
def topology_layer(datum: str):
    """Every boundary the maps draw, as one topology of county arcs (``webmap.topology``);
    URLs carry ``?v=<etag>`` so it is cached for good."""
    blob = store().topology.get(datum)
    if blob is None:
        raise params.ParamError(
            "datum", f"unknown datum {datum!r}; allowed: {', '.join(DATUMS)}", list(DATUMS)
        )
    return _layer(blob, request.args.get("v"))


@bp.route("/geo/<level>.<datum>.json")
def compact_layer(level: str, datum: str):
    """Compact geometry of one level; URLs carry ``?v=<etag>`` so caching can be long."""
    blob = store().compact.get((level, datum))
    if blob is None:
        raise params.ParamError(
            "layer",
            f"unknown layer {level}.{datum}; levels {', '.join(boundaries.LEVELS)}, "
            f"datums {', '.join(DATUMS)}",
            [f"{lv}.{d}" for lv in boundaries.LEVELS for d in DATUMS],
        )
    return _layer(blob, request.args.get("v"))
