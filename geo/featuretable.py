"""Tables serialised once: every row's properties as GeoJSON and CSV text, every distinct
geometry once, rows referring to their geometry by index. Pure: no Flask, no files.

At 1,000 zones / 50,000 projects / 20,000 aggregate rows, serialising each row with its
geometry took most of a minute and hundreds of MB: every county-level figure carried its
county's whole polygon. Here a unit's polygon is serialised once per process, a seat
point once per table, and a row holds an index. A download, an OGC page or a GeoJSON
export is then a join of byte strings over the rows it selects, in the table's order
(O(rows selected), however large the table), and can be streamed in chunks.

Output is byte for byte what :func:`geo.export.feature_collection` and
:func:`geo.export.table_csv` produce from the same rows.
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
import shapely

from geo import csvfile, export

_DUMPS = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode
_PLAIN_TYPES = {str, int, type(None)}
CHUNK_ROWS = 1000  # rows joined per streamed chunk
JSON_SLICE = 1000  # rows serialised per C-encoder call


@dataclass(frozen=True)
class Shape:
    """One geometry and its serialisations (WGS-84, 6 decimals, RFC 7946 winding)."""

    geometry: object  # shapely, or None
    geojson: bytes  # b"null" when there is no geometry
    point_cells: bytes  # CSV "lon,lat" cells (points), "," when none
    wkt_cell: bytes  # CSV cell holding the WKT (quoted), empty when none
    bounds: tuple[float, float, float, float] | None

    @property
    def nbytes(self) -> int:
        return len(self.geojson) + len(self.point_cells) + len(self.wkt_cell) + 200


def shape_of(geometry) -> Shape:
    geometry = export.located(geometry)
    if geometry is None:
        return Shape(None, b"null", b",", b"", None)
    geojson = _DUMPS(export.geometry_json(geometry)).encode()
    if geometry.geom_type == "Point":
        x, y = round(geometry.x, export.DECIMALS), round(geometry.y, export.DECIMALS)
        cells = ",".join(csvfile.csv_cells([x, y], spreadsheet=True)).encode()
    else:
        cells = b","
    wkt = shapely.to_wkt(geometry, rounding_precision=export.DECIMALS)
    wkt_cell = csvfile.csv_cells([wkt], spreadsheet=True)[0].encode()
    return Shape(geometry, geojson, cells, wkt_cell, tuple(geometry.bounds))


NO_SHAPE = shape_of(None)


@functools.cache
def unit_shapes() -> dict[str, Shape]:
    """Every administrative unit's web-resolution polygon, serialised once per process."""
    import boundaries

    shapes = {}
    for level in boundaries.LEVELS:
        frame = boundaries.load(level, "web")
        shapes.update(
            (c, shape_of(g)) for c, g in zip(frame["adcode"], frame.geometry, strict=True)
        )
    return shapes


