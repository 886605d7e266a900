"""Reviewed documents as an evaluation set: text files plus ``gold.json``.

The schema is ``shared/corpus/gold.json``'s (see its README): one object per file with its
zones, projects (amounts in 亿元, stages 签约/开工/投产/在建) and ``city_batches`` (aggregate
figures by scope, place and kind). What an editor published after review is what the
extractor should have found, so ``sxmap evaluate DIR/gold.json DIR`` scores extraction on
real, reviewed articles and the regression set grows with use.

A document counts as reviewed once an editor acted on it (published, corrected, accepted,
rejected or added a record: ``documents.reviewed_at``) and it is published. Its gold is
its live records: rejected ones are left out, corrected ones carry the correction.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import boundaries
from boundaries.errors import AtlasError as BoundaryError
from geo.store import schema as s

STAGES = {
    "signed": "签约",
    "started": "开工",
    "in_production": "投产",
    "under_construction": "在建",
    "completed": "投产",  # the gold has no 竣工: a completed project is in production
}
KINDS = {"signed": "签约", "started": "开工", "in_production": "投产", "all": "total"}
YI = 100_000_000


def file_name(doc_id: str) -> str:
    return doc_id if doc_id.endswith(".txt") else f"{doc_id}.txt"


def _yi(cny: int | None) -> float | None:
    return None if cny is None else round(cny / YI, 6)


def _unit_name(adcode: str | None) -> str | None:
    if not adcode:
        return None
    try:
        return boundaries.unit(adcode).name
    except BoundaryError:
        return None


def _city_of(adcode: str | None) -> str | None:
    if not adcode or adcode == "140000":
        return None
    return _unit_name(adcode[:4] + "00")


def reviewed_ids(repo) -> list[str]:
    d = s.documents
    rows = repo.rows(
        d,
        where=(d.c.state == "published") & d.c.reviewed_at.is_not(None),
        order_by=[d.c.doc_id],
    )
    return [r["doc_id"] for r in rows]


def _zone_entry(zone: dict, written: str | None = None) -> dict:
    county, city = zone.get("county_adcode"), zone.get("city_adcode")
    return {
        "name": written or zone["name"],
        "canonical": zone["name"],
        "city": _unit_name(city),
        "county": _unit_name(county),
        "adcode": county or city or None,
    }


def _live(rows: list[dict]) -> list[dict]:
    return [r for r in rows if r["review_state"] != "rejected"]


def gold_entry(doc: dict, zones: dict[str, dict]) -> dict:
    """The gold object of one stored document (``repo.document``) and the gazetteer."""
    entries: dict[str, dict] = {}

    def zone_name(zone_id: str | None) -> str | None:
        zone = zones.get(zone_id or "")
        if zone is None:
            return None
        entries.setdefault(zone["name"], _zone_entry(zone))
        return zone["name"]

    for note in doc.get("annotations", []):
        if note["type"] != "zone" or not (note.get("label") or note.get("ref") in zones):
            continue
        if note.get("ref") in zones:
            written = note.get("label") or zones[note["ref"]]["name"]
            entries.setdefault(written, _zone_entry(zones[note["ref"]], written))
        else:  # a zone the gazetteer does not know: named as written, place unknown
            entries.setdefault(
                note["label"],
                {
                    "name": note["label"],
                    "canonical": None,
                    "city": None,
                    "county": None,
                    "adcode": None,
                },
            )
    projects = []
    for p in _live(doc["projects"]):
        row = {
            "name": p["name"],
            "zone": zone_name(p.get("zone_id")),
            "investment_yi_yuan": _yi(p.get("investment_cny")),
            "stage": STAGES.get(p.get("stage") or ""),
            "city": _unit_name(p.get("city_adcode")),
            "county_adcode": p.get("county_adcode"),
            "company": p.get("company"),
        }
        projects.append(row)
    figures = []
    for b in _live(doc["batches"]):
        scope, adcode = b.get("scope"), b.get("adcode")
        level = boundaries.unit(adcode).level if _unit_name(adcode) else None
        period = ", ".join(
            str(v)
            for v in (b.get("period_type"), b.get("period_label") or b.get("round_date"))
            if v
        )
        figures.append(
            {
                "scope": scope,
                "city": _city_of(adcode),
                "county": _unit_name(adcode) if level == "county" else None,
                "zone": zone_name(b.get("zone_id")) if scope == "zone" else None,
                "batch": KINDS.get(b["kind"], b["kind"]),
                "projects": b.get("projects"),
                "investment_yi_yuan": _yi(b.get("investment_cny")),
                "note": f"period: {period}" if period else "period not stated",
            }
        )
    when = doc.get("published") or doc.get("reference_date")
    return {
        "file": file_name(doc["doc_id"]),
        "url": doc.get("url"),
        "date": when.isoformat() if when else None,
        "date_basis": doc.get("date_basis"),
        "script": "simplified",
        "category": ["editor_review"],
        "zones": list(entries.values()),
        "projects": projects,
        "city_batches": figures,
        "notes": (
            f"exported from the Atlas review of {doc['doc_id']} "
            f"(reviewed by {doc.get('reviewed_by') or 'unknown'}); "
            "rejected records left out, corrections applied"
        ),
        "text_form": doc.get("text_form") or "original",
        "non_shanxi": [],
    }


def build(repo, doc_ids: list[str] | None = None) -> tuple[list[dict], dict[str, str]]:
    """(gold objects, {file name: text}) of the reviewed documents (or of ``doc_ids``)."""
    zones = {z["zone_id"]: z for z in repo.zones()}
    gold, texts = [], {}
    for doc_id in reviewed_ids(repo) if doc_ids is None else doc_ids:
        doc = repo.document(doc_id)
        if doc.get("text") is None:
            continue
        entry = gold_entry(doc, zones)
        gold.append(entry)
        texts[entry["file"]] = doc["text"]
    return gold, texts


def gold_json(gold: list[dict]) -> bytes:
    return (json.dumps(gold, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def export_gold(repo, target: Path, doc_ids: list[str] | None = None) -> int:
    """Write ``target/gold.json`` and one ``.txt`` per reviewed document, replacing the
    folder as a whole (all files or none). Returns the number of documents."""
    from geo.curate import write_dataset_files

    gold, texts = build(repo, doc_ids)
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    files = {"gold.json": gold_json(gold)}
    files.update({name: text.encode("utf-8") for name, text in texts.items()})
    files["README.md"] = (
        "# Gold exported from the Atlas review\n\n"
        f"{len(gold)} reviewed documents, exported {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.\n"
        "Schema: shared/corpus/gold.json. Score the extractor with\n"
        "`sxmap evaluate gold.json .` in this folder.\n"
    ).encode()
    write_dataset_files(target, files, keep_others=False)
    return len(gold)
