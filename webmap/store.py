"""The read model views use: one data version's dataset, serialised and indexed once.

Views never open files or query the database, and no request scans a whole table to
find a zone's rows: boundaries and their wire formats (loaded once per process), the
dataset of the current version, its tables serialised once with geometry by reference
(:mod:`geo.featuretable`, shared by downloads and the OGC API), per-zone and per-place
row indexes and per-zone summaries all live here. ``webmap.live`` swaps in a new
:class:`Store` when the data version changes (built while the old one keeps serving).
"""

from __future__ import annotations

import functools
import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

import boundaries
from boundaries import datum
from geo import aggregate, dataset
from geo import featuretable as ft
from webmap import compact, topology
from webmap.compress import Encoded

log = logging.getLogger(__name__)
DATUMS = ("wgs84", "gcj02")


def blob(data: bytes, *, static: bool = True) -> Encoded:
    """Bytes served as-is, encodings made once, a content hash as ETag (and ``?v=``)."""
    return Encoded(data, hashlib.sha256(data).hexdigest()[:16], static=static)


@functools.cache
def static_layers() -> tuple[dict, dict, dict]:
    """Boundaries, which no data version changes: loaded once per process.

    ``(units, compact, topologies)``: web-resolution frames by level; the compact
    geometry of each (level, datum); and per datum one topology of county arcs from
    which the maps draw counties, cities and city outlines (:mod:`webmap.topology`).
    """
    units = {level: boundaries.load(level, "web") for level in boundaries.LEVELS}
    packed = {}
    for level, frame in units.items():
        packed[level, "wgs84"] = blob(compact.encode(frame["adcode"], frame.geometry))
        gcj = datum.geometry_wgs84_to_gcj02(frame.geometry.values)
        packed[level, "gcj02"] = blob(compact.encode(frame["adcode"], gcj))
    topo = topology.build(units["county"], units["city"])
    topologies = {
        "wgs84": blob(topology.encode(topo)),
        "gcj02": blob(topology.encode(topology.to_gcj02(topo))),
    }
    return units, packed, topologies


def _groups(frame: pd.DataFrame, column: str) -> dict[str, np.ndarray]:
    """Row numbers by value of ``column``, each in table order (missing values left out)."""
    if not len(frame):
        return {}
    keys = frame[column].map(lambda v: v if isinstance(v, str) and v else "")
    groups = pd.Series(np.arange(len(frame)), index=frame.index).groupby(keys.to_numpy()).indices
    return {k: np.asarray(v, dtype=np.int64) for k, v in groups.items() if k}


def _zone_summaries(projects: pd.DataFrame, by_zone: dict) -> dict[str, tuple[int, int, int]]:
    """Per zone: (projects, projects with an amount, their total CNY)."""
    amounts = projects["investment_cny"].to_numpy(dtype=object)
    out = {}
    for zone, rows in by_zone.items():
        known = [a for a in amounts[rows] if a is not None]
        out[zone] = (len(rows), len(known), int(sum(known)))
    return out


@dataclass(frozen=True)
class Store:
    """The read model of one data version: what every view reads, built once per version."""

    data: dataset.Dataset
    version: int
    has_data: bool
    units: dict[str, gpd.GeoDataFrame]  # web resolution, WGS-84, by level
    compact: dict[tuple[str, str], Encoded]  # (level, datum) -> compact geometry
    topology: dict[str, Encoded]  # datum -> county arcs, counties, cities
    boundary_geojson: dict[str, Encoded]  # level -> GeoJSON with unfiltered metrics
    tables: dict[str, ft.FeatureTable] = field(repr=False)  # zones, projects, batches, levels
    # Row numbers of projects/batches by zone, and projects by county or city adcode.
    index: dict[str, dict[str, np.ndarray]] = field(repr=False, default_factory=dict)
    zone_summary: dict[str, tuple[int, int, int]] = field(repr=False, default_factory=dict)
    batch_places: pd.DataFrame | None = field(repr=False, default=None)

    @classmethod
    def build(cls, data: dataset.Dataset, version: int = 0) -> Store:
        units, packed, topologies = static_layers()
        tables = {
            "zones": ft.zone_table(data.zones),
            "projects": ft.project_table(data.projects),
            "batches": ft.batch_table(data.batches, data.zones),
        }
        geojson = {"province": blob(boundaries.layer_path("province", "web").read_bytes())}
        for level in aggregate.LEVELS:
            table = ft.boundary_table(units[level], aggregate.all_metrics(data, level))
            tables[level] = table
            geojson[level] = blob(table.body("geojson", np.arange(len(table))))
        batch_places = aggregate.batch_place(data.batches)
        index = {
            "projects_by_zone": _groups(data.projects, "zone_id"),
            "batches_by_zone": _groups(data.batches, "zone_id"),
            "projects_by_county": _groups(data.projects, "county_adcode"),
            "projects_by_city": _groups(data.projects, "city_adcode"),
            "batches_by_county": _groups(batch_places, "county_adcode"),
            "batches_by_city": _groups(batch_places, "city_adcode"),
            "zones_by_county": _groups(data.zones, "county_adcode"),
            "zones_by_city": _groups(data.zones, "city_adcode"),
        }
        summary = _zone_summaries(data.projects, index["projects_by_zone"])
        has_data = bool(len(data.zones) or len(data.projects) or len(data.batches))
        return cls(
            data,
            version,
            has_data,
            units,
            packed,
            topologies,
            geojson,
            tables,
            index,
            summary,
            batch_places,
        )

    @classmethod
    def load(cls, data_dir: Path = dataset.DATA_DIR) -> Store:
        """The store of a ``data/`` folder (through an in-memory database)."""
        return cls.build(dataset.load_dataset(Path(data_dir)))

    @property
    def as_of(self) -> str | None:
        return self.data.as_of

    def rows(self, index: str, key: str | None) -> np.ndarray:
        """Row numbers under ``key`` of one of :attr:`index` (empty when none)."""
        return self.index[index].get(key or "", np.empty(0, dtype=np.int64))
