"""Extraction: zone names, projects, batch figures and non-investment facts.

Hand-written fixtures exercise the genre's hard cases; the seed tests check facts verified by
reading the five seed articles (skipped when /work/shared/seeds is absent).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from geo.extract import Extraction, extract, zone_key
from geo.text import to_simplified

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
YI = 100_000_000


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


# --------------------------------------------------------------------------- zone names


@pytest.mark.parametrize(
    "text, name, kind",
    [
        ("走进晋城经济技术开发区", "晋城经济技术开发区", "etdz"),
        ("在大同经开区调研", "大同经开区", "etdz"),
        ("近日，太原高新区发布", "太原高新区", "hitech"),
        ("临汾经济开发区新兴产业孵化中心", "临汾经济开发区", "econ_dev"),
        ("太原武宿综保区加快建设", "太原武宿综保区", "bonded"),
        ("晋中国农高区核心区内", "晋中国农高区", "agri_hitech"),
        ("神池现代农业产业示范区则专注于", "神池现代农业产业示范区", "modern_agri"),
        ("乡宁生态旅游示范区通过改革", "乡宁生态旅游示范区", "eco_tourism"),
        ("汾阳杏花村白酒专业镇提质扩能项目", "汾阳杏花村白酒专业镇", "specialty_town"),
        ("清徐精细化工循环产业园、美锦", "清徐精细化工循环产业园", "industrial_park"),
        ("晋中在综改区晋中开发区设分会场", "综改区晋中开发区", "reform_demo"),
        ("位于山西转型综改示范区的太原重工", "山西转型综改示范区", "reform_demo"),
        ("新能源领域有和 顺 经 开 区 总投资", "和顺经开区", "etdz"),
        ("在灵丘經濟技術開發區調研", "灵丘经济技术开发区", "etdz"),
        ("苏州工业园区总投资50亿元", "苏州工业园区", "industrial_park"),
    ],
)
def test_zone_names(text: str, name: str, kind: str) -> None:
    zones = extract(text).zones
    assert (name, kind) in [(z.name, z.type) for z in zones]
    z = next(z for z in zones if z.name == name)
    source = to_simplified(text[slice(*z.span)]).replace(" ", "")
    assert zone_key(source) == zone_key(name)


@pytest.mark.parametrize(
    "text",
    [
        "各开发区不断创新服务模式",
        "全省开发区高新技术企业数量",
        "该园区定位清晰",
        "推进省级转型综改示范区建设卓有成效",
        "此次吕梁市开发区共征集项目40个",
        "山西开发区建设正站在新的起点上",
        "66个经济技术开发区、5个高新技术类开发区",
        "加快建设特色食品专业镇",
        "国运资本汽车零部件产业园项目",
        "出台《太原市促进专业镇高质量发展的实施方案》",
    ],
)
def test_generic_phrases_are_not_zones(text: str) -> None:
    assert extract(text).zones == ()


def test_zone_parts_keep_parent() -> None:
    (whole, part) = extract("在山西转型综合改革示范区晋中开发区，医疗器械产业园").zones
    assert whole.name == "山西转型综合改革示范区"
    assert part.name == "山西转型综合改革示范区晋中开发区"
    assert part.parent == "山西转型综合改革示范区" and part.type == "reform_demo"


@pytest.mark.parametrize(
    "a, b",
    [
        ("晋城经济技术开发区", "晋城经开区"),
        ("太原高新技术产业开发区", "太原高新区"),
        ("山西转型综合改革示范区", "综改区"),
        ("山西转型综改示范区", "山西省转型综合改革示范区"),
        ("山西转型综合改革示范区晋中开发区", "综改区晋中开发区"),
        ("山西晋中国家农业高新技术产业示范区", "晋中国农高区"),
        ("晋中农高区", "晋中国农高区"),
        ("太原武宿综合保税区", "太原武宿综保区"),
        ("清徐老陈醋省级专业镇", "清徐老陈醋专业镇"),
        ("阳曲碳纤维市级专业镇", "阳曲碳纤维专业镇"),
    ],
)
def test_zone_key_matches_aliases(a: str, b: str) -> None:
    assert zone_key(a) == zone_key(b)


def test_zone_key_keeps_distinct_zones_apart() -> None:
    assert zone_key("临汾经济开发区") != zone_key("临汾经济技术开发区")
    assert zone_key("临汾转型综改示范区") != zone_key("山西转型综改示范区")


# --------------------------------------------------------------------------- projects


@pytest.mark.parametrize(
    "text, name, yuan",
    [
        (
            "位于平鲁经济技术开发区，总投资297.8亿元的中煤平朔煤基烯烃项目可见端倪。",
            "中煤平朔煤基烯烃项目",
            29_780_000_000,
        ),
        ("统筹推进投资1.26亿元的东方云华储能项目开工筹备。", "东方云华储能项目", 126_000_000),
        (
            "由中古合作企业建设的安博泰克药业创新药物项目，总投资30亿元，建成后将实现突破。",
            "安博泰克药业创新药物项目",
            3_000_000_000,
        ),
        (
            "泰山玻纤“年产30万吨玻璃纤维项目”总投资36亿元，由泰山玻纤纤维有限公司投资建设。",
            "年产30万吨玻璃纤维项目",
            3_600_000_000,
        ),
        ("其投资7.5亿元建设的新材料产业园明年完工投产。", "新材料产业园", 750_000_000),
    ],
)
def test_project_patterns(text: str, name: str, yuan: int) -> None:
    (project,) = extract(text).projects
    assert (project.name, project.investment_cny) == (name, yuan)
    assert text[slice(*project.span)] == name


@pytest.mark.parametrize(
    "text",
    [
        "公司成功中标合同金额超过1亿元的长治锂电池施工总承包项目。",
        "全力推进年度计划投资40亿元的73个建设项目。",
        "该项目累计完成投资5亿元的配套工程顺利推进。",
        "协调完成授信5.1亿元的融资项目。",
        "光机电产业产值突破700亿元的产业项目。",
        "给予一次性奖励20万元的研发项目。",
        "在长子县，投资48.22亿元的21个重点项目集中开工。",
        "签约31个项目，总投资达103.16亿元。",
        "“签约一批”项目16个，总投资36.58亿元。",
    ],
)
def test_non_investment_never_a_project(text: str) -> None:
    assert extract(text).projects == ()


@pytest.mark.parametrize(
    "text, stage",
    [
        ("总投资5亿元的甲乙新材料项目正式开工。", "started"),
        ("总投资5亿元的甲乙新材料项目签约落地。", "signed"),
        ("总投资5亿元的甲乙新材料项目正式投产。", "in_production"),
        ("总投资5亿元的甲乙新材料项目即将投产。", "under_construction"),
        ("总投资5亿元的甲乙新材料项目正在加快建设。", "under_construction"),
        ("总投资5亿元的甲乙新材料项目顺利竣工。", "completed"),
        ("总投资5亿元的甲乙新材料项目建成后将填补空白。", None),
        ("推动投资5亿元的甲乙新材料项目开工筹备。", None),
    ],
)
def test_stage(text: str, stage: str | None) -> None:
    (project,) = extract(text).projects
    assert project.stage == stage


def test_traditional_column_fixture() -> None:
    text = fixture("column_traditional.txt")
    ex = extract(text, published=date(2025, 3, 20))
    (project,) = ex.projects
    assert project.name == "华晋新材料年产5万吨碳化矽项目"
    assert project.investment_cny == 1_260_000_000
    assert project.zone_name == "忻州经济开发区"
    assert project.stage == "started"
    assert project.capacity == "年产5万吨"
    assert project.date == "2025-03-12"
    assert text[slice(*project.span)] == "華晉新材料年產 5 萬噸碳化矽項目"
    assert text[slice(*project.amount_span)] == "12.6 億\n\n元"
    assert [(f.kind, f.value_cny) for f in ex.facts] == [("output", 20 * YI)]
    (group,) = ex.batches
    assert (group.scope, group.place, group.kind) == ("county", "原平市", "started")
    assert (group.projects, group.investment_cny) == (24, 3_150_000_000)
    assert all("摄" not in z.name for z in ex.zones)


def test_batch_sums_that_do_not_match_warn() -> None:
    ex = extract(fixture("batch_mismatch.txt"))
    kinds = {(b.kind, b.projects, b.investment_cny) for b in ex.batches if b.place == "朔州市"}
    assert kinds == {
        ("all", 30, 60 * YI),
        ("signed", 10, 20 * YI),
        ("started", 10, 25 * YI),
        ("in_production", 9, 12 * YI),
    }
    assert {b.date for b in ex.batches} == {"2025-03-06"}
    assert len(ex.warnings) == 2
    assert any("counts" in w and "29" in w for w in ex.warnings)
    assert ex.projects == ()
    assert {f.kind for f in ex.facts} == {"spend_to_date", "credit", "subsidy"}


def test_html_and_script_are_ignored() -> None:
    text = fixture("html_script.html")
    ex = extract(text)
    assert [p.investment_cny for p in ex.projects] == [850_000_000]
    (project,) = ex.projects
    assert project.zone_name == "运城经济技术开发区"
    assert "99" not in project.investment_text
    assert all("script" not in p.name and "<" not in p.name for p in ex.projects)
    assert text[slice(*project.amount_span)] == "8.5亿元"


def test_other_province_keeps_its_prefix() -> None:
    ex = extract(fixture("other_province.txt"))
    by_amount = {p.investment_cny: p for p in ex.projects}
    assert by_amount[50 * YI].zone_name == "苏州工业园区"
    assert by_amount[50 * YI].place_name is None
    assert by_amount[6 * YI].zone_name == "山西转型综改示范区"
    assert {z.place_prefix for z in ex.zones} == {"苏州", "合肥", "山西"}
    (batch,) = ex.batches
    assert (batch.scope, batch.place, batch.projects) == ("zone", "合肥高新区", 12)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n\n",
        "😀🏭" * 2000,
        "<script>总投资5亿元的假项目</script>",
        "<<<>>>&&&;;;" * 100,
        "开发区" * 20000,
        "总投资亿元的项目" * 100,
        "1" * 5000 + "亿元",
        "年产值" * 1000 + "5亿元",
        "\u200b\ufeff\u3000" * 100,
        "山西" + "，" * 3000,
    ],
)
def test_never_raises(text: str) -> None:
    ex = extract(text)
    assert isinstance(ex, Extraction)
    assert all("假项目" not in p.name for p in ex.projects)


# --------------------------------------------------------------------------- seeds

seeds = pytest.mark.skipif(not SEEDS.is_dir(), reason="seed articles not available")


def seed(prefix: str) -> Extraction:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return extract(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def all_seeds() -> dict[str, Extraction]:
    return {p: seed(p) for p in ("000", "001", "002", "003", "004")}


# (seed, investment in 亿元, name contains, zone_key of the zone or None, place or None)
SEED_PROJECTS = [
    ("000", "7.5", "新材料产业园", None, None),
    ("000", "1.26", "东方云华储能", "太谷经开区", None),
    ("000", "7", "智维锐联", "太谷经开区", None),
    ("002", "297.8", "中煤平朔煤基烯烃", "平鲁经开区", None),
    ("002", "2.6", "亚麻籽综合加工", "神池现代农业产业示范区", None),
    ("002", "36", "高性能玻璃纤维智能制造", "综改区阳曲工业园区", None),
    ("004", "9.18", "国运资本汽车零部件产业园", "综改区晋中开发区", None),
    ("004", "5.74", "太重液压卡脖子", "晋中开发区", None),
    ("004", "10", "永泰电网侧独立储能", "榆社开发区", None),
    ("004", "5", "华润和顺200MW风光互补", "和顺经开区", None),
    ("004", "2.8", "数智药食同源", "晋中农高区", None),
    ("004", "30", "安博泰克药业", None, "长治市"),
]


@seeds
@pytest.mark.parametrize("prefix, yi, name, key, place", SEED_PROJECTS)
def test_seed_projects(all_seeds, prefix, yi, name, key, place) -> None:
    from decimal import Decimal

    matches = [p for p in all_seeds[prefix].projects if name in p.name]
    assert len(matches) == 1, [p.name for p in all_seeds[prefix].projects]
    (project,) = matches
    assert project.investment_cny == int(Decimal(yi) * YI)
    assert (zone_key(project.zone_name) if project.zone_name else None) == key
    assert project.place_name == place


@seeds
def test_seed_projects_are_exactly_the_curated_ones(all_seeds) -> None:
    """Precision: no other amount in the seeds becomes a project's investment."""
    found = sorted((k, p.investment_cny) for k, ex in all_seeds.items() for p in ex.projects)
    from decimal import Decimal

    expected = sorted((s, int(Decimal(yi) * YI)) for s, yi, *_ in SEED_PROJECTS)
    assert found == expected


