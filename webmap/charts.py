"""Charts as data for server-rendered SVG (``templates/_round_chart.html``) and tables.

- :func:`round_table`: the "三个一批" figures of one city, county, zone or the province,
  round by round and kind by kind, each with its citation (a table twin of the chart);
- :func:`bar_chart`: the geometry of a grouped bar chart of one measure (amount or count)
  of a round table: bars, value labels, axis, legend. Plain numbers and text, so Jinja
  (which escapes) renders the SVG and no script is needed to read it;
- :func:`ranked`: the units of a choropleth with values, largest first, with bar widths;
- :func:`trend`: the units of a choropleth across every round of its scope.

Pure: no Flask. Money is CNY in and 亿元 (CNY 100 m) out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from geo import aggregate
from webmap import classify, i18n
from webmap.citations import Sources

SERIES = ("signed", "started", "in_production", "all")
# Okabe-Ito: colour-blind safe; the stated total is a grey outline, not a fourth hue.
SERIES_COLORS = {
    "signed": "#0072B2",
    "started": "#E69F00",
    "in_production": "#009E73",
    "all": "#595959",
}
MEASURES = {"investment_cny": True, "projects": False}  # column -> is money


def _num(value) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


@dataclass
class Cell:
    """One reported figure: a round's count and amount of one kind, with its source."""

    projects: float | None
    amount: float | None
    status: str
    text_projects: str
    text_amount: str
    citation: object  # webmap.citations.Citation


@dataclass
class RoundTable:
    title: str
    rounds: list[str]  # ISO dates, oldest first
    kinds: list[str]  # of SERIES, those with any figure
    cells: dict[tuple[str, str], Cell] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.cells

    def as_json(self) -> dict:
        return {
            "title": self.title,
            "rounds": [
                {
                    "round_date": r,
                    "figures": {
                        k: {
                            "projects": c.projects,
                            "investment_cny": c.amount,
                            "status": c.status,
                            "source": c.citation.as_json(),
                        }
                        for k in self.kinds
                        if (c := self.cells.get((r, k)))
                    },
                }
                for r in self.rounds
            ],
        }


def _range_text(row, low: str, high: str, money: bool) -> str | None:
    lo, hi = _num(row.get(low)), _num(row.get(high))
    if lo is None or hi is None:
        return None
    return f"{classify.fmt(lo, money)}–{classify.fmt(hi, money)}"


def _cell(row: dict, sources: Sources, lang: str) -> Cell:
    status = row.get("status") or "ok"
    projects, amount = _num(row.get("projects")), _num(row.get("investment_cny"))
    text_p = classify.fmt(projects, False) if projects is not None else ""
    text_a = classify.fmt(amount, True) if amount is not None else ""
    if status == "conflict":  # kept, flagged, never drawn nor summed
        projects = amount = None
        text_p = text_a = i18n.t("conflict", lang)
    elif status == "range":
        projects = amount = None
        text_p = _range_text(row, "projects_min", "projects_max", False) or text_p
        text_a = _range_text(row, "investment_cny_min", "investment_cny_max", True) or text_a
    return Cell(projects, amount, status, text_p, text_a, sources.of_row(row))


def figures_of(batches: pd.DataFrame, *, scope: str, adcode=None, zone_id=None) -> pd.DataFrame:
    """The round figures of one place (scope + adcode) or one zone."""
    rows = aggregate.round_rows(batches)
    rows = rows[rows["round_date"].notna() & (rows["round_date"] != "")]
    if zone_id is not None:
        return rows[rows["zone_id"] == zone_id]
    return rows[(rows["scope"] == scope) & (rows["adcode"] == adcode)]


def round_table(data, lang: str, *, scope: str, adcode=None, zone_id=None, title="") -> RoundTable:
    rows = figures_of(data.batches, scope=scope, adcode=adcode, zone_id=zone_id)
    sources = Sources(data.sources, lang)
    table = RoundTable(title, sorted(set(rows["round_date"])), [])
    for row in rows.to_dict("records"):
        key = (row["round_date"], row["kind"])
        if row["kind"] in SERIES and key not in table.cells:
            table.cells[key] = _cell(row, sources, lang)
    table.kinds = [k for k in SERIES if any(k == kind for _, kind in table.cells)]
    return table


# ---------------------------------------------------------------- SVG geometry

WIDTH, PLOT_TOP, PLOT_HEIGHT, LEFT, RIGHT = 640, 28, 180, 52, 12


