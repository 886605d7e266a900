"""Issue 13 without a browser: quotes, citations, charts, coverage, empty selections,
county remainders, the zones directory, search, project pages and round embeds."""

from __future__ import annotations

import json
import re

import pytest

from tests.webmap.conftest import get
from webmap import charts, citations, directory, search

# ---------------------------------------------------------------- quotes and citations


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("5 亿 元 的 华 润 和 顺", "5亿元的华润和顺"),
        ("48.22 亿元的 21 个重点项 目集中开工", "48.22亿元的21个重点项目集中开工"),
        ("年产 5 GW 光伏组件", "年产5 GW光伏组件"),
        ("总投资\n36 亿元", "总投资36亿元"),
        ("“ 三个一批 ” 活动", "“三个一批”活动"),
        ("Phase 2 of the project", "Phase 2 of the project"),
        ("签约 ， 开工 。", "签约，开工。"),
        (None, ""),
        (float("nan"), ""),
        ("None", ""),
    ],
)
def test_quotes_lose_the_newspapers_character_spacing(raw, clean):
    assert citations.clean_quote(raw) == clean


def test_a_citation_never_says_none():
    c = citations.citation(
        {"title": None, "publisher": None, "published": None, "reference_date": "2025-02-10"},
        "004_e016.txt",
        "en",
        (5214, 5238),
        "5 亿 元 的 华 润",
    )
    assert c.title == "Untitled document (file 004_e016.txt)" and not c.titled
    assert c.date == "2025-02-10" and c.date_inferred and c.url == ""
    assert c.span == (5214, 5238) and c.quote == "5亿元的华润"
    assert "None" not in json.dumps(c.as_json())
    reworded = citations.citation(
        {"title": "T", "url": "https://x.example/a", "text_form": "rewording", "published": "2020"},
        "a01.txt",
        "zh",
    )
    assert reworded.rewording and reworded.url == "https://x.example/a"
    assert citations.citation({"url": "javascript:alert(1)"}, "d", "zh").url == ""


@pytest.mark.parametrize(
    "url", ["/", "/zones/Z001", "/zones/Z002?lang=en", "/places/140100", "/places/140000?lang=en"]
)
def test_no_page_prints_none(client, url):
    html = get(client, url).body.decode()
    visible = re.sub(r"<script.*?</script>", "", html, flags=re.S)
    assert not re.search(r">\s*None\s*<|\bNone\b", visible), url


def test_citations_on_pages_have_title_publisher_date_and_link(client):
    html = get(client, "/places/140100").body.decode()
    assert '<a href="https://example.org/d2" rel="noopener noreferrer" lang="zh-CN">' in html
    assert "太原日报（测试夹具）" in html and "2025-02-06 (推定)" in html
    assert '<q lang="zh-CN">签约一批30个项目总投资16.69亿元</q>' in html


# ---------------------------------------------------------------- charts


@pytest.fixture
def data(app):
    return app.extensions["atlas_live"].state.store.data


def test_round_table_of_a_city(data):
    table = charts.round_table(data, "zh", scope="city", adcode="140400", title="长治市")
    assert table.rounds == ["2024-09-20", "2025-02-06"]
    assert table.kinds == ["signed", "started", "in_production"]
    signed = table.cells[("2025-02-06", "signed")]
    assert (signed.projects, signed.amount, signed.text_amount) == (12, 9e8, "9.00")
    assert table.cells[("2024-09-20", "signed")].citation.doc_id == "d3"
    assert ("2024-09-20", "started") not in table.cells


