"""Bad input to ``sxmap``: one clear line on stderr, a non-zero exit, never a traceback,
a hang or unbounded memory. Data files are checked when written and when loaded."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from geo.dataset import DATA_DIR, load_dataset
from geo.tables import DataError
from webmap.cli import main

ARTICLE = (
    "本报讯 2月6日，晋城经济技术开发区举行项目集中签约仪式。"
    "总投资36亿元的光电产业园项目签约落地，预计年产值50亿元。\n"
)


def cli(*args, timeout=60, **kwargs):
    """``sxmap`` in a subprocess (a hang or a memory blow-up must not take the suite down)."""
    proc = subprocess.run(
        [sys.executable, "-m", "webmap.cli", *map(str, args)],
        capture_output=True,
        timeout=timeout,
        **kwargs,
    )
    proc.err = proc.stderr.decode("utf-8")
    return proc


def one_line_error(proc, *needles, code=2):
    assert proc.returncode == code, (proc.returncode, proc.err)
    assert "Traceback" not in proc.err
    lines = [line for line in proc.err.splitlines() if line]
    assert lines and all(line.startswith("sxmap: error: ") for line in lines), proc.err
    for needle in needles:
        assert needle in proc.err, (needle, proc.err)


@pytest.fixture
def article(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


@pytest.fixture
def dataset(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    for name in ("zones.csv", "sources.csv", "overrides.csv"):
        shutil.copy(DATA_DIR / name, data / name)
    return data


# ---------------------------------------------------------------- files that are not files


def test_symlink_to_dev_zero_is_refused_unread(tmp_path):
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")
    proc = cli("extract", link, timeout=30)
    one_line_error(proc, "zero.txt", "not a regular file (a character device)", code=1)
    assert json.loads(proc.stdout)["documents"][0]["error"].startswith("not a regular file")


def test_fifo_alone_is_refused_without_waiting(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    proc = cli("extract", fifo, timeout=30)
    one_line_error(proc, "pipe.txt", "a FIFO", code=1)


def test_fifo_in_a_folder_is_refused_and_the_rest_extracted(tmp_path, article):
    os.mkfifo(tmp_path / "pipe.txt")
    proc = cli("extract", tmp_path, "--reference-date", "2025-02-10", timeout=30)
    one_line_error(proc, "pipe.txt", "a FIFO", code=1)
    docs = {Path(d["source"]).name: d for d in json.loads(proc.stdout)["documents"]}
    assert docs["a.txt"]["projects"] and "error" in docs["pipe.txt"]


def test_a_folder_named_txt_is_refused(tmp_path, article):
    (tmp_path / "dir.txt").mkdir()
    proc = cli("extract", tmp_path, timeout=30)
    one_line_error(proc, "dir.txt", "a folder", code=1)


def test_oversized_file_is_refused_before_reading(tmp_path):
    big = tmp_path / "big.txt"
    with big.open("wb") as f:
        f.truncate(11 * 2**20)  # sparse: 11 MB of size, nothing on disk
    proc = cli("extract", big, timeout=30)
    one_line_error(proc, "big.txt", "over the 10 MB limit", code=1)


# ---------------------------------------------------------------- names that are not UTF-8


@pytest.fixture
def latin1_article(tmp_path):
    name = os.fsdecode(b"caf\xe9_\xff.txt")
    path = tmp_path / "arts" / name
    path.parent.mkdir()
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def test_non_utf8_name_in_json_output(latin1_article):
    proc = cli("extract", latin1_article, "--reference-date", "2025-02-10")
    assert proc.returncode == 0, proc.err
    doc = json.loads(proc.stdout.decode("utf-8"))["documents"][0]
    assert doc["source"].endswith("caf\\xe9_\\xff.txt") and doc["projects"]


def test_non_utf8_name_with_output_and_dataset(tmp_path, latin1_article, dataset):
    out = tmp_path / os.fsdecode(b"out_\xfe.json")
    proc = cli(
        "extract", latin1_article, "--output", out, "--dataset", dataset,
        "--reference-date", "2025-02-10",
    )  # fmt: skip
    assert proc.returncode == 0, proc.err
    assert json.loads(out.read_text(encoding="utf-8"))["documents"][0]["projects"]
    projects = load_dataset(dataset).projects
    assert list(projects["doc_id"]) == ["caf\\xe9_\\xff.txt"]
    assert projects["project_id"].iloc[0].isascii()  # a hash: the name is not URL-safe


def test_error_messages_with_non_utf8_names(tmp_path):
    missing = tmp_path / os.fsdecode(b"gone_\xff.txt")
    proc = cli("extract", missing)
    one_line_error(proc, "gone_\\xff.txt", "no such file")


# ---------------------------------------------------------------- overrides and sources


@pytest.mark.parametrize(
    ("content", "needles"),
    [
        (b"action,table,doc_id\nset,projects,a.txt\n", ["overrides.csv", "header must be"]),
        (
            b"action,table,doc_id,span_start,field,value,reason\n"
            b"set,projects,a.txt,abc,stage,started,why\n",
            ["overrides.csv", "row 1 (line 2)", "column 'span_start'", "'abc'"],
        ),
        (
            b"action,table,doc_id,span_start,field,value,reason\nset,projects,\xff\xfe,1,,,x\n",
            ["overrides.csv", "not UTF-8", "line 2"],
        ),
        (
            b"action,table,doc_id,span_start,field,value,reason\n"
            b"set,projects,a.txt,10,investment_cny,lots,reviewed\n",
            ["overrides.csv", "row 1 (line 2)", "column 'value'", "'lots'", "investment_cny"],
        ),
        (
            b"action,table,doc_id,span_start,field,value,reason\n"
            b"set,projects,a.txt,10,project_id,x,reviewed\n",
            ["overrides.csv", "column 'field'", "'project_id'"],
        ),
        (
            b'action,table,doc_id,span_start,field,value,reason\nset,projects,"a.txt,1\n',
            ["overrides.csv", "malformed CSV"],
        ),
    ],
)
def test_malformed_overrides_name_file_row_and_column(article, dataset, content, needles):
    (dataset / "overrides.csv").write_bytes(content)
    before = sorted(p.name for p in dataset.iterdir())
    proc = cli("extract", article, "--dataset", dataset, "--reference-date", "2025-02-10")
    one_line_error(proc, *needles)
    assert sorted(p.name for p in dataset.iterdir()) == before  # nothing written


@pytest.mark.parametrize(
    ("content", "needles"),
    [
        (
            b"doc_id,title,published\na.txt,t,2025-13-01\n",
            ["sources.csv", "row 1 (line 2)", "column 'published'", "'2025-13-01'"],
        ),
        (b"name,published\na.txt,2025-01-01\n", ["sources.csv", "no doc_id column"]),
        (b"doc_id,published\n\xff.txt,2025-01-01\n", ["sources.csv", "not UTF-8", "line 2"]),
    ],
)
def test_malformed_sources_name_file_row_and_column(tmp_path, article, content, needles):
    sources = tmp_path / "sources.csv"
    sources.write_bytes(content)
    one_line_error(cli("extract", article, "--sources", sources), *needles)


def test_missing_sources_file_exits_2(article):
    one_line_error(cli("extract", article, "--sources", "/nonexistent.csv"), "/nonexistent.csv")


def test_override_with_a_bad_value_is_refused_and_the_server_still_starts(article, dataset):
    proc = cli("extract", article, "--dataset", dataset, "--reference-date", "2025-02-10")
    assert proc.returncode == 0, proc.err
    start = load_dataset(dataset).projects["span_start"].iloc[0]
    (dataset / "overrides.csv").write_text(
        "action,table,doc_id,span_start,field,value,reason\n"
        f"set,projects,a.txt,{start},investment_cny,lots,reviewed\n",
        encoding="utf-8",
    )
    one_line_error(
        cli("extract", article, "--dataset", dataset, "--reference-date", "2025-02-10"),
        "investment_cny",
        "'lots'",
    )
    load_dataset(dataset)  # the dataset on disk is still valid


def test_a_good_override_is_applied(article, dataset):
    assert (
        cli("extract", article, "--dataset", dataset, "--reference-date", "2025-02-10").returncode
        == 0
    )
    start = load_dataset(dataset).projects["span_start"].iloc[0]
    (dataset / "overrides.csv").write_text(
        "action,table,doc_id,span_start,field,value,reason\n"
        f"set,projects,a.txt,{start},investment_cny,3700000000,reviewed\n",
        encoding="utf-8",
    )
    assert (
        cli("extract", article, "--dataset", dataset, "--reference-date", "2025-02-10").returncode
        == 0
    )
    assert load_dataset(dataset).projects["investment_cny"].iloc[0] == 3_700_000_000


# ---------------------------------------------------------------- data files at load


def _dataset_with(tmp_path, table: str, column: str, value: str, row=0, source=None) -> Path:
    data = tmp_path / "bad"
    if source is None:
        shutil.copytree(DATA_DIR, data)
    with (data / table).open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    rows[row][column] = value
    with (data / table).open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return data


@pytest.mark.parametrize(
    ("table", "column", "value", "message"),
    [
        ("zones.csv", "type", "theme_park", "is not one of etdz"),
        ("zones.csv", "city_adcode", "990000", "not a Shanxi unit"),
        ("zones.csv", "zone_id", "bad id/../x", "not a zone id"),
        ("projects.csv", "investment_cny", "lots", "not a whole number"),
        ("projects.csv", "lat", "nan", "not a decimal number"),
        ("projects.csv", "date", "2025-02-30", "not a YYYY, YYYY-MM or YYYY-MM-DD date"),
        ("projects.csv", "name", "bad\x00name", "control character"),
        ("batches.csv", "kind", "some", "is not one of signed"),
        ("sources.csv", "reference_date", "soon", "not a YYYY-MM-DD date"),
    ],
)
def test_bad_values_are_refused_at_load(tmp_path, table, column, value, message):
    data = _dataset_with(tmp_path, table, column, value, row=1)
    with pytest.raises(DataError) as info:
        load_dataset(data)
    text = str(info.value)
    assert text.startswith(f"{table}: row 2 (line 3), column {column!r}") and message in text


def test_duplicate_records_are_refused_at_load(tmp_path):
    """A mention is its document and span: a second row with both is refused."""
    with (DATA_DIR / "projects.csv").open(encoding="utf-8") as f:
        first = next(csv.DictReader(f))
    data = _dataset_with(tmp_path, "projects.csv", "doc_id", first["doc_id"], row=1)
    data = _dataset_with(
        tmp_path, "projects.csv", "span_start", first["span_start"], row=1, source=data
    )
    with pytest.raises(DataError, match="repeats row 1"):
        load_dataset(data)


def test_invalid_utf8_data_file_is_refused_at_load(tmp_path):
    data = tmp_path / "bad"
    shutil.copytree(DATA_DIR, data)
    (data / "zones.csv").write_bytes((DATA_DIR / "zones.csv").read_bytes() + b"x,\xff\n")
    with pytest.raises(DataError, match=r"zones.csv: not UTF-8 text \(byte 0xff"):
        load_dataset(data)


def test_server_with_bad_data_exits_with_one_line(tmp_path):
    data = _dataset_with(tmp_path, "zones.csv", "type", "theme_park", row=1)
    proc = cli("serve", "--port", "1", env={**os.environ, "ATLAS_DATA_DIR": str(data)})
    one_line_error(proc, "zones.csv: row 2 (line 3), column 'type'")


def test_main_catches_everything_in_one_line(capsys, monkeypatch, article):
    from geo import runner

    def boom(*args, **kwargs):
        raise RuntimeError("unexpected")

    monkeypatch.setattr(runner, "extract_paths", boom)
    assert main(["extract", str(article)]) == 70
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error (RuntimeError: unexpected)" in err
