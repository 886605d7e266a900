"""Scoring extraction against a gold file (the schema of ``shared/corpus/gold.json``).

The rules, as ``shared/corpus/README.md`` states them:

- a gold **project amount** is *found and placed* when an extracted project of the same article
  has the same amount (within 0.5 % or 1 万元) and a place that does not contradict the gold
  place; *unplaced* when it is found with no place although the gold knows one; *misplaced*
  when every match contradicts the gold place; else *missed*;
- a gold **aggregate figure** (a row of ``city_batches``: its count and its amount are two
  figures) is *found* when an extracted aggregate figure of the same article has the same kind,
  a consistent place and the same count (or amount);
- an extracted project amount or aggregate count/amount that matches no gold figure of its
  article is *spurious*;
- **non-Shanxi leakage**: anything the gold lists under ``non_shanxi`` placed in Shanxi.

"Placed" means at least a city: a province-wide point says nothing about where a project is.
Gold corrections (our own expectation where we believe the gold is wrong, with the reason) are
applied on a copy of the gold, and both scores are reported.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from geo.extract_common import same_zone_key
from geo.extract_places import lookup
from geo.gazetteer import Gazetteer
from geo.text import normalise

GOLD_KIND = {"签约": "signed", "开工": "started", "投产": "in_production", "total": "all"}
YI = 100_000_000


def same_amount(a: int | float | None, b: int | float | None) -> bool:
    """Equal within 0.5 % or 1 万元 (10,000 CNY)."""
    if a is None or b is None:
        return False
    return abs(a - b) <= max(0.005 * abs(b), 10_000)


def yuan(yi_yuan: float | None) -> int | None:
    return None if yi_yuan is None else round(yi_yuan * YI)


# --------------------------------------------------------------------------- gold places


def _clean(name: str | None) -> str | None:
    """A gold name as the extractor sees text: simplified, pinyin and noise removed."""
    return normalise(name).text.strip() if name else None


def _adcode(name: str | None, city: str | None = None) -> str | None:
    """Adcode of a Shanxi city or county written in full (or short) in the gold."""
    if not name:
        return None
    place = lookup(name) or lookup(name.rstrip("市县区"))
    if place is not None and place.adcode:
        return place.adcode
    import boundaries
    from boundaries.errors import AtlasError

    try:
        return boundaries.resolve(name, within=city).adcode
    except AtlasError:
        return None


@dataclass(frozen=True)
class GoldPlace:
    scope: str | None
    city: str | None  # adcode
    county: str | None  # adcode
    zone_keys: frozenset[str] = frozenset()
    zone_ids: frozenset[str] = frozenset()

    @property
    def known(self) -> bool:
        return bool(self.city or self.county)


def _zone_names(doc: dict, name: str | None) -> list[str]:
    """The zone as written plus its canonical name from the gold's ``zones`` list."""
    if not name:
        return []
    names = [name]
    for z in doc.get("zones", []):
        if name in (z.get("name"), z.get("canonical")):
            names += [z.get("name"), z.get("canonical")]
    return [n for n in names if n]


def _zone_ident(doc: dict, name: str | None, gazetteer: Gazetteer):
    keys, ids = set(), set()
    for raw in _zone_names(doc, name):
        clean = _clean(raw)
        keys.add(same_zone_key(clean))
        zone = gazetteer.match(clean)
        if zone is not None:
            ids.add(zone.zone_id)
    return frozenset(keys), frozenset(ids)


def _zone_adcodes(doc: dict, name: str | None) -> tuple[str | None, str | None]:
    for z in doc.get("zones", []):
        if name and name in (z.get("name"), z.get("canonical")):
            adcode = z.get("adcode")
            if adcode and adcode.endswith("00"):
                return adcode, None
            if adcode:
                return adcode[:4] + "00", adcode
    return None, None


def project_place(doc: dict, p: dict, gazetteer: Gazetteer) -> GoldPlace:
    county = p.get("county_adcode")
    city = _adcode(p.get("city")) or (county[:4] + "00" if county else None)
    zone_city, zone_county = _zone_adcodes(doc, p.get("zone"))
    keys, ids = _zone_ident(doc, p.get("zone"), gazetteer)
    return GoldPlace("project", city or zone_city, county or zone_county, keys, ids)


def batch_place(doc: dict, b: dict, gazetteer: Gazetteer) -> GoldPlace:
    city = _adcode(b.get("city"))
    county = _adcode(b.get("county"), city) if b.get("county") else None
    if b.get("scope") == "zone":
        zone_city, zone_county = _zone_adcodes(doc, b.get("zone"))
        city, county = city or zone_city, county or zone_county
    keys, ids = _zone_ident(doc, b.get("zone"), gazetteer)
    return GoldPlace(b.get("scope"), city, county, keys, ids)


