"""OGC API – Features Part 1 at ``/ogcapi``: a thin HTTP adapter over ``geo.features``.

Conformance: core, geojson, html, oas30. Every response is built once per distinct
request (path, normalised parameters, negotiated format, data version, base URL) and
cached (``webmap.cache``, bounded by bytes); ETags make repeat requests 304s. Absolute
links start with the ``PUBLIC_BASE_URL`` setting (the request's own URL only when it is
unset). Errors in this blueprint answer ``{"code", "description"}`` as the standard's
examples do.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, render_template, request

from boundaries.errors import AtlasError
from geo import features as gf
from geo import formats
from webmap import assets, compress, live, openapi, provenance

bp = Blueprint("ogcapi", __name__, url_prefix="/ogcapi")

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
]
GEOJSON, JSON, HTML = "application/geo+json", "application/json", "text/html"
OPENAPI_JSON = "application/vnd.oai.openapi+json;version=3.0"
EXPORTS = {  # f= value → (media type, file extension)
    "csv": ("text/csv; charset=utf-8", "csv"),
    "gpkg": ("application/geopackage+sqlite3", "gpkg"),
    "kml": ("application/vnd.google-earth.kml+xml", "kml"),
}


class NotFound(AtlasError):
    status = 404


class NotAcceptable(AtlasError):
    status = 406


@dataclass(frozen=True)
class Cached:
    body: compress.Encoded  # the answer, its brotli/gzip made once on first demand
    mimetype: str
    headers: tuple[tuple[str, str], ...] = ()

    @property
    def etag(self) -> str:
        return self.body.etag

    @property
    def nbytes(self) -> int:
        return self.body.nbytes + 256 + sum(len(k) + len(v) for k, v in self.headers)


def init_app(app) -> None:
    app.register_blueprint(bp)


def _collections() -> dict[str, gf.Collection]:
    """This data version's collections (built with its read model, in ``webmap.live``)."""
    return live.state().collections


def _collection(cid: str) -> gf.Collection:
    try:
        return _collections()[cid]
    except KeyError:
        raise NotFound(f"no collection {cid!r}; collections: {', '.join(_collections())}") from None


# ---------------------------------------------------------------- negotiation and caching


def _format(allowed: tuple[str, ...]) -> str:
    """``f=`` when given (validated), else the Accept header; JSON when in doubt."""
    f = request.args.getlist("f")
    if len(f) > 1:
        raise gf.QueryError("parameter 'f' given more than once")
    if f:
        if f[0] not in allowed:
            raise gf.QueryError(f"f must be one of {', '.join(allowed)}; got {f[0]!r}")
        return f[0]
    best = request.accept_mimetypes.best_match([JSON, GEOJSON, HTML], default=JSON)
    if best == HTML and "html" in allowed:
        return "html"
    return "json"


def _only(*names: str) -> None:
    unknown = sorted(set(request.args) - set(names))
    if unknown:
        raise gf.QueryError(
            f"unknown parameter(s) {', '.join(unknown)}; allowed: {', '.join(names)}"
        )


_HOST = re.compile(
    r"(?:(?:[A-Za-z0-9-]{1,63}\.)*[A-Za-z0-9-]{1,63}|\[[0-9A-Fa-f:.]{2,45}\])(?::[0-9]{1,5})?"
)


def base_url() -> str:
    """Where the API lives, for absolute links: ``PUBLIC_BASE_URL``, else this request's
    scheme and host (checked: a Host header that is not a host name gets a 400)."""
    configured = current_app.config.get("PUBLIC_BASE_URL")
    if configured:
        return configured
    if not _HOST.fullmatch(request.host):
        raise gf.QueryError(f"Host header {request.host[:80]!r} is not a host name")
    return f"{request.scheme}://{request.host.lower()}{request.script_root}"


