"""The repository: the one way every reader and writer reaches the store.

Readers take a :class:`Snapshot` (the public tables as frames, tagged with the data
version) and ask for single documents or projects; writers add documents, retract them
and manage accounts. Every write is one transaction that also bumps the data version,
so every app process sees a write on its next version check and drops its caches.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import func, insert, select, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from geo.errors import InputError
from geo.store import records
from geo.store import schema as s
from geo.store.accounts import AccountsMixin
from geo.store.common import AuthError, ConflictError, NotFoundError, User
from geo.store.common import now as _now
from geo.store.engine import StoreError, make_engine, writer
from geo.store.queue import QueueMixin
from geo.store.review import ReviewMixin
from geo.store.zones import ZonesMixin

__all__ = [
    "AuthError",
    "ConflictError",
    "IngestResult",
    "NewDocument",
    "NotFoundError",
    "Repository",
    "Snapshot",
    "User",
]

VERSION_KEY = "data_version"


@dataclass(frozen=True)
class NewDocument:
    """An article to add: its bytes plus what the sender knows about it."""

    content: bytes
    filename: str | None = None
    media_type: str | None = None
    title: str | None = None
    publisher: str | None = None
    url: str | None = None
    published: date | None = None
    note: str | None = None
    state: str = "published"


@dataclass
class IngestResult:
    doc_id: str
    created: bool  # False: the same bytes were already stored; nothing changed
    state: str
    projects: list[dict] = field(default_factory=list)
    batches: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    merged: int = 0  # mentions that joined a project or figure other documents reported


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


_UNSAFE = re.compile(r"[^\w.\-]+")


def doc_id_for(filename: str | None, digest: str) -> str:
    """A readable, URL- and path-safe id: the file's name, else the content hash."""
    stem = _UNSAFE.sub("_", Path(filename or "").name).strip("._-")[:80]
    return stem or f"doc-{digest[:12]}"


