"""Curated tables: overrides applied visibly, files written all-or-nothing."""

import pytest

from geo import curate
from geo.errors import AtlasError

HEADER = "action,table,doc_id,span_start,field,value,reason\n"


def rows():
    return [
        {"doc_id": "a.txt", "span_start": 10, "name": "X项目", "stage": "signed"},
        {"doc_id": "a.txt", "span_start": 50, "name": "Y项目", "stage": None},
    ]


def test_set_and_drop(tmp_path):
    path = tmp_path / "overrides.csv"
    path.write_text(
        HEADER
        + "set,projects,a.txt,10,stage,started,article says 开工\n"
        + "drop,projects,a.txt,50,,,not a project\n",
        encoding="utf-8",
    )
    result = curate.apply_overrides("projects", rows(), curate.read_overrides(path))
    assert result == [{"doc_id": "a.txt", "span_start": 10, "name": "X项目", "stage": "started"}]


@pytest.mark.parametrize(
    "line",
    [
        "set,projects,a.txt,10,stage,started,\n",  # no reason
        "rename,projects,a.txt,10,stage,started,why\n",  # unknown action
        "set,zones,a.txt,10,stage,started,why\n",  # unknown table
    ],
)
def test_bad_overrides_are_rejected(tmp_path, line):
    path = tmp_path / "overrides.csv"
    path.write_text(HEADER + line, encoding="utf-8")
    with pytest.raises(AtlasError):
        curate.read_overrides(path)


def test_override_matching_nothing_is_an_error(tmp_path):
    path = tmp_path / "overrides.csv"
    path.write_text(HEADER + "drop,projects,a.txt,999,,,gone\n", encoding="utf-8")
    with pytest.raises(AtlasError, match="matches no extracted record"):
        curate.apply_overrides("projects", rows(), curate.read_overrides(path))


def test_csv_text_writes_nulls_as_empty():
    text = curate.csv_text([{"a": None, "b": 3}], ["a", "b"])
    assert text == "a,b\n,3\n"


def test_write_file_leaves_nothing_on_failure(tmp_path):
    good = tmp_path / "one.json"
    good.write_text("old", encoding="utf-8")
    with pytest.raises(OSError):
        curate.write_file(tmp_path / "nope" / "two.json", b"x")
    curate.write_file(good, b"new")
    assert good.read_text(encoding="utf-8") == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["one.json"]