class Shapes:
    """Distinct shapes of one table, with their bounds as arrays (for bbox queries)."""

    def __init__(self):
        self.items: list[Shape] = []
        self._index: dict = {}

    def ref(self, key, make) -> int:
        """The index of the shape known as ``key`` (built by ``make()`` the first time)."""
        found = self._index.get(key)
        if found is None:
            found = self._index[key] = len(self.items)
            self.items.append(make())
        return found

    def point(self, geometry) -> int:
        geometry = export.located(geometry)
        if geometry is None:
            return -1
        return self.ref(("pt", geometry.x, geometry.y), lambda: shape_of(geometry))

    def points(self, geometries) -> np.ndarray:
        """Refs of many points at once (vectorised; -1 where a point is missing)."""
        geoms = np.asarray(geometries, dtype=object)
        known = np.array([g is not None for g in geoms], dtype=bool)
        refs = np.full(len(geoms), -1, dtype=np.int32)
        if not known.any():
            return refs
        xy = shapely.get_coordinates(geoms[known])
        if len(xy) != int(known.sum()):  # an empty point among them: one by one
            return np.array([self.point(g) for g in geoms], dtype=np.int32)
        ok = ~np.isnan(xy).any(axis=1)
        unique, first, inverse = np.unique(xy[ok], axis=0, return_index=True, return_inverse=True)
        chosen = np.flatnonzero(known)[ok]
        mapped = [self.point(geoms[chosen[i]]) for i in first]
        sub = np.full(int(known.sum()), -1, dtype=np.int32)
        sub[ok] = np.asarray(mapped, dtype=np.int32)[inverse.reshape(-1)]
        refs[known] = sub
        return refs

    def finish(self) -> None:
        boxes = [s.bounds or (np.nan,) * 4 for s in self.items]
        self.bounds = np.array(boxes, dtype=float).reshape(len(boxes), 4)
        self.is_point = np.array(
            [s.geometry is not None and s.geometry.geom_type == "Point" for s in self.items],
            dtype=bool,
        )

    def hits(self, boxes: Sequence[tuple[float, float, float, float]]) -> np.ndarray:
        """Which shapes meet any of ``boxes`` (plain boxes, min <= max), one bool each."""
        hit = np.zeros(len(self.items), dtype=bool)
        b = self.bounds
        for x0, y0, x1, y1 in boxes:
            near = ~((b[:, 0] > x1) | (b[:, 2] < x0) | (b[:, 1] > y1) | (b[:, 3] < y0))
            exact = near & self.is_point  # a point whose bounds meet the box is in it
            box = shapely.box(x0, y0, x1, y1)
            for i in np.flatnonzero(near & ~self.is_point):
                exact[i] = box.intersects(self.items[i].geometry)
            hit |= exact
        return hit

    @property
    def nbytes(self) -> int:
        return sum(s.nbytes for s in self.items)


def plain_column(values: Sequence) -> list:
    """Values ready for JSON and CSV (:func:`geo.export.plain`), converted only when the
    column holds anything but text, integers and ``None``."""
    values = list(values)
    if set(map(type, values)) <= _PLAIN_TYPES:
        return values
    return [export.plain(v) for v in values]


_EPOCH = date(1970, 1, 1).toordinal()


def _date_ordinals(values) -> np.ndarray:
    """Day ordinals of ISO dates (``date.toordinal``); 0 for none or a partial date
    ("2025", "2025-10"): vectorised, it runs over every row of every version."""
    text = pd.Series(values, dtype=object).map(lambda v: v[:10] if isinstance(v, str) else None)
    days = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    ordinals = (days - pd.Timestamp("1970-01-01")).dt.days + _EPOCH
    return ordinals.fillna(0).to_numpy(dtype=np.int32)


def _json_objects(fields: tuple[str, ...], columns: list[list]) -> list[bytes]:
    """Each row as a compact JSON object, from one C-encoder call per slice of rows.

    The table's JSON is split at ``},{"``: with flat objects (scalar values only) that
    sequence occurs only between rows, since a ``"`` inside a string is always escaped.
    """
    n = len(columns[0]) if columns else 0
    if not fields:
        return [b"{}"] * n
    out: list[bytes] = []
    # Slices of 1,000 rows: each C call holds the GIL a few ms only (a read model is
    # built in a thread while the same process serves requests).
    for start in range(0, n, JSON_SLICE):
        part = [col[start : start + JSON_SLICE] for col in columns]
        rows = [dict(zip(fields, row, strict=True)) for row in zip(*part, strict=True)]
        pieces = _DUMPS(rows).encode()[3:-2].split(b'},{"')
        if len(pieces) != len(rows):  # cannot happen with flat rows; never guess
            out += [_DUMPS(r).encode() for r in rows]
        else:
            out += [b'{"' + piece + b"}" for piece in pieces]
    return out


