"""The fixture dataset's own record ids (P001, B004 …) for canonical records.

The store derives canonical ids from merge keys (``geo.store.merge``); the fixture CSVs
keep readable ids on their mention rows. A canonical record points at its source mention
by document and span, which is how tests translate back.
"""

import csv
import functools
from pathlib import Path

FIXTURE_DATA = Path(__file__).resolve().parent / "fixtures" / "dataset"


@functools.cache
def _ids() -> dict:
    ids = {}
    for name, key in (("projects.csv", "project_id"), ("batches.csv", "batch_id")):
        with (FIXTURE_DATA / name).open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                ids[(row["doc_id"], int(row["span_start"]), row.get("kind"))] = row[key]
    return ids


def fixture_id(props: dict) -> str:
    """P00x for a canonical project's properties, B00x for a batch's."""
    return _ids()[(props["doc_id"], int(props["span_start"]), props.get("kind"))]
