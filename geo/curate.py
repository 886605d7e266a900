"""Building the curated tables from extraction results plus reviewed overrides.

``data/overrides.csv`` holds every manual correction, one row each, with a reason:
``action`` is ``set`` (change one field of one record) or ``drop`` (remove a record);
records are keyed by ``table``, ``doc_id`` and ``span_start``. Regenerating from the
seeds and the overrides is reproducible, and every correction is visible in review.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

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


def with_ids(table: str, rows: list[dict]) -> list[dict]:
    """Mention rows with the canonical id each merges into (as the store derives it)."""
    from geo.store import merge

    if table == "batches":
        for row in rows:
            row["batch_id"] = merge.batch_id(merge.batch_merge_key(row))
        return rows
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault(merge.project_merge_key(row), []).append(row)
    for key, group in groups.items():
        for row, pid in zip(group, merge.assign_projects(key, group), strict=True):
            row["project_id"] = pid
    return rows


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
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: "" if row.get(c) is None else row[c] for c in columns})
    return out.getvalue()


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
