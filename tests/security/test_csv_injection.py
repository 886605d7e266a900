"""CSV formula injection: every CSV the Atlas serves is safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io

import pytest

from geo import csvfile, curate
from tests.security.payloads import body_text, formula_like

CSV_URLS = [
    *(f"/api/{t}.csv" for t in ("zones", "projects", "batches")),
    *(f"/api/{t}.csv?download=1&city=140100" for t in ("zones", "projects", "batches")),
    *(f"/api/boundaries/{level}.csv" for level in ("province", "city", "county")),
    "/api/boundaries/county.csv?bbox=110,35,113,38",
    *(
        f"/ogcapi/collections/{c}/items?f=csv"
        for c in ("zones", "projects", "batches", "cities", "counties", "province")
    ),
]


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ('=HYPERLINK("//evil.example/x")', '\'=HYPERLINK("//evil.example/x")'),
        ("=1+2_x.txt", "'=1+2_x.txt"),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(1)", "'@SUM(1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("＝1+1", "'＝1+1"),
        ("-12.5", "-12.5"),
        ("+3", "+3"),
        ("-1e5", "-1e5"),
        (-7, -7),
        ("山西=项目", "山西=项目"),
        ("", ""),
        (None, None),
    ],
)
def test_spreadsheet_cell(value, safe):
    assert csvfile.spreadsheet_cell(value) == safe


def test_every_csv_route_is_listed(payload_app):
    """A new CSV route must be added to CSV_URLS (and so be tested)."""
    csv_capable = {
        r.rule
        for r in payload_app.url_map.iter_rules()
        if r.rule.startswith("/api/") and "<fmt>" in r.rule
    }
    assert csv_capable == {
        "/api/zones.<fmt>",
        "/api/projects.<fmt>",
        "/api/batches.<fmt>",
        "/api/boundaries/<level>.<fmt>",
    }


@pytest.mark.parametrize("url", CSV_URLS)
def test_no_cell_of_any_csv_download_is_a_formula(payload_app, url):
    with payload_app.test_client() as client:
        response = client.get(url)
        assert response.status_code == 200
        rows = list(csv.reader(io.StringIO(body_text(response).lstrip("\ufeff"))))
    assert len(rows) > 1
    bad = [c for row in rows for c in row if formula_like(c)]
    assert not bad, (url, bad[:3])


def test_downloads_keep_the_text_behind_one_apostrophe(payload_app):
    with payload_app.test_client() as client:
        text = body_text(client.get("/api/projects.csv"))
    cells = {c for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for c in row}
    assert '\'=HYPERLINK("//evil.example/x","点击")' in cells
    assert any(c.startswith("'=HYPERLINK(") and c.endswith(".txt") for c in cells)  # doc_id


def test_dataset_tables_keep_text_exactly():
    """data/ tables are storage, not exports: written verbatim, read back unchanged."""
    rows = [{"a": "=1+2_x.txt", "b": "-2+3"}]
    text = curate.csv_text(rows, ["a", "b"])
    assert list(csv.DictReader(io.StringIO(text))) == rows
