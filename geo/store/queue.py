"""What editors read (a Repository mixin): the review queue and a document's history."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import and_, exists, func, or_, select

from geo.store import records
from geo.store import schema as s


class QueueMixin:
    def review_queue(self, filters: Mapping, limit: int = 25, offset: int = 0) -> dict:
        """Documents for review: ``{"total", "counts" (by state), "documents"}``.

        ``filters``: ``state``, ``date_from``/``date_to`` (the article's date: published,
        else its reference date), ``city`` (an adcode: a record placed in that city),
        ``source`` (publisher, title or URL containing the text), ``editor`` (who added
        or last reviewed it).
        """
        d = s.documents
        where = _queue_where(filters)
        cols = [c for c in d.columns if c.name not in ("content", "text", "text_map")]
        page_q = (
            select(*cols)
            .where(*where, *(_state(filters)))
            .order_by(d.c.added_at.desc().nulls_last(), d.c.doc_id)
            .limit(limit)
            .offset(offset)
        )
        with self.engine.connect() as conn:
            counts = {state: 0 for state in s.DOCUMENT_STATES}
            for state, n in conn.execute(
                select(d.c.state, func.count()).where(*where).group_by(d.c.state)
            ):
                counts[state] = n
            page = [dict(r._mapping) for r in conn.execute(page_q)]
            tallies = _tallies(conn, [p["doc_id"] for p in page])
        for doc in page:
            doc["records"] = tallies.get(doc["doc_id"], {})
        state = filters.get("state")
        total = counts.get(state, 0) if state else sum(counts.values())
        return {"total": total, "counts": counts, "documents": page}

    def editors(self) -> list[str]:
        """Names that added or reviewed documents (for the queue's editor filter)."""
        d = s.documents
        with self.engine.connect() as conn:
            names = set(conn.scalars(select(d.c.added_by).where(d.c.added_by.is_not(None))))
            names |= set(conn.scalars(select(d.c.reviewed_by).where(d.c.reviewed_by.is_not(None))))
        return sorted(names)

    def document_history(self, doc_id: str) -> list[dict]:
        """Every audit row about a document, its records and the figures they report."""
        a, pm, bm = s.audit, s.project_mentions, s.batch_mentions
        with self.engine.connect() as conn:
            pids = [str(i) for i in conn.scalars(select(pm.c.id).where(pm.c.doc_id == doc_id))]
            bids = [str(i) for i in conn.scalars(select(bm.c.id).where(bm.c.doc_id == doc_id))]
            figures = list(
                conn.scalars(select(bm.c.batch_id).where(bm.c.doc_id == doc_id).distinct())
            )
            clauses = [and_(a.c.entity == "document", a.c.entity_id == doc_id)]
            for entity, ids in (
                ("project_mention", pids),
                ("batch_mention", bids),
                ("batch", figures),
            ):
                for chunk in records._chunks(ids):
                    clauses.append(and_(a.c.entity == entity, a.c.entity_id.in_(chunk)))
            rows = conn.execute(select(a).where(or_(*clauses)).order_by(a.c.id))
            return [dict(r._mapping) for r in rows]


def _state(filters: Mapping) -> list:
    state = filters.get("state")
    return [s.documents.c.state == state] if state else []


def _queue_where(filters: Mapping) -> list:
    d, pm, bm = s.documents, s.project_mentions, s.batch_mentions
    where = []
    when = func.coalesce(d.c.published, d.c.reference_date)
    if filters.get("date_from"):
        where.append(when >= filters["date_from"])
    if filters.get("date_to"):
        where.append(when <= filters["date_to"])
    if filters.get("city"):
        city = filters["city"]
        where.append(
            or_(
                exists().where(pm.c.doc_id == d.c.doc_id, pm.c.city_adcode == city),
                exists().where(bm.c.doc_id == d.c.doc_id, bm.c.adcode.like(city[:4] + "%")),
            )
        )
    if filters.get("source"):
        needle = f"%{_like_escape(filters['source'])}%"
        where.append(
            or_(
                d.c.publisher.like(needle, escape="\\"),
                d.c.title.like(needle, escape="\\"),
                d.c.url.like(needle, escape="\\"),
                d.c.doc_id.like(needle, escape="\\"),
            )
        )
    if filters.get("editor"):
        where.append(or_(d.c.added_by == filters["editor"], d.c.reviewed_by == filters["editor"]))
    return where


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _tallies(conn, doc_ids: list[str]) -> dict[str, dict]:
    """Records per document and review state: ``{doc_id: {"extracted": 3, ...}}``."""
    out: dict[str, dict] = {}
    if not doc_ids:
        return out
    for table in (s.project_mentions, s.batch_mentions):
        query = (
            select(table.c.doc_id, table.c.review_state, func.count())
            .where(table.c.doc_id.in_(doc_ids))
            .group_by(table.c.doc_id, table.c.review_state)
        )
        for doc_id, state, n in conn.execute(query):
            tally = out.setdefault(doc_id, {})
            tally[state] = tally.get(state, 0) + n
    return out
