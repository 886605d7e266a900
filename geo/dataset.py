"""The curated dataset in ``data/``: schema, loading and geocoded frames.

Tables (UTF-8 CSV, adcodes as 6-digit strings, money as integer CNY):
``sources.csv``, ``zones.csv`` (the zone gazetteer), ``projects.csv`` and ``batches.csv``.
Projects and batch figures are separate on purpose: a project named in a "三个一批" batch
is already counted in the batch total, so the two must never be added together.
"""

from __future__ import annotations

import hashlib
import math
import os
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geo import geocode, tables

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

# Column names and kinds live in ``geo.tables``. In sources, ``published`` is empty when
# the article does not state it; ``reference_date`` is the documented, inferred date used
# to resolve "2月6日"-style dates (see its note).
SOURCE_COLUMNS = tables.SOURCES.column_names
ZONE_COLUMNS = tables.ZONES.column_names
PROJECT_COLUMNS = tables.PROJECTS.column_names
BATCH_COLUMNS = tables.BATCHES.column_names


@dataclass(frozen=True)
class Dataset:
    """Read-only tables. ``zones`` and ``projects`` carry WGS-84 point geometry (or None)."""

    sources: pd.DataFrame
    zones: gpd.GeoDataFrame
    projects: gpd.GeoDataFrame
    batches: pd.DataFrame
    version: str = ""  # a hash of the tables as read: what caches key on

    @property
    def as_of(self) -> str | None:
        """The newest source date (ISO): published, else the documented reference date."""
        pairs = zip(self.sources["published"], self.sources["reference_date"], strict=True)
        dates = [p or r for p, r in pairs if p or r]
        return max(dates) if len(dates) else None


TABLES = {
    "sources.csv": tables.SOURCES,
    "zones.csv": tables.ZONES,
    "projects.csv": tables.PROJECTS,
    "batches.csv": tables.BATCHES,
}


class DatasetDir:
    """A dataset folder opened once: a snapshot of its tables, however it changes later.

    On entry the folder and every table in it are opened; reads then come from those open
    files. A writer replaces the whole folder at once (``geo.curate.write_dataset_files``),
    so projects and batches always come from the same write. Should the folder be replaced
    and removed while being opened, it is opened again. A folder that does not exist yet
    has no tables.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self._files: dict[str, int] = {}
        self._digest = hashlib.sha256()
        for _ in range(20):
            if self._open():
                return
        raise tables.DataError(f"{self.path}: the dataset keeps being replaced; try again")

    def _open(self) -> bool:
        try:
            folder = os.open(self.path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except FileNotFoundError:
            return True
        except OSError as exc:
            raise tables.DataError(
                f"{self.path}: cannot open the dataset folder: {exc.strerror}"
            ) from None
        try:
            for name in TABLES:
                try:
                    self._files[name] = tables.open_regular_file(
                        name, tables.MAX_TABLE_BYTES, dir_fd=folder
                    )
                except FileNotFoundError:
                    continue
                except (OSError, ValueError) as exc:
                    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
                    raise tables.DataError(f"{self.path / name}: {reason}") from None
            if os.fstat(folder).st_nlink == 0:  # replaced and removed meanwhile: again
                self.close()
                return False
            return True
        except BaseException:
            self.close()
            raise
        finally:
            os.close(folder)

    def close(self) -> None:
        for fd in self._files.values():
            os.close(fd)
        self._files = {}

    def __enter__(self) -> DatasetDir:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def exists(self, name: str) -> bool:
        return name in self._files

    def read(self, name: str) -> pd.DataFrame:
        """A validated table as text/int/float/None objects (see :mod:`geo.tables`)."""
        if name not in self._files:
            raise tables.DataError(f"{self.path / name}: no such file")
        try:
            data = tables.read_fd(self._files[name], tables.MAX_TABLE_BYTES)
        except (OSError, ValueError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise tables.DataError(f"{self.path / name}: {reason}") from None
        self._digest.update(f"{name}\0{len(data)}\0".encode())
        self._digest.update(data)
        header, records = tables.read(TABLES[name], data, name)
        return pd.DataFrame(records, columns=header, dtype=object)

    @property
    def version(self) -> str:
        """A hash of every table read so far."""
        return self._digest.hexdigest()[:16]


def read_table(path: Path, table: tables.Table | None = None) -> pd.DataFrame:
    """One validated table from its file."""
    path = Path(path)
    with DatasetDir(path.parent) as folder:
        return folder.read(path.name)


def _known(value) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def _points(lons, lats) -> list:
    """WGS-84 points, ``None`` where a coordinate is missing (None or NaN)."""
    return [
        shapely.Point(x, y) if _known(x) and _known(y) else None
        for x, y in zip(lons, lats, strict=True)
    ]


def geocode_zones(zones: pd.DataFrame) -> gpd.GeoDataFrame:
    """Zones at the seat of their host county, else host city, else the province."""
    placements = [
        geocode.place_zone(row.city_adcode, row.county_adcode) for row in zones.itertuples()
    ]
    frame = zones.copy()
    frame["lon"] = [p.lon for p in placements]
    frame["lat"] = [p.lat for p in placements]
    frame["precision"] = [p.precision for p in placements]
    frame["geocode_method"] = [p.method for p in placements]
    frame["unplaced_reason"] = [p.reason for p in placements]
    return gpd.GeoDataFrame(frame, geometry=_points(frame["lon"], frame["lat"]), crs="EPSG:4326")


def project_frame(projects: pd.DataFrame) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        projects, geometry=_points(projects["lon"], projects["lat"]), crs="EPSG:4326"
    )


def load_dataset(data_dir: Path = DATA_DIR) -> Dataset:
    """Load (validated) and geocode the curated tables from ``data_dir``."""
    with DatasetDir(Path(data_dir)) as folder:
        sources = folder.read("sources.csv")
        zones = geocode_zones(folder.read("zones.csv"))
        projects = project_frame(folder.read("projects.csv"))
        batches = folder.read("batches.csv")
        return Dataset(sources, zones, projects, batches, folder.version)
