"""Review writes (a Repository mixin): correct, add, accept or reject records, settle
conflicting figures; and what the review page reads about them (canonical rows, the
reports of a figure). The zone gazetteer is in :mod:`geo.store.zones`, the queue and
histories in :mod:`geo.store.queue`.

Every write is one transaction that bumps the data version, re-merges the canonical
records it affects (old and new merge keys) and writes an audit row with who, when,
before, after and note. Nothing is deleted: a rejected record keeps its row (hidden from
the public by the merge), a retracted document its text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

from sqlalchemy import select, update

from geo.errors import InputError
from geo.store import edits, merge, records
from geo.store import schema as s
from geo.store.common import ConflictError, NotFoundError, now

KINDS = {"project": s.project_mentions, "batch": s.batch_mentions}
ENTITY = {"project": "project_mention", "batch": "batch_mention"}
REVIEW_ACTIONS = {"accept": "accepted", "reject": "rejected"}
MAX_SPAN = 1000


def _table(kind: str):
    if kind not in KINDS:
        raise InputError("kind: project or batch")
    return KINDS[kind]


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def _diff(before: Mapping, after: Mapping) -> tuple[dict, dict]:
    changed = [k for k, v in after.items() if before.get(k) != v]
    return (
        {k: _plain(before.get(k)) for k in changed},
        {k: _plain(after[k]) for k in changed},
    )


class ReviewMixin:
    # ------------------------------------------------------------------ helpers

    def _mention(self, conn, kind: str, mention_id: int, doc_id: str | None) -> dict:
        table = _table(kind)
        row = conn.execute(select(table).where(table.c.id == mention_id).with_for_update()).first()
        if row is None or (doc_id is not None and row.doc_id != doc_id):
            raise NotFoundError(f"no {kind} record {mention_id} in document {doc_id!r}")
        return dict(row._mapping)

    @staticmethod
    def _zone_ids(conn) -> set[str]:
        return set(conn.scalars(select(s.zones.c.zone_id)))

    @staticmethod
    def _touch(conn, doc_id: str, actor: str) -> str:
        """Mark a document reviewed by ``actor``; a new document goes to in_review."""
        d = s.documents
        state = conn.scalar(select(d.c.state).where(d.c.doc_id == doc_id))
        if state is None:
            raise NotFoundError(f"no document {doc_id!r}")
        values = {"reviewed_at": now(), "reviewed_by": actor}
        if state == "new":
            values["state"] = "in_review"
            records.audit(
                conn,
                actor,
                "state:in_review",
                "document",
                doc_id,
                before={"state": "new"},
                after={"state": "in_review"},
            )
        conn.execute(update(d).where(d.c.doc_id == doc_id).values(**values))
        return values.get("state", state)

    @staticmethod
    def _refresh(conn, kind: str, rows: Iterable[Mapping]) -> None:
        """Re-merge the canonical records of mention rows (before and after a change)."""
        rows = list(rows)
        if kind == "project":
            keys = {r["merge_key"] for r in rows if r.get("merge_key")}
            stale = {r["project_id"] for r in rows if r.get("project_id")}
            records.refresh_projects(conn, keys)
            if stale:  # a project that lost its last mention to another key
                left = set(
                    conn.scalars(
                        select(s.project_mentions.c.project_id).where(
                            s.project_mentions.c.project_id.in_(stale)
                        )
                    )
                )
                for chunk in records._chunks(sorted(stale)):
                    conn.execute(
                        s.projects.delete().where(
                            s.projects.c.project_id.in_([p for p in chunk if p not in left])
                        )
                    )
        else:
            records.refresh_batches(conn, {r["batch_id"] for r in rows if r.get("batch_id")})

    # ------------------------------------------------------------------ records

    def mention(self, kind: str, mention_id: int) -> dict:
        table = _table(kind)
        with self.engine.connect() as conn:
            row = conn.execute(select(table).where(table.c.id == mention_id)).first()
        if row is None:
            raise NotFoundError(f"no {kind} record {mention_id}")
        return dict(row._mapping)

    def correct_mention(
        self,
        kind: str,
        mention_id: int,
        changes: Mapping,
        actor: str,
        note: str | None = None,
        doc_id: str | None = None,
    ) -> dict:
        """Change a record's fields (place, zone, amount, stage, kind, period, company …).

        The record becomes ``corrected`` (an ``added`` one stays ``added``); the canonical
        records of its old and new merge keys are rebuilt. Returns the updated mention.
        """
        note = edits.text("note", note)
        with self._write() as conn:
            row = self._mention(conn, kind, mention_id, doc_id)
            zone_ids = self._zone_ids(conn)
            if kind == "project":
                values = edits.project_changes(changes, zone_ids)
            else:
                values = edits.batch_changes(changes, zone_ids, row)
            before, after = _diff(row, values)
            if not after:
                raise InputError("nothing to change: every field already has that value")
            new = {**row, **values}
            new["review_state"] = "added" if row["review_state"] == "added" else "corrected"
            if note is not None:
                new["review_note"] = note
            if kind == "project":
                new["merge_key"] = merge.project_merge_key(new)
            else:
                new["merge_key"] = merge.batch_merge_key(new)
                new["batch_id"] = merge.batch_id(new["merge_key"])
            table = _table(kind)
            keep = {k: v for k, v in new.items() if k in table.c and k != "id"}
            conn.execute(update(table).where(table.c.id == mention_id).values(**keep))
            self._touch(conn, row["doc_id"], actor)
            self._refresh(conn, kind, [row, new])
            records.audit(
                conn,
                actor,
                "correct",
                ENTITY[kind],
                str(mention_id),
                before={**before, "review_state": row["review_state"], "doc_id": row["doc_id"]},
                after={**after, "review_state": new["review_state"]},
                note=note,
            )
        return self.mention(kind, mention_id)

    def review_mentions(
        self,
        items: Iterable[tuple[str, int]],
        action: str,
        actor: str,
        note: str | None = None,
        doc_id: str | None = None,
    ) -> int:
        """Accept or reject records (``(kind, id)`` pairs) in one transaction; returns how
        many changed. Accepting keeps ``corrected``/``added`` as they are (both are
        reviewed already) and brings a rejected record back."""
        if action not in REVIEW_ACTIONS:
            raise InputError("action: accept or reject")
        note = edits.text("note", note)
        target = REVIEW_ACTIONS[action]
        changed = 0
        with self._write() as conn:
            touched: dict[str, list] = {"project": [], "batch": []}
            docs = set()
            for kind, mention_id in items:
                row = self._mention(conn, kind, int(mention_id), doc_id)
                docs.add(row["doc_id"])
                state = row["review_state"]
                if action == "accept" and state in ("accepted", "corrected", "added"):
                    continue
                if action == "reject" and state == "rejected":
                    continue
                new_state = target
                if action == "accept" and state == "rejected":
                    new_state = _state_before_rejection(conn, kind, mention_id)
                table = _table(kind)
                values = {"review_state": new_state}
                if note is not None:
                    values["review_note"] = note
                conn.execute(update(table).where(table.c.id == row["id"]).values(**values))
                touched[kind].append(row)
                records.audit(
                    conn,
                    actor,
                    action,
                    ENTITY[kind],
                    str(row["id"]),
                    before={"review_state": state, "doc_id": row["doc_id"]},
                    after={"review_state": new_state},
                    note=note,
                )
                changed += 1
            for doc in docs:
                self._touch(conn, doc, actor)
            for kind, rows in touched.items():
                if rows:
                    self._refresh(conn, kind, rows)
        return changed

    def add_mention(
        self,
        doc_id: str,
        kind: str,
        span: tuple[int, int],
        fields: Mapping,
        actor: str,
        note: str | None = None,
    ) -> dict:
        """A record the extractor missed, created from a span of the document's text."""
        table = _table(kind)
        note = edits.text("note", note)
        start, end = (int(v) for v in span)
        with self._write() as conn:
            text = conn.scalar(select(s.documents.c.text).where(s.documents.c.doc_id == doc_id))
            if text is None:
                raise NotFoundError(f"no document {doc_id!r} with text")
            if not 0 <= start < end <= len(text) or end - start > MAX_SPAN:
                raise InputError(f"span: 0 <= start < end <= {len(text)}, at most {MAX_SPAN}")
            zone_ids = self._zone_ids(conn)
            fields = dict(fields)
            if kind == "project":
                fields.setdefault("name", text[start:end])
                values = edits.project_changes(fields, zone_ids)
                values.setdefault("name", None)
                if "place" not in fields:
                    values.update(edits.project_place(None))
            else:
                if not fields.get("kind"):
                    raise InputError("kind: required")
                values = edits.batch_changes(fields, zone_ids)
                if "place" not in fields:
                    values.update(edits.batch_place(None, values.get("scope")))
            where = [table.c.doc_id == doc_id, table.c.span_start == start]
            if kind == "batch":
                where.append(table.c.kind == values["kind"])
            if conn.scalar(select(table.c.id).where(*where)) is not None:
                raise ConflictError(
                    "a record of this kind already starts at this character: correct it instead"
                )
            row = {
                **values,
                "doc_id": doc_id,
                "span_start": start,
                "span_end": end,
                "quote": records.quote(text, start, end),
                "evidence": f"added by {actor} from the selected text",
                "review_state": "added",
                "review_note": note,
            }
            if kind == "project":
                keys, _ = records.insert_mentions(conn, [row], [])
            else:
                _, keys = records.insert_mentions(conn, [], [row])
            mention_id = conn.scalar(select(table.c.id).where(*where))
            self._touch(conn, doc_id, actor)
            self._refresh(conn, kind, [row])
            records.audit(
                conn,
                actor,
                "add",
                ENTITY[kind],
                str(mention_id),
                after={k: _plain(v) for k, v in row.items() if k not in ("merge_key",)},
                note=note,
            )
        return self.mention(kind, mention_id)

    # ------------------------------------------------------------------ conflicts

    def resolve_conflict(
        self,
        batch_id: str,
        choice: str | None,
        actor: str,
        mention_id: int | None = None,
        note: str | None = None,
    ) -> dict | None:
        """Settle a figure its sources disagree on: ``pick`` one report (``mention_id``),
        keep every value as a ``range``, or ``None`` to undo. Returns the canonical row."""
        if choice not in (*s.RESOLUTIONS, None):
            raise InputError("choice: pick, range, or none to undo")
        note = edits.text("note", note)
        r, bm = s.resolutions, s.batch_mentions
        with self._write() as conn:
            ids = set(conn.scalars(select(bm.c.id).where(bm.c.batch_id == batch_id)))
            if not ids:
                raise NotFoundError(f"no figure {batch_id!r}")
            if choice == "pick" and (mention_id is None or int(mention_id) not in ids):
                raise InputError("mention_id: pick one of this figure's reports")
            old = conn.execute(select(r).where(r.c.batch_id == batch_id)).first()
            before = None if old is None else {"choice": old.choice, "mention_id": old.mention_id}
            conn.execute(r.delete().where(r.c.batch_id == batch_id))
            after = None
            if choice is not None:
                after = {"choice": choice, "mention_id": int(mention_id) if mention_id else None}
                conn.execute(
                    r.insert().values(
                        batch_id=batch_id,
                        choice=choice,
                        mention_id=after["mention_id"] if choice == "pick" else None,
                        resolved_by=actor,
                        resolved_at=now(),
                        note=note,
                    )
                )
            records.refresh_batches(conn, [batch_id])
            records.audit(
                conn,
                actor,
                "resolve" if choice else "unresolve",
                "batch",
                batch_id,
                before=before,
                after=after,
                note=note,
            )
        with self.engine.connect() as conn:
            row = conn.execute(select(s.batches).where(s.batches.c.batch_id == batch_id)).first()
        return None if row is None else dict(row._mapping)

    def peers(self, batch_ids: Iterable[str]) -> dict[str, list[dict]]:
        """Every report of these figures (any document, any state), with its document's
        title, state and the text around its span: the sides of a conflict."""
        bm, d = s.batch_mentions, s.documents
        ids = sorted(set(batch_ids))
        out: dict[str, list[dict]] = {b: [] for b in ids}
        if not ids:
            return out
        query = (
            select(bm, d.c.title, d.c.state.label("doc_state"), d.c.text)
            .join(d, d.c.doc_id == bm.c.doc_id)
            .where(bm.c.batch_id.in_(ids))
            .order_by(bm.c.doc_id, bm.c.span_start)
        )
        with self.engine.connect() as conn:
            for r in conn.execute(query):
                row = dict(r._mapping)
                text = row.pop("text") or ""
                start, end = row["span_start"], row["span_end"]
                row["before"] = text[max(0, start - 40) : start]
                row["spanned"] = text[start:end]
                row["after"] = text[end : end + 40]
                out[row["batch_id"]].append(row)
        return out

    def resolutions(self, batch_ids: Iterable[str]) -> dict[str, dict]:
        with self.engine.connect() as conn:
            return records.resolutions(conn, batch_ids)

    def canonical(self, project_ids: Iterable[str], batch_ids: Iterable[str]) -> dict:
        """Canonical rows by id: what mentions became."""
        p, b = s.projects, s.batches
        out = {"projects": {}, "batches": {}}
        with self.engine.connect() as conn:
            pids = sorted({x for x in project_ids if x})
            for chunk in records._chunks(pids):
                cols = [c for c in p.columns if c.name != "geom"]
                for r in conn.execute(select(*cols).where(p.c.project_id.in_(chunk))):
                    out["projects"][r.project_id] = dict(r._mapping)
            for chunk in records._chunks(sorted({x for x in batch_ids if x})):
                for r in conn.execute(select(b).where(b.c.batch_id.in_(chunk))):
                    out["batches"][r.batch_id] = dict(r._mapping)
        return out


def _state_before_rejection(conn, kind: str, mention_id: int) -> str:
    """What an accepted-again record was before it was rejected (added stays added)."""
    a = s.audit
    rows = conn.execute(
        select(a.c.action).where(a.c.entity == ENTITY[kind], a.c.entity_id == str(mention_id))
    ).all()
    actions = {r.action for r in rows}
    if "add" in actions:
        return "added"
    return "corrected" if "correct" in actions else "accepted"
