"""Downloads as bytes: GeoJSON (RFC 7946) and CSV for Excel. Pure: no Flask, no files.

- GeoJSON: WGS-84 lon/lat, at most 6 decimals (~0.1 m), polygons wound counter-clockwise
  (RFC 7946 section 3.1.6), UTF-8 with Chinese left unescaped, ``null`` for missing values.
- CSV: UTF-8 with a byte-order mark (Excel otherwise guesses GBK), ``lon``/``lat`` columns
  for points and a ``wkt`` column for polygons (or a batch's place, whatever its shape);
  formula-like cells neutralised for spreadsheets (:mod:`geo.csvfile`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence

import pandas as pd
import shapely

import boundaries
from geo import aggregate, csvfile
from geo.aggregate import NO_FILTERS, Filters
from geo.dataset import BATCH_COLUMNS, PROJECT_COLUMNS, ZONE_COLUMNS

DECIMALS = 6
# Download fields are the curated tables' columns; lon/lat come from the geometry instead
# (GeoJSON geometry, CSV lon/lat columns), so they are not repeated as properties.
_FROM_GEOMETRY = ("lon", "lat")
ZONE_FIELDS = [*ZONE_COLUMNS, "precision", "geocode_method", "unplaced_reason"]
PROJECT_FIELDS = [c for c in PROJECT_COLUMNS if c not in _FROM_GEOMETRY]
BATCH_FIELDS = list(BATCH_COLUMNS)  # every column of the curated table
BOUNDARY_FIELDS = ["adcode", "name", "name_en", "level", "parent_adcode", "area_km2"]

Bbox = tuple[float, float, float, float]  # min lon, min lat, max lon, max lat (WGS-84)


def plain(value):
    """A JSON/CSV-ready scalar: numpy and pandas scalars unwrapped, NaN/NA to ``None``."""
    if value is None or value is pd.NA:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        if math.isnan(value):
            return None
        if value.is_integer() and abs(value) < 2**53:  # counts and CNY sums print as integers
            return int(value)
    return value


def located(geometry):
    """``geometry``, or ``None`` when missing, empty or NaN.

    ``geo.dataset`` currently builds ``POINT (NaN NaN)`` for unplaced zones; treat it as
    "no location" rather than emit invalid JSON.
    """
    if geometry is None or geometry.is_empty:
        return None
    if geometry.geom_type == "Point" and (math.isnan(geometry.x) or math.isnan(geometry.y)):
        return None
    return geometry


def _round(coords):
    if isinstance(coords[0], (int, float)):
        return [round(float(c), DECIMALS) for c in coords]
    return [_round(c) for c in coords]


def geometry_json(geometry) -> dict | None:
    """RFC 7946 geometry dict: counter-clockwise exteriors, coordinates at 6 decimals."""
    geometry = located(geometry)
    if geometry is None:
        return None
    if geometry.geom_type in ("Polygon", "MultiPolygon"):
        geometry = shapely.orient_polygons(geometry)
    mapping = shapely.geometry.mapping(geometry)
    return {"type": mapping["type"], "coordinates": _round(mapping["coordinates"])}


def feature_json(props: dict, geometry) -> str:
    """One GeoJSON Feature as compact JSON text (what a FeatureCollection joins)."""
    feature = {
        "type": "Feature",
        "properties": {k: plain(v) for k, v in props.items()},
        "geometry": geometry_json(geometry),
    }
    return json.dumps(feature, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def join_features(features: Iterable[str], provenance: dict | None = None) -> bytes:
    """A FeatureCollection from serialised features (byte for byte ``json.dumps`` of it)."""
    tail = ""
    if provenance:
        tail = ',"provenance":' + json.dumps(
            provenance, ensure_ascii=False, separators=(",", ":"), allow_nan=False
        )
    body = '{"type":"FeatureCollection","features":[' + ",".join(features) + "]" + tail + "}"
    return body.encode()


def feature_collection(
    rows: Iterable[tuple[dict, object]], provenance: dict | None = None
) -> bytes:
    """GeoJSON bytes from ``(properties, shapely geometry or None)`` pairs.

    ``provenance`` (source, as-of, CRS, licence) becomes a foreign member (RFC 7946 §6.1).
    """
    return join_features((feature_json(p, g) for p, g in rows), provenance)


def csv_header(fields: Sequence[str], shape: str) -> str:
    extra = ["lon", "lat"] if shape == "point" else ["wkt"]
    return csvfile.csv_line([*fields, *extra], spreadsheet=False, lineterminator="\r\n")


def csv_row(props: dict, geom, fields: Sequence[str], shape: str) -> str:
    """One CSV line of a download: formula-like cells neutralised (:mod:`geo.csvfile`)."""
    values = [plain(props.get(f)) for f in fields]
    if shape == "point":
        point = located(geom)
        values += [round(point.x, DECIMALS), round(point.y, DECIMALS)] if point else [None] * 2
    else:
        values.append(None if geom is None else shapely.to_wkt(geom, rounding_precision=DECIMALS))
    return csvfile.csv_line(values, spreadsheet=True, lineterminator="\r\n")


def join_csv(header: str, lines: Iterable[str]) -> bytes:
    """CSV bytes with a BOM (Excel otherwise guesses GBK)."""
    return ("\ufeff" + header + "".join(lines)).encode("utf-8")


def table_csv(rows: Iterable[tuple[dict, object]], fields: Sequence[str], shape: str) -> bytes:
    """CSV bytes with a BOM, for spreadsheets (formula-like cells neutralised, see
    :mod:`geo.csvfile`). ``shape`` is ``point`` (lon, lat columns) or ``wkt``."""
    return join_csv(csv_header(fields, shape), (csv_row(p, g, fields, shape) for p, g in rows))


def _in_bbox(geometry, bbox: Bbox | None) -> bool:
    if bbox is None:
        return True
    return geometry is not None and geometry.intersects(shapely.box(*bbox))


def _rows(frame: pd.DataFrame, fields, geometries, bbox: Bbox | None):
    records = frame.reindex(columns=fields).to_dict("records")
    geometries = [located(g) for g in geometries]
    return [(r, g) for r, g in zip(records, geometries, strict=True) if _in_bbox(g, bbox)]


def zone_rows(dataset, filters: Filters = NO_FILTERS, bbox: Bbox | None = None):
    """Zones (points at their host seat, ``None`` when unplaced) as ``(props, geom)``."""
    zones = aggregate.filter_zones(dataset.zones, filters)
    return _rows(zones, ZONE_FIELDS, list(zones.geometry), bbox)


def project_rows(dataset, filters: Filters = NO_FILTERS, bbox: Bbox | None = None):
    projects = aggregate.filter_projects(dataset.projects, dataset.zones, filters)
    return _rows(projects, PROJECT_FIELDS, list(projects.geometry), bbox)


def place_geometries(dataset) -> dict[str, object]:
    """Geometry of every place a batch can name: unit polygons, zones by ``zone:<id>``."""
    shapes = {}
    for level in boundaries.LEVELS:
        frame = boundaries.load(level, "web")
        shapes.update(zip(frame["adcode"], frame.geometry, strict=True))
    zones = dataset.zones
    shapes.update({f"zone:{z}": g for z, g in zip(zones["zone_id"], zones.geometry, strict=True)})
    return shapes


def batch_rows(dataset, filters: Filters = NO_FILTERS, bbox: Bbox | None = None, shapes=None):
    """Batches with the geometry of their place: the zone's point for zone scope."""
    shapes = shapes if shapes is not None else place_geometries(dataset)
    batches = aggregate.filter_batches(dataset.batches, filters)
    geometries = [
        shapes.get(f"zone:{z}") if scope == "zone" and z else shapes.get(code)
        for scope, z, code in zip(
            batches["scope"], batches["zone_id"], batches["adcode"], strict=True
        )
    ]
    return _rows(batches, BATCH_FIELDS, geometries, bbox)


def boundary_rows(units: pd.DataFrame, metrics: pd.DataFrame, bbox: Bbox | None = None):
    """Units of one level (a ``boundaries.load`` frame) with one property per metric."""
    frame = units.set_index("adcode", drop=False)
    frame = frame.loc[[c for c in metrics.index if c in frame.index]].join(metrics)
    fields = BOUNDARY_FIELDS + list(metrics.columns)
    return _rows(frame, fields, list(frame.geometry), bbox)