def _cache_key(fmt: str) -> tuple:
    """What changes an answer: path, normalised parameters, negotiated format, data
    version and the base URL of its links. Never raw headers."""
    args = tuple(sorted((k, v) for k, v in request.args.items(multi=True) if k != "f"))
    version = live.store().data.version
    return (request.path, args, fmt, version, base_url())


def _respond(build, fmt: str) -> Response:
    """Serve from the cache, else ``build() -> (body, mimetype, headers)`` and cache it."""

    def make() -> Cached:
        body, mimetype, headers = build()
        if isinstance(body, str):
            body = body.encode("utf-8")
        etag = hashlib.blake2b(body, digest_size=12).hexdigest()
        return Cached(compress.Encoded(body, etag), mimetype, tuple(headers))

    entry = current_app.extensions["ogc_cache"].get(_cache_key(fmt), make)
    response = compress.send(entry.body, entry.mimetype)
    for name, value in entry.headers:
        response.headers[name] = value
    if entry.mimetype.startswith(HTML):
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'self'; img-src 'self' data:; frame-ancestors 'self'; "
            "base-uri 'none'; form-action 'self'"
        )
    return response


def _json(doc) -> str:
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":"))


def _url(path: str, **params) -> str:
    base = base_url() + "/ogcapi" + path
    params = {k: v for k, v in params.items() if v is not None}
    return base + ("?" + urlencode(params, doseq=True) if params else "")


def _document(fmt: str, template: str, doc: dict, **context):
    """A JSON document, or its HTML rendering when ``fmt`` is html: a ``build()`` result."""
    if fmt == "html":
        return _html(template, doc=doc, **context), HTML, []
    return _json(doc), JSON, []


def _html(template: str, **context) -> str:
    return render_template(
        template,
        css=assets.static_url("atlas.css"),
        as_of=live.store().as_of,
        provenance=provenance.provenance(),
        **context,
    )


# ---------------------------------------------------------------- resources


@bp.route("", strict_slashes=False)
@bp.route("/")
def landing():
    _only("f")
    fmt = _format(("json", "html"))

    def build():
        doc = {
            "title": "山西开发区投资地图 Shanxi Zone Atlas",
            "description": "Development zones, investment projects and '三个一批' figures "
            "from Chinese news, geocoded to Shanxi's administrative units.",
            "links": [
                {"href": _url("/"), "rel": "self", "type": JSON, "title": "This document"},
                {
                    "href": _url("/", f="html"),
                    "rel": "alternate",
                    "type": HTML,
                    "title": "This document as HTML",
                },
                {
                    "href": _url("/api"),
                    "rel": "service-desc",
                    "type": OPENAPI_JSON,
                    "title": "OpenAPI 3.0 definition",
                },
                {
                    "href": _url("/api.html"),
                    "rel": "service-doc",
                    "type": HTML,
                    "title": "API documentation",
                },
                {
                    "href": _url("/conformance"),
                    "rel": "conformance",
                    "type": JSON,
                    "title": "Conformance classes",
                },
                {"href": _url("/collections"), "rel": "data", "type": JSON, "title": "Collections"},
            ],
        }
        return _document(fmt, "ogc_landing.html", doc)

    return _respond(build, fmt)


@bp.route("/conformance")
def conformance():
    _only("f")
    fmt = _format(("json", "html"))

    def build():
        doc = {"conformsTo": CONFORMANCE}
        return _document(fmt, "ogc_conformance.html", doc)

    return _respond(build, fmt)


@bp.route("/api")
def api_document():
    _only("f")
    fmt = _format(("json", "html"))
    if fmt == "html":
        return api_html()
    return _respond(
        lambda: (_json(openapi.document(_collections(), _url(""))), OPENAPI_JSON, []), fmt
    )


@bp.route("/api.html")
def api_html():
    _only("f")
    return _respond(
        lambda: (_html("ogc_api.html", doc=openapi.document(_collections(), _url(""))), HTML, []),
        "html",
    )


