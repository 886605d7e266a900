"""Map pages: parse the query, call a builder, render in the chrome, cache, respond.

Embeds (``/embed/...``) are the same maps without chrome, framable by any origin.
"""

from __future__ import annotations

import hashlib
import json

from flask import Blueprint, current_app, render_template, request
from markupsafe import Markup

import boundaries
from geo import export
from webmap import (
    assets,
    compress,
    forms,
    i18n,
    live,
    maps,
    pages,
    paging,
    params,
    reading,
    records,
)
from webmap.cache import ByteCache
from webmap.elements import BASEMAPS, AtlasPage

bp = Blueprint("pages", __name__)


def store():
    return live.store()


def page_cache() -> ByteCache:
    return current_app.extensions["atlas_pages"]


def cache_key(*parts) -> tuple:
    """A page's cache key: what it is, its normalised parameters, the data's version."""
    return (*parts, store().data.version)


def basemaps() -> tuple[str, ...]:
    """Basemaps on offer: tianditu only with a key."""
    key = current_app.config.get("TIANDITU_KEY")
    return tuple(b for b in params.BASEMAPS if b != "tianditu" or key)


def parse(route: str) -> dict:
    return params.parse(
        request.args,
        route,
        basemaps=basemaps(),
        default_basemap=current_app.config["DEFAULT_BASEMAP"],
    )


def options(p: dict, embed: bool = False) -> maps.MapOptions:
    return maps.MapOptions(
        lang=p["lang"],
        basemap=p["basemap"],
        embed=embed,
        tianditu_key=current_app.config.get("TIANDITU_KEY"),
        approval=current_app.config.get("MAP_APPROVAL", ""),
    )


def _t(lang):
    return lambda key: i18n.t(key, lang)


def chrome(p: dict, opts, downloads=(), form="") -> tuple[str, str]:
    """Header and footer HTML of a full page (escaped by Jinja)."""
    lang = p["lang"]
    other = params.query(p, lang="zh" if lang == "en" else "en")
    header = render_template(
        "_header.html",
        t=_t(lang),
        lang=lang,
        lang_q="?lang=en" if lang == "en" else "",
        form=form,
        other_lang_url=f"{request.path}?{other}",
        has_data=store().has_data,
    )
    footer = render_template(
        "_footer.html", attribution=maps.attribution(store(), opts), downloads=downloads
    )
    return header, footer


def _downloads(lang: str, items) -> list[tuple[str, str]]:
    label = i18n.t("download", lang)
    return [(f"{label} · {name}", url) for name, url in items]


def render_map(m, *, title, lang, embed, before="", after="", doc=False) -> str:
    page = AtlasPage(
        title=title,
        label=title,
        lang=lang,
        before=before,
        after=after,
        body_class="atlas-embed" if embed else ("atlas-doc" if doc else "atlas-app"),
    )
    page.add_child(m)
    return page.render_html()


def _tiles(p) -> tuple[str, ...]:
    source = BASEMAPS[p["basemap"]][4]
    return (source,) if source else ()


def _sep(lang: str) -> str:
    return ": " if lang == "en" else "："


def overview_page(p: dict, embed: bool) -> pages.Page:
    opts = options(p, embed)
    lang = p["lang"]
    title = f"{i18n.t('overview', lang)} · {i18n.t('site', lang)}"
    zones = records.filtered_zone_records(store(), p, opts)  # once: the map and the panel
    cov = reading.overview_coverage(store(), p, zones, lang)
    m = maps.overview_map(
        store(), p, opts, records=zones, title=i18n.t("overview", lang), coverage=cov
    )
    panel = render_template(
        "_zones_panel.html",
        t=_t(lang),
        lang=lang,
        sep=_sep(lang),
        zones=zones,
        title=i18n.t("overview", lang),
        cov=cov,
        embed=embed,
        suggestion=None if zones else reading.overview_suggestion(store(), p, embed, lang),
    )
    if embed:
        footer = render_template("_footer.html", attribution=maps.attribution(store(), opts))
        html = render_map(m, title=title, lang=lang, embed=True, after=panel + footer)
    else:
        zq = params.query(p, drop=("lang", "basemap", "stage", "year"))
        pq = params.query(p, drop=("lang", "basemap"))
        before, after = chrome(
            p,
            opts,
            _downloads(
                lang,
                [
                    ("zones.geojson", f"/api/zones.geojson?{zq}"),
                    ("zones.csv", f"/api/zones.csv?{zq}"),
                    ("projects.csv", f"/api/projects.csv?{pq}"),
                ],
            ),
        )
        html = render_map(
            m, title=title, lang=lang, embed=False, before=before, after=panel + after
        )
    return pages.Page.of(html, img_src=_tiles(p), embed=embed)


