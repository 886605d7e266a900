"""Decoding and normalisation: exact offsets, hard-wrap rejoin, furniture, errors."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.errors import InputError
from geo.text import MAX_BYTES, decode_bytes, normalise, to_simplified

# --------------------------------------------------------------------------- decoding


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("开发区总投资36亿元".encode(), "开发区总投资36亿元"),
        (b"\xef\xbb\xbf" + "经开区".encode(), "经开区"),
        ("晋城经济技术开发区".encode("gbk"), "晋城经济技术开发区"),
        ("山西转型综改示范区".encode("gb18030"), "山西转型综改示范区"),
        ("综保区".encode("utf-16"), "综保区"),
    ],
)
def test_decode_bytes(raw: bytes, expected: str) -> None:
    assert decode_bytes(raw) == expected


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"", "empty"),
        (b"   \n\t  ", "empty"),
        (b"\x00\x01\x02binary\x00", "binary"),
        (bytes(range(1, 9)) * 20 + "开发区".encode(), "binary"),
        (b"\xff\xfe\xfa\x80\x81", "UTF-16"),  # looks like a UTF-16 BOM but is garbage
        (b"\x81\x20\xfe\xff\x80", "undecodable"),
        (b"a" * (MAX_BYTES + 1), "larger than"),
    ],
)
def test_decode_bytes_errors(raw: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        decode_bytes(raw)


# --------------------------------------------------------------------------- normalisation


def test_seed_patterns_rejoin() -> None:
    """Column lines with blank lines between them, numbers broken across lines."""
    original = (
        "据了解，此次，吕梁市“签约一批”项目共\n\n13 个，签约投资 16.69 亿元，预计年产值 11.9\n"
        "亿元；“开工一批”项目共 13 个，计划总投资\n16.13 亿元。\n\n王波\n"
    )
    norm = normalise(original)
    assert "项目共13个，签约投资16.69亿元，预计年产值11.9亿元；" in norm.text
    assert "计划总投资16.13亿元。" in norm.text
    assert norm.text.endswith("\n王波")


def test_letter_spacing_and_digit_spaces() -> None:
    norm = normalise("新能源领域有和 顺 经 开 区 总 投 资 5 亿 元 的 华 润 和 顺")
    assert norm.text == "新能源领域有和顺经开区总投资5亿元的华润和顺"
    assert normalise("2 月 6 日，总投资 36 亿元").text == "2月6日，总投资36亿元"
    assert normalise("罗文平 张小菊 李子萱").text == "罗文平 张小菊 李子萱"  # names stay apart


def test_full_width_and_traditional() -> None:
    norm = normalise("總投資３６．５億元的項目")
    assert norm.text == "总投资36.5亿元的项目"
    assert len(norm.text) == len("總投資３６．５億元的項目")
    assert to_simplified("經濟技術開發區") == "经济技术开发区"


@pytest.mark.parametrize(
    "furniture",
    [
        "潞安化机员工正在进行焊接操作。王蕾摄",
        "（上接 A1 版）",
        "（下转 A2 版）",
        "化工园区利用 5G 和 AI 技术，对企业重点罐区进行智能化管理。 受访者供图",
        "图为工人们正在车间作业",
        "责任编辑：李四",
        "本报记者 张三",
    ],
)
def test_furniture_never_glued(furniture: str) -> None:
    original = f"晋城经开区总投资5亿元的\n\n{furniture}\n\n光伏组件项目开工。\n\n下一段。"
    norm = normalise(original)
    assert furniture.replace(" ", "") not in norm.text.replace(" ", "")
    assert all(furniture[:4] not in line for line in norm.text.split("\n"))


def test_heading_and_dateline_stay_separate() -> None:
    original = (
        "关负责人交流，了解项目进展情况。 郭强\n\n吕梁：\n项目总数 40 个 总投资 48.51 亿元\n\n"
        "科学导报讯 2 月 6 日，全省活动举行。\n"
    )
    lines = normalise(original).text.split("\n")
    assert "吕梁：" in lines
    assert "项目总数40个总投资48.51亿元" in lines
    assert any(line.startswith("科学导报讯") for line in lines)


def test_prose_headings_not_glued() -> None:
    original = (
        "这是一个很长的段落，" * 8 + "结束。\n\n项目攻坚： 新兴产业提速破局\n\n"
        "项目是工业发展的生命线，是培育新质生产力的重要载体。开春以来，全省各地聚焦重点项目建设。\n"
    )
    assert "\n项目攻坚：新兴产业提速破局\n" in normalise(original).text


def test_html_is_stripped_and_mapped() -> None:
    original = "<p>总投资&nbsp;8.5亿元</p><script>var x='99亿元';</script><p>AT&amp;T公司</p>"
    norm = normalise(original)
    assert "99亿元" not in norm.text
    assert norm.text == "总投资8.5亿元\nAT&T公司"
    start = norm.text.index("8.5")
    s, e = norm.span(start, start + len("8.5亿元"))
    assert original[s:e] == "8.5亿元"
    s, e = norm.span(norm.text.index("&"), norm.text.index("&") + 1)
    assert original[s:e] == "&amp;"


def _same_char(normalised: str, original: str) -> bool:
    """Equal, or the simplified / half-width (NFKC) form, or whitespace standing for a break."""
    if normalised in ("\n", " ") and original.isspace():
        return True
    simple = to_simplified(original)
    return normalised in (original, simple, unicodedata.normalize("NFKC", simple))


_PIECES = ["晋城", "经济技术开发区", "總投資", "３６．５", "億元", "，", "。", "36", "亿元", "项目"]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(_PIECES), st.sampled_from(["", "", " ", "\n", "\n\n", " \n"])),
        min_size=1,
        max_size=40,
    )
)
def test_offsets_map_back(parts: list[tuple[str, str]]) -> None:
    """Every normalised char comes from an original char equal to it or its source form."""
    original = "".join(piece + sep for piece, sep in parts)
    norm = normalise(original)
    for i, ch in enumerate(norm.text):
        s, e = norm.span(i, i + 1)
        assert e - s == 1
        assert _same_char(ch, original[s]), (ch, original[s], original)
    # Spans of longer runs cover the source exactly (first and last character).
    for mo in re.finditer(r"\d+(\.\d+)?亿元", norm.text):
        s, e = norm.span(*mo.span())
        source = unicodedata.normalize("NFKC", to_simplified(original[s:e]))
        source = source.replace("，", ",")
        assert re.sub(r"\s", "", source) == mo.group(0)


def test_span_errors_and_empty() -> None:
    norm = normalise("开发区")
    assert norm.span(0, 0) == (0, 0)
    with pytest.raises(ValueError):
        norm.span(2, 9)
    assert normalise("").text == ""
    assert normalise("\n\n  \n").text == ""
