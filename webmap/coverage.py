"""What a map selection covers, how many records each form option would match, and the
nearest selection with data when a selection has none. Pure: no Flask.

"Records" are what a metric counts: projects (with an amount, for ``investment``),
zones, or "三个一批" figures (one per place and round, :func:`geo.aggregate.batch_figures`).
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

import boundaries
from geo import aggregate
from geo.aggregate import Filters
from webmap import i18n, params

PROJECT_METRICS = ("investment", "projects")


def filters_of(p: dict) -> Filters:
    """The filters a choropleth applies (the city filter only on county maps)."""
    level = p.get("level", "city")
    return Filters(
        stage=p.get("stage"),
        zone_type=p.get("zone_type"),
        year=p.get("year"),
        round=p.get("round"),
        kind=p.get("kind"),
        city=p.get("city") if level == "county" else None,
    )


def _split_ids(values) -> set[str]:
    out = set()
    for v in pd.unique(pd.Series(values, dtype=object)):  # a document cites many rows
        if isinstance(v, str) and v:
            out.update(x for x in v.split("|") if x)
    return out


def matched(data, metric: str, level: str, filters: Filters) -> pd.DataFrame:
    """The records ``metric`` counts or sums at ``level`` under ``filters``."""
    if metric in PROJECT_METRICS:
        rows = aggregate.filter_projects(data.projects, data.zones, filters)
        if metric == "investment":
            rows = rows[rows["investment_cny"].notna()]
        return rows
    if metric == "zones":
        return aggregate.filter_zones(data.zones, filters)
    rows, _ = aggregate.batch_scope(data, level, filters)
    figures = aggregate.batch_figures(rows, aggregate.batch_column(metric), filters.kind or "all")
    keys = set(figures)
    keep = [(a, r) in keys for a, r in zip(rows["adcode"], rows["round_date"], strict=True)]
    return rows[keep] if len(rows) else rows


def record_count(data, metric: str, level: str, filters: Filters) -> int:
    """How many records :func:`matched` would give, without copying them (the form counts
    every option of every filter, so this runs dozens of times per page)."""
    if metric in aggregate.BATCH_METRICS:
        rows, _ = aggregate.batch_scope(data, level, filters)
        return len(
            aggregate.batch_figures(rows, aggregate.batch_column(metric), filters.kind or "all")
        )
    if metric == "zones":
        return int(aggregate.zone_mask(data.zones, filters).sum())
    keep = aggregate.project_mask(data.projects, data.zones, filters)
    if metric == "investment":
        keep &= _has_amount(data.projects)
    return int(keep.sum())


def _has_amount(projects: pd.DataFrame) -> pd.Series:
    """Which projects state an amount (once per read model)."""
    return aggregate.per_frame(projects, "has_amount", lambda f: f["investment_cny"].notna())


def has_data(values: pd.Series) -> bool:
    """A map has data when some unit has a value other than 0."""
    known = values.dropna()
    return bool((known != 0).any())


def coverage(data, metric: str, level: str, filters: Filters, values: pd.Series, lang: str):
    """``{"parts": [...], "text": ...}``: documents, records, places with data, period."""
    rows = matched(data, metric, level, filters)
    t = lambda key: i18n.t(key, lang)  # noqa: E731
    docs = _split_ids(rows["doc_ids"]) | _split_ids(rows["doc_id"]) if "doc_id" in rows else set()
    if metric in aggregate.BATCH_METRICS:
        dates = [d for d in rows["round_date"] if isinstance(d, str) and d]
        figures = record_count(data, metric, level, filters)
        records = t("cov_figures").format(n=figures)
    elif metric == "zones":
        dates = []
        records = t("cov_zones").format(n=len(rows))
    else:
        dates = [d for d in rows["date"] if isinstance(d, str) and d]
        records = t("cov_projects").format(n=len(rows))
    level_word = i18n.t("counties" if level == "county" else "cities", lang)
    if lang == "en":
        level_word = level_word.lower()
    with_data = int((values.dropna() != 0).sum())
    parts = []
    if metric != "zones":
        parts.append(t("cov_documents").format(n=len(docs)))
    parts.append(records)
    parts.append(t("cov_places").format(k=with_data, n=len(values), level=level_word))
    if metric != "zones":
        parts.append(
            t("cov_period").format(a=min(dates)[:10], b=max(dates)[:10])
            if dates
            else t("cov_no_period")
        )
    return {
        "documents": len(docs),
        "records": len(rows),
        "places_with_data": with_data,
        "places": len(values),
        "period": [min(dates)[:10], max(dates)[:10]] if dates else None,
        "parts": parts,
        "text": " · ".join(parts),
    }


# ---------------------------------------------------------------- option counts

COUNTED = ("level", "metric", "city", "stage", "zone_type", "year", "round", "kind")


def option_count(data, p: dict, name: str, value: str) -> int:
    """Records the choropleth ``p`` would show with ``name`` set to ``value``."""
    q = dict(p)
    if value in ("", None):
        q.pop(name, None)
    else:
        q[name] = int(value) if name == "year" else value
    if name == "year" and value:
        q.pop("round", None)  # the form's round options follow the year
    level, metric = q.get("level", "city"), q.get("metric", "investment")
    return record_count(data, metric, level, filters_of(q))


def option_counts(data, p: dict, name: str, values) -> dict[str, int]:
    return {v: option_count(data, p, name, v) for v in values}


# ---------------------------------------------------------------- nearest selection


def _values(data, p, metric, level):
    return aggregate.metric_by_unit(data, level, metric, filters_of(p))


def _candidates(data, p: dict, lang: str):
    """Changed selections, nearest first: another value of one filter, then without it."""
    t = lambda key: i18n.t(key, lang)  # noqa: E731
    metric = p.get("metric", "investment")
    batch = metric in aggregate.BATCH_METRICS
    if batch:
        scoped = data.batches[data.batches["scope"] == p.get("level", "city")]
        level_rounds = aggregate.rounds(aggregate.round_rows(scoped))
        current = p.get("round")
        if current:
            near = sorted(
                (r for r in level_rounds if r != current),
                key=lambda r: abs(pd.Timestamp(r) - pd.Timestamp(current)),
            )
            for r in near:
                yield {**p, "round": r}, f"{t('round')} {r}"
            yield {k: v for k, v in p.items() if k != "round"}, t("round_latest")
        current_kind = p.get("kind") or "all"
        for kind in ("all", *aggregate.BATCH_KINDS[:3]):
            if kind != current_kind:
                yield {**p, "kind": kind}, i18n.pick(i18n.KINDS[kind], lang)
    year = p.get("year")
    if year:
        years = sorted(
            {int(y) for y in _years(data, batch) if int(y) != year}, key=lambda y: abs(y - year)
        )
        for y in years:
            yield {**p, "year": y, **({} if not batch else {"round": None})}, f"{t('year')} {y}"
        yield {k: v for k, v in p.items() if k != "year"}, t("all_years")
    for name, label in (("stage", "all_stages"), ("zone_type", "all_types")):
        if p.get(name) and not batch:
            yield {k: v for k, v in p.items() if k != name}, t(label)
    if p.get("level") == "county":
        if p.get("city"):
            yield {k: v for k, v in p.items() if k != "city"}, t("all_cities")
        yield {k: v for k, v in p.items() if k != "city"} | {"level": "city"}, t("cities")


def _years(data, batch: bool) -> set[str]:
    dates = data.batches["round_date"] if batch else data.projects["date"]
    return {d[:4] for d in dates if isinstance(d, str) and d[:4].isdigit()}


def nearest(data, p: dict, lang: str) -> dict | None:
    """The nearest selection with data: ``{"params", "label", "count"}``, or None."""
    for q, label in _candidates(data, p, lang):
        q = {k: v for k, v in q.items() if v is not None}
        metric, level = q.get("metric", "investment"), q.get("level", "city")
        if has_data(_values(data, q, metric, level)):
            return {
                "params": q,
                "label": label,
                "count": record_count(data, metric, level, filters_of(q)),
            }
    return None


def selection_url(base: str, q: dict) -> str:
    query = params.query(q, drop=("download",))
    return f"{base}?{query}" if query else base


def remainder(data, metric: str, filters: Filters, lang: str) -> str | None:
    """On a county map: what is known only at city level ("+17.72 亿 not placed in a
    county"), for the project metrics (batch figures of a city are another scope)."""
    if metric not in PROJECT_METRICS:
        return None
    rows = aggregate.filter_projects(data.projects, data.zones, filters)
    city_only = rows[rows["city_adcode"].notna() & rows["county_adcode"].isna()]
    if metric == "investment":
        total = city_only["investment_cny"].dropna().astype(float).sum()
        if not total:
            return None
        from webmap import classify

        value = f"{classify.fmt(total, True)} {i18n.t('unit_yi', lang)}"
        return i18n.t("remainder", lang).format(v=value)
    if not len(city_only):
        return None
    return i18n.t("remainder_count", lang).format(v=len(city_only))


def city_figures(data, metric: str, filters: Filters, lang: str) -> list[dict]:
    """On a county map of a batch metric: the city-scope figures of the same selection,
    which no county figure splits."""
    if metric not in aggregate.BATCH_METRICS:
        return []
    values = aggregate.metric_by_unit(data, "city", metric, replace(filters))
    from webmap import classify

    money = metric in aggregate.MONEY_METRICS
    out = []
    for code, value in values.dropna().items():
        if filters.city and code != filters.city:
            continue
        out.append(
            {
                "adcode": code,
                "name": i18n.place_name(boundaries.unit(code), lang),
                "label": classify.fmt(value, money),
            }
        )
    return out
