"""An editor's changes to a record or a zone, checked and turned into column values. Pure.

Forms send text (an empty field clears a value); the JSON API may send numbers. Places are
picked by name, short name, pinyin (``name_en``) or adcode and become the adcodes, seat
point and precision of the unit (``geocode_method`` ``editor:<level>``). Every error is an
:class:`InputError` naming the field.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation

import boundaries
from boundaries.errors import AtlasError as BoundaryError
from geo.errors import InputError
from geo.store import schema as s

MAX_TEXT = {"name": 200, "company": 200, "capacity": 200, "period_label": 100, "note": 2000}
MAX_CNY = 10**14  # 100 万亿元: far above any single figure
MAX_COUNT = 100_000
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_ADCODE_LEAD = re.compile(r"^\s*(14\d{4})\b")
PROJECT_FIELDS = (
    "name",
    "company",
    "zone_id",
    "investment_cny",
    "amount",
    "capacity",
    "stage",
    "date",
    "place",
)
BATCH_FIELDS = (
    "kind",
    "scope",
    "place",
    "zone_id",
    "projects",
    "investment_cny",
    "amount",
    "period_type",
    "period_label",
    "period_start",
    "period_end",
    "round_date",
)
ZONE_FIELDS = ("name", "aliases", "type", "level", "place", "parent_zone_id", "status", "note")


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(field: str, value, required: bool = False) -> str | None:
    if _blank(value):
        if required:
            raise InputError(f"{field}: required")
        return None
    if not isinstance(value, str):
        raise InputError(f"{field}: must be text")
    value = " ".join(value.split())
    limit = MAX_TEXT.get(field, 500)
    if len(value) > limit:
        raise InputError(f"{field}: at most {limit} characters")
    return value


def choice(field: str, value, allowed: tuple[str, ...]) -> str | None:
    if _blank(value):
        return None
    if value not in allowed:
        raise InputError(f"{field}: one of {', '.join(allowed)}, not {str(value)[:30]!r}")
    return value


def iso_date(field: str, value) -> str | None:
    """YYYY, YYYY-MM or YYYY-MM-DD: the precision the article gives."""
    if _blank(value):
        return None
    value = str(value).strip()
    if not _DATE.match(value):
        raise InputError(f"{field}: a date as YYYY, YYYY-MM or YYYY-MM-DD")
    try:
        date.fromisoformat((value + "-01-01")[:10] if len(value) < 10 else value)
    except ValueError:
        raise InputError(f"{field}: {value!r} is not a real date") from None
    return value


def count(field: str, value) -> int | None:
    if _blank(value):
        return None
    try:
        number = int(str(value).strip())
    except ValueError:
        raise InputError(f"{field}: a whole number") from None
    if not 0 <= number <= MAX_COUNT:
        raise InputError(f"{field}: between 0 and {MAX_COUNT}")
    return number


def amount_cny(field: str, value) -> int | None:
    """Integer CNY from a number of 亿元 ("5", "16.69") or an amount with its unit
    ("5000万元", "1.26亿元", "300000元"); an int is taken as CNY already."""
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise InputError(f"{field}: an amount")
    if isinstance(value, int):
        cny = value
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise InputError(f"{field}: an amount")
        cny = round(value)
    else:
        cny = _parse_amount(field, str(value))
    if not 0 <= cny <= MAX_CNY:
        raise InputError(f"{field}: between 0 and {MAX_CNY // 10**8} 亿元")
    return cny


def _parse_amount(field: str, raw: str) -> int:
    textual = raw.strip().replace(",", "").replace("，", "").replace(" ", "")
    try:
        return int(Decimal(textual) * 10**8)  # a bare number is 亿元
    except InvalidOperation:
        pass
    from geo.money import parse_amount

    cny = parse_amount(textual)
    if cny is None:
        raise InputError(f"{field}: an amount in 亿元 (16.69) or with its unit (5000万元)")
    return cny


# --------------------------------------------------------------------------- places


def _names_of(unit) -> set[str]:
    english = unit.name_en.lower()
    bare = re.sub(r"\s+(district|county|city|province)$", "", english)
    return {english, bare, bare.replace(" ", "")}


def resolve_place(value) -> boundaries.Unit | None:
    """The unit an editor picked: an adcode (alone or leading the text, as the picker's
    suggestions are), a Chinese name (full or short, 城区 within its city: "晋城市城区"),
    or pinyin ("Taigu", "taigu district"). None for an empty field."""
    if _blank(value):
        return None
    raw = str(value).strip()
    lead = _ADCODE_LEAD.match(raw)
    if lead:
        try:
            return boundaries.unit(lead.group(1))
        except BoundaryError:
            raise InputError(f"place: no Shanxi unit has adcode {lead.group(1)}") from None
    lowered = raw.lower()
    english = [u for u in boundaries.units() if lowered in _names_of(u)]
    if len(english) == 1:
        return english[0]
    try:
        return boundaries.resolve(raw)
    except BoundaryError as exc:
        for city in boundaries.units("city"):  # "晋城市城区": a city and a county written together
            for prefix in (city.name, city.short_name):
                if raw.startswith(prefix) and len(raw) > len(prefix):
                    try:
                        return boundaries.resolve(raw[len(prefix) :], within=city.adcode)
                    except BoundaryError:
                        continue
        if len(english) > 1:
            names = ", ".join(f"{u.adcode} {u.qualified_name}" for u in english)
            raise InputError(f"place: {raw!r} is ambiguous: {names}") from None
        raise InputError(f"place: {exc}") from None


def project_place(unit) -> dict:
    """Columns of a project placed at ``unit``'s seat by an editor (None: unplaced)."""
    from geo import geocode

    if unit is None:
        return {
            "city_adcode": None,
            "county_adcode": None,
            "lon": None,
            "lat": None,
            "precision": None,
            "geocode_method": "editor",
            "unplaced_reason": "editor: no place",
        }
    placed = geocode.place_unit(unit.adcode, f"editor:{unit.level}")
    return {
        "city_adcode": placed.city_adcode,
        "county_adcode": placed.county_adcode,
        "lon": placed.lon,
        "lat": placed.lat,
        "precision": placed.precision,
        "geocode_method": placed.method,
        "unplaced_reason": None,
    }


