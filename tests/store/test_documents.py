"""Reading documents of every accepted kind; refusing the rest with the right status."""

from __future__ import annotations

import io

import pytest

from geo.documents import (
    DOCX,
    HTML,
    PDF,
    TEXT,
    DocumentTooLarge,
    NoTextLayer,
    UnsupportedDocument,
    align,
    read_document,
)
from geo.errors import InputError
from geo.text import MAX_BYTES

ARTICLE = "太谷经开区签约总投资5亿元的华润储能项目，于3月2日开工。"

PAGE = f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>太谷经开区项目签约 - 晋中日报</title>
<meta property="og:site_name" content="晋中日报">
<script>var nav = "首页 新闻 投资额100亿元";</script></head>
<body><nav><a href="/">首页</a> <a href="/news">新闻</a> 热点：某地投资900亿元</nav>
<article><h1>太谷经开区项目签约</h1>
<p>本报讯 记者从太谷区获悉，{ARTICLE}</p>
<p>该项目建成后，预计年产值3亿元&amp;带动就业200人。</p>
<p>太谷经开区还将推进一批新能源项目，全力打造千亿级产业集群，持续优化营商环境。</p>
</article><footer>版权所有 晋中日报社 备案号 晋ICP备00000000号</footer></body></html>
"""


def test_text_in_any_handled_encoding():
    for raw in (ARTICLE.encode("utf-8"), ARTICLE.encode("gb18030"), ARTICLE.encode("utf-16")):
        doc = read_document(raw, "a.txt")
        assert doc.text == ARTICLE and doc.media_type == TEXT and doc.text_map is None


def test_html_main_text_with_a_map_back_to_the_page():
    doc = read_document(PAGE.encode("utf-8"), "page.html")
    assert doc.media_type == HTML
    assert ARTICLE in doc.text
    assert "首页" not in doc.text and "900亿元" not in doc.text and "备案号" not in doc.text
    assert doc.meta.get("title", "").startswith("太谷经开区项目签约")
    start = doc.text.index("5亿元")
    source = PAGE
    located = [src + (start - t) for t, src, n in doc.text_map if t <= start < t + n]
    assert located and source[located[0] : located[0] + 3] == "5亿元"


def test_alignment_survives_entities_and_rewritten_lines():
    runs = align("甲乙&丙\n不在页面里的行\n丁戊", "<p>甲乙&amp;丙</p><p>丁 戊</p>")
    mapped = {
        t: s
        for t0, s0, n in runs
        for t, s in zip(range(t0, t0 + n), range(s0, s0 + n), strict=True)
    }
    assert 0 in mapped and 1 in mapped  # 甲乙
    assert all(t not in mapped for t in range(5, 12))  # the line not on the page
    assert mapped[13] == "<p>甲乙&amp;丙</p><p>".__len__()  # 丁


def test_docx():
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("太谷经开区项目签约")
    document.add_paragraph(ARTICLE)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "储能项目"
    table.rows[0].cells[1].text = "5亿元"
    buffer = io.BytesIO()
    document.save(buffer)
    doc = read_document(buffer.getvalue(), "article.docx")
    assert doc.media_type == DOCX and ARTICLE in doc.text and "储能项目\t5亿元" in doc.text


def _pdf(stream: bytes) -> bytes:
    """A one-page PDF whose content stream is ``stream`` (Helvetica, no CJK font needed)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


def test_pdf_with_a_text_layer():
    text = b"BT /F1 12 Tf 20 200 Td (Taigu zone signed a 500 million yuan storage project.) Tj ET"
    doc = read_document(_pdf(text), "report.pdf")
    assert doc.media_type == PDF and "500 million yuan" in doc.text


def test_scanned_pdf_without_text_is_422():
    with pytest.raises(NoTextLayer) as info:
        read_document(_pdf(b"0 0 m 100 100 l S"), "scan.pdf")
    assert info.value.status == 422


@pytest.mark.parametrize(
    ("raw", "name", "error", "status"),
    [
        (b"", "a.txt", InputError, 400),
        (b"   \n", "a.txt", InputError, 400),
        (b"GIF89a\x00\x00", "a.gif", UnsupportedDocument, 415),
        (b"hello", "a.xlsx", UnsupportedDocument, 415),
        (b"not a pdf at all", "a.pdf", UnsupportedDocument, 415),
        (b"not a zip", "a.docx", UnsupportedDocument, 415),
        (b"PK\x03\x04 broken zip", "a.docx", UnsupportedDocument, 415),
        (b"%PDF-1.4 broken", "a.txt", UnsupportedDocument, 415),
        (b"x" * (MAX_BYTES + 1), "a.txt", DocumentTooLarge, 413),
        (b"<html><body><nav>menu</nav></body></html>", "a.html", InputError, 400),
    ],
)
def test_refused(raw, name, error, status):
    with pytest.raises(error) as info:
        read_document(raw, name)
    assert info.value.status == status
