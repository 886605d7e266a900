"""The committed boundary layers: counts, validity, tiling, datum, seats, size."""

import gzip
import json

import numpy as np
import pytest
import shapely
from pyproj import Transformer

import boundaries
from boundaries.build import AREA_CRS
from boundaries.datum import transform_geometry

TO_M = Transformer.from_crs("EPSG:4326", AREA_CRS, always_xy=True)


def km2(geom) -> float:
    return float(shapely.area(transform_geometry(geom, TO_M.transform))) / 1e6


@pytest.mark.parametrize("resolution", ["full", "web"])
@pytest.mark.parametrize(("level", "count"), [("province", 1), ("city", 11), ("county", 117)])
def test_counts_and_validity(level, count, resolution):
    frame = boundaries.load(level, resolution)
    assert len(frame) == count
    assert frame.crs.to_epsg() == 4326
    assert frame.geometry.is_valid.all()
    assert frame["adcode"].str.fullmatch(r"14\d{4}").all()
    assert frame["adcode"].is_unique
    assert (frame["level"] == level).all()


def test_attributes():
    counties = boundaries.load("county")
    row = counties.set_index("adcode").loc["140703"]
    assert (row["name"], row["short_name"], row["name_en"]) == ("太谷区", "太谷", "Taigu District")
    assert row["parent_adcode"] == "140700"
    assert 900 < row["area_km2"] < 1200
    names = set(counties["name"])
    for current in ("云州区", "上党区", "屯留区", "潞城区", "潞州区", "怀仁市", "太谷区"):
        assert current in names
    assert set(boundaries.load("city")["parent_adcode"]) == {"140000"}
    assert set(counties["parent_adcode"]) == set(boundaries.load("city")["adcode"])
    # Generic names get a city-qualified short name.
    by_code = counties.set_index("adcode")
    assert by_code.loc["140502", "short_name"] == "晋城城区"
    assert by_code.loc["140303", "short_name"] == "阳泉矿区"
    assert by_code.loc["140727", "short_name"] == "祁县"
    assert by_code["name_en"].str.fullmatch(r"[A-Z][a-zü]+ (District|County|City)").all()


def test_province_area_matches_official_figure():
    # Shanxi is about 156,700 km²; the Albers area must land within 0.5 % of it.
    assert boundaries.load("province", "full")["area_km2"].iloc[0] == pytest.approx(
        156_700, rel=5e-3
    )


def _tiling_error_km2(children, parent) -> float:
    return km2(shapely.symmetric_difference(shapely.union_all(children), parent))


def test_full_counties_tile_cities_and_cities_tile_province():
    counties = boundaries.load("county", "full")
    cities = boundaries.load("city", "full")
    for city in cities.itertuples():
        parts = counties.loc[counties["parent_adcode"] == city.adcode, "geometry"].to_numpy()
        assert _tiling_error_km2(parts, city.geometry) < 0.01, city.name
    province = boundaries.load("province", "full").geometry.iloc[0]
    assert _tiling_error_km2(cities.geometry.to_numpy(), province) < 0.01


def test_each_county_lies_in_its_parent_city():
    counties = boundaries.load("county", "full")
    cities = boundaries.load("city", "full").set_index("adcode")
    for county in counties.itertuples():
        outside = shapely.difference(county.geometry, cities.loc[county.parent_adcode, "geometry"])
        assert km2(outside) < 0.001, county.name


@pytest.mark.parametrize("level", ["county", "city"])
def test_web_layer_is_seamless(level):
    geoms = boundaries.load(level, "web").geometry.to_numpy()
    union = shapely.union_all(geoms)
    overlaps = sum(km2(g) for g in geoms) - km2(union)
    # Gaps: holes in the union that are not real holes of the province outline.
    province = boundaries.load("province", "web").geometry.iloc[0]
    gaps = km2(shapely.difference(province, union))
    assert overlaps + gaps < 0.1


def test_web_layer_stays_close_to_full():
    full = boundaries.load("county", "full").geometry.to_numpy()
    web = boundaries.load("county", "web").geometry.to_numpy()
    hd = shapely.hausdorff_distance(
        transform_geometry(full, TO_M.transform), transform_geometry(web, TO_M.transform)
    )
    assert hd.max() < 150  # metres; tolerance is 100 m plus rounding to 4 decimals
    assert shapely.get_num_coordinates(web).sum() < 0.5 * shapely.get_num_coordinates(full).sum()


def test_seat_and_label_points_lie_inside_their_unit():
    for level in boundaries.LEVELS:
        frame = boundaries.load(level, "full")
        assert frame.geometry.contains(boundaries.point_column(frame, "seat_point")).all()
        assert frame.geometry.contains(boundaries.point_column(frame, "label_point")).all()


def test_county_web_geojson_fits_the_page_budget():
    raw = boundaries.layer_path("county", "web").read_bytes()
    assert len(gzip.compress(raw, 9)) <= 110 * 1024
    # At most 5 decimals in any coordinate.
    coords = np.asarray(
        [
            c
            for f in json.loads(raw)["features"]
            for c in shapely.get_coordinates(shapely.from_geojson(json.dumps(f["geometry"])))
        ]
    )
    assert np.allclose(coords, np.round(coords, 5), atol=1e-12)


@pytest.mark.parametrize("level", boundaries.LEVELS)
def test_geopandas_writers_accept_a_loaded_level(level, tmp_path):
    """Issue 13: extra shapely columns made to_file/to_json/explore fail."""
    import geopandas as gpd

    frame = boundaries.load(level)
    assert list(frame.columns[frame.dtypes == "geometry"]) == ["geometry"]
    for driver, suffix in (("GPKG", "gpkg"), ("GeoJSON", "geojson")):
        path = tmp_path / f"{level}.{suffix}"
        frame.to_file(path, driver=driver)
        back = gpd.read_file(path)
        assert len(back) == len(frame) and back.crs.to_epsg() == 4326
        assert list(back["adcode"]) == list(frame["adcode"])
        assert back["seat_point"].iloc[0].startswith("POINT (")
    doc = json.loads(frame.to_json())
    assert len(doc["features"]) == len(frame)
    assert doc["features"][0]["properties"]["label_point"].startswith("POINT (")
    seats = boundaries.point_column(frame, "seat_point")
    assert seats.x.tolist() == pytest.approx(frame["seat_lon"].tolist(), abs=1e-7)
    with pytest.raises(boundaries.AtlasError):
        boundaries.point_column(frame, "geometry")


def test_explore_accepts_a_loaded_level():
    folium_map = boundaries.load("city").explore(column="area_km2")
    assert "Taiyuan" in folium_map.get_root().render()
