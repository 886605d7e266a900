"""Record ids: unique across files whose names share a prefix, stable across rebuilds."""

from __future__ import annotations

import shutil

from geo import curate, runner
from geo.dataset import DATA_DIR, load_dataset
from geo.features import build_collections

ARTICLE = (
    "本报讯 2月6日，晋城经济技术开发区举行项目集中签约仪式。"
    "总投资36亿元的光电产业园项目签约落地。\n"
    "2月6日，吕梁市举行2025年第一次“三个一批”活动，“签约一批”项目共13个，签约投资16.69亿元。\n"
)


def build(tmp_path, folder_name: str):
    articles = tmp_path / "articles"
    articles.mkdir(exist_ok=True)
    for name in ("2025_a.txt", "2025_b.txt"):
        (articles / name).write_text(ARTICLE, encoding="utf-8")
    data = tmp_path / folder_name
    data.mkdir()
    for name in ("zones.csv", "sources.csv", "overrides.csv"):
        shutil.copy(DATA_DIR / name, data / name)
    runner.extract_paths(runner.expand_paths([str(articles)]), dataset_dir=data)
    return load_dataset(data)


def test_files_sharing_a_prefix_get_distinct_ids(tmp_path):
    dataset = build(tmp_path, "one")
    projects, batches = dataset.projects, dataset.batches
    assert len(projects) == 2 and projects["project_id"].is_unique
    assert len(batches) == 2 and batches["batch_id"].is_unique
    collections = build_collections(dataset)
    for cid in ("projects", "batches"):
        features = collections[cid].features
        assert len({f.id for f in features}) == len(features) == 2


def test_ids_are_stable_across_rebuilds(tmp_path):
    first, second = build(tmp_path, "one"), build(tmp_path, "two")
    assert list(first.projects["project_id"]) == list(second.projects["project_id"])
    assert list(first.batches["batch_id"]) == list(second.batches["batch_id"])
    assert sorted(first.projects["project_id"])[0].startswith("2025_a.txt-p")


def test_unsafe_doc_ids_are_hashed_into_url_safe_ids():
    assert curate.project_id("2025_a.txt", 10) == "2025_a.txt-p10"
    hashed = curate.project_id("新闻 稿/1.txt", 10)
    assert hashed.startswith("d") and hashed.endswith("-p10") and hashed.isascii()
    assert hashed == curate.project_id("新闻 稿/1.txt", 10)
    assert hashed != curate.project_id("新闻 稿/2.txt", 10)
    assert curate.batch_id("x.txt", 5, "signed") == "x.txt-b5-signed"