@seeds
def test_seed_stages_and_companies(all_seeds) -> None:
    glass = next(p for p in all_seeds["002"].projects if "玻璃纤维" in p.name)
    assert glass.stage == "in_production" and glass.capacity == "年产30万吨"
    assert glass.company == "泰山玻纤纤维有限公司"
    hainuo = next(p for p in all_seeds["000"].projects if p.name == "新材料产业园")
    assert hainuo.company == "山西海诺科技股份有限公司"


def _batch(ex: Extraction, place: str, kind: str):
    found = [b for b in ex.batches if b.place == place and b.kind == kind and b.period is None]
    assert len(found) == 1, found
    return found[0]


# (place, kind, projects, investment 亿元, output 亿元) for the 2025-02-06 round, seed 004
SEED_BATCHES = [
    ("吕梁市", "all", 40, "48.51", None),
    ("吕梁市", "signed", 13, "16.69", "11.9"),
    ("吕梁市", "started", 13, "16.13", "13.95"),
    ("吕梁市", "in_production", 14, "15.69", "13.6"),
    ("晋中市", "all", 50, "99.24", None),
    ("晋中市", "signed", 16, "36.58", None),
    ("晋中市", "started", 17, "37.57", None),
    ("晋中市", "in_production", 17, "25.09", None),
    ("长治市", "all", 55, "399", None),
    ("长治市", "signed", 27, None, None),
    ("长治市", "started", 16, None, None),
    ("长治市", "in_production", 12, None, None),
    ("晋城市", "all", 42, "80.8", "60.7"),
    ("晋城市", "signed", 12, "35.3", "43.4"),
    ("晋城市", "started", 15, "30.5", "9.9"),
    ("晋城市", "in_production", 15, "15", "7.4"),
    ("临汾市", "all", 54, "203.96", None),
    ("临汾市", "signed", 18, "99.96", None),
    ("临汾市", "started", 16, "59.01", None),
    ("临汾市", "in_production", 20, "44.99", None),
    ("运城市", "all", 87, "189.98", None),
    ("运城市", "signed", 33, "110.87", None),
    ("运城市", "started", 28, "48.95", None),
    ("运城市", "in_production", 26, "30.16", "61.17"),
]