# --------------------------------------------------------------------------- matching


def project_status(gold: GoldPlace, record: dict) -> str:
    """'placed', 'unplaced' or 'misplaced' for an extracted project matching a gold amount."""
    city, county = record.get("city_adcode"), record.get("county_adcode")
    if county and not city:
        city = county[:4] + "00"
    if (gold.county and county and county != gold.county) or (
        gold.city and city and city != gold.city
    ):
        return "misplaced"
    if not city and gold.known:
        return "unplaced"
    return "placed"


def batch_place_consistent(gold: GoldPlace, record: dict) -> bool:
    """Same scope and place; a gold zone figure also accepts the zone's own county."""
    scope, adcode = record.get("scope"), record.get("adcode")
    if gold.scope == "province":
        return scope == "province"
    if gold.scope == "city":
        return scope == "city" and adcode == gold.city
    if gold.scope == "county":
        return scope == "county" and adcode == gold.county
    if gold.scope == "zone":
        if scope == "zone":
            if record.get("zone_id") and record["zone_id"] in gold.zone_ids:
                return True
            place = _clean(record.get("place"))
            if place and same_zone_key(place) in gold.zone_keys:
                return True
            return bool(gold.county and adcode == gold.county and not gold.zone_ids)
        return scope == "county" and bool(gold.county) and adcode == gold.county
    return False


@dataclass
class ArticleScore:
    file: str
    projects: dict[str, int] = field(default_factory=dict)
    aggregates: dict[str, int] = field(default_factory=dict)
    extracted: int = 0
    spurious: int = 0
    leakage: int = 0
    details: list[str] = field(default_factory=list)


_PROJECT_KEYS = ("gold", "placed", "unplaced", "misplaced", "missed")
_AGG_KEYS = ("gold", "found", "missed")


def _gold_figures(doc: dict, gazetteer: Gazetteer):
    """(kind, field, value, place, row) for every count and amount of every gold row."""
    out = []
    for row in doc.get("city_batches", []):
        place = batch_place(doc, row, gazetteer)
        kind = GOLD_KIND.get(row.get("batch"), row.get("batch"))
        if row.get("projects") is not None:
            out.append((kind, "projects", row["projects"], place, row))
        if row.get("investment_yi_yuan") is not None:
            out.append((kind, "investment_cny", yuan(row["investment_yi_yuan"]), place, row))
    return out


def _figure_matches(gold_fig, record: dict, value) -> bool:
    kind, fld, gold_value, place, _ = gold_fig
    if record.get("kind") != kind or not batch_place_consistent(place, record):
        return False
    if fld == "projects":
        return value == gold_value
    return same_amount(value, gold_value)


