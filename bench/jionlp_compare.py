"""jionlp against geo.money / geo.dates on the project's money and date tables.

Not part of ``make bench`` (jionlp is not a dependency): run it in a throw-away venv,
``python -m venv /tmp/jio && /tmp/jio/bin/pip install jionlp==1.5.31``, then
``/tmp/jio/bin/python bench/jionlp_compare.py jio`` and ``.venv/bin/python
bench/jionlp_compare.py ours``. The README records the result and the decision.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

MONEY = [
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
    ("297.8亿元", 29_780_000_000),
    ("1万亿元", 1_000_000_000_000),
    ("5亿元人民币", 500_000_000),
    ("20多亿元", 2_000_000_000),
    ("10亿多元", 1_000_000_000),
    ("约2亿元", 200_000_000),
    ("近2亿元", 200_000_000),
    ("4000万元", 40_000_000),
    ("0.18亿元", 18_000_000),
    ("1.5亿枚", None),
    ("3亿美元", None),
    ("100万吨", None),
    ("20GW", None),
]
PUB = date(2025, 2, 8)
DATES = [
    ("2025年2月6日", "2025-02-06"),
    ("2月6日", "2025-02-06"),
    ("12月17日", "2024-12-17"),  # December news read in February
    ("1月份", "2025-01"),
    ("今年3月", "2025-03"),
    ("去年", "2024"),
    ("2024年", "2024"),
    ("三月五日", "2025-03-05"),
    ("2025-02-06", "2025-02-06"),
    ("13月5日", None),
    ("2月30日", None),
    ("二〇二一年4月9日", "2021-04-09"),
]


def _jionlp():
    import jionlp as jio

    def money(text):
        try:
            found = jio.parse_money(text)
        except Exception:
            return None
        if not found or found.get("case") != "元":
            return None
        num = found["num"][0] if isinstance(found["num"], list) else found["num"]
        return int(round(float(num)))

    def when(text):
        try:
            found = jio.parse_time(text, time_base=time.mktime(PUB.timetuple()))
        except Exception:
            return None
        start, end = found["time"]
        if start[:10] == end[:10]:
            return start[:10]
        return start[:7] if start[:7] == end[:7] else start[:4]

    return money, when


def _ours():
    from geo.dates import resolve_date
    from geo.money import parse_amount

    def when(text):
        ref = resolve_date(text, PUB)
        return ref.iso if ref else None

    return parse_amount, when


def _per_call(func, cases) -> float:
    start = time.perf_counter()
    for _ in range(20):
        for text, _value in cases:
            func(text)
    return (time.perf_counter() - start) / (20 * len(cases)) * 1e6


def main(mode: str) -> dict:
    start = time.perf_counter()
    money, when = _jionlp() if mode == "jio" else _ours()
    money("1亿元"), when("2月6日")
    loaded = time.perf_counter() - start
    return {
        "mode": mode,
        "money_right": f"{sum(money(t) == v for t, v in MONEY)}/{len(MONEY)}",
        "dates_right": f"{sum(when(t) == v for t, v in DATES)}/{len(DATES)}",
        "money_us_per_call": round(_per_call(money, MONEY), 1),
        "date_us_per_call": round(_per_call(when, DATES), 1),
        "import_and_first_call_s": round(loaded, 2),
        "wrong": [(t, money(t), v) for t, v in MONEY if money(t) != v]
        + [(t, when(t), v) for t, v in DATES if when(t) != v],
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1] if len(sys.argv) > 1 else "ours"), ensure_ascii=False))
