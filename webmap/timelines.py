"""Project timelines for pages: the canonical project and every report of it, each with
its source citation and quoted span (``/projects/<id>``, and the projects of zone pages).
Pure: takes the repository's project dict (``Repository.project``/``timelines``)."""

from __future__ import annotations

import math
from datetime import date

import boundaries
from webmap import classify, i18n
from webmap.citations import Sources


def _plain(value):
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, date):
        return value.isoformat()
    return value


def _stage(value, lang: str) -> str:
    return i18n.pick(i18n.STAGES[value], lang) if value in i18n.STAGES else ""


def _amount(value, lang: str) -> str:
    value = _plain(value)
    return classify.fmt(value, True) if value is not None else ""


def timeline_rows(mentions: list[dict], sources: Sources, lang: str) -> list[dict]:
    """One row per report, oldest first: when, stage, amount, and the citation."""
    rows = []
    for m in mentions:
        cite = sources.of_row(m)
        when = _plain(m.get("date")) or cite.date or ""
        rows.append(
            {
                "date": str(when)[:10],
                "date_is_document": not _plain(m.get("date")),
                "stage": m.get("stage"),
                "stage_label": _stage(m.get("stage"), lang),
                "investment_cny": _plain(m.get("investment_cny")),
                "amount": _amount(m.get("investment_cny"), lang),
                "name": m.get("name"),
                "citation": cite,
            }
        )
    return rows


def project_content(project: dict, data, lang: str) -> dict:
    """What ``/projects/<id>`` shows (HTML) and returns (JSON)."""
    sources = Sources(data.sources, lang)
    rows = timeline_rows(project.get("timeline") or [], sources, lang)
    latest = _plain(project.get("investment_cny"))
    earlier = []
    seen = {latest}
    for r in reversed(rows):
        if r["investment_cny"] is not None and r["investment_cny"] not in seen:
            seen.add(r["investment_cny"])
            earlier.append(r)
    zone = None
    zones = data.zones
    if project.get("zone_id"):
        hit = zones[zones["zone_id"] == project["zone_id"]]
        if len(hit):
            zone = {"zone_id": project["zone_id"], "name": hit.iloc[0]["name"]}
    places = [
        (code, i18n.place_name(boundaries.unit(code), lang))
        for code in (project.get("city_adcode"), project.get("county_adcode"))
        if code
    ]
    return {
        "project": project,
        "title": project.get("name") or project["project_id"],
        "stage_label": _stage(project.get("stage"), lang),
        "amount": _amount(latest, lang) or i18n.t("unknown_amount", lang),
        "earlier": earlier,
        "zone": zone,
        "places": places,
        "rows": rows,
        "first_date": _plain(project.get("first_date")) or "",
        "reports": _plain(project.get("reports")) or len(rows),
    }


def project_json(content: dict) -> dict:
    """The JSON twin of a project page."""
    project = {k: _plain(v) for k, v in content["project"].items() if k not in ("timeline", "geom")}
    return {
        **project,
        "zone": content["zone"],
        "timeline": [
            {
                "date": r["date"],
                "stage": r["stage"],
                "investment_cny": r["investment_cny"],
                "name": r["name"],
                "source": r["citation"].as_json(),
            }
            for r in content["rows"]
        ],
    }


def stage_path(mentions: list[dict], lang: str) -> str:
    """A project's stages over time in one line: "签约 2024-09-18 → 开工 2025-02-06"."""
    steps, last = [], None
    for m in mentions:
        stage = m.get("stage")
        if not stage or stage == last:
            continue
        when = (
            _plain(m.get("date")) or _plain(m.get("published")) or _plain(m.get("reference_date"))
        )
        steps.append(f"{_stage(stage, lang)} {str(when)[:10] if when else ''}".strip())
        last = stage
    return " → ".join(steps)
