"""Synthetic but well-formed datasets for the scale benchmark (and tests that need volume).

Deterministic (seeded): the same sizes and seed give the same rows, byte for byte. Real
Shanxi adcodes and WGS-84 county seats from ``boundaries``; zones spread over every
county; projects spread over zones with a long tail (a few zones carry thousands of
projects, as the busiest real ones do); "三个一批" figures per city, county and zone and
round; every record tied to a published document and a span. Rows go into a new store
through :meth:`geo.store.repository.Repository.load_rows` (bulk loading and the one
merge), never through the extractor.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from datetime import date, timedelta

SUFFIXES = (
    ("经济技术开发区", "etdz"),
    ("高新技术产业开发区", "hitech"),
    ("经济开发区", "econ_dev"),
    ("现代农业产业示范区", "modern_agri"),
    ("生态文化旅游示范区", "eco_tourism"),
    ("工业园区", "industrial_park"),
    ("专业镇", "specialty_town"),
)
PREFIXES = ("", "东", "西", "南", "北", "新区", "城南", "城北", "河东", "河西", "山前", "滨河")
INDUSTRIES = (
    "储能",
    "光伏",
    "氢能",
    "新材料",
    "装备制造",
    "数据中心",
    "生物医药",
    "食品加工",
    "煤化工",
    "特钢",
    "半导体",
    "物流",
    "文旅",
    "现代农业",
    "新能源汽车",
)
STAGES = ("signed", "started", "under_construction", "in_production", "completed")
KINDS = ("signed", "started", "in_production")


@dataclass(frozen=True)
class Size:
    name: str
    zones: int
    projects: int
    batches: int
    documents: int


SIZES = {
    "M": Size("M", 100, 5_000, 2_000, 500),
    "L": Size("L", 1_000, 50_000, 20_000, 5_000),
}


def _rounds() -> list[date]:
    """Quarterly "三个一批" rounds, 2023 to 2026."""
    return [date(y, m, 6) for y in (2023, 2024, 2025, 2026) for m in (2, 5, 8, 11)][:14]


def generate(size: Size, seed: int = 12) -> dict[str, list[dict]]:
    """Tables for :meth:`Repository.load_rows`: documents, zones, project and batch mentions."""
    import boundaries

    rng = random.Random(seed)
    counties = [u for u in boundaries.units("county")]
    cities = {u.adcode: u for u in boundaries.units("city")}
    start = date(2023, 1, 1)
    documents = []
    for i in range(size.documents):
        published = start + timedelta(days=rng.randrange(0, 1200))
        text = f"合成文档{i}：山西省开发区项目建设情况通报。" * 4
        content = text.encode()
        documents.append(
            {
                "doc_id": f"scale-{i:05d}",
                "title": f"开发区项目建设通报（第{i}期）",
                "publisher": rng.choice(("山西日报", "山西新闻网", "黄河新闻网", "太原日报")),
                "published": published,
                "date_basis": "published",
                "url": f"https://news.example.org/{i}.html",
                "text_form": "original",
                "filename": f"scale-{i:05d}.txt",
                "media_type": "text/plain",
                "sha256": hashlib.sha256(content).hexdigest(),
                "state": "published",
                "content": content,
                "text": text,
            }
        )
    spans = [0] * size.documents

    def span(doc: int) -> tuple[int, int]:
        spans[doc] += 1
        return spans[doc] * 40, spans[doc] * 40 + 30

    zones, per_county = [], {}
    for i in range(size.zones):
        county = counties[i % len(counties)] if i < len(counties) else rng.choice(counties)
        n = per_county.get(county.adcode, 0)
        per_county[county.adcode] = n + 1
        suffix, ztype = SUFFIXES[(i // len(counties) + n) % len(SUFFIXES)]
        prefix = PREFIXES[n % len(PREFIXES)] + (
            str(n // len(PREFIXES)) if n >= len(PREFIXES) else ""
        )
        zones.append(
            {
                "zone_id": f"scale-z{i:04d}",
                "name": f"{county.short_name}{prefix}{suffix}",
                "type": ztype,
                "level": "national" if i % 17 == 0 else "provincial",
                "city_adcode": county.parent_adcode,
                "county_adcode": county.adcode,
                "source": "synthetic (bench/scale_data.py)",
            }
        )
    county_of = {u.adcode: u for u in counties}
    # Long tail: zone k gets weight 1/(k+1)^0.8, in a seeded order.
    weights = [1 / (k + 1) ** 0.8 for k in range(len(zones))]
    order = list(range(len(zones)))
    rng.shuffle(order)
    picks = rng.choices(order, weights=weights, k=size.projects)
    projects = []
    for i, z in enumerate(picks):
        zone = zones[z]
        county = county_of[zone["county_adcode"]]
        doc = rng.randrange(size.documents)
        s0, s1 = span(doc)
        amount = None if rng.random() < 0.1 else rng.randrange(1, 5000) * 1_000_000
        row = {
            "name": f"{county.short_name}{rng.choice(INDUSTRIES)}{i}号项目",
            "company": f"山西{rng.choice(INDUSTRIES)}科技有限公司" if rng.random() < 0.5 else None,
            "zone_id": zone["zone_id"],
            "investment_cny": amount,
            "investment_text": None if amount is None else f"{amount / 1e8:g}亿元",
            "stage": rng.choice(STAGES),
            "date": documents[doc]["published"].isoformat(),
            "city_adcode": county.parent_adcode,
            "county_adcode": county.adcode,
            "lon": county.seat_point[0],
            "lat": county.seat_point[1],
            "precision": "county",
            "geocode_method": "zone_county_seat",
            "doc_id": documents[doc]["doc_id"],
            "span_start": s0,
            "span_end": s1,
            "quote": f"总投资{amount / 1e8:g}亿元" if amount else "项目开工",
            "evidence": "synthetic",
            "review_state": "extracted",
        }
        projects.append(row)
    # One in ten projects reported again by a later document: merged, not counted twice.
    for row in rng.sample(projects, size.projects // 10):
        doc = rng.randrange(size.documents)
        s0, s1 = span(doc)
        projects.append(
            {**row, "doc_id": documents[doc]["doc_id"], "span_start": s0, "span_end": s1}
        )
    batches = _batches(size, rng, zones, cities, county_of, documents, span)
    return {
        "documents": documents,
        "zones": zones,
        "project_mentions": projects,
        "batch_mentions": batches,
    }


def _batches(size, rng, zones, cities, counties, documents, span) -> list[dict]:
    rounds = _rounds()
    places = [("city", code, None, u.name) for code, u in cities.items()]
    places += [("county", code, None, u.name) for code, u in counties.items()]
    keys = [(p, r, k) for p in places for r in rounds for k in KINDS]
    rng.shuffle(keys)
    keys = keys[: size.batches // 2]
    zone_keys = set()
    while len(keys) + len(zone_keys) < size.batches:
        z = rng.choice(zones)
        zone_keys.add((z["zone_id"], rng.randrange(len(rounds)), rng.choice(KINDS)))
    by_id = {z["zone_id"]: z for z in zones}
    for zid, r, k in sorted(zone_keys):
        zone = by_id[zid]
        keys.append((("zone", zone["county_adcode"], zid, zone["name"]), rounds[r], k))
    rows = []
    for (scope, adcode, zid, place), when, kind in keys:
        doc = rng.randrange(size.documents)
        s0, s1 = span(doc)
        count = rng.randrange(1, 80)
        amount = count * rng.randrange(5, 300) * 10_000_000
        rows.append(
            {
                "round_date": when.isoformat(),
                "scope": scope,
                "place": place,
                "adcode": adcode,
                "zone_id": zid,
                "kind": kind,
                "projects": count,
                "investment_cny": amount,
                "period_type": "round",
                "period_start": when.isoformat(),
                "period_end": when.isoformat(),
                "period_label": f"{when.year}年第{(when.month + 1) // 3}季度“三个一批”",
                "place_method": "stated",
                "doc_id": documents[doc]["doc_id"],
                "span_start": s0,
                "span_end": s1,
                "quote": f"{kind}项目{count}个，总投资{amount / 1e8:g}亿元",
                "evidence": "synthetic",
                "review_state": "extracted",
            }
        )
    return rows


def fill_store(url: str, size: Size, seed: int = 12):
    """A new store at ``url`` filled with ``generate(size, seed)``; returns the repository."""
    from geo.store import open_store

    repo = open_store(url)
    repo.load_rows(generate(size, seed), actor="bench", note=f"synthetic {size.name}")
    return repo
