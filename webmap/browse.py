"""Pages for reading without a map: the zones directory, search, project pages and the
embeddable round charts. Each has a JSON twin (``.json`` on the same route).

Views parse, call pure builders (``webmap.directory``, ``webmap.search``,
``webmap.timelines``, ``webmap.charts``) and render autoescaping Jinja templates; pages
are cached per data version like the map pages.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, current_app, g, jsonify, render_template, request
from markupsafe import Markup

import boundaries
from boundaries.errors import AtlasError
from geo import csvfile
from geo.store.common import NotFoundError
from webmap import (
    assets,
    charts,
    classify,
    directory,
    i18n,
    live,
    maps,
    pages,
    params,
    provenance,
    records,
    search,
    timelines,
)

bp = Blueprint("browse", __name__)


class UnknownProjectError(AtlasError, LookupError):
    status = 404


@bp.before_request
def _html_errors():
    """Errors of the HTML pages are pages too (their .json/.csv twins answer JSON)."""
    if not request.path.endswith((".json", ".csv")):
        g.atlas_html_errors = True


def store():
    return live.store()


def _t(lang):
    return lambda key: i18n.t(key, lang)


def _lang_q(lang: str) -> str:
    return "?lang=en" if lang == "en" else ""


def _parse(route: str) -> dict:
    return params.parse(request.args, route)


def _cached(key: tuple, build) -> pages.Page:
    return current_app.extensions["atlas_pages"].get((*key, store().data.version), build)


def _chrome(lang: str, downloads=()) -> tuple[Markup, Markup]:
    from webmap import views

    p = {"lang": lang, "basemap": current_app.config["DEFAULT_BASEMAP"]}
    header, footer = views.chrome(p, views.options(p), downloads)
    return Markup(header), Markup(footer)  # rendered by autoescaping templates


def _page(template: str, lang: str, title: str, downloads=(), embed=False, **context):
    header, footer = ("", "") if embed else _chrome(lang, downloads)
    if embed:
        from webmap import views

        opts = views.options({"lang": lang, "basemap": current_app.config["DEFAULT_BASEMAP"]})
        footer = Markup(
            render_template("_footer.html", attribution=maps.attribution(store(), opts))
        )
    html = render_template(
        template,
        t=_t(lang),
        lang=lang,
        lang_q=_lang_q(lang),
        title=title,
        css=assets.static_url("atlas.css"),
        header=header,
        footer=footer,
        embed=embed,
        **context,
    )
    return pages.Page.of(html, embed=embed)


def _json(body: dict) -> Response:
    response = jsonify(body)
    response.headers.extend(provenance.headers())
    return response


# ---------------------------------------------------------------- zones directory


def _directory(p: dict) -> tuple[list[dict], list[dict], directory.Query]:
    lang = p["lang"]
    every = directory.rows(store().data, lang)
    q = directory.Query.of(p)
    return every, directory.select(every, q), q


def _dir_query(p: dict, **changes) -> str:
    merged = {**p, **changes}
    if merged.get("sort") == directory.DEFAULT_SORT["sort"]:
        merged.pop("sort")
    if merged.get("order") == directory.DEFAULT_SORT["order"]:
        merged.pop("order")
    if merged.get("lang") == "zh":
        merged.pop("lang")
    return params.query({k: v for k, v in merged.items() if v is not None})


STATUS = {
    "current": ("现行", "current"),
    "uncertain": ("存疑（2018 年后情况未核实）", "uncertain (not verified since 2018)"),
}


def _status_label(status: str | None, lang: str) -> str:
    if not status:
        return ""
    if status.startswith("merged_into:"):
        target = status.split(":", 1)[1]
        return f"已并入{target}" if lang != "en" else f"merged into {target}"
    return i18n.pick(STATUS.get(status, (status, status)), lang)


def _display(row: dict, lang: str) -> dict:
    area = row["approved_area_ha"]
    return {
        **row,
        "area_text": "" if area is None else f"{area:,.2f}",
        "investment_text": ""
        if row["investment_cny"] is None
        else classify.fmt(row["investment_cny"], True),
        "status_label": _status_label(row["status"], lang),
        # the zone it was merged into, shown by name (Chinese, marked as such on English pages)
        "merged_into": row["status"].split(":", 1)[1]
        if (row["status"] or "").startswith("merged_into:")
        else None,
        "source_link": bool(row["source_url"])
        and row["source_url"].lower().startswith(("http://", "https://")),
        "source_lang": "zh-CN" if row["source"] and i18n.HAN.search(row["source"]) else None,
    }


@bp.route("/zones")
def zones_directory():
    p = _parse("directory")
    lang = p["lang"]

    def build():
        every, rows, q = _directory(p)
        t = _t(lang)
        opts = directory.options(every, q, lang)
        labels = {
            "zone_type": t("zone_type"),
            "zone_level": t("level"),
            "city": t("city"),
            "year": t("approval_year"),
            "projects": t("with_projects"),
        }
        fields = [
            {
                "name": name,
                "label": labels[name],
                "options": opts[name],
                "selected": str(p.get(name) or ""),
            }
            for name in labels
        ]
        columns = [
            ("name", t("name")),
            ("type", t("type")),
            ("level", t("level")),
            ("city", t("place")),
            ("approval", t("approval")),
            ("area", t("area")),
            ("industries", t("industries")),
            ("status", t("status")),
            ("projects", t("projects")),
            ("investment", t("investment_total")),
            ("source", t("source")),
            ("counted", t("counted_93")),
        ]
        sortable = {k: k for k in directory.SORTS}
        sort_urls = {}
        for key in sortable:
            order = "desc" if p.get("sort") == key and p.get("order", "asc") == "asc" else "asc"
            if key in ("projects", "investment") and p.get("sort") != key:
                order = "desc"  # biggest first on the first click
            query = _dir_query(p, sort=key, order=order)
            sort_urls[key] = "/zones" + (f"?{query}" if query else "")
        query = _dir_query({k: v for k, v in p.items() if k not in ("sort", "order", "lang")})
        api = {k: p[k] for k in ("zone_type", "city") if p.get(k)}
        api_q = params.query(api)
        json_q = _dir_query(p)
        return _page(
            "directory.html",
            lang,
            t("directory"),
            known=directory.known_of_93(every, lang),
            fields=fields,
            rows=[_display(r, lang) for r in rows],
            q=directory.Query.of(p),
            columns=columns,
            sortable=sortable,
            sort_urls=sort_urls,
            sorts=[(s, dict(columns).get(s, s)) for s in directory.SORTS],
            orders=[("asc", "↑"), ("desc", "↓")],
            json_url="/zones.json" + (f"?{json_q}" if json_q else ""),
            csv_url="/zones.csv" + (f"?{query}" if query else ""),
            geojson_url="/api/zones.geojson" + (f"?{api_q}" if api_q else ""),
        )

    return pages.respond(_cached(("directory", tuple(p.items())), build))


@bp.route("/zones.json")
def zones_directory_json():
    p = _parse("directory")
    every, rows, q = _directory(p)
    return _json(
        {
            "known": directory.known_of_93(every, p["lang"]),
            "query": {k: v for k, v in q.__dict__.items() if v is not None},
            "count": len(rows),
            "zones": rows,
        }
    )


CSV_FIELDS = [
    "zone_id", "name", "type", "level", "city_adcode", "county_adcode", "approval_date",
    "approved_area_ha", "leading_industries", "status", "source", "source_url",
    "parent_zone_id", "precision", "projects", "investment_cny", "counted_in_93",
]  # fmt: skip


@bp.route("/zones.csv")
def zones_directory_csv():
    p = _parse("directory")
    _, rows, _ = _directory(p)
    body = csvfile.csv_text(
        CSV_FIELDS, ([r[f] for f in CSV_FIELDS] for r in rows), spreadsheet=True
    )
    response = Response("\ufeff" + body, mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = 'attachment; filename="zones-directory.csv"'
    response.headers.extend(provenance.headers())
    return response


# ---------------------------------------------------------------- search


def _search(p: dict) -> list[search.Entry]:
    index = current_app.extensions.setdefault("atlas_search", search.Index())
    entries = index.entries(store().data, store().data.version, p["lang"])
    return search.find(entries, p.get("q", ""))


@bp.route("/search")
def search_page():
    p = _parse("search")
    lang = p["lang"]

    def build():
        kinds = {k: i18n.t(f"kind_{k}", lang) for k in ("zone", "project", "place")}
        q = p.get("q", "")
        json_q = params.query({"q": q, "lang": lang if lang == "en" else None})
        return _page(
            "search.html",
            lang,
            i18n.t("search_results", lang),
            q=q,
            results=_search(p) if q else [],
            kinds=kinds,
            json_url="/search.json" + (f"?{json_q}" if json_q else ""),
        )

    return pages.respond(_cached(("search", tuple(p.items())), build))


@bp.route("/search.json")
def search_json():
    p = _parse("search")
    results = _search(p) if p.get("q") else []
    return _json(
        {
            "q": p.get("q", ""),
            "results": [
                {"kind": e.kind, "id": e.id, "name": e.name, "detail": e.detail, "href": e.href}
                for e in results
            ],
        }
    )


# ---------------------------------------------------------------- projects


def _project(project_id: str, lang: str) -> dict:
    if not re.fullmatch(r"[A-Za-z0-9_.-]{1,80}", project_id):
        raise UnknownProjectError(f"no project {project_id!r}")
    repo = current_app.extensions["atlas_repo"]
    try:
        project = repo.project(project_id)
    except NotFoundError:
        raise UnknownProjectError(f"no project {project_id!r}") from None
    return timelines.project_content(project, store().data, lang)


@bp.route("/projects/<project_id>")
def project_page(project_id: str):
    p = _parse("plain")
    lang = p["lang"]

    def build():
        content = _project(project_id, lang)
        title = content.pop("title")
        return _page(
            "project.html", lang, title, json_url=f"/projects/{project_id}.json", **content
        )

    return pages.respond(_cached(("project", project_id, lang), build))


@bp.route("/projects/<project_id>.json")
def project_json(project_id: str):
    p = _parse("plain")
    return _json(timelines.project_json(_project(project_id, p["lang"])))


# ---------------------------------------------------------------- round charts


def round_content(p: dict) -> dict:
    """The round table and charts of ``place`` (adcode) or ``zone`` (id)."""
    lang = p["lang"]
    data = store().data
    if p.get("zone"):
        zones = data.zones[data.zones["zone_id"] == p["zone"]]
        if zones.empty:
            raise records.UnknownZoneError(f"no zone with id {p['zone']!r}")
        title = zones.iloc[0]["name"]
        table = charts.round_table(data, lang, scope="zone", zone_id=p["zone"], title=title)
    else:
        code = p.get("place") or "140000"
        unit = boundaries.unit(code)
        title = i18n.place_name(unit, lang)
        table = charts.round_table(data, lang, scope=unit.level, adcode=code, title=title)
    return {
        "table": table,
        "charts": charts.round_charts(table, lang),
        "kind_labels": {k: i18n.pick(i18n.KINDS[k], lang) for k in charts.SERIES},
        "chart_id": "rounds",
        "title": title,
        "place_lang": "zh-CN" if p.get("zone") else None,
    }


@bp.route("/embed/rounds")
def embed_rounds():
    p = _parse("rounds")
    lang = p["lang"]

    def build():
        content = round_content(p)
        return _page(
            "rounds_embed.html",
            lang,
            f"{i18n.t('rounds_chart', lang)} · {content['title']}",
            embed=True,
            open_table=False,
            **{k: v for k, v in content.items() if k != "title"},
            place_title=content["title"],
        )

    return pages.respond(_cached(("rounds", tuple(p.items())), build))


@bp.route("/embed/rounds.json")
def embed_rounds_json():
    p = _parse("rounds")
    return _json(round_content(p)["table"].as_json())
