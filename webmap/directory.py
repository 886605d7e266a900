"""The zones directory (``/zones``): every zone of the gazetteer as rows to filter and sort,
and how many of Shanxi's 93 development zones the gazetteer knows. Pure: no Flask.

Filters and sorts are small named functions over plain rows (tested table-driven, no
HTTP); the page, its JSON twin and its CSV all take the same parsed parameters.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import boundaries
from webmap import i18n

SORTS = ("name", "type", "level", "city", "approval", "projects", "investment")
ORDERS = ("asc", "desc")
ZONE_LEVELS = ("national", "provincial", "none")
WITH_PROJECTS = ("with", "without")
DEFAULT_SORT = {"sort": "city", "order": "asc"}

# Shanxi reported 93 development zones at the end of 2022 (of which 71 industrial: 66
# economic-technological and 5 high-tech; 14 modern-agriculture; 8 eco-culture-tourism),
# seed 002 ("握指成拳 蓄势聚能促发展——山西省开发区全方位提质增效扫描") and
# ../shared/reference/README.md. A gazetteer zone counts towards them when it is a zone
# of its own (no parent zone, not merged into another since 2018) and not a specialty
# town (专业镇) or bonded zone (综合保税区), which are not 开发区 in that count.
REPORTED = {"industrial": 71, "agriculture": 14, "eco_tourism": 8}
REPORTED_TOTAL = 93
CATEGORY = {
    "etdz": "industrial",
    "econ_dev": "industrial",
    "hitech": "industrial",
    "reform_demo": "industrial",
    "industrial_park": "industrial",
    "cluster": "industrial",
    "other": "industrial",
    "modern_agri": "agriculture",
    "agri_hitech": "agriculture",
    "eco_tourism": "eco_tourism",
}
CATEGORY_LABELS = {
    "industrial": ("产业类（经济技术、高新技术等）", "Industrial (economic, high-tech and others)"),
    "agriculture": ("现代农业类", "Modern agriculture"),
    "eco_tourism": ("生态文旅类", "Eco-culture-tourism"),
}
# (text before the article's title, text after it): the title stays Chinese in English
# pages, marked as such.
SOURCE_93 = {
    "zh": (
        "山西省商务厅：截至2022年底全省共有开发区93个（产业类71个、现代农业类14个、"
        "生态文旅类8个）；见《",
        "》。",
    ),
    "en": (
        "Shanxi Department of Commerce: 93 development zones at the end of 2022 (71 "
        "industrial, 14 modern-agriculture, 8 eco-culture-tourism), as reported in “",
        "” (seed article 002).",
    ),
}
SOURCE_93_TITLE = "握指成拳 蓄势聚能促发展——山西省开发区全方位提质增效扫描"
SOURCE_93_DOC = "002_320fd114a362f894.txt"


def _text(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def counted(zone: dict) -> bool:
    """Does this gazetteer zone count towards the 93 (see the module comment)?"""
    status = _text(zone.get("status"))
    return (
        not _text(zone.get("parent_zone_id"))
        and not status.startswith("merged_into")
        and zone.get("type") in CATEGORY
    )


def rows(data, lang: str) -> list[dict]:
    """One plain row per gazetteer zone: what the directory shows, filters and sorts."""
    projects = data.projects
    count = projects.groupby("zone_id").size().to_dict() if len(projects) else {}
    amounts = projects[projects["investment_cny"].notna()]
    invest = amounts.groupby("zone_id")["investment_cny"].sum().to_dict() if len(amounts) else {}
    out = []
    for z in data.zones.drop(columns="geometry").to_dict("records"):
        city, county = _text(z.get("city_adcode")), _text(z.get("county_adcode"))
        kind = i18n.ZONE_TYPES.get(z["type"], i18n.ZONE_TYPES["other"])
        approval = _text(z.get("approval_date"))
        level = _text(z.get("level"))
        area = z.get("approved_area_ha")
        out.append(
            {
                "zone_id": z["zone_id"],
                "name": z["name"],
                "aliases": [a for a in _text(z.get("aliases")).split("|") if a],
                "type": z["type"],
                "type_label": i18n.pick(kind, lang),
                "level": level or None,
                "level_label": i18n.pick(i18n.LEVELS[level], lang) if level in i18n.LEVELS else "",
                "city_adcode": city or None,
                "city": i18n.place_name(boundaries.unit(city), lang) if city else "",
                "county_adcode": county or None,
                "county": i18n.place_name(boundaries.unit(county), lang) if county else "",
                "approval_date": approval or None,
                "approval_year": int(approval[:4]) if approval[:4].isdigit() else None,
                "approved_area_ha": None if _text(area) == "" else float(area),
                "leading_industries": _text(z.get("leading_industries")) or None,
                "status": _text(z.get("status")) or None,
                "source": _text(z.get("source")) or None,
                "source_url": _text(z.get("source_url")) or None,
                "parent_zone_id": _text(z.get("parent_zone_id")) or None,
                "precision": _text(z.get("precision")) or None,
                "projects": int(count.get(z["zone_id"], 0)),
                "investment_cny": int(invest[z["zone_id"]]) if z["zone_id"] in invest else None,
                "counted_in_93": counted(z),
                "category": CATEGORY.get(z["type"]) if counted(z) else None,
            }
        )
    return out


# ---------------------------------------------------------------- filters and sorts


@dataclass(frozen=True)
class Query:
    zone_type: str | None = None
    zone_level: str | None = None  # national | provincial | none (not stated)
    city: str | None = None
    year: int | None = None  # approval year
    projects: str | None = None  # with | without
    sort: str = DEFAULT_SORT["sort"]
    order: str = DEFAULT_SORT["order"]

    @classmethod
    def of(cls, p: dict) -> Query:
        return cls(**{k: p[k] for k in cls.__dataclass_fields__ if p.get(k) is not None})


FILTERS: dict[str, Callable[[dict, object], bool]] = {
    "zone_type": lambda r, v: r["type"] == v,
    "zone_level": lambda r, v: (r["level"] or "none") == v,
    "city": lambda r, v: r["city_adcode"] == v,
    "year": lambda r, v: r["approval_year"] == v,
    "projects": lambda r, v: (r["projects"] > 0) == (v == "with"),
}

_LEVEL_RANK = {"national": 0, "provincial": 1, None: 2}
SORT_KEYS: dict[str, Callable[[dict], tuple]] = {
    "name": lambda r: (r["name"],),
    "type": lambda r: (
        list(i18n.ZONE_TYPES).index(r["type"]) if r["type"] in i18n.ZONE_TYPES else 99,
    ),
    "level": lambda r: (_LEVEL_RANK.get(r["level"], 2),),
    "city": lambda r: (r["city_adcode"] or "999999", r["county_adcode"] or "999999"),
    "approval": lambda r: (r["approval_date"] or "",),
    "projects": lambda r: (r["projects"],),
    "investment": lambda r: (r["investment_cny"] or 0,),
}


def select(all_rows: list[dict], q: Query) -> list[dict]:
    """Rows matching every filter of ``q``, sorted by ``q.sort`` (ties by name).

    Rows missing the sort value (no approval date, no amount) go last in either order.
    """
    out = [
        r
        for r in all_rows
        if all(FILTERS[name](r, getattr(q, name)) for name in FILTERS if getattr(q, name))
    ]
    key = SORT_KEYS[q.sort]
    missing = {
        "approval": lambda r: r["approval_date"] is None,
        "investment": lambda r: r["investment_cny"] is None,
        "level": lambda r: r["level"] is None,
        "city": lambda r: r["city_adcode"] is None,
    }.get(q.sort, lambda r: False)
    known = sorted(
        (r for r in out if not missing(r)),
        key=lambda r: (key(r), r["name"]),
        reverse=q.order == "desc",
    )
    return known + sorted((r for r in out if missing(r)), key=lambda r: r["name"])


def known_of_93(all_rows: list[dict], lang: str) -> dict:
    """ "K of 93 zones known": the gazetteer's zones that count, by category."""
    by = {c: sum(1 for r in all_rows if r["category"] == c) for c in REPORTED}
    known = sum(by.values())
    return {
        "known": known,
        "reported": REPORTED_TOTAL,
        "text": i18n.t("known_of", lang).format(k=known, n=REPORTED_TOTAL),
        "categories": [
            {
                "category": c,
                "label": i18n.pick(CATEGORY_LABELS[c], lang),
                "known": by[c],
                "reported": REPORTED[c],
            }
            for c in REPORTED
        ],
        "source": SOURCE_93_TITLE.join(SOURCE_93["en" if lang == "en" else "zh"]),
        "source_parts": [*SOURCE_93["en" if lang == "en" else "zh"], SOURCE_93_TITLE],
        "source_doc": SOURCE_93_DOC,
        "in_gazetteer": len(all_rows),
    }