def test_bar_chart_geometry_and_values(data):
    table = charts.round_table(data, "en", scope="city", adcode="140100", title="Taiyuan")
    chart = charts.bar_chart(table, "investment_cny", "en", "Taiyuan")
    bars = {(b["round"], b["kind"]): b for b in chart["bars"]}
    assert {k: b["text"] for k, b in bars.items()} == {
        ("2025-02-06", "signed"): "16.69",
        ("2025-02-06", "started"): "16.13",
        ("2025-02-06", "in_production"): "15.69",
        ("2025-02-06", "all"): "48.51",
    }
    assert chart["ticks"][-1]["text"] == "50"  # a round axis maximum above 48.51
    total, signed = bars[("2025-02-06", "all")], bars[("2025-02-06", "signed")]
    assert total["h"] == pytest.approx(180 * 48.51 / 50, abs=0.1)
    assert signed["h"] / total["h"] == pytest.approx(16.69 / 48.51, rel=1e-2)
    assert total["outline"] and chart["unit"] == "CNY 100 m"
    counts = charts.bar_chart(table, "projects", "en", "Taiyuan")
    assert [b["text"] for b in counts["bars"]] == ["30", "25", "20", "75"]


def test_place_page_has_an_svg_chart_and_its_table_twin(client):
    html = get(client, "/places/140400").body.decode()
    svg = re.search(r'<svg [^>]*data-measure="amount".*?</svg>', html, re.S).group(0)
    # named by its visible caption (a Chinese place name there can be marked as such)
    label = re.search(r'aria-labelledby="([^"]+)"', svg).group(1)
    caption = re.search(rf'<span id="{label}">(.*?) \(', html).group(1)
    assert 'role="img"' in svg and re.sub("<[^>]+>", "", caption) == "长治市：各轮次投资"
    values = re.findall(r'data-round="([\d-]+)" data-value="([\d.]+)"', svg)
    assert values == [("2024-09-20", "3.0"), ("2025-02-06", "9.0"), ("2025-02-06", "7.0"),
                      ("2025-02-06", "4.0")]  # fmt: skip
    assert ">9.00</text>" in svg and ">3.00</text>" in svg
    twin = html[html.index('class="atlas-round-table"') :]
    assert "签约一批" in twin and "https://example.org/d2" in twin


def test_round_chart_embeds_with_a_json_twin(client):
    r = get(client, "/embed/rounds?place=140100&lang=en")
    assert r.status_code == 200 and "frame-ancestors *" in r.headers["Content-Security-Policy"]
    assert "<svg" in r.body.decode() and "Taiyuan City" in r.body.decode()
    body = json.loads(get(client, "/embed/rounds.json?place=140400").body)
    assert [r["round_date"] for r in body["rounds"]] == ["2024-09-20", "2025-02-06"]
    assert body["rounds"][1]["figures"]["signed"]["investment_cny"] == 9e8
    zone = json.loads(get(client, "/embed/rounds.json?zone=Z001").body)
    assert zone["rounds"][0]["figures"]["started"]["projects"] == 4
    assert get(client, "/embed/rounds?zone=NOPE").status_code == 404
    assert get(client, "/embed/rounds?place=110000").status_code == 400


# ---------------------------------------------------------------- coverage and empty maps


def config(html: str) -> dict:
    block = re.search(r'<script type="application/json" id="[^"]+">(.*?)</script>', html, re.S)
    return json.loads(block.group(1))


def test_every_map_states_its_coverage(client):
    html = get(client, "/choropleth?metric=investment&lang=en").body.decode()
    cfg = config(html)
    assert cfg["coverage"] == (
        "3 documents · 8 projects · 5 of 11 cities with data · 2024-09-18 to 2025-02-06"
    )
    assert cfg["title"] == "Reported project investment · Cities" and not cfg["empty"]
    overview = config(get(client, "/?lang=en").body.decode())
    assert overview["coverage"].startswith("10 zones (10 located) · 9 projects · 3 documents")
    batch = config(get(client, "/choropleth?metric=batch_investment&kind=signed").body.decode())
    assert "2/11 个地级市有数据" in batch["coverage"] and "2025-02-06" in batch["title"]


