"""sxmap ingest / export / db / users, run as a user would (subprocesses, real files)."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

from geo.store import open_store
from tests.store.conftest import FIXTURE_DATA
from tests.store.test_repository import ROUND, SIGNED

REPO_ROOT = Path(__file__).resolve().parents[2]


def sxmap(*args, db: str, env=None, check=True):
    done = subprocess.run(
        [sys.executable, "-m", "webmap.cli", *args, "--database", db],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "ATLAS_DATA_DIR": str(FIXTURE_DATA), **(env or {})},
    )
    if check:
        assert done.returncode == 0, done.stderr
    return done


@pytest.fixture
def db(tmp_path):
    return f"sqlite:///{tmp_path / 'atlas.sqlite'}"


def test_ingest_adds_reports_and_keeps_going_past_a_bad_file(tmp_path, db):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "round.txt").write_text(ROUND, encoding="utf-8")
    (folder / "signed.txt").write_text(SIGNED, encoding="gb18030")
    (folder / "empty.txt").write_bytes(b"")
    os.mkfifo(folder / "pipe.txt")
    done = sxmap("ingest", str(folder), db=db, check=False)
    assert done.returncode == 1
    out = done.stdout
    assert "added round.txt: 0 projects, 3 figures" in out
    assert "added signed.txt: 1 projects" in out
    assert "failed" in out and "empty.txt" in out and "pipe.txt" in out
    assert out.strip().splitlines()[-1].startswith("2 added")
    assert "1/4" in done.stderr  # plain progress lines when not on a terminal
    again = sxmap("ingest", str(folder / "round.txt"), db=db)
    assert "duplicates skipped" in again.stdout and "skipped" in again.stdout
    repo = open_store(db)
    assert {"round.txt", "signed.txt"} <= set(repo.snapshot().dataset.sources["doc_id"])
    repo.close()


def test_export_round_trips_through_a_new_store(tmp_path, db):
    article = tmp_path / "signed.txt"
    article.write_text(SIGNED, encoding="utf-8")
    sxmap("ingest", str(article), db=db)
    out = tmp_path / "snapshot"
    done = sxmap("export", "--dataset", str(out), db=db)
    assert "written to" in done.stdout
    names = {p.name for p in out.iterdir()}
    assert {"sources.csv", "zones.csv", "projects.csv", "batches.csv", "audit.csv"} <= names
    assert (out / "documents" / "signed.txt").read_bytes() == SIGNED.encode()
    with (out / "projects.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert any(r["name"] == "华润储能项目" and r["doc_id"] == "signed.txt" for r in rows)
    copy = open_store(f"sqlite:///{tmp_path / 'copy.sqlite'}", data_dir=out)
    original = open_store(db)
    a, b = copy.snapshot().dataset, original.snapshot().dataset
    assert sorted(a.projects["project_id"]) == sorted(b.projects["project_id"])
    assert sorted(a.batches["batch_id"]) == sorted(b.batches["batch_id"])
    assert copy.document("signed.txt")["text"] == SIGNED
    copy.close()
    original.close()
    again = sxmap("export", "--dataset", str(out), db=db)  # replaces the folder whole
    assert again.returncode == 0 and not list(tmp_path.glob(".snapshot.*"))


def test_users_add_prints_the_token_last_and_it_works(tmp_path, db):
    pw = tmp_path / "pw"
    pw.write_text("a long enough password\n")
    done = sxmap("users", "add", "alice", "--role", "editor", "--password-file", str(pw), db=db)
    token = done.stdout.strip().splitlines()[-1]
    assert token.startswith("sxa_")
    repo = open_store(db)
    assert repo.authenticate(token).name == "alice"
    assert repo.check_password("alice", "a long enough password")
    repo.close()
    dup = sxmap("users", "add", "alice", "--role", "admin", db=db, check=False)
    assert dup.returncode == 2 and "exists" in dup.stderr and "Traceback" not in dup.stderr


def test_db_upgrade_and_backup(tmp_path, db):
    assert "revision" in sxmap("db", "upgrade", db=db).stdout
    target = tmp_path / "backup.sqlite"
    sxmap("db", "backup", str(target), db=db)
    assert target.exists()
    exists = sxmap("db", "backup", str(target), db=db, check=False)
    assert exists.returncode == 2 and "exists" in exists.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ingest", "/nonexistent/article.txt"], "no such file"),
        (["export"], "required"),
        (["users", "add", "x y", "--role", "editor"], "user name"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(db, args, message):
    done = sxmap(*args, db=db, check=False)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr


def test_a_bad_database_url_is_a_clear_error(tmp_path):
    done = sxmap("db", "upgrade", db="mysql://nobody@localhost/x", check=False)
    assert done.returncode == 2 and "unsupported database" in done.stderr


def test_users_passwords_list_unlock(tmp_path, db):
    short = tmp_path / "short"
    short.write_text("tiny\n")
    refused = sxmap("users", "add", "bob", "--role", "editor", "--password-file", str(short),
                    db=db, check=False)  # fmt: skip
    assert refused.returncode == 2 and "too short" in refused.stderr
    assert "bob" not in sxmap("users", "list", db=db).stdout  # no half-made account
    plain = sxmap("users", "add", "bob", "--role", "editor", "--no-password", db=db)
    assert "no browser password" in plain.stdout
    pw = tmp_path / "pw"
    pw.write_text("another long password\n")
    assert "password of bob set" in sxmap("users", "passwd", "bob", "--password-file", str(pw),
                                          db=db).stdout  # fmt: skip
    listed = sxmap("users", "list", db=db).stdout
    assert "bob\teditor\tactive\tpassword" in listed
    repo = open_store(db)
    from geo.store.accounts import Throttle

    for _ in range(5):
        repo.login_failed({"user:bob": 5}, Throttle())
    repo.close()
    assert "bob\teditor\tlocked" in sxmap("users", "list", db=db).stdout
    sxmap("users", "unlock", "bob", db=db)
    assert "bob\teditor\tactive" in sxmap("users", "list", db=db).stdout


def test_export_gold_then_evaluate(tmp_path, db):
    repo = open_store(db, data_dir=FIXTURE_DATA)
    from tests.store.test_repository import doc

    repo.ingest(doc(ROUND, "round.txt", state="new"), actor="ed")
    repo.set_document_state("round.txt", "published", actor="ed")
    repo.close()
    out = tmp_path / "gold"
    done = sxmap("export", "--gold", str(out), db=db)
    assert "1 reviewed documents" in done.stdout
    assert (out / "round.txt").read_text(encoding="utf-8") == ROUND
    scored = subprocess.run(
        [sys.executable, "-m", "webmap.cli", "evaluate", str(out / "gold.json"), str(out)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert scored.returncode == 0, scored.stderr
    assert "round.txt" in scored.stdout
