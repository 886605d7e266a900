"""The choropleth form and the embed builder: every control, labels, selections, data."""

import re
import shutil
from html.parser import HTMLParser
from urllib.parse import urlencode

import pandas as pd
import pytest

from tests.webmap.conftest import FIXTURE_DATA, get

PROJECT_FILTERS = ["stage", "zone_type", "year"]
BATCH_FILTERS = ["year", "round", "kind"]


class Controls(HTMLParser):
    """The selects and hidden inputs of the first ``<form>`` (or the one with ``form_id``)."""

    def __init__(self, html: str, form_id: str | None = None):
        super().__init__()
        self.form_id, self.inside, self.done = form_id, False, False
        self.selects: dict[str, dict] = {}
        self.hidden: dict[str, str] = {}
        self.labels: list[dict] = []  # attributes of each <label> in the form
        self._select = self._option = self._label = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and not self.done:
            self.inside = self.form_id is None or a.get("id") == self.form_id
        if not self.inside:
            return
        if tag == "label":
            self._label = {"attrs": a, "text": ""}
            self.labels.append(self._label)
        elif tag == "select":
            self._select = {"label": self._label["text"].strip(), "options": [], "selected": None}
            self._select["attrs"] = self._label["attrs"]
            self.selects[a["name"]] = self._select
        elif tag == "option":
            self._option = [a.get("value"), ""]
            self._select["options"].append(self._option)
            if "selected" in a:
                self._select["selected"] = a.get("value")
        elif tag == "input" and a.get("type") == "hidden":
            self.hidden[a["name"]] = a["value"]
        for name, _value in attrs:
            assert not name.startswith("on"), (tag, name)  # CSP: no inline handlers

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside, self.done = False, True
        elif tag == "select":
            self._select = None
        elif tag == "option":
            self._option = None

    def handle_data(self, data):
        if self._option is not None:
            self._option[1] += data
        elif self._label is not None and self._select is None and self.inside:
            self._label["text"] += data

    def values(self, name) -> list[str]:
        return [v for v, _ in self.selects[name]["options"]]

    def text(self, name, value) -> str:
        """An option's label without the record count the page adds ("签约 (3)")."""
        return re.sub(r" \(\d+\)$", "", self.count_text(name, value))

    def count_text(self, name, value) -> str:
        return dict(self.selects[name]["options"])[value]

    def count(self, name, value) -> int | None:
        found = re.search(r" \((\d+)\)$", self.count_text(name, value))
        return int(found.group(1)) if found else None

    def submission(self) -> dict:
        """What a browser without JavaScript sends: each select's selected (or first) value."""
        out = {n: s["selected"] or s["options"][0][0] for n, s in self.selects.items()}
        return {k: v for k, v in {**out, **self.hidden}.items() if v}


def form(client, url) -> Controls:
    r = get(client, url)
    assert r.status_code == 200, url
    return Controls(r.body.decode(), "atlas-filter-form")


def test_project_metric_form_in_chinese(client):
    f = form(client, "/choropleth?level=county&city=140400&stage=signed&year=2025&k=4")
    assert list(f.selects) == [
        "level", "metric", "scheme", "k", "city", *PROJECT_FILTERS, "basemap"
    ]  # fmt: skip
    selected = {n: s["selected"] for n, s in f.selects.items()}
    assert selected == {
        "level": "county",
        "metric": "investment",
        "scheme": "quantiles",
        "k": "4",
        "city": "140400",
        "stage": "signed",
        "zone_type": "",
        "year": "2025",
        "basemap": "osm",
    }
    labels = {n: s["label"] for n, s in f.selects.items()}
    assert labels["metric"] == "指标" and labels["stage"] == "阶段" and labels["year"] == "年份"
    assert f.text("metric", "investment") == "项目总投资"
    assert [f.text("scheme", s) for s in f.values("scheme")] == ["分位数", "自然断点", "等间距"]
    assert f.text("level", "county") == "区县" and f.text("city", "140400") == "长治市"
    assert f.text("stage", "") == "全部阶段" and f.text("zone_type", "hitech").startswith("高新")
    assert f.hidden == {}  # Chinese is the default: no lang=zh in the URL
    assert "更新地图" in get(client, "/choropleth").body.decode()


def test_batch_metric_form_in_english(client):
    url = "/choropleth?metric=batch_projects&round=2025-02-06&kind=started&lang=en&basemap=none"
    f = form(client, url)
    assert list(f.selects) == ["level", "metric", "scheme", "k", *BATCH_FILTERS, "basemap"]
    assert f.selects["round"]["selected"] == "2025-02-06"
    assert f.selects["kind"]["selected"] == "started"
    assert f.selects["basemap"]["selected"] == "none" and f.hidden == {"lang": "en"}
    assert f.selects["metric"]["label"] == "Metric"
    assert f.text("metric", "investment") == "Reported project investment"
    assert [f.text("scheme", s) for s in f.values("scheme")] == [
        "Quantiles", "Natural breaks", "Equal interval"
    ]  # fmt: skip
    assert f.values("kind") == ["signed", "started", "in_production", "all"]
    assert f.text("kind", "in_production") == "In production"
    assert f.text("round", "") == "Latest round" and f.text("basemap", "gaode") == "Amap (Gaode)"


