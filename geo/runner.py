"""Running the pipeline over files: the engine behind ``sxmap extract``.

Each file is read and processed on its own; a file that cannot be read as an article
gets an ``error`` entry (and the command a non-zero exit) instead of a traceback. Only
regular files are opened (a FIFO or a link to a device is refused unread), and never more
than ``geo.text.MAX_BYTES`` of them. The dataset tables are written only when every file
succeeded, checked as the loader will check them, all at once (``geo.curate``).
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

from geo import curate, tables
from geo.dataset import DATA_DIR
from geo.errors import AtlasError, InputError
from geo.gazetteer import Gazetteer
from geo.pipeline import document_record, process_bytes
from geo.store import records
from geo.text import MAX_BYTES

_MAX_SOURCES_BYTES = 64 * 2**20


def display_name(path) -> str:
    """A path as text: undecodable bytes of a file name shown as ``\\xff`` escapes.

    Names that are not UTF-8 are legal on Linux; the JSON output, the dataset's
    ``doc_id`` and messages use this form, so writing them never fails.
    """
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def expand_paths(paths: list[str]) -> list[Path]:
    """Files as given; folders become their ``*.txt`` entries in name order."""
    result = []
    for p in map(Path, paths):
        if p.is_dir():
            result.extend(sorted(p.glob("*.txt")))
        elif p.exists() or p.is_symlink():
            result.append(p)
        else:
            raise InputError(f"{display_name(p)}: no such file or folder")
    if not result:
        raise InputError("no article files found")
    return result


def source_dates(sources_csv: Path | None) -> dict[str, date]:
    """doc_id → publication date, else the documented reference date.

    Without ``sources_csv`` the repository's ``data/sources.csv`` is used when it exists;
    a ``sources_csv`` that is given must exist. Dates are checked (file, row, column).
    """
    path = Path(sources_csv) if sources_csv is not None else DATA_DIR / "sources.csv"
    if not path.exists():
        if sources_csv is None:
            return {}
        raise InputError(f"{display_name(path)}: no such file")
    name = display_name(path.name)
    data = tables.read_table_file(path, _MAX_SOURCES_BYTES, display_name(path))
    header, rows = tables.parse_csv(tables.decode_utf8(data, name), name)
    if "doc_id" not in header:
        raise tables.DataError(f"{name}: no doc_id column in the header ({','.join(header)})")
    found = {}
    for r in tables.validate(tables.SOURCES, header, rows, name):
        value = r.get("published") or r.get("reference_date")
        if value:
            found[r["doc_id"]] = date.fromisoformat(value)
    return found


def read_article(path: Path) -> bytes:
    """The bytes of one article file; InputError for anything but a regular file."""
    try:
        return tables.read_regular_file(path, MAX_BYTES)
    except ValueError as exc:
        raise InputError(str(exc)) from None


def extract_paths(
    paths: list[Path],
    sources_csv: Path | None = None,
    reference_date: date | None = None,
    dataset_dir: Path | None = None,
    gazetteer: Gazetteer | None = None,
    allow_drop: bool = False,
) -> dict:
    gazetteer = gazetteer or Gazetteer.from_csv()
    dates = source_dates(sources_csv)
    if dataset_dir is not None:
        _unique_names(paths)
    documents, results = [], []
    for path in paths:
        source = display_name(path)
        try:
            raw = read_article(path)
            doc_date = dates.get(display_name(path.name), reference_date)
            result = process_bytes(raw, source, gazetteer, doc_date)
        except (OSError, InputError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            documents.append({"source": source, "error": reason})
            continue
        documents.append(document_record(result))
        results.append((path, result))
    if dataset_dir is not None:
        if len(results) != len(paths):
            raise AtlasError("dataset not written: some files could not be read")
        dropped = write_dataset(results, Path(dataset_dir), allow_drop)
        return {"documents": documents, "dropped": dropped}
    return {"documents": documents}


def _unique_names(paths: list[Path]) -> None:
    """A file's name is its doc_id in the dataset: two files may not share one."""
    seen: dict[str, Path] = {}
    for path in paths:
        name = display_name(path.name)
        if name in seen and Path(os.path.realpath(seen[name])) != Path(os.path.realpath(path)):
            raise InputError(
                f"two files are named {name} ({display_name(seen[name])}, {display_name(path)}): "
                "a file's name is its doc_id in the dataset"
            )
        seen[name] = path


def write_dataset(results, out_dir: Path, allow_drop: bool = False) -> list[str]:
    """projects.csv and batches.csv from the results, with out_dir/overrides.csv applied.

    A rebuild never silently drops what the folder holds: when a record of the current
    tables (a document and span) would be missing from the new ones, nothing is written
    and the error names the records (add articles with ``sxmap ingest`` instead), unless
    ``allow_drop`` (after an extractor change): then the dropped records are returned.
    Both tables are checked exactly as the loader will check them, then replace the old
    ones together (:func:`geo.curate.write_dataset_files`).
    """
    out_dir = Path(out_dir)
    if not out_dir.is_dir():
        raise InputError(f"{display_name(out_dir)}: no such folder")
    overrides = curate.read_overrides(out_dir / "overrides.csv")
    projects, batches = [], []
    seen: set[str] = set()
    for path, r in results:
        doc_id = display_name(path.name)
        if doc_id in seen:  # the same file given twice
            continue
        seen.add(doc_id)
        found = records.mention_rows(doc_id, r.text, r)
        projects += found[0]
        batches += found[1]
    projects = curate.with_ids("projects", curate.apply_overrides("projects", projects, overrides))
    batches = curate.with_ids("batches", curate.apply_overrides("batches", batches, overrides))
    files = {
        "projects.csv": curate.csv_text(projects, tables.PROJECTS.column_names),
        "batches.csv": curate.csv_text(batches, tables.BATCHES.column_names),
    }
    files = {name: text.encode("utf-8") for name, text in files.items()}
    for name, data in files.items():  # what the loader will refuse is never written
        table = tables.PROJECTS if name == "projects.csv" else tables.BATCHES
        tables.read(table, data, f"{name} (about to be written)")
    lost = _dropped(out_dir, {"projects.csv": projects, "batches.csv": batches})
    if lost and not allow_drop:
        shown = "; ".join(lost[:10]) + (f"; and {len(lost) - 10} more" if len(lost) > 10 else "")
        raise AtlasError(
            f"dataset not written: it would drop {len(lost)} record(s) the folder holds "
            f"({shown}); give every article again, add new ones with 'sxmap ingest', or "
            "pass --allow-drop after an extractor change"
        )
    curate.write_dataset_files(out_dir, files)
    return lost


def _mention_key(row: dict, name: str) -> tuple:
    kind = row.get("kind") if name == "batches.csv" else None
    return (row["doc_id"], int(row["span_start"]), kind)


def _dropped(out_dir: Path, new: dict[str, list[dict]]) -> list[str]:
    """The records the folder holds that the new tables would not: "file: doc@span name"."""
    from geo.store.files import DatasetDir

    lost = []
    with DatasetDir(out_dir) as folder:
        for name, rows in new.items():
            if not folder.exists(name):
                continue
            kept = {_mention_key(r, name) for r in rows}
            for row in folder.read(name).to_dict("records"):
                if _mention_key(row, name) not in kept:
                    label = row.get("name") or row.get("place") or ""
                    lost.append(f"{name}: {row['doc_id']}@{row['span_start']} {label}".rstrip())
    return lost


def to_json(payload: dict) -> str:
    return json.dumps(payload, ensure_ascii=False, indent=1) + "\n"
