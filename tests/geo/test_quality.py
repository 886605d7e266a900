"""Extraction quality over the seeds against the curated dataset, and its reproducibility.

The curated tables are the raw extraction plus the reviewed corrections in
``data/overrides.csv``. These tests print precision and recall of the raw extractor and
hold it to the bar: every curated amount recovered with the right place, no curated fact
in a wrong unit, no non-investment figure recorded as investment.
"""

import shutil
from pathlib import Path

import pytest

from geo import runner
from geo.dataset import DATA_DIR, load_dataset

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
CORPUS = SEEDS.parent / "corpus"
pytestmark = pytest.mark.skipif(not SEEDS.exists(), reason="shared seeds not beside the repo")
NOT_INVESTMENT = ("年产值", "产值", "授信", "计划投资", "累计完成", "营收", "奖励", "补助", "利税")


@pytest.fixture(scope="module")
def raw():
    """Raw extraction (no overrides) of every seed, as pipeline results."""
    paths = runner.expand_paths([str(SEEDS)])
    payload = runner.extract_paths(paths)
    return {Path(d["source"]).name: d for d in payload["documents"]}


@pytest.fixture(scope="module")
def curated():
    """The curated tables, restricted to the seeds (data/ also holds the corpus articles)."""
    data = load_dataset()
    seeds = {p.name for p in SEEDS.glob("*.txt")}
    projects = data.projects[data.projects["doc_id"].isin(seeds)]
    batches = data.batches[data.batches["doc_id"].isin(seeds)]
    return type(data)(data.sources, data.zones, projects, batches)


def _report(name, found, expected):
    hit = len(found & expected)
    precision = hit / len(found) if found else 1.0
    recall = hit / len(expected) if expected else 1.0
    print(
        f"\n{name}: precision {precision:.2f} ({hit}/{len(found)}), "
        f"recall {recall:.2f} ({hit}/{len(expected)})"
    )
    return precision, recall


def test_project_amounts_recovered_with_the_right_place(raw, curated):
    found = {
        (doc, p["investment_cny"], p["county_adcode"] or p["city_adcode"])
        for doc, d in raw.items()
        for p in d["projects"]
        if p["investment_cny"]
    }
    expected = {
        (r.doc_id, r.investment_cny, r.county_adcode or r.city_adcode)
        for r in curated.projects.itertuples()
        if r.investment_cny
    }
    assert expected, "the curated dataset has no project amounts"
    _, recall = _report("(project, amount, place)", found, expected)
    assert recall == 1.0


def test_no_curated_fact_in_a_wrong_unit(curated):
    import boundaries

    for r in curated.projects.itertuples():
        if r.county_adcode:
            assert boundaries.unit(r.county_adcode).parent_adcode == r.city_adcode, r.project_id
    zones = curated.zones.set_index("zone_id")
    for r in curated.projects.itertuples():
        if r.zone_id and r.city_adcode and zones.loc[r.zone_id, "city_adcode"]:
            assert zones.loc[r.zone_id, "city_adcode"] == r.city_adcode, r.project_id


def test_no_non_investment_figure_is_investment(raw):
    text_of = {p.name: p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")}
    for doc, d in raw.items():
        for p in d["projects"]:
            start, _ = p["amount_span"]
            before = text_of[doc][max(0, start - 12) : start].replace("\n", "").replace(" ", "")
            assert "投资" in before, (doc, p["name"], before)
            assert not any(word in before[-8:] for word in NOT_INVESTMENT), (doc, p["name"], before)


def test_batch_figures(raw, curated):
    found = {
        (doc, b["adcode"], b["kind"], b["projects"], b["investment_cny"])
        for doc, d in raw.items()
        for b in [*d["batches"], *d["groups"]]  # the curated table keeps every figure
    }
    expected = {
        (r.doc_id, r.adcode, r.kind, r.projects, r.investment_cny)
        for r in curated.batches.itertuples()
    }
    _, recall = _report("batch figures", found, expected)
    assert recall == 1.0


def test_zone_links(raw, curated):
    found = {z["zone_id"] for d in raw.values() for z in d["zones"] if z["zone_id"]}
    from_seeds = curated.zones["note"].fillna("").str.contains("seed")
    expected = set(curated.zones.loc[from_seeds, "zone_id"])
    _report("zones named in the seeds", found, expected)
    assert found <= expected
    assert len(found) >= 0.9 * len(expected)


@pytest.mark.skipif(not CORPUS.exists(), reason="shared corpus not beside the repo")
def test_regenerating_reproduces_the_committed_tables(tmp_path):
    """data/ is the extraction of the seeds and the corpus, plus the reviewed overrides."""
    shutil.copy(DATA_DIR / "overrides.csv", tmp_path / "overrides.csv")
    runner.extract_paths(runner.expand_paths([str(SEEDS), str(CORPUS)]), dataset_dir=tmp_path)
    for name in ("projects.csv", "batches.csv"):
        assert (tmp_path / name).read_bytes() == (DATA_DIR / name).read_bytes(), name