def test_only_the_filters_of_the_metric(client):
    zones = form(client, "/choropleth?metric=zones&stage=signed&round=2025-02-06")
    assert set(zones.selects) == {"level", "metric", "scheme", "k", "zone_type", "basemap"}
    assert "stage" not in zones.hidden and "round" not in zones.hidden  # dropped, not carried
    batch = form(client, "/choropleth?metric=batch_investment")
    assert batch.selects["kind"]["selected"] == "all"  # the metric's default
    assert "stage" not in batch.selects and "zone_type" not in batch.selects
    city = form(client, "/choropleth?level=city&city=140400")
    assert "city" not in city.selects and "city" not in city.hidden


def test_round_and_year_options_come_from_the_data(client, app):
    from geo import aggregate

    rounds = aggregate.rounds(app.extensions["atlas_live"].state.store.data.batches)
    f = form(client, "/choropleth?metric=batch_investment")
    assert f.values("round") == ["", *rounds] and len(rounds) >= 2
    assert f.values("year") == ["", "2025", "2024"]
    # with a year, only that year's rounds, and "no round" means every round of the year
    f = form(client, "/choropleth?metric=batch_investment&year=2024")
    assert f.values("round") == ["", "2024-09-20"]
    assert f.text("round", "") == "该年全部轮次"
    # a well-formed round the data lacks stays selected rather than silently changing
    f = form(client, "/choropleth?metric=batch_investment&round=2023-01-01")
    assert f.selects["round"]["selected"] == "2023-01-01"


def test_round_options_follow_another_dataset(tmp_path):
    from webmap import create_app

    data = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, data)
    batches = pd.read_csv(data / "batches.csv", dtype=str)
    batches.loc[batches["round_date"] == "2024-09-20", "round_date"] = "2023-05-10"
    batches.to_csv(data / "batches.csv", index=False)
    with create_app({"DATA_DIR": data}).test_client() as c:
        f = form(c, "/choropleth?metric=batch_investment")
    assert f.values("round") == ["", "2025-02-06", "2023-05-10"]
    assert "2023" in f.values("year")


@pytest.mark.parametrize(
    "url",
    [
        "/choropleth?level=county&city=140400&stage=started&zone_type=etdz&year=2025&k=3",
        "/choropleth?metric=batch_investment&round=2025-02-06&kind=signed&lang=en",
        "/choropleth?metric=zones&scheme=equal_interval&basemap=none",
    ],
)
def test_submitting_the_form_without_javascript_keeps_every_choice(client, url):
    f = form(client, url)
    again = form(client, "/choropleth?" + urlencode(f.submission()))
    assert {n: s["selected"] for n, s in again.selects.items()} == {
        n: s["selected"] for n, s in f.selects.items()
    }
    assert again.hidden == f.hidden


@pytest.mark.parametrize(
    ("query", "param"),
    [
        ("round=latest", "round"),
        ("round=2025-2-6", "round"),
        ("kind=some", "kind"),
        ("stage=planned", "stage"),
        ("zone_type=free_trade", "zone_type"),
        ("year=25", "year"),
        ("metric=batch&kind=all", "metric"),
    ],
)
def test_unknown_filter_values_are_still_a_400(client, query, param):
    r = get(client, f"/choropleth?{query}")
    assert r.status_code == 400 and f"<code>{param}</code>" in r.body.decode()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_builder_offers_every_control(client, lang):
    html = get(client, f"/embed?lang={lang}").body.decode()
    f = Controls(html, "atlas-builder-form")
    assert set(f.selects) == {
        "map", "level", "metric", "scheme", "k", "city", "stage", "zone_type", "year", "round",
        "kind", "basemap", "lang",
    }  # fmt: skip
    attrs = {n: s["attrs"] for n, s in f.selects.items()}
    assert attrs["round"]["data-metrics"] == "batch_investment batch_projects"
    assert attrs["stage"]["data-metrics"] == "investment projects"
    assert attrs["city"]["data-levels"] == "county"
    assert attrs["zone_type"]["data-for"] == "overview choropleth"
    assert f.values("round")[1:] == ["2025-02-06", "2024-09-20"]
    assert f.selects["lang"]["selected"] == lang
    en = lang == "en"
    assert f.text("scheme", "natural_breaks") == ("Natural breaks" if en else "自然断点")
    assert f.selects["kind"]["label"] == ("Batch" if en else "批次")
    assert f'src="/embed/choropleth{"?lang=en" if en else ""}"' in html


def test_every_filter_option_says_how_many_records_it_would_show(client):
    """Issue 13: no silent empty selection; each option carries its count."""
    f = form(client, "/choropleth?metric=projects&stage=signed&year=2024")
    assert f.count("stage", "signed") == 1 and f.count("stage", "under_construction") == 0
    assert f.count("stage", "") == 2  # every stage in 2024: P005 and P006
    assert f.count("year", "2025") == 2 and f.count("year", "") == 3
    assert f.count("metric", "zones") == 10 and f.count("metric", "batch_investment") == 0
    assert f.count("scheme", "quantiles") is None  # classification changes no record
    batch = form(client, "/choropleth?metric=batch_investment&kind=signed")
    assert batch.count("round", "2025-02-06") == 2  # 太原 and 长治 signed in that round
    assert batch.count("round", "2024-09-20") == 1
    assert batch.count("kind", "all") == 2 and batch.count("kind", "started") == 2
    county = form(client, "/choropleth?level=county&metric=projects&city=140400")
    assert county.count("city", "140400") == 2 and county.count("city", "140200") == 0
