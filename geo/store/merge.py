"""One fact, many sources: merging document mentions into canonical records. Pure.

- A **project** is the set of mentions with the same normalised name and place
  (county, else city, else zone); company is the tie-breaker: mentions that name two
  different companies are two projects, a mention naming none joins the first. Its stage
  and amount are the latest stated ones (mention date, else the document's date); earlier
  values stay in the mentions, which are its timeline.
- An aggregate **figure** ("三个一批" batch, year-to-date total …) is the set of mentions
  with the same scope, place, kind and period. When every source gives the same count
  and amount it is one figure with several sources (summed once); when they disagree it
  is a *conflict*: its values are null, so no map adds it, and ``reported`` lists what
  each source said until an editor settles it: *picked* (one report's values count) or
  *range* (values stay null, never summed; ``*_min``/``*_max`` give the range). Figures
  with no stated period are never merged across documents: nothing says they are the
  same figure.

Ids derive from the merge key, so they are stable across rebuilds and engines.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence

PRECISION_RANK = {"county": 3, "city": 2, "province": 1}
_PUNCT = re.compile(r"[\s\"'“”‘’《》〈〉「」『』()（）【】\[\]·.,，、:：;；!！?？—\-_/]+")
_GENERIC_TAIL = re.compile(r"(建设)?(项目|工程)$")
AMOUNT_TOLERANCE = 0.005  # the corpus scoring's 0.5 %
AMOUNT_FLOOR_CNY = 10_000  # or 1 万元


def _hash_id(prefix: str, key: str) -> str:
    return prefix + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]


def normalise_name(name: str | None) -> str:
    """Spelling-neutral project name: NFKC, no spaces or punctuation, no "项目" tail."""
    text = unicodedata.normalize("NFKC", name or "").lower()
    text = _PUNCT.sub("", text)
    return _GENERIC_TAIL.sub("", text) or text


def project_place(m: Mapping) -> str:
    if m.get("county_adcode"):
        return m["county_adcode"]
    if m.get("city_adcode"):
        return m["city_adcode"]
    return f"zone:{m['zone_id']}" if m.get("zone_id") else ""


def project_merge_key(m: Mapping) -> str:
    return f"{normalise_name(m.get('name'))}|{project_place(m)}"


def batch_merge_key(m: Mapping) -> str:
    period_type = m.get("period_type") or ("round" if m.get("round_date") else "unspecified")
    start = _iso(m.get("period_start") or m.get("round_date"))
    end = _iso(m.get("period_end") or m.get("round_date"))
    parts = [
        m.get("scope") or "",
        m.get("zone_id") or m.get("adcode") or f"?{m.get('place') or ''}",
        m.get("kind") or "",
        period_type,
        start or "",
        end or "",
    ]
    if period_type == "unspecified" or not (start or end):
        parts.append(f"doc:{m.get('doc_id')}")  # no period stated: never merged across documents
    return "|".join(parts)


def batch_id(merge_key: str) -> str:
    return _hash_id("b", merge_key)


def _iso(value) -> str | None:
    if value is None or value == "":
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)[:10]


def _company(m: Mapping) -> str:
    return normalise_name(m.get("company"))


def assign_projects(merge_key: str, mentions: Sequence[Mapping]) -> list[str]:
    """The project id of each mention of one merge key (parallel list)."""
    companies: list[str] = []
    for m in mentions:
        company = _company(m)
        if company and company not in companies:
            companies.append(company)
    if len(companies) <= 1:
        return [_hash_id("p", merge_key)] * len(mentions)
    return [_hash_id("p", f"{merge_key}|{_company(m) or companies[0]}") for m in mentions]


def _when(m: Mapping, doc_dates: Mapping[str, str | None]) -> str:
    return _iso(m.get("date")) or doc_dates.get(m.get("doc_id")) or ""


def timeline(mentions: Iterable[Mapping], doc_dates: Mapping[str, str | None]) -> list[Mapping]:
    """Mentions oldest first: by stated date, else the document's date, then position."""
    return sorted(
        mentions,
        key=lambda m: (_when(m, doc_dates), m.get("doc_id") or "", m.get("span_start") or 0),
    )


def _latest(ordered: Sequence[Mapping], field: str):
    for m in reversed(ordered):
        if m.get(field) not in (None, ""):
            return m
    return None


def _doc_ids(mentions: Iterable[Mapping]) -> str:
    return "|".join(sorted({m["doc_id"] for m in mentions}))


