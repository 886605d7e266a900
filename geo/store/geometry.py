"""A geometry column that is PostGIS on PostgreSQL and WKB in a BLOB on SQLite.

GeoAlchemy2 needs SpatiaLite loaded into SQLite for the same type, a system library that
the default, no-setup store must not require; this ~40-line type gives QGIS real
``geometry(POINT, 4326)`` columns on PostGIS and plain WKB everywhere else. Values in
and out are shapely geometries (WGS-84 lon/lat), ``None`` for "no location".
"""

from __future__ import annotations

import shapely
from sqlalchemy import LargeBinary
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction
from sqlalchemy.types import TypeDecorator, UserDefinedType

SRID = 4326


class _PostGIS(UserDefinedType):
    cache_ok = True

    def __init__(self, kind: str):
        self.kind = kind

    def get_col_spec(self, **kw) -> str:
        return f"geometry({self.kind}, {SRID})"


class _FromWKB(GenericFunction):
    name = "atlas_from_wkb"
    inherit_cache = True


class _ToWKB(GenericFunction):
    name = "atlas_to_wkb"
    inherit_cache = True


@compiles(_FromWKB)
def _from_wkb_plain(element, compiler, **kw):
    return compiler.process(element.clauses, **kw)


@compiles(_FromWKB, "postgresql")
def _from_wkb_pg(element, compiler, **kw):
    return f"ST_GeomFromWKB({compiler.process(element.clauses, **kw)}, {SRID})"


@compiles(_ToWKB)
def _to_wkb_plain(element, compiler, **kw):
    return compiler.process(element.clauses, **kw)


@compiles(_ToWKB, "postgresql")
def _to_wkb_pg(element, compiler, **kw):
    return f"ST_AsBinary({compiler.process(element.clauses, **kw)})"


class Geometry(TypeDecorator):
    """``Geometry("POINT")`` / ``Geometry("MULTIPOLYGON")``: shapely in, shapely out."""

    impl = LargeBinary
    cache_ok = True

    def __init__(self, kind: str = "GEOMETRY"):
        super().__init__()
        self.kind = kind

    def load_dialect_impl(self, dialect):
        if dialect.name == "postgresql":
            return dialect.type_descriptor(_PostGIS(self.kind))
        return dialect.type_descriptor(LargeBinary())

    def bind_expression(self, bindvalue):
        return _FromWKB(bindvalue, type_=self)

    def column_expression(self, column):
        return _ToWKB(column, type_=self)

    def process_bind_param(self, value, dialect):
        if value is None or value.is_empty:
            return None
        return shapely.to_wkb(value)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return shapely.from_wkb(bytes(value))