def _nice_max(value: float) -> float:
    """A round axis maximum at or above ``value`` (1, 2, 2.5, 5 × 10^n)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def bar_chart(table: RoundTable, column: str, lang: str, title: str) -> dict:
    """Grouped bars (one group per round, one bar per kind) of ``column``; every bar carries
    its value as text above it, so nothing needs a hover to be read."""
    money = MEASURES[column]
    attr = "amount" if column == "investment_cny" else "projects"
    kinds = table.kinds
    values = [
        getattr(c, attr)
        for c in table.cells.values()
        if getattr(c, attr) is not None and c.status in ("ok", "picked")
    ]
    top = _nice_max(max(values) / (1e8 if money else 1)) if values else 1.0
    scale = 1e8 if money else 1
    plot_w = WIDTH - LEFT - RIGHT
    group_w = plot_w / max(1, len(table.rounds))
    bar_w = min(34.0, (group_w - 10) / max(1, len(kinds)))
    bars, labels = [], []
    for i, rnd in enumerate(table.rounds):
        x0 = LEFT + i * group_w + (group_w - bar_w * len(kinds)) / 2
        labels.append({"x": round(LEFT + (i + 0.5) * group_w, 1), "text": rnd})
        for j, kind in enumerate(kinds):
            cell = table.cells.get((rnd, kind))
            if cell is None:
                continue
            value = getattr(cell, attr)
            text = cell.text_amount if money else cell.text_projects
            h = 0.0 if value is None else PLOT_HEIGHT * (value / scale) / top
            x = x0 + j * bar_w
            bars.append(
                {
                    "x": round(x + 1, 1),
                    "y": round(PLOT_TOP + PLOT_HEIGHT - h, 1),
                    "w": round(bar_w - 2, 1),
                    "h": round(h, 1),
                    "color": SERIES_COLORS[kind],
                    "outline": kind == "all",
                    "kind": kind,
                    "round": rnd,
                    "value": None if value is None else value / scale,
                    "text": text or "–",
                    "tx": round(x + bar_w / 2, 1),
                    "ty": round(PLOT_TOP + PLOT_HEIGHT - h - 4, 1),
                }
            )
    ticks = [
        {"y": round(PLOT_TOP + PLOT_HEIGHT * (1 - f), 1), "text": classify.fmt(top * f, False)}
        for f in (0, 0.5, 1)
    ]
    unit = i18n.t("unit_yi", lang) if money else i18n.t("unit_projects", lang)
    return {
        "title": title,
        "measure": "amount" if money else "count",
        "unit": unit,
        "width": WIDTH,
        "height": PLOT_TOP + PLOT_HEIGHT + 26,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "base": PLOT_TOP + PLOT_HEIGHT,
        "label_y": PLOT_TOP + PLOT_HEIGHT + 18,
        "bars": bars,
        "labels": labels,
        "ticks": ticks,
        "legend": [(SERIES_COLORS[k], i18n.pick(i18n.KINDS[k], lang), k == "all") for k in kinds],
        "small": len(table.rounds) * max(1, len(kinds)) > 16,
    }


def round_charts(table: RoundTable, lang: str) -> list[dict]:
    """The amount chart and the count chart of a round table (those with any value)."""
    charts = []
    for column, key in (("investment_cny", "chart_amounts"), ("projects", "chart_counts")):
        chart = bar_chart(table, column, lang, i18n.t(key, lang).format(place=table.title))
        # the title around the place name, so pages can mark a Chinese name as such
        chart["title_parts"] = i18n.t(key, lang).split("{place}", 1)
        chart["place"] = table.title
        if any(b["value"] is not None for b in chart["bars"]):
            charts.append(chart)
    return charts


# ---------------------------------------------------------------- choropleth panels


def ranked(rows: list[dict]) -> list[dict]:
    """Units with a value other than 0, largest first, each with its bar width (% of the
    largest)."""
    valued = [r for r in rows if r["value"]]  # not None, not 0
    valued.sort(key=lambda r: (-r["value"], r["name"]))
    top = max((abs(r["value"]) for r in valued), default=0) or 1
    return [
        {**r, "rank": i + 1, "pct": round(100 * abs(r["value"]) / top, 1)}
        for i, r in enumerate(valued)
    ]


def trend(data, level: str, metric: str, filters: aggregate.Filters, names: dict) -> dict:
    """A batch metric for every unit of ``level`` in every round of that scope (of
    ``filters.year`` if set): ``{"rounds": [...newest first], "rows": [...]}``, units
    ordered by their newest value."""
    kind = filters.kind or "all"
    rows = aggregate.filter_batches(
        data.batches, aggregate.Filters(year=filters.year, city=filters.city)
    )
    rows = rows[rows["scope"] == level]
    figures = aggregate.batch_figures(rows, aggregate.batch_column(metric), kind)
    rounds = sorted({r for _, r in figures}, reverse=True)
    money = metric in aggregate.MONEY_METRICS
    units: dict[str, dict] = {}
    for (code, rnd), value in figures.items():
        if code not in names:
            continue
        unit = units.setdefault(code, {"adcode": code, "name": names[code], "values": {}})
        unit["values"][rnd] = {"value": value, "text": classify.fmt(value, money)}

    def newest(unit):
        for rnd in rounds:
            if rnd in unit["values"]:
                return (-rounds.index(rnd), unit["values"][rnd]["value"])
        return (-len(rounds), 0)

    ordered = sorted(units.values(), key=newest, reverse=True)
    return {"rounds": rounds, "rows": ordered}
