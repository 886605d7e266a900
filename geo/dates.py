"""Dates in Chinese news text, resolved against the article's publication date.

Newspapers write "2月6日", "1月份", "今年3月", "去年", "2025年2月6日"; only the last is absolute.
Relative forms take their year from an explicit year nearby (the caller passes ``year``, e.g.
from "全省开发区2025年第一次“三个一批”活动" in the same sentence), else from the publication date.
A "M月D日" that would fall more than ~2 months after publication belongs to the previous year
(a December event reported in January).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from geo.money import parse_cn_int

_N = r"(\d{1,2}|[一二三四五六七八九十]{1,3})"
DATE = re.compile(
    r"(?P<year>(?:19|20)\d{2}|[一二][〇○零一二三四五六七八九]{3}|今年|去年|明年|前年)?年?"
    r"(?:(?P<month>" + _N + r")月(?:份)?(?:(?P<day>" + _N + r")[日号])?)"
)
"""A day or month expression, optionally with a year (absolute or relative)."""
_YEAR_ONLY = re.compile(
    r"(?P<year>(?:19|20)\d{2})年(?!\d|[一二三四五六七八九十]+月)|今年|去年|明年"
)
_ISO = re.compile(r"(?<!\d)((?:19|20)\d{2})[-./]([01]?\d)[-./]([0-3]?\d)(?!\d)")
_RELATIVE_YEAR = {"今年": 0, "去年": -1, "明年": 1, "前年": -2}


@dataclass(frozen=True)
class DateRef:
    """A resolved date: ``value`` is the first day of the period; precision day/month/year."""

    value: date
    precision: str
    text: str
    span: tuple[int, int]

    @property
    def iso(self) -> str:
        """ "2025-02-06", "2025-02" or "2025" depending on precision."""
        full = self.value.isoformat()
        return {"day": full, "month": full[:7], "year": full[:4]}[self.precision]


def _int(text: str | None) -> int | None:
    if not text:
        return None
    return int(text) if text.isdigit() else parse_cn_int(text)


def _year(token: str | None, published: date | None, context_year: int | None) -> int | None:
    if token and token.isdigit():
        return int(token)
    if token and len(token) == 4 and token not in _RELATIVE_YEAR:  # 二〇二一
        return parse_cn_int(token.replace("○", "〇"))
    base = published.year if published else context_year
    if token in _RELATIVE_YEAR:
        return None if base is None else base + _RELATIVE_YEAR[token]
    return context_year if context_year is not None else base


def find_dates(
    text: str, published: date | None = None, year: int | None = None
) -> Iterator[DateRef]:
    """Every day/month date in ``text`` that can be given a year; ``year`` is the context year."""
    for mo in _ISO.finditer(text):
        try:
            value = date(int(mo.group(1)), int(mo.group(2)), int(mo.group(3)))
        except ValueError:
            continue
        yield DateRef(value, "day", mo.group(0), mo.span())
    for mo in DATE.finditer(text):
        month, day = _int(mo.group("month")), _int(mo.group("day"))
        if month is None or not 1 <= month <= 12:
            continue
        explicit = mo.group("year")
        y = _year(explicit, published, year)
        if y is None:
            continue
        try:
            value = date(y, month, day or 1)
        except ValueError:
            continue
        late = published is not None and value > published + timedelta(days=62)
        if explicit is None and year is None and late:
            # No year given: the most recent such date not far after publication.
            try:
                value = value.replace(year=y - 1)
            except ValueError:  # 2月29日
                value = date(y - 1, month, 28)
        yield DateRef(value, "day" if day else "month", mo.group(0), mo.span())


def resolve_date(
    expr: str, published: date | None = None, year: int | None = None
) -> DateRef | None:
    """Resolve one date expression ("2月6日", "今年3月", "去年", "2025年2月6日")."""
    expr = expr.replace(" ", "")
    found = next(find_dates(expr, published, year), None)
    if found is not None:
        return found
    mo = _YEAR_ONLY.search(expr)
    if mo is None:
        return None
    y = _year(mo.group("year") or mo.group(0), published, year)
    return None if y is None else DateRef(date(y, 1, 1), "year", mo.group(0), mo.span())


def explicit_years(text: str) -> Iterator[tuple[int, int]]:
    """(position, year) of every four-digit year written as "2025年" / "2025-"."""
    for mo in re.finditer(r"(?<!\d)((?:19|20)\d{2})(?:年|-\d)", text):
        yield mo.start(), int(mo.group(1))


_DATELINE = re.compile(
    r"^.{0,40}?(?P<date>(?:19|20)\d{2}(?:年\d{1,2}月\d{1,2}日|[-./]\d{1,2}[-./]\d{1,2}))"
)
_LABELLED = re.compile(
    r"(发布时间|发布日期|日期|时间|来源)[:：]?\s*(?P<date>(?:19|20)\d{2}(?:年\d{1,2}月\d{1,2}日|[-./]\d{1,2}[-./]\d{1,2}))"
)


def detect_published(text: str) -> date | None:
    """The article's own date when stated: a full date labelled 发布时间/日期, or one that opens
    one of the first three lines (a dateline). Otherwise None: a date inside the story is the
    date of an event, not of the article."""
    head = text[:2000]
    mo = _LABELLED.search(head)
    if mo is None:
        for line in [ln for ln in head.split("\n") if ln.strip()][:3]:
            mo = _DATELINE.match(line.strip())
            if mo and len(line.strip()) <= 60:
                break
            mo = None
    if mo is None:
        return None
    found = next(find_dates(mo.group("date")), None)
    return None if found is None else found.value
