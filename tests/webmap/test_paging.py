"""Pages carry summaries, long tables come a page at a time (server-side, stable order,
a JSON twin), and a zone's popup fetches its projects when it opens."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest

from tests.webmap.conftest import get
from webmap import paging


@pytest.fixture
def client(volume_app):
    return volume_app.test_client()


def store(app):
    return app.extensions["atlas_live"].state.store


def busiest_zone(app) -> str:
    counts = store(app).data.projects["zone_id"].value_counts()
    return counts.index[0]


def project_rows(html: str) -> list[str]:
    """The project id of each row of a page's projects table (each name links its page)."""
    table = html.split('aria-label="项目"><table>', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<td><a href="/projects/([^"?]+)"', table)


def links(html: str) -> dict[str, str]:
    nav = re.search(r'<nav class="atlas-pager".*?</nav>', html, re.S).group(0)
    return {rel: unescape(href) for href, rel in re.findall(r'href="([^"]+)" rel="(\w+)"', nav)}


def test_a_zone_page_shows_one_page_of_its_projects_with_links(client, volume_app):
    zone = busiest_zone(volume_app)
    total = len(store(volume_app).rows("projects_by_zone", zone))
    assert total > 2 * paging.PER_PAGE  # the fixture makes a long table
    first = get(client, f"/zones/{zone}").body.decode()
    assert len(project_rows(first)) == paging.PER_PAGE
    nav = links(first)
    assert (
        set(nav) == {"next", "last"} and nav["next"] == f"/zones/{zone}?basemap=osm&projects_page=2"
    )
    pages = -(-total // paging.PER_PAGE)
    assert nav["last"].endswith(f"projects_page={pages}")
    last = get(client, nav["last"]).body.decode()
    assert len(project_rows(last)) == total - (pages - 1) * paging.PER_PAGE
    assert set(links(last)) == {"first", "prev"}
    assert get(client, f"/zones/{zone}?projects_page={pages + 1}").status_code == 404
    assert get(client, f"/zones/{zone}?projects_page=0").status_code == 400


def test_pages_are_disjoint_and_in_the_store_order(client, volume_app):
    """Walking every page gives every project of the zone once, in the table's order."""
    zone = busiest_zone(volume_app)
    projects = store(volume_app).data.projects
    expected = list(projects.loc[projects["zone_id"] == zone, "project_id"])
    seen, url = [], f"/zones/{zone}.json"
    while url:
        doc = json.loads(get(client, url).body)
        seen += [p["project_id"] for p in doc["projects"]["items"]]
        url = doc["projects"]["links"].get("next")
    assert seen == expected
    again = json.loads(get(client, f"/zones/{zone}.json?projects_page=2").body)
    assert [p["project_id"] for p in again["projects"]["items"]] == expected[50:100]


def test_the_json_twin_has_the_rows_of_the_html_page(client, volume_app):
    zone = busiest_zone(volume_app)
    html = get(client, f"/zones/{zone}?projects_page=3").body.decode()
    twin = get(client, f"/zones/{zone}.json?projects_page=3")
    assert twin.headers["Content-Type"].startswith("application/json")
    doc = json.loads(twin.body)
    rows = [p["project_id"] for p in doc["projects"]["items"]]
    assert rows == project_rows(html)
    assert doc["zone"]["zone_id"] == zone and doc["page"] == f"/zones/{zone}"
    meta = doc["projects"]
    assert (meta["page"], meta["per_page"]) == (3, paging.PER_PAGE)
    assert meta["total"] == len(store(volume_app).rows("projects_by_zone", zone))
    assert meta["links"]["prev"].endswith("projects_page=2")
    assert {"total", "items", "links"} <= set(doc["batches"]) and doc["sources"]
    missing = get(client, "/zones/no-such-zone.json")
    assert missing.status_code == 404 and json.loads(missing.body)["error"]


def test_place_pages_page_zones_projects_and_figures(client, volume_app):
    doc = json.loads(get(client, "/places/140000.json").body)
    s = store(volume_app)
    assert doc["zones"]["total"] == len(s.data.zones)
    assert doc["projects"]["total"] == len(s.data.projects)
    assert doc["batches"]["total"] == len(s.data.batches)
    assert all(len(doc[t]["items"]) <= paging.PER_PAGE for t in ("zones", "projects", "batches"))
    second = json.loads(get(client, "/places/140000.json?batches_page=2").body)
    one = [b["batch_id"] for b in doc["batches"]["items"]]
    two = [b["batch_id"] for b in second["batches"]["items"]]
    assert one and two and not set(one) & set(two)
    # figures come sorted by round, then place, in a stable order
    rounds = [b["round_date"] for b in doc["batches"]["items"] + second["batches"]["items"]]
    assert rounds == sorted(rounds)
    html = get(client, "/places/140000?projects_page=2").body.decode()
    assert 'rel="prev"' in html and "atlas-pager" in html


def test_overview_carries_counts_and_totals_not_projects(client, volume_app):
    html = get(client, "/").body.decode()
    cfg = json.loads(
        re.search(r'<script type="application/json" id="[^"]+">(.*?)</script>', html, re.S)[1]
    )
    s = store(volume_app)
    projects = s.data.projects
    for record in cfg["zones"]:
        own = projects[projects["zone_id"] == record["id"]]
        assert "projects" not in record
        assert record["projectCount"] == len(own)
        amounts = [a for a in own["investment_cny"] if a is not None]
        assert record["investment"] == (f"{sum(amounts) / 1e8:,.2f}" if amounts else None)
    assert max(len(p) for p in projects["name"]) and projects["name"].iloc[0] not in html


def test_a_popup_fetches_its_projects_a_page_at_a_time(client, volume_app):
    zone = busiest_zone(volume_app)
    first = get(client, f"/api/zones/{zone}/projects.json?lang=en")
    assert first.headers["Access-Control-Allow-Origin"] == "*"
    doc = json.loads(first.body)
    assert len(doc["projects"]) == 10 and doc["total"] > 10 and doc["page"] == 1
    assert doc["zone_page"] == f"/zones/{zone}?lang=en"
    assert {p["stage_label"] for p in doc["projects"]} <= {
        "signed", "started", "under construction", "in production", "completed"
    }  # fmt: skip
    assert {s["doc_id"] for s in doc["sources"]} == {p["doc_id"] for p in doc["projects"]}
    nxt = json.loads(get(client, doc["links"]["next"]).body)
    assert nxt["page"] == 2 and not {p["project_id"] for p in nxt["projects"]} & {
        p["project_id"] for p in doc["projects"]
    }
    cache = volume_app.extensions["atlas_downloads"]
    hits = cache.hits
    get(client, f"/api/zones/{zone}/projects.json?lang=en")
    assert cache.hits == hits + 1  # cached per zone, page, language and data version
    assert get(client, f"/api/zones/{zone}/projects.json?per_page=101").status_code == 400
    assert get(client, "/api/zones/nope/projects.json").status_code == 404


@pytest.mark.parametrize(
    ("total", "page", "window"),
    [(0, 1, (0, 0)), (1, 1, (0, 1)), (50, 1, (0, 50)), (51, 2, (50, 51)), (120, 3, (100, 120))],
)
def test_page_windows(total, page, window):
    p = paging.page_of(total, page)
    assert (p.start, p.stop) == window and p.pages == max(1, -(-total // 50))


def test_a_page_past_the_last_is_a_404_naming_the_last():
    with pytest.raises(paging.PageNotFound, match="3 page"):
        paging.page_of(120, 4)
