"""``sxmap export``: the store as a ``data/`` snapshot, the versioned form of the data."""

from __future__ import annotations

from pathlib import Path

from geo.store import files
from geo.store import schema as s


def export_dataset(repo, target: Path) -> dict[str, int]:
    """Write every snapshot file and each document's bytes into ``target`` (all or none)."""
    tables, counts = {}, {}
    for name, table in s.SNAPSHOT_FILES.items():
        order = [table.c[col.name] for col in table.primary_key.columns]
        if table is s.project_mentions or table is s.batch_mentions:
            order = [table.c.doc_id, table.c.span_start, table.c.id]
        tables[table.name] = repo.rows(table, order_by=order)
        counts[name] = len(tables[table.name])
    documents = repo.document_contents()
    files.write_dir(Path(target), tables, documents)
    counts["documents/"] = len(documents)
    return counts
