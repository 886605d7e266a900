"""A throwaway PostgreSQL + PostGIS server for the tests, started and stopped by the tests.

Debian's ``postgresql`` and ``postgresql-15-postgis-3`` packages provide the binaries
(``make test`` installs them when run as root). The server runs as an unprivileged
user (``postgres`` when the suite runs as root: initdb refuses root), listens only on a
Unix socket in a temporary folder (no TCP port at all), trusts local connections and is
stopped and deleted at the end of the session.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

POSTGIS_CONTROL = "/usr/share/postgresql/*/extension/postgis.control"


def binaries() -> Path | None:
    """The newest server bin folder that has initdb and a PostGIS extension beside it."""
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        version = Path(folder).parent.name
        if (Path(folder) / "initdb").exists() and glob.glob(
            f"/usr/share/postgresql/{version}/extension/postgis.control"
        ):
            return Path(folder)
    return None


def _as_user() -> list[str]:
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        raise RuntimeError("running as root without a 'postgres' user to run the server") from None
    return ["runuser", "-u", "postgres", "--"]


class TempPostgres:
    """``with TempPostgres() as pg: pg.new_database()`` → a SQLAlchemy URL."""

    def __init__(self):
        self.bin = binaries()
        if self.bin is None:
            raise RuntimeError("PostgreSQL with PostGIS is not installed")
        self.dir = Path(tempfile.mkdtemp(prefix="atlas-pg-"))
        self.data = self.dir / "data"
        self.port = 5432 + os.getpid() % 1000
        self.user = "postgres" if os.geteuid() == 0 else pwd.getpwuid(os.geteuid()).pw_name
        self._run = _as_user()

    def _cmd(self, *args: str, **kw) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*self._run, *args], check=True, capture_output=True, text=True, timeout=120, **kw
        )

    def start(self) -> TempPostgres:
        if self._run:
            shutil.chown(self.dir, user="postgres")
        self._cmd(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            self.user,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        )
        options = f"-c listen_addresses='' -c unix_socket_directories={self.dir} -p {self.port}"
        options += " -c fsync=off -c full_page_writes=off"  # throwaway data: speed over safety
        self._cmd(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.dir / "server.log"),
            "-w",
            "start",
        )
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@/{database}?host={self.dir}&port={self.port}"

    def sql(self, statement: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(
            host=str(self.dir), port=self.port, user=self.user, dbname=database, autocommit=True
        ) as conn:
            conn.execute(statement)

    def new_database(self, template: str | None = None) -> str:
        """A fresh, empty database (or a copy of ``template``); returns its URL."""
        name = "atlas_" + uuid.uuid4().hex[:12]
        self.sql(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
        return self.url(name)

    def stop(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            self._cmd(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> TempPostgres:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