def _collection_doc(c: gf.Collection) -> dict:
    links = [
        {"href": _url(f"/collections/{c.id}"), "rel": "self", "type": JSON, "title": c.title},
        {
            "href": _url(f"/collections/{c.id}", f="html"),
            "rel": "alternate",
            "type": HTML,
            "title": f"{c.title} (HTML)",
        },
        # No query string: GDAL appends ?limit= and /{featureId} to this href.
        {
            "href": _url(f"/collections/{c.id}/items"),
            "rel": "items",
            "type": GEOJSON,
            "title": f"{c.title_en} (GeoJSON)",
        },
        {
            "href": _url(f"/collections/{c.id}/items", f="html"),
            "rel": "items",
            "type": HTML,
            "title": f"{c.title_en} (HTML)",
        },
        {
            "href": _url(f"/collections/{c.id}/queryables"),
            "rel": "http://www.opengis.net/def/rel/ogc/1.0/queryables",
            "type": "application/schema+json",
            "title": "Queryables",
        },
    ]
    for f, (mime, _) in EXPORTS.items():
        links.append(
            {
                "href": _url(f"/collections/{c.id}/items", f=f),
                "rel": "enclosure",
                "type": mime,
                "title": f"Download as {f.upper()}",
            }
        )
    extent = {
        "spatial": {
            "bbox": [c.bbox] if c.bbox else [[110.2, 34.5, 114.6, 40.8]],
            "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
        }
    }
    if c.interval:
        extent["temporal"] = {
            "interval": [c.interval],
            "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian",
        }
    return {
        "id": c.id,
        "title": f"{c.title} {c.title_en}",
        "description": f"{c.description} {c.description_en}",
        "extent": extent,
        "itemType": "feature",
        "crs": ["http://www.opengis.net/def/crs/OGC/1.3/CRS84"],
        "links": links,
    }


@bp.route("/collections")
def collections():
    _only("f")
    fmt = _format(("json", "html"))

    def build():
        doc = {
            "links": [
                {"href": _url("/collections"), "rel": "self", "type": JSON},
                {"href": _url("/collections", f="html"), "rel": "alternate", "type": HTML},
            ],
            "collections": [_collection_doc(c) for c in _collections().values()],
        }
        return _document(fmt, "ogc_collections.html", doc)

    return _respond(build, fmt)


@bp.route("/collections/<cid>")
def collection(cid: str):
    _only("f")
    c = _collection(cid)
    fmt = _format(("json", "html"))

    def build():
        doc = _collection_doc(c)
        return _document(fmt, "ogc_collection.html", doc, collection=c)

    return _respond(build, fmt)


@bp.route("/collections/<cid>/queryables")
def queryables(cid: str):
    _only("f")
    c = _collection(cid)
    fmt = _format(("json",))
    return _respond(
        lambda: (
            _json(openapi.queryables_schema(c, _url(f"/collections/{cid}/queryables"))),
            "application/schema+json",
            [],
        ),
        fmt,
    )


def _page_links(c: gf.Collection, query: gf.ItemsQuery, matched: int, fmt: str) -> list[dict]:
    args = {k: v for k, v in request.args.items(multi=True) if k not in ("offset", "f")}
    path = f"/collections/{c.id}/items"

    def link(rel, mime, f=None, offset=query.offset):
        return {"href": _url(path, **args, offset=offset or None, f=f), "rel": rel, "type": mime}

    links = [
        link("self", GEOJSON if fmt == "json" else HTML, None if fmt == "json" else "html"),
        link("alternate", HTML if fmt == "json" else GEOJSON, "html" if fmt == "json" else "json"),
        {"href": _url(f"/collections/{c.id}"), "rel": "collection", "type": JSON},
    ]
    if query.offset + query.limit < matched:
        links.append(link("next", GEOJSON, None, query.offset + query.limit))
    if query.offset > 0:
        links.append(link("prev", GEOJSON, None, max(0, query.offset - query.limit)))
    return links