def score_article(doc: dict, record: dict, gazetteer: Gazetteer) -> ArticleScore:
    """Score one extracted document record against its gold entry."""
    score = ArticleScore(doc["file"])
    # project amounts, one extracted project per gold project (best status first)
    counts = dict.fromkeys(_PROJECT_KEYS, 0)
    extracted_projects = [p for p in record.get("projects", []) if p.get("investment_cny")]
    used: set[int] = set()
    order = {"placed": 0, "unplaced": 1, "misplaced": 2}
    for p in doc.get("projects", []):
        amount = yuan(p.get("investment_yi_yuan"))
        if amount is None:
            continue
        counts["gold"] += 1
        place = project_place(doc, p, gazetteer)
        options = sorted(
            (order[project_status(place, e)], i)
            for i, e in enumerate(extracted_projects)
            if i not in used and same_amount(e["investment_cny"], amount)
        )
        if not options:
            counts["missed"] += 1
            score.details.append(f"missed project {p['name']} {p['investment_yi_yuan']}亿元")
            continue
        rank, index = options[0]
        used.add(index)
        status = next(k for k, v in order.items() if v == rank)
        counts[status] += 1
        if status != "placed":
            e = extracted_projects[index]
            where = e.get("county_adcode") or e.get("city_adcode")
            score.details.append(f"{status} project {p['name']}: extracted {where}")
    score.projects = counts
    gold_amounts = [yuan(p.get("investment_yi_yuan")) for p in doc.get("projects", [])]
    spurious = [
        e
        for e in extracted_projects
        if not any(same_amount(e["investment_cny"], g) for g in gold_amounts if g)
    ]
    for e in spurious:
        score.details.append(f"spurious project {e['name']} {e['investment_cny'] / YI:g}亿元")
    # aggregate figures
    gold_figs = _gold_figures(doc, gazetteer)
    extracted_figs = [
        (b, fld, b.get(fld))
        for b in record.get("batches", [])
        for fld in ("projects", "investment_cny")
        if b.get(fld) is not None
    ]
    agg = dict.fromkeys(_AGG_KEYS, 0)
    taken: set[int] = set()
    for g in gold_figs:
        agg["gold"] += 1
        hit = next(
            (
                i
                for i, (b, fld, value) in enumerate(extracted_figs)
                if i not in taken and fld == g[1] and _figure_matches(g, b, value)
            ),
            None,
        )
        if hit is None:
            agg["missed"] += 1
            row = g[4]
            where = row.get("county") or row.get("city") or row.get("zone") or ""
            value = row.get("projects") if g[1] == "projects" else row.get("investment_yi_yuan")
            score.details.append(
                f"missed figure {row.get('scope')} {where} {row.get('batch')} {g[1]}={value}"
            )
        else:
            agg["found"] += 1
            taken.add(hit)
    score.aggregates = agg
    unsupported = [
        (b, fld, value)
        for b, fld, value in extracted_figs
        if not any(g[1] == fld and _figure_matches(g, b, value) for g in gold_figs)
    ]
    for b, fld, value in unsupported:
        shown = value if fld == "projects" else f"{value / YI:g}亿元"
        score.details.append(
            f"spurious figure {b.get('scope')} {b.get('place')} {b.get('kind')} "
            f"{b.get('period_type', '')} {fld}={shown}"
        )
    score.extracted = len(extracted_projects) + len(extracted_figs)
    score.spurious = len(spurious) + len(unsupported)
    score.leakage = _leakage(doc, record)
    return score


def _leakage(doc: dict, record: dict) -> int:
    """Records naming something the gold says is outside Shanxi that carry a Shanxi place."""
    names = []
    for entry in doc.get("non_shanxi", []) or []:
        name = entry if isinstance(entry, str) else (entry.get("name") or entry.get("place"))
        if name:
            names.append(_clean(name))
    found = 0
    for kind in ("zones", "projects", "batches"):
        for r in record.get(kind, []):
            text = _clean(r.get("name") or r.get("place") or "") or ""
            placed = r.get("adcode") or r.get("city_adcode") or r.get("county_adcode")
            if placed and any(n and (n in text or text and text in n) for n in names):
                found += 1
    return found


# --------------------------------------------------------------------------- running


def load_gold(path: Path) -> list[dict]:
    with Path(path).open(encoding="utf-8") as f:
        return json.load(f)


def apply_corrections(gold: list[dict], corrections: list[dict]) -> list[dict]:
    """A copy of the gold with our corrections: each ``{"file", "section", "action",
    "match", "row", "reason"}``; ``action`` is ``add`` (append ``row``), ``remove`` (the rows
    whose fields equal ``match``) or ``replace`` (those rows become ``row``)."""
    out = copy.deepcopy(gold)
    by_file = {d["file"]: d for d in out}
    for c in corrections:
        if not c.get("reason"):
            raise ValueError(f"gold correction without a reason: {c}")
        doc = by_file[c["file"]]
        rows = doc.setdefault(c["section"], [])
        if c["action"] == "add":
            rows.append(c["row"])
            continue
        hits = [r for r in rows if all(r.get(k) == v for k, v in c["match"].items())]
        if len(hits) != 1:
            raise ValueError(f"gold correction matches {len(hits)} rows: {c}")
        index = rows.index(hits[0])
        if c["action"] == "remove":
            rows.pop(index)
        else:
            rows[index] = c["row"]
    return out


def extract_records(
    files: Iterable[Path], gazetteer: Gazetteer, dates: dict[str, date] | None = None
) -> dict[str, dict]:
    from geo.pipeline import document_record, process_bytes

    out = {}
    for path in files:
        result = process_bytes(
            path.read_bytes(), str(path), gazetteer, (dates or {}).get(path.name)
        )
        out[path.name] = document_record(result)
    return out


def summarise(scores: list[ArticleScore]) -> dict:
    proj = {k: sum(s.projects[k] for s in scores) for k in _PROJECT_KEYS}
    agg = {k: sum(s.aggregates[k] for s in scores) for k in _AGG_KEYS}
    extracted = sum(s.extracted for s in scores)
    spurious = sum(s.spurious for s in scores)
    return {
        "articles": len(scores),
        "project_amounts": {**proj, "placed_pct": _pct(proj["placed"], proj["gold"])},
        "aggregate_figures": {**agg, "found_pct": _pct(agg["found"], agg["gold"])},
        "extracted_figures": extracted,
        "spurious": spurious,
        "spurious_pct": _pct(spurious, extracted),
        "misplaced": proj["misplaced"],
        "non_shanxi_placed": sum(s.leakage for s in scores),
    }


