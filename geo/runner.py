"""Running the pipeline over files: the engine behind ``sxmap extract``.

Each file is read and processed on its own; a file that cannot be read as an article
gets an ``error`` entry (and the command a non-zero exit) instead of a traceback.
The dataset tables are written only when every file succeeded, all at once.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

from geo import curate
from geo.dataset import DATA_DIR
from geo.errors import AtlasError, InputError
from geo.gazetteer import Gazetteer
from geo.pipeline import document_record, process_bytes
from geo.store import records
from geo.store.schema import batch_mentions, csv_columns, project_mentions


def expand_paths(paths: list[str]) -> list[Path]:
    """Files as given; folders become their ``*.txt`` files in name order."""
    result = []
    for p in map(Path, paths):
        if p.is_dir():
            result.extend(sorted(p.glob("*.txt")))
        elif p.exists():
            result.append(p)
        else:
            raise InputError(f"{p}: no such file or folder")
    if not result:
        raise InputError("no article files found")
    return result


def source_dates(sources_csv: Path | None) -> dict[str, date]:
    """doc_id → publication date, else the documented reference date."""
    path = sources_csv or DATA_DIR / "sources.csv"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    found = {}
    for r in rows:
        value = r.get("published") or r.get("reference_date")
        if value:
            found[r["doc_id"]] = date.fromisoformat(value)
    return found


def extract_paths(
    paths: list[Path],
    sources_csv: Path | None = None,
    reference_date: date | None = None,
    dataset_dir: Path | None = None,
    gazetteer: Gazetteer | None = None,
) -> dict:
    gazetteer = gazetteer or Gazetteer.from_csv()
    dates = source_dates(sources_csv)
    documents, results = [], []
    for path in paths:
        try:
            raw = path.read_bytes()
            result = process_bytes(raw, str(path), gazetteer, dates.get(path.name, reference_date))
        except (OSError, InputError) as exc:
            documents.append({"source": str(path), "error": str(exc)})
            continue
        documents.append(document_record(result))
        results.append((path, result))
    if dataset_dir is not None:
        if len(results) != len(paths):
            raise AtlasError("dataset not written: some files could not be read")
        write_dataset(results, Path(dataset_dir))
    return {"documents": documents}


def write_dataset(results, out_dir: Path) -> None:
    """projects.csv and batches.csv from the results, with out_dir/overrides.csv applied."""
    overrides = curate.read_overrides(out_dir / "overrides.csv")
    projects, batches = [], []
    for path, r in results:
        found = records.mention_rows(path.name, r.text, r)
        projects += found[0]
        batches += found[1]
    projects = curate.with_ids("projects", curate.apply_overrides("projects", projects, overrides))
    batches = curate.with_ids("batches", curate.apply_overrides("batches", batches, overrides))
    curate.write_all(
        {
            out_dir / "projects.csv": curate.csv_text(projects, csv_columns(project_mentions)),
            out_dir / "batches.csv": curate.csv_text(batches, csv_columns(batch_mentions)),
        }
    )


def to_json(payload: dict) -> str:
    return json.dumps(payload, ensure_ascii=False, indent=1) + "\n"
