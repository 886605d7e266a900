"""The review workflow over HTTP: upload, queue, review page, corrections, publication,
conflicts, zones, history, gold export. Every page has a JSON twin."""

from __future__ import annotations

import html
import io
import json
import zipfile

import pytest

from tests.review.conftest import post_json
from tests.store.test_repository import ROUND, ROUND_CONFLICT, SIGNED

SPURIOUS = SIGNED + "太谷区共有项目12个，总投资20亿元。年产值10亿元。"
MISSED = "3月1日，太谷区举行仪式。此外，光伏组件生产线落地太谷，计划投入8个亿。"


def upload(client, text: str, name: str, **meta):
    r = client.post(
        "/review/upload",
        data={"file": (io.BytesIO(text.encode()), name), **meta},
        headers={"X-CSRF-Token": client.csrf, "Accept": "application/json"},
    )
    return r


def features(client, layer="projects"):
    with client.get(f"/api/{layer}.geojson") as r:
        return [f["properties"] for f in r.get_json()["features"]]


def keys(client, doc_id):
    body = client.get(f"/review/{doc_id}.json").get_json()
    return body, {r["key"]: r for r in body["records"]}


def test_upload_files_and_text_duplicates_reported(editor, repo):
    first = upload(editor, SIGNED, "signed.txt", title="华润储能签约", publisher="太谷新闻")
    assert first.status_code == 201
    body = first.get_json()
    assert body["outcome"] == "added" and body["state"] == "new" and body["records"] == 1
    again = upload(editor, SIGNED, "copy.txt")
    assert again.status_code == 200
    assert again.get_json()["outcome"] == "duplicate" and again.get_json()["doc_id"] == "signed.txt"
    bad = upload(editor, "", "empty.txt")
    assert bad.status_code == 400 and "empty" in bad.get_json()["message"]
    form = editor.post(  # no JavaScript: several files and pasted text in one form
        "/review/upload",
        data={
            "csrf_token": editor.csrf,
            "file": [(io.BytesIO(ROUND.encode()), "round.txt"), (io.BytesIO(b""), "void.txt")],
            "text": MISSED,
        },
    )
    page = form.get_data(as_text=True)
    assert form.status_code == 200
    assert "round.txt: added" in page and "void.txt: failed" in page
    assert "pasted text: added" in page
    assert repo.document("signed.txt")["title"] == "华润储能签约"
    assert repo.document("signed.txt")["added_by"] == "ed"


def test_queue_by_state_with_filters_counts_and_pages(editor, repo):
    for i, text in enumerate((SIGNED, ROUND, MISSED)):
        upload(editor, text, f"q{i}.txt", publisher="阳泉晚报" if i == 1 else "晋中日报")
    body = editor.get("/review.json").get_json()
    fixture = len(repo.snapshot().dataset.sources)
    assert body["counts"]["new"] == 3 and body["counts"]["published"] == fixture
    assert body["total"] == 3 + fixture
    new = editor.get("/review.json?state=new&per_page=10").get_json()
    assert {d["doc_id"] for d in new["documents"]} == {"q0.txt", "q1.txt", "q2.txt"}
    assert any(d["records"] for d in new["documents"])
    assert editor.get("/review.json?source=阳泉晚报").get_json()["total"] == 1
    assert editor.get("/review.json?city=140100").get_json()["total"] >= 1
    assert editor.get("/review.json?editor=ed").get_json()["total"] == 3
    assert editor.get("/review.json?date_from=2030-01-01").get_json()["total"] == 0
    paged = editor.get("/review?f=json&per_page=10&page=1").get_json()
    assert paged["pages"] == 1 and "links" not in paged
    for bad in ("state=gone", "city=110100", "date_from=yesterday", "per_page=7", "page=0"):
        r = editor.get(f"/review.json?{bad}")
        assert r.status_code == 400, bad
    page = editor.get("/review?state=new").get_data(as_text=True)
    assert 'aria-current="page"' in page and "q1.txt" in page


def test_review_page_highlights_every_item_type(editor):
    upload(editor, SPURIOUS, "spur.txt")
    page = editor.get("/review/spur.txt").get_data(as_text=True)
    for kind in ("zone", "project", "amount", "figure", "fact"):
        assert f'class="hl hl-{kind}' in page, kind
    body, records = keys(editor, "spur.txt")
    text = body["text"]
    by_type = {i["type"]: i for i in body["items"]}
    start, end = by_type["amount"]["span"]
    assert text[start:end] == "5亿元"
    assert text[slice(*by_type["fact"]["span"])] == "10亿元"
    assert "not investment" in by_type["fact"]["became"]
    assert "on the map once published" in by_type["project"]["became"]
    assert all(r["review_state"] == "extracted" for r in records.values())


