"""From article bytes to geocoded records: decode → extract → match zones → place.

The output of :func:`document_record` is the stable ``sxmap extract --format json`` shape
(one document); fields may be added, never renamed or removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import boundaries
from boundaries.errors import AmbiguousPlaceError, UnknownPlaceError
from geo import geocode
from geo.extract import extract
from geo.gazetteer import Gazetteer, Zone
from geo.geocode import Placement
from geo.text import decode_bytes


@dataclass
class DocumentResult:
    source: str
    text: str  # decoded original text: spans index into it
    date: str | None
    zones: list[dict] = field(default_factory=list)
    projects: list[dict] = field(default_factory=list)
    batches: list[dict] = field(default_factory=list)
    groups: list[dict] = field(default_factory=list)  # cumulative, pipeline, other campaigns
    facts: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def resolve_place(name: str | None, within: str | None = None) -> tuple[str | None, str | None]:
    """(adcode, reason) for a place name in Shanxi; a reason instead of a guess when it fails."""
    if not name:
        return None, "no place named"
    try:
        return boundaries.resolve(name, within=within).adcode, None
    except AmbiguousPlaceError as exc:
        return None, f"ambiguous place {name!r}: " + ", ".join(c.adcode for c in exc.candidates)
    except UnknownPlaceError:
        return None, f"{name!r} is not a Shanxi unit"


def _zone_placement(zone: Zone | None, prefix: str | None) -> Placement:
    if zone is not None:
        return geocode.place_zone(zone.city_adcode, zone.county_adcode)
    adcode, reason = resolve_place(prefix)
    if adcode is None:
        return geocode.unplaced(f"zone not in gazetteer; {reason}")
    return geocode.place_unit(adcode, "zone-name-prefix")


def _placement_fields(p: Placement) -> dict:
    return {
        "city_adcode": p.city_adcode,
        "county_adcode": p.county_adcode,
        "lon": p.lon,
        "lat": p.lat,
        "precision": p.precision,
        "geocode_method": p.method,
        "unplaced_reason": p.reason,
    }


def _zone_records(mentions, gazetteer: Gazetteer) -> list[dict]:
    """One record per distinct zone, first mention's span, every mention listed."""
    records: dict[str, dict] = {}
    for m in mentions:
        zone = gazetteer.match(m.name)
        key = zone.zone_id if zone else m.name
        if key in records:
            records[key]["mentions"].append(list(m.span))
            continue
        placement = _zone_placement(zone, m.place_prefix)
        records[key] = {
            "name": zone.name if zone else m.name,
            "mention": m.name,
            "zone_id": zone.zone_id if zone else None,
            "type": zone.type if zone else m.type,
            "level": zone.level if zone else None,
            "new": zone is None,
            **_placement_fields(placement),
            "span": list(m.span),
            "mentions": [list(m.span)],
        }
    return list(records.values())


def _zone_by_name(name: str | None, gazetteer: Gazetteer, prefixes: dict) -> tuple:
    """(gazetteer zone or None, placement) for a zone named in the text.

    A zone the gazetteer does not know is placed from its own place prefix (太原高新区 →
    太原市), exactly as its zone record is.
    """
    if not name:
        return None, geocode.unplaced("no zone stated")
    zone = gazetteer.match(name)
    return zone, _zone_placement(zone, prefixes.get(name))


def _project_record(p, gazetteer: Gazetteer, prefixes: dict) -> dict:
    zone, placement = _zone_by_name(p.zone_name, gazetteer, prefixes)
    if p.place_name:
        within = placement.city_adcode
        adcode, reason = resolve_place(p.place_name, within=within)
        if adcode is None and within:
            adcode, reason = resolve_place(p.place_name)
        if adcode is not None:
            method = p.place_method or "text"
            placement = geocode.narrower(placement, geocode.place_unit(adcode, method))
        elif not placement.placed:
            placement = geocode.unplaced(reason)
    elif not placement.placed and p.place_method == "foreign":
        placement = geocode.unplaced("named with another province: never placed in Shanxi")
    return {
        "name": p.name,
        "company": p.company,
        "zone_id": zone.zone_id if zone else None,
        "zone_name": p.zone_name,
        "investment_cny": p.investment_cny,
        "investment_text": p.investment_text,
        "capacity": p.capacity,
        "stage": p.stage,
        "date": p.date,
        "place_name": p.place_name,
        **_placement_fields(placement),
        "place_method": (p.place_method or "zone") if placement.placed else None,
        "evidence": p.evidence,
        # The record's span runs from the name to the amount (either may come first), so
        # the quoted source shows both; name_span and amount_span keep the parts.
        "span": [min(p.span[0], p.amount_span[0]), max(p.span[1], p.amount_span[1])],
        "name_span": list(p.span),
        "amount_span": list(p.amount_span),
    }


