"""A payload corpus: hostile text in every text field that reaches a page or a file.

Reusable by any test (and any later page): :func:`write_payload_dataset` writes a data
folder whose free-text fields all carry payloads, :data:`SETTINGS` are app settings that
carry payloads too, and :func:`urls` lists every page and download to check, each with
the payloads it must show as literal text. :func:`check` asserts what must hold for any
response: no template evaluation, payloads shown literally (HTML-escaped in HTML, intact
in JSON), never raw markup in HTML.

A new page type: add its URLs (and the payloads it should show) to :func:`urls`.
"""

from __future__ import annotations

import csv
import gzip
import html
import io
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from markupsafe import escape

FIXTURE_DATA = Path(__file__).resolve().parent.parent / "fixtures" / "dataset"

# What an evaluated template would print: none of these may appear in any response.
# (The payloads contain only the parts: '{{7919*7907}}' -> 62615533, 'PWN'~'ED' -> PWNED.)
EVALUATED = ("62615533", "PWNED", "sxmap42pwn")

PAYLOADS: tuple[str, ...] = (
    "{{7919*7907}}储能项目",
    "{{'PWN'~'ED'}}",
    "{% set x = 'PWN' ~ 'ED' %}{{ x }}园区",
    "{#注释#}开发区{{ config }}",
    "{%储能项目",  # unbalanced: a broken template, 500 when parsed
    "储能}}项目{{",
    "{{ lipsum.__globals__.os.popen('echo sxmap$((6*7))pwn').read() }}",
    "{{ self.__init__.__globals__ }}{{ cycler.__init__.__globals__.os }}",
    "${7919*7907}#{7919*7907}<%= 7919*7907 %>",
    "<script>alert('x')</script>",
    "</script><script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "'-alert(1)-'",
    "javascript:alert(1)",
    '=HYPERLINK("//evil.example/x","点击")',
    "+1+2",
    "-2+3",
    "@SUM(1+1)",
    "\t=cmd|' /C calc'!A0",
    "\r=1+2",
    "\u202e项目名称\u202d反向",  # right-to-left override
    "零\u200b宽\u200d字\ufeff符",  # zero-width characters
    "&lt;b&gt;&amp;amp; <!-- --> ]]> \\u003c",
    "长" * 5000,  # a 5,000-character name
)

# App settings that reach pages and files.
SETTINGS = {
    "MAP_APPROVAL": "审图号{{7919*7907}}<script>alert('approval')</script>{%",
    "DATA_SOURCE": "Source {{'PWN'~'ED'}} <b>bold</b> {%",
    "DATA_LICENCE": "Licence {{7919*7907}} <i>x</i>",
}

# Real units for the payload zones (county, city): pages for these places list them.
PLACES = [("140105", "140100"), ("140403", "140400"), ("140703", "140700")]


def zone_id(i: int) -> str:
    return f"payload-{i}"


@dataclass
class PayloadData:
    folder: Path
    zone_ids: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)


def _append(path: Path, columns: list[str], rows: list[dict]) -> None:
    with path.open("a", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n", quoting=csv.QUOTE_ALL)
        for row in rows:
            writer.writerow([row.get(c, "") for c in columns])


# Gazetteer text columns the fixture's zones.csv lacks (the committed data has them).
GAZETTEER_TEXT = ("leading_industries", "status", "source", "source_url")


def _add_columns(path: Path, names) -> None:
    """Rewrite the CSV at ``path`` with ``names`` appended to its columns (empty)."""
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    columns = _columns(path)
    columns += [n for n in names if n not in columns]
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, columns, lineterminator="\n", quoting=csv.QUOTE_ALL)
        writer.writeheader()
        writer.writerows(rows)


