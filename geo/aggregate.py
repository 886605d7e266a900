"""Metrics per city or county from the curated dataset: pure functions over plain frames.

A metric is a ``pandas.Series`` indexed by the adcode of every unit at the level, float
values, ``NaN`` where the dataset has no figure at all ("no data", which maps draw apart
from zero). Money is integer CNY in the tables and CNY here; display code divides by 1e8.

Project amounts and "三个一批" batch totals are never added together: a project named in a
batch is already inside the batch total, so the two families of metrics stay separate.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd

import boundaries
from geo.store.schema import BATCH_KINDS, STAGES, ZONE_TYPES  # noqa: F401  (re-exported)

METRICS = ("investment", "projects", "zones", "batch_investment", "batch_projects")
MONEY_METRICS = ("investment", "batch_investment")
BATCH_METRICS = ("batch_investment", "batch_projects")
LEVELS = ("city", "county")
YI = 1e8  # CNY per 亿元


@dataclass(frozen=True)
class Filters:
    """Row filters shared by maps and downloads. ``None`` means "no filter".

    ``year`` applies to a project's ``date`` and a batch's ``round_date``; ``round`` (ISO
    date) and ``kind`` apply to batches only; ``city``/``county`` are adcodes.
    """

    stage: str | None = None
    zone_type: str | None = None
    year: int | None = None
    round: str | None = None
    kind: str | None = None
    city: str | None = None
    county: str | None = None
    zone: str | None = None  # a zone_id: that zone's projects and batches


NO_FILTERS = Filters()


def _col(frame: pd.DataFrame, name: str) -> pd.Series:
    return frame[name] if name in frame else pd.Series([None] * len(frame), index=frame.index)


def _year_of(dates: pd.Series) -> pd.Series:
    """The year of ISO dates as numbers (NaN where there is none): vectorised, because
    the choropleth form counts records for every option of every filter."""
    # dates repeat (a round's date, an article's date): parse each distinct one once
    distinct = dates.unique()
    years = {d: int(d[:4]) if isinstance(d, str) and d[:4].isdigit() else np.nan for d in distinct}
    return dates.map(years).astype(float)


_MEMO: dict[tuple[int, str], tuple] = {}
_MEMO_SIZE = 8


def per_frame(frame: pd.DataFrame, name: str, compute):
    """``compute(frame)``, kept while ``frame`` is one of the last few asked about.

    Read-model frames are never changed (a new data version is a new frame), and a form
    counts records for every option of every filter against the same frame: derived
    columns (years, amounts known) are computed once, not per option. The memo holds the
    frame itself, so its id cannot be reused by another frame while remembered.
    """
    key = (id(frame), name)
    hit = _MEMO.get(key)
    if hit is None or hit[0] is not frame:
        if len(_MEMO) >= _MEMO_SIZE:
            _MEMO.clear()
        hit = (frame, compute(frame))
        _MEMO[key] = hit
    return hit[1]


def _in_place(frame: pd.DataFrame, filters: Filters) -> pd.Series:
    keep = pd.Series(True, index=frame.index)
    if filters.city:
        keep &= _col(frame, "city_adcode") == filters.city
    if filters.county:
        keep &= _col(frame, "county_adcode") == filters.county
    return keep


def zone_mask(zones: pd.DataFrame, filters: Filters) -> pd.Series:
    """Which zones :func:`filter_zones` keeps (counting needs no copy of the rows)."""
    keep = _in_place(zones, filters)
    if filters.zone:
        keep &= zones["zone_id"] == filters.zone
    if filters.zone_type:
        keep &= zones["type"] == filters.zone_type
    return keep


def filter_zones(zones: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """Zones of a type and place (stage, year and batch filters do not apply to zones)."""
    return zones[zone_mask(zones, filters)]


def filter_projects(projects: pd.DataFrame, zones: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """Projects by stage, year of ``date``, place, and the type of the zone they are in."""
    return projects[project_mask(projects, zones, filters)]


def project_mask(projects: pd.DataFrame, zones: pd.DataFrame, filters: Filters) -> pd.Series:
    """Which projects :func:`filter_projects` keeps."""
    keep = _in_place(projects, filters)
    if filters.zone:
        keep &= projects["zone_id"] == filters.zone
    if filters.stage:
        keep &= projects["stage"] == filters.stage
    if filters.year:
        keep &= per_frame(projects, "year", lambda f: _year_of(f["date"])) == filters.year
    if filters.zone_type:
        of_type = zones.loc[zones["type"] == filters.zone_type, "zone_id"]
        keep &= projects["zone_id"].isin(of_type)
    return keep


def batch_place(batches: pd.DataFrame) -> pd.DataFrame:
    """``city_adcode``/``county_adcode`` columns derived from a batch's scope and adcode."""
    frame = batches.copy()
    city_of, county_of = _unit_maps()
    # dict.get, not Series.map(dict): unknown codes stay None, not NaN (which is truthy)
    frame["city_adcode"] = [city_of.get(c) for c in frame["adcode"]]
    frame["county_adcode"] = [county_of.get(c) for c in frame["adcode"]]
    return frame


@functools.cache
def _unit_maps() -> tuple[dict, dict]:
    """adcode -> its city (a city is its own), adcode -> itself when a county."""
    units = list(boundaries.units())
    city = {u.adcode: u.adcode if u.level == "city" else u.parent_adcode for u in units}
    county = {u.adcode: u.adcode for u in units if u.level == "county"}
    return city, county


