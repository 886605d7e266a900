"""Reading and validating the dataset's CSV tables: every value checked, errors that point.

One schema (column → kind) per table. A table is read as bytes (bounded, regular files
only), decoded as UTF-8, parsed with :mod:`csv` and validated value by value; the first
bad value raises :class:`DataError` naming the file, the row (and its line), the column
and what is wrong. The same check runs when a table is written (``geo.curate``) and when
it is loaded (``geo.dataset``), and on ``overrides.csv`` and ``--sources`` files.
"""

from __future__ import annotations

import csv
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


ZONE_TYPES = (
    "etdz",
    "econ_dev",
    "hitech",
    "reform_demo",
    "agri_hitech",
    "modern_agri",
    "eco_tourism",
    "bonded",
    "cluster",
    "industrial_park",
    "specialty_town",
    "other",
)
STAGES = ("signed", "started", "under_construction", "in_production", "completed")
BATCH_KINDS = ("signed", "started", "in_production", "all")
SCOPES = ("province", "city", "county", "zone")
PRECISIONS = ("county", "city", "province")
ZONE_LEVELS = ("national", "provincial")

# Text may hold anything printable, tabs and line breaks; not other control characters
# (they break HTTP headers and terminals, and no article needs them).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ZONE_ID = re.compile(r"[A-Za-z0-9_-]{1,40}")
_RECORD_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,159}")
_INT = re.compile(r"\d{1,18}")
_FLOAT = re.compile(r"-?\d{1,3}(\.\d{1,12})?")
_ADCODE = re.compile(r"\d{6}")


def _text(value: str):
    if _CONTROL.search(value):
        raise ValueError("contains a control character")
    return value


def _int(value: str):
    if not _INT.fullmatch(value):
        raise ValueError(f"{value[:40]!r} is not a whole number (digits only, at most 18)")
    return int(value)


def _float(lo: float, hi: float):
    def check(value: str):
        if not _FLOAT.fullmatch(value):
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
    key: str | None = None

    @property
    def column_names(self) -> list[str]:
        return list(self.columns)


SOURCES = Table(
    "sources.csv",
    {
        "doc_id": TEXT,
        "title": TEXT,
        "publisher": TEXT,
        "published": DATE,
        "reference_date": DATE,
        "url": TEXT,
        "note": TEXT,
    },
    required=("doc_id",),
    key="doc_id",
)
ZONES = Table(
    "zones.csv",
    {
        "zone_id": ZONE_ID,
        "name": TEXT,
        "aliases": TEXT,
        "type": choice(ZONE_TYPES),
        "level": choice(ZONE_LEVELS),
        "city_adcode": ADCODE,
        "county_adcode": ADCODE,
        "parent_zone_id": ZONE_ID,
        "note": TEXT,
    },
    required=("zone_id", "name", "type"),
    key="zone_id",
)
PROJECTS = Table(
    "projects.csv",
    {
        "project_id": RECORD_ID,
        "doc_id": TEXT,
        "name": TEXT,
        "company": TEXT,
        "zone_id": ZONE_ID,
        "investment_cny": INT,
        "investment_text": TEXT,
        "capacity": TEXT,
        "stage": choice(STAGES),
        "date": DATE,
        "city_adcode": ADCODE,
        "county_adcode": ADCODE,
        "lon": LON,
        "lat": LAT,
        "precision": choice(PRECISIONS),
        "geocode_method": TEXT,
        "unplaced_reason": TEXT,
        "span_start": INT,
        "span_end": INT,
        "quote": TEXT,
    },
    required=("project_id", "doc_id", "span_start", "span_end"),
    key="project_id",
)
BATCHES = Table(
    "batches.csv",
    {
        "batch_id": RECORD_ID,
        "doc_id": TEXT,
        "round_date": DATE,
        "scope": choice(SCOPES),
        "place": TEXT,
        "adcode": ADCODE,
        "zone_id": ZONE_ID,
        "kind": choice(BATCH_KINDS),
        "projects": INT,
        "investment_cny": INT,
        "output_cny": INT,
        "span_start": INT,
        "span_end": INT,
        "quote": TEXT,
    },
    required=("batch_id", "doc_id", "span_start", "span_end"),
    key="batch_id",
)


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
    missing = [c for c in table.columns if c not in header]
    if exact and header != table.column_names:
        raise DataError(f"{name}: header must be {','.join(table.columns)}; got {','.join(header)}")
    if missing:
        raise DataError(f"{name}: missing column(s) {', '.join(missing)} in the header")
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
            key = record[table.key]
            if key in seen:
                raise DataError(f"{where(name, row, table.key)}: {key!r} repeats row {seen[key]}")
            seen[key] = row.number
        records.append(record)
    return records


def read(table: Table, data: bytes, name: str | None = None) -> tuple[list[str], list[dict]]:
    """Header and validated records of a table given as bytes."""
    name = name or table.name
    header, rows = parse_csv(decode_utf8(data, name), name)
    check_header(header, table, name)
    return header, validate(table, header, rows, name)
