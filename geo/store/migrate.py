"""Schema migrations (Alembic), applied so that a failure never leaves a half-migrated store.

- PostgreSQL: DDL is transactional, so the whole upgrade commits or rolls back.
- A SQLite file: the upgrade runs on a consistent copy (the backup API, taken while the
  database is locked against writers), and the copy replaces the original only once every
  step has succeeded; until then the original is untouched.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from geo.store.engine import StoreError, make_engine, parse_url, sqlite_path

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _config(connection=None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def head() -> str:
    return ScriptDirectory.from_config(_config()).get_current_head()


def revisions() -> list[str]:
    """Every revision, oldest first."""
    script = ScriptDirectory.from_config(_config())
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def current(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _upgrade_in_place(engine: Engine, target: str) -> None:
    with engine.begin() as conn:
        command.upgrade(_config(conn), target)


def upgrade(url: str, target: str = "head", engine: Engine | None = None) -> tuple[str | None, str]:
    """Migrate the database at ``url`` to ``target``; returns (from, to) revisions."""
    engine = engine or make_engine(url)
    before = current(engine)
    wanted = head() if target == "head" else target
    if before == wanted:
        return before, wanted
    path = sqlite_path(parse_url(url))
    if path is None or before is None or not path.exists():
        _upgrade_in_place(engine, target)  # in memory, a new file, or transactional DDL
        return before, wanted
    engine.dispose()
    _upgrade_copy(path, target)
    return before, wanted


def _upgrade_copy(path: Path, target: str) -> None:
    work = path.with_name(path.name + ".upgrading")
    with contextlib.suppress(FileNotFoundError):
        work.unlink()
    source = sqlite3.connect(path, timeout=30)
    try:
        source.execute("BEGIN IMMEDIATE")  # no writer may change the original meanwhile
        copy = sqlite3.connect(work)
        try:
            source.backup(copy)
        finally:
            copy.close()
        work_engine = make_engine(f"sqlite:///{work}")
        try:
            _upgrade_in_place(work_engine, target)
            with work_engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            work_engine.dispose()
        _fsync(work)
        os.replace(work, path)
        for suffix in ("-wal", "-shm"):  # the old database's journal is not the new one's
            with contextlib.suppress(FileNotFoundError):
                (path.parent / (path.name + suffix)).unlink()
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            work.unlink()
        if isinstance(exc, Exception) and not isinstance(exc, StoreError):
            raise StoreError(f"migration failed, database left as it was: {exc}") from exc
        raise
    finally:
        source.close()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
