"""The curated dataset in ``data/``: schema, loading and geocoded frames.

Tables (UTF-8 CSV, adcodes as 6-digit strings, money as integer CNY):
``sources.csv``, ``zones.csv`` (the zone gazetteer), ``projects.csv`` and ``batches.csv``.
Projects and batch figures are separate on purpose: a project named in a "三个一批" batch
is already counted in the batch total, so the two must never be added together.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from geo import geocode

DATA_DIR = Path(__file__).resolve().parent.parent / "data"

# ``published`` is empty when the article does not state it; ``reference_date`` is the
# documented, inferred date used to resolve "2月6日"-style dates (see its note).
SOURCE_COLUMNS = [
    "doc_id",
    "title",
    "publisher",
    "published",
    "reference_date",
    "url",
    "text_form",
    "note",
]
ZONE_COLUMNS = [
    "zone_id",
    "name",
    "aliases",
    "type",
    "level",
    "city_adcode",
    "county_adcode",
    "parent_zone_id",
    "note",
    "approval_date",
    "approved_area_ha",
    "leading_industries",
    "status",
    "source",
    "source_url",
]
PROJECT_COLUMNS = [
    "project_id",
    "doc_id",
    "name",
    "company",
    "zone_id",
    "investment_cny",
    "investment_text",
    "capacity",
    "stage",
    "date",
    "city_adcode",
    "county_adcode",
    "lon",
    "lat",
    "precision",
    "geocode_method",
    "unplaced_reason",
    "evidence",
    "span_start",
    "span_end",
    "quote",
]
# An aggregate figure ("三个一批" round table, county groundbreaking, year-to-date, cumulative
# or pipeline total): sum figures only within one period_type and one period.
BATCH_COLUMNS = [
    "batch_id",
    "doc_id",
    "round_date",
    "period_type",
    "period_start",
    "period_end",
    "period_label",
    "scope",
    "place",
    "adcode",
    "zone_id",
    "kind",
    "projects",
    "investment_cny",
    "output_cny",
    "place_method",
    "unplaced_reason",
    "evidence",
    "span_start",
    "span_end",
    "quote",
]
PERIOD_TYPES = ("round", "ytd", "cumulative", "pipeline", "unspecified")
# Columns added after the first tables were written: a table without them still loads, with
# the column empty (period_type: "round" where a round_date is given, else "unspecified").
OPTIONAL_COLUMNS = frozenset(
    {
        "approval_date",
        "approved_area_ha",
        "leading_industries",
        "status",
        "source",
        "source_url",
        "evidence",
        "period_type",
        "period_start",
        "period_end",
        "period_label",
        "place_method",
        "unplaced_reason",
        "text_form",
    }
)
_TEXT = {"dtype": str, "keep_default_na": False, "na_values": [""]}
_INTS = ["investment_cny", "output_cny", "projects", "span_start", "span_end"]
_FLOATS = ["lon", "lat"]


@dataclass(frozen=True)
class Dataset:
    """Read-only tables. ``zones`` and ``projects`` carry WGS-84 point geometry (or None)."""

    sources: pd.DataFrame
    zones: gpd.GeoDataFrame
    projects: gpd.GeoDataFrame
    batches: pd.DataFrame

    @property
    def as_of(self) -> str | None:
        """The newest source date (ISO): published, else the documented reference date."""
        pairs = zip(self.sources["published"], self.sources["reference_date"], strict=True)
        dates = [p or r for p, r in pairs if p or r]
        return max(dates) if len(dates) else None


def read_table(path: Path, columns: list[str]) -> pd.DataFrame:
    """A CSV with every column as text, then integers/floats where the schema says so."""
    frame = pd.read_csv(path, **_TEXT)
    missing = [c for c in columns if c not in frame.columns and c not in OPTIONAL_COLUMNS]
    if missing:
        raise ValueError(f"{path.name}: missing columns {missing}")
    for col in [c for c in columns if c not in frame.columns]:
        frame[col] = None
    if "period_type" in columns and "round_date" in frame.columns:
        unset = frame["period_type"].isna()
        frame.loc[unset, "period_type"] = frame.loc[unset, "round_date"].map(
            lambda d: "round" if isinstance(d, str) and d else "unspecified"
        )
    for col in frame.columns.intersection(_INTS):
        frame[col] = pd.to_numeric(frame[col]).astype("Int64")
    for col in frame.columns.intersection(_FLOATS):
        frame[col] = pd.to_numeric(frame[col]).astype(float)
    return frame.astype(object).where(frame.notna(), None)


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


def load_dataset(data_dir: Path = DATA_DIR) -> Dataset:
    """Load and geocode the curated tables from ``data_dir``."""
    data_dir = Path(data_dir)
    sources = read_table(data_dir / "sources.csv", SOURCE_COLUMNS)
    zones = geocode_zones(read_table(data_dir / "zones.csv", ZONE_COLUMNS))
    projects = read_table(data_dir / "projects.csv", PROJECT_COLUMNS)
    projects = gpd.GeoDataFrame(
        projects, geometry=_points(projects["lon"], projects["lat"]), crs="EPSG:4326"
    )
    batches = read_table(data_dir / "batches.csv", BATCH_COLUMNS)
    return Dataset(sources, zones, projects, batches)
