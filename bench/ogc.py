"""OGC API – Features side by side: the Atlas against pygeoapi 0.21 on the same layers.

Method: the Atlas's own GeoJSON exports of the county (117 polygons) and zone layers
feed pygeoapi's GeoJSON provider. Both servers run under gunicorn with 2 workers on
127.0.0.1. Runs alternate between the two servers round by round so drift in machine
load hits both alike. Latency: sequential keep-alive requests, median and p95 per URL.
Throughput: ``wrk`` (Debian) for a fixed duration with a bounded connection count.
pygeoapi lives in its own venv (``PYGEOAPI_VENV``, made by ``make bench``).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYGEOAPI_VENV = Path(os.environ.get("PYGEOAPI_VENV", ROOT / ".venv-bench"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
LATENCY_REQUESTS = int(os.environ.get("BENCH_REQUESTS", "60"))
WRK_SECONDS = int(os.environ.get("BENCH_WRK_SECONDS", "5"))

PYGEOAPI_CONFIG = """
server:
  bind: {{host: 127.0.0.1, port: {port}}}
  url: http://127.0.0.1:{port}
  mimetype: application/json; charset=UTF-8
  encoding: utf-8
  languages: [en-US]
  pretty_print: false
  limits: {{default_items: 10, max_items: 10000}}
  map: {{url: "https://tile.openstreetmap.org/{{z}}/{{x}}/{{y}}.png", attribution: OSM}}
logging: {{level: ERROR}}
metadata:
  identification:
    title: bench
    description: bench
    keywords: [bench]
    keywords_type: theme
    terms_of_service: https://creativecommons.org/licenses/by/4.0/
    url: http://example.org
  license: {{name: CC-BY 4.0, url: "https://creativecommons.org/licenses/by/4.0/"}}
  provider: {{name: bench, url: "http://example.org"}}
  contact: {{name: bench, email: bench@example.org}}