def test_an_empty_selection_says_so_and_offers_the_nearest_with_data(client):
    html = get(client, "/choropleth?metric=projects&stage=completed&year=2024").body.decode()
    cfg = config(html)
    assert cfg["empty"] and cfg["suggestion"]["label"] == "年份 2025"
    href = cfg["suggestion"]["href"]
    assert "year=2025" in href and "stage=completed" in href and cfg["suggestion"]["count"] == 1
    assert "此选择没有数据" in html and 'class="atlas-suggestion"' in html
    assert not config(get(client, href.replace("&amp;", "&")).body.decode())["empty"]
    # 小店区 reported its signed batch only: no county has an "all" figure, but one has data
    county = config(get(client, "/choropleth?level=county&metric=batch_projects").body.decode())
    assert county["empty"] and county["suggestion"]["label"] == "签约一批"
    nothing = config(
        get(client, "/choropleth?level=county&metric=batch_projects&city=140400").body.decode()
    )
    assert nothing["empty"] and nothing["suggestion"]["label"] in ("全省", "地级市")


def test_county_maps_show_the_city_level_remainder(client):
    html = get(client, "/choropleth?level=county&city=140100&lang=en").body.decode()
    assert config(html)["remainder"] == "+20.00 CNY 100 m not placed in a county (city known only)"
    batch = get(client, "/choropleth?level=county&city=140100&metric=batch_investment").body
    assert "市级数字（未分到区县）" in batch.decode() and "48.51" in batch.decode()


def test_ranked_list_labels_and_trend_beside_the_choropleth(client):
    html = get(client, "/choropleth?metric=batch_investment&kind=signed&lang=en").body.decode()
    ranked = re.findall(r'data-adcode="(\d+)"><span class="atlas-rank-name">([^<]+)', html)
    assert ranked == [("140100", "1. Taiyuan City"), ("140400", "2. Changzhi City")]
    cfg = config(html)
    assert list(cfg["units"])[:2] == ["140100", "140400"]  # keyboard order = ranking
    assert cfg["units"]["140100"][5] and not cfg["units"]["140200"][5]  # labelled on the map
    trend = html[html.index('class="atlas-trend"') :]
    assert '<th scope="col">2024-09-20</th>' in trend and ">3.00</td>" in trend
    rounds = re.findall(r'round=([\d-]+)"( aria-current="true")?', html)
    assert rounds[:2] == [("2025-02-06", ' aria-current="true"'), ("2024-09-20", "")]


def test_map_pages_allow_pinch_zoom(client):
    for url in ("/", "/choropleth", "/embed/choropleth", "/zones/Z001", "/zones", "/embed"):
        html = get(client, url).body.decode()
        viewports = re.findall(r'<meta name="viewport"[^>]*>', html)
        assert viewports == ['<meta name="viewport" content="width=device-width, initial-scale=1">']


# ---------------------------------------------------------------- zones directory


@pytest.fixture
def rows(data):
    return directory.rows(data, "zh")


@pytest.mark.parametrize(
    ("query", "ids"),
    [
        (directory.Query(zone_type="etdz"), ["Z001", "Z006", "Z007"]),
        (directory.Query(zone_level="none"), ["Z008"]),
        (directory.Query(city="140100"), ["Z001", "Z010", "Z002"]),
        (directory.Query(projects="without"), ["Z006", "Z009", "Z010", "Z008"]),
        (directory.Query(year=2020), []),
        (
            directory.Query(sort="investment", order="desc"),
            ["Z001", "Z002", "Z004", "Z005", "Z007", "Z003", "Z006", "Z010", "Z009", "Z008"],
        ),
        (directory.Query(projects="with", sort="projects", order="desc", zone_type="hitech"),
         ["Z004"]),
    ],
)  # fmt: skip
def test_directory_filters_and_sorts(rows, query, ids):
    got = [r["zone_id"] for r in directory.select(rows, query)]
    if query.sort == "investment":
        assert got[:6] == ids[:6] and sorted(got[6:]) == sorted(ids[6:])
    else:
        assert sorted(got) == sorted(ids) if query.sort == "city" else got == ids


def test_directory_counts_the_known_of_93(rows):
    known = directory.known_of_93(rows, "en")
    assert known["text"] == "8 of 93 zones known" and known["in_gazetteer"] == 10
    assert [(c["category"], c["known"], c["reported"]) for c in known["categories"]] == [
        ("industrial", 7, 71),
        ("agriculture", 1, 14),
        ("eco_tourism", 0, 8),
    ]