@seeds
@pytest.mark.parametrize("place, kind, n, inv, out", SEED_BATCHES)
def test_seed_batches(all_seeds, place, kind, n, inv, out) -> None:
    from decimal import Decimal

    b = _batch(all_seeds["004"], place, kind)
    assert (b.scope, b.projects, b.date) == ("city", n, "2025-02-06")
    assert b.investment_cny == (int(Decimal(inv) * YI) if inv else None)
    assert b.output_cny == (int(Decimal(out) * YI) if out else None)


@seeds
def test_seed_batches_are_consistent_and_groups_marked(all_seeds) -> None:
    ex = all_seeds["004"]
    assert ex.warnings == ()
    cumulative = [b for b in ex.batches if b.period is not None]
    assert [(b.place, b.kind, b.projects, b.investment_cny, b.period) for b in cumulative] == [
        ("晋城市", "signed", 62, 29_750_000_000, "2024年以来")
    ]
    (county,) = all_seeds["001"].batches
    assert (county.scope, county.place, county.kind, county.projects) == (
        "county",
        "长子县",
        "started",
        21,
    )
    assert county.investment_cny == 4_822_000_000
    (zone,) = all_seeds["002"].batches
    assert (zone.scope, zone.place, zone.projects, zone.investment_cny) == (
        "zone",
        "长子经济技术开发区",
        31,
        10_316_000_000,
    )