def filter_batches(batches: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """Batch rows by round, kind, year of the round and place (stage/zone type ignored)."""
    frame = batch_place(batches)
    keep = _in_place(frame, filters)
    if filters.zone:
        keep &= frame["zone_id"] == filters.zone
    if filters.round:
        keep &= frame["round_date"] == filters.round
    if filters.kind:
        keep &= frame["kind"] == filters.kind
    if filters.year:
        keep &= _year_of(frame["round_date"]) == filters.year
    return frame[keep]


def rounds(batches: pd.DataFrame) -> list[str]:
    """The ISO dates of the "三个一批" rounds in the data, newest first."""
    return sorted({d for d in batches["round_date"] if d}, reverse=True)


def _unit_codes(level: str, city: str | None = None) -> list[str]:
    """Adcodes of the units at ``level``; for counties optionally those of one city."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, not {level!r}")
    units = boundaries.units(level)
    if level == "county" and city:
        units = [u for u in units if u.parent_adcode == city]
    return [u.adcode for u in units]


def round_rows(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows that are round figures: a year-to-date, cumulative or pipeline figure spans
    other periods (it would count a round twice), so it never enters a round metric."""
    if "period_type" in rows:
        rows = rows[rows["period_type"].isna() | (rows["period_type"] == "round")]
    return rows


def batch_figures(rows: pd.DataFrame, column: str, kind: str) -> dict[tuple[str, str], float]:
    """One figure per (adcode, round) of ``kind``; ``all`` falls back to the sum of the three
    batches.

    The three batches of a round add up to its stated total, so summing them is safe; a
    place that reports an ``all`` row is never summed again on top of it. Only round figures
    count (:func:`round_rows`).
    """
    rows = round_rows(rows)
    out: dict[tuple[str, str], float] = {}
    for (adcode, round_date), group in rows.groupby(["adcode", "round_date"]):
        values = {k: v for k, v in zip(group["kind"], group[column], strict=True) if v is not None}
        if kind in values:
            out[(adcode, round_date)] = float(values[kind])
        elif kind == "all" and all(k in values for k in BATCH_KINDS[:3]):
            out[(adcode, round_date)] = float(sum(values[k] for k in BATCH_KINDS[:3]))
    return out


def _batch_totals(rows: pd.DataFrame, column: str, kind: str) -> dict[str, float]:
    """Per adcode, the sum of its round figures (:func:`batch_figures`) in ``rows``."""
    totals: dict[str, float] = {}
    for (adcode, _), value in batch_figures(rows, column, kind).items():
        totals[adcode] = totals.get(adcode, 0.0) + value
    return totals


def batch_column(metric: str) -> str:
    return "investment_cny" if metric == "batch_investment" else "projects"


def batch_scope(dataset, level: str, filters: Filters = NO_FILTERS):
    """(rows, round) a batch metric at ``level`` sums: the figures of that scope in the
    round of ``filters.round``, else every round of ``filters.year``, else the newest round
    the scope has (``round`` is None when a whole year or no round is used)."""
    scoped = filter_batches(dataset.batches, Filters(year=filters.year, city=filters.city))
    scoped = round_rows(scoped[scoped["scope"] == level])
    chosen = filters.round or (None if filters.year else next(iter(rounds(scoped)), None))
    if chosen:
        scoped = scoped[scoped["round_date"] == chosen]
    return scoped, chosen


def metric_by_unit(dataset, level: str, metric: str, filters: Filters = NO_FILTERS) -> pd.Series:
    """``metric`` for every unit at ``level`` (adcode index, float, NaN = no data).

    - ``investment``: sum of reported project amounts (CNY); NaN where no project with an
      amount matches (an unknown amount is not zero).
    - ``projects`` / ``zones``: counts; 0 where none is reported.
    - ``batch_investment`` / ``batch_projects``: "三个一批" figures of one round (the newest
      unless ``filters.round``) and ``filters.kind`` (default ``all``); NaN where the place
      has no batch table. Batches are reported per city, so counties mostly have no data.
      With ``filters.year`` and no round, every round of that year is added up.
    """
    codes = _unit_codes(level, filters.city)
    series = pd.Series(np.nan, index=pd.Index(codes, name="adcode"), dtype=float)
    key = f"{level}_adcode"
    if metric == "investment":
        rows = filter_projects(dataset.projects, dataset.zones, filters)
        rows = rows[rows["investment_cny"].notna()]
        sums = rows.groupby(key)["investment_cny"].sum() if len(rows) else {}
        for code, value in dict(sums).items():
            if code in series.index:
                series[code] = float(value)
    elif metric in ("projects", "zones"):
        rows = (
            filter_projects(dataset.projects, dataset.zones, filters)
            if metric == "projects"
            else filter_zones(dataset.zones, filters)
        )
        counts = rows[key].value_counts() if len(rows) else {}
        series[:] = 0.0
        for code, value in dict(counts).items():
            if code in series.index:
                series[code] = float(value)
    elif metric in BATCH_METRICS:
        scoped, _ = batch_scope(dataset, level, filters)
        for code, value in _batch_totals(
            scoped, batch_column(metric), filters.kind or "all"
        ).items():
            if code in series.index:
                series[code] = value
    else:
        raise ValueError(f"metric must be one of {METRICS}, not {metric!r}")
    return series


def all_metrics(dataset, level: str, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Every metric for every unit at ``level``: one column per metric name."""
    return pd.DataFrame({m: metric_by_unit(dataset, level, m, filters) for m in METRICS})
