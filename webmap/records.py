"""Table rows for zone and place pages, as plain dicts for Jinja (which escapes them).

Long tables come a page at a time (:mod:`webmap.paging`): the rows of a zone or a place
are looked up in the read model's indexes, never found by scanning a whole table.
"""

from __future__ import annotations

import json

import numpy as np

import boundaries
from boundaries.errors import AtlasError
from geo import aggregate
from webmap import classify, i18n, maps, paging, params


class UnknownZoneError(AtlasError, LookupError):
    status = 404


def filtered_zone_records(store, p: dict, opts) -> list[dict]:
    zones = aggregate.filter_zones(
        store.data.zones,
        aggregate.Filters(zone_type=p.get("zone_type"), city=p.get("city"), county=p.get("county")),
    )
    return maps.zone_records(store, zones, opts)


def _projects(frame, lang) -> list[dict]:
    rows = []
    for r in frame.to_dict("records"):
        amount = r["investment_cny"]
        r["amount"] = (
            classify.fmt(amount, True) if amount is not None else i18n.t("unknown_amount", lang)
        )
        r["stage"] = i18n.pick(i18n.STAGES.get(r["stage"], (r["stage"] or "",) * 2), lang)
        rows.append(r)
    return rows


def _batches(frame, lang) -> list[dict]:
    rows = []
    for r in frame.sort_values(["round_date", "adcode"]).to_dict("records"):
        amount = r["investment_cny"]
        r["amount"] = classify.fmt(amount, True) if amount is not None else ""
        if r.get("status") == "range":  # an editor kept both reports: shown, never summed
            low, high = r.get("investment_cny_min"), r.get("investment_cny_max")
            if low is not None:
                r["amount"] = f"{classify.fmt(low, True)}–{classify.fmt(high, True)}"
            if r.get("projects_min") is not None and r["projects_min"] != r["projects_max"]:
                r["projects"] = f"{r['projects_min']}–{r['projects_max']}"
        elif r.get("status") == "conflict":
            r["amount"] = i18n.t("conflict", lang)
        r["kind"] = i18n.pick(i18n.KINDS.get(r["kind"], (r["kind"] or "",) * 2), lang)
        rows.append(r)
    return rows


def _sources(store, doc_ids) -> list[dict]:
    sources = store.data.sources
    return sources[sources["doc_id"].isin(sorted(set(doc_ids)))].to_dict("records")


def _lang_q(lang):
    return "?lang=en" if lang == "en" else ""


def _zone(store, zone_id: str):
    zones = store.data.zones
    rows = np.flatnonzero(zones["zone_id"].to_numpy() == zone_id)
    if not len(rows):
        raise UnknownZoneError(f"no zone with id {zone_id!r}")
    return zones.iloc[rows[:1]]


def _sorted_batches(frame):
    """A place's or zone's figures in the tables' order (round, then place), stable."""
    return frame.sort_values(["round_date", "adcode"], kind="mergesort")


def _page(rows: np.ndarray, pages: dict, param: str) -> tuple[paging.Paged, np.ndarray]:
    pager = paging.page_of(len(rows), pages.get(param), param=param)
    return pager, rows[pager.start : pager.stop]


def zone_content(store, zone_id: str, lang: str, pages: dict | None = None) -> dict:
    """What a zone page shows: the zone, one page of its projects and of its figures,
    and the documents those rows cite. ``pages``: ``projects_page``, ``batches_page``."""
    pages = pages or {}
    frame = _zone(store, zone_id)
    zone = frame.iloc[0].to_dict()
    project_pager, project_rows = _page(
        store.rows("projects_by_zone", zone_id), pages, "projects_page"
    )
    own = store.data.projects.iloc[project_rows]
    batches = _sorted_batches(store.data.batches.iloc[store.rows("batches_by_zone", zone_id)])
    batch_pager = paging.page_of(len(batches), pages.get("batches_page"), param="batches_page")
    own_batches = batches.iloc[batch_pager.start : batch_pager.stop]
    places = [
        (c, i18n.place_name(boundaries.unit(c), lang))
        for c in (zone["city_adcode"], zone["county_adcode"])
        if c
    ]
    kind = i18n.ZONE_TYPES.get(zone["type"], i18n.ZONE_TYPES["other"])
    return {
        "zone": zone,
        "title": zone["name"],
        "zone_frame": frame,
        "focus": zone["county_adcode"] or zone["city_adcode"],
        "type_label": i18n.pick(kind, lang),
        "level_label": i18n.pick(i18n.LEVELS.get(zone["level"], (zone["level"] or "–",) * 2), lang),
        "precision": i18n.pick(i18n.PRECISIONS.get(zone["precision"], ("–", "–")), lang),
        "places": places,
        "sep": ": " if lang == "en" else "：",
        "lang_q": _lang_q(lang),
        "projects": _projects(own, lang),
        "batches": _batches(own_batches, lang),
        "sources": _sources(store, list(own["doc_id"]) + list(own_batches["doc_id"])),
        "download_q": params.query({"zone": zone_id}),
        "pagers": {"projects_page": project_pager, "batches_page": batch_pager},
        "rows": {"projects_page": project_rows, "batches_page": own_batches.index.to_numpy()},
    }