class Repository(AccountsMixin, ReviewMixin, ZonesMixin, QueueMixin):
    """Reads and writes of the store (accounts, review writes, the zone gazetteer and the
    review queue in their own modules)."""

    def __init__(self, engine: Engine, url: str):
        self.engine = engine
        self.url = url

    @classmethod
    def open(cls, url: str) -> Repository:
        return cls(make_engine(url), url)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    # ------------------------------------------------------------------ versions

    def data_version(self) -> int:
        with self.engine.connect() as conn:
            value = conn.scalar(select(s.meta.c.value).where(s.meta.c.key == VERSION_KEY))
        return int(value or 0)

    def _write(self, *, bump: bool = True):
        """A write transaction that first bumps the data version (and so takes its lock).

        ``bump=False`` for writes no reader of the map sees (sessions, login attempts):
        they must not make every app process rebuild its read model.
        """
        return _Write(self.engine, bump=bump)

    # ------------------------------------------------------------------ reads

    def snapshot(self) -> Snapshot:
        """Every public table at one data version, as a :class:`geo.dataset.Dataset`."""
        from geo import dataset

        d = s.documents
        public = [d.c[name] for name in dataset.SOURCE_COLUMNS]
        with self.engine.connect() as conn:
            if self.dialect == "postgresql":  # one consistent view across the statements
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            version = conn.scalar(select(s.meta.c.value).where(s.meta.c.key == VERSION_KEY))
            sources = _columns(conn, select(*public).where(d.c.state == "published"), d.c.doc_id)
            zones = _columns(conn, _plain_select(s.zones), s.zones.c.zone_id)
            p, b = s.projects.c, s.batches.c  # in document order: stable, and as reported
            projects = _columns(
                conn, _plain_select(s.projects), (p.doc_id, p.span_start, p.project_id)
            )
            batches = _columns(conn, _plain_select(s.batches), (b.doc_id, b.span_start, b.batch_id))
        version = int(version or 0)
        data = dataset.from_columns(sources, zones, projects, batches, f"v{version}")
        return Snapshot(version, data)

    def is_empty(self) -> bool:
        with self.engine.connect() as conn:
            docs = conn.scalar(select(func.count()).select_from(s.documents))
            zones = conn.scalar(select(func.count()).select_from(s.zones))
        return not docs and not zones

    def zones(self) -> list[dict]:
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(select(s.zones).order_by("zone_id"))]

    def rows(self, table, where=None, order_by=None) -> list[dict]:
        """Plain rows of a table (dates as dates), for exports."""
        query = _plain_select(table)
        if where is not None:
            query = query.where(where)
        if order_by is not None:
            query = query.order_by(*order_by)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(query)]

    def documents(
        self, state: str | None = None, limit: int = 100, offset: int = 0
    ) -> tuple[int, list[dict]]:
        """(total, page) of document metadata, newest first."""
        d = s.documents
        cols = [col for col in d.columns if col.name not in ("content", "text", "text_map")]
        query = select(*cols)
        count = select(func.count()).select_from(d)
        if state:
            query, count = query.where(d.c.state == state), count.where(d.c.state == state)
        query = query.order_by(d.c.added_at.desc().nulls_last(), d.c.doc_id)
        with self.engine.connect() as conn:
            total = conn.scalar(count)
            page = [dict(r._mapping) for r in conn.execute(query.limit(limit).offset(offset))]
        return total, page

    def document(self, doc_id: str, *, content: bool = False) -> dict:
        """A document with its text, mentions and annotations; NotFoundError if unknown."""
        d = s.documents
        cols = [col for col in d.columns if content or col.name != "content"]
        with self.engine.connect() as conn:
            row = conn.execute(select(*cols).where(d.c.doc_id == doc_id)).first()
            if row is None:
                raise NotFoundError(f"no document {doc_id!r}")
            doc = dict(row._mapping)
            for key, table in (("projects", s.project_mentions), ("batches", s.batch_mentions)):
                q = select(table).where(table.c.doc_id == doc_id).order_by(table.c.span_start)
                doc[key] = [dict(r._mapping) for r in conn.execute(q)]
            a = s.annotations
            q = select(a).where(a.c.doc_id == doc_id).order_by(a.c.span_start)
            doc["annotations"] = [dict(r._mapping) for r in conn.execute(q)]
        return doc

    def document_contents(self) -> dict[str, bytes]:
        """Every stored document's original bytes, by doc_id (for snapshots)."""
        d = s.documents
        with self.engine.connect() as conn:
            rows = conn.execute(select(d.c.doc_id, d.c.content).where(d.c.content.is_not(None)))
            return {r.doc_id: bytes(r.content) for r in rows}

    def document_by_sha(self, digest: str) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(s.documents.c.doc_id, s.documents.c.state).where(
                    s.documents.c.sha256 == digest
                )
            ).first()
        return dict(row._mapping) if row else None

    def project(self, project_id: str) -> dict:
        """A canonical project with its timeline: every mention, oldest first, with sources."""
        p = s.projects
        with self.engine.connect() as conn:
            row = conn.execute(
                select(*[col for col in p.columns if col.name != "geom"]).where(
                    p.c.project_id == project_id
                )
            ).first()
            if row is None:
                raise NotFoundError(f"no project {project_id!r}")
            project = dict(row._mapping)
            project["timeline"] = self._timelines(conn, [project_id]).get(project_id, [])
        return project

    def timelines(self, project_ids: Iterable[str]) -> dict[str, list[dict]]:
        """The timelines of several projects at once (one query per 500): project_id ->
        live mentions, oldest first, each with its document's title, publisher, dates, URL."""
        with self.engine.connect() as conn:
            return self._timelines(conn, list(project_ids))

    @staticmethod
    def _timelines(conn, project_ids: list[str]) -> dict[str, list[dict]]:
        from geo.store.merge import timeline

        pm, d = s.project_mentions, s.documents
        mentions: list[dict] = []
        for ids in chunked(sorted(set(project_ids)), 500):
            q = (
                select(pm, d.c.title, d.c.publisher, d.c.published, d.c.reference_date, d.c.url)
                .join(d, d.c.doc_id == pm.c.doc_id)
                .where(pm.c.project_id.in_(ids))
                .where(d.c.state == "published", pm.c.review_state != "rejected")
            )
            mentions += [dict(r._mapping) for r in conn.execute(q)]
        dates = {m["doc_id"]: (m["published"] or m["reference_date"] or None) for m in mentions}
        dates = {k: v.isoformat() if v else None for k, v in dates.items()}
        grouped: dict[str, list[dict]] = {}
        for m in mentions:
            grouped.setdefault(m["project_id"], []).append(m)
        return {pid: timeline(ms, dates) for pid, ms in grouped.items()}

    def audit_trail(self, entity: str, entity_id: str) -> list[dict]:
        a = s.audit
        q = select(a).where(a.c.entity == entity, a.c.entity_id == entity_id).order_by(a.c.id)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]

    # ------------------------------------------------------------------ writes

    def ingest(self, item: NewDocument, actor: str, gazetteer=None) -> IngestResult:
        """Add one document and its records, merged with what other documents said."""
        from geo.store import ingest

        digest = sha256(item.content)
        existing = self.document_by_sha(digest)
        if existing:
            return IngestResult(existing["doc_id"], False, existing["state"])
        prepared = ingest.prepare(item, digest, gazetteer or self.gazetteer())
        try:
            with self._write() as conn:
                doc_id = self._free_doc_id(conn, prepared.doc_id, digest)
                prepared.set_doc_id(doc_id)
                prepared.document["added_by"] = actor
                conn.execute(
                    insert(s.documents), records.complete(s.documents, [prepared.document])
                )
                keys, bids = records.insert_mentions(conn, prepared.projects, prepared.batches)
                if prepared.annotations:
                    conn.execute(
                        insert(s.annotations), records.complete(s.annotations, prepared.annotations)
                    )
                merged = self._merged_count(conn, doc_id) if item.state == "published" else 0
                if item.state == "published":
                    records.refresh_projects(conn, keys)
                    records.refresh_batches(conn, bids)
                records.audit(
                    conn,
                    actor,
                    "ingest",
                    "document",
                    doc_id,
                    after=prepared.summary(),
                )
        except IntegrityError:
            existing = self.document_by_sha(digest)  # a concurrent writer stored it first
            if existing:
                return IngestResult(existing["doc_id"], False, existing["state"])
            raise
        return IngestResult(
            doc_id,
            True,
            item.state,
            prepared.projects,
            prepared.batches,
            prepared.warnings,
            merged,
        )

    @staticmethod
    def _free_doc_id(conn, wanted: str, digest: str) -> str:
        taken = conn.scalar(select(s.documents.c.doc_id).where(s.documents.c.doc_id == wanted))
        return wanted if taken is None else f"{wanted}-{digest[:8]}"

    @staticmethod
    def _merged_count(conn, doc_id: str) -> int:
        """Mentions of this document whose project or figure another live document has."""
        total = 0
        for table, key in (
            (s.project_mentions, "merge_key"),
            (s.batch_mentions, "batch_id"),
        ):
            mine = select(table.c[key]).where(table.c.doc_id == doc_id)
            others = (
                select(func.count(func.distinct(table.c[key])))
                .join(s.documents, s.documents.c.doc_id == table.c.doc_id)
                .where(table.c[key].in_(mine), table.c.doc_id != doc_id)
                .where(s.documents.c.state == "published")
            )
            total += conn.scalar(others) or 0
        return total

    def set_document_state(self, doc_id: str, state: str, actor: str, note: str | None = None):
        """Publish, send to review or retract a document; its records follow its state."""
        if state not in s.DOCUMENT_STATES:
            raise InputError(f"state must be one of {', '.join(s.DOCUMENT_STATES)}")
        with self._write() as conn:
            before = conn.scalar(select(s.documents.c.state).where(s.documents.c.doc_id == doc_id))
            if before is None:
                raise NotFoundError(f"no document {doc_id!r}")
            if before == state:
                return before
            conn.execute(
                update(s.documents)
                .where(s.documents.c.doc_id == doc_id)
                .values(state=state, reviewed_at=_now(), reviewed_by=actor)
            )
            keys, bids = records.keys_of_documents(conn, [doc_id])
            records.refresh_projects(conn, keys)
            records.refresh_batches(conn, bids)
            action = "retract" if state == "retracted" else f"state:{state}"
            records.audit(
                conn,
                actor,
                action,
                "document",
                doc_id,
                before={"state": before},
                after={"state": state},
                note=note,
            )
        return before

    def retract(self, doc_id: str, actor: str, note: str | None = None) -> str:
        return self.set_document_state(doc_id, "retracted", actor, note)

    # ------------------------------------------------------------------ gazetteer

    def gazetteer(self):
        from geo.gazetteer import Gazetteer

        return Gazetteer.from_rows(self.zones())

    # ------------------------------------------------------------------ accounts
    # (account writes change nothing the map shows: they do not bump the data version)

    def add_user(self, name: str, role: str, actor: str = "cli") -> User:
        if role not in s.ROLES:
            raise InputError(f"role must be one of {', '.join(s.ROLES)}, not {role!r}")
        if not name or len(name) > 64 or not re.fullmatch(r"[\w.@\-]+", name):
            raise InputError("user name: 1-64 letters, digits, '.', '@', '-' or '_'")
        try:
            with self._write(bump=False) as conn:
                uid = conn.execute(
                    insert(s.users)
                    .values(name=name, role=role, created_at=_now())
                    .returning(s.users.c.id)
                ).scalar_one()
                records.audit(conn, actor, "create", "user", name, after={"role": role})
        except IntegrityError:
            raise InputError(f"user {name!r} exists already") from None
        return User(uid, name, role)

    def set_password(self, user: User, password: str, actor: str | None = None) -> None:
        from geo.store import passwords

        hashed = passwords.hash_password(password)
        with self._write(bump=False) as conn:
            conn.execute(
                update(s.users).where(s.users.c.id == user.id).values(password_hash=hashed)
            )
            records.audit(conn, actor or user.name, "set-password", "user", user.name)

    def check_password(self, name: str, password: str) -> User | None:
        """The user when ``password`` is theirs; None otherwise (unknown user included)."""
        from geo.store import passwords

        with self.engine.connect() as conn:
            row = conn.execute(select(s.users).where(s.users.c.name == name)).first()
        stored = row.password_hash if row is not None and row.disabled_at is None else None
        if not passwords.verify(password, stored):
            return None
        return User(row.id, row.name, row.role)

    def user(self, name: str) -> User:
        with self.engine.connect() as conn:
            row = conn.execute(select(s.users).where(s.users.c.name == name)).first()
        if row is None or row.disabled_at is not None:
            raise NotFoundError(f"no active user {name!r}")
        return User(row.id, row.name, row.role)

    def issue_token(self, user: User, label: str | None = None, actor: str | None = None) -> str:
        """A new API token for ``user``; only its hash is stored, so show it once."""
        token = "sxa_" + secrets.token_urlsafe(32)
        with self._write(bump=False) as conn:
            conn.execute(
                insert(s.tokens).values(
                    user_id=user.id,
                    token_hash=sha256(token.encode()),
                    label=label,
                    created_at=_now(),
                )
            )
            records.audit(conn, actor or user.name, "create", "token", user.name, note=label)
        return token

    def authenticate(self, token: str | None) -> User:
        """The user a bearer token belongs to; AuthError if none, unknown or revoked."""
        if not token:
            raise AuthError("authentication required: send 'Authorization: Bearer <token>'")
        t, u = s.tokens, s.users
        with self.engine.connect() as conn:
            row = conn.execute(
                select(u.c.id, u.c.name, u.c.role, t.c.id.label("token_id"))
                .join(u, u.c.id == t.c.user_id)
                .where(t.c.token_hash == sha256(token.encode()))
                .where(t.c.revoked_at.is_(None), u.c.disabled_at.is_(None))
            ).first()
        if row is None:
            raise AuthError("invalid or revoked token")
        return User(row.id, row.name, row.role)

    def tokens(self, user: User) -> list[dict]:
        t = s.tokens
        q = select(t.c.id, t.c.label, t.c.created_at, t.c.revoked_at).where(t.c.user_id == user.id)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q.order_by(t.c.id))]

    def revoke_token(self, user: User, token_id: int) -> None:
        t = s.tokens
        with self._write(bump=False) as conn:
            done = conn.execute(
                update(t)
                .where(t.c.id == token_id, t.c.user_id == user.id, t.c.revoked_at.is_(None))
                .values(revoked_at=_now())
            ).rowcount
            if not done:
                raise NotFoundError(f"no active token {token_id} of {user.name}")
            records.audit(conn, user.name, "revoke", "token", str(token_id))

    # ------------------------------------------------------------------ bulk

    def load_rows(self, tables: dict, actor: str, note: str) -> None:
        """Bulk-load table rows (the data/ snapshot) into an empty store, then merge."""
        from geo.store import units

        with self._write() as conn:
            if conn.scalar(select(func.count()).select_from(s.documents)):
                raise StoreError("the store is not empty: bulk loading is for a new store")
            units.load(conn)
            for table in (s.documents, s.zones, s.annotations):
                if tables.get(table.name):
                    conn.execute(insert(table), records.complete(table, tables[table.name]))
            records.insert_mentions(
                conn, tables.get("project_mentions", []), tables.get("batch_mentions", [])
            )
            if tables.get("audit"):
                conn.execute(insert(s.audit), records.complete(s.audit, tables["audit"]))
            records.refresh_all(conn)
            records.audit(conn, actor, "load", "store", "data", note=note)

    def ensure_units(self) -> None:
        """Fill the units table of a store created empty (no write when it has them)."""
        from geo.store import units

        with self.engine.connect() as conn:
            if conn.scalar(select(func.count()).select_from(s.units)):
                return
        with self._write() as conn:
            units.load(conn)