resources:
  counties:
    type: collection
    title: counties
    description: Shanxi counties
    keywords: [counties]
    extents: {{spatial: {{bbox: [110, 34, 115, 41], crs: "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}}}}
    providers:
      - {{type: feature, name: GeoJSON, data: {counties}, id_field: adcode}}
  zones:
    type: collection
    title: zones
    description: Shanxi development zones
    keywords: [zones]
    extents: {{spatial: {{bbox: [110, 34, 115, 41], crs: "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}}}}
    providers:
      - {{type: feature, name: GeoJSON, data: {zones}, id_field: zone_id}}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, path: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"server on port {port} did not answer {path}")


def export_layers(folder: Path) -> dict[str, Path]:
    """The Atlas's own GeoJSON of counties and zones, as files for pygeoapi."""
    from webmap import create_app

    client = create_app().test_client()
    paths = {}
    for cid in ("counties", "zones"):
        doc = json.loads(client.get(f"/ogcapi/collections/{cid}/items?limit=10000").data)
        doc = {"type": "FeatureCollection", "features": doc["features"]}
        paths[cid] = folder / f"{cid}.geojson"
        paths[cid].write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return paths


def start(cmd: list[str], env: dict, port: int, probe: str) -> subprocess.Popen:
    proc = subprocess.Popen(
        cmd,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_for(port, probe)
    except RuntimeError:
        stop(proc)
        raise
    return proc


def stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


def latencies(port: int, path: str, n: int) -> list[float]:
    """Sequential requests on one keep-alive connection; milliseconds each."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    times = []
    for _ in range(n):
        start = time.perf_counter()
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        times.append((time.perf_counter() - start) * 1000)
        if response.status != 200 or (len(body) < 1000 and "limit=1000" in path):
            raise RuntimeError(f"{path} answered {response.status}")
    conn.close()
    return times


def wrk(port: int, path: str, seconds: int) -> float:
    """Requests per second from wrk with 2 threads and 8 connections."""
    out = subprocess.run(
        ["wrk", "-t2", "-c8", f"-d{seconds}s", f"http://127.0.0.1:{port}{path}"],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
    ).stdout
    if "Non-2xx" in out or "Socket errors" in out:
        raise RuntimeError(f"wrk saw failed requests on {path}:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def run() -> dict:
    gunicorn_pg = PYGEOAPI_VENV / "bin" / "gunicorn"
    if not gunicorn_pg.exists():
        return {"skipped": f"pygeoapi venv missing at {PYGEOAPI_VENV} (make bench creates it)"}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        layers = export_layers(folder)
        pg_port, atlas_port = free_port(), free_port()
        cfg = folder / "pygeoapi.yml"
        cfg.write_text(
            PYGEOAPI_CONFIG.format(port=pg_port, **{k: str(v) for k, v in layers.items()}),
            encoding="utf-8",
        )
        openapi = folder / "openapi.yml"
        subprocess.run(
            [
                str(PYGEOAPI_VENV / "bin" / "pygeoapi"),
                "openapi",
                "generate",
                str(cfg),
                "--output-file",
                str(openapi),
            ],
            check=True,
            capture_output=True,
            env={**os.environ, "PYGEOAPI_CONFIG": str(cfg)},
        )
        pg_env = {"PYGEOAPI_CONFIG": str(cfg), "PYGEOAPI_OPENAPI": str(openapi)}
        commands = {
            "pygeoapi": (
                [
                    str(gunicorn_pg),
                    "-w",
                    "2",
                    "-b",
                    f"127.0.0.1:{pg_port}",
                    "pygeoapi.flask_app:APP",
                ],
                pg_env,
                pg_port,
                "/collections",
                "/collections/{c}/items{q}",
                "f=json",
            ),
            "atlas": (
                [
                    str(Path(sys.executable).with_name("gunicorn")),
                    "-w",
                    "2",
                    "-b",
                    f"127.0.0.1:{atlas_port}",
                    "webmap:create_app()",
                ],
                {},
                atlas_port,
                "/ogcapi/collections",
                "/ogcapi/collections/{c}/items{q}",
                "",
            ),
        }
        procs, servers = [], {}
        try:
            for name, (cmd, env, port, probe, template, extra) in commands.items():
                procs.append(start(cmd, env, port, probe))
                servers[name] = (procs[-1], port, template, extra)
            return measure(servers)
        finally:
            for proc in procs:
                stop(proc)


def _url(template: str, collection: str, tail: str, extra: str) -> str:
    query = "&".join(p for p in (tail.lstrip("?"), extra) if p)
    if tail.startswith("/"):
        return template.format(c=collection, q=tail) + (f"?{extra}" if extra else "")
    return template.format(c=collection, q="?" + query if query else "")


def measure(servers: dict) -> dict:
    cases = {
        "counties limit=1000": ("counties", "?limit=1000"),
        "counties one item": ("counties", "/140703"),
        "zones limit=1000": ("zones", "?limit=1000"),
        "zones one item": ("zones", "/taigu-etdz"),
    }
    lat: dict = {(s, c): [] for s in servers for c in cases}
    rps: dict = {(s, c): [] for s in servers for c in ("counties limit=1000", "counties one item")}
    for _, port, template, extra in servers.values():  # warm both, untimed
        for collection, tail in cases.values():
            latencies(port, _url(template, collection, tail, extra), 5)
    have_wrk = shutil.which("wrk") is not None
    for _ in range(ROUNDS):
        for name, (_, port, template, extra) in servers.items():
            for case, (collection, tail) in cases.items():
                lat[(name, case)] += latencies(
                    port, _url(template, collection, tail, extra), LATENCY_REQUESTS
                )
            if have_wrk:
                for case in ("counties limit=1000", "counties one item"):
                    collection, tail = cases[case]
                    rps[(name, case)].append(
                        wrk(port, _url(template, collection, tail, extra), WRK_SECONDS)
                    )
    result = {
        **_atlas_pages(servers["atlas"][1]),
        "rounds": ROUNDS,
        "requests_per_case_per_round": LATENCY_REQUESTS,
        "wrk_seconds": WRK_SECONDS if have_wrk else "wrk missing",
    }
    for (name, case), values in lat.items():
        result[f"{name} {case} median ms"] = round(statistics.median(values), 2)
        result[f"{name} {case} p95 ms"] = round(p95(values), 2)
    for (name, case), values in rps.items():
        if values:
            result[f"{name} {case} req/s (median of rounds)"] = round(statistics.median(values), 1)
    for case in ("counties limit=1000", "counties one item"):
        a, p = rps.get(("atlas", case)), rps.get(("pygeoapi", case))
        if a and p:
            result[f"throughput ratio atlas/pygeoapi, {case}"] = round(
                statistics.median(a) / statistics.median(p), 1
            )
    return result


# The web map's own pages and layers through the same real socket (the web section
# measures them through the Flask test client): warm, so served from the page cache.
ATLAS_PAGES = {
    "page: county choropleth": "/choropleth?level=county&metric=investment",
    "page: overview": "/",
    "geojson: /api/boundaries/county.geojson": "/api/boundaries/county.geojson",
    "geojson: /api/projects.geojson?stage=signed": "/api/projects.geojson?stage=signed",
}


def _atlas_pages(port: int) -> dict:
    result = {}
    for label, path in ATLAS_PAGES.items():
        for _ in range(6):  # new connections reach both gunicorn workers: warm each cache
            latencies(port, path, 2)
        values = []
        for _ in range(ROUNDS):
            values += latencies(port, path, LATENCY_REQUESTS)
        result[f"atlas {label} median ms"] = round(statistics.median(values), 2)
        result[f"atlas {label} p95 ms"] = round(p95(values), 2)
    return result


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key}: {value}")