def test_directory_of_the_real_gazetteer_knows_fewer_than_93():
    from geo.dataset import load_dataset

    every = directory.rows(load_dataset(), "zh")
    known = directory.known_of_93(every, "zh")
    assert 30 < known["known"] < 93 and known["in_gazetteer"] == len(every) >= 79
    approved = directory.select(every, directory.Query(year=2006))
    assert approved and all(r["approval_date"].startswith("2006") for r in approved)


def test_directory_page_json_and_csv(client):
    html = get(client, "/zones?lang=en&sort=investment&order=desc").body.decode()
    assert "8 of 93 zones known" in html and "Shanxi Department of Commerce" in html
    assert 'aria-sort="descending"' in html and "37.26" in html
    assert re.search(r'<option value="etdz"[^>]*>Economic &amp; technological[^<]*\(3\)', html)
    body = json.loads(get(client, "/zones.json?zone_type=etdz").body)
    assert body["count"] == 3 and {z["zone_id"] for z in body["zones"]} == {"Z001", "Z006", "Z007"}
    assert body["known"]["known"] == 8
    csv_text = get(client, "/zones.csv?city=140400").body.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("zone_id,name,type") and "Z004" in csv_text
    assert get(client, "/zones?sort=nonsense").status_code == 400


# ---------------------------------------------------------------- search


@pytest.fixture
def entries(data):
    return search.build(data, "en")


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("taiyuan", ("place", "140100")),
        ("Taiyuan City", ("place", "140100")),
        ("wusu", ("zone", "Z010")),
        ("武宿", ("zone", "Z010")),
        ("Xiaodian", ("place", "140105")),
        ("changzhi gaoxin", ("zone", "Z004")),
        ("Changzhi high-tech", ("zone", "Z004")),
        ("shujuzhongxin", ("project", None)),
        ("Lvliang", ("place", "141100")),
        ("Luliang", ("place", "141100")),
    ],
)
def test_search_by_chinese_pinyin_and_english(entries, query, first):
    hits = search.find(entries, query)
    assert hits, query
    assert hits[0].kind == first[0] and (first[1] is None or hits[0].id == first[1])


def test_search_page_and_json(client):
    html = get(client, "/search?q=wusu&lang=en").body.decode()
    assert 'href="/zones/Z010?lang=en"' in html
    body = json.loads(get(client, "/search.json?q=shuju").body)
    assert body["results"][0]["kind"] == "project" and "/projects/p" in body["results"][0]["href"]
    assert "没有找到" in get(client, "/search?q=zzzzqqq").body.decode()
    assert get(client, "/search?q=" + "x" * 101).status_code == 400


# ---------------------------------------------------------------- projects


def test_project_page_shows_its_timeline_with_sources(client, data):
    pid = data.projects.loc[data.projects["name"] == "半导体封装项目", "project_id"].iloc[0]
    html = get(client, f"/projects/{pid}?lang=en").body.decode()
    assert "半导体封装项目" in html and "8.00" in html and "signed" in html
    assert "长治高新区签约项目（测试）" in html and "Span 1–20" in html
    assert "no link to the original" in html  # d3 has no URL
    body = json.loads(get(client, f"/projects/{pid}.json").body)
    assert body["project_id"] == pid and body["zone"]["zone_id"] == "Z004"
    assert body["timeline"][0]["source"]["doc_id"] == "d3"
    assert body["timeline"][0]["source"]["span"] == [1, 20]
    missing = get(client, "/projects/p000000000000")
    assert missing.status_code == 404 and "<html" in missing.body.decode()
    assert get(client, "/projects/p000000000000.json").status_code == 404


def test_zone_page_links_projects_to_their_timelines(client, data):
    html = get(client, "/zones/Z004").body.decode()
    pid = data.projects.loc[data.projects["name"] == "半导体封装项目", "project_id"].iloc[0]
    assert f'href="/projects/{pid}"' in html and "签约 2024-09-18" in html
