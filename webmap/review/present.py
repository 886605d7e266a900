"""What the review pages show, as plain data: highlighted text, records, conflicts. Pure.

Templates (autoescaped) and ``review.js`` (``textContent`` only) put it on the page; the
JSON twins send the same dicts. Offsets are Python string indices (code points) into the
document's text, as every span in the store.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

import boundaries
from boundaries.errors import AtlasError as BoundaryError
from webmap import i18n

TYPES = {  # highlight type: (zh, en)
    "zone": ("开发区", "zone"),
    "project": ("项目", "project"),
    "amount": ("金额", "amount"),
    "figure": ("汇总数字", "aggregate figure"),
    "fact": ("非投资数字", "not investment"),
}
FACT_KINDS = {
    "output": ("产值/营收", "output or revenue"),
    "tax": ("税收", "tax"),
    "credit": ("授信/贷款", "credit or loans"),
    "subsidy": ("补贴/奖励", "subsidy or award"),
    "annual_plan": ("年度计划投资", "annual plan"),
    "spend_to_date": ("已完成投资", "spend to date"),
    "percentage": ("百分比", "percentage"),
    "investment": ("未归属的投资额", "investment tied to no record"),
    "other": ("其他", "other"),
}
STATES = {
    "extracted": ("待审", "to review"),
    "accepted": ("已接受", "accepted"),
    "corrected": ("已更正", "corrected"),
    "rejected": ("已驳回", "rejected"),
    "added": ("编辑新增", "added by an editor"),
}
DOC_STATES = {
    "new": ("新上传", "new"),
    "in_review": ("审核中", "in review"),
    "published": ("已发布", "published"),
    "retracted": ("已撤回", "retracted"),
}
PERIODS = {
    "round": ("轮次", "round"),
    "ytd": ("年初至今", "year to date"),
    "cumulative": ("累计", "cumulative"),
    "pipeline": ("在谈/储备", "pipeline"),
    "unspecified": ("未说明", "unspecified"),
}
CONFLICT_STATES = {
    "pending": ("发布本文后将与已发布来源冲突", "disagrees with published reports once published"),
    "conflict": ("来源冲突，未计入合计", "sources disagree: not summed"),
    "picked": ("已采用一个来源的数字", "one report's values picked"),
    "range": ("保留为区间，不计入合计", "kept as a range, not summed"),
}
STAGES_FORM = [("", ("未说明", "not stated"))] + [(k, v) for k, v in i18n.STAGES.items()]
KINDS_FORM = list(i18n.KINDS.items())
SCOPES = {"province": ("全省", "province"), "city": ("市", "city"), "county": ("县区", "county"),
          "zone": ("开发区", "zone")}  # fmt: skip


def both(pair: tuple) -> str:
    """A label in both languages: the review pages serve Chinese and English readers."""
    return f"{pair[0]} {pair[1]}"


def yi(cny) -> str:
    """CNY as 亿元 with two decimals ("5.50 亿元"), "–" when unknown."""
    if cny is None:
        return "–"
    return f"{cny / 1e8:,.2f} 亿元"


def yi_input(cny) -> str:
    """CNY as the number of 亿元 a form field shows ("5.5")."""
    return "" if cny is None else f"{cny / 1e8:.8f}".rstrip("0").rstrip(".")


def place_label(adcode: str | None) -> str:
    if not adcode:
        return "–"
    try:
        unit = boundaries.unit(adcode)
    except BoundaryError:
        return adcode
    return f"{unit.qualified_name} {adcode}"


def place_value(adcode: str | None) -> str:
    """The picker's text for a unit: adcode first, so the server reads it back exactly."""
    if not adcode:
        return ""
    try:
        unit = boundaries.unit(adcode)
    except BoundaryError:
        return adcode
    return f"{adcode} {unit.qualified_name}"


