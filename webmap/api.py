"""Downloads (``/api/...``) and the compact geometry the maps draw (``/geo/...``).

Every download takes the same filters as the map it comes from; ``download=1`` adds a
Content-Disposition file name. Unfiltered boundary layers are served pre-serialised.
"""

from __future__ import annotations

from dataclasses import dataclass

import shapely
from flask import Blueprint, Response, current_app, request
from shapely.strtree import STRtree

import boundaries
from geo import aggregate, export
from webmap import live, params, provenance
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


@dataclass(frozen=True)
class FeatureSet:
    """One filtered layer, every row serialised once (GeoJSON and CSV), indexed in space.

    A bbox download is then a spatial-index query plus string joining: no row is
    converted again however many distinct boxes are asked for.
    """

    features: tuple[str, ...]  # GeoJSON Feature text, one per row
    lines: tuple[str, ...]  # CSV line, one per row
    header: str  # CSV header line
    geometries: tuple  # shapely geometry or None, one per row
    tree: STRtree

    @classmethod
    def of(cls, rows, fields, shape: str) -> FeatureSet:
        rows = list(rows)
        geometries = tuple(g for _, g in rows)
        return cls(
            tuple(export.feature_json(p, g) for p, g in rows),
            tuple(export.csv_row(p, g, fields, shape) for p, g in rows),
            export.csv_header(fields, shape),
            geometries,
            STRtree([g if g is not None else shapely.Point() for g in geometries]),
        )

    @property
    def nbytes(self) -> int:
        text = sum(len(f) for f in self.features) + sum(len(x) for x in self.lines)
        return 3 * text + 200 * len(self.features)  # rough: str overhead, geometries, tree

    def select(self, bbox) -> list[int]:
        """Rows in the order of the layer: all of them, or those meeting ``bbox``."""
        if bbox is None:
            return list(range(len(self.features)))
        hits = self.tree.query(shapely.box(*bbox), predicate="intersects")
        return sorted(int(i) for i in hits if self.geometries[i] is not None)

    def body(self, fmt: str, rows: list[int]) -> bytes:
        if fmt == "geojson":
            return export.join_features(
                (self.features[i] for i in rows), provenance.provenance().as_dict()
            )
        return export.join_csv(self.header, (self.lines[i] for i in rows))


def _cache():
    return current_app.extensions["atlas_downloads"]


def _download(key: tuple, fmt: str, bbox, build_rows, fields, shape) -> bytes:
    """The body of a download: the layer's FeatureSet (cached per filter set), then
    the rows in ``bbox``. Bodies without a bbox are cached whole too."""
    version = store().data.version
    layer = _cache().get(
        ("layer", *key, version), lambda: FeatureSet.of(build_rows(), fields, shape)
    )
    if bbox is not None:
        return layer.body(fmt, layer.select(bbox))
    return _cache().get(("body", fmt, *key, version), lambda: layer.body(fmt, layer.select(None)))


def _table(table: str, fmt: str):
    fmt = _format(fmt)
    p = params.parse(request.args, table)
    rows_of, fields, shape = TABLES[table]
    kwargs = {"shapes": store().shapes} if table == "batches" else {}
    key = (table, tuple((k, v) for k, v in p.items() if k not in ("download", "bbox")))
    body = _download(
        key,
        fmt,
        p.get("bbox"),
        lambda: rows_of(store().data, params.filters(p), None, **kwargs),
        fields,
        shape,
    )
    return _send(body, fmt, _name(f"shanxi-{table}", p), p)


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
    units = store().units[level]
    columns = [] if level == "province" else list(aggregate.METRICS)

    def rows():
        if level == "province":
            metrics = units.set_index("adcode")[[]]
        else:
            metrics = aggregate.all_metrics(store().data, level, params.filters(p))
        return export.boundary_rows(units, metrics)

    key = ("boundaries", level, tuple((k, v) for k, v in filtered.items() if k != "bbox"))
    body = _download(key, fmt, p.get("bbox"), rows, export.BOUNDARY_FIELDS + columns, "wkt")
    return _send(body, fmt, _name(f"shanxi-{level}", p), p)


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
