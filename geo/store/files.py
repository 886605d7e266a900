"""The store's versioned form: the ``data/`` folder of CSV files plus document bytes.

``read_dir`` turns a folder into table rows, every value checked (:mod:`geo.tables`: an
error names the file, row, line and column), read from one opened snapshot of the folder
(:class:`DatasetDir`) so a concurrent writer never gives a mix. ``write_dir`` writes the
store's snapshot back as one unit (:func:`geo.curate.write_dataset_files`: a new folder
swapped in atomically, locked against a second writer). Columns come from
:mod:`geo.store.schema`; nothing else lists them.
"""

from __future__ import annotations

import hashlib
import os
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from geo import tables
from geo.errors import AtlasError
from geo.store import schema as s

DOCUMENTS = "documents"  # sub-folder with each document's original bytes, by doc_id


TABLES = {name: tables.of(name) for name in s.SNAPSHOT_FILES}


class DatasetDir:
    """A dataset folder opened once: a snapshot of its tables, however it changes later.

    On entry the folder and every table in it are opened; reads then come from those open
    files. A writer replaces the whole folder at once (``geo.curate.write_dataset_files``),
    so projects and batches always come from the same write. Should the folder be replaced
    and removed while being opened, it is opened again. A folder that does not exist yet
    has no tables.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self._files: dict[str, int] = {}
        self._digest = hashlib.sha256()
        for _ in range(20):
            if self._open():
                return
        raise tables.DataError(f"{self.path}: the dataset keeps being replaced; try again")

    def _open(self) -> bool:
        try:
            folder = os.open(self.path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except FileNotFoundError:
            return True
        except OSError as exc:
            raise tables.DataError(
                f"{self.path}: cannot open the dataset folder: {exc.strerror}"
            ) from None
        try:
            for name in TABLES:
                try:
                    self._files[name] = tables.open_regular_file(
                        name, tables.MAX_TABLE_BYTES, dir_fd=folder
                    )
                except FileNotFoundError:
                    continue
                except (OSError, ValueError) as exc:
                    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
                    raise tables.DataError(f"{self.path / name}: {reason}") from None
            if os.fstat(folder).st_nlink == 0:  # replaced and removed meanwhile: again
                self.close()
                return False
            return True
        except BaseException:
            self.close()
            raise
        finally:
            os.close(folder)

    def close(self) -> None:
        for fd in self._files.values():
            os.close(fd)
        self._files = {}

    def __enter__(self) -> DatasetDir:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def exists(self, name: str) -> bool:
        return name in self._files

    def read(self, name: str) -> pd.DataFrame:
        """A validated table as text/int/float/None objects (see :mod:`geo.tables`)."""
        if name not in self._files:
            raise tables.DataError(f"{self.path / name}: no such file")
        try:
            data = tables.read_fd(self._files[name], tables.MAX_TABLE_BYTES)
        except (OSError, ValueError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise tables.DataError(f"{self.path / name}: {reason}") from None
        self._digest.update(f"{name}\0{len(data)}\0".encode())
        self._digest.update(data)
        header, records = tables.read(TABLES[name], data, name)
        return pd.DataFrame(records, columns=header, dtype=object)

    @property
    def version(self) -> str:
        """A hash of every table read so far."""
        return self._digest.hexdigest()[:16]


def read_dir(data_dir: Path) -> dict[str, list[dict]]:
    """Rows for every table the folder has a file for (missing files: no rows)."""
    data_dir = Path(data_dir)
    found: dict[str, list[dict]] = {}
    with DatasetDir(data_dir) as folder:
        for name, table in s.SNAPSHOT_FILES.items():
            if folder.exists(name):
                frame = folder.read(name)
                found[table.name] = [
                    {k: v for k, v in r.items() if v is not None} for r in frame.to_dict("records")
                ]
    listed = {d["doc_id"] for d in found.get("documents", [])}
    for table in ("project_mentions", "batch_mentions"):
        for row in found.get(table, []):
            if row["doc_id"] not in listed:  # a record's source must exist as a document
                listed.add(row["doc_id"])
                found.setdefault("documents", []).append(
                    {"doc_id": row["doc_id"], "note": "not listed in sources.csv"}
                )
    for doc in found.get("documents", []):
        _attach_content(doc, data_dir / DOCUMENTS)
    return found


def _attach_content(doc: dict, folder: Path) -> None:
    """The document's bytes and text from documents/<doc_id>, when the folder has them."""
    from geo.documents import read_document
    from geo.store.repository import sha256
    from geo.text import MAX_BYTES

    doc["state"] = doc.get("state") or "published"
    path = folder / doc["doc_id"]
    if not path.is_file():
        return
    try:
        content = tables.read_regular_file(path, MAX_BYTES)
    except (OSError, ValueError) as exc:
        raise tables.DataError(f"{DOCUMENTS}/{doc['doc_id']}: {exc}") from None
    read = read_document(content, doc.get("filename") or doc["doc_id"], doc.get("media_type"))
    digest = sha256(content)
    if doc.get("sha256") and doc["sha256"] != digest:
        raise tables.DataError(
            f"{DOCUMENTS}/{doc['doc_id']}: its bytes differ from the sha256 in sources.csv"
        )
    doc.update(
        content=content,
        text=read.text,
        text_map=read.text_map_json(),
        sha256=digest,
        media_type=doc.get("media_type") or read.media_type,
    )


def _text(value) -> str | None:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def csv_bytes(rows: list[dict], columns: list[str]) -> bytes:
    from geo import csvfile

    lines = ([_text(row.get(col)) for col in columns] for row in rows)
    return csvfile.csv_text(columns, lines, spreadsheet=False).encode("utf-8")


def write_dir(target: Path, tables_: dict[str, list[dict]], documents: dict[str, bytes]) -> None:
    """Replace ``target``'s snapshot files and documents/ as one unit (all or none)."""
    from geo import curate

    target = Path(target)
    if not target.exists():
        target.mkdir(parents=True)
    files = {
        name: csv_bytes(tables_.get(table.name, []), s.csv_columns(table))
        for name, table in s.SNAPSHOT_FILES.items()
    }
    for name, data in files.items():  # what the loader would refuse is never written
        tables.read(tables.of(name), data, f"{name} (about to be written)")
    for doc_id, content in documents.items():
        if "/" in doc_id or doc_id in ("", ".", ".."):
            raise AtlasError(f"document id {doc_id!r} cannot be a file name")
        files[f"{DOCUMENTS}/{doc_id}"] = content
    curate.write_dataset_files(target, files)
