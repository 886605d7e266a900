"""The Atlas's store: documents, mentions, canonical records, accounts and the audit trail.

SQLite by default (one file, no setup), PostgreSQL + PostGIS by URL. Open it with
:func:`open_store`, which migrates the schema and fills a new, empty store from a
``data/`` folder; then read and write only through the returned
:class:`~geo.store.repository.Repository`.
"""

from __future__ import annotations

import contextlib
import fcntl
from pathlib import Path

DEFAULT_FILE = "atlas.sqlite"


def default_url(instance_dir: Path) -> str:
    return f"sqlite:///{Path(instance_dir).resolve() / DEFAULT_FILE}"


@contextlib.contextmanager
def _init_lock(repo):
    """One process at a time migrates and fills a store (gunicorn workers start together)."""
    from geo.store.engine import parse_url, sqlite_path

    path = sqlite_path(parse_url(repo.url))
    if repo.dialect == "postgresql":
        with repo.engine.connect() as conn:
            conn.exec_driver_sql("SELECT pg_advisory_lock(7406351)")
            try:
                yield
            finally:
                conn.exec_driver_sql("SELECT pg_advisory_unlock(7406351)")
                conn.commit()
    elif path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path.with_name(path.name + ".lock"), "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)
    else:
        yield


def open_store(url: str, data_dir: Path | None = None, *, migrate: bool = True):
    """The repository at ``url``: schema migrated to the newest revision, and filled
    from ``data_dir`` when the store has no documents and no zones yet."""
    from geo.store import files
    from geo.store import migrate as migrations
    from geo.store.repository import Repository

    repo = Repository.open(url)
    with _init_lock(repo):
        if migrate:
            migrations.upgrade(url, engine=repo.engine)
        if data_dir is not None and repo.is_empty():
            tables = files.read_dir(Path(data_dir))
            tables["annotations"] = _annotations(tables)
            repo.load_rows(tables, actor="system", note=f"filled from {Path(data_dir).name}/")
        else:
            repo.ensure_units()
    return repo


def _annotations(tables: dict) -> list[dict]:
    """Zone names and not-investment figures the extractor sees in the loaded documents."""
    from geo.gazetteer import Gazetteer
    from geo.pipeline import process_text
    from geo.store.records import mention_rows, to_date

    gazetteer = Gazetteer.from_rows(tables.get("zones", []))
    notes = []
    for doc in tables.get("documents", []):
        if not doc.get("text"):
            continue
        when = to_date(doc.get("published") or doc.get("reference_date"))
        result = process_text(doc["text"], doc["doc_id"], gazetteer, when)
        notes += mention_rows(doc["doc_id"], doc["text"], result)[2]
    return notes