def batch_place(unit, scope: str | None) -> dict:
    """Columns of a figure whose place an editor picked."""
    if unit is None:
        return {
            "adcode": None,
            "place": None,
            "scope": scope,
            "place_method": "editor",
            "unplaced_reason": "editor: no place",
        }
    return {
        "adcode": unit.adcode,
        "place": unit.name,
        "scope": scope or unit.level,
        "place_method": "editor",
        "unplaced_reason": None,
    }


# --------------------------------------------------------------------------- records


def _unknown(changes: Mapping, allowed: tuple[str, ...]) -> None:
    extra = sorted(set(changes) - set(allowed))
    if extra:
        raise InputError(f"cannot change {', '.join(extra)}; fields: {', '.join(allowed)}")


def _zone(value, zone_ids) -> str | None:
    if _blank(value):
        return None
    if value not in zone_ids:
        raise InputError(f"zone_id: no zone {str(value)[:40]!r} in the gazetteer")
    return value


def _money(changes: Mapping) -> int | None:
    if "investment_cny" in changes and not _blank(changes["investment_cny"]):
        return amount_cny("investment_cny", changes["investment_cny"])
    return amount_cny("amount", changes.get("amount"))


def project_changes(changes: Mapping, zone_ids) -> dict:
    """Column values of a project mention from an editor's ``changes`` (only the fields
    given change; an empty field clears it)."""
    _unknown(changes, PROJECT_FIELDS)
    out: dict = {}
    if "name" in changes:
        out["name"] = text("name", changes["name"], required=True)
    for field in ("company", "capacity"):
        if field in changes:
            out[field] = text(field, changes[field])
    if "zone_id" in changes:
        out["zone_id"] = _zone(changes["zone_id"], zone_ids)
    if "investment_cny" in changes or "amount" in changes:
        out["investment_cny"] = _money(changes)
        out["investment_text"] = _amount_text(out["investment_cny"])
    if "stage" in changes:
        out["stage"] = choice("stage", changes["stage"], s.STAGES)
    if "date" in changes:
        out["date"] = iso_date("date", changes["date"])
    if "place" in changes:
        out.update(project_place(resolve_place(changes["place"])))
    return out


