"""Reading and validating the dataset's CSV tables: every value checked, errors that point.

One schema (column → kind) per table. A table is read as bytes (bounded, regular files
only), decoded as UTF-8, parsed with :mod:`csv` and validated value by value; the first
bad value raises :class:`DataError` naming the file, the row (and its line), the column
and what is wrong. The same check runs when a table is written (``geo.curate``) and when
it is loaded (``geo.dataset``), and on ``overrides.csv`` and ``--sources`` files.
"""

from __future__ import annotations

import csv
import functools
import io
import math
import os
import re
import stat
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from geo.errors import AtlasError

MAX_TABLE_BYTES = 512 * 2**20  # a table larger than this is refused, not read


class DataError(AtlasError):
    """A data file that cannot be used: unreadable, not UTF-8, or a value of the wrong kind."""

    status = 500


# Text may hold anything printable, tabs and line breaks; not other control characters
# (they break HTTP headers and terminals, and no article needs them).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ZONE_ID = re.compile(r"[A-Za-z0-9_-]{1,40}")
_RECORD_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,159}")
_INT = re.compile(r"\d{1,18}")
_FLOAT = re.compile(r"-?\d{1,3}(\.\d{1,12})?")  # degrees
_NUMBER = re.compile(r"-?\d{1,15}(\.\d{1,12})?")
_ADCODE = re.compile(r"\d{6}")


def _text(value: str):
    if _CONTROL.search(value):
        raise ValueError("contains a control character")
    return value


def _int(value: str):
    if not _INT.fullmatch(value):
        raise ValueError(f"{value[:40]!r} is not a whole number (digits only, at most 18)")
    return int(value)


def _float(lo: float, hi: float, pattern: re.Pattern = _FLOAT):
    def check(value: str):
        if not pattern.fullmatch(value):
            raise ValueError(f"{value[:40]!r} is not a decimal number")
        number = float(value)
        if not (math.isfinite(number) and lo <= number <= hi):
            raise ValueError(f"{value!r} is outside {lo}..{hi}")
        return number

    return check


def _date(value: str):
    try:
        if len(value) != 10:
            raise ValueError
        date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value[:40]!r} is not a YYYY-MM-DD date") from None
    return value


def _pattern(regex: re.Pattern, what: str):
    def check(value: str):
        if not regex.fullmatch(value):
            raise ValueError(f"{value[:40]!r} is not {what}")
        return value

    return check


def choice(allowed: tuple[str, ...]):
    def check(value: str):
        if value not in allowed:
            raise ValueError(f"{value[:40]!r} is not one of {', '.join(allowed)}")
        return value

    return check


def _adcode(value: str):
    if not _ADCODE.fullmatch(value):
        raise ValueError(f"{value[:40]!r} is not a 6-digit adcode")
    if value not in _unit_codes():
        raise ValueError(f"{value!r} is not a Shanxi unit's adcode")
    return value


_UNIT_CODES: frozenset[str] | None = None


def _unit_codes() -> frozenset[str]:
    global _UNIT_CODES
    if _UNIT_CODES is None:
        import boundaries

        _UNIT_CODES = frozenset(u.adcode for u in boundaries.units())
    return _UNIT_CODES


TEXT = _text
ZONE_ID = _pattern(_ZONE_ID, "a zone id (letters, digits, - and _, at most 40)")
RECORD_ID = _pattern(_RECORD_ID, "a record id (letters, digits, '.', '-', '_')")
INT = _int
LON = _float(-180, 180)
LAT = _float(-90, 90)
DATE = _date
ADCODE = _adcode


@dataclass(frozen=True)
class Table:
    """A table's schema: the kind of every column, which must be filled, which is the key."""

    name: str
    columns: Mapping[str, Callable[[str], object]]
    required: tuple[str, ...] = ()
    key: str | tuple[str, ...] | None = None  # one column, or several together

    @property
    def column_names(self) -> list[str]:
        return list(self.columns)


# ---------------------------------------------------------------- tables from the schema

_ANY_NUMBER = _float(-1e15, 1e15, _NUMBER)
_ISO_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?([+-]\d{2}:\d{2}|Z)?")
DATETIME = _pattern(_ISO_TIME, "an ISO date and time")