def choropleth_page(p: dict, embed: bool) -> pages.Page:
    opts = options(p, embed)
    lang = p["lang"]
    data = maps.choropleth_data(store(), p, opts)
    panel = reading.panel(store(), p, data, lang, embed)
    m = maps.choropleth_map(store(), p, opts, data=data, panel=panel)
    title = f"{panel['title']} · {i18n.t('site', lang)}"
    side = render_template(
        "_choropleth_panel.html",
        t=_t(lang),
        lang=lang,
        lang_q="?lang=en" if lang == "en" else "",
        sep=_sep(lang),
        panel=panel,
        rows=data["rows"],
    )
    if embed:
        footer = render_template("_footer.html", attribution=maps.attribution(store(), opts))
        html = render_map(m, title=title, lang=lang, embed=True, after=side + footer)
    else:
        q = params.query(p, drop=("lang", "basemap", "level", "metric", "scheme", "k", "download"))
        level = p["level"]
        form = Markup(  # already escaped by its own template
            render_template(
                "_choropleth_form.html",
                fields=forms.page_fields(store().data, p, basemaps()),
                lang=lang,
                label=i18n.t("choropleth", lang),
                submit=i18n.t("apply", lang),
            )
        )
        before, after = chrome(
            p,
            opts,
            _downloads(
                lang,
                [
                    (f"{level}.geojson", f"/api/boundaries/{level}.geojson?{q}"),
                    (f"{level}.csv", f"/api/boundaries/{level}.csv?{q}"),
                ],
            ),
            form=form,
        )
        html = render_map(m, title=title, lang=lang, embed=False, before=before, after=side + after)
    return pages.Page.of(html, img_src=_tiles(p), embed=embed)


def _cached(route: str, embed: bool, build) -> pages.Page:
    p = parse("choropleth" if route == "choropleth" else route)
    if route == "choropleth" and p["level"] == "city":
        p.pop("city", None)  # a city map shows every city: the drill-down filter is moot
    key = cache_key(route, embed, tuple(p.items()))
    return page_cache().get(key, lambda: build(p, embed))


@bp.route("/")
def overview():
    return pages.respond(_cached("overview", False, overview_page))


@bp.route("/choropleth")
def choropleth():
    return pages.respond(_cached("choropleth", False, choropleth_page))


@bp.route("/embed/overview")
def embed_overview():
    return pages.respond(_cached("overview", True, overview_page))


@bp.route("/embed/choropleth")
def embed_choropleth():
    return pages.respond(_cached("choropleth", True, choropleth_page))


def _pages_of(p: dict) -> dict:
    return {k: v for k, v in p.items() if k in params.PAGE_PARAMS}


def _pager_links(p: dict, content: dict) -> dict:
    return {
        param: paging.links(request.path, p, param, pager)
        for param, pager in content["pagers"].items()
    }


def _content(p: dict, kind: str, ident: str, timelines: bool = False) -> dict:
    """A zone or place page's content; ``timelines``: each shown project's stages over
    time, from the store (only the page's projects are looked up)."""
    if kind == "zone":
        repo = current_app.extensions["atlas_repo"]
        paths = (lambda ids: repo.timelines(ids) if ids else {}) if timelines else None
        return records.zone_content(store(), ident, p["lang"], _pages_of(p), paths)
    return records.place_content(store(), ident, p["lang"], _pages_of(p))