@dataclass(eq=False)
class FeatureTable:
    """One table (zones, projects, batches or a boundary level) serialised once.

    ``props[i]`` is row i's GeoJSON properties object, ``geom[i]`` the index of its shape
    in ``shapes`` (-1: none). CSV lines are made on first use (``shape`` says whether the
    geometry is written as ``lon,lat`` or ``wkt``). ``rows_read`` counts rows serialised
    into answers, so tests can check that a page costs its own rows only.
    """

    fields: tuple[str, ...]
    shape: str  # "point" | "wkt"
    props: list[bytes]
    geom: np.ndarray  # int32 per row
    shapes: Shapes
    ids: list[str] | None = None
    when: np.ndarray | None = None  # date ordinal per row (0: none), for datetime queries
    _columns: list[list] = field(default_factory=list, repr=False)
    _csv: list[bytes] | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _lengths: np.ndarray | None = field(default=None, repr=False)
    _geo_lengths: np.ndarray | None = field(default=None, repr=False)
    rows_read: int = 0

    @classmethod
    def of(
        cls,
        frame: pd.DataFrame,
        fields: Sequence[str],
        shape: str,
        geom: Sequence[int],
        shapes: Shapes,
        *,
        id_field: str | None = None,
        temporal: str | None = None,
    ) -> FeatureTable:
        n = len(frame)
        columns = [plain_column(frame[f]) if f in frame else [None] * n for f in fields]
        fields = tuple(fields)
        props = _json_objects(fields, columns)
        shapes.finish()
        return cls(
            fields,
            shape,
            props,
            np.asarray(geom, dtype=np.int32).reshape(n),
            shapes,
            ids=[str(v) for v in frame[id_field]] if id_field else None,
            when=_date_ordinals(list(frame[temporal])) if temporal else None,
            _columns=columns,
        )

    def __len__(self) -> int:
        return len(self.props)

    @property
    def nbytes(self) -> int:
        text = sum(len(p) for p in self.props) + sum(len(c) for c in self._csv or ())
        return text + 60 * len(self.props) + self.shapes.nbytes

    # ------------------------------------------------------------ single features

    def shape_at(self, i: int) -> Shape:
        ref = int(self.geom[i])
        return self.shapes.items[ref] if ref >= 0 else NO_SHAPE

    def feature(self, i: int) -> bytes:
        """Row i as a GeoJSON Feature (the download form: properties, then geometry)."""
        return (
            b'{"type":"Feature","properties":'
            + self.props[i]
            + b',"geometry":'
            + (self.shape_at(i).geojson + b"}")
        )

    def ogc_feature(self, i: int) -> bytes:
        """Row i as an OGC API feature: ``id``, geometry, properties."""
        head = b'{"type":"Feature","id":' + _DUMPS(self.ids[i]).encode()
        return (
            head
            + b',"geometry":'
            + self.shape_at(i).geojson
            + b',"properties":'
            + (self.props[i] + b"}")
        )

    def properties(self, i: int) -> dict:
        return json.loads(self.props[i])

    # ------------------------------------------------------------ selections

    def in_bbox(self, rows: np.ndarray, boxes) -> np.ndarray:
        """``rows`` (in order) whose geometry meets any of ``boxes``."""
        hit = self.shapes.hits(boxes)
        refs = self.geom[rows]
        keep = refs >= 0
        keep[keep] = hit[refs[keep]]
        return rows[keep]

    def size(self, rows: np.ndarray) -> int:
        """About the bytes of a body of ``rows`` (GeoJSON; CSV is smaller), without
        serialising anything: what decides between sending whole and streaming."""
        if self._lengths is None:
            self._lengths = np.fromiter((len(p) for p in self.props), np.int64, len(self))
            geo = [len(s.geojson) for s in self.shapes.items]
            self._geo_lengths = np.array([*geo, 4], dtype=np.int64)  # [-1]: null
        lengths, geo = self._lengths[rows], self._geo_lengths[self.geom[rows]]
        return int(lengths.sum() + geo.sum() + 40 * len(rows) + 200)

    # ------------------------------------------------------------ bodies

    def geojson_chunks(self, rows, provenance: dict | None = None) -> Iterator[bytes]:
        """A FeatureCollection of ``rows`` in chunks (``export.join_features`` byte for byte)."""
        yield b'{"type":"FeatureCollection","features":['
        for start in range(0, len(rows), CHUNK_ROWS):
            part = rows[start : start + CHUNK_ROWS]
            self.rows_read += len(part)
            yield (b"," if start else b"") + b",".join(self.feature(i) for i in part)
        tail = b"]"
        if provenance:
            tail += b',"provenance":' + _DUMPS(provenance).encode()
        yield tail + b"}"

    def csv_chunks(self, rows) -> Iterator[bytes]:
        """CSV of ``rows`` in chunks (``export.table_csv`` byte for byte), with a BOM."""
        lines = self.csv_lines()
        yield ("\ufeff" + export.csv_header(self.fields, self.shape)).encode()
        for start in range(0, len(rows), CHUNK_ROWS):
            part = rows[start : start + CHUNK_ROWS]
            self.rows_read += len(part)
            yield b"".join(lines[i] for i in part)

    def body(self, fmt: str, rows, provenance: dict | None = None) -> bytes:
        chunks = (
            self.geojson_chunks(rows, provenance) if fmt == "geojson" else self.csv_chunks(rows)
        )
        return b"".join(chunks)

    def csv_lines(self) -> list[bytes]:
        """Every row as a CSV line, made on first use (downloads only) and kept."""
        if self._csv is None:
            with self._lock:
                if self._csv is None:
                    self._csv = self._make_csv()
        return self._csv

    def _make_csv(self) -> list[bytes]:
        point = self.shape == "point"
        lines = []
        for i, row in enumerate(zip(*self._columns, strict=True)) if self._columns else ():
            shape = self.shape_at(i)
            geo = shape.point_cells if point else shape.wkt_cell
            cells = ",".join(csvfile.csv_cells(row, spreadsheet=True)).encode()
            lines.append(cells + b"," + geo + b"\r\n")
        return lines