def _columns(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as f:
        return next(csv.reader(f))


def write_payload_dataset(folder: Path, base: Path = FIXTURE_DATA) -> PayloadData:
    """The fixture dataset plus one zone, project, batch and source per payload."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("sources.csv", "zones.csv", "projects.csv", "batches.csv"):
        shutil.copy(base / name, folder / name)
    _add_columns(folder / "zones.csv", GAZETTEER_TEXT)
    data = PayloadData(folder)
    zones, projects, batches, sources = [], [], [], []
    for i, text in enumerate(PAYLOADS):
        county, city = PLACES[i % len(PLACES)]
        zid = zone_id(i)
        doc = f"{text[:300]}#{i}.txt"  # a file name can be hostile too
        data.zone_ids.append(zid)
        zones.append(
            {
                "zone_id": zid,
                "name": text,
                "aliases": f"{text}|别名{i}",
                "type": "etdz",
                "level": "provincial",
                "city_adcode": city,
                "county_adcode": county,
                "note": text,
                # the gazetteer's facts, shown by the zones directory and its downloads
                "leading_industries": text,
                "status": f"merged_into:{text}",
                "source": text,
                "source_url": text,
            }
        )
        projects.append(
            {
                "project_id": f"payload-p{i}",
                "doc_id": doc,
                "name": text,
                "company": text,
                "zone_id": zid,
                "investment_cny": "100000000",
                "investment_text": text,
                "capacity": text,
                "stage": "signed",
                "date": "2025-02-06",
                "city_adcode": city,
                "county_adcode": county,
                "lon": "112.5",
                "lat": "37.5",
                "precision": "county",
                "geocode_method": text,
                "unplaced_reason": "",
                "span_start": str(i),
                "span_end": str(i + 10),
                "quote": text,
            }
        )
        batches.append(
            {
                "batch_id": f"payload-b{i}",
                "doc_id": doc,
                "round_date": "2025-02-06",
                "scope": "zone",
                "place": text,
                "adcode": county,
                "zone_id": zid,
                "kind": "signed",
                "projects": "3",
                "investment_cny": "300000000",
                "span_start": str(i),
                "span_end": str(i + 10),
                "quote": text,
            }
        )
        sources.append(
            {
                "doc_id": doc,
                "title": text,
                "publisher": text,
                "published": "2025-02-06",
                "url": text,
                "note": text,
            }
        )
    for name, rows in (
        ("zones.csv", zones),
        ("projects.csv", projects),
        ("batches.csv", batches),
        ("sources.csv", sources),
    ):
        _append(folder / name, _columns(folder / name), rows)
    data.places = sorted({c for pair in PLACES for c in pair})
    return data


@dataclass(frozen=True)
class Target:
    """A URL to fetch, its kind (html, json, csv, kml, text, binary) and what it must show."""

    url: str
    kind: str
    expect: tuple[str, ...] = ()


def urls() -> list[Target]:
    """Every page type and download, in both languages where pages have them."""
    zone_ids = [zone_id(i) for i in range(len(PAYLOADS))]
    places = sorted({c for pair in PLACES for c in pair})
    zone_names = PAYLOADS  # every payload is a zone name
    approval = (SETTINGS["MAP_APPROVAL"],)
    targets: list[Target] = []
    for lang in ("zh", "en"):
        q = f"lang={lang}"
        targets += [
            Target(f"/?{q}", "html", zone_names + approval),
            Target(f"/embed/overview?{q}", "html", zone_names + approval),
            Target(f"/choropleth?{q}", "html", approval),
            Target(f"/choropleth?level=county&{q}", "html", approval),
            Target(f"/choropleth?level=county&city=140400&{q}", "html", approval),
            Target(f"/choropleth?metric=batch_investment&{q}", "html", approval),
            Target(f"/embed/choropleth?{q}", "html", approval),
            Target(f"/embed/choropleth?level=county&{q}", "html", approval),
            Target(f"/embed?{q}", "html"),
            Target(f"/embed?map=overview&{q}", "html"),
        ]
        targets += [
            # the zones directory, its twins, search and the round charts (issue 13)
            Target(f"/zones?{q}", "html", zone_names + approval),
            Target(f"/zones?{q}&sort=investment&order=desc&city=140400", "html", approval),
            Target(f"/zones.json?{q}", "json", zone_names),
            Target(f"/zones.csv?{q}", "csv", zone_names),
            Target(f"/embed/rounds?place=140400&{q}", "html", approval),
            Target(f"/embed/rounds?zone={zone_ids[0]}&{q}", "html", (PAYLOADS[0],) + approval),
            Target(f"/embed/rounds.json?zone={zone_ids[1]}&{q}", "json", (PAYLOADS[1],)),
            Target(f"/choropleth?metric=batch_investment&level=county&{q}", "html", approval),
            Target(f"/choropleth?metric=projects&stage=completed&year=2019&{q}", "html"),
        ]
        for i in (0, 6, 10, 11, 21):
            query = quote(PAYLOADS[i][:100])
            targets.append(Target(f"/search?q={query}&{q}", "html", (PAYLOADS[i][:100],)))
            targets.append(Target(f"/search.json?q={query}&{q}", "json", (PAYLOADS[i][:100],)))
        for i, zid in enumerate(zone_ids):
            # zone page: name, aliases, project fields, batch place and quote, source fields
            targets.append(Target(f"/zones/{zid}?{q}", "html", (PAYLOADS[i],) + approval))
            # its JSON twin, and the page of projects its map popup fetches
            targets.append(Target(f"/zones/{zid}.json?{q}", "json", (PAYLOADS[i],)))
            targets.append(Target(f"/api/zones/{zid}/projects.json?{q}", "json", (PAYLOADS[i],)))
        for code in places:
            targets.append(Target(f"/places/{code}?{q}", "html", approval))
            targets.append(Target(f"/places/{code}.json?{q}", "json"))
        targets.append(Target(f"/places/140000?{q}", "html", zone_names))
        targets.append(Target(f"/places/140000.json?{q}", "json", zone_names))
    for table in ("zones", "projects", "batches"):
        targets.append(Target(f"/api/{table}.geojson", "json", zone_names))
        targets.append(Target(f"/api/{table}.csv", "csv", zone_names))
        targets.append(Target(f"/api/{table}.csv?city=140400&download=1", "csv"))
    for level in ("province", "city", "county"):
        targets.append(Target(f"/api/boundaries/{level}.geojson", "json"))
        targets.append(Target(f"/api/boundaries/{level}.csv", "csv"))
        targets.append(Target(f"/api/boundaries/{level}.geojson?bbox=110,35,113,38", "json"))
    source = (SETTINGS["DATA_SOURCE"],)
    for path in ("/ogcapi/", "/ogcapi/conformance", "/ogcapi/collections", "/ogcapi/api"):
        targets.append(Target(f"{path}?f=html", "html", source))
        targets.append(Target(f"{path}?f=json", "json"))
    targets.append(Target("/ogcapi/api.html", "html", source))
    for cid in ("zones", "projects", "batches", "cities", "counties", "province"):
        base = f"/ogcapi/collections/{cid}"
        shown = zone_names if cid in ("zones", "projects", "batches") else ()
        targets += [
            Target(f"{base}?f=html", "html", source),
            Target(f"{base}?f=json", "json"),
            Target(f"{base}/queryables", "json"),
            Target(f"{base}/items?f=html&limit=1000", "html", shown + source),
            Target(f"{base}/items?f=json&limit=1000", "json", shown),
            Target(f"{base}/items?f=csv", "csv", shown),
            Target(f"{base}/items?f=kml", "kml", shown),
            Target(f"{base}/items?f=gpkg", "binary"),
        ]
    # the boundaries every map draws, and the counters (no data text in either)
    targets.append(Target("/geo/topology.wgs84.json", "json"))
    targets.append(Target("/geo/topology.gcj02.json", "json"))
    targets.append(Target("/metrics", "text"))
    for i, zid in enumerate(zone_ids):
        targets.append(
            Target(f"/ogcapi/collections/zones/items/{zid}?f=html", "html", (PAYLOADS[i],))
        )
        targets.append(
            Target(f"/ogcapi/collections/zones/items/{zid}?f=json", "json", (PAYLOADS[i],))
        )
    return targets


# ---------------------------------------------------------------- checking a response


def json_for_html(text: str) -> str:
    """How a string appears inside a page's JSON config block (see webmap.elements)."""
    encoded = json.dumps(text, ensure_ascii=False)[1:-1]
    return encoded.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def html_forms(text: str) -> tuple[str, ...]:
    """The forms a literal text may take in HTML: escaped by Jinja, by html.escape, in JSON."""
    return (
        str(escape(text)),
        html.escape(text),
        html.escape(text, quote=False),
        json_for_html(text),
    )


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield k
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def formula_like(cell: str) -> bool:
    """Would a spreadsheet evaluate this cell? (A leading - or + is fine on a number.)"""
    if not cell or cell[0] not in "=+-@\t\r\uff1d\uff0b\uff0d\uff20":
        return False
    try:
        float(cell)
    except ValueError:
        return True
    return cell[0] not in "+-"


def body_text(response) -> str:
    data = response.get_data()
    if response.headers.get("Content-Encoding") == "gzip":
        data = gzip.decompress(data)
    elif response.headers.get("Content-Encoding") == "br":
        import brotli

        data = brotli.decompress(data)
    return data.decode("utf-8", errors="replace")


def check(target: Target, response) -> None:
    """Status 200, nothing evaluated, every expected payload shown as literal text."""
    assert response.status_code == 200, (
        target.url,
        response.status_code,
        body_text(response)[:300],
    )
    if target.kind == "binary":
        raw = response.get_data()
        for marker in EVALUATED:
            assert marker.encode() not in raw, (target.url, marker)
        return
    text = body_text(response)
    for marker in EVALUATED:
        assert marker not in text, (target.url, marker)
    if target.kind == "html":
        for payload in PAYLOADS + tuple(SETTINGS.values()):
            if "<" in payload:
                assert payload not in text, (target.url, "raw markup", payload[:40])
        for payload in target.expect:
            assert any(form in text for form in html_forms(payload)), (target.url, payload[:40])
    elif target.kind == "json":
        strings = set(_strings(json.loads(text)))
        for payload in target.expect:
            assert any(payload in s for s in strings), (target.url, payload[:40])
    elif target.kind == "csv":
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
        cells = {c for row in rows for c in row}
        for payload in target.expect:
            # spreadsheet-neutralised cells carry one leading apostrophe
            assert payload in cells or "'" + payload in cells, (target.url, payload[:40])
        for cell in cells:
            assert not formula_like(cell), (target.url, cell[:40])
    elif target.kind == "kml":
        for payload in target.expect:
            assert html.escape(payload, quote=False) in text, (target.url, payload[:40])
