"""Table rows for zone and place pages, as plain dicts for Jinja (which escapes them)."""

from __future__ import annotations

import boundaries
from boundaries.errors import AtlasError
from geo import aggregate
from webmap import classify, i18n, maps, params
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


def zone_content(store, zone_id: str, lang: str, timelines: dict | None = None) -> dict:
    """A zone page's content; ``timelines`` (project_id -> mentions, oldest first) adds
    each project's stages over time."""
    zones = store.data.zones
    frame = zones[zones["zone_id"] == zone_id]
    if frame.empty:
        raise UnknownZoneError(f"no zone with id {zone_id!r}")
    zone = frame.iloc[0].to_dict()
    projects = store.data.projects
    own = projects[projects["zone_id"] == zone_id]
    batches = store.data.batches
    own_batches = batches[batches["zone_id"] == zone_id]
    cites = Sources(store.data.sources, lang)
    from webmap.timelines import stage_path

    paths = {pid: stage_path(ms, lang) for pid, ms in (timelines or {}).items()}
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
    }


def place_content(store, adcode: str, lang: str) -> dict:
    unit = boundaries.unit(adcode)
    data = store.data
    cites = Sources(data.sources, lang)
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
    from webmap import coverage

    remainder = None
    if unit.level == "city":
        remainder = coverage.remainder(data, "investment", aggregate.Filters(city=adcode), lang)
    return {
        "title": i18n.place_name(unit, lang),
        "remainder": remainder,
        "zone_frame": zones,
        "zones": zone_rows,
        "children": children,
        "parent": parent,
        "lang_q": _lang_q(lang),
        "projects": _projects(projects, lang, cites),
        "batches": _batches(batches, lang, cites),
        "sources": _sources(store, [*projects["doc_ids"], *batches["doc_ids"]], cites),
        "download_q": params.query(q),
    }
