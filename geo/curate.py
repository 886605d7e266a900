"""Building the curated tables from extraction results plus reviewed overrides.

``data/overrides.csv`` holds every manual correction, one row each, with a reason:
``action`` is ``set`` (change one field of one record) or ``drop`` (remove a record);
records are keyed by ``table``, ``doc_id`` and ``span_start``. Regenerating from the
seeds and the overrides is reproducible, and every correction is visible in review.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import secrets
import shutil
import stat
import time
from dataclasses import dataclass
from pathlib import Path

from geo import csvfile, tables
from geo.errors import AtlasError

OVERRIDE_COLUMNS = ["action", "table", "doc_id", "span_start", "field", "value", "reason"]
OVERRIDES = tables.Table(
    "overrides.csv",
    {
        "action": tables.choice(("set", "drop")),
        "table": tables.choice(("projects", "batches")),
        "doc_id": tables.TEXT,
        "span_start": tables.INT,
        "field": tables.TEXT,
        "value": tables.TEXT,
        "reason": tables.TEXT,
    },
    required=("action", "table", "doc_id", "span_start", "reason"),
)
TARGETS = {"projects": tables.PROJECTS, "batches": tables.BATCHES}
_MAX_OVERRIDES_BYTES = 64 * 2**20


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
    """The reviewed corrections; every value is checked against the column it sets."""
    path = Path(path)
    if not path.exists() and not path.is_symlink():
        return []
    name = path.name
    data = tables.read_table_file(path, _MAX_OVERRIDES_BYTES, str(path))
    header, rows = tables.parse_csv(tables.decode_utf8(data, name), name)
    tables.check_header(header, OVERRIDES, name, exact=True)
    result = []
    for row, r in zip(rows, tables.validate(OVERRIDES, header, rows, name), strict=True):
        target = TARGETS[r["table"]]
        if r["action"] == "set":
            field = r["field"]
            derived = (target.key, "doc_id", "span_start", "project_id", "batch_id")
            settable = [c for c in target.columns if c not in derived]
            if field not in settable:
                raise tables.DataError(
                    f"{tables.where(name, row, 'field')}: {field!r} is not a field of "
                    f"{target.name} an override can set ({', '.join(settable)})"
                )
            try:
                tables.check_value(target, field, r["value"] or "")
            except ValueError as exc:
                raise tables.DataError(
                    f"{tables.where(name, row, 'value')}: {exc} (the value of {field})"
                ) from None
        result.append(
            Override(
                r["action"],
                r["table"],
                r["doc_id"],
                r["span_start"],
                r["field"],
                r["value"],
                r["reason"],
            )
        )
    return result


def with_ids(table: str, rows: list[dict]) -> list[dict]:
    """Mention rows with the canonical id each merges into, as the store derives it
    (:mod:`geo.store.merge`): ids unique across files and stable across rebuilds."""
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
    """A dataset table: the data's own storage, text kept exactly (see :mod:`geo.csvfile`)."""
    return csvfile.csv_text(
        columns, ([row.get(c) for c in columns] for row in rows), spreadsheet=False
    )


# ---------------------------------------------------------------- writing files


class DatasetBusy(AtlasError):
    """Another process is writing the same dataset."""


def _pause(point: str) -> None:
    """Test hook: with ``SXMAP_TEST_PAUSE_DIR`` set, announce ``point`` and wait there.

    Creates ``<dir>/<point>.reached``, then waits until ``<dir>/<point>.go`` exists, so a
    test can kill the writer (or start a second one) exactly inside the write window.
    """
    folder = os.environ.get("SXMAP_TEST_PAUSE_DIR")
    if not folder:
        return
    Path(folder, f"{point}.reached").touch()
    while not Path(folder, f"{point}.go").exists():
        time.sleep(0.01)


