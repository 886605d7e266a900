"""The one CSV writer of the Atlas: downloads, OGC exports and the dataset tables.

Spreadsheets (Excel, LibreOffice, Google Sheets) evaluate a cell that starts with ``=``,
``+``, ``-``, ``@`` (and tab or CR before one of them) as a formula: a project name such
as ``=HYPERLINK("//evil.example/x")`` becomes a live link or worse. Files made to be
opened in a spreadsheet (``spreadsheet=True``: every download) get such cells
neutralised with a leading apostrophe, the convention spreadsheets themselves use for
"this is text" (OWASP's CSV-injection advice). Numbers, including negative ones, are
left alone.

The dataset tables in ``data/`` are written with ``spreadsheet=False``: they are the
data's own storage, read back by the loader and diffed in review, so they hold the text
exactly as extracted (see the README, "CSV files and spreadsheets").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

# ASCII triggers plus their full-width forms (some spreadsheets treat those alike).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def spreadsheet_cell(value):
    """``value`` as a spreadsheet will show it literally: ``'`` before formula-like text."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        if value[0] in "+-" and _NUMBER.fullmatch(value):
            return value
        return "'" + value
    return value


def csv_text(
    header: Sequence[str],
    rows: Iterable[Sequence],
    *,
    spreadsheet: bool,
    lineterminator: str = "\n",
) -> str:
    """CSV text of ``rows`` (``None`` written as an empty cell) under ``header``.

    Quoting as :func:`csv.writer` (minimal), except that a cell holding a bare CR is
    quoted too: ``csv.writer`` leaves it bare when lines end in LF, and every CSV reader
    then splits the row there.
    """
    lines = [csv_line(header, spreadsheet=False, lineterminator=lineterminator)]
    lines += [csv_line(row, spreadsheet=spreadsheet, lineterminator=lineterminator) for row in rows]
    return "".join(lines)


_SPECIAL = re.compile(r'[,"\r\n]')


def csv_cells(cells: Sequence, *, spreadsheet: bool) -> list[str]:
    """Each cell as it appears in a CSV line: quoted where needed, neutralised when
    ``spreadsheet`` (so a line can be put together from parts serialised apart)."""
    out = []
    for cell in cells:
        if cell is None:
            cell = ""
        elif spreadsheet:
            cell = spreadsheet_cell(cell)
        text = cell if isinstance(cell, str) else str(cell)
        if _SPECIAL.search(text):
            text = '"' + text.replace('"', '""') + '"'
        out.append(text)
    return out


def csv_line(cells: Sequence, *, spreadsheet: bool, lineterminator: str = "\n") -> str:
    """One CSV line (see :func:`csv_text`)."""
    out = csv_cells(cells, spreadsheet=spreadsheet)
    if len(out) == 1 and out[0] == "":
        out = ['""']  # a lone empty cell would read back as an empty line
    return ",".join(out) + lineterminator