@dataclass(frozen=True)
class Snapshot:
    version: int
    dataset: object  # geo.dataset.Dataset


def _plain_select(table):
    return select(*[col for col in table.columns if col.name != "geom"])


def _columns(conn, query, order) -> dict[str, list]:
    """A query's result by column (name -> values): one fetch, no per-row dicts."""
    order = order if isinstance(order, tuple) else (order,)
    result = conn.execute(query.order_by(*order))
    names = list(result.keys())
    columns: list[list] = [[] for _ in names]
    # In slices: a read model is built in a thread of a serving process, and one C call
    # over 50,000 rows would hold the GIL (and every request) for a tenth of a second.
    for rows in result.partitions(2000):
        for column, values in zip(columns, zip(*rows, strict=True), strict=True):
            column.extend(values)
    return {name: _shared(col) for name, col in zip(names, columns, strict=True)}


def _shared(values) -> list:
    """A column with equal strings made one object: the driver returns a new string per
    row, and a stage, adcode or document id repeated 50,000 times adds up (a third of a
    large snapshot's memory)."""
    seen: dict[str, str] = {}
    return [seen.setdefault(v, v) if type(v) is str else v for v in values]


class _Write:
    """``with repo._write() as conn``: one transaction, data version bumped first."""

    def __init__(self, engine: Engine, bump: bool = True):
        self._cm = writer(engine).begin()
        self._bump = bump

    def __enter__(self):
        conn = self._cm.__enter__()
        if not self._bump:
            return conn
        bumped = conn.execute(
            text("UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = :k"),
            {"k": VERSION_KEY},
        ).rowcount
        if not bumped:
            conn.execute(insert(s.meta).values(key=VERSION_KEY, value="1"))
        return conn

    def __exit__(self, *exc):
        if exc[0] is None:
            _crash_test_pause()
        return self._cm.__exit__(*exc)


def _crash_test_pause() -> None:
    """For the crash tests only: with ATLAS_TEST_PAUSE_BEFORE_COMMIT=<file> set, a write
    creates that file and waits just before its commit, so a test can kill -9 it there."""
    import os
    import time

    marker = os.environ.get("ATLAS_TEST_PAUSE_BEFORE_COMMIT")
    if marker:
        Path(marker).touch()
        time.sleep(60)


def chunked(values: Iterable, size: int):
    values = list(values)
    for i in range(0, len(values), size):
        yield values[i : i + size]
