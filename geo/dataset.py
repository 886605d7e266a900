"""The read model: the store's public tables as frames, geocoded, for maps and downloads.

A :class:`Dataset` is an immutable snapshot of one data version: published documents
(``sources``), the zone gazetteer, canonical projects and canonical aggregate figures
(``batches``). Projects and batch figures are separate on purpose: a project named in a
"三个一批" batch is already counted in the batch total, so the two are never added.

Columns come from :mod:`geo.store.schema`; :func:`load_dataset` reads a ``data/`` folder
through an in-memory store, so there is one loading path, with one set of checks.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import geocode
from geo.store import schema as s

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

SOURCE_COLUMNS = s.public_columns(s.documents)
ZONE_COLUMNS = s.public_columns(s.zones)
PROJECT_COLUMNS = [*s.public_columns(s.projects), "lon", "lat"]
BATCH_COLUMNS = s.public_columns(s.batches)
ZONE_GEOCODE_COLUMNS = ["lon", "lat", "precision", "geocode_method", "unplaced_reason"]


@dataclass(frozen=True)
class Dataset:
    """Read-only tables. ``zones`` and ``projects`` carry WGS-84 point geometry (or None)."""

    sources: pd.DataFrame
    zones: gpd.GeoDataFrame
    projects: gpd.GeoDataFrame
    batches: pd.DataFrame
    version: str = ""  # the store's data version it was read at: what caches key on

    @property
    def as_of(self) -> str | None:
        """The newest source date (ISO): published, else the documented reference date."""
        pairs = zip(self.sources["published"], self.sources["reference_date"], strict=True)
        dates = [p or r for p, r in pairs if p or r]
        return max(dates) if len(dates) else None


def _known(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _points(lons, lats) -> np.ndarray:
    """WGS-84 points, ``None`` where a coordinate is missing (None or NaN); vectorised."""
    x = np.array([v if _known(v) else np.nan for v in lons], dtype=float)
    y = np.array([v if _known(v) else np.nan for v in lats], dtype=float)
    points = shapely.points(x, y)
    points[np.isnan(x) | np.isnan(y)] = None
    return points


def _plain(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _column(values: Sequence) -> list:
    """A column as plain values: ISO text for dates (a column holds one type, so the
    first value that is not ``None`` says whether it needs converting)."""
    first = next((v for v in values if v is not None), None)
    if isinstance(first, (date, datetime)):
        return [_plain(v) for v in values]
    return values if isinstance(values, list) else list(values)


def frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    """Rows as an object frame: ISO dates, ``None`` for missing, exactly ``columns``."""
    return columns_frame({col: [r.get(col) for r in rows] for col in columns}, columns)


def columns_frame(data: Mapping[str, Sequence], columns: list[str]) -> pd.DataFrame:
    """Columns (name -> values) as an object frame: ISO dates, ``None`` for missing,
    exactly ``columns`` (a missing column is all ``None``)."""
    length = len(next(iter(data.values()))) if data else 0
    out = {col: _column(data[col]) if col in data else [None] * length for col in columns}
    return pd.DataFrame(out, columns=columns, dtype=object)


def geocode_zones(zones: pd.DataFrame) -> gpd.GeoDataFrame:
    """Zones where an editor put them (precision ``editor``), else at the seat of their
    host county, else host city, else the province."""
    placements = []
    for row in zones.itertuples():
        lon, lat = getattr(row, "location_lon", None), getattr(row, "location_lat", None)
        if _known(lon) and _known(lat):
            placements.append(
                geocode.Placement(
                    row.city_adcode, row.county_adcode, float(lon), float(lat), "editor", "editor"
                )
            )
        else:
            placements.append(geocode.place_zone(row.city_adcode, row.county_adcode))
    out = zones.copy()
    out["lon"] = [p.lon for p in placements]
    out["lat"] = [p.lat for p in placements]
    out["precision"] = [p.precision for p in placements]
    out["geocode_method"] = [p.method for p in placements]
    out["unplaced_reason"] = [p.reason for p in placements]
    return gpd.GeoDataFrame(out, geometry=_points(out["lon"], out["lat"]), crs="EPSG:4326")


ZONE_READ_COLUMNS = [*ZONE_COLUMNS, "location_lon", "location_lat", "location_note"]


def from_columns(sources, zones, projects, batches, version: str = "") -> Dataset:
    """A dataset from store columns (mappings of schema column name -> values)."""
    project_frame = columns_frame(projects, PROJECT_COLUMNS)
    return Dataset(
        sources=columns_frame(sources, SOURCE_COLUMNS),
        zones=geocode_zones(columns_frame(zones, ZONE_READ_COLUMNS)),
        projects=gpd.GeoDataFrame(
            project_frame,
            geometry=_points(project_frame["lon"], project_frame["lat"]),
            crs="EPSG:4326",
        ),
        batches=columns_frame(batches, BATCH_COLUMNS),
        version=version,
    )


def _as_columns(rows: list[dict], columns: list[str]) -> dict[str, list]:
    return {col: [r.get(col) for r in rows] for col in columns}


def from_rows(sources, zones, projects, batches, version: str = "") -> Dataset:
    """A dataset from store rows (mappings keyed by schema column names)."""
    return from_columns(
        _as_columns(sources, SOURCE_COLUMNS),
        _as_columns(zones, ZONE_READ_COLUMNS),
        _as_columns(projects, PROJECT_COLUMNS),
        _as_columns(batches, BATCH_COLUMNS),
        version,
    )


def empty() -> Dataset:
    """A dataset with the schema and no rows: the app starts before any data exists."""
    return from_rows([], [], [], [])


def load_dataset(data_dir: Path = DATA_DIR) -> Dataset:
    """The dataset of a ``data/`` folder, loaded and merged through an in-memory store."""
    from geo.store import open_store

    repo = open_store("sqlite://", data_dir=Path(data_dir))
    try:
        return repo.snapshot().dataset
    finally:
        repo.close()
