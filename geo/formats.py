"""File exports of a feature selection: CSV, GeoPackage and KML, each carrying metadata.

``Provenance`` (source, as-of date, CRS, licence) goes inside the file where the format
has a place for it: GeoPackage dataset/layer metadata (``gpkg_metadata``), KML
``<Document>`` description and ``ExtendedData``. CSV has none, so callers send it as
HTTP headers (and the README documents them).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from xml.sax.saxutils import escape, quoteattr

import geopandas as gpd
import shapely

from geo import export

CRS_TEXT = "EPSG:4326 (WGS-84 lon/lat)"


@dataclass(frozen=True)
class Provenance:
    source: str
    as_of: str | None
    crs: str
    licence: str

    def items(self) -> dict[str, str]:
        """Upper-case keys, as GDAL metadata items."""
        return {k.upper(): v or "" for k, v in asdict(self).items()}

    def as_dict(self) -> dict[str, str | None]:
        return asdict(self)


def _fields(features) -> list[str]:
    names: dict[str, None] = {}
    for f in features:
        names.update(dict.fromkeys(f.properties))
    return list(names)


def csv_bytes(features: Sequence, shape: str) -> bytes:
    """UTF-8 CSV with BOM: lon/lat columns for points, WKT for polygons (``shape``)."""
    return export.table_csv(
        [(f.properties, f.geometry) for f in features], _fields(features), shape
    )


def gpkg_bytes(features: Sequence, layer: str, provenance: Provenance) -> bytes:
    """A GeoPackage with one layer in EPSG:4326; provenance in dataset and layer metadata."""
    fields = _fields(features)
    rows = [{k: export.plain(f.properties.get(k)) for k in fields} for f in features]
    frame = gpd.GeoDataFrame(
        rows, columns=fields, geometry=[f.geometry for f in features], crs="EPSG:4326"
    )
    for name in fields:  # mixed int/None columns would otherwise become float
        if frame[name].map(lambda v: isinstance(v, int) and not isinstance(v, bool)).any():
            frame[name] = frame[name].astype("Int64")
    fd, path = tempfile.mkstemp(suffix=".gpkg")
    os.close(fd)
    os.unlink(path)  # the driver creates the file itself
    try:
        frame.to_file(
            path,
            layer=layer,
            driver="GPKG",
            engine="pyogrio",
            dataset_metadata=provenance.items(),
            layer_metadata=provenance.items(),
            # 1.3: pyogrio's GDAL writes 1.4 by default, which GDAL 3.6 (Debian 12) warns on.
            dataset_options={"VERSION": "1.3"},
        )
        with open(path, "rb") as f:
            return f.read()
    finally:
        if os.path.exists(path):
            os.unlink(path)


def _kml_coords(ring) -> str:
    return " ".join(f"{round(x, 6)},{round(y, 6)}" for x, y in ring.coords)


def _kml_geometry(geometry) -> str:
    if geometry is None:
        return ""
    kind = geometry.geom_type
    if kind == "Point":
        lon, lat = round(geometry.x, 6), round(geometry.y, 6)
        return f"<Point><coordinates>{lon},{lat}</coordinates></Point>"
    if kind == "Polygon":
        geometry = shapely.orient_polygons(geometry)
        inner = "".join(
            f"<innerBoundaryIs><LinearRing><coordinates>{_kml_coords(r)}</coordinates>"
            "</LinearRing></innerBoundaryIs>"
            for r in geometry.interiors
        )
        return (
            "<Polygon><outerBoundaryIs><LinearRing><coordinates>"
            f"{_kml_coords(geometry.exterior)}</coordinates></LinearRing></outerBoundaryIs>"
            f"{inner}</Polygon>"
        )
    if kind in ("MultiPolygon", "MultiPoint", "GeometryCollection"):
        parts = "".join(_kml_geometry(g) for g in geometry.geoms)
        return f"<MultiGeometry>{parts}</MultiGeometry>"
    raise ValueError(f"no KML encoding for {kind}")


def kml_bytes(features: Sequence, title: str, provenance: Provenance) -> bytes:
    """KML 2.2 (always WGS-84 by definition); every property as ExtendedData, escaped."""
    fields = _fields(features)
    meta = "".join(
        f"<Data name={quoteattr(k.lower())}><value>{escape(v)}</value></Data>"
        for k, v in provenance.items().items()
    )
    description = escape(
        f"Source: {provenance.source}. As of: {provenance.as_of or 'unknown'}. "
        f"CRS: {provenance.crs}. Licence: {provenance.licence}."
    )
    placemarks = []
    for f in features:
        data = "".join(
            f"<Data name={quoteattr(k)}><value>{escape(_text(f.properties.get(k)))}</value></Data>"
            for k in fields
        )
        name = f.properties.get("name") or f.id
        placemarks.append(
            f"<Placemark id={quoteattr('f-' + str(f.id))}><name>{escape(str(name))}</name>"
            f"<ExtendedData>{data}</ExtendedData>{_kml_geometry(f.geometry)}</Placemark>"
        )
    doc = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
        f"<name>{escape(title)}</name><description>{description}</description>"
        f"<ExtendedData>{meta}</ExtendedData>{''.join(placemarks)}</Document></kml>\n"
    )
    return doc.encode("utf-8")


def _text(value) -> str:
    value = export.plain(value)
    return "" if value is None else str(value)
