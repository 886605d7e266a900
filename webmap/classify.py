"""Class breaks (:mod:`webmap.breaks`) and colours for choropleths. No data stays apart
from zero."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from webmap.breaks import SCHEMES

# ColorBrewer YlGnBu, sequential and colour-blind safe (colorbrewer2.org), by class count.
PALETTES = {
    1: ["#41b6c4"],
    2: ["#a1dab4", "#225ea8"],
    3: ["#edf8b1", "#7fcdbb", "#2c7fb8"],
    4: ["#ffffcc", "#a1dab4", "#41b6c4", "#225ea8"],
    5: ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"],
    6: ["#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#2c7fb8", "#253494"],
    7: ["#ffffcc", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8", "#0c2c84"],
}
NO_DATA_COLOR = "#bdbdbd"  # mid grey, drawn with a dashed outline and a hatch-free fill


@dataclass(frozen=True)
class Classes:
    """Upper bounds of each class (inclusive), their colours and the data minimum."""

    lower: float | None
    bins: list[float]
    colors: list[str]

    def index(self, value: float) -> int | None:
        """Class of ``value`` (0-based), ``None`` for no data (NaN)."""
        if value is None or np.isnan(value):
            return None
        return int(min(np.searchsorted(self.bins, value, side="left"), len(self.bins) - 1))


def classify(values: pd.Series, scheme: str, k: int) -> Classes:
    """Breaks for the non-missing ``values``; fewer classes when there are fewer values.

    Asking for more classes than there are distinct values would repeat bins; we ask for
    at most as many classes as there are distinct values instead.
    """
    data = values.dropna().to_numpy(dtype=float)
    distinct = np.unique(data)
    if len(distinct) == 0:
        return Classes(None, [], [])
    if len(distinct) <= 2 or len(distinct) <= k:
        bins = [float(v) for v in distinct[: min(k, len(distinct))]]
        if len(distinct) > k:
            bins[-1] = float(distinct[-1])
    else:
        bins = sorted({float(b) for b in SCHEMES[scheme](data, k)})
    bins[-1] = max(bins[-1], float(distinct[-1]))
    return Classes(float(distinct[0]), bins, PALETTES[len(bins)])


def fmt(value: float, money: bool) -> str:
    """A value for legends and tooltips: 亿元 with 2 decimals for money, integers else."""
    if money:
        return f"{value / 1e8:,.2f}"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def legend_rows(classes: Classes, money: bool) -> list[tuple[str, str]]:
    """``(colour, label)`` per class: "lower – upper" ranges in display units."""
    rows, lower = [], classes.lower
    for i, (upper, color) in enumerate(zip(classes.bins, classes.colors, strict=True)):
        if i == 0 and lower == upper:
            label = fmt(upper, money)
        else:
            label = f"{fmt(lower, money)} – {fmt(upper, money)}"
        rows.append((color, label))
        lower = upper
    return rows
