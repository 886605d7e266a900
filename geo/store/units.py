"""The administrative units table: polygons that aggregate figures refer to by adcode.

Filled once from the web-resolution boundary layers, so a GIS user can join ``batches``
(and anything else carrying an adcode) to a geometry inside the database itself.
"""

from __future__ import annotations

from sqlalchemy import func, insert, select
from sqlalchemy.engine import Connection

from geo.store import schema as s


def load(conn: Connection) -> int:
    """Insert every unit when the table is empty; returns how many were inserted."""
    if conn.scalar(select(func.count()).select_from(s.units)):
        return 0
    import shapely

    import boundaries

    rows = []
    for level in boundaries.LEVELS:
        frame = boundaries.load(level, "web")
        for r in frame.itertuples():
            geom = r.geometry
            if geom.geom_type == "Polygon":
                geom = shapely.MultiPolygon([geom])
            rows.append(
                {
                    "adcode": r.adcode,
                    "name": r.name,
                    "name_en": getattr(r, "name_en", None),
                    "level": r.level,
                    "parent_adcode": r.parent_adcode or None,
                    "geom": geom,
                }
            )
    conn.execute(insert(s.units), rows)
    return len(rows)