def _doc_page(p, kind: str, ident: str) -> pages.Page:
    from webmap import browse

    opts = options(p)
    lang = p["lang"]
    content = _content(p, kind, ident, timelines=kind == "zone")
    focus = content["focus"] if kind == "zone" else ident
    m = maps.overview_map(
        store(),
        p,
        opts,
        focus=focus,
        zones=content["zone_frame"],
        search=False,
        title=content["title"],
    )
    rounds = browse.round_content({"lang": lang, kind: ident})
    lq = "&lang=en" if lang == "en" else ""
    body = render_template(
        f"{kind}.html",
        t=_t(lang),
        lang=lang,
        pager_links=_pager_links(p, content),
        embed_url=f"/embed/rounds?{kind}={ident}{lq}",
        **{**content, **{k: v for k, v in rounds.items() if k != "title"}},
    )
    dl = [("projects.csv", f"/api/projects.csv?{content['download_q']}")]
    before, after = chrome(p, opts, _downloads(lang, dl))
    html = render_map(
        m,
        title=f"{content['title']} · {i18n.t('site', lang)}",
        lang=lang,
        embed=False,
        doc=True,
        before=before,
        after=body + after,
    )
    return pages.Page.of(html, img_src=_tiles(p))


def _doc_json(p, kind: str, ident: str) -> compress.Encoded:
    """The JSON twin of a zone or place page: the same rows, one page of each table."""
    content = _content(p, kind, ident)
    path = request.path

    def url(param: str, number: int) -> str:
        q = params.query(p, drop=("basemap",), **{param: number if number > 1 else None})
        return f"{path}?{q}" if q else path

    if kind == "zone":
        zone = {k: export.plain(v) for k, v in content["zone"].items() if k in export.ZONE_FIELDS}
        head = {"zone": zone, "page": path.removesuffix(".json")}
    else:
        unit = boundaries.unit(ident)
        head = {
            "place": {
                "adcode": unit.adcode,
                "name": unit.name,
                "name_en": unit.name_en,
                "level": unit.level,
                "parent_adcode": unit.parent_adcode,
            },
            "page": path.removesuffix(".json"),
        }
    body = records.twin(store(), content, head, url)
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
    return compress.Encoded(data, hashlib.blake2b(data, digest_size=12).hexdigest())


@bp.route("/zones/<zone_id>")
def zone(zone_id: str):
    p = parse("zone_page")
    key = cache_key("zone", zone_id, tuple(p.items()))
    return pages.respond(page_cache().get(key, lambda: _doc_page(p, "zone", zone_id)))


@bp.route("/zones/<zone_id>.json")
def zone_json(zone_id: str):
    p = parse("zone_page")
    key = cache_key("zone.json", zone_id, tuple(p.items()))
    entry = page_cache().get(key, lambda: _doc_json(p, "zone", zone_id))
    return compress.send(entry, "application/json")


@bp.route("/places/<adcode>")
def place(adcode: str):
    p = parse("page")
    boundaries.unit(adcode)  # 404 for an unknown adcode before anything is cached
    key = cache_key("place", adcode, tuple(p.items()))
    return pages.respond(page_cache().get(key, lambda: _doc_page(p, "place", adcode)))


@bp.route("/places/<adcode>.json")
def place_json(adcode: str):
    p = parse("page")
    boundaries.unit(adcode)
    key = cache_key("place.json", adcode, tuple(p.items()))
    entry = page_cache().get(key, lambda: _doc_json(p, "place", adcode))
    return compress.send(entry, "application/json")


@bp.route("/embed")
def embed_builder():
    p = parse("builder")
    lang = p["lang"]

    def build():
        site = {"lang": lang, "basemap": current_app.config["DEFAULT_BASEMAP"]}
        header, _ = chrome(site, options(site))  # the site's one compact header
        html = render_template(
            "builder.html",
            t=_t(lang),
            lang=lang,
            header=Markup(header),
            choices=params.CHOICES,
            fields=forms.choropleth_fields(store().data, p, lang, basemaps()),
            overview=forms.OVERVIEW,
            q="?lang=en" if lang == "en" else "",
            js=assets.static_url("builder.js"),
            css=assets.static_url("atlas.css"),
            chosen=p.get("map", "choropleth"),
        )
        return pages.Page.of(html, frame_src=("'self'",))

    return pages.respond(page_cache().get(cache_key("builder", tuple(p.items())), build))
