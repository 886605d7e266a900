"""Word lists that drive extraction, as data: one CSV per list in this folder.

Every file has a header row, a ``word`` column (or ``pattern``), the columns its rule needs,
and an ``example`` column: a sentence in which the row does its job. ``tests/geo/test_rules.py``
runs every example through the extractor, so a newcomer extends a list by adding one row and
its example. Files are read once, on first use.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent


@cache
def rows(name: str) -> tuple[dict[str, str], ...]:
    """The rows of ``<name>.csv`` as dicts (empty cells are empty strings)."""
    with (HERE / f"{name}.csv").open(encoding="utf-8", newline="") as f:
        return tuple(
            dict(r) for r in csv.DictReader(f) if any((v or "").strip() for v in r.values())
        )


def words(name: str, column: str = "word") -> tuple[str, ...]:
    return tuple(r[column] for r in rows(name))


def mapping(name: str, value: str, column: str = "word") -> dict[str, str]:
    return {r[column]: r[value] for r in rows(name)}


def names() -> list[str]:
    return sorted(p.stem for p in HERE.glob("*.csv"))
