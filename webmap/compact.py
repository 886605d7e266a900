"""A compact wire format for boundary layers: quantised, delta-encoded rings.

The 117-county web layer is 426 KB of GeoJSON (104 KB gzipped); with leaflet.js (42 KB
gzipped) that alone breaks the 150 KB page budget. The boundaries already have 4 decimals
(~10 m), so each vertex becomes two small integers relative to the previous one:

    {"scale": 10000, "features": [[adcode, [polygon, ...]], ...]}
    polygon = [ring, ...]; ring = [x0, y0, dx1, dy1, ...]  (closing vertex dropped)

``x0, y0`` are absolute (lon/lat * scale), later pairs are differences. ``atlas.js``
decodes it. Counties: 151 KB, 58 KB gzipped.
"""

from __future__ import annotations

import json

import shapely

SCALE = 10_000  # 1e-4 degree, the precision of boundaries' web layers


def _ring(coords) -> list[int]:
    flat, px, py = [], 0, 0
    previous = None
    for x, y in coords[:-1]:
        ix, iy = round(x * SCALE), round(y * SCALE)
        if (ix, iy) == previous:  # rounding can merge neighbours; drop repeats
            continue
        flat += [ix - px, iy - py]
        px, py, previous = ix, iy, (ix, iy)
    return flat


def _polygons(geometry) -> list:
    parts = geometry.geoms if geometry.geom_type == "MultiPolygon" else [geometry]
    return [
        [_ring(list(p.exterior.coords))] + [_ring(list(r.coords)) for r in p.interiors]
        for p in parts
    ]


def encode(adcodes, geometries) -> bytes:
    """Compact bytes for polygons keyed by adcode (lon/lat degrees, any datum)."""
    features = [[code, _polygons(g)] for code, g in zip(adcodes, geometries, strict=True)]
    return json.dumps({"scale": SCALE, "features": features}, separators=(",", ":")).encode()


def decode(data: bytes) -> dict[str, object]:
    """The inverse of :func:`encode` (for tests): adcode -> shapely (Multi)Polygon."""
    doc = json.loads(data)
    scale = doc["scale"]
    out = {}
    for code, polygons in doc["features"]:
        shapes = []
        for rings in polygons:
            decoded = []
            for flat in rings:
                x = y = 0
                pts = []
                for i in range(0, len(flat), 2):
                    x, y = x + flat[i], y + flat[i + 1]
                    pts.append((x / scale, y / scale))
                decoded.append(pts)
            shapes.append(shapely.Polygon(decoded[0], decoded[1:]))
        out[code] = shapes[0] if len(shapes) == 1 else shapely.MultiPolygon(shapes)
    return out