def _write_new(path: Path, data: bytes, *, dir_fd: int | None = None) -> None:
    """A new file (never an existing one), mode 0666 less the umask, on disk when done."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o666, dir_fd=dir_fd)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_file(path: Path, data: bytes) -> None:
    """Replace one file atomically: a temporary file beside it, fsynced, renamed over it.

    The file gets the umask's permissions; the temporary file is removed on any error.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.sxmap-tmp-{os.getpid()}-{secrets.token_hex(4)}")
    try:
        _write_new(tmp, data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def _lock_folder(folder: Path) -> int:
    """An exclusive ``flock`` on the dataset folder now at ``folder`` (its open fd)."""
    for _ in range(10):
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise DatasetBusy(
                f"{folder}: another sxmap is writing this dataset; try again when it is done"
            ) from None
        # A writer may have swapped a new folder in while we opened this one: lock that.
        here, held = os.stat(folder), os.fstat(fd)
        if (here.st_dev, here.st_ino) == (held.st_dev, held.st_ino):
            return fd
        os.close(fd)
    raise DatasetBusy(f"{folder}: the dataset keeps changing under us; try again")


def _stage_prefix(target: Path) -> str:
    return f".{target.name}.sxmap-"


def _remove_stale(target: Path) -> None:
    """Folders left by a writer that was killed (we hold the lock: none is live)."""
    for entry in os.scandir(target.parent):
        if entry.name.startswith(_stage_prefix(target)) and entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path)


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst, follow_symlinks=False)
    except OSError:  # another owner's file (protected_hardlinks), or no hard links here
        shutil.copy2(src, dst, follow_symlinks=False)


def _copy_others(source: Path, stage: Path, skip) -> None:
    """Everything else in the dataset folder (zones, sources, overrides...) into the new one."""
    for entry in os.scandir(source):
        if entry.name in skip:
            continue
        dst = stage / entry.name
        if entry.is_symlink():
            os.symlink(os.readlink(entry.path), dst)
        elif entry.is_dir():
            shutil.copytree(entry.path, dst, symlinks=True, copy_function=_link_or_copy)
        else:
            _link_or_copy(entry.path, str(dst))


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> None:
    """Swap two folders in one step (Linux ``renameat2(RENAME_EXCHANGE)``).

    Where that is unavailable, ``b`` is moved aside and ``a`` moved in: two renames, so a
    reader may briefly find no folder, but never a mix of old and new tables.
    """
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is not None:
        renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p] * 2 + [ctypes.c_uint]
        if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
            return
        err = ctypes.get_errno()
        if err not in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
            raise OSError(err, os.strerror(err), str(b))
    aside = a.with_name(a.name + ".old")
    os.rename(b, aside)
    os.rename(a, b)
    os.rename(aside, a)


def write_dataset_files(folder: Path, files: dict[str, bytes], keep_others: bool = True) -> None:
    """Replace ``files`` (name → bytes) in the dataset ``folder`` as one unit.

    A name may be ``sub/name``: that sub-folder is then replaced whole by the given files.
    With ``keep_others=False`` the folder holds exactly ``files`` afterwards.

    A new folder is made beside it holding the new files plus (hard links to) everything
    else, fsynced, then swapped for the old one in one atomic step, and the old one is
    removed. Readers that opened the old folder keep reading it (``geo.dataset``); new
    readers see the new one: never projects of one write and batches of another. A second
    writer is refused (:class:`DatasetBusy`); files get the umask's permissions; nothing is
    left behind on an error, and whatever a killed writer left is removed by the next.
    """
    target = Path(os.path.realpath(folder))
    if not target.is_dir():
        raise AtlasError(f"{folder}: no such folder")
    lock = _lock_folder(target)
    try:
        _remove_stale(target)
        stage = target.with_name(f"{_stage_prefix(target)}{os.getpid()}-{secrets.token_hex(4)}")
        os.mkdir(stage, 0o700)  # private until complete
        swapped = False
        try:
            stage_lock = _lock_folder(stage)  # a writer arriving after the swap finds it held
            try:
                if keep_others:
                    _copy_others(target, stage, skip={name.split("/")[0] for name in files})
                for i, (name, data) in enumerate(files.items()):
                    if "/" in name:  # a file in a sub-folder the write replaces whole
                        (stage / name).parent.mkdir(parents=True, exist_ok=True)
                    _write_new(stage / name, data)
                    if i == 0:
                        _pause("first-table")
                os.chmod(stage, stat.S_IMODE(os.stat(target).st_mode))
                _fsync_dir(stage)
                _pause("staged")
                _exchange(stage, target)
                swapped = True
                _fsync_dir(target.parent)
                _pause("swapped")
                shutil.rmtree(stage)  # the old dataset
                _fsync_dir(target.parent)
            finally:
                os.close(stage_lock)
        except BaseException:
            if not swapped:
                shutil.rmtree(stage, ignore_errors=True)
            raise
    finally:
        os.close(lock)