def test_correct_reject_add_and_publish_reach_the_public_map(editor, repo):
    upload(editor, SPURIOUS, "spur.txt")
    upload(editor, MISSED, "missed.txt")
    body, records = keys(editor, "spur.txt")
    project = next(k for k, r in records.items() if r["kind"] == "project")
    figure = next(k for k, r in records.items() if r["kind"] == "batch")
    fixed = post_json(
        editor,
        f"/review/spur.txt/records/{project}",
        {
            "action": "correct",
            "name": "华润储能项目",
            "place": "Yuci",
            "amount": "5.5",
            "stage": "signed",
            "zone": "",
            "note": "county report",
        },
    )
    assert fixed.status_code == 200, fixed.get_json()
    assert fixed.get_json()["changed"] == ["amount", "place"]
    rejected = post_json(editor, f"/review/spur.txt/records/{figure}", {"action": "reject"})
    assert rejected.get_json()["changed"] == 1
    added = post_json(
        editor,
        "/review/missed.txt/records",
        {"kind": "project", "quote": "光伏组件生产线", "amount": "8", "place": "140703"},
    )
    assert added.status_code == 201, added.get_json()
    assert "光伏组件生产线" not in {p["name"] for p in features(editor)}
    for doc_id in ("spur.txt", "missed.txt"):
        r = post_json(editor, f"/review/{doc_id}/state", {"state": "published", "note": "ok"})
        assert r.get_json()["state"] == "published"
    props = {p["name"]: p for p in features(editor)}
    huarun = props["华润储能项目"]
    assert huarun["investment_cny"] == 550_000_000 and huarun["county_adcode"] == "140702"
    assert huarun["doc_id"] == "spur.txt"
    assert SPURIOUS[huarun["span_start"] : huarun["span_end"]] == huarun["quote"]
    pv = props["光伏组件生产线"]
    assert MISSED[pv["span_start"] : pv["span_end"]] == "光伏组件生产线"
    assert not [b for b in features(editor, "batches") if b["doc_id"] == "spur.txt"]
    body, records = keys(editor, "spur.txt")
    assert records[project]["review_state"] == "corrected"
    assert records[figure]["review_state"] == "rejected"  # kept, hidden
    history = [(h["action"], h["actor"]) for h in body["history"]]
    assert ("state:published", "ed") in history
    assert [h["action"] for h in records[project]["history"]] == ["correct"]
    assert records[project]["history"][0]["before"]["county_adcode"] == "140703"


def test_form_posts_without_javascript_redirect_back(editor, repo):
    upload(editor, SIGNED, "signed.txt")
    _, records = keys(editor, "signed.txt")
    key = next(iter(records))
    r = editor.post(
        f"/review/signed.txt/records/{key}",
        data={"csrf_token": editor.csrf, "action": "accept"},
    )
    assert r.status_code == 303 and r.headers["Location"].endswith(f"#rec-{key}")
    bad = editor.post(
        f"/review/signed.txt/records/{key}",
        data={"csrf_token": editor.csrf, "action": "correct", "place": "城区"},
    )
    assert bad.status_code == 400 and "ambiguous" in html.unescape(bad.get_data(as_text=True))


def test_accept_all_and_a_new_zone_from_a_record(editor, repo):
    upload(editor, ROUND, "round.txt")
    assert post_json(editor, "/review/round.txt/accept-all").get_json()["changed"] >= 3
    _, records = keys(editor, "round.txt")
    assert {r["review_state"] for r in records.values()} == {"accepted"}
    key = next(iter(records))
    unknown = post_json(
        editor, f"/review/round.txt/records/{key}", {"action": "correct", "zone": "小店新兴产业园"}
    )
    assert unknown.status_code == 400 and "new zone" in unknown.get_json()["message"]
    made = post_json(
        editor,
        f"/review/round.txt/records/{key}",
        {"action": "correct", "zone": "小店新兴产业园", "new_zone": "1", "scope": "zone"},
    )
    assert made.status_code == 200, made.get_json()
    zones = {z["name"]: z for z in editor.get("/review/zones.json").get_json()["zones"]}
    assert zones["小店新兴产业园"]["type"] == "industrial_park"


