"""Loading the boundary artefacts once, and looking units up by adcode or point."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from boundaries.errors import AtlasError, UnknownPlaceError

if TYPE_CHECKING:  # geopandas and shapely load only when geometry is asked for
    import geopandas as gpd
    import shapely

DATA_DIR = Path(__file__).parent / "data"
LEVELS = ("province", "city", "county")
RESOLUTIONS = ("full", "web")
_FILE_STEM = {"province": "province", "city": "cities", "county": "counties"}


@dataclass(frozen=True)
class Unit:
    """One administrative unit. Points are WGS-84 (lon, lat) degrees."""

    adcode: str
    name: str
    short_name: str
    name_en: str
    level: str
    parent_adcode: str | None
    area_km2: float
    label_point: tuple[float, float]
    seat_point: tuple[float, float]

    @property
    def qualified_name(self) -> str:
        """Name with its city for counties (长治市潞州区): unambiguous in messages."""
        if self.level != "county":
            return self.name
        return unit(self.parent_adcode).name + self.name


class Location(NamedTuple):
    county: Unit
    city: Unit


def layer_path(level: str, resolution: str = "web") -> Path:
    """Path of a committed GeoJSON artefact; raises for unknown level or resolution."""
    if level not in LEVELS:
        raise AtlasError(f"unknown level {level!r}; allowed: {', '.join(LEVELS)}")
    if resolution not in RESOLUTIONS:
        raise AtlasError(f"unknown resolution {resolution!r}; allowed: {', '.join(RESOLUTIONS)}")
    return DATA_DIR / f"{_FILE_STEM[level]}.{resolution}.geojson"


@cache
def _frame(level: str, resolution: str) -> gpd.GeoDataFrame:
    import geopandas as gpd
    import shapely

    collection = json.loads(layer_path(level, resolution).read_text(encoding="utf-8"))
    rows = [f["properties"] for f in collection["features"]]
    geometry = [shapely.from_geojson(json.dumps(f["geometry"])) for f in collection["features"]]
    frame = gpd.GeoDataFrame(rows, geometry=geometry, crs="EPSG:4326")
    # One geometry column only: geopandas' writers (to_file, to_json, explore) refuse a
    # frame with extra shapely columns. The points stay available as WKT text (and as the
    # label_lon/lat, seat_lon/lat floats); ``point_column`` turns one back into a GeoSeries.
    frame["label_point"] = shapely.to_wkt(
        shapely.points(frame["label_lon"], frame["label_lat"]), rounding_precision=7
    )
    frame["seat_point"] = shapely.to_wkt(
        shapely.points(frame["seat_lon"], frame["seat_lat"]), rounding_precision=7
    )
    return frame


def load(level: str, resolution: str = "web") -> gpd.GeoDataFrame:
    """A level as a GeoDataFrame in EPSG:4326, one row per unit, sorted by adcode.

    Columns: adcode (6-digit str), name, short_name, name_en, level, parent_adcode,
    area_km2 (Albers equal-area), label_lon/lat, seat_lon/lat (WGS-84 degrees),
    seat_source, label_point and seat_point (the same points as WKT text, e.g.
    ``POINT (112.55 37.87)``), geometry (the only geometry column, so geopandas' writers
    accept the frame: ``to_file`` (GeoPackage, GeoJSON), ``to_json``, ``explore``).
    A copy: callers may modify it freely.
    """
    return _frame(level, resolution).copy()


def point_column(frame: gpd.GeoDataFrame, name: str) -> gpd.GeoSeries:
    """``label_point`` or ``seat_point`` of a :func:`load` frame as a GeoSeries (EPSG:4326)."""
    import geopandas as gpd

    if name not in ("label_point", "seat_point"):
        raise AtlasError(f"unknown point column {name!r}; allowed: label_point, seat_point")
    return gpd.GeoSeries.from_wkt(frame[name], index=frame.index, crs="EPSG:4326")


@cache
def _units() -> dict[str, Unit]:
    """Units from the properties of the web layers: plain JSON, no geometry library (so the
    extractor, which needs names and seats only, never imports geopandas)."""
    result = {}
    for level in LEVELS:
        collection = json.loads(layer_path(level, "web").read_text(encoding="utf-8"))
        rows = sorted((f["properties"] for f in collection["features"]), key=lambda r: r["adcode"])
        for row in rows:
            result[row["adcode"]] = Unit(
                adcode=row["adcode"],
                name=row["name"],
                short_name=row["short_name"],
                name_en=row["name_en"],
                level=row["level"],
                parent_adcode=row["parent_adcode"],
                area_km2=row["area_km2"],
                label_point=(row["label_lon"], row["label_lat"]),
                seat_point=(row["seat_lon"], row["seat_lat"]),
            )
    return result


def units(level: str | None = None) -> list[Unit]:
    """All units (or those of one level), sorted by adcode."""
    return [u for u in _units().values() if level is None or u.level == level]


def unit(adcode: str) -> Unit:
    """The unit with this 6-digit adcode; :class:`UnknownPlaceError` if none."""
    try:
        return _units()[str(adcode)]
    except KeyError:
        raise UnknownPlaceError(f"no Shanxi unit has adcode {adcode!r}") from None


@cache
def _county_index() -> tuple[shapely.STRtree, list[str]]:
    import shapely

    frame = _frame("county", "full")
    return shapely.STRtree(frame.geometry.to_numpy()), list(frame["adcode"])


def locate(lon: float, lat: float) -> Location | None:
    """The county (with its city) containing WGS-84 (lon, lat); None outside Shanxi.

    Uses the full-resolution layer; a point on a shared border goes to the lower adcode.
    """
    import shapely

    tree, codes = _county_index()
    hits = tree.query(shapely.Point(lon, lat), predicate="intersects")
    if len(hits) == 0:
        return None
    county = unit(codes[min(hits)])
    return Location(county, unit(county.parent_adcode))
