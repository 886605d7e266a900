"""One URL renders to the same bytes in every process: one ETag, one CSP per page."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.webmap.conftest import FIXTURE_DATA

URLS = [
    "/",
    "/?lang=en",
    "/choropleth?level=county",
    "/embed/overview",
    "/embed/choropleth?metric=projects",
    "/zones/Z001",
    "/places/140100",
    "/embed",
]
SCRIPT = """
import json, sys
from webmap import create_app
app = create_app({"TESTING": True, "DATA_DIR": sys.argv[1]})
client = app.test_client()
out = {}
for url in json.loads(sys.argv[2]):
    r = client.get(url)
    out[url] = [r.status_code, r.headers["ETag"], r.headers["Content-Security-Policy"]]
print(json.dumps(out))
"""


def _render(seed: str) -> dict:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(FIXTURE_DATA), json.dumps(URLS)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=300,
    )
    return json.loads(proc.stdout)


def test_two_processes_render_identical_pages():
    first, second = _render("1"), _render("2")
    assert all(v[0] == 200 for v in first.values())
    assert first == second


def test_rendering_twice_in_one_process_gives_the_same_page(app):
    from webmap import views

    with app.test_request_context("/"):
        p = views.parse("overview")
        a = views.overview_page(p, False)
        b = views.overview_page(p, False)
    assert a.body == b.body and a.etag == b.etag
