"""One topology of county arcs, from which the maps draw counties, cities and outlines.

Counties tile their cities exactly (shared vertices), so a per-polygon format sends each
border twice, and a separate city layer sends city borders a third time: the county
choropleth's two layers were 77 KB gzipped. Here each run of border shared by the same
polygons (an *arc*) is stored once, quantised to 1e-4° (the web layer's own precision,
so nothing is lost) and delta-encoded; a county or city is a list of polygons, each a
list of rings, each a list of arc references (TopoJSON's scheme: ``~i``, that is
``-i - 1``, is arc ``i`` walked backwards). A city's rings are derived from its
counties' arcs: the arcs no two of its own counties share, chained end to start::

    {"scale": 10000, "arcs": [[x0, y0, dx1, dy1, ...], ...],
     "county": [[adcode, [[[ref, ...], ...], ...]], ...], "city": [...]}

``atlas.js`` decodes it (``decode(doc, level)``); :func:`decode` here is the inverse for
tests. One file serves the overview, both choropleth levels and every embed.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import shapely

SCALE = 10_000  # 1e-4 degree: the precision of boundaries' web layers

Point = tuple[int, int]


@dataclass(frozen=True)
class Topology:
    arcs: list[list[Point]]  # absolute quantised vertices, each arc from end to end
    county: list[tuple[str, list[list[list[int]]]]]  # adcode -> polygons -> rings -> refs
    city: list[tuple[str, list[list[list[int]]]]]


def _rings(geometry) -> list[list[list[Point]]]:
    """Polygons -> rings (exterior counter-clockwise, holes clockwise) of quantised
    vertices, closing vertex and repeats dropped."""
    geometry = shapely.orient_polygons(geometry)
    parts = geometry.geoms if geometry.geom_type == "MultiPolygon" else [geometry]
    out = []
    for polygon in parts:
        rings = []
        for ring in [polygon.exterior, *polygon.interiors]:
            points: list[Point] = []
            for x, y in ring.coords[:-1]:
                p = (round(x * SCALE), round(y * SCALE))
                if not points or points[-1] != p:
                    points.append(p)
            while len(points) > 1 and points[0] == points[-1]:
                points.pop()
            rings.append(points)
        out.append(rings)
    return out


def _edge(a: Point, b: Point) -> tuple[Point, Point]:
    return (a, b) if a <= b else (b, a)


class _Arcs:
    def __init__(self):
        self.arcs: list[list[Point]] = []
        self._index: dict[tuple, int] = {}

    def ref(self, points: list[Point]) -> int:
        key = tuple(points)
        if key in self._index:
            return self._index[key]
        back = tuple(reversed(points))
        if back in self._index:
            return ~self._index[back]
        self._index[key] = len(self.arcs)
        self.arcs.append(list(points))
        return self._index[key]


def _closed_arc(ring: list[Point]) -> tuple[list[Point], bool]:
    """A ring with no junction as one closed arc, starting at its smallest vertex, in the
    direction that makes it smallest (so the two rings sharing it find one arc), and
    whether the ring walks it backwards."""
    i = ring.index(min(ring))
    forward = ring[i:] + ring[:i]
    backward = [forward[0], *reversed(forward[1:])]
    canonical = min(forward, backward)
    return canonical + [canonical[0]], canonical is not forward


def build(counties, cities) -> Topology:
    """The topology of ``counties`` (a ``boundaries.load("county", ...)`` frame) with
    each city of ``cities`` as rings of county arcs."""
    rings = {
        code: _rings(geom) for code, geom in zip(counties["adcode"], counties.geometry, strict=True)
    }
    owners: dict[tuple[Point, Point], set] = defaultdict(set)
    neighbours: dict[Point, set] = defaultdict(set)
    flat = [
        (code, p, r, ring)
        for code, polys in rings.items()
        for p, poly in enumerate(polys)
        for r, ring in enumerate(poly)
    ]
    for code, p, r, ring in flat:
        for a, b in zip(ring, ring[1:] + ring[:1], strict=True):
            owners[_edge(a, b)].add((code, p, r))
            neighbours[a].add(b)
            neighbours[b].add(a)
    arcs = _Arcs()
    refs = {code: [[] for _ in polys] for code, polys in rings.items()}
    for code, p, _, ring in flat:
        n = len(ring)
        cuts = [i for i in range(n) if _junction(ring, i, owners, neighbours)]
        if not cuts:
            arc, backwards = _closed_arc(ring)
            ref = arcs.ref(arc)
            refs[code][p].append([~ref if backwards else ref])
            continue
        rotated = ring[cuts[0] :] + ring[: cuts[0]]
        stops = [c - cuts[0] for c in cuts] + [n]
        ring_refs = []
        for start, stop in zip(stops, stops[1:], strict=False):
            segment = rotated[start : stop + 1] if stop < n else rotated[start:] + rotated[:1]
            ring_refs.append(arcs.ref(segment))
        refs[code][p].append(ring_refs)
    county = [(code, refs[code]) for code in counties["adcode"]]
    city = [(code, _city_polygons(code, county, arcs.arcs)) for code in cities["adcode"]]
    return Topology(arcs.arcs, county, city)


def _junction(ring: list[Point], i: int, owners, neighbours) -> bool:
    """Does an arc end at vertex ``i``: the polygons on the far side change there, or
    more than two borders meet there (the same answer from every ring through it)."""
    before = owners[_edge(ring[i - 1], ring[i])]
    after = owners[_edge(ring[i], ring[(i + 1) % len(ring)])]
    return before != after or len(neighbours[ring[i]]) > 2


def _ends(ref: int, arcs) -> tuple[Point, Point]:
    arc = arcs[ref] if ref >= 0 else arcs[~ref][::-1]
    return arc[0], arc[-1]


def _city_polygons(city: str, county, arcs) -> list[list[list[int]]]:
    """A city's polygons: its counties' arcs minus those two of its counties share,
    chained into rings, holes put in the exterior that holds them."""
    used: dict[int, int] = defaultdict(int)  # arc -> net uses (+1 forward, -1 backward)
    for code, polygons in county:
        if code[:4] + "00" != city:
            continue
        for polygon in polygons:
            for ring in polygon:
                for ref in ring:
                    used[ref if ref >= 0 else ~ref] += 1 if ref >= 0 else -1
    left = [i if n > 0 else ~i for i, n in sorted(used.items()) if n]
    starting: dict[Point, list[int]] = defaultdict(list)
    for ref in left:
        starting[_ends(ref, arcs)[0]].append(ref)
    rings = []
    pending = set(left)
    for first in left:
        if first not in pending:
            continue
        ring, ref = [], first
        while ref in pending:
            pending.discard(ref)
            ring.append(ref)
            end = _ends(ref, arcs)[1]
            ref = next((r for r in starting[end] if r in pending), None)
            if ref is None:
                break
        rings.append(ring)
    shells, holes = [], []
    for ring in rings:
        coords = _ring_coords(ring, arcs)
        (shells if _signed_area(coords) > 0 else holes).append((ring, coords))
    polygons = [[ring] for ring, _ in shells]
    outlines = [shapely.Polygon(coords) for _, coords in shells]
    for ring, coords in holes:
        inside = shapely.Point(coords[0])
        for k, outline in enumerate(outlines):
            if outline.covers(inside):
                polygons[k].append(ring)
                break
    return polygons


def _ring_coords(ring: list[int], arcs) -> list[Point]:
    out: list[Point] = []
    for ref in ring:
        arc = arcs[ref] if ref >= 0 else arcs[~ref][::-1]
        out.extend(arc if not out else arc[1:])
    return out


def _signed_area(coords: list[Point]) -> float:
    xs = np.array([c[0] for c in coords], dtype=float)
    ys = np.array([c[1] for c in coords], dtype=float)
    return float(np.dot(xs, np.roll(ys, -1)) - np.dot(ys, np.roll(xs, -1))) / 2


def to_gcj02(topo: Topology) -> Topology:
    """The same topology in GCJ-02 (for Gaode tiles): every vertex converted once, so
    shared borders stay shared."""
    from boundaries import datum

    lengths = [len(a) for a in topo.arcs]
    xy = np.array([p for arc in topo.arcs for p in arc], dtype=float) / SCALE
    lon, lat = datum.wgs84_to_gcj02(xy[:, 0], xy[:, 1])
    q = np.column_stack([np.round(lon * SCALE), np.round(lat * SCALE)]).astype(np.int64)
    arcs, start = [], 0
    for length in lengths:
        points = [tuple(map(int, p)) for p in q[start : start + length]]
        start += length
        kept = [points[0]]
        for p in points[1:]:
            if p != kept[-1]:
                kept.append(p)
        arcs.append(kept if len(kept) > 1 else [points[0], points[-1]])
    return Topology(arcs, topo.county, topo.city)


def encode(topo: Topology) -> bytes:
    arcs = []
    for arc in topo.arcs:
        flat, px, py = [], 0, 0
        for x, y in arc:
            flat += [x - px, y - py]
            px, py = x, y
        arcs.append(flat)
    doc = {"scale": SCALE, "arcs": arcs, "county": topo.county, "city": topo.city}
    return json.dumps(doc, separators=(",", ":")).encode()


def decode(data: bytes, level: str) -> dict[str, object]:
    """adcode -> shapely (Multi)Polygon of ``level`` ("county" or "city"), for tests."""
    doc = json.loads(data)
    scale = doc["scale"]
    arcs = []
    for flat in doc["arcs"]:
        x = y = 0
        points = []
        for i in range(0, len(flat), 2):
            x, y = x + flat[i], y + flat[i + 1]
            points.append((x, y))
        arcs.append(points)
    out = {}
    for code, polygons in doc[level]:
        shapes = []
        for rings in polygons:
            coords = [[(x / scale, y / scale) for x, y in _ring_coords(r, arcs)] for r in rings]
            shapes.append(shapely.Polygon(coords[0], coords[1:]))
        out[code] = shapes[0] if len(shapes) == 1 else shapely.MultiPolygon(shapes)
    return out