def _batch_record(b, gazetteer: Gazetteer, prefixes: dict) -> dict:
    zone, reason = None, None
    if b.scope == "zone" and b.place:
        zone, placement = _zone_by_name(b.place, gazetteer, prefixes)
        adcode = placement.county_adcode or placement.city_adcode
        reason = placement.reason
    elif b.scope == "province":
        adcode, reason = resolve_place(b.place or "山西省")
    elif b.place:
        adcode, reason = resolve_place(b.place)
    else:
        adcode, reason = None, "the text names no place for this batch"
    precision = _PRECISION.get(b.scope) if adcode else None
    if b.scope == "zone" and adcode:
        precision = "county" if not adcode.endswith("00") else "city"
    return {
        "scope": b.scope,
        "place": b.place,
        "adcode": adcode,
        "zone_id": zone.zone_id if zone else None,
        "kind": b.kind,
        "projects": b.projects,
        "investment_cny": b.investment_cny,
        "output_cny": b.output_cny,
        "period_type": b.period_type,
        "period_start": b.period_start,
        "period_end": b.period_end,
        "period_label": b.period_label,
        "round_date": b.date if b.period_type == "round" else None,
        "period": b.period,
        "place_method": b.place_method if adcode else None,
        "precision": precision,
        "evidence": b.evidence,
        "unplaced_reason": None if adcode else reason,
        "span": list(b.span),
        "count_span": list(b.count_span) if b.count_span else None,
        "amount_span": list(b.amount_span) if b.amount_span else None,
    }


_PRECISION = {"province": "province", "city": "city", "county": "county"}
GROUP_PERIODS = ("cumulative", "pipeline", "campaign")


def process_text(
    text: str, source: str, gazetteer: Gazetteer, reference_date: date | None = None
) -> DocumentResult:
    """Extract and geocode one decoded article."""
    ex = extract(text, reference_date)
    zones = _zone_records(ex.zones, gazetteer)
    prefixes = {m.name: m.place_prefix for m in ex.zones}
    result = DocumentResult(source=source, text=text, date=ex.date, zones=zones)
    result.projects = [_project_record(p, gazetteer, prefixes) for p in ex.projects]
    # Every aggregate figure is typed by its period. ``batches`` are the figures of one
    # period (a round, a year so far, an event): what a map may sum within that period.
    # ``groups`` are the others — cumulative spans of several rounds, pipelines (在谈/储备),
    # tallies of other campaigns (七个一批) — kept with their type, never summed.
    figures = [_batch_record(b, gazetteer, prefixes) for b in ex.batches]
    result.batches = [f for f in figures if f["period_type"] not in GROUP_PERIODS]
    result.groups = [f for f in figures if f["period_type"] in GROUP_PERIODS]
    result.facts = [
        {
            "kind": f.kind,
            "value_cny": f.value_cny,
            "text": f.text,
            "span": list(f.span),
            "evidence": f.evidence,
        }
        for f in ex.facts
    ]
    result.warnings = list(ex.warnings)
    return result


def process_bytes(
    raw: bytes, source: str, gazetteer: Gazetteer, reference_date: date | None = None
) -> DocumentResult:
    """Decode (UTF-8 / GB18030, checked) then :func:`process_text`; raises InputError."""
    return process_text(decode_bytes(raw), source, gazetteer, reference_date)


def document_record(result: DocumentResult) -> dict:
    """The CLI contract's document object."""
    return {
        "source": result.source,
        "date": result.date,
        "zones": result.zones,
        "projects": result.projects,
        "batches": result.batches,
        "groups": result.groups,
        "facts": result.facts,
        "warnings": result.warnings,
    }
