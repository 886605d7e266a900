"""What a real Chromium transfers for a page: every response's encoded bytes (headers
and compressed body, as DevTools' "transferred" column), from an empty cache.

Uses the Chrome DevTools Protocol through Playwright (``Network.loadingFinished``'s
``encodedDataLength``); tiles are left out by loading pages with ``basemap=none``.
Shared by the scale benchmark and the browser tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlparse


@dataclass
class Transfer:
    total: int = 0  # bytes over the wire, every response of the page
    by_path: dict[str, int] = field(default_factory=dict)
    encodings: dict[str, str | None] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)

    def kb(self) -> float:
        return round(self.total / 1024, 1)


def transfer(browser, url: str, *, ready: str = "html[data-atlas-ready='1']") -> Transfer:
    """Load ``url`` in a new browser context (empty cache) and add up what came over."""
    context = browser.new_context(viewport={"width": 1100, "height": 800})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    urls: dict[str, str] = {}
    encodings: dict[str, str | None] = {}
    sizes: dict[str, int] = {}

    def response(event):
        urls[event["requestId"]] = event["response"]["url"]
        headers = {k.lower(): v for k, v in event["response"]["headers"].items()}
        encodings[event["requestId"]] = headers.get("content-encoding")

    cdp.on(
        "Network.requestWillBeSent", lambda e: urls.setdefault(e["requestId"], e["request"]["url"])
    )
    cdp.on("Network.responseReceived", response)
    cdp.on(
        "Network.loadingFinished",
        lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]),
    )
    try:
        page.goto(url)
        if ready:
            page.wait_for_selector(ready, state="attached", timeout=30_000)
        page.wait_for_load_state("networkidle")
    finally:
        result = Transfer()
        for rid, size in sizes.items():
            target = urls.get(rid, "?")
            if target.startswith("data:"):
                continue
            path = urlparse(target).path
            result.total += int(size)
            result.by_path[path] = result.by_path.get(path, 0) + int(size)
            result.encodings[path] = encodings.get(rid)
            result.requests.append(target)
        context.close()
    return result
