"""Chinese money amounts -> integer yuan (CNY).

"36亿元" -> 3_600_000_000, "1.26亿元" -> 126_000_000, "1200余万元" -> 12_000_000,
"两亿元" -> 200_000_000. Arithmetic is done in :class:`decimal.Decimal` so that 1.26亿 is
exactly 126000000, never 125999999.99. Only amounts written in 元 count: "1.5亿枚" is a count
and "亿美元" another currency, both are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4, "五": 5}
_CN_DIGITS.update({"六": 6, "七": 7, "八": 8, "九": 9, "壹": 1, "贰": 2, "叁": 3, "肆": 4})
_CN_DIGITS.update({"伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9})
_CN_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_MAGNITUDE = {"万亿": Decimal(10**12), "亿": Decimal(10**8), "千万": Decimal(10**7)}
_MAGNITUDE.update({"百万": Decimal(10**6), "十万": Decimal(10**5), "万": Decimal(10**4)})

_CN_NUM = "零〇一二两俩三四五六七八九十百千壹贰叁肆伍陆柒捌玖拾佰仟"
_QUALIFIER_BEFORE = r"(?P<pre>超过|超|逾|近|约|达到|达|突破|不足|不到|高达|共计|合计)?"
# Bounded repeats, and no start inside a run of digits: every attempt costs a bounded
# number of steps, so finding amounts is linear in the text (an unbounded ``\d+`` retried
# at every position of a long digit run is quadratic). No real amount is longer.
AMOUNT = re.compile(
    _QUALIFIER_BEFORE
    + r"(?P<num>(?<!\d)(?:\d{1,3}(?:[,，]\d{3}){1,6}(?:\.\d{1,20})?|\d{1,20}(?:\.\d{1,20})?)|["
    + _CN_NUM
    + r"]{1,20})"
    + r"(?P<post1>余|多)?(?P<mag>万亿|千万|百万|十万|亿|万)?(?P<post2>余|多)?"
    + r"(?P<cur>元人民币|元|块钱)"
)
"""An amount in yuan. ``pre``/``post1``/``post2`` hold qualifiers (超 over, 约 approx, 余 over)."""

_OVER = {"超过", "超", "逾", "突破", "余", "多"}
_UNDER = {"不足", "不到", "近"}
_APPROX = {"约"}


@dataclass(frozen=True)
class Amount:
    """A money amount: ``value_cny`` integer yuan; ``qualifier`` 'over'/'under'/'approx'/None."""

    value_cny: int
    text: str
    span: tuple[int, int]
    qualifier: str | None = None


def parse_cn_int(text: str) -> int | None:
    """Chinese numeral -> int: "十" 10, "三十五" 35, "一千二百" 1200, "两" 2, "二〇二五" 2025."""
    if not text or any(ch not in _CN_DIGITS and ch not in _CN_UNITS for ch in text):
        return None
    if all(ch in _CN_DIGITS for ch in text):  # digit by digit: 二〇二五
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    total, digit = 0, None
    for ch in text:
        if ch in "零〇":  # a placeholder between units: 三百零五
            continue
        if ch in _CN_DIGITS:
            if digit is not None:  # 两个数字连写且带单位, e.g. 三五十: not a number
                return None
            digit = _CN_DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
    return total + (digit or 0)


def _number(text: str) -> Decimal | None:
    if text[0].isdigit():
        try:
            return Decimal(text.replace(",", "").replace("，", ""))
        except InvalidOperation:
            return None
    value = parse_cn_int(text)
    return None if value is None else Decimal(value)


def find_amounts(text: str) -> Iterator[Amount]:
    """Every yuan amount in ``text`` (normalised text: ASCII digits, no spaces)."""
    for mo in AMOUNT.finditer(text):
        num = _number(mo.group("num"))
        if num is None:
            continue
        scale = _MAGNITUDE.get(mo.group("mag") or "", Decimal(1))
        value = num * scale
        if value != value.to_integral_value():  # 0.5元: below the yuan, not a fact we keep
            value = value.quantize(Decimal(1))
        qualifier = _qualifier(mo.group("pre"), mo.group("post1") or mo.group("post2"))
        yield Amount(int(value), mo.group(0), mo.span(), qualifier)


def _qualifier(pre: str | None, post: str | None) -> str | None:
    for word in (post, pre):
        if word in _OVER:
            return "over"
        if word in _UNDER:
            return "under"
        if word in _APPROX:
            return "approx"
    return None


def parse_amount(text: str) -> int | None:
    """The yuan value of a single amount string ("12亿多元" -> 1_200_000_000), else None."""
    found = next(find_amounts(text.replace(" ", "")), None)
    return None if found is None else found.value_cny
