"""The choropleth controls, shared by the page's GET form and the ``/embed`` builder.

One list of fields (name, label, options with human-readable labels, selected value) in
the page's language. Each filter says which metrics it applies to, so the page shows only
the filters of its metric (server-side) and the builder hides the others (client-side).
Round and year options come from the data.
"""

from __future__ import annotations

from dataclasses import dataclass

import boundaries
from geo import aggregate
from webmap import i18n, params

PROJECT_METRICS = ("investment", "projects")
# Which metrics a filter changes (geo.aggregate.metric_by_unit): stage and year filter
# projects, zone type filters projects (by their zone) and zones, round and kind filter
# "三个一批" batches, and year also picks the rounds of a year.
APPLIES = {
    "stage": PROJECT_METRICS,
    "zone_type": (*PROJECT_METRICS, "zones"),
    "year": (*PROJECT_METRICS, *aggregate.BATCH_METRICS),
    "round": aggregate.BATCH_METRICS,
    "kind": aggregate.BATCH_METRICS,
}
OVERVIEW = ("city", "zone_type", "basemap")  # the builder's controls of the overview map
LEVEL_ONLY = {"city": ("county",)}  # a city's counties: the drill-down
BASEMAP_LABELS = {
    "osm": ("OpenStreetMap", "OpenStreetMap"),
    "gaode": ("高德地图", "Amap (Gaode)"),
    "tianditu": ("天地图", "Tianditu"),
    "none": ("无底图", "None"),
}
LEVEL_LABELS = {"city": i18n.TEXT["cities"], "county": i18n.TEXT["counties"]}


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    options: tuple[tuple[str, str], ...]  # (value, label); value "" = no filter
    selected: str
    metrics: tuple[str, ...] = ()  # empty: every metric
    levels: tuple[str, ...] = ()  # empty: every level

    def applies(self, metric: str, level: str) -> bool:
        return (not self.metrics or metric in self.metrics) and (
            not self.levels or level in self.levels
        )


def years(data) -> list[str]:
    """Years of project dates and of "三个一批" rounds in the data, newest first."""
    dates = [*data.projects["date"], *data.batches["round_date"]]
    return sorted({d[:4] for d in dates if isinstance(d, str) and d[:4].isdigit()}, reverse=True)


def rounds_of(data, year: str = "") -> list[str]:
    """The "三个一批" rounds in the data (of ``year`` if given), newest first."""
    return [r for r in aggregate.rounds(data.batches) if r.startswith(year)]


def _with_current(values: list[str], current: str) -> list[str]:
    """``values`` plus the current one if the data lacks it (a valid value stays selected)."""
    return values if not current or current in values else [current, *values]


def choropleth_fields(data, p: dict, lang: str, basemaps) -> list[Field]:
    """Every choropleth control, labelled in ``lang``, with ``p``'s values selected."""

    def pick(pair):
        label = i18n.pick(pair, lang)
        return label[:1].upper() + label[1:]  # "in production" -> "In production"

    def t(key):
        return i18n.t(key, lang)

    def cur(name, default=""):
        return str(p.get(name, default))

    year, rnd = cur("year"), cur("round")
    all_rounds = t("round_all_year") if year else t("round_latest")
    return [
        Field(
            "level",
            t("unit_level"),
            tuple((v, pick(LEVEL_LABELS[v])) for v in params.CHOICES["level"]),
            cur("level", params.DEFAULTS["level"]),
        ),
        Field(
            "metric",
            t("metric"),
            tuple((v, pick(i18n.METRICS[v])) for v in params.CHOICES["metric"]),
            cur("metric", params.DEFAULTS["metric"]),
        ),
        Field(
            "scheme",
            t("scheme"),
            tuple((v, pick(i18n.SCHEMES[v])) for v in params.CHOICES["scheme"]),
            cur("scheme", params.DEFAULTS["scheme"]),
        ),
        Field(
            "k",
            t("classes"),
            tuple((v, v) for v in params.CHOICES["k"]),
            cur("k", params.DEFAULTS["k"]),
        ),
        Field(
            "city",
            t("city"),
            (("", t("all_cities")),)
            + tuple((u.adcode, i18n.place_name(u, lang)) for u in boundaries.units("city")),
            cur("city"),
            levels=LEVEL_ONLY["city"],
        ),
        Field(
            "stage",
            t("stage"),
            (("", t("all_stages")),) + tuple((v, pick(i18n.STAGES[v])) for v in aggregate.STAGES),
            cur("stage"),
            APPLIES["stage"],
        ),
        Field(
            "zone_type",
            t("zone_type"),
            (("", t("all_types")),)
            + tuple((v, pick(i18n.ZONE_TYPES[v][:2])) for v in aggregate.ZONE_TYPES),
            cur("zone_type"),
            APPLIES["zone_type"],
        ),
        Field(
            "year",
            t("year"),
            (("", t("all_years")),) + tuple((y, y) for y in _with_current(years(data), year)),
            year,
            APPLIES["year"],
        ),
        Field(
            "round",
            t("round"),
            (("", all_rounds),) + tuple((r, r) for r in _with_current(rounds_of(data, year), rnd)),
            rnd,
            APPLIES["round"],
        ),
        Field(
            "kind",
            t("kind"),
            tuple((v, pick(i18n.KINDS[v])) for v in aggregate.BATCH_KINDS),
            cur("kind", "all"),
            APPLIES["kind"],
        ),
        Field(
            "basemap",
            t("basemap"),
            tuple((v, pick(BASEMAP_LABELS[v])) for v in basemaps),
            cur("basemap"),
        ),
    ]


def page_fields(data, p: dict, basemaps) -> list[Field]:
    """The controls of a choropleth page: only those that apply to its metric and level,
    each option labelled with the number of records it would show ("签约 (3)")."""
    fields = choropleth_fields(data, p, p["lang"], basemaps)
    return [with_counts(data, p, f) for f in fields if f.applies(p["metric"], p["level"])]


def with_counts(data, p: dict, f: Field) -> Field:
    """``f`` with "(N)" after each option: the projects, zones or "三个一批" figures the
    map would show with that option chosen (``webmap.coverage.option_count``)."""
    from webmap import coverage

    if f.name not in coverage.COUNTED:
        return f
    options = tuple(
        (value, f"{label} ({coverage.option_count(data, p, f.name, value)})")
        for value, label in f.options
    )
    return Field(f.name, f.label, options, f.selected, f.metrics, f.levels)
