"""Nothing lost: concurrent writers, kill -9 mid-write, migrations on a copy, backups."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
import warnings
from pathlib import Path

import pytest

from geo.store import migrate, open_store
from geo.store.engine import StoreError
from tests.store.conftest import FIXTURE_DATA
from tests.store.test_repository import ROUND, SIGNED, STARTED, doc

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_two_writers_at_once_both_land(repo):
    version = repo.data_version()
    errors = []

    def write(text, name):
        try:
            repo.ingest(doc(text, name), actor=name)
        except Exception as exc:  # pragma: no cover - the assertion below reports it
            errors.append(exc)

    threads = [
        threading.Thread(target=write, args=(SIGNED, "w1.txt")),
        threading.Thread(target=write, args=(ROUND, "w2.txt")),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert repo.data_version() == version + 2
    assert {"w1.txt", "w2.txt"} <= set(repo.snapshot().dataset.sources["doc_id"])


def test_two_processes_ingesting_one_sqlite_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'atlas.sqlite'}"
    open_store(url, data_dir=FIXTURE_DATA).close()
    script = textwrap.dedent(
        """
        import sys
        from geo.store import open_store
        from geo.store.repository import NewDocument
        repo = open_store(sys.argv[1])
        for i in range(5):
            text = f"{i+1}月2日，太谷经开区签约总投资{i+1}亿元的第{sys.argv[2]}号储能项目{i}。"
            repo.ingest(NewDocument(text.encode(), filename=f"{sys.argv[2]}-{i}.txt"), actor="p")
        """
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", script, url, name], cwd=REPO_ROOT)
        for name in ("a", "b")
    ]
    assert [p.wait(120) for p in procs] == [0, 0]
    repo = open_store(url)
    docs = set(repo.snapshot().dataset.sources["doc_id"])
    assert {f"{n}-{i}.txt" for n in "ab" for i in range(5)} <= docs
    repo.close()


def _kill_mid_write(url: str, marker: Path, env_extra=None) -> None:
    script = textwrap.dedent(
        """
        import sys
        from geo.store import open_store
        from geo.store.repository import NewDocument
        repo = open_store(sys.argv[1])
        text = "2月20日，太谷经开区签约总投资5亿元的华润储能项目。"
        repo.ingest(NewDocument(text.encode(), filename="killed.txt"), actor="k")
        """
    )
    env = {**os.environ, "ATLAS_TEST_PAUSE_BEFORE_COMMIT": str(marker)}
    proc = subprocess.Popen([sys.executable, "-c", script, url], cwd=REPO_ROOT, env=env)
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert proc.poll() is None, "the writer ended before reaching its commit"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(30)


def test_kill_9_during_an_ingest_leaves_the_store_as_before(db_url, tmp_path):
    repo = open_store(db_url, data_dir=FIXTURE_DATA)
    version, count = repo.data_version(), len(repo.snapshot().dataset.sources)
    _kill_mid_write(db_url, tmp_path / "paused")
    fresh = open_store(db_url)
    assert fresh.data_version() == version
    assert len(fresh.snapshot().dataset.sources) == count
    with pytest.raises(LookupError):
        fresh.document("killed.txt")
    again = fresh.ingest(doc(SIGNED, "after.txt"), actor="t")  # the store still takes writes
    assert again.created
    repo.close()
    fresh.close()


def test_a_failed_migration_keeps_the_original_file(tmp_path, monkeypatch):
    path = tmp_path / "atlas.sqlite"
    url = f"sqlite:///{path}"
    open_store(url, data_dir=FIXTURE_DATA).close()
    before = path.read_bytes() if not Path(f"{path}-wal").exists() else None
    broken = tmp_path / "migrations"
    (broken / "versions").mkdir(parents=True)
    for name in ("env.py", "script.py.mako"):
        (broken / name).write_text((migrate.MIGRATIONS / name).read_text())
    for version in (migrate.MIGRATIONS / "versions").glob("*.py"):
        (broken / "versions" / version.name).write_text(version.read_text())
    head = migrate.head()
    (broken / "versions" / "9999_broken.py").write_text(
        textwrap.dedent(
            f"""
            from alembic import op
            revision = "9999"
            down_revision = {head!r}
            def upgrade():
                op.execute("CREATE TABLE half_done (x INTEGER)")
                raise RuntimeError("boom in the middle of a migration")
            """
        )
    )
    monkeypatch.setattr(migrate, "MIGRATIONS", broken)
    with pytest.raises(StoreError, match="left as it was"):
        migrate.upgrade(url)
    assert not list(tmp_path.glob("atlas.sqlite.pre-*"))  # the safety copy is cleaned up
    with sqlite3.connect(path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        (revision,) = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    assert "half_done" not in tables and revision == head
    if before is not None:
        assert path.read_bytes() == before


def _columns(engine, table: str) -> list[str]:
    """Column names of a table as the database has them (no type reflection: PostGIS
    types are unknown to plain SQLAlchemy)."""
    from sqlalchemy import text

    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            return [r[1] for r in conn.execute(text(f"PRAGMA table_info({table})"))]
        rows = conn.execute(
            text("SELECT column_name FROM information_schema.columns WHERE table_name = :t"),
            {"t": table},
        )
        return [r[0] for r in rows]


def _plain(value):
    from datetime import datetime

    from geo.store.common import aware

    if isinstance(value, datetime):
        return aware(value).isoformat()
    if hasattr(value, "wkb_hex"):
        return value.wkb_hex
    return value


def _copy_rows(source, target) -> dict[str, tuple[list[str], list[tuple]]]:
    """Every row of ``source`` (a store at head) into ``target`` (an older schema), in the
    columns the older schema has; returns what was copied, by table."""
    from sqlalchemy import insert, select

    from geo.store import schema as s

    copied = {}
    for table in s.metadata.sorted_tables:
        names = [c for c in _columns(target, table.name) if c in table.c]
        if not names:
            continue  # a table the older revision does not have
        order = [table.c[c.name] for c in table.primary_key.columns]
        with source.connect() as conn:
            rows = [dict(r._mapping) for r in conn.execute(select(*[table.c[n] for n in names]))]
        with target.begin() as conn:
            conn.execute(table.delete())
            if rows:
                conn.execute(insert(table), rows)
            if target.dialect.name == "postgresql" and "id" in names and rows:
                conn.exec_driver_sql(  # explicit ids: move the sequence past them
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"(SELECT max(id) FROM {table.name}))"
                )
        with source.connect() as conn:
            ordered = conn.execute(select(*[table.c[n] for n in names]).order_by(*order))
            copied[table.name] = (names, [tuple(map(_plain, r)) for r in ordered])
    return copied


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'old.sqlite'}"
    return request.getfixturevalue("pg_server").new_database()


def test_a_new_database_and_an_older_one_migrate_to_head(tmp_path, empty_url):
    from sqlalchemy import select

    from geo.store import schema as s
    from geo.store.engine import make_engine

    fresh = open_store(f"sqlite:///{tmp_path / 'new.sqlite'}", data_dir=FIXTURE_DATA)
    assert migrate.current(fresh.engine) == migrate.head()
    editor = fresh.add_user("ed", "editor")
    fresh.issue_token(editor, label="laptop")
    fresh.ingest(doc(ROUND, "round.txt", state="new"), actor="ed")
    fresh.ingest(doc(SIGNED, "signed.txt"), actor="ed")
    revisions = migrate.revisions()
    assert len(revisions) > 1
    migrate.upgrade(empty_url, target=revisions[-2])  # the previous schema, filled with data
    old = make_engine(empty_url)
    copied = _copy_rows(fresh.engine, old)
    assert {"documents", "project_mentions", "batches", "users", "tokens", "audit"} <= set(copied)
    assert "sessions" not in copied  # it comes with the new revision
    old.dispose()
    repo = open_store(empty_url, data_dir=FIXTURE_DATA)  # migrates; not refilled: has data
    assert migrate.current(repo.engine) == migrate.head()
    for name, (columns, rows) in copied.items():
        table = s.metadata.tables[name]
        order = [table.c[c.name] for c in table.primary_key.columns]
        with repo.engine.connect() as conn:
            now = conn.execute(select(*[table.c[c] for c in columns]).order_by(*order))
            assert [tuple(map(_plain, r)) for r in now] == rows, name
    assert repo.document("round.txt")["state"] == "new"
    assert repo.user("ed").role == "editor" and len(repo.tokens(repo.user("ed"))) == 1
    before, after = fresh.snapshot().dataset, repo.snapshot().dataset
    assert list(after.projects["project_id"]) == list(before.projects["project_id"])
    assert list(after.batches["batch_id"]) == list(before.batches["batch_id"])
    assert after.batches["investment_cny_max"].isna().all()  # new columns, empty
    repo.ingest(doc(STARTED, "started.txt"), actor="ed")  # and the store takes writes
    fresh.close()
    repo.close()


def test_backup_is_a_consistent_copy_while_writing(repo, tmp_path):
    from geo.store.backup import backup

    target = tmp_path / ("backup.sqlite" if repo.dialect == "sqlite" else "backup.dump")
    if repo.dialect == "postgresql" and not shutil_which("pg_dump"):
        pytest.skip("pg_dump not installed")
    backup(repo, target)
    assert target.stat().st_size > 0
    with pytest.raises(StoreError, match="exists"):
        backup(repo, target)
    if repo.dialect == "sqlite":
        copy = open_store(f"sqlite:///{target}")
        assert copy.data_version() == repo.data_version()
        assert len(copy.snapshot().dataset.projects) == len(repo.snapshot().dataset.projects)
        copy.close()


def shutil_which(name):
    import shutil

    return shutil.which(name)


def test_the_migrations_build_exactly_the_schema_module(db_url):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from geo.store import schema as s
    from geo.store.engine import make_engine

    open_store(db_url).close()  # migrated to head
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn, warnings.catch_warnings():
            # PostGIS's geometry type is unknown to plain SQLAlchemy reflection
            warnings.filterwarnings("ignore", "Did not recognize type 'geometry'")
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diffs = compare_metadata(context, s.metadata)
    finally:
        engine.dispose()
    ignorable = {"spatial_ref_sys"}  # PostGIS's own table
    diffs = [d for d in diffs if not (d[0] == "remove_table" and d[1].name in ignorable)]
    assert diffs == []