def place_content(store, adcode: str, lang: str, pages: dict | None = None) -> dict:
    """What a place page shows: its zones, one page each of its projects and figures,
    and the documents those rows cite. ``pages``: ``zones_page``, ``projects_page``,
    ``batches_page``."""
    pages = pages or {}
    unit = boundaries.unit(adcode)
    data = store.data
    level = unit.level if unit.level in ("county", "city") else None
    if level is None:  # the province: everything
        all_zones = np.arange(len(data.zones))
        project_rows = np.arange(len(data.projects))
        batches = store.batch_places
    else:
        all_zones = store.rows(f"zones_by_{level}", adcode)
        project_rows = store.rows(f"projects_by_{level}", adcode)
        batches = store.batch_places.iloc[store.rows(f"batches_by_{level}", adcode)]
    zone_pager, zone_positions = _page(all_zones, pages, "zones_page")
    zones = data.zones.iloc[zone_positions]
    project_pager, project_rows = _page(project_rows, pages, "projects_page")
    projects = data.projects.iloc[project_rows]
    batches = _sorted_batches(batches)
    batch_pager = paging.page_of(len(batches), pages.get("batches_page"), param="batches_page")
    batches = batches.iloc[batch_pager.start : batch_pager.stop]
    children = [
        (u.adcode, i18n.place_name(u, lang))
        for u in boundaries.units()
        if u.parent_adcode == adcode
    ]
    parent = None
    if unit.parent_adcode:
        parent = (unit.parent_adcode, i18n.place_name(boundaries.unit(unit.parent_adcode), lang))
    zone_rows = [
        {
            **z,
            "type_label": i18n.pick(i18n.ZONE_TYPES.get(z["type"], i18n.ZONE_TYPES["other"]), lang),
        }
        for z in zones.to_dict("records")
    ]
    q = {} if level is None else {unit.level: adcode}
    return {
        "title": i18n.place_name(unit, lang),
        "zone_frame": data.zones.iloc[all_zones],  # the map shows every zone of the place
        "zones": zone_rows,
        "children": children,
        "parent": parent,
        "lang_q": _lang_q(lang),
        "projects": _projects(projects, lang),
        "batches": _batches(batches, lang),
        "sources": _sources(store, list(projects["doc_id"]) + list(batches["doc_id"])),
        "download_q": params.query(q),
        "pagers": {
            "zones_page": zone_pager,
            "projects_page": project_pager,
            "batches_page": batch_pager,
        },
        "rows": {
            "zones_page": zone_positions,
            "projects_page": project_rows,
            "batches_page": batches.index.to_numpy(),
        },
    }


# ---------------------------------------------------------------- JSON twins and popups

_TABLE_OF = {"zones_page": "zones", "projects_page": "projects", "batches_page": "batches"}


def twin(store, content: dict, head: dict, url) -> dict:
    """The JSON twin of a zone or place page: ``head`` plus each paged table (its public
    fields, as in downloads) with counts and links (``url(param, page) -> str``)."""
    body = dict(head)
    for param, pager in content["pagers"].items():
        table = store.tables[_TABLE_OF[param]]
        items = [json.loads(table.props[int(i)]) for i in content["rows"][param]]
        body[_TABLE_OF[param]] = {
            **pager.as_dict(lambda n, param=param: url(param, n)),
            "items": items,
        }
    body["sources"] = [_plain_source(s) for s in content["sources"]]
    return body


def _plain_source(row: dict) -> dict:
    keys = ("doc_id", "title", "publisher", "published", "reference_date", "url")
    return {k: row.get(k) for k in keys}


def zone_projects(store, zone_id: str, lang: str, page: int, per_page: int) -> dict:
    """One page of a zone's projects for its map popup: display labels included."""
    _zone(store, zone_id)
    pager = paging.page_of(
        len(store.rows("projects_by_zone", zone_id)), page, per_page, param="page"
    )
    rows = store.rows("projects_by_zone", zone_id)[pager.start : pager.stop]
    frame = store.data.projects.iloc[rows]
    items = []
    for r in frame.to_dict("records"):
        amount = r["investment_cny"]
        items.append(
            {
                "project_id": r["project_id"],
                "name": r["name"],
                "investment_cny": amount,
                "amount": classify.fmt(amount, True) if amount is not None else None,
                "stage": r["stage"],
                "stage_label": i18n.pick(
                    i18n.STAGES.get(r["stage"], (r["stage"] or "–",) * 2), lang
                ),
                "date": r["date"],
                "doc_id": r["doc_id"],
            }
        )
    return {
        "zone_id": zone_id,
        "projects": items,
        "sources": [
            {"doc_id": s["doc_id"], "title": s.get("title") or s["doc_id"], "url": s.get("url")}
            for s in _sources(store, list(frame["doc_id"]))
        ],
        "pager": pager,
    }
