"""``sxmap db backup``: a consistent copy of a live store.

SQLite: the online backup API copies pages while readers and the writer go on, and
restarts the copy if a write lands meanwhile, so the file is one committed state.
PostgreSQL: ``pg_dump`` in custom format (one snapshot transaction); restore with
``pg_restore``.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from geo.store.engine import StoreError, parse_url, sqlite_path


def backup(repo, target: Path) -> None:
    target = Path(target)
    if target.exists():
        raise StoreError(f"{target} exists already: choose a new file name")
    work = target.with_name(f".{target.name}.partial")
    try:
        if repo.dialect == "sqlite":
            _sqlite(repo, work)
        else:
            _pg_dump(repo.url, work)
        os.replace(work, target)
    finally:
        if work.exists():
            work.unlink()


def _sqlite(repo, work: Path) -> None:
    source_path = sqlite_path(parse_url(repo.url))
    raw = repo.engine.raw_connection()
    try:
        copy = sqlite3.connect(work)
        try:
            raw.driver_connection.backup(copy)
        finally:
            copy.close()
    finally:
        raw.close()
    if source_path is not None:
        shutil.copymode(source_path, work)


def _pg_dump(url: str, work: Path) -> None:
    parsed = parse_url(url)
    if shutil.which("pg_dump") is None:
        raise StoreError("pg_dump is not installed (Debian: postgresql-client)")
    plain = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    done = subprocess.run(
        ["pg_dump", "--format=custom", f"--file={work}", f"--dbname={plain}"],
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if done.returncode != 0:
        raise StoreError(f"pg_dump failed: {done.stderr.strip()[:300]}")
