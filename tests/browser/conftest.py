"""Real-browser fixtures: the app on a loopback port, Debian's chromium through Playwright.

Everything skips cleanly when Playwright or chromium is missing. Each page records console
errors, page errors, dialogs and requests; a test fails on any console or page error.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest

try:
    from playwright import sync_api as playwright_api
except ImportError:  # the browser fixture skips; collection must not fail
    playwright_api = None

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
FIXTURE_DATA = Path(__file__).resolve().parent.parent / "fixtures" / "dataset"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


class Server:
    """A WSGI app served by werkzeug in a daemon thread on 127.0.0.1 and a free port."""

    def __init__(self, app):
        from werkzeug.serving import make_server

        self.httpd = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="session")
def atlas():
    from webmap import create_app

    server = Server(create_app({"DATA_DIR": FIXTURE_DATA, "DEFAULT_BASEMAP": "none"}))
    yield server
    server.close()


@pytest.fixture(scope="session")
def browser():
    if playwright_api is None:
        pytest.skip("playwright not installed")
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium not installed")
    pw = playwright_api.sync_playwright().start()
    try:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    except Exception as exc:  # a broken chromium is an environment problem, not a failure
        pw.stop()
        pytest.skip(f"chromium does not start: {exc}")
    yield browser
    browser.close()
    pw.stop()


class Watched:
    """A page plus what it did: console errors, page errors, dialogs, request URLs."""

    def __init__(self, page):
        self.page = page
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("dialog", self._dialog)
        page.on("request", lambda r: self.requests.append(r.url))

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, url: str):
        self.page.goto(url)
        self.page.wait_for_selector("html[data-atlas-ready='1']", state="attached", timeout=15_000)
        return self.page


@pytest.fixture
def watched(browser):
    context = browser.new_context(viewport={"width": 1100, "height": 800})
    w = Watched(context.new_page())
    yield w
    context.close()
    assert not w.errors, w.errors
    assert not w.dialogs, w.dialogs


# ---------------------------------------------------------------- accessibility (axe-core)

AXE = Path(__file__).resolve().parents[2] / ".npm" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page) -> list[tuple]:
    """axe-core's WCAG 2.2 AA violations on ``page`` as (rule, impact, first targets).

    Skips the test when axe-core is missing (``make test`` installs it with npm into
    ``.npm/``). The page's context must bypass CSP (axe runs as an injected script).
    """
    if not AXE.exists():
        pytest.skip("axe-core not installed (make test runs npm install --prefix .npm axe-core@4)")
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return [
        (v["id"], v["impact"], [n["target"] for n in v["nodes"]][:5]) for v in result["violations"]
    ]
