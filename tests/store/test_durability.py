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
from pathlib import Path

import pytest

from geo.store import migrate, open_store
from geo.store.engine import StoreError
from tests.store.conftest import FIXTURE_DATA
from tests.store.test_repository import ROUND, SIGNED, doc

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


def test_a_new_database_and_an_older_one_migrate_to_head(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    revisions = migrate.revisions()
    if len(revisions) > 1:  # the previous schema version, with data, moves up
        migrate.upgrade(url, target=revisions[-2])
    repo = open_store(url, data_dir=FIXTURE_DATA)
    assert migrate.current(repo.engine) == migrate.head()
    assert len(repo.snapshot().dataset.projects) > 0
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
