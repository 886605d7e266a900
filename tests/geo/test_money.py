"""Chinese money amounts -> integer yuan."""

from __future__ import annotations

import pytest

from geo.money import find_amounts, parse_amount, parse_cn_int


@pytest.mark.parametrize(
    "text, yuan",
    [
        ("36亿元", 3_600_000_000),
        ("1.26亿元", 126_000_000),
        ("48.51亿元", 4_851_000_000),
        ("16.69亿元", 1_669_000_000),
        ("0.3亿元", 30_000_000),
        ("5000万元", 50_000_000),
        ("3.5万元", 35_000),
        ("8000元", 8_000),
        ("12亿多元", 1_200_000_000),
        ("超100亿元", 10_000_000_000),
        ("1200余万元", 12_000_000),
        ("十亿元", 1_000_000_000),
        ("两亿元", 200_000_000),
        ("三十五亿元", 3_500_000_000),
        ("一千二百万元", 12_000_000),
        ("1,200万元", 12_000_000),
        ("297.8 亿元", 29_780_000_000),
        ("1万亿元", 1_000_000_000_000),
        ("5亿元人民币", 500_000_000),
    ],
)
def test_parse_amount(text: str, yuan: int) -> None:
    assert parse_amount(text) == yuan


@pytest.mark.parametrize("text", ["1.5亿枚", "20GW", "3亿美元", "100万吨", "十四五", ""])
def test_not_money(text: str) -> None:
    assert parse_amount(text) is None


@pytest.mark.parametrize(
    "text, qualifier",
    [
        ("超100亿元", "over"),
        ("超过1亿元", "over"),
        ("1200余万元", "over"),
        ("12亿多元", "over"),
        ("约5亿元", "approx"),
        ("近2亿元", "under"),
        ("36亿元", None),
    ],
)
def test_qualifiers(text: str, qualifier: str | None) -> None:
    (amount,) = find_amounts(text)
    assert amount.qualifier == qualifier


def test_find_amounts_spans() -> None:
    text = "签约投资16.69亿元，预计年产值11.9亿元"
    found = list(find_amounts(text))
    assert [a.value_cny for a in found] == [1_669_000_000, 1_190_000_000]
    assert [text[slice(*a.span)] for a in found] == ["16.69亿元", "11.9亿元"]


@pytest.mark.parametrize(
    "text, value",
    [("十", 10), ("十二", 12), ("二十", 20), ("三百零五", 305), ("两千", 2000), ("二〇二五", 2025)],
)
def test_parse_cn_int(text: str, value: int) -> None:
    assert parse_cn_int(text) == value
