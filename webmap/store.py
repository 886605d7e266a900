"""The app's read-only store: everything views need, loaded once at start-up.

Views never open files: boundaries, the dataset and the pre-serialised layers (GeoJSON
with default metrics, compact geometry in WGS-84 and GCJ-02) all live here.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pandas as pd

import boundaries
from boundaries import datum
from geo import aggregate, dataset, export
from webmap import compact

log = logging.getLogger(__name__)
DATUMS = ("wgs84", "gcj02")
TABLES = ("sources.csv", "zones.csv", "projects.csv", "batches.csv")


def empty_dataset() -> dataset.Dataset:
    """A dataset with the schema and no rows: the app starts before data/ exists."""
    zone_cols = dataset.ZONE_COLUMNS + [
        "lon",
        "lat",
        "precision",
        "geocode_method",
        "unplaced_reason",
    ]

    def frame(cols):
        return gpd.GeoDataFrame(
            pd.DataFrame(columns=cols, dtype=object), geometry=[], crs="EPSG:4326"
        )

    return dataset.Dataset(
        sources=pd.DataFrame(columns=dataset.SOURCE_COLUMNS, dtype=object),
        zones=frame(zone_cols),
        projects=frame(dataset.PROJECT_COLUMNS),
        batches=pd.DataFrame(columns=dataset.BATCH_COLUMNS, dtype=object),
    )


def load_dataset(data_dir: Path) -> tuple[dataset.Dataset, bool]:
    """The dataset in ``data_dir`` (and whether it is complete).

    Tables that do not exist yet are empty (the app starts before data/ exists); with
    all four present this is exactly ``geo.dataset.load_dataset``. Every table is read
    from the same opened folder, and validated: a bad value refuses to load, naming the
    file, row and column.
    """
    empty = empty_dataset()
    with dataset.DatasetDir(Path(data_dir)) as folder:
        present = {name for name in TABLES if folder.exists(name)}
        if len(present) < len(TABLES):
            log.warning(
                "dataset in %s is incomplete (missing %s)", data_dir, sorted(set(TABLES) - present)
            )
        sources, zones, projects, batches = (
            empty.sources,
            empty.zones,
            empty.projects,
            empty.batches,
        )
        if "sources.csv" in present:
            sources = folder.read("sources.csv")
        if "zones.csv" in present:
            zones = dataset.geocode_zones(folder.read("zones.csv"))
        if "projects.csv" in present:
            projects = dataset.project_frame(folder.read("projects.csv"))
        if "batches.csv" in present:
            batches = folder.read("batches.csv")
        data = dataset.Dataset(sources, zones, projects, batches, folder.version)
    return data, len(present) == len(TABLES)


@dataclass(frozen=True)
class Blob:
    """Bytes served as-is, with their gzip and a content hash (ETag, cache-busting ``?v=``)."""

    data: bytes
    gz: bytes
    etag: str

    @classmethod
    def of(cls, data: bytes) -> Blob:
        return cls(data, gzip.compress(data, 6, mtime=0), hashlib.sha256(data).hexdigest()[:16])


@dataclass(frozen=True)
class Store:
    data: dataset.Dataset
    data_dir: Path
    has_data: bool
    units: dict[str, gpd.GeoDataFrame]  # web resolution, WGS-84, by level
    compact: dict[tuple[str, str], Blob]  # (level, datum) -> compact geometry
    boundary_geojson: dict[str, Blob]  # level -> GeoJSON with unfiltered metrics
    shapes: dict[str, object] = field(repr=False)  # batch place geometries

    @classmethod
    def load(cls, data_dir: Path = dataset.DATA_DIR) -> Store:
        data, has_data = load_dataset(Path(data_dir))
        units = {level: boundaries.load(level, "web") for level in boundaries.LEVELS}
        packed = {}
        for level, frame in units.items():
            packed[level, "wgs84"] = Blob.of(compact.encode(frame["adcode"], frame.geometry))
            gcj = datum.geometry_wgs84_to_gcj02(frame.geometry.values)
            packed[level, "gcj02"] = Blob.of(compact.encode(frame["adcode"], gcj))
        geojson = {"province": Blob.of(boundaries.layer_path("province", "web").read_bytes())}
        for level in aggregate.LEVELS:
            metrics = aggregate.all_metrics(data, level)
            geojson[level] = Blob.of(
                export.feature_collection(export.boundary_rows(units[level], metrics))
            )
        shapes = export.place_geometries(data)
        return cls(data, Path(data_dir), has_data, units, packed, geojson, shapes)

    @property
    def as_of(self) -> str | None:
        return self.data.as_of
