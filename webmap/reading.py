"""What a choropleth shows a reader besides colours: its title, coverage, a ranked list of
the units with values, the rounds to choose from, the trend across rounds, what a county
map cannot place, and what to look at instead when the selection is empty.

Pure (no Flask): ``panel(store, p, data, lang)`` returns plain values for the page's
panel (``templates/_choropleth_panel.html``) and the map's JSON config.
"""

from __future__ import annotations

import boundaries
from geo import aggregate
from webmap import charts, coverage, i18n, params


def _lang_q(lang: str) -> str:
    return "?lang=en" if lang == "en" else ""


def place_href(code: str, lang: str) -> str:
    return f"/places/{code}{_lang_q(lang)}"


def selection_title(p: dict, lang: str, chosen_round: str | None) -> str:
    """ "“三个一批”总投资 · 签约一批 · 2025-02-06 · 各市" — what the map shows, in words."""
    metric, level = p["metric"], p["level"]
    parts = [i18n.pick(i18n.METRICS[metric], lang)]
    if metric in aggregate.BATCH_METRICS:
        parts.append(i18n.pick(i18n.KINDS[p.get("kind") or "all"], lang))
        if chosen_round:
            parts.append(f"{i18n.t('round', lang)} {chosen_round}")
        elif p.get("year"):
            parts.append(f"{p['year']} · {i18n.t('round_all_year', lang)}")
    else:
        if p.get("stage") and metric in coverage.PROJECT_METRICS:
            parts.append(i18n.pick(i18n.STAGES[p["stage"]], lang))
        if p.get("zone_type"):
            parts.append(i18n.pick(i18n.ZONE_TYPES[p["zone_type"]][:2], lang))
        if p.get("year") and metric in coverage.PROJECT_METRICS:
            parts.append(str(p["year"]))
    if level == "county" and p.get("city"):
        city = i18n.place_name(boundaries.unit(p["city"]), lang)
        parts.append(f"{city} · {i18n.t('counties', lang)}")
    else:
        parts.append(i18n.t("counties" if level == "county" else "cities", lang))
    return " · ".join(parts)


def round_links(store, p: dict, lang: str, chosen: str | None, base: str) -> list[dict]:
    """The "三个一批" rounds of the map's scope, newest first, each a link with its count
    of figures (the round selector beside the map)."""
    level = p["level"]
    scoped = aggregate.round_rows(store.data.batches)
    scoped = scoped[scoped["scope"] == level]
    if p.get("city") and level == "county":
        scoped = aggregate.filter_batches(scoped, aggregate.Filters(city=p["city"]))
    out = []
    for rnd in aggregate.rounds(scoped):
        count = coverage.option_count(store.data, {**p, "year": None}, "round", rnd)
        q = {k: v for k, v in p.items() if k not in ("year", "round")} | {"round": rnd}
        out.append(
            {
                "round": rnd,
                "count": count,
                "href": coverage.selection_url(base, q),
                "current": rnd == chosen,
            }
        )
    return out


def panel(store, p: dict, data: dict, lang: str, embed: bool = False) -> dict:
    """Everything beside the choropleth (see the module docstring)."""
    level, metric = p["level"], p["metric"]
    filters = coverage.filters_of(p)
    values = data["values"]
    chosen = None
    if metric in aggregate.BATCH_METRICS:
        _, chosen = aggregate.batch_scope(store.data, level, filters)
    base = "/embed/choropleth" if embed else "/choropleth"
    empty = not coverage.has_data(values)
    suggestion = None
    if empty:
        near = coverage.nearest(store.data, p, lang)
        if near:
            suggestion = {
                "label": near["label"],
                "count": near["count"],
                "href": coverage.selection_url(base, near["params"]),
            }
    names = {r["adcode"]: r["name"] for r in data["rows"]}
    trend = None
    if metric in aggregate.BATCH_METRICS:
        trend = charts.trend(store.data, level, metric, filters, names)
        if len(trend["rounds"]) < 2 and not trend["rows"]:
            trend = None
    without = sum(1 for r in data["rows"] if not r["value"])
    remainder = city_figures = None
    if level == "county":
        remainder = coverage.remainder(store.data, metric, filters, lang)
        city_figures = coverage.city_figures(store.data, metric, filters, lang)
    for row in data["rows"]:
        row["href"] = place_href(row["adcode"], lang)
    return {
        "title": selection_title(p, lang, chosen),
        "round": chosen,
        "coverage": coverage.coverage(store.data, metric, level, filters, values, lang),
        "empty": empty,
        "suggestion": suggestion,
        "ranked": charts.ranked(data["rows"]),
        "without": without,
        "without_text": i18n.t("units_without", lang).format(n=without) if without else "",
        "rounds": round_links(store, p, lang, chosen, base)
        if metric in aggregate.BATCH_METRICS
        else [],
        "trend": trend,
        "remainder": remainder,
        "city_figures": city_figures or [],
        "unit": data["unit"],
        "metric_title": data["title"],
        "classes_note": _classes_note(data, p, lang),
        "embed": embed,
        "query": params.query(p, drop=("download",)),
    }


def _classes_note(data: dict, p: dict, lang: str) -> str:
    """Why the legend has fewer classes than asked (k=7 over 3 distinct values)."""
    n = len(data["classes"].bins)
    if n and n < int(p.get("k", 5)):
        return i18n.t("classes_note", lang).format(n=n)
    return ""


def overview_coverage(store, p: dict, zones: list[dict], lang: str) -> str:
    """ "41 个开发区（41 个已定位）· 36 个项目 · 27 篇文献 · 2020-02-28 至 2026-03-01"."""
    data = store.data
    filters = aggregate.Filters(
        zone_type=p.get("zone_type"),
        city=p.get("city"),
        county=p.get("county"),
        stage=p.get("stage"),
        year=p.get("year"),
    )
    all_zones = aggregate.filter_zones(data.zones, filters)
    projects = aggregate.filter_projects(data.projects, data.zones, filters)
    docs = coverage._split_ids(projects["doc_ids"]) | coverage._split_ids(projects["doc_id"])
    dates = sorted(d for d in projects["date"] if isinstance(d, str) and d)
    t = lambda key: i18n.t(key, lang)  # noqa: E731
    parts = [
        t("cov_zones").format(n=len(all_zones))
        + (" (" if lang == "en" else "（")
        + t("cov_located").format(k=len(zones))
        + (")" if lang == "en" else "）"),
        t("cov_projects").format(n=len(projects)),
        t("cov_documents").format(n=len(docs)),
        t("cov_period").format(a=dates[0][:10], b=dates[-1][:10]) if dates else t("cov_no_period"),
    ]
    return " · ".join(parts)


def overview_suggestion(store, p: dict, embed: bool, lang: str) -> dict | None:
    """When no zone matches the overview's filters: the first filter to drop that gives some."""
    base = "/embed/overview" if embed else "/"
    labels = {"zone_type": "all_types", "county": "all_cities", "city": "all_cities"}
    for name in ("zone_type", "county", "city"):
        if not p.get(name):
            continue
        q = {k: v for k, v in p.items() if k != name and not (name == "city" and k == "county")}
        filters = aggregate.Filters(
            zone_type=q.get("zone_type"), city=q.get("city"), county=q.get("county")
        )
        count = len(aggregate.filter_zones(store.data.zones, filters))
        if count:
            return {
                "label": i18n.t(labels[name], lang),
                "count": count,
                "href": coverage.selection_url(base, q),
            }
    return None