def batch_changes(changes: Mapping, zone_ids, current: Mapping | None = None) -> dict:
    """Column values of a figure mention from an editor's ``changes``."""
    _unknown(changes, BATCH_FIELDS)
    out: dict = {}
    if "kind" in changes:
        kind = choice("kind", changes["kind"], s.BATCH_KINDS)
        if kind is None:
            raise InputError("kind: required")
        out["kind"] = kind
    scope = choice("scope", changes.get("scope"), s.SCOPES) if "scope" in changes else None
    if "place" in changes:
        unit = resolve_place(changes["place"])
        out.update(batch_place(unit, scope))
    elif scope:
        out["scope"] = scope
    if "zone_id" in changes:
        out["zone_id"] = _zone(changes["zone_id"], zone_ids)
    if out.get("scope") == "zone" and not (out.get("zone_id") or (current or {}).get("zone_id")):
        raise InputError("zone_id: a zone-scope figure needs its zone")
    if "projects" in changes:
        out["projects"] = count("projects", changes["projects"])
    if "investment_cny" in changes or "amount" in changes:
        out["investment_cny"] = _money(changes)
    if "period_type" in changes:
        out["period_type"] = choice("period_type", changes["period_type"], s.PERIOD_TYPES)
    if "period_label" in changes:
        out["period_label"] = text("period_label", changes["period_label"])
    for field in ("period_start", "period_end", "round_date"):
        if field in changes:
            out[field] = iso_date(field, changes[field])
    return out


def _amount_text(cny: int | None) -> str | None:
    if cny is None:
        return None
    return f"{cny / 10**8:g}亿元 (editor)"


# --------------------------------------------------------------------------- zones


def zone_type_of(name: str) -> str:
    """The zone type its name's suffix says (geo/rules/zone_suffixes.csv), else other."""
    from geo.rules import rows

    for row in sorted(rows("zone_suffixes"), key=lambda r: -len(r["suffix"])):
        if name.endswith(row["suffix"]):
            return row["type"]
    return "specialty_town" if name.endswith("专业镇") else "other"


def aliases(value) -> str | None:
    """Aliases from a form ("a|b", one per line, or 、，, separated) as the stored "a|b"."""
    if _blank(value):
        return None
    if isinstance(value, list):
        parts = [str(v) for v in value]
    else:
        parts = re.split(r"[|\n\r、，,;；]+", str(value))
    seen: list[str] = []
    for part in parts:
        part = " ".join(part.split())
        if part and part not in seen:
            if len(part) > 100:
                raise InputError("aliases: each at most 100 characters")
            seen.append(part)
    if len(seen) > 50:
        raise InputError("aliases: at most 50")
    return "|".join(seen) or None


def zone_changes(changes: Mapping, zone_ids) -> dict:
    _unknown(changes, ZONE_FIELDS)
    out: dict = {}
    if "name" in changes:
        out["name"] = text("name", changes["name"], required=True)
    if "aliases" in changes:
        out["aliases"] = aliases(changes["aliases"])
    if "type" in changes:
        out["type"] = choice("type", changes["type"], s.ZONE_TYPES) or "other"
    if "level" in changes:
        out["level"] = choice("level", changes["level"], s.ZONE_LEVELS)
    if "place" in changes:
        unit = resolve_place(changes["place"])
        if unit is None or unit.level == "province":
            out.update(city_adcode=None, county_adcode=None)
        elif unit.level == "city":
            out.update(city_adcode=unit.adcode, county_adcode=None)
        else:
            out.update(city_adcode=unit.parent_adcode, county_adcode=unit.adcode)
    if "parent_zone_id" in changes:
        out["parent_zone_id"] = _zone(changes["parent_zone_id"], zone_ids)
    for field in ("status", "note"):
        if field in changes:
            out[field] = text(field, changes[field])
    return out


def location(lon, lat, datum: str = "wgs84") -> tuple[float, float]:
    """A clicked point as WGS-84 (lon, lat), converted from GCJ-02 when the click was on
    a GCJ-02 basemap; refused outside Shanxi."""
    try:
        lon, lat = float(lon), float(lat)
    except (TypeError, ValueError):
        raise InputError("location: lon and lat must be numbers") from None
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise InputError("location: lon and lat must be numbers")
    if datum == "gcj02":
        from boundaries.datum import gcj02_to_wgs84

        lon, lat = (float(v) for v in gcj02_to_wgs84(lon, lat))
    elif datum != "wgs84":
        raise InputError("datum: wgs84 or gcj02")
    if boundaries.locate(lon, lat) is None:
        raise InputError(f"location: ({lon:.5f}, {lat:.5f}) is outside Shanxi")
    return round(lon, 6), round(lat, 6)
