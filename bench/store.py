"""The store: ingest throughput (CLI path and HTTP API, SQLite and PostgreSQL) and the
time from a POST to the article's project showing on another gunicorn worker.

Articles: the 27 documents in data/documents, each made unique with a line of its own
(the store would otherwise recognise the same bytes and skip them), several passes.
Throughput is articles per second over the whole run, medians of 3 runs; it includes
reading, extraction, geocoding, merging and the write transaction with its fsync.
"""

from __future__ import annotations

import http.client
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from ogc import free_port, start, stop

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = ROOT / "data" / "documents"
FIXTURE = ROOT / "tests" / "fixtures" / "dataset"
PASSES = 2
RUNS = 3
VISIBLE_TRIES = 10


def _articles(tag: str) -> list[tuple[str, bytes]]:
    texts = [(p.name, p.read_bytes()) for p in sorted(DOCUMENTS.glob("*.txt"))]
    return [
        (f"{tag}-{n}-{name}", body + f"\n（编号 {tag}-{n}）\n".encode())
        for n in range(PASSES)
        for name, body in texts
    ]


def _cli_path(url: str, tag: str) -> float:
    from geo.store import open_store
    from geo.store.repository import NewDocument

    repo = open_store(url, data_dir=FIXTURE)
    gazetteer = repo.gazetteer()
    articles = _articles(tag)
    started = time.perf_counter()
    for name, body in articles:
        repo.ingest(NewDocument(body, filename=name), actor="bench", gazetteer=gazetteer)
    elapsed = time.perf_counter() - started
    repo.close()
    return len(articles) / elapsed


def _api_path(url: str, tag: str) -> float:
    from webmap import create_app

    app = create_app({"DATABASE_URL": url, "DATA_DIR": FIXTURE, "WRITE_RATE_LIMIT": 0})
    repo = app.extensions["atlas_repo"]
    token = repo.issue_token(repo.add_user(f"bench-{tag}", "editor"))
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    articles = _articles(tag)
    started = time.perf_counter()
    for name, body in articles:
        r = client.post(
            "/api/documents", json={"text": body.decode(), "filename": name}, headers=headers
        )
        assert r.status_code == 201, r.get_json()
    elapsed = time.perf_counter() - started
    repo.close()
    return len(articles) / elapsed


def _throughput(new_url) -> dict:
    out = {}
    for path, fn in (("cli", _cli_path), ("api", _api_path)):
        rates = [fn(new_url(), f"{path}{run}") for run in range(RUNS)]
        out[f"{path} articles/s"] = round(statistics.median(rates), 1)
    return out


def _post_to_visible(tmp: Path) -> dict:
    """gunicorn, 2 workers, one SQLite file: POST to the server, poll until the project
    is in /api/projects.geojson on fresh connections (either worker may answer)."""
    from geo.store import open_store

    url = f"sqlite:///{tmp / 'live.sqlite'}"
    repo = open_store(url, data_dir=FIXTURE)
    token = repo.issue_token(repo.add_user("bench-live", "editor"))
    repo.close()
    port = free_port()
    env = {"ATLAS_DATABASE_URL": url, "ATLAS_DATA_DIR": str(FIXTURE)}
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "-w",
        "2",
        "-b",
        f"127.0.0.1:{port}",
        "webmap:create_app()",
    ]
    proc = start(cmd, env, port, "/api/zones.geojson")
    delays = []
    try:
        for n in range(VISIBLE_TRIES):
            name = f"测绘{n}号储能项目"
            text = f"2月20日，太谷经开区签约总投资{n + 2}亿元的{name}。"
            body = json.dumps({"text": text, "filename": f"live-{n}.txt"}).encode()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            posted = time.perf_counter()
            conn.request(
                "POST",
                "/api/documents",
                body,
                {"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
            )
            assert conn.getresponse().status == 201
            while True:
                probe = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                probe.request("GET", "/api/projects.geojson")
                if name in probe.getresponse().read().decode():
                    break
                time.sleep(0.02)
            delays.append((time.perf_counter() - posted) * 1000)
    finally:
        stop(proc)
    return {
        "post to visible median ms": round(statistics.median(delays)),
        "post to visible max ms": round(max(delays)),
    }


def run() -> dict:
    sys.path.insert(0, str(ROOT))
    from tests import postgres

    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        counter = iter(range(1000))
        sqlite = _throughput(lambda: f"sqlite:///{tmp / f'bench{next(counter)}.sqlite'}")
        results.update({f"sqlite {k}": v for k, v in sqlite.items()})
        if postgres.binaries():
            with postgres.TempPostgres() as pg:
                pg_results = _throughput(pg.new_database)
            results.update({f"postgresql {k}": v for k, v in pg_results.items()})
        else:
            results["postgresql"] = "skipped: PostgreSQL with PostGIS not installed"
        results.update(_post_to_visible(tmp))
    results["articles per run"] = len(_articles("x"))
    results["note"] = os.path.basename(__file__) + ": medians of 3 runs; fsync on (SQLite)"
    return results