def _partial_date(value: str):
    """A date at the precision an article gives it: 2025, 2025-10 or 2025-10-08."""
    try:
        if len(value) == 4 and value.isdigit():
            return value
        if len(value) == 7:
            date.fromisoformat(value + "-01")
            return value
        return _date(value)
    except ValueError:
        raise ValueError(f"{value[:40]!r} is not a YYYY, YYYY-MM or YYYY-MM-DD date") from None


PARTIAL_DATE = _partial_date
_BY_NAME = {
    "zone_id": ZONE_ID,
    "parent_zone_id": ZONE_ID,
    "project_id": RECORD_ID,
    "batch_id": RECORD_ID,
    "lon": LON,
    "location_lon": LON,
    "lat": LAT,
    "location_lat": LAT,
    "date": PARTIAL_DATE,
    "first_date": PARTIAL_DATE,
    "round_date": PARTIAL_DATE,
    "period_start": PARTIAL_DATE,
    "period_end": PARTIAL_DATE,
}


def _validator(column) -> Callable[[str], object]:
    """How a CSV cell of a schema column is checked, from its name, enum and type."""
    from sqlalchemy import BigInteger, Date, DateTime, Float, Integer

    if column.info.get("enum"):
        return choice(column.info["enum"])
    if column.name in _BY_NAME:
        return _BY_NAME[column.name]
    if column.name.endswith("adcode"):
        return ADCODE
    kind = column.type
    if isinstance(kind, (Integer, BigInteger)):
        return INT
    if isinstance(kind, Float):
        return _ANY_NUMBER
    if isinstance(kind, DateTime):
        return DATETIME
    if isinstance(kind, Date):
        return DATE
    return TEXT


def from_schema(table, name: str, key: str | tuple[str, ...] | None = None) -> Table:
    """The CSV table of a store table: its ``csv`` columns, their checks, what is required."""
    columns = [col for col in table.columns if col.info.get("csv")]
    required = tuple(
        col.name for col in columns if (col.primary_key or not col.nullable) and col.default is None
    )
    return Table(name, {col.name: _validator(col) for col in columns}, required, key)


@functools.cache
def of(name: str) -> Table:
    """The table of a ``data/`` snapshot file (``projects.csv`` …)."""
    from sqlalchemy import UniqueConstraint

    from geo.store import schema

    table = schema.SNAPSHOT_FILES[name]
    keys = [col.name for col in table.primary_key.columns if col.info.get("csv")]
    if len(keys) == 1:
        return from_schema(table, name, keys[0])
    unique = [c for c in table.constraints if isinstance(c, UniqueConstraint)]
    return from_schema(table, name, tuple(unique[0].columns.keys()) if unique else None)


def __getattr__(attr: str) -> Table:
    """``tables.SOURCES`` / ``ZONES`` / ``PROJECTS`` / ``BATCHES`` / ``AUDIT``, derived lazily
    (the schema imports SQLAlchemy, which extraction alone never needs)."""
    files = {
        "SOURCES": "sources.csv",
        "ZONES": "zones.csv",
        "PROJECTS": "projects.csv",
        "BATCHES": "batches.csv",
        "AUDIT": "audit.csv",
    }
    if attr in files:
        return of(files[attr])
    raise AttributeError(attr)


# ---------------------------------------------------------------- reading bytes safely


def open_regular_file(path, limit: int, *, dir_fd: int | None = None) -> int:
    """An fd of a regular file of at most ``limit`` bytes; anything else (FIFO, device,
    folder) is refused without being opened. Raises ``OSError`` or :class:`ValueError`."""
    st = os.stat(path, dir_fd=dir_fd)  # follows symlinks: a link to /dev/zero is a device
    if not stat.S_ISREG(st.st_mode):
        raise ValueError(f"not a regular file ({_kind(st.st_mode)})")
    if st.st_size > limit:
        raise ValueError(
            f"file is {st.st_size / 2**20:.1f} MB, over the {limit / 2**20:g} MB limit"
        )
    # O_NONBLOCK: should the path have been swapped for a FIFO since the stat, the open
    # does not wait for a writer; fstat then refuses it.
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=dir_fd)
    st2 = os.fstat(fd)
    if not stat.S_ISREG(st2.st_mode) or (st2.st_dev, st2.st_ino) != (st.st_dev, st.st_ino):
        os.close(fd)
        raise ValueError("file changed while it was being opened")
    return fd


