"""Compression of everything text-based the app sends: brotli when the client accepts
it, else gzip, else the bytes as they are.

- Cached answers (pages, downloads, OGC responses, boundary layers, static assets) are
  :class:`Encoded`: each encoding made once, on first demand, and kept with the entry,
  so a cached answer costs no compression at all.
- Streamed downloads are compressed chunk by chunk (:func:`stream`).
- Anything else text-based and not yet encoded (review pages, JSON endpoints, errors) is
  compressed on its way out (:func:`register`, an ``after_request`` hook).

Every compressible answer says ``Vary: Accept-Encoding``. brotli (the ``brotli`` PyPI
package, Google's C library) makes text 15-25 % smaller than gzip at a similar cost;
every current browser accepts it.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Iterator

import brotli
from flask import Response, request

GZIP_LEVEL = 6
BROTLI_QUALITY = 5  # dynamic answers: fast, still smaller than gzip -6
BROTLI_STATIC_QUALITY = 11  # static assets: compressed once per process
MIN_BYTES = 256  # smaller bodies gain nothing
TEXT_TYPES = (
    "text/",
    "application/json",
    "application/geo+json",
    "application/schema+json",
    "application/vnd.oai.openapi+json",
    "application/javascript",
    "application/xml",
    "application/vnd.google-earth.kml+xml",
    "image/svg+xml",
)


def compressible(mimetype: str | None) -> bool:
    return bool(mimetype) and mimetype.startswith(TEXT_TYPES)


def accepted() -> str | None:
    """``br`` or ``gzip`` as this request's ``Accept-Encoding`` allows (``q=0`` refuses;
    brotli preferred), else ``None``."""
    offered = request.accept_encodings
    for name in ("br", "gzip"):
        if offered[name] > 0:  # the quality given (a "*" counts), 0 when refused or absent
            return name
    return None


def encode(data: bytes, encoding: str, *, static: bool = False) -> bytes:
    if encoding == "br":
        quality = BROTLI_STATIC_QUALITY if static else BROTLI_QUALITY
        return brotli.compress(data, quality=quality)
    if encoding == "gzip":
        return gzip.compress(data, 9 if static else GZIP_LEVEL, mtime=0)
    return data


class Encoded:
    """Bytes and their encodings, each made on first demand and kept (a benign race at
    worst makes one twice). ``etag`` identifies the content, whatever its encoding."""

    __slots__ = ("data", "etag", "static", "_variants")

    def __init__(self, data: bytes, etag: str, *, static: bool = False):
        self.data = data
        self.etag = etag
        self.static = static
        self._variants: dict[str, bytes] = {}

    def variant(self, encoding: str | None) -> bytes:
        if not encoding:
            return self.data
        found = self._variants.get(encoding)
        if found is None:
            found = self._variants[encoding] = encode(self.data, encoding, static=self.static)
        return found

    @property
    def gz(self) -> bytes:
        return self.variant("gzip")

    @property
    def br(self) -> bytes:
        return self.variant("br")

    @property
    def nbytes(self) -> int:
        # Counted with room for both encodings: the cache holds what it will come to hold.
        return len(self.data) * 3 // 2 + 256


def send(entry: Encoded, mimetype: str, *, status: int = 200) -> Response:
    """``entry`` in the best encoding the client accepts, with its ETag (304 when the
    client has it) and ``Vary: Accept-Encoding``."""
    if request.if_none_match and entry.etag in request.if_none_match:
        response = Response(status=304)
    else:
        encoding = accepted() if compressible(mimetype) else None
        response = Response(entry.variant(encoding), status=status, mimetype=mimetype)
        if encoding:
            response.headers["Content-Encoding"] = encoding
    response.set_etag(entry.etag)
    response.vary.add("Accept-Encoding")
    return response


def stream(chunks: Iterator[bytes], encoding: str | None) -> Iterator[bytes]:
    """``chunks`` compressed on the fly (never an empty chunk: in HTTP/1.1 chunked
    transfer an empty one would end the body)."""
    if encoding == "br":
        compressor = brotli.Compressor(quality=4)
        feed, finish = compressor.process, compressor.finish
    elif encoding == "gzip":
        compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 31)  # 31: gzip framing
        feed, finish = compressor.compress, compressor.flush
    else:
        for chunk in chunks:
            if chunk:
                yield chunk
        return
    for chunk in chunks:
        out = feed(chunk)
        if out:
            yield out
    tail = finish()
    if tail:
        yield tail


def register(app) -> None:
    """Compress what views left unencoded (review pages, JSON, errors) on its way out."""

    @app.after_request
    def compress_response(response: Response) -> Response:
        if (
            response.direct_passthrough
            or response.is_streamed
            or "Content-Encoding" in response.headers
            or not compressible(response.mimetype)
            or response.status_code < 200
            or response.status_code in (204, 304)
        ):
            return response
        response.vary.add("Accept-Encoding")
        encoding = accepted()
        if encoding is None:
            return response
        data = response.get_data()
        if len(data) < MIN_BYTES:
            return response
        response.set_data(encode(data, encoding))
        response.headers["Content-Encoding"] = encoding
        return response
