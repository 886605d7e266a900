"""Rendered pages: CSP hashes of their inline scripts, gzip, ETag, and an LRU cache.

Folium writes its map set-up as inline ``<script>`` blocks with random element ids, so a
nonce-free policy needs the hashes of exactly the scripts of each rendered page. Pages are
rendered once per normalised parameter set and kept, with their hashes, in the cache.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from flask import Response, request

_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


@dataclass(frozen=True)
class Page:
    """A rendered page and what its Content-Security-Policy must allow."""

    body: bytes
    gz: bytes
    etag: str
    script_hashes: tuple[str, ...]
    img_src: tuple[str, ...] = ()
    frame_src: tuple[str, ...] = ()
    embed: bool = False

    @classmethod
    def of(cls, html: str, **kwargs) -> Page:
        hashes = tuple(
            "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
            for s in dict.fromkeys(_INLINE_SCRIPT.findall(html))
        )
        body = html.encode()
        return cls(
            body,
            gzip.compress(body, 6, mtime=0),
            hashlib.sha256(body).hexdigest()[:20],
            hashes,
            **kwargs,
        )


def csp(page: Page | None = None) -> str:
    """The policy for a page (or, without one, for any other response)."""
    if page is None:
        return "default-src 'none'; frame-ancestors 'self'; base-uri 'none'"
    directives = [
        "default-src 'none'",
        " ".join(["script-src 'self'", *page.script_hashes]),
        # Leaflet positions every tile and marker with inline styles; style cannot run script.
        "style-src 'self' 'unsafe-inline'",
        " ".join(["img-src 'self' data:", *page.img_src]),
        "connect-src 'self'",
        "font-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors *" if page.embed else "frame-ancestors 'self'",
    ]
    if page.frame_src:
        directives.append(" ".join(["frame-src", *page.frame_src]))
    return "; ".join(directives)


def respond(page: Page, status: int = 200) -> Response:
    """The page as a response: gzip when accepted, ETag/304, its own CSP."""
    if request.if_none_match and page.etag in request.if_none_match:
        response = Response(status=304)
    elif "gzip" in request.headers.get("Accept-Encoding", ""):
        response = Response(page.gz, status=status, mimetype="text/html")
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = Response(page.body, status=status, mimetype="text/html")
    response.headers["Vary"] = "Accept-Encoding"
    response.set_etag(page.etag)
    response.headers["Content-Security-Policy"] = csp(page)
    response.headers["Cache-Control"] = "no-cache"  # revalidate: cheap with the ETag
    return response


class PageCache:
    """A thread-safe LRU of rendered pages keyed by route and normalised parameters."""

    def __init__(self, size: int = 256):
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key, build: Callable[[], Page]) -> Page:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
        page = build()  # outside the lock: rendering takes tens of milliseconds
        with self._lock:
            self.misses += 1
            self._items[key] = page
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return page

    def __len__(self) -> int:
        return len(self._items)
