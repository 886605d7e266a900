"""``sxmap extract``: the JSON contract, and bad input answered without tracebacks."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from webmap.cli import main

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
ARTICLE = (
    "本报讯 2月6日，晋城经济技术开发区举行项目集中签约仪式。"
    "总投资36亿元的光电产业园项目签约落地，预计年产值50亿元。\n"
)


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def article(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def test_contract_shape(capsys, article):
    code, out, _ = run(capsys, "extract", str(article), "--reference-date", "2025-02-10")
    assert code == 0
    doc = json.loads(out)["documents"][0]
    assert doc["source"] == str(article)
    for key in ("date", "zones", "projects", "batches", "warnings"):
        assert key in doc
    zone = doc["zones"][0]
    assert {"name", "zone_id", "type", "city_adcode", "county_adcode", "precision", "span"} <= set(
        zone
    )
    assert zone["zone_id"] == "jincheng-etdz" and zone["city_adcode"] == "140500"
    project = doc["projects"][0]
    keys = {
        "name",
        "company",
        "zone_id",
        "investment_cny",
        "stage",
        "city_adcode",
        "county_adcode",
        "lon",
        "lat",
        "precision",
        "span",
    }
    assert keys <= set(project)
    assert project["investment_cny"] == 3_600_000_000
    assert project["zone_id"] == "jincheng-etdz"
    start, end = project["span"]
    assert "光电产业园项目" in ARTICLE[start:end]
    assert isinstance(project["lon"], float) and project["precision"] in ("county", "city")


def test_gbk_file_gives_the_same_records(capsys, tmp_path, article):
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(ARTICLE.encode("gb18030"))
    _, out_utf8, _ = run(capsys, "extract", str(article), "--reference-date", "2025-02-10")
    _, out_gbk, _ = run(capsys, "extract", str(gbk), "--reference-date", "2025-02-10")
    a, b = (json.loads(o)["documents"][0] for o in (out_utf8, out_gbk))
    assert a["projects"] == b["projects"] and a["zones"] == b["zones"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"   \n\n  ", "empty"),
        (b"\x00\x01\x02\x03binary\x00" * 50, "binary"),
        (b"text \x80\xff\xfa\xfb\x81 not text \xc3\x28" * 20, "decod"),
    ],
)
def test_bad_files_get_a_clear_error_and_nonzero_exit(capsys, tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    code, out, err = run(capsys, "extract", str(path))
    assert code != 0
    doc = json.loads(out)["documents"][0]
    assert message in doc["error"].lower()
    assert "Traceback" not in out + err


def test_missing_file_is_a_cli_error(capsys, tmp_path):
    code, out, err = run(capsys, "extract", str(tmp_path / "nope.txt"))
    assert code == 2 and out == "" and "no such file" in err


def test_bad_option_value_exits_nonzero(capsys, article):
    with pytest.raises(SystemExit) as info:
        main(["extract", str(article), "--reference-date", "yesterday"])
    assert info.value.code == 2


def test_other_province_places_nothing_in_shanxi(capsys, tmp_path):
    path = tmp_path / "henan.txt"
    path.write_text(
        "2月6日，郑州经济技术开发区举行集中签约，总投资20亿元的新能源汽车零部件项目签约。"
        "洛阳高新技术产业开发区投资5亿元的轴承项目开工。",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "extract", str(path), "--reference-date", "2025-02-10")
    assert code == 0
    doc = json.loads(out)["documents"][0]
    for record in doc["zones"] + doc["projects"]:
        assert record["city_adcode"] is None and record["county_adcode"] is None
        assert record["lon"] is None and record["precision"] is None
        assert record["unplaced_reason"]


def test_html_and_script_are_not_extracted_as_names(capsys, tmp_path):
    path = tmp_path / "html.txt"
    path.write_text(
        "<html><script>alert('总投资9亿元的恶意项目')</script><p>太原高新区总投资3亿元的"
        "<b>传感器</b>项目开工。</p><img src=x onerror=alert(1)></html>",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "extract", str(path), "--reference-date", "2025-02-10")
    assert code == 0
    text = json.dumps(json.loads(out)["documents"][0], ensure_ascii=False)
    assert "恶意" not in text and "<script" not in text and "onerror" not in text


def test_ten_megabyte_article_gets_a_clear_answer(capsys, tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes((ARTICLE * 60_000).encode("utf-8")[: 10 * 1024 * 1024 + 10])
    code, out, err = run(capsys, "extract", str(path), "--reference-date", "2025-02-10")
    doc = json.loads(out)["documents"][0]
    assert "Traceback" not in err
    if code != 0:  # a clear refusal is allowed; a partial or silent result is not
        assert "large" in doc["error"].lower() or "MB" in doc["error"]
    else:
        assert len(doc["projects"]) > 0


def test_output_file_is_written_whole_or_not_at_all(capsys, tmp_path, article):
    target = tmp_path / "out.json"
    code, _, _ = run(capsys, "extract", str(article), "--output", str(target))
    assert code == 0 and json.loads(target.read_text(encoding="utf-8"))["documents"]
    bad = tmp_path / "missing-dir" / "out.json"
    code, _, err = run(capsys, "extract", str(article), "--output", str(bad))
    assert code != 0 and not bad.exists()


def test_console_script_runs():
    exe = Path(sys.executable).with_name("sxmap")
    if not exe.exists():
        pytest.skip("sxmap not installed in this environment")
    proc = subprocess.run([str(exe), "--help"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0 and "extract" in proc.stdout


@pytest.mark.skipif(not SEEDS.exists(), reason="shared seeds not beside the repo")
def test_seeds_extract_end_to_end(capsys):
    code, out, _ = run(capsys, "extract", str(SEEDS))
    assert code == 0
    docs = json.loads(out)["documents"]
    assert len(docs) == 5 and all("error" not in d for d in docs)
    for d in docs:
        for record in d["zones"] + d["projects"]:
            if record["precision"]:
                assert record["lon"] is not None
            for key in ("city_adcode", "county_adcode"):
                assert record[key] is None or (len(record[key]) == 6 and record[key][:2] == "14")
