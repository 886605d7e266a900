"""Dates resolved against the publication date and the sentence's own year."""

from __future__ import annotations

from datetime import date

import pytest

from geo.dates import detect_published, find_dates, resolve_date

PUB = date(2025, 2, 10)


@pytest.mark.parametrize(
    "expr, published, year, iso",
    [
        ("2025年2月6日", None, None, "2025-02-06"),
        ("2月6日", PUB, None, "2025-02-06"),
        ("2月6日", None, 2025, "2025-02-06"),
        ("2月6日", None, None, None),
        ("12月17日", PUB, None, "2024-12-17"),  # December news read in February
        ("1月份", PUB, None, "2025-01"),
        ("今年3月", PUB, None, "2025-03"),
        ("去年", PUB, None, "2024"),
        ("今年", PUB, None, "2025"),
        ("2024年", None, None, "2024"),
        ("去年12月", date(2026, 1, 5), None, "2025-12"),
        ("三月五日", PUB, None, "2025-03-05"),
        ("2025-02-06", None, None, "2025-02-06"),
        ("二〇二一年4月9日", PUB, None, "2021-04-09"),
        ("13月5日", PUB, None, None),
        ("2月30日", PUB, None, None),
    ],
)
def test_resolve_date(expr: str, published: date | None, year: int | None, iso: str | None) -> None:
    ref = resolve_date(expr, published, year)
    assert (ref.iso if ref else None) == iso


def test_find_dates_in_sentence() -> None:
    text = "2月6日，全省开发区2025年第一次“三个一批”活动举行"
    (ref,) = find_dates(text, None, 2025)
    assert ref.iso == "2025-02-06"
    assert text[slice(*ref.span)] == "2月6日"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("发布时间：2025-02-07 09:30\n正文……", date(2025, 2, 7)),
        ("2025年2月7日 星期五\n科学导报讯 …", date(2025, 2, 7)),
        ("科学导报讯 2月6日，全省活动举行。", None),
        ("标题\n正文里说2024年3月1日开工的项目……" + "。" * 80, None),
    ],
)
def test_detect_published(text: str, expected: date | None) -> None:
    assert detect_published(text) == expected
