"""Rendered pages: CSP hashes of their inline scripts, brotli/gzip and ETag.

Folium writes its map set-up as inline ``<script>`` blocks, so a nonce-free policy needs
the hashes of exactly the scripts of each rendered page. Pages render deterministically
(``webmap.elements``: the same bytes in every process), are rendered once per normalised
parameter set and kept, with their hashes, in the app's page cache (``webmap.cache``).
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass

from flask import Response

from webmap import compress

_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)


@dataclass(frozen=True)
class Page:
    """A rendered page and what its Content-Security-Policy must allow."""

    encoded: compress.Encoded  # the HTML, its encodings made once on first demand
    script_hashes: tuple[str, ...]
    img_src: tuple[str, ...] = ()
    frame_src: tuple[str, ...] = ()
    embed: bool = False

    @property
    def body(self) -> bytes:
        return self.encoded.data

    @property
    def etag(self) -> str:
        return self.encoded.etag

    @property
    def gz(self) -> bytes:
        return self.encoded.gz

    @property
    def nbytes(self) -> int:
        return self.encoded.nbytes + 64 * len(self.script_hashes)

    @classmethod
    def of(cls, html: str, **kwargs) -> Page:
        hashes = tuple(
            "'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'"
            for s in dict.fromkeys(_INLINE_SCRIPT.findall(html))
        )
        body = html.encode()
        return cls(compress.Encoded(body, hashlib.sha256(body).hexdigest()[:20]), hashes, **kwargs)


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
    """The page as a response: brotli or gzip when accepted, ETag/304, its own CSP."""
    response = compress.send(page.encoded, "text/html", status=status)
    response.headers["Content-Security-Policy"] = csp(page)
    response.headers["Cache-Control"] = "no-cache"  # revalidate: cheap with the ETag
    return response
