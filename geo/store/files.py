"""The store's versioned form: the ``data/`` folder of CSV files plus document bytes.

``read_dir`` turns a folder into table rows (checked against the schema: a bad cell is
an error naming the file, row and column) and ``write_dir`` writes the store's snapshot
back, all files or none. Columns come from :mod:`geo.store.schema`; nothing else lists
them.
"""

from __future__ import annotations

import contextlib
import csv
import ctypes
import io
import os
import shutil
import tempfile
from datetime import date, datetime
from pathlib import Path

from geo.errors import AtlasError
from geo.store import schema as s

DOCUMENTS = "documents"  # sub-folder with each document's original bytes, by doc_id


class DataFileError(AtlasError):
    status = 400


def _cell(table, column: str, value: str, where: str):
    """A CSV cell as the column's Python value (None for empty)."""
    if value == "":
        return None
    col = table.c[column]
    try:
        if column in s.integer_columns(table):
            return int(value)
        if column in s.float_columns(table):
            return float(value)
        if column in s.date_columns(table):
            return date.fromisoformat(value[:10])
        if col.type.python_type is datetime:
            return datetime.fromisoformat(value)
    except (ValueError, NotImplementedError):
        kind = type(col.type).__name__.lower()
        raise DataFileError(
            f"{where}, column {column}: {value[:40]!r} is not a valid {kind}"
        ) from None
    enum = col.info.get("enum")
    if enum and value not in enum:
        raise DataFileError(
            f"{where}, column {column}: {value[:40]!r} is not one of {', '.join(enum)}"
        )
    return value


def read_csv(path: Path, table) -> list[dict]:
    """Rows of one snapshot file; columns the file lacks are empty, unknown ones refused."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataFileError(f"{path.name}: not UTF-8 (byte {exc.start})") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    known = set(s.csv_columns(table))
    header = reader.fieldnames or []
    unknown = [h for h in header if h not in known]
    if unknown:
        raise DataFileError(f"{path.name}: unknown column(s) {', '.join(unknown)}")
    required = [
        col.name
        for col in table.columns
        if col.info.get("csv") and (col.primary_key or not col.nullable) and col.default is None
    ]
    missing = [r for r in required if r not in header]
    if missing:
        raise DataFileError(f"{path.name}: missing column(s) {', '.join(missing)}")
    rows = []
    for n, record in enumerate(reader, start=2):
        where = f"{path.name} row {n}"
        if None in record:
            raise DataFileError(f"{where}: more cells than columns")
        rows.append(
            {k: _cell(table, k, v or "", where) for k, v in record.items() if k is not None}
        )
    return rows


def read_dir(data_dir: Path) -> dict[str, list[dict]]:
    """Rows for every table the folder has a file for (missing files: no rows)."""
    data_dir = Path(data_dir)
    tables: dict[str, list[dict]] = {}
    for name, table in s.SNAPSHOT_FILES.items():
        path = data_dir / name
        if path.exists():
            tables[table.name] = read_csv(path, table)
    for doc in tables.get("documents", []):
        _attach_content(doc, data_dir / DOCUMENTS)
    return tables


def _attach_content(doc: dict, folder: Path) -> None:
    """The document's bytes and text from documents/<doc_id>, when the folder has them."""
    from geo.documents import read_document
    from geo.store.repository import sha256

    doc.setdefault("state", "published")
    doc["state"] = doc["state"] or "published"
    path = folder / doc["doc_id"]
    if not path.is_file():
        return
    content = path.read_bytes()
    read = read_document(content, doc.get("filename") or doc["doc_id"], doc.get("media_type"))
    digest = sha256(content)
    if doc.get("sha256") and doc["sha256"] != digest:
        raise DataFileError(f"{DOCUMENTS}/{doc['doc_id']}: bytes differ from sources.csv sha256")
    doc.update(
        content=content,
        text=read.text,
        text_map=read.text_map_json(),
        sha256=digest,
        media_type=doc.get("media_type") or read.media_type,
    )


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def csv_bytes(rows: list[dict], columns: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_text(row.get(col)) for col in columns])
    return out.getvalue().encode("utf-8")


def write_dir(target: Path, tables: dict[str, list[dict]], documents: dict[str, bytes]) -> None:
    """Replace ``target`` with the snapshot: the new folder is built beside it, then swapped in.

    Readers of ``target`` see the old snapshot or the new one, never a mix; if anything
    fails the old folder is left exactly as it was and the staging folder removed.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        os.chmod(staging, 0o777 & ~_umask())
        for name, table in s.SNAPSHOT_FILES.items():
            _write_file(staging / name, csv_bytes(tables.get(table.name, []), s.csv_columns(table)))
        if documents:
            (staging / DOCUMENTS).mkdir()
            for doc_id, content in sorted(documents.items()):
                _write_file(staging / DOCUMENTS / doc_id, content)
        if target.exists():
            for keep in target.iterdir():  # files that are not the store's (README, overrides)
                if keep.is_file() and not (staging / keep.name).exists():
                    shutil.copy2(keep, staging / keep.name)
        _swap(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _write_file(path: Path, data: bytes) -> None:
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux renameat2 RENAME_EXCHANGE); False if unsupported."""
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    done = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return done == 0


def _swap(staging: Path, target: Path) -> None:
    """Put ``staging`` in ``target``'s place: one atomic exchange where the OS allows it."""
    if not target.exists():
        os.replace(staging, target)
    elif _exchange(staging, target):
        shutil.rmtree(staging, ignore_errors=True)  # now holds the old snapshot
    else:  # no renameat2: the old folder is out of the way for an instant
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.replace(target, old)
        os.replace(staging, target)
        shutil.rmtree(old, ignore_errors=True)
    with contextlib.suppress(OSError):
        fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
