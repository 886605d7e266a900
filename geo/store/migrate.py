"""Schema migrations (Alembic), applied so that a failure never leaves a half-migrated store.

- PostgreSQL: DDL is transactional, so the whole upgrade commits or rolls back.
- SQLite: DDL is transactional as well, and every step runs in one write transaction;
  before it starts, a consistent copy of the file (the online backup API) is written
  beside it and kept until the upgrade has committed, so the original survives even a
  crash of the machine mid-way.
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

from geo.store.engine import StoreError, make_engine, parse_url, sqlite_path, writer

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
    # One write transaction around every step: SQLite's DDL is transactional too, so a
    # failing step rolls the whole upgrade back.
    with writer(engine).begin() as conn:
        command.upgrade(_config(conn), target)


def upgrade(url: str, target: str = "head", engine: Engine | None = None) -> tuple[str | None, str]:
    """Migrate the database at ``url`` to ``target``; returns (from, to) revisions.

    Stop the app servers first: a server still running on the old schema may write rows
    the new one does not expect.
    """
    if engine is None:  # our own engine: closed when done
        engine = make_engine(url)
        try:
            return upgrade(url, target, engine)
        finally:
            engine.dispose()
    before = current(engine)
    wanted = head() if target == "head" else target
    if before == wanted:
        return before, wanted
    path = sqlite_path(parse_url(url))
    safety = None
    if path is not None and before is not None:
        safety = path.with_name(f"{path.name}.pre-{before}.sqlite")
        _copy(path, safety)  # the original, kept until the upgrade has succeeded
    try:
        _upgrade_in_place(engine, target)
    except Exception as exc:
        raise StoreError(f"migration failed, database left as it was: {exc}") from exc
    finally:
        if safety is not None:
            with contextlib.suppress(FileNotFoundError):
                safety.unlink()
    return before, wanted


def _copy(path: Path, target: Path) -> None:
    """A consistent copy of a live SQLite file (the online backup API), fsynced."""
    source = sqlite3.connect(path, timeout=30)
    try:
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)
        finally:
            copy.close()
    finally:
        source.close()
    fd = os.open(target, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