def read_fd(fd: int, limit: int) -> bytes:
    """At most ``limit`` bytes from ``fd`` (ValueError beyond), from its start."""
    chunks, size, offset = [], 0, 0
    while size <= limit:
        chunk = os.pread(fd, min(1 << 20, limit + 1 - size), offset)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        offset += len(chunk)
    if size > limit:
        raise ValueError(f"file grew over the {limit / 2**20:g} MB limit while being read")
    return b"".join(chunks)


def read_regular_file(path, limit: int, *, dir_fd: int | None = None) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (see :func:`open_regular_file`)."""
    fd = open_regular_file(path, limit, dir_fd=dir_fd)
    try:
        return read_fd(fd, limit)
    finally:
        os.close(fd)


def read_table_file(path, limit: int, shown: str) -> bytes:
    """:func:`read_regular_file`, its failures as a :class:`DataError` naming ``shown``."""
    try:
        return read_regular_file(path, limit)
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise DataError(f"{shown}: {reason}") from None


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a file"


def decode_utf8(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataError(
            f"{name}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}, "
            f"line {line})"
        ) from None


# ---------------------------------------------------------------- parsing and validating


@dataclass(frozen=True)
class Row:
    number: int  # 1-based data row
    line: int  # the file line the row starts on
    values: dict[str, str]


def parse_csv(text: str, name: str) -> tuple[list[str], list[Row]]:
    """Header and rows of CSV text; a malformed file raises :class:`DataError`."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise DataError(f"{name}: empty file (no header row)")
        rows, line = [], reader.line_num + 1
        for cells in reader:
            if cells:
                if len(cells) > len(header):
                    raise DataError(
                        f"{name}: row {len(rows) + 1} (line {line}) has {len(cells)} cells, "
                        f"the header {len(header)}"
                    )
                rows.append(Row(len(rows) + 1, line, dict(zip(header, cells, strict=False))))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise DataError(f"{name}: malformed CSV at line {reader.line_num}: {exc}") from None
    return header, rows


def check_header(header: list[str], table: Table, name: str, *, exact=False) -> None:
    """Every required column present, none unknown or doubled. An optional column a file
    lacks (one added to the schema after the file was written) reads as empty."""
    if exact and header != table.column_names:
        raise DataError(f"{name}: header must be {','.join(table.columns)}; got {','.join(header)}")
    missing = [c for c in table.required if c not in header]
    if missing:
        raise DataError(f"{name}: missing column(s) {', '.join(missing)} in the header")
    unknown = [c for c in header if c not in table.columns]
    if unknown:
        raise DataError(
            f"{name}: unknown column(s) {', '.join(unknown)}; "
            f"the columns are {', '.join(table.columns)}"
        )
    dupes = sorted({c for c in header if header.count(c) > 1})
    if dupes:
        raise DataError(f"{name}: column(s) {', '.join(dupes)} appear twice in the header")


def where(name: str, row: Row, column: str) -> str:
    return f"{name}: row {row.number} (line {row.line}), column {column!r}"


def check_value(table: Table, column: str, value: str):
    """The parsed value of one cell (``None`` when empty); ValueError when it is wrong."""
    if value == "":
        if column in table.required:
            raise ValueError("is empty but required")
        return None
    return table.columns.get(column, TEXT)(value)


def validate(table: Table, header: list[str], rows: Iterable[Row], name: str) -> list[dict]:
    """Typed records (``None`` for empty cells); the first bad value raises DataError."""
    records, seen = [], {}
    for row in rows:
        record = {}
        for column in header:
            try:
                record[column] = check_value(table, column, row.values.get(column, ""))
            except ValueError as exc:
                raise DataError(f"{where(name, row, column)}: {exc}") from None
        if table.key is not None:
            names = (table.key,) if isinstance(table.key, str) else table.key
            key = tuple(record.get(k) for k in names)
            if key in seen:
                shown = key[0] if len(key) == 1 else key
                raise DataError(f"{where(name, row, names[-1])}: {shown!r} repeats row {seen[key]}")
            seen[key] = row.number
        records.append(record)
    return records


def read(table: Table, data: bytes, name: str | None = None) -> tuple[list[str], list[dict]]:
    """Header and validated records of a table given as bytes."""
    name = name or table.name
    header, rows = parse_csv(decode_utf8(data, name), name)
    check_header(header, table, name)
    return header, validate(table, header, rows, name)