@seeds
def test_seed_non_investment_figures(all_seeds) -> None:
    facts = {(k, f.kind, f.value_cny) for k, ex in all_seeds.items() for f in ex.facts}
    for expected in [
        ("001", "other", 1 * YI),
        ("002", "output", 700 * YI),
        ("002", "subsidy", 200_000),
        ("003", "output", 1_990_000_000),
        ("003", "output", 126_000_000),
        ("004", "annual_plan", 40 * YI),
        ("004", "credit", 510_000_000),
        ("000", "spend_to_date", 3 * YI),
    ]:
        assert expected in facts
    for ex in all_seeds.values():
        # Within each seed, no non-investment figure is also a project's or batch's investment.
        invested = {p.amount_span for p in ex.projects}
        invested |= {p.span for p in ex.batches}
        for fact in ex.facts:
            assert fact.span not in invested
        spans = [f.span for f in ex.facts if f.kind != "investment"]
        for p in ex.projects:
            assert all(p.amount_span[1] <= s or p.amount_span[0] >= e for s, e in spans)


@seeds
def test_seed_zone_mentions(all_seeds) -> None:
    names = {z.name for ex in all_seeds.values() for z in ex.zones}
    for name in [
        "晋城经济技术开发区",
        "晋城经开区",
        "长子经济技术开发区",
        "平鲁经济技术开发区",
        "太原武宿综保区",
        "长治高新区",
        "乡宁生态旅游示范区",
        "神池现代农业产业示范区",
        "晋中国农高区",
        "晋中农高区",
        "综改区晋中开发区",
        "岚县经开区",
        "和顺经开区",
        "榆社开发区",
        "临汾经济开发区",
        "洪洞经济技术开发区",
        "运城经济技术开发区",
        "阳泉高新区",
        "高平经济技术开发区",
        "太谷经开区",
        "上党经济技术开发区",
        "汾阳杏花村白酒专业镇",
        "清徐老陈醋专业镇",
        "吕梁经济技术开发区",
        "兴县经济技术开发区",
    ]:
        assert name in names
    assert not any(n.startswith(("各", "全省", "该", "吕梁市开发区")) for n in names)


@seeds
def test_seed_zones_are_in_the_gazetteer(all_seeds) -> None:
    import csv

    csv_path = Path(__file__).resolve().parents[2] / "data" / "zones.csv"
    keys = set()
    with csv_path.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            keys.update(zone_key(a) for a in [row["name"], *row["aliases"].split("|")] if a)
    missing = {
        z.name for ex in all_seeds.values() for z in ex.zones if zone_key(z.name) not in keys
    }
    assert missing == set()


@seeds
def test_seed_report(all_seeds) -> None:
    """Counts per seed (run with -s to see them)."""
    for prefix, ex in all_seeds.items():
        print(
            f"seed {prefix}: zones={len(ex.zones)}"
            f" distinct={len({zone_key(z.name) for z in ex.zones})}"
            f" projects={len(ex.projects)} batches={len(ex.batches)} facts={len(ex.facts)}"
            f" warnings={len(ex.warnings)}"
        )
