"""The read model views use: one data version's dataset plus pre-serialised layers.

Views never open files or query the database: boundaries (loaded once per process), the
dataset of the current version and its pre-serialised layers (GeoJSON with default
metrics, compact geometry in WGS-84 and GCJ-02) all live here. ``webmap.live`` swaps in
a new :class:`Store` when the data version changes.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd

import boundaries
from boundaries import datum
from geo import aggregate, dataset, export
from webmap import compact

log = logging.getLogger(__name__)
DATUMS = ("wgs84", "gcj02")


@dataclass(frozen=True)
class Blob:
    """Bytes served as-is, with their gzip and a content hash (ETag, cache-busting ``?v=``)."""

    data: bytes
    gz: bytes
    etag: str

    @classmethod
    def of(cls, data: bytes) -> Blob:
        return cls(data, gzip.compress(data, 6, mtime=0), hashlib.sha256(data).hexdigest()[:16])


@functools.cache
def static_layers() -> tuple[dict, dict]:
    """Boundaries, which no data version changes: loaded once per process.

    ``(units, compact)``: web-resolution frames by level, and the compact geometry of each
    (level, datum) for the maps.
    """
    units = {level: boundaries.load(level, "web") for level in boundaries.LEVELS}
    packed = {}
    for level, frame in units.items():
        packed[level, "wgs84"] = Blob.of(compact.encode(frame["adcode"], frame.geometry))
        gcj = datum.geometry_wgs84_to_gcj02(frame.geometry.values)
        packed[level, "gcj02"] = Blob.of(compact.encode(frame["adcode"], gcj))
    return units, packed


@dataclass(frozen=True)
class Store:
    """The read model of one data version: what every view reads, built once per version."""

    data: dataset.Dataset
    version: int
    has_data: bool
    units: dict[str, gpd.GeoDataFrame]  # web resolution, WGS-84, by level
    compact: dict[tuple[str, str], Blob]  # (level, datum) -> compact geometry
    boundary_geojson: dict[str, Blob]  # level -> GeoJSON with unfiltered metrics
    shapes: dict[str, object] = field(repr=False)  # batch place geometries

    @classmethod
    def build(cls, data: dataset.Dataset, version: int = 0) -> Store:
        units, packed = static_layers()
        geojson = {"province": Blob.of(boundaries.layer_path("province", "web").read_bytes())}
        for level in aggregate.LEVELS:
            metrics = aggregate.all_metrics(data, level)
            geojson[level] = Blob.of(
                export.feature_collection(export.boundary_rows(units[level], metrics))
            )
        shapes = export.place_geometries(data)
        has_data = bool(len(data.zones) or len(data.projects) or len(data.batches))
        return cls(data, version, has_data, units, packed, geojson, shapes)

    @classmethod
    def load(cls, data_dir: Path = dataset.DATA_DIR) -> Store:
        """The store of a ``data/`` folder (through an in-memory database)."""
        return cls.build(dataset.load_dataset(Path(data_dir)))

    @property
    def as_of(self) -> str | None:
        return self.data.as_of