@bp.route("/collections/<cid>/items")
def items(cid: str):
    c = _collection(cid)
    fmt = _format(("json", "html", *EXPORTS))
    default_limit = gf.MAX_LIMIT if fmt in EXPORTS else gf.DEFAULT_LIMIT
    args = {k: request.args.getlist(k) for k in request.args}
    query = gf.parse_items_query(args, c, default_limit=default_limit)

    def build():
        selected = _selection(c, query)
        rows = selected.page(query.offset, query.limit)
        if fmt in EXPORTS:
            return _export(c, [c.feature(int(i)) for i in rows], fmt)
        links = _page_links(c, query, selected.count, fmt)
        if fmt == "html":
            return (
                _html(
                    "ogc_items.html",
                    collection=c,
                    features=[c.feature(int(i)) for i in rows],
                    matched=selected.count,
                    links=links,
                    query=query,
                ),
                HTML,
                [],
            )
        # No timeStamp: responses are cached and the data only change with a new release.
        head = _json(
            {
                "type": "FeatureCollection",
                "numberMatched": selected.count,
                "numberReturned": len(rows),
                "links": links,
                # A foreign member (RFC 7946 §6.1): the file says where it comes from.
                "provenance": provenance.provenance().as_dict(),
            }
        ).encode()
        body = head[:-1] + b',"features":[' + c.page_json(rows) + b"]}"
        return body, GEOJSON, provenance.headers()

    return _respond(build, fmt)


def _selection(c: gf.Collection, query: gf.ItemsQuery) -> gf.Selection:
    """The rows a query selects, kept per data version and query (paging aside): the
    pages of one crawl reuse it, so each page costs its own rows only."""
    key = gf.selection_key(query)
    if key == gf.selection_key(gf.ItemsQuery()):
        return gf.select(c, query)  # no filter: nothing to scan, nothing to keep
    version = live.store().data.version
    cache = current_app.extensions["ogc_selections"]
    return cache.get((version, c.id, key), lambda: gf.select(c, query))


def _export(c: gf.Collection, page: list, fmt: str):
    prov = provenance.provenance()
    mime, ext = EXPORTS[fmt]
    point = c.id in ("zones", "projects")
    if fmt == "csv":
        body = formats.csv_bytes(page, "point" if point else "wkt")
    elif fmt == "gpkg":
        body = formats.gpkg_bytes(page, c.id, prov)
    else:
        body = formats.kml_bytes(page, f"{c.title} {c.title_en}", prov)
    disposition = ("Content-Disposition", f'attachment; filename="shanxi-atlas-{c.id}.{ext}"')
    return body, mime, [disposition, *provenance.headers()]


@bp.route("/collections/<cid>/items/<fid>")
def item(cid: str, fid: str):
    _only("f")
    c = _collection(cid)
    fmt = _format(("json", "html"))
    feature = c.by_id.get(fid)
    if feature is None:
        raise NotFound(f"no feature {fid!r} in collection {cid!r}")

    def build():
        links = [
            {"href": _url(f"/collections/{cid}/items/{fid}"), "rel": "self", "type": GEOJSON},
            {
                "href": _url(f"/collections/{cid}/items/{fid}", f="html"),
                "rel": "alternate",
                "type": HTML,
            },
            {"href": _url(f"/collections/{cid}"), "rel": "collection", "type": JSON},
        ]
        if fmt == "html":
            return _html("ogc_item.html", collection=c, feature=feature, links=links), HTML, []
        return feature.json[:-1] + ',"links":' + _json(links) + "}", GEOJSON, []

    return _respond(build, fmt)


# ---------------------------------------------------------------- errors


@bp.errorhandler(AtlasError)
def _atlas_error(exc: AtlasError):
    code = {400: "InvalidParameterValue", 404: "NotFound", 406: "NotAcceptable"}.get(
        exc.status, "Error"
    )
    body = _json({"code": code, "description": str(exc)})
    return Response(body, status=exc.status, mimetype=JSON)