def test_conflicts_side_by_side_pick_and_range(editor, repo):
    upload(editor, ROUND, "round-a.txt", published="2025-03-10")
    post_json(editor, "/review/round-a.txt/state", {"state": "published"})
    upload(editor, ROUND_CONFLICT, "round-c.txt", published="2025-03-10")
    body = editor.get("/review/round-c.txt.json").get_json()
    (conflict,) = body["conflicts"]
    sides = {r["doc_id"]: r for r in conflict["reports"]}
    assert {"round-a.txt", "round-c.txt"} <= set(sides)  # and the fixture's d2
    assert "16.69" in sides["round-a.txt"]["spanned"] and "18.20" in sides["round-c.txt"]["spanned"]
    page = editor.get("/review/round-c.txt").get_data(as_text=True)
    assert "Use this value" in page and "Keep both as a range" in page
    post_json(editor, "/review/round-c.txt/state", {"state": "published"})
    batch_id = conflict["batch_id"]
    picked = post_json(
        editor,
        f"/review/conflicts/{batch_id}",
        {"choice": "pick", "mention_id": sides["round-c.txt"]["id"], "note": "official"},
    )
    assert picked.get_json()["status"] == "picked"
    row = next(b for b in features(editor, "batches") if b["batch_id"] == batch_id)
    assert row["status"] == "picked" and row["investment_cny"] == 1_820_000_000
    post_json(editor, f"/review/conflicts/{batch_id}", {"choice": "range"})
    row = next(b for b in features(editor, "batches") if b["batch_id"] == batch_id)
    assert row["status"] == "range" and row["investment_cny"] is None
    assert (row["investment_cny_min"], row["investment_cny_max"]) == (1_669_000_000, 1_820_000_000)
    place = editor.get("/places/140100").get_data(as_text=True)
    assert "16.69" in place and "18.20" in place  # the public page shows the range


def test_zones_edit_names_and_locate_on_the_gaode_map(editor, app):
    made = post_json(
        editor, "/review/zones", {"name": "榆次新材料产业园", "place": "榆次区", "note": "2025"}
    )
    assert made.status_code == 201
    zone_id = made.get_json()["zone_id"]
    edited = post_json(
        editor, f"/review/zones/{zone_id}", {"aliases": "新材园\n榆次新材园", "note": "aliases"}
    )
    assert edited.status_code == 200
    page = editor.get(f"/review/zones/{zone_id}?basemap=gaode")
    assert "autonavi.com" in page.headers["Content-Security-Policy"]
    config = json.loads(
        page.get_data(as_text=True).split('id="rv-config">')[1].split("</script>")[0]
    )
    assert config["datum"] == "gcj02" and config["layer"] == "/geo/county.gcj02.json"
    located = post_json(
        editor,
        f"/review/zones/{zone_id}/location",
        {"lon": "112.7560", "lat": "37.6900", "datum": "gcj02", "note": "site plan"},
    )
    assert located.status_code == 200
    assert 112.749 < located.get_json()["location_lon"] < 112.7505  # stored as WGS-84
    props = {z["zone_id"]: z for z in features(editor, "zones")}
    assert props[zone_id]["precision"] == "editor"
    assert props[zone_id]["aliases"] == "新材园|榆次新材园"
    public = editor.get(f"/zones/{zone_id}").get_data(as_text=True)
    assert "编辑标定位置" in public and "site plan" in public
    history = editor.get(f"/review/zones/{zone_id}.json").get_json()["history"]
    assert [h["action"] for h in history] == ["create", "edit", "set-location"]
    outside = post_json(
        editor, f"/review/zones/{zone_id}/location", {"lon": "116.4", "lat": "39.9", "note": "x"}
    )
    assert outside.status_code == 400 and "outside Shanxi" in outside.get_json()["message"]


def test_gold_export_download(editor):
    upload(editor, ROUND, "round.txt")
    post_json(editor, "/review/round.txt/state", {"state": "published"})
    assert editor.get("/review/export?f=json").get_json()["reviewed"] == ["round.txt"]
    r = editor.get("/review/export/gold.zip")
    assert r.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(r.data)) as z:
        gold = json.loads(z.read("gold/gold.json"))
        assert z.read("gold/round.txt").decode() == ROUND
    assert gold[0]["file"] == "round.txt" and gold[0]["city_batches"]


HOSTILE = (
    "2月20日，<img src=x onerror=alert(1)>经开区签约总投资5亿元的"
    "</script><script>alert(1)</script>储能项目。javascript:alert(1)产业园落地。"
)


@pytest.mark.parametrize("suffix", ["", ".json"])
def test_hostile_text_stays_text(editor, suffix):
    r = upload(editor, HOSTILE, "hostile.txt", title="<img src=x onerror=alert(1)>标题",
               url="https://example.org/?q=<script>")  # fmt: skip
    assert r.status_code == 201, r.get_json()
    page = editor.get(f"/review/hostile.txt{suffix}")
    body = page.get_data(as_text=True)
    if suffix:
        assert page.get_json()["text"] == HOSTILE
        return
    assert "<img src=x" not in body and "<script>alert" not in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body
    assert "javascript:alert(1)" in body  # as text, never in a link
    assert 'href="javascript' not in body
