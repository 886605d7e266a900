"""Map builders: pure functions ``(store, options) -> folium.Map``. No Flask here.

A builder puts the basemap, the scale bar and one :class:`AtlasLayer` (the data as JSON)
on a folium map; drawing, popups, legend, search and fullscreen live in ``atlas.js``.
"""

from __future__ import annotations

from dataclasses import dataclass

import folium
import numpy as np

import boundaries
from boundaries import datum as datums
from geo import aggregate, export
from webmap import classify, i18n
from webmap.assets import LEAFLET_CSS, LEAFLET_JS
from webmap.coverage import filters_of
from webmap.elements import AtlasLayer, add_basemap, datum_of

SHANXI_BOUNDS = [[34.57, 110.23], [40.74, 114.56]]  # (lat, lon) SW, NE corners, WGS-84


@dataclass(frozen=True)
class MapOptions:
    """What every map needs besides its data. ``approval`` is the 审图号/attribution line."""

    lang: str = "zh"
    basemap: str = "osm"
    tianditu_key: str | None = None
    approval: str = ""
    embed: bool = False


def base_map(options: MapOptions | None = None, bounds=SHANXI_BOUNDS) -> folium.Map:
    """An empty map whose scripts and styles come from the app's own origin."""
    options = options or MapOptions()
    m = folium.Map(location=[37.6, 112.3], zoom_start=7, tiles=None, control_scale=True)
    m.options["maxZoom"] = 18  # markercluster needs it even without any tile layer
    m.default_js, m.default_css = list(LEAFLET_JS), list(LEAFLET_CSS)
    add_basemap(m, options.basemap, options.tianditu_key)
    m.fit_bounds(bounds)
    return m


def topology_url(store, options: MapOptions) -> str:
    """The one boundary file of every map (county arcs, counties, cities) in the
    basemap's datum, at a content-hash URL (cached for good)."""
    datum = datum_of(options.basemap)
    return f"/geo/topology.{datum}.json?v={store.topology[datum].etag}"


def attribution(store, options: MapOptions) -> str:
    """Data source, as-of date, boundary source and the configurable approval line."""
    lang = options.lang
    parts = [i18n.t("data_source", lang)]
    if store.as_of:
        parts[0] += (
            f"（{i18n.t('as_of', lang)} {store.as_of}）"
            if lang != "en"
            else f" ({i18n.t('as_of', lang)} {store.as_of})"
        )
    parts.append(i18n.t("boundary_source", lang))
    if options.approval:
        parts.append(options.approval)
    return " · ".join(parts)


def _point(lon, lat, options: MapOptions) -> list[float]:
    """[lat, lon] in the basemap's datum (GCJ-02 for gaode), 6 decimals."""
    if datum_of(options.basemap) == "gcj02":
        lon, lat = datums.wgs84_to_gcj02(lon, lat)
    return [round(float(lat), 6), round(float(lon), 6)]


def _unit_name(adcode, lang):
    return i18n.place_name(boundaries.unit(adcode), lang) if adcode else None


def zone_records(store, zones, options: MapOptions) -> list[dict]:
    """One record per located zone: what its marker, tooltip and popup show (plain text).

    A summary, not a table: the zone's number of projects and their reported total; the
    popup fetches the projects themselves a page at a time (``projectsUrl``).
    """
    lang = options.lang
    lang_q = "?lang=en" if lang == "en" else ""
    records = []
    for zone, geom in zip(zones.to_dict("records"), zones.geometry, strict=True):
        if export.located(geom) is None:
            continue
        kind = i18n.ZONE_TYPES.get(zone["type"], i18n.ZONE_TYPES["other"])
        places = [_unit_name(zone["county_adcode"], lang), _unit_name(zone["city_adcode"], lang)]
        count, with_amount, total = store.zone_summary.get(zone["zone_id"], (0, 0, 0))
        seat = {"county": zone["county_adcode"], "city": zone["city_adcode"]}.get(
            zone["precision"], "140000" if zone["precision"] == "province" else None
        )
        records.append(
            {
                "id": zone["zone_id"],
                "name": zone["name"],
                "type": zone["type"],
                "typeLabel": i18n.pick(kind, lang),
                "color": kind[2],
                "level": i18n.pick(
                    i18n.LEVELS.get(zone["level"], (zone["level"] or "–",) * 2), lang
                ),
                "place": ", ".join(p for p in places if p)
                if lang == "en"
                else "".join(reversed([p for p in places if p])),
                "precision": i18n.pick(i18n.PRECISIONS.get(zone["precision"], ("–", "–")), lang),
                "precisionCode": zone["precision"],
                "seat": _unit_name(seat, lang) if seat else None,
                "latlng": _point(geom.x, geom.y, options),
                "href": f"/zones/{zone['zone_id']}{lang_q}",
                "projectCount": count,
                # reported total of the projects that state an amount (亿元), or None
                "investment": classify.fmt(total, True) if with_amount else None,
                "projectsUrl": f"/api/zones/{zone['zone_id']}/projects.json{lang_q}"
                if count
                else None,
            }
        )
    return records


