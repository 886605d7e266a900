"""Mention rows from extraction results, and the canonical rows rebuilt from them.

Every function takes an open connection inside the caller's write transaction: a
document, its mentions, the canonical records they change and the audit row commit
together or not at all.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date, datetime

import shapely
from sqlalchemy import DateTime, bindparam, delete, insert, select, update
from sqlalchemy.engine import Connection

from geo.store import merge
from geo.store import schema as s

QUOTE_CHARS = 200
PROJECT_FIELDS = [col for col in s.csv_columns(s.project_mentions) if col != "project_id"]
BATCH_FIELDS = [col for col in s.csv_columns(s.batch_mentions) if col != "batch_id"]


def quote(text: str | None, start: int, end: int) -> str | None:
    """The source text of a span, whitespace folded, cut at 200 characters."""
    if text is None:
        return None
    snippet = " ".join(text[start:end].split())
    return snippet if len(snippet) <= QUOTE_CHARS else snippet[: QUOTE_CHARS - 1] + "…"


def to_date(value) -> date | None:
    if value is None or value == "" or isinstance(value, date):
        return value or None
    return date.fromisoformat(str(value)[:10])


def _typed(table, row: Mapping) -> dict:
    """A full row of ``table``: every column (defaults where missing), dates as dates."""
    out = {}
    for col in table.columns:
        if col.name == "id" and col.autoincrement is True:
            continue
        default = col.default.arg if col.default is not None and col.default.is_scalar else None
        out[col.name] = row.get(col.name, default)
    for name in s.date_columns(table):
        out[name] = to_date(out[name])
    for col in table.columns:
        if isinstance(col.type, DateTime) and isinstance(out.get(col.name), str):
            out[col.name] = datetime.fromisoformat(out[col.name])
    return out


def complete(table, rows: Iterable[Mapping]) -> list[dict]:
    """Rows ready for one executemany insert (all with the same keys)."""
    return [_typed(table, r) for r in rows]


def mention_rows(doc_id: str, text: str, result, review_state: str = "extracted"):
    """(project rows, batch rows, annotation rows) of one extraction result."""
    projects, batches, notes = [], [], []
    for record in result.projects:
        start, end = record["span"]
        row = {f: record.get(f) for f in PROJECT_FIELDS}
        row.update(doc_id=doc_id, span_start=start, span_end=end, quote=quote(text, start, end))
        row["review_state"] = review_state
        projects.append(row)
    for record in [*result.batches, *getattr(result, "groups", [])]:  # every figure, typed
        start, end = record["span"]
        row = {f: record.get(f) for f in BATCH_FIELDS}
        row.update(doc_id=doc_id, span_start=start, span_end=end, quote=quote(text, start, end))
        row["review_state"] = review_state
        batches.append(row)
    for zone in result.zones:
        for start, end in zone.get("mentions") or [zone["span"]]:
            notes.append(
                {
                    "doc_id": doc_id,
                    "type": "zone",
                    "kind": zone.get("type"),
                    "label": zone.get("mention") or zone.get("name"),
                    "ref": zone.get("zone_id"),
                    "span_start": start,
                    "span_end": end,
                }
            )
    for fact in result.facts:
        if not fact.get("span"):
            continue
        start, end = fact["span"]
        notes.append(
            {
                "doc_id": doc_id,
                "type": "fact",
                "kind": fact.get("kind"),
                "label": fact.get("text") or quote(text, start, end),
                "value_cny": fact.get("value_cny")
                if isinstance(fact.get("value_cny"), int)
                else None,
                "span_start": start,
                "span_end": end,
                "evidence": fact.get("evidence"),
            }
        )
    return projects, batches, notes


def insert_mentions(conn: Connection, projects: list[dict], batches: list[dict]) -> tuple[set, set]:
    """Insert mention rows; returns the (project merge keys, batch ids) they touch."""
    project_keys, batch_ids = set(), set()
    for row in projects:
        row["merge_key"] = merge.project_merge_key(row)
        project_keys.add(row["merge_key"])
    for row in batches:
        row["merge_key"] = merge.batch_merge_key(row)
        row["batch_id"] = merge.batch_id(row["merge_key"])
        batch_ids.add(row["batch_id"])
    if projects:
        conn.execute(insert(s.project_mentions), [_typed(s.project_mentions, r) for r in projects])
    if batches:
        conn.execute(insert(s.batch_mentions), [_typed(s.batch_mentions, r) for r in batches])
    return project_keys, batch_ids


def _doc_dates(rows: Iterable[Mapping]) -> dict[str, str | None]:
    dates = {}
    for r in rows:
        when = r.get("published") or r.get("reference_date")
        dates[r["doc_id"]] = when.isoformat() if when else None
    return dates


def _with_docs(table):
    return (
        select(
            table,
            s.documents.c.state.label("doc_state"),
            s.documents.c.published,
            s.documents.c.reference_date,
        )
        .join(s.documents, s.documents.c.doc_id == table.c.doc_id)
        .order_by(table.c.id)
    )


def _is_live(row: Mapping) -> bool:
    return row["doc_state"] == "published" and row["review_state"] != "rejected"


def _point(row: Mapping):
    lon, lat = row.get("lon"), row.get("lat")
    return None if lon is None or lat is None else shapely.Point(lon, lat)


def _chunks(values: list, size: int = 500):
    for i in range(0, len(values), size):
        yield values[i : i + size]


def _mentions_by(conn: Connection, table, column, values: Iterable | None) -> dict[str, list[dict]]:
    """Mentions (with their document's state and dates) grouped by ``column``; all if None."""
    groups: dict[str, list[dict]] = defaultdict(list)
    query = _with_docs(table)
    batches = [None] if values is None else _chunks(sorted(set(values)))
    for chunk in batches:
        q = query if chunk is None else query.where(table.c[column].in_(chunk))
        for r in conn.execute(q):
            row = dict(r._mapping)
            groups[row[column]].append(row)
    return groups


def _replace(conn: Connection, table, id_column: str, stale: set, rows: list[dict]) -> None:
    for chunk in _chunks(sorted(stale)):
        conn.execute(delete(table).where(table.c[id_column].in_(chunk)))
    if rows:
        conn.execute(insert(table), rows)


def refresh_projects(conn: Connection, merge_keys: Iterable[str] | None) -> None:
    """Re-merge the canonical projects of ``merge_keys`` (every one if None)."""
    pm = s.project_mentions
    stale, canonical, moved = set(), [], []
    for key, rows in _mentions_by(conn, pm, "merge_key", merge_keys).items():
        stale |= {r["project_id"] for r in rows if r["project_id"]}
        ids = merge.assign_projects(key, rows)
        for row, pid in zip(rows, ids, strict=True):
            if row["project_id"] != pid:
                moved.append({"mention": row["id"], "pid": pid})
                row["project_id"] = pid
        stale |= set(ids)
        groups: dict[str, list[dict]] = defaultdict(list)
        for row in rows:
            if _is_live(row):
                groups[row["project_id"]].append(row)
        dates = _doc_dates(rows)
        for pid, live in groups.items():
            record = merge.project_row(pid, live, dates)
            record["geom"] = _point(record)
            canonical.append(_typed(s.projects, record))
    if moved:  # one executemany, not a statement per mention (a bulk load moves them all)
        conn.execute(
            update(pm).where(pm.c.id == bindparam("mention")).values(project_id=bindparam("pid")),
            moved,
        )
    _replace(conn, s.projects, "project_id", stale, canonical)


def refresh_batches(conn: Connection, batch_ids: Iterable[str] | None) -> None:
    """Re-merge the canonical figures ``batch_ids`` (every one if None)."""
    groups = _mentions_by(conn, s.batch_mentions, "batch_id", batch_ids)
    stale = set(groups) | set(batch_ids or ())
    settled = resolutions(conn, groups)
    canonical = []
    for bid, rows in groups.items():
        live = [r for r in rows if _is_live(r)]
        if live:
            row = merge.batch_row(bid, live, _doc_dates(rows), settled.get(bid))
            canonical.append(_typed(s.batches, row))
    _replace(conn, s.batches, "batch_id", stale, canonical)


def resolutions(conn: Connection, batch_ids: Iterable[str]) -> dict[str, dict]:
    """Editors' settlements of conflicting figures, by batch id."""
    r = s.resolutions
    found = {}
    for chunk in _chunks(sorted(set(batch_ids))):
        for row in conn.execute(select(r).where(r.c.batch_id.in_(chunk))):
            found[row.batch_id] = dict(row._mapping)
    return found


def keys_of_documents(conn: Connection, doc_ids: Iterable[str]) -> tuple[set, set]:
    """(project merge keys, batch ids) of every mention of these documents."""
    doc_ids = list(doc_ids)
    pm, bm = s.project_mentions, s.batch_mentions
    keys = set(conn.scalars(select(pm.c.merge_key).where(pm.c.doc_id.in_(doc_ids))))
    bids = set(conn.scalars(select(bm.c.batch_id).where(bm.c.doc_id.in_(doc_ids))))
    return keys, bids


def refresh_all(conn: Connection) -> None:
    """Rebuild every canonical record (after a bulk load)."""
    conn.execute(delete(s.projects))
    conn.execute(delete(s.batches))
    refresh_projects(conn, None)
    refresh_batches(conn, None)


def audit(
    conn: Connection,
    actor: str,
    action: str,
    entity: str,
    entity_id: str,
    *,
    before=None,
    after=None,
    note: str | None = None,
    at=None,
) -> None:
    from datetime import UTC, datetime

    def dump(value):
        return None if value is None else json.dumps(value, ensure_ascii=False, default=str)

    conn.execute(
        insert(s.audit).values(
            at=at or datetime.now(UTC),
            actor=actor,
            action=action,
            entity=entity,
            entity_id=entity_id,
            before=dump(before),
            after=dump(after),
            note=note,
        )
    )
