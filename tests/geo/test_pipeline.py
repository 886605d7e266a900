"""Extraction + geocoding on short articles of the genre that the seeds do not contain."""

from datetime import date

import pytest

from geo.gazetteer import Gazetteer
from geo.pipeline import process_text


@pytest.fixture(scope="module")
def gazetteer():
    return Gazetteer.from_csv()


def run(text, gazetteer):
    return process_text(text, "t.txt", gazetteer, date(2025, 4, 10))


def test_zone_unknown_to_the_gazetteer_places_its_projects(gazetteer):
    r = run("3月18日，广灵经济技术开发区总投资50亿元的氢能产业园项目开工建设。", gazetteer)
    (zone,) = r.zones
    assert zone["new"] and zone["zone_id"] is None and zone["county_adcode"] == "140223"
    (project,) = r.projects
    assert project["investment_cny"] == 5_000_000_000 and project["stage"] == "started"
    assert (project["county_adcode"], project["precision"]) == ("140223", "county")


def test_narrower_place_in_the_text_wins(gazetteer):
    r = run("在上党区，投资额达5.6亿元的现代物流园项目正在加快建设。", gazetteer)
    (project,) = r.projects
    assert project["county_adcode"] == "140404" and project["precision"] == "county"
    assert project["stage"] == "under_construction"


def test_projects_outside_shanxi_are_never_placed(gazetteer):
    r = run("郑州经开区总投资20亿元的汽车零部件项目签约落户。", gazetteer)
    (project,) = r.projects
    assert project["lon"] is None and project["precision"] is None
    assert "郑州" in project["unplaced_reason"]


def test_zone_scope_batch_of_a_new_zone_is_placed(gazetteer):
    r = run(
        "3月18日，灵丘经济技术开发区举行“三个一批”重点项目集中签约仪式，共签约项目15个，"
        "总投资86.5亿元。",
        gazetteer,
    )
    batches = [b for b in r.batches if b["kind"] == "signed"]
    assert batches and batches[0]["adcode"] == "140224" and batches[0]["zone_id"] is None
    assert batches[0]["period_type"] == "round" and batches[0]["round_date"]


def test_non_investment_figures_stay_facts(gazetteer):
    r = run(
        "阳泉经开区今年计划投资30亿元，累计完成投资12亿元，为企业协调授信5亿元，"
        "总投资3亿元的传感器项目预计年产值10亿元。",
        gazetteer,
    )
    assert [p["investment_cny"] for p in r.projects] == [300_000_000]
    kinds = {f["kind"] for f in r.facts}
    assert {"annual_plan", "spend_to_date", "credit", "output"} <= kinds


def test_traditional_text_gives_the_same_records(gazetteer):
    simplified = run("晋城经济技术开发区总投资15亿元的光电产业园项目正式投产。", gazetteer)
    traditional = run("晉城經濟技術開發區總投資15億元的光電產業園項目正式投產。", gazetteer)
    assert simplified.projects == traditional.projects
    assert simplified.projects[0]["zone_id"] == "jincheng-etdz"


def test_short_zone_names_match_the_one_zone_of_their_place(gazetteer):
    assert gazetteer.match("侯马开发区").zone_id == "houma-econ-dev"
    assert gazetteer.match("洪洞开发区").zone_id == "hongtong-etdz"
    assert gazetteer.match("某某开发区") is None


def test_contract_fields_of_the_figure_model(gazetteer):
    r = run(
        "3月6日，平遥县举行“三个一批”活动，集中签约项目6个，总投资18亿元，其中，总投资5亿元的"
        "牛肉深加工项目落户平遥经济技术开发区。全县累计完成投资7亿元。",
        gazetteer,
    )
    (batch,) = r.batches
    assert {
        "kind",
        "scope",
        "place",
        "adcode",
        "zone_id",
        "projects",
        "investment_cny",
        "output_cny",
        "period_type",
        "period_start",
        "period_end",
        "round_date",
        "period_label",
        "place_method",
        "precision",
        "evidence",
        "span",
        "count_span",
        "amount_span",
        "unplaced_reason",
    } <= set(batch)
    assert batch["period_type"] == "round" and batch["precision"] == "county"
    (project,) = r.projects
    assert {"place_method", "geocode_method", "evidence"} <= set(project)
    assert {f["kind"] for f in r.facts} <= {
        "output",
        "tax",
        "credit",
        "subsidy",
        "annual_plan",
        "spend_to_date",
        "percentage",
        "other",
        "investment",
    }
    assert all({"kind", "value_cny", "text", "span", "evidence"} <= set(f) for f in r.facts)


def test_extraction_does_not_import_geopandas():
    """The extractor needs names and seats only: no geometry library at import or run time."""
    import subprocess
    import sys

    code = (
        "import sys; from geo.pipeline import process_text; from geo.gazetteer import Gazetteer;"
        "r = process_text('总投资3亿元的轴承项目落户灵石县。', 'x', Gazetteer.from_csv());"
        "assert r.projects[0]['county_adcode'] == '140729';"
        "print(sorted(m for m in ('geopandas', 'pandas', 'shapely') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
