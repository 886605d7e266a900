"""Schemathesis with every check (``--checks all``) against our own OpenAPI document.

The CLI run covers what the issue asks for: the coverage phase (boundary and invalid
values of every parameter), positive and negative fuzzing (schema-valid data must be
accepted, schema-invalid data rejected), stateful links, undeclared methods (405 with
``Allow``), and response status, content type, headers and schema conformance. One real
feature id per collection lets the single-feature paths be tested beyond 404s.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

pytest.importorskip("schemathesis")

ST = Path(sys.executable).with_name("schemathesis")
FEATURE_IDS = {
    "zones": "taigu-etdz",
    "counties": "140105",
    "cities": "140100",
    "province": "140000",
}


@pytest.fixture
def server(ogc_app):
    """Its own server: the shared one's request log belongs to the GDAL tests."""
    httpd = make_server("127.0.0.1", 0, ogc_app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


def test_api_passes_every_schemathesis_check(server, ogc_app, tmp_path):
    if not ST.exists():
        pytest.skip("schemathesis CLI not installed beside this python")
    base = server
    collections = ogc_app.extensions["atlas_live"].state.collections
    ids = dict(FEATURE_IDS)
    for cid in ("projects", "batches"):
        if collections[cid].features:
            ids[cid] = collections[cid].features[0].id
    config = tmp_path / "schemathesis.toml"
    config.write_text(
        "".join(
            f'[[operations]]\ninclude-path = "/collections/{cid}/items/{{featureId}}"\n'
            f'parameters = {{ featureId = "{fid}" }}\n\n'
            for cid, fid in ids.items()
        ),
        encoding="utf-8",
    )
    proc = subprocess.run(
        [
            str(ST), "--config-file", str(config), "run", f"{base}/ogcapi/api",
            "--url", f"{base}/ogcapi", "--checks", "all", "--max-examples", "25",
            "--seed", "20251201", "--no-color",
        ],
        capture_output=True, text=True, cwd=tmp_path, timeout=900,
    )  # fmt: skip
    report = proc.stdout[-6000:] + proc.stderr[-2000:]
    assert proc.returncode == 0, report
    assert " passed" in proc.stdout and "failures" not in proc.stdout.split("SUMMARY")[-1], report
