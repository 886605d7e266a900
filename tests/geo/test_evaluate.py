"""``sxmap evaluate``: the scoring rules on small cases, and the ratchet on the corpus and seeds.

The ratchet (``evaluation_ratchet.json``) holds the scores last measured: a change that makes
extraction worse on the real corpus or on the seeds fails here. Raise the values when extraction
improves; never lower them. ``gold_corrections.json`` holds our expectation where we believe the
gold is wrong, each with its reason; both scores are reported and held.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geo import evaluate
from geo.gazetteer import Gazetteer

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[2] / "shared"
CORPUS = SHARED / "corpus"
SEEDS = SHARED / "seeds"
RATCHET = json.loads((HERE / "evaluation_ratchet.json").read_text(encoding="utf-8"))
CORRECTIONS = HERE / "gold_corrections.json"
SEEDS_GOLD = HERE / "seeds_gold.json"


@pytest.fixture(scope="module")
def gazetteer():
    return Gazetteer.from_csv()


def test_same_amount_tolerance():
    assert evaluate.same_amount(100_000_000, 100_400_000)  # 0.4 %
    assert not evaluate.same_amount(100_000_000, 101_000_000)
    assert evaluate.same_amount(50_000, 59_000)  # within 1 万元
    assert not evaluate.same_amount(None, 1)


def _doc(**extra):
    return {"file": "x.txt", "zones": [], "projects": [], "city_batches": [], **extra}


def test_project_found_unplaced_misplaced_missed(gazetteer):
    doc = _doc(
        projects=[
            {"name": "A项目", "investment_yi_yuan": 2, "city": "太原市", "county_adcode": None},
            {"name": "B项目", "investment_yi_yuan": 3, "city": "太原市", "county_adcode": None},
            {"name": "C项目", "investment_yi_yuan": 4, "city": "大同市", "county_adcode": None},
            {"name": "D项目", "investment_yi_yuan": 5, "city": None, "county_adcode": None},
        ]
    )
    record = {
        "projects": [
            {"name": "A", "investment_cny": 200_000_000, "city_adcode": "140100"},
            {"name": "B", "investment_cny": 300_000_000, "city_adcode": None},
            {"name": "C", "investment_cny": 400_000_000, "city_adcode": "140100"},
            {"name": "E", "investment_cny": 900_000_000, "city_adcode": "140100"},
        ],
        "batches": [],
    }
    score = evaluate.score_article(doc, record, gazetteer)
    assert score.projects == {"gold": 4, "placed": 1, "unplaced": 1, "misplaced": 1, "missed": 1}
    assert score.spurious == 1 and score.extracted == 4


def test_aggregate_needs_kind_place_and_value(gazetteer):
    doc = _doc(
        city_batches=[
            {
                "scope": "city",
                "city": "长治市",
                "county": None,
                "zone": None,
                "batch": "签约",
                "projects": 26,
                "investment_yi_yuan": 92.63,
            },
        ]
    )
    good = {
        "scope": "city",
        "adcode": "140400",
        "kind": "signed",
        "projects": 26,
        "investment_cny": 9_263_000_000,
    }
    record = {"projects": [], "batches": [good]}
    score = evaluate.score_article(doc, record, gazetteer)
    assert score.aggregates == {"gold": 2, "found": 2, "missed": 0} and score.spurious == 0
    wrong_place = {**good, "scope": "province", "adcode": "140000"}
    score = evaluate.score_article(doc, {"projects": [], "batches": [wrong_place]}, gazetteer)
    assert score.aggregates["found"] == 0 and score.spurious == 2
    wrong_kind = {**good, "kind": "started", "projects": None}
    score = evaluate.score_article(doc, {"projects": [], "batches": [wrong_kind]}, gazetteer)
    assert score.aggregates["found"] == 0 and score.spurious == 1


def test_zone_figure_accepts_the_zone_or_its_county(gazetteer):
    doc = _doc(
        zones=[
            {
                "name": "阳城经开区",
                "canonical": "阳城经济技术开发区",
                "city": "晋城市",
                "county": "阳城县",
                "adcode": "140522",
            }
        ],
        city_batches=[
            {
                "scope": "zone",
                "city": "晋城市",
                "county": "阳城县",
                "zone": "阳城经开区",
                "batch": "开工",
                "projects": 7,
                "investment_yi_yuan": None,
            },
        ],
    )
    for record in (
        {"scope": "zone", "place": "阳城经济技术开发区", "adcode": "140522", "kind": "started"},
        {"scope": "county", "place": "阳城县", "adcode": "140522", "kind": "started"},
    ):
        score = evaluate.score_article(doc, {"batches": [{**record, "projects": 7}]}, gazetteer)
        assert score.aggregates["found"] == 1, record
    city = {"scope": "city", "adcode": "140500", "kind": "started", "projects": 7}
    assert evaluate.score_article(doc, {"batches": [city]}, gazetteer).aggregates["found"] == 0


def test_leakage_counts_non_shanxi_records_placed_in_shanxi(gazetteer):
    doc = _doc(non_shanxi=["大同区"])
    record = {
        "projects": [],
        "batches": [{"scope": "county", "place": "大同区", "adcode": "140200", "kind": "all"}],
    }
    assert evaluate.score_article(doc, record, gazetteer).leakage == 1


def test_corrections_need_reasons_and_match_one_row():
    gold = [_doc(city_batches=[{"batch": "签约", "projects": 1}])]
    with pytest.raises(ValueError, match="reason"):
        evaluate.apply_corrections(
            gold, [{"file": "x.txt", "section": "city_batches", "action": "add", "row": {}}]
        )
    fixed = evaluate.apply_corrections(
        gold,
        [
            {
                "file": "x.txt",
                "section": "city_batches",
                "action": "remove",
                "match": {"projects": 1},
                "reason": "r",
            }
        ],
    )
    assert fixed[0]["city_batches"] == [] and gold[0]["city_batches"]
    every = json.loads(CORRECTIONS.read_text(encoding="utf-8"))
    assert all(c.get("reason") for c in every)


def _hold(summary: dict, floor: dict, label: str) -> None:
    got = {
        "project_placed_min": summary["project_amounts"]["placed"],
        "aggregate_found_min": summary["aggregate_figures"]["found"],
        "spurious_max": summary["spurious"],
        "misplaced_max": summary["misplaced"],
        "non_shanxi_max": summary["non_shanxi_placed"],
    }
    print(f"\n{label}: {evaluate.summary_line(summary)}")
    for key, bound in floor.items():
        if key.endswith("_min"):
            assert got[key] >= bound, (label, key, got[key], bound)
        else:
            assert got[key] <= bound, (label, key, got[key], bound)


@pytest.mark.skipif(not CORPUS.exists(), reason="shared corpus not beside the repo")
def test_corpus_ratchet(gazetteer):
    result = evaluate.run(CORPUS / "gold.json", None, CORRECTIONS, gazetteer)
    _hold(result["as_gold"], RATCHET["corpus"]["as_gold"], "corpus as gold")
    _hold(result["corrected"], RATCHET["corpus"]["corrected"], "corpus corrected")


@pytest.mark.skipif(not SEEDS.exists(), reason="shared seeds not beside the repo")
def test_seeds_ratchet(gazetteer):
    result = evaluate.run(SEEDS_GOLD, [SEEDS], None, gazetteer)
    _hold(result["as_gold"], RATCHET["seeds"]["as_gold"], "seeds")


@pytest.mark.skipif(not SEEDS.exists(), reason="shared seeds not beside the repo")
def test_cli_json(capsys):
    from webmap.cli import main

    assert main(["evaluate", str(SEEDS_GOLD), str(SEEDS), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["as_gold"]["project_amounts"]["gold"] == 12
    assert {"file", "project_amounts", "aggregate_figures", "spurious"} <= set(out["articles"][0])
