"""Table rows for zone and place pages, as plain dicts for Jinja (which escapes them)."""

from __future__ import annotations

import boundaries
from boundaries.errors import AtlasError
from geo import aggregate
from webmap import classify, i18n, maps, params


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


def zone_content(store, zone_id: str, lang: str) -> dict:
    zones = store.data.zones
    frame = zones[zones["zone_id"] == zone_id]
    if frame.empty:
        raise UnknownZoneError(f"no zone with id {zone_id!r}")
    zone = frame.iloc[0].to_dict()
    projects = store.data.projects
    own = projects[projects["zone_id"] == zone_id]
    batches = store.data.batches
    own_batches = batches[batches["zone_id"] == zone_id]
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
    }


def place_content(store, adcode: str, lang: str) -> dict:
    unit = boundaries.unit(adcode)
    data = store.data
    key = {"county": "county_adcode", "city": "city_adcode"}.get(unit.level)
    zones = data.zones if key is None else data.zones[data.zones[key] == adcode]
    projects = data.projects if key is None else data.projects[data.projects[key] == adcode]
    batches = aggregate.batch_place(data.batches)
    if key is not None:
        batches = batches[batches[key] == adcode]
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
    q = {} if key is None else {unit.level: adcode}
    return {
        "title": i18n.place_name(unit, lang),
        "zone_frame": zones,
        "zones": zone_rows,
        "children": children,
        "parent": parent,
        "lang_q": _lang_q(lang),
        "projects": _projects(projects, lang),
        "batches": _batches(batches, lang),
        "sources": _sources(store, list(projects["doc_id"]) + list(batches["doc_id"])),
        "download_q": params.query(q),
    }