def options(all_rows: list[dict], q: Query, lang: str) -> dict[str, list[tuple]]:
    """(value, label, count) per filter option: how many zones each choice would show."""

    def count(name, value):
        return len(select(all_rows, Query(**{**q.__dict__, name: value})))

    types = [t for t in i18n.ZONE_TYPES if any(r["type"] == t for r in all_rows)]
    cities = sorted({r["city_adcode"] for r in all_rows if r["city_adcode"]})
    years = sorted({r["approval_year"] for r in all_rows if r["approval_year"]}, reverse=True)
    out = {
        "zone_type": [(t, i18n.pick(i18n.ZONE_TYPES[t][:2], lang)) for t in types],
        "zone_level": [
            ("national", i18n.pick(i18n.LEVELS["national"], lang)),
            ("provincial", i18n.pick(i18n.LEVELS["provincial"], lang)),
            ("none", i18n.t("level_unknown", lang)),
        ],
        "city": [(c, i18n.place_name(boundaries.unit(c), lang)) for c in cities],
        "year": [(y, str(y)) for y in years],
        "projects": [("with", i18n.t("with", lang)), ("without", i18n.t("without", lang))],
    }
    every = {
        "zone_type": "all_types",
        "zone_level": "all_levels",
        "city": "all_cities",
        "year": "all_years",
        "projects": "any",
    }
    return {
        name: [("", i18n.t(every[name], lang), count(name, None))]
        + [(str(v), label, count(name, v)) for v, label in values]
        for name, values in out.items()
    }
