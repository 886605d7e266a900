"""Building the curated tables from extraction results plus reviewed overrides.

``data/overrides.csv`` holds every manual correction, one row each, with a reason:
``action`` is ``set`` (change one field of one record) or ``drop`` (remove a record);
records are keyed by ``table``, ``doc_id`` and ``span_start``. Regenerating from the
seeds and the overrides is reproducible, and every correction is visible in review.
"""

from __future__ import annotations

import csv
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from geo import csvfile
from geo.dataset import BATCH_COLUMNS, PROJECT_COLUMNS
from geo.errors import AtlasError

OVERRIDE_COLUMNS = ["action", "table", "doc_id", "span_start", "field", "value", "reason"]
_QUOTE_CHARS = 200


@dataclass(frozen=True)
class Override:
    action: str
    table: str
    doc_id: str
    span_start: int
    field: str | None
    value: str | None
    reason: str


def read_overrides(path: Path) -> list[Override]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    result = []
    for n, r in enumerate(rows, start=2):
        if r["action"] not in ("set", "drop") or r["table"] not in ("projects", "batches"):
            raise AtlasError(
                f"{path.name} line {n}: unknown action/table {r['action']}/{r['table']}"
            )
        if not r.get("reason"):
            raise AtlasError(f"{path.name} line {n}: every override needs a reason")
        result.append(
            Override(
                r["action"],
                r["table"],
                r["doc_id"],
                int(r["span_start"]),
                r.get("field") or None,
                r.get("value") or None,
                r["reason"],
            )
        )
    return result


def _quote(text: str, span) -> str:
    start, end = span
    snippet = " ".join(text[start:end].split())
    return snippet if len(snippet) <= _QUOTE_CHARS else snippet[: _QUOTE_CHARS - 1] + "…"


def _rows(doc_id: str, text: str, records: list[dict], columns: list[str], make_id) -> list[dict]:
    """Table rows of one document's records: schema columns, id, span and quoted source."""
    rows = []
    for record in records:
        start, end = record["span"]
        row = {c: record.get(c) for c in columns}
        row.update(doc_id=doc_id, span_start=start, span_end=end, quote=_quote(text, (start, end)))
        row[columns[0]] = make_id(doc_id.split("_")[0], start, record)
        rows.append(row)
    return rows


def project_rows(doc_id: str, text: str, projects: list[dict]) -> list[dict]:
    return _rows(doc_id, text, projects, PROJECT_COLUMNS, lambda doc, start, _: f"{doc}-p{start}")


def batch_rows(doc_id: str, text: str, batches: list[dict]) -> list[dict]:
    return _rows(
        doc_id, text, batches, BATCH_COLUMNS, lambda doc, start, b: f"{doc}-b{start}-{b['kind']}"
    )


def apply_overrides(table: str, rows: list[dict], overrides: list[Override]) -> list[dict]:
    """Rows with the overrides for ``table`` applied; an override matching nothing is an
    error (the extraction changed under it and it must be reviewed again)."""
    by_key = {(r["doc_id"], int(r["span_start"])): r for r in rows}
    dropped = set()
    for o in (o for o in overrides if o.table == table):
        key = (o.doc_id, o.span_start)
        if key not in by_key:
            raise AtlasError(
                f"override for {table} {o.doc_id}@{o.span_start} matches no extracted record"
            )
        if o.action == "drop":
            dropped.add(key)
        else:
            by_key[key][o.field] = o.value
    return [r for k, r in by_key.items() if k not in dropped]


def csv_text(rows: list[dict], columns: list[str]) -> str:
    """A dataset table: the data's own storage, text kept exactly (see :mod:`geo.csvfile`)."""
    return csvfile.csv_text(
        columns, ([row.get(c) for c in columns] for row in rows), spreadsheet=False
    )


def write_all(files: dict[Path, str]) -> None:
    """Write several files so that either all are replaced or none is."""
    staged = []
    try:
        for path, text in files.items():
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
                f.write(text)
            staged.append((tmp, path))
    except BaseException:
        for tmp, _ in staged:
            os.unlink(tmp)
        raise
    for tmp, path in staged:
        os.replace(tmp, path)