def source_json(c) -> dict:
    """A document citation for popups (atlas.js builds it with textContent)."""
    return {
        "doc_id": c.doc_id,
        "title": c.title,
        "titled": c.titled,
        "publisher": c.publisher,
        "date": c.date,
        "url": c.url,
        "rewording": c.rewording,
    }


def _texts(lang: str, keys) -> dict[str, str]:
    return {k: i18n.t(k, lang) for k in keys}


def _unit_names(store, level, lang) -> dict[str, str]:
    return {u.adcode: i18n.place_name(u, lang) for u in boundaries.units(level)}


# Labels the reading aids of atlas.js need (titles, precision legend, popups, units).
READING_TEXT = (
    "unit_yi",
    "colon",
    "date_unknown",
    "rewording_note",
    "no_url",
    "precision_legend",
    "prec_editor",
    "prec_seat",
    "prec_city_seat",
    "prec_stack",
    "zones_here",
    "legend",
    "coverage",
    "open_place",
    "drill_button",
    "tap_hint",
    "empty_selection",
    "nearest",
)


def overview_map(
    store,
    params: dict,
    options: MapOptions,
    *,
    focus: str | None = None,
    zones=None,
    search: bool = True,
    records: list[dict] | None = None,
    title: str = "",
    coverage: str = "",
) -> folium.Map:
    """Outlines, zones as clustered markers by type, legend, search, fullscreen.

    ``focus`` (an adcode) highlights one unit and fits the map to it; ``zones`` overrides
    the filtered zone frame (zone and place pages); ``records``: the zone records when
    the caller has made them already (the page's noscript table uses them too).
    """
    if zones is None:
        zones = aggregate.filter_zones(
            store.data.zones,
            aggregate.Filters(
                zone_type=params.get("zone_type"),
                city=params.get("city"),
                county=params.get("county"),
            ),
        )
    bounds = SHANXI_BOUNDS
    if focus:
        level = boundaries.unit(focus).level
        frame = store.units[level]
        minx, miny, maxx, maxy = frame.loc[frame["adcode"] == focus].total_bounds
        bounds = [[miny, minx], [maxy, maxx]]
    m = base_map(options, bounds)
    if records is None:
        records = zone_records(store, zones, options)
    present = sorted({r["type"] for r in records}, key=list(i18n.ZONE_TYPES).index)
    lang = options.lang
    config = {
        "lang": lang,
        "embed": options.embed,
        "text": _texts(
            lang,
            [
                "zones",
                "cities",
                "counties",
                "type",
                "level",
                "place",
                "precision",
                "projects",
                "sources",
                "no_projects",
                "zone_page",
                "search",
                "fullscreen",
                "unknown_amount",
                "reported_total",
                "loading",
                "all_projects",
                *READING_TEXT,
            ],
        ),
        "title": title,
        "coverage": coverage,
        "layers": {"county": topology_url(store, options), "city": topology_url(store, options)},
        "names": {**_unit_names(store, "city", lang), **_unit_names(store, "county", lang)},
        "zones": records,
        "types": [[t, i18n.pick(i18n.ZONE_TYPES[t], lang), i18n.ZONE_TYPES[t][2]] for t in present],
        "focus": focus,
        "search": search,
        "attribution": attribution(store, options),
    }
    AtlasLayer("overview", config, cluster=True, preload=(topology_url(store, options),)).add_to(m)
    return m