def unit_options() -> list[dict]:
    """The province/city/county tree for the place picker, in tree order."""
    out = []
    province = boundaries.unit("140000")
    out.append({"value": place_value("140000"), "label": f"{province.name} · {province.name_en}"})
    for city in boundaries.units("city"):
        out.append({"value": place_value(city.adcode), "label": f"{city.name} · {city.name_en}"})
        for county in boundaries.units("county"):
            if county.parent_adcode == city.adcode:
                out.append(
                    {
                        "value": place_value(county.adcode),
                        "label": f"{city.name} › {county.name} · {county.name_en}",
                    }
                )
    return out


def plain(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


# --------------------------------------------------------------------------- highlighting


@dataclass
class Item:
    """One highlighted thing: a type, a span, and what it became."""

    key: str  # "p12", "p12-amount", "b7", "z3", "f5"
    type: str  # one of TYPES
    start: int
    end: int
    record: str | None  # the record row it belongs to ("p12", "b7")
    became: str
    rejected: bool = False


@dataclass
class Segment:
    text: str
    start: int
    items: list[Item] = field(default_factory=list)

    @property
    def primary(self) -> Item | None:
        """The narrowest item covering this piece: an amount inside a project wins."""
        if not self.items:
            return None
        return min(self.items, key=lambda i: (i.end - i.start, i.key))

    @property
    def first_of(self) -> Item | None:
        """The item this piece starts (it carries the item's anchor id): the widest one,
        so a record whose span begins with its amount is still found by its own id."""
        starting = [i for i in self.items if i.start == self.start]
        return max(starting, key=lambda i: (i.end - i.start, i.key)) if starting else None

    @property
    def title(self) -> str:
        return " | ".join(i.became for i in sorted(self.items, key=lambda i: i.end - i.start))


def segments(text: str, items: Iterable[Item]) -> list[Segment]:
    """The text cut at every item boundary; each piece lists the items covering it.

    Items may nest or overlap (an amount inside a project's span, two figures sharing
    a count); spans outside the text are clipped. The pieces concatenate to ``text``.
    """
    items = [i for i in items if 0 <= i.start < i.end and i.start < len(text)]
    cuts = {0, len(text)}
    for item in items:
        cuts.update((item.start, min(item.end, len(text))))
    bounds = sorted(cuts)
    out = []
    for start, end in zip(bounds, bounds[1:], strict=False):
        covering = [i for i in items if i.start <= start and end <= i.end]
        out.append(Segment(text[start:end], start, covering))
    return out


def _state_word(row: Mapping, doc_state: str) -> str:
    if row.get("review_state") == "rejected":
        return "已驳回，公众不可见 rejected: hidden from the public"
    if doc_state == "published":
        return "已在地图上 on the map"
    if doc_state == "retracted":
        return "文献已撤回 document retracted"
    return "发布后上地图 on the map once published"


def project_summary(row: Mapping) -> str:
    parts = [row.get("name") or "?", yi(row.get("investment_cny"))]
    if row.get("stage"):
        parts.append(both(i18n.STAGES.get(row["stage"], (row["stage"],) * 2)))
    parts.append(place_label(row.get("county_adcode") or row.get("city_adcode")))
    return " · ".join(parts)


def figure_summary(row: Mapping) -> str:
    kind = i18n.KINDS.get(row.get("kind"), (row.get("kind"),) * 2)
    period = PERIODS.get(row.get("period_type") or "", ("", ""))
    parts = [
        both(kind),
        row.get("place") or place_label(row.get("adcode")),
        f"{row['projects']} 个" if row.get("projects") is not None else "– 个",
        yi(row.get("investment_cny")),
        " ".join(
            x for x in (period[0], row.get("period_label") or row.get("round_date") or "") if x
        ),
    ]
    return " · ".join(p for p in parts if p)


def _canonical_note(kind: str, row: Mapping, canonical: Mapping, doc_state: str) -> str:
    word = _state_word(row, doc_state)
    if kind == "project":
        found = canonical.get("projects", {}).get(row.get("project_id"))
        if found and row.get("review_state") != "rejected" and doc_state == "published":
            reports = found.get("reports") or 1
            return f"{word}: {project_summary(found)} ({reports} 篇报道 reports)"
        return word
    found = canonical.get("batches", {}).get(row.get("batch_id"))
    if found and row.get("review_state") != "rejected" and doc_state == "published":
        status = found.get("status")
        if status == "conflict":
            return f"{word}: 来源数字冲突，未计入合计 sources disagree, not summed"
        if status == "range":
            low, high = found.get("investment_cny_min"), found.get("investment_cny_max")
            return f"{word}: 保留为区间 kept as a range {yi(low)}–{yi(high)}"
        return f"{word}: {figure_summary(found)}"
    return word


def items_of(doc: Mapping, canonical: Mapping) -> list[Item]:
    """Every highlight of a document: records (project name and amount, figures) and
    annotations (zone names, figures that are not investment)."""
    text, state = doc.get("text") or "", doc["state"]
    items: list[Item] = []
    for row in doc["projects"]:
        key, start, end = f"p{row['id']}", row["span_start"], row["span_end"]
        note = _canonical_note("project", row, canonical, state)
        rejected = row["review_state"] == "rejected"
        items.append(
            Item(
                key, "project", start, end, key, f"项目 project «{row['name']}» → {note}", rejected
            )
        )
        amount = _find(text, row.get("investment_text"), start, end)
        if amount and row.get("investment_cny") is not None:
            items.append(
                Item(
                    f"{key}-amount",
                    "amount",
                    *amount,
                    key,
                    f"金额 amount → {yi(row['investment_cny'])} «{row['name']}»",
                    rejected,
                )
            )
    for row in doc["batches"]:
        key = f"b{row['id']}"
        note = _canonical_note("batch", row, canonical, state)
        items.append(
            Item(
                key,
                "figure",
                row["span_start"],
                row["span_end"],
                key,
                f"汇总数字 figure {figure_summary(row)} → {note}",
                row["review_state"] == "rejected",
            )
        )
    for a in doc.get("annotations", []):
        if a["type"] == "zone":
            became = (
                f"开发区 zone «{a['label']}» → 名录 gazetteer {a['ref']}"
                if a.get("ref")
                else f"开发区 zone «{a['label']}» → 不在名录中 not in the gazetteer"
            )
            items.append(Item(f"z{a['id']}", "zone", a["span_start"], a["span_end"], None, became))
        else:
            kind = FACT_KINDS.get(a.get("kind") or "other", FACT_KINDS["other"])
            value = f" {yi(a['value_cny'])}" if a.get("value_cny") is not None else ""
            items.append(
                Item(
                    f"f{a['id']}",
                    "fact",
                    a["span_start"],
                    a["span_end"],
                    None,
                    f"非投资 not investment: {both(kind)}{value} → 未上地图 left off the map",
                )
            )
    return items


def _find(text: str, needle: str | None, start: int, end: int) -> tuple[int, int] | None:
    """Where ``needle`` (a record's amount as written) is inside its span."""
    if not needle:
        return None
    at = text.find(needle, start, end)
    return None if at < 0 else (at, at + len(needle))


# --------------------------------------------------------------------------- records


def record_rows(doc: Mapping, canonical: Mapping) -> list[dict]:
    """The records table: projects and figures in text order, with labels and form values."""
    rows = []
    for kind, key_prefix in (("project", "p"), ("batch", "b")):
        for row in doc["projects" if kind == "project" else "batches"]:
            out = {k: plain(v) for k, v in row.items() if k not in ("merge_key",)}
            out.update(
                key=f"{key_prefix}{row['id']}",
                kind=kind,
                state_label=both(STATES.get(row["review_state"], (row["review_state"],) * 2)),
                became=_canonical_note(kind, row, canonical, doc["state"]),
                amount=yi(row.get("investment_cny")),
                amount_input=yi_input(row.get("investment_cny")),
            )
            if kind == "project":
                place = row.get("county_adcode") or row.get("city_adcode")
                out["place_label"] = place_label(place)
                out["place_input"] = place_value(place)
                out["what"] = row.get("name") or "?"
                out["detail"] = both(i18n.STAGES.get(row.get("stage"), ("–", "–")))
            else:
                out["place_label"] = row.get("place") or place_label(row.get("adcode"))
                out["place_input"] = place_value(row.get("adcode"))
                out["what"] = both(i18n.KINDS.get(row["kind"], (row["kind"],) * 2))
                period = PERIODS.get(row.get("period_type") or "", ("–", "–"))
                label = row.get("period_label") or row.get("round_date") or ""
                out["detail"] = f"{both(period)} {label}".strip()
            rows.append(out)
    return sorted(rows, key=lambda r: (r["span_start"], r["kind"], r["id"]))


def conflicts(doc: Mapping, peers: Mapping[str, list], resolutions: Mapping, canonical) -> list:
    """Figures of this document that another document reports with other values: each
    with every report side by side (span in context) and the editor's resolution."""
    from geo.store.merge import _same_amount

    out = []
    for batch_id, reports in peers.items():
        live = [
            r
            for r in reports
            if r["review_state"] != "rejected"
            and (r["doc_state"] == "published" or r["doc_id"] == doc["doc_id"])
        ]
        if len({r["doc_id"] for r in live}) < 2:
            continue
        counts = {r["projects"] for r in live if r["projects"] is not None}
        amounts: list[int] = []
        for r in live:
            v = r["investment_cny"]
            if v is not None and not any(_same_amount(v, a) for a in amounts):
                amounts.append(v)
        if len(counts) <= 1 and len(amounts) <= 1:
            continue
        resolution = resolutions.get(batch_id)
        row = canonical.get("batches", {}).get(batch_id)
        status = (row or {}).get("status")
        if status in (None, "ok"):  # this article is not published yet
            status = "pending"
        out.append(
            {
                "batch_id": batch_id,
                "status": status,
                "status_label": both(CONFLICT_STATES[status]),
                "summary": figure_summary(live[0]),
                "resolution": {k: plain(v) for k, v in resolution.items()} if resolution else None,
                "reports": [
                    {
                        **{k: plain(v) for k, v in r.items()},
                        "amount": yi(r["investment_cny"]),
                        "mine": r["doc_id"] == doc["doc_id"],
                        "picked": bool(
                            resolution
                            and resolution["choice"] == "pick"
                            and resolution["mention_id"] == r["id"]
                        ),
                    }
                    for r in live
                ],
            }
        )
    return out


def history_rows(rows: Iterable[Mapping]) -> list[dict]:
    """Audit rows for display: time, who, what, before → after, note."""
    import json

    out = []
    for r in rows:
        before = json.loads(r["before"]) if r.get("before") else None
        after = json.loads(r["after"]) if r.get("after") else None
        out.append(
            {
                "id": r["id"],
                "at": plain(r["at"]),
                "actor": r["actor"],
                "action": r["action"],
                "entity": r["entity"],
                "entity_id": r["entity_id"],
                "before": before,
                "after": after,
                "change": _change(before, after),
                "note": r.get("note"),
            }
        )
    return out


def _change(before, after) -> str:
    if not isinstance(after, dict):
        return ""
    if not isinstance(before, dict):
        keys = [k for k in ("name", "kind", "title", "state", "review_state") if k in after]
        return ", ".join(f"{k}={after[k]}" for k in keys)
    parts = []
    for key in after:
        if key in ("doc_id",):
            continue
        parts.append(f"{key}: {before.get(key)!s} → {after.get(key)!s}")
    return "; ".join(parts)
