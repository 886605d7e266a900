"""GCJ-02 ⇄ WGS-84: round-trip property, known offsets, arrays and geometries."""

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from boundaries.datum import (
    gcj02_to_wgs84,
    geometry_gcj02_to_wgs84,
    geometry_wgs84_to_gcj02,
    wgs84_to_gcj02,
)

METRES_PER_DEG_LAT = 111_320.0
# Shanxi's bounding box with a margin, WGS-84 degrees.
lons = st.floats(min_value=110.0, max_value=115.0, allow_nan=False)
lats = st.floats(min_value=34.3, max_value=41.0, allow_nan=False)


def metres(dlon, dlat, lat):
    return np.hypot(dlon * METRES_PER_DEG_LAT * np.cos(np.radians(lat)), dlat * METRES_PER_DEG_LAT)


@settings(max_examples=500, deadline=None)
@given(lons, lats)
def test_round_trip_error_below_one_centimetre(lon, lat):
    g_lon, g_lat = wgs84_to_gcj02(lon, lat)
    w_lon, w_lat = gcj02_to_wgs84(g_lon, g_lat)
    assert metres(w_lon - lon, w_lat - lat, lat) < 0.01


@settings(max_examples=200, deadline=None)
@given(lons, lats)
def test_shift_over_shanxi_is_hundreds_of_metres_mostly_east(lon, lat):
    g_lon, g_lat = wgs84_to_gcj02(lon, lat)
    east = (g_lon - lon) * METRES_PER_DEG_LAT * np.cos(np.radians(lat))
    north = (g_lat - lat) * METRES_PER_DEG_LAT
    assert 300 < np.hypot(east, north) < 800
    assert east > abs(north)


def test_scalars_stay_scalars_and_arrays_stay_arrays():
    assert isinstance(wgs84_to_gcj02(112.5, 37.8)[0], float)
    lon, lat = gcj02_to_wgs84(np.array([112.5, 113.0]), np.array([37.8, 36.0]))
    assert lon.shape == (2,) and lat.shape == (2,)


def test_single_step_inverse_would_not_be_enough():
    # Why we iterate: subtracting the offset once leaves metres of error somewhere in Shanxi.
    lon, lat = np.meshgrid(np.linspace(110.3, 114.5, 40), np.linspace(34.6, 40.7, 40))
    g_lon, g_lat = wgs84_to_gcj02(lon.ravel(), lat.ravel())
    f_lon, f_lat = wgs84_to_gcj02(g_lon, g_lat)
    one_step = (2 * g_lon - f_lon, 2 * g_lat - f_lat)
    assert metres(one_step[0] - lon.ravel(), one_step[1] - lat.ravel(), lat.ravel()).max() > 0.5
    it = gcj02_to_wgs84(g_lon, g_lat)
    assert metres(it[0] - lon.ravel(), it[1] - lat.ravel(), lat.ravel()).max() < 0.01


def test_geometries_keep_shared_vertices_identical():
    a = shapely.Polygon([(112, 37), (112.1, 37), (112.1, 37.1), (112, 37.1)])
    b = shapely.Polygon([(112.1, 37), (112.2, 37), (112.2, 37.1), (112.1, 37.1)])
    ca, cb = geometry_gcj02_to_wgs84(np.array([a, b], dtype=object))
    assert shapely.area(shapely.intersection(ca, cb)) == 0
    assert shapely.union_all([ca, cb]).geom_type == "Polygon"  # no sliver between them
    back = geometry_wgs84_to_gcj02(ca)
    assert shapely.hausdorff_distance(back, a) < 1e-9


@pytest.mark.parametrize("func", [wgs84_to_gcj02, gcj02_to_wgs84])
def test_empty_arrays(func):
    lon, lat = func(np.array([]), np.array([]))
    assert lon.size == 0 and lat.size == 0