def project_row(
    project_id: str, live: Sequence[Mapping], doc_dates: Mapping[str, str | None]
) -> dict:
    """The canonical project from its live mentions (at least one)."""
    ordered = timeline(live, doc_dates)
    last = ordered[-1]
    amount = _latest(ordered, "investment_cny")
    stage = _latest(ordered, "stage")
    placed = [m for m in ordered if m.get("precision") in PRECISION_RANK]
    where = max(placed, key=lambda m: PRECISION_RANK[m["precision"]]) if placed else last
    row = {
        "project_id": project_id,
        "name": last.get("name"),
        "company": (_latest(ordered, "company") or {}).get("company"),
        "zone_id": (_latest(ordered, "zone_id") or {}).get("zone_id"),
        "investment_cny": amount["investment_cny"] if amount else None,
        "investment_text": amount.get("investment_text") if amount else None,
        "capacity": (_latest(ordered, "capacity") or {}).get("capacity"),
        "stage": stage["stage"] if stage else None,
        "date": _iso(stage.get("date")) if stage else _iso(last.get("date")),
        "first_date": _when(ordered[0], doc_dates) or None,
        "reports": len(ordered),
        "doc_ids": _doc_ids(ordered),
    }
    for key in (
        "city_adcode",
        "county_adcode",
        "lon",
        "lat",
        "precision",
        "geocode_method",
        "unplaced_reason",
    ):
        row[key] = where.get(key)
    source = amount or last
    for key in ("doc_id", "span_start", "span_end", "quote", "evidence"):
        row[key] = source.get(key)
    return row


def _same_amount(a: int, b: int) -> bool:
    return abs(a - b) <= max(AMOUNT_FLOOR_CNY, AMOUNT_TOLERANCE * max(abs(a), abs(b)))


def _distinct(values: Iterable[int | None], same) -> list[int]:
    found: list[int] = []
    for v in values:
        if v is not None and not any(same(v, f) for f in found):
            found.append(v)
    return found


def _reported(m: Mapping) -> str:
    parts = []
    if m.get("projects") is not None:
        parts.append(f"{m['projects']} projects")
    if m.get("investment_cny") is not None:
        parts.append(f"{m['investment_cny']} CNY")
    return f"{m['doc_id']}: {', '.join(parts) or 'no figure'}"


def _settled(ordered: Sequence[Mapping], counts: list[int], amounts: list[int], resolution) -> dict:
    """Status and values of a figure: agreeing, in conflict, or settled by an editor."""
    if len(counts) <= 1 and len(amounts) <= 1:
        return {
            "status": "ok",
            "projects": counts[0] if counts else None,
            "investment_cny": amounts[0] if amounts else None,
        }
    choice = (resolution or {}).get("choice")
    picked = [m for m in ordered if m.get("id") == (resolution or {}).get("mention_id")]
    if choice == "pick" and picked:
        return {
            "status": "picked",
            "projects": picked[0].get("projects"),
            "investment_cny": picked[0].get("investment_cny"),
        }
    if choice == "range":
        return {
            "status": "range",
            "projects": None,
            "investment_cny": None,
            "projects_min": min(counts) if counts else None,
            "projects_max": max(counts) if counts else None,
            "investment_cny_min": min(amounts) if amounts else None,
            "investment_cny_max": max(amounts) if amounts else None,
        }
    return {"status": "conflict", "projects": None, "investment_cny": None}


def batch_row(
    batch_id_: str,
    live: Sequence[Mapping],
    doc_dates: Mapping[str, str | None],
    resolution: Mapping | None = None,
) -> dict:
    """The canonical figure from its live mentions (at least one).

    ``resolution`` (``{"choice": "pick"|"range", "mention_id"}``) is an editor's settlement
    of a conflict; it applies only while the reports disagree and, for a pick, while the
    picked report is live.
    """
    ordered = timeline(live, doc_dates)
    first = ordered[0]
    counts = _distinct((m.get("projects") for m in ordered), lambda a, b: a == b)
    amounts = _distinct((m.get("investment_cny") for m in ordered), _same_amount)
    outputs = _distinct((m.get("output_cny") for m in ordered), _same_amount)
    settled = _settled(ordered, counts, amounts, resolution)
    conflict = settled["status"] != "ok"
    keep = ("scope", "place", "adcode", "zone_id", "kind", "place_method", "unplaced_reason")
    row = {key: first.get(key) for key in keep}
    for key in ("round_date", "period_start", "period_end"):
        row[key] = _iso(first.get(key))
    row.update(
        batch_id=batch_id_,
        period_type=first.get("period_type") or ("round" if first.get("round_date") else None),
        period_label=(_latest(ordered, "period_label") or {}).get("period_label"),
        output_cny=outputs[0] if len(outputs) == 1 else None,
        reported="; ".join(_reported(m) for m in ordered) if conflict else None,
        **settled,
        reports=len(ordered),
        doc_ids=_doc_ids(ordered),
    )
    for key in ("doc_id", "span_start", "span_end", "quote", "evidence"):
        row[key] = first.get(key)
    return row