def choropleth_data(store, params: dict, options: MapOptions) -> dict:
    """Values, classes and legend of a choropleth: shared by the map and its noscript table."""
    level, metric = params["level"], params["metric"]
    filters = filters_of(params)
    values = aggregate.metric_by_unit(store.data, level, metric, filters)
    classes = classify.classify(values, params["scheme"], params["k"])
    money = metric in aggregate.MONEY_METRICS
    lang = options.lang
    names = _unit_names(store, level, lang)
    label = i18n.METRICS[metric]
    rows = []
    for code, value in values.items():
        missing = value is None or np.isnan(value)
        rows.append(
            {
                "adcode": code,
                "name": names[code],
                "value": None if missing else float(value),
                "label": i18n.t("no_data", lang) if missing else classify.fmt(value, money),
                "cls": classes.index(value),
            }
        )
    return {
        "rows": rows,
        "values": values,
        "classes": classes,
        "title": label[1] if lang == "en" else label[0],
        "unit": label[3] if lang == "en" else label[2],
        "legend": classify.legend_rows(classes, money),
    }


def _label_points(store, level: str, options: MapOptions) -> dict[str, list[float]]:
    frame = store.units[level]
    return {
        code: _point(lon, lat, options)
        for code, lon, lat in zip(
            frame["adcode"], frame["label_lon"], frame["label_lat"], strict=True
        )
    }


def choropleth_map(
    store, params: dict, options: MapOptions, data: dict | None = None, panel: dict | None = None
) -> folium.Map:
    """City or county choropleth of one metric; cities drill down to their counties.

    ``data`` (:func:`choropleth_data`) and ``panel`` (:func:`webmap.reading.panel`) when
    the caller has them already: the map states the panel's title and coverage, labels
    the units with values and says when the selection is empty."""
    data = data or choropleth_data(store, params, options)
    level, lang, city = params["level"], options.lang, params.get("city")
    bounds = SHANXI_BOUNDS
    if level == "county" and city:
        frame = store.units["city"]
        minx, miny, maxx, maxy = frame.loc[frame["adcode"] == city].total_bounds
        bounds = [[miny, minx], [maxy, maxx]]
    m = base_map(options, bounds)
    points = _label_points(store, level, options)
    # fractional zoom: the province fills the frame under the taller filter header
    m.options["zoomSnap"] = 0.25
    from webmap.params import query  # local: params imports nothing from maps

    drill = None
    if level == "city":
        base = "/embed/choropleth" if options.embed else "/choropleth"
        drill = f"{base}?{query(params, level='county', city='__CITY__')}"
    config = {
        "lang": lang,
        "embed": options.embed,
        "layer": topology_url(store, options),
        "level": level,
        "outline": topology_url(store, options) if level == "county" else None,
        "units": {
            r["adcode"]: [
                r["name"],
                r["label"],
                r["cls"],
                points[r["adcode"]],
                _href(r, lang),
                bool(r["value"]),  # labelled on the map: a value other than 0
            ]
            for r in _ranked_first(data["rows"])
        },
        "order": [r["adcode"] for r in _ranked_first(data["rows"])],
        "colors": data["classes"].colors,
        "noData": {"color": classify.NO_DATA_COLOR, "label": i18n.t("no_data", lang)},
        "legend": {"title": data["title"], "unit": data["unit"], "rows": data["legend"]},
        "drill": drill,
        "drillHint": i18n.t("drill", lang) if drill else None,
        "text": _texts(lang, ["fullscreen", *READING_TEXT]),
        "attribution": attribution(store, options),
        "title": (panel or {}).get("title", data["title"]),
        "coverage": ((panel or {}).get("coverage") or {}).get("text", ""),
        "empty": bool((panel or {}).get("empty")),
        "suggestion": (panel or {}).get("suggestion"),
        "remainder": (panel or {}).get("remainder"),
    }
    AtlasLayer("choropleth", config, preload=(topology_url(store, options),)).add_to(m)
    return m


def _ranked_first(rows: list[dict]) -> list[dict]:
    """Units with values, largest first, then the others by name: the order keyboard
    users tab through the units (and the order atlas.js draws them in)."""
    return sorted(
        rows, key=lambda r: (r["value"] is None, -(r["value"] or 0), r["name"], r["adcode"])
    )


def _href(row: dict, lang: str) -> str:
    return f"/places/{row['adcode']}" + ("?lang=en" if lang == "en" else "")
