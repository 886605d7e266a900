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
from webmap.citations import Sources


class UnknownZoneError(AtlasError, LookupError):
    status = 404


def filtered_zone_records(store, p: dict, opts) -> list[dict]:
    zones = aggregate.filter_zones(
        store.data.zones,
        aggregate.Filters(zone_type=p.get("zone_type"), city=p.get("city"), county=p.get("county")),
    )
    return maps.zone_records(store, zones, opts)


def _projects(frame, lang, cites: Sources, paths: dict | None = None) -> list[dict]:
    rows = []
    for r in frame.to_dict("records"):
        amount = r["investment_cny"]
        r["amount"] = (
            classify.fmt(amount, True) if amount is not None else i18n.t("unknown_amount", lang)
        )
        r["stage"] = i18n.pick(i18n.STAGES.get(r["stage"], (r["stage"] or "",) * 2), lang)
        r["href"] = f"/projects/{r['project_id']}{_lang_q(lang)}"
        r["citation"] = cites.of_row(r)
        r["path"] = (paths or {}).get(r["project_id"], "")
        rows.append(r)
    return rows


def _batch_place(r, lang) -> str:
    """A figure's place: the unit's display name (English with lang=en), else the text."""
    if r.get("zone_id") is None and r.get("adcode"):
        try:
            return i18n.place_name(boundaries.unit(r["adcode"]), lang)
        except AtlasError:
            pass
    return r.get("place") or ""


def _batches(frame, lang, cites: Sources) -> list[dict]:
    rows = []
    for r in frame.to_dict("records"):  # already in table order (sorted before paging)
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
        r["when"] = r["round_date"] or _period(r, lang)
        r["place_label"] = _batch_place(r, lang)
        r["place_lang"] = "zh-CN" if r["place_label"] == (r.get("place") or "") else None
        r["citation"] = cites.of_row(r)
        rows.append(r)
    return rows


PERIODS = {
    "round": ("轮次", "round"),
    "ytd": ("年初至今", "year to date"),
    "cumulative": ("累计", "cumulative"),
    "pipeline": ("在谈/储备", "pipeline"),
    "unspecified": ("时段未说明", "period not stated"),
}


def _period(r, lang) -> str:
    kind = i18n.pick(PERIODS.get(r.get("period_type"), ("", "")), lang)
    label = r.get("period_label") or ""
    if lang == "en" and label and not label.isascii():
        label = " – ".join(x for x in (r.get("period_start"), r.get("period_end")) if x)
    return f"{label} ({kind})" if label and kind else (label or kind)


def _sources(store, doc_ids, cites: Sources) -> list:
    ids = set()
    for d in doc_ids:
        if isinstance(d, str) and d:
            ids.update(x for x in d.split("|") if x)
    return cites.documents(ids)


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


def zone_content(store, zone_id: str, lang: str, pages: dict | None = None, timelines=None) -> dict:
    """What a zone page shows: the zone, one page of its projects and of its figures,
    and the documents those rows cite. ``pages``: ``projects_page``, ``batches_page``;
    ``timelines`` (``ids -> {project_id: mentions, oldest first}``) adds each shown
    project's stages over time."""
    from webmap.timelines import stage_path

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
    cites = Sources(store.data.sources, lang)
    found = timelines(list(own["project_id"])) if timelines else {}
    paths = {pid: stage_path(ms, lang) for pid, ms in found.items()}
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
        "projects": _projects(own, lang, cites, paths),
        "batches": _batches(own_batches, lang, cites),
        "sources": _sources(store, [*own["doc_ids"], *own_batches["doc_ids"]], cites),
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
    cites = Sources(data.sources, lang)
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
    from webmap import coverage

    remainder = None
    if unit.level == "city":
        remainder = coverage.remainder(data, "investment", aggregate.Filters(city=adcode), lang)
    return {
        "title": i18n.place_name(unit, lang),
        "remainder": remainder,
        "zone_frame": data.zones.iloc[all_zones],  # the map shows every zone of the place
        "zones": zone_rows,
        "children": children,
        "parent": parent,
        "lang_q": _lang_q(lang),
        "projects": _projects(projects, lang, cites),
        "batches": _batches(batches, lang, cites),
        "sources": _sources(store, [*projects["doc_ids"], *batches["doc_ids"]], cites),
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


def _plain_source(c) -> dict:
    """A cited document in a JSON twin or popup: what atlas.js shows (never None text)."""
    return maps.source_json(c)


def zone_projects(store, zone_id: str, lang: str, page: int, per_page: int) -> dict:
    """One page of a zone's projects for its map popup: display labels included."""
    _zone(store, zone_id)
    pager = paging.page_of(
        len(store.rows("projects_by_zone", zone_id)), page, per_page, param="page"
    )
    rows = store.rows("projects_by_zone", zone_id)[pager.start : pager.stop]
    frame = store.data.projects.iloc[rows]
    cites = Sources(store.data.sources, lang)
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
                "href": f"/projects/{r['project_id']}{_lang_q(lang)}",
            }
        )
    return {
        "zone_id": zone_id,
        "projects": items,
        "sources": [_plain_source(c) for c in _sources(store, frame["doc_ids"], cites)],
        "pager": pager,
    }