def positions(frame: pd.DataFrame) -> np.ndarray:
    """Row numbers of a filtered frame in its table (the frames keep a RangeIndex)."""
    return frame.index.to_numpy(dtype=np.int64)


# ---------------------------------------------------------------- the Atlas's tables
# Same rows, fields and order as geo.export's zone_rows, project_rows, batch_rows and
# boundary_rows; geometry by reference.


def zone_table(zones: pd.DataFrame) -> FeatureTable:
    """Zones at their host seat (or an editor's location), ``None`` when unplaced."""
    shapes = Shapes()
    geom = shapes.points(zones.geometry.values)
    return FeatureTable.of(zones, export.ZONE_FIELDS, "point", geom, shapes, id_field="zone_id")


def project_table(projects: pd.DataFrame) -> FeatureTable:
    shapes = Shapes()
    geom = shapes.points(projects.geometry.values)
    return FeatureTable.of(
        projects,
        export.PROJECT_FIELDS,
        "point",
        geom,
        shapes,
        id_field="project_id",
        temporal="date",
    )


def batch_table(batches: pd.DataFrame, zones: pd.DataFrame) -> FeatureTable:
    """Aggregate figures with the geometry of their place: a zone's point for zone scope,
    else the unit's polygon, serialised once per process and shared by every figure."""
    units = unit_shapes()
    points = dict(zip(zones["zone_id"], zones.geometry, strict=True))
    shapes = Shapes()
    geom = []
    for scope, zone, code in zip(
        batches["scope"], batches["zone_id"], batches["adcode"], strict=True
    ):
        if scope == "zone" and zone:
            point = export.located(points.get(zone))
            geom.append(
                -1 if point is None else shapes.ref(("zone", zone), lambda p=point: shape_of(p))
            )
        elif code in units:
            geom.append(shapes.ref(("unit", code), lambda c=code: units[c]))
        else:
            geom.append(-1)
    return FeatureTable.of(
        batches,
        export.BATCH_FIELDS,
        "wkt",
        geom,
        shapes,
        id_field="batch_id",
        temporal="round_date",
    )


def boundary_frame(units: pd.DataFrame, metrics: pd.DataFrame) -> pd.DataFrame:
    """Units of one level joined to their metrics, in the metrics' order."""
    frame = units.set_index("adcode", drop=False)
    return frame.loc[[c for c in metrics.index if c in frame.index]].join(metrics)


def boundary_table(units: pd.DataFrame, metrics: pd.DataFrame) -> FeatureTable:
    """Units of one level (a ``boundaries.load`` frame) with one property per metric."""
    frame = boundary_frame(units, metrics)
    shapes = Shapes()
    serialised = unit_shapes()
    geom = [shapes.ref(c, lambda c=c: serialised[c]) for c in frame["adcode"]]
    fields = export.BOUNDARY_FIELDS + list(metrics.columns)
    return FeatureTable.of(frame, fields, "wkt", geom, shapes, id_field="adcode")