def _pct(part: int, whole: int) -> float:
    return round(100.0 * part / whole, 1) if whole else 100.0


def evaluate(
    gold: list[dict],
    records: dict[str, dict],
    gazetteer: Gazetteer,
) -> tuple[list[ArticleScore], dict]:
    scores = []
    for doc in gold:
        record = records.get(doc["file"])
        if record is None:
            continue
        scores.append(score_article(doc, record, gazetteer))
    return scores, summarise(scores)


def run(
    gold_path: Path,
    paths: list[Path] | None = None,
    corrections_path: Path | None = None,
    gazetteer: Gazetteer | None = None,
) -> dict:
    """Extract the gold's articles (found in ``paths``, default the gold's folder) and score
    them as the gold says and, with corrections, as we believe. Returns a JSON-ready dict."""
    gazetteer = gazetteer or Gazetteer.from_csv()
    gold = load_gold(gold_path)
    folders = paths or [Path(gold_path).parent]
    files = {}
    for p in map(Path, folders):
        for f in sorted(p.glob("*.txt")) if p.is_dir() else [p]:
            files[f.name] = f
    wanted = [files[d["file"]] for d in gold if d["file"] in files]
    records = extract_records(wanted, gazetteer)
    scores, summary = evaluate(gold, records, gazetteer)
    result = {"gold": str(gold_path), "as_gold": summary, "articles": scores}
    if corrections_path is not None:
        corrections = json.loads(Path(corrections_path).read_text(encoding="utf-8"))
        fixed = apply_corrections(gold, corrections)
        c_scores, c_summary = evaluate(fixed, records, gazetteer)
        result["corrected"] = c_summary
        result["corrected_articles"] = c_scores
        result["corrections"] = len(corrections)
    return result


# --------------------------------------------------------------------------- reporting

_HEADER = (
    f"{'article':<26}{'amounts':>8}{'placed':>7}{'unplc':>6}{'mispl':>6}{'missed':>7}"
    f"{'figures':>8}{'found':>6}{'missed':>7}{'extr':>6}{'spur':>5}{'leak':>5}"
)


def _row(name: str, s: ArticleScore) -> str:
    p, a = s.projects, s.aggregates
    return (
        f"{name:<26}{p['gold']:>8}{p['placed']:>7}{p['unplaced']:>6}{p['misplaced']:>6}"
        f"{p['missed']:>7}{a['gold']:>8}{a['found']:>6}{a['missed']:>7}{s.extracted:>6}"
        f"{s.spurious:>5}{s.leakage:>5}"
    )


def summary_line(summary: dict) -> str:
    p, a = summary["project_amounts"], summary["aggregate_figures"]
    return (
        f"project amounts found and placed {p['placed']}/{p['gold']} ({p['placed_pct']} %), "
        f"unplaced {p['unplaced']}, misplaced {p['misplaced']}, missed {p['missed']}; "
        f"aggregate figures {a['found']}/{a['gold']} ({a['found_pct']} %); "
        f"spurious {summary['spurious']}/{summary['extracted_figures']} "
        f"({summary['spurious_pct']} %); non-Shanxi placed {summary['non_shanxi_placed']}"
    )


def format_report(result: dict, verbose: bool = False) -> str:
    lines = [_HEADER]
    for s in result["articles"]:
        lines.append(_row(s.file, s))
        if verbose:
            lines += [f"    {d}" for d in s.details]
    lines.append("as gold:   " + summary_line(result["as_gold"]))
    if "corrected" in result:
        lines.append(
            f"corrected: {summary_line(result['corrected'])} ({result['corrections']} corrections)"
        )
    return "\n".join(lines) + "\n"


def json_summary(result: dict) -> dict:
    out = {"gold": result["gold"], "as_gold": result["as_gold"]}
    if "corrected" in result:
        out["corrected"] = result["corrected"]
        out["corrections"] = result["corrections"]
    out["articles"] = [
        {
            "file": s.file,
            "project_amounts": s.projects,
            "aggregate_figures": s.aggregates,
            "extracted_figures": s.extracted,
            "spurious": s.spurious,
            "non_shanxi_placed": s.leakage,
        }
        for s in result["articles"]
    ]
    return out
