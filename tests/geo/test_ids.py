"""Record ids: unique across files whose names share a prefix, stable across rebuilds.

A mention is its document and span; a canonical record's id derives from its merge key
(``geo.store.merge``), so the same project reported by two files is one feature with two
sources, and two different projects never share an id whatever their files are called.
"""

from __future__ import annotations

import shutil

from geo import runner
from geo.dataset import DATA_DIR, load_dataset
from geo.features import build_collections
from geo.store import merge

ARTICLE = (
    "本报讯 2月6日，晋城经济技术开发区举行项目集中签约仪式。"
    "总投资36亿元的{name}签约落地。\n"
    "2月6日，吕梁市举行2025年第一次“三个一批”活动，“签约一批”项目共13个，签约投资16.69亿元。\n"
)


def build(tmp_path, folder_name: str, names=("光电产业园项目", "光电产业园项目")):
    articles = tmp_path / f"articles-{folder_name}"
    articles.mkdir()
    for file, project in zip(("2025_a.txt", "2025_b.txt"), names, strict=True):
        (articles / file).write_text(ARTICLE.format(name=project), encoding="utf-8")
    data = tmp_path / folder_name
    data.mkdir()
    for name in ("zones.csv", "sources.csv", "overrides.csv"):
        shutil.copy(DATA_DIR / name, data / name)
    runner.extract_paths(runner.expand_paths([str(articles)]), dataset_dir=data)
    return load_dataset(data)


def test_one_project_reported_by_two_files_is_one_feature_with_two_sources(tmp_path):
    dataset = build(tmp_path, "one")
    projects, batches = dataset.projects, dataset.batches
    assert len(projects) == 1 and projects.iloc[0]["doc_ids"] == "2025_a.txt|2025_b.txt"
    assert len(batches) == 1 and batches.iloc[0]["reports"] == 2
    collections = build_collections(dataset)
    for cid in ("projects", "batches"):
        features = collections[cid].features
        assert len({f.id for f in features}) == len(features) == 1


def test_files_sharing_a_prefix_never_share_an_id(tmp_path):
    dataset = build(tmp_path, "two", names=("光电产业园项目", "储能电站项目"))
    assert len(dataset.projects) == 2 and dataset.projects["project_id"].is_unique
    ids = [f.id for f in build_collections(dataset)["projects"].features]
    assert len(set(ids)) == 2


def test_ids_are_stable_across_rebuilds_and_url_safe(tmp_path):
    first, second = build(tmp_path, "one"), build(tmp_path, "again")
    assert list(first.projects["project_id"]) == list(second.projects["project_id"])
    assert list(first.batches["batch_id"]) == list(second.batches["batch_id"])
    for pid in [*first.projects["project_id"], *first.batches["batch_id"]]:
        assert pid.isascii() and pid.isalnum()


def test_ids_derive_from_the_merge_key_not_the_file_name():
    row = {"name": "光电产业园项目", "county_adcode": "140581", "doc_id": "新闻 稿/1.txt"}
    key = merge.project_merge_key(row)
    assert merge.assign_projects(key, [row]) == merge.assign_projects(key, [{**row, "doc_id": "x"}])
