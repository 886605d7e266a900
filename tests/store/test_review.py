"""Review writes on both engines: correct, add, accept/reject, conflicts, zones, history."""

from __future__ import annotations

import json

import pytest

from geo import aggregate
from geo.errors import InputError
from geo.store import schema as s
from geo.store.common import ConflictError, NotFoundError
from tests.store.test_repository import ROUND, ROUND_CONFLICT, SIGNED, batch_total, doc

SPURIOUS = "2月20日，太谷经开区签约总投资5亿元的华润储能项目。太谷区共有项目12个，总投资20亿元。"


def draft(repo, text=SIGNED, name="draft.txt"):
    result = repo.ingest(doc(text, name, state="new"), actor="uploader")
    return repo.document(result.doc_id)


def projects_named(repo, name):
    projects = repo.snapshot().dataset.projects
    return projects[projects["name"] == name]


def test_correct_a_place_and_an_amount_then_publish(repo):
    mention = draft(repo)["projects"][0]
    version = repo.data_version()
    updated = repo.correct_mention(
        "project",
        mention["id"],
        {"place": "Yuci", "amount": "5.5"},
        actor="ed",
        note="榆次, per the county's own report",
        doc_id="draft.txt",
    )
    assert repo.data_version() > version
    assert updated["review_state"] == "corrected"
    assert updated["county_adcode"] == "140702" and updated["city_adcode"] == "140700"
    assert updated["investment_cny"] == 550_000_000 and updated["precision"] == "county"
    assert updated["geocode_method"] == "editor:county"
    stored = repo.document("draft.txt")
    assert stored["state"] == "in_review" and stored["reviewed_by"] == "ed"
    assert projects_named(repo, "华润储能项目").empty  # not published yet
    repo.set_document_state("draft.txt", "published", actor="ed")
    row = projects_named(repo, "华润储能项目").iloc[0]
    assert row["county_adcode"] == "140702" and row["investment_cny"] == 550_000_000
    assert (row["span_start"], row["span_end"]) == (mention["span_start"], mention["span_end"])
    (audit,) = repo.audit_trail("project_mention", str(mention["id"]))
    before, after = json.loads(audit["before"]), json.loads(audit["after"])
    assert before["county_adcode"] == "140703" and after["county_adcode"] == "140702"
    assert before["investment_cny"] == 500_000_000 and after["investment_cny"] == 550_000_000
    assert audit["actor"] == "ed" and audit["note"].startswith("榆次")


def test_a_correction_on_a_published_document_moves_the_canonical_project(repo):
    result = repo.ingest(doc(SIGNED, "pub.txt"), actor="t")
    mention = repo.document(result.doc_id)["projects"][0]
    old_id = projects_named(repo, "华润储能项目").iloc[0]["project_id"]
    repo.correct_mention("project", mention["id"], {"place": "140702"}, actor="ed")
    rows = projects_named(repo, "华润储能项目")
    assert len(rows) == 1 and rows.iloc[0]["project_id"] != old_id
    assert rows.iloc[0]["county_adcode"] == "140702"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"stage": "maybe"}, "stage"),
        ({"place": "城区"}, "ambiguous"),
        ({"amount": "lots"}, "amount"),
        ({"zone_id": "no-such-zone"}, "zone_id"),
        ({"span_start": 0}, "cannot change"),
        ({"name": ""}, "name: required"),
        ({"name": "华润储能项目"}, "nothing to change"),
    ],
)
def test_bad_corrections_change_nothing(repo, changes, message):
    mention = draft(repo)["projects"][0]
    version = repo.data_version()
    with pytest.raises(InputError, match=message):
        repo.correct_mention("project", mention["id"], changes, actor="ed")
    assert repo.data_version() == version
    assert repo.mention("project", mention["id"])["review_state"] == "extracted"


def test_a_record_of_another_document_is_not_found(repo):
    mention = draft(repo)["projects"][0]
    with pytest.raises(NotFoundError):
        repo.correct_mention("project", mention["id"], {"amount": "6"}, "ed", doc_id="other.txt")


def test_reject_hides_and_keeps_accept_brings_back(repo):
    result = repo.ingest(doc(SPURIOUS, "spurious.txt"), actor="t")
    figures = repo.document(result.doc_id)["batches"]
    assert figures, "the extractor makes a figure of 共有项目12个"
    target = figures[0]
    before = len(repo.snapshot().dataset.batches)
    changed = repo.review_mentions(
        [("batch", target["id"])], "reject", actor="ed", note="spend to date, not a round"
    )
    assert changed == 1
    assert len(repo.snapshot().dataset.batches) == before - 1
    assert repo.mention("batch", target["id"])["review_state"] == "rejected"  # kept
    repo.review_mentions([("batch", target["id"])], "accept", actor="ed")
    assert len(repo.snapshot().dataset.batches) == before
    assert repo.mention("batch", target["id"])["review_state"] == "accepted"
    actions = [a["action"] for a in repo.audit_trail("batch_mention", str(target["id"]))]
    assert actions == ["reject", "accept"]


def test_accept_all_leaves_corrected_records_corrected(repo):
    d = draft(repo, ROUND, "round.txt")
    first = d["batches"][0]
    repo.correct_mention("batch", first["id"], {"projects": "31"}, actor="ed")
    items = [("batch", b["id"]) for b in d["batches"]]
    assert repo.review_mentions(items, "accept", actor="ed") == len(items) - 1
    states = {b["id"]: b["review_state"] for b in repo.document("round.txt")["batches"]}
    assert states[first["id"]] == "corrected"
    assert set(states.values()) == {"corrected", "accepted"}


def test_add_a_missed_record_from_a_span(repo):
    text = "3月1日，太谷区举行仪式。此外，光伏组件生产线落地太谷，计划投入8个亿。"
    name = "光伏组件生产线"
    result = repo.ingest(doc(text, "missed.txt", state="in_review"), actor="t")
    assert repo.document(result.doc_id)["projects"] == []  # the extractor misses it
    start = text.index(name)
    added = repo.add_mention(
        result.doc_id,
        "project",
        (start, start + len(name)),
        {"amount": "8", "place": "太谷区", "stage": "signed", "zone_id": "Z001"},
        actor="ed",
        note="missed: company before the amount",
    )
    assert added["review_state"] == "added" and added["quote"] == name
    assert added["name"] == name and added["investment_cny"] == 800_000_000
    with pytest.raises(ConflictError):
        repo.add_mention(result.doc_id, "project", (start, start + 3), {}, actor="ed")
    with pytest.raises(InputError, match="span"):
        repo.add_mention(result.doc_id, "project", (5, 5000), {}, actor="ed")
    repo.set_document_state(result.doc_id, "published", actor="ed")
    row = projects_named(repo, name).iloc[0]
    assert row["investment_cny"] == 800_000_000 and row["span_start"] == start
    assert row["quote"] == name
    (audit,) = repo.audit_trail("project_mention", str(added["id"]))
    assert audit["action"] == "add" and audit["note"].startswith("missed")


def test_add_a_missed_figure(repo):
    text = "截至目前，全市开发区今年签约项目18个。"
    result = repo.ingest(doc(text, "fig.txt", state="in_review"), actor="t")
    start = text.index("签约项目18个")
    added = repo.add_mention(
        result.doc_id,
        "batch",
        (start, start + 7),
        {"kind": "signed", "projects": "18", "place": "太原市", "period_type": "ytd"},
        actor="ed",
    )
    assert added["scope"] == "city" and added["adcode"] == "140100" and added["batch_id"]
    with pytest.raises(InputError, match="kind"):
        repo.add_mention(result.doc_id, "batch", (0, 4), {"projects": "1"}, actor="ed")


def _conflict(repo):
    repo.ingest(doc(ROUND, "round-a.txt"), actor="t")
    repo.ingest(doc(ROUND_CONFLICT, "round-c.txt"), actor="t")
    batches = repo.snapshot().dataset.batches
    row = batches[(batches["status"] == "conflict") & (batches["kind"] == "signed")].iloc[0]
    peers = repo.peers([row["batch_id"]])[row["batch_id"]]
    return row["batch_id"], {p["doc_id"]: p for p in peers}


def test_a_conflict_is_picked_kept_as_a_range_or_undone(repo):
    batch_id, peers = _conflict(repo)
    assert {"round-a.txt", "round-c.txt"} <= set(peers)
    assert peers["round-c.txt"]["spanned"] and "18.20" in peers["round-c.txt"]["spanned"]
    picked = repo.resolve_conflict(
        batch_id, "pick", actor="ed", mention_id=peers["round-c.txt"]["id"], note="official"
    )
    assert picked["status"] == "picked" and picked["investment_cny"] == 1_820_000_000
    assert batch_total(repo) == 1_820_000_000
    ranged = repo.resolve_conflict(batch_id, "range", actor="ed")
    assert ranged["status"] == "range" and ranged["investment_cny"] is None
    assert (ranged["investment_cny_min"], ranged["investment_cny_max"]) == (
        1_669_000_000,
        1_820_000_000,
    )
    data = repo.snapshot().dataset
    assert "investment_cny_max" in data.batches.columns
    assert (
        aggregate.metric_by_unit(data, "city", "batch_investment", aggregate.Filters()).get(
            "140100"
        )
        != 1_669_000_000 + 1_820_000_000
    )
    undone = repo.resolve_conflict(batch_id, None, actor="ed")
    assert undone["status"] == "conflict"
    actions = [a["action"] for a in repo.audit_trail("batch", batch_id)]
    assert actions == ["resolve", "resolve", "unresolve"]


def test_a_pick_lapses_when_the_picked_report_is_rejected(repo):
    batch_id, peers = _conflict(repo)
    chosen = peers["round-c.txt"]["id"]
    repo.resolve_conflict(batch_id, "pick", actor="ed", mention_id=chosen)
    repo.review_mentions([("batch", chosen)], "reject", actor="ed")
    row = repo.canonical([], [batch_id])["batches"][batch_id]
    assert row["status"] == "ok" and row["investment_cny"] == 1_669_000_000  # one source left
    with pytest.raises(InputError, match="mention_id"):
        repo.resolve_conflict(batch_id, "pick", actor="ed", mention_id=999_999)


def test_zones_added_edited_and_located(repo):
    zone = repo.add_zone(
        {"name": "榆次新材料产业园", "place": "榆次区", "aliases": "榆次新材园、新材料园"},
        actor="ed",
        note="named in a 2025 report",
    )
    assert zone["zone_id"].startswith("ed-") and zone["type"] == "industrial_park"
    assert zone["county_adcode"] == "140702" and zone["aliases"] == "榆次新材园|新材料园"
    with pytest.raises(ConflictError):
        repo.add_zone({"name": "榆次新材料产业园"}, actor="ed")
    repo.update_zone(zone["zone_id"], {"type": "cluster", "level": "provincial"}, actor="ed")
    gaz = repo.gazetteer()
    assert gaz.match("榆次新材园").zone_id == zone["zone_id"]
    located = repo.set_zone_location(
        zone["zone_id"], 112.75, 37.69, actor="ed", note="site plan, 2025", datum="wgs84"
    )
    assert (located["location_lon"], located["location_lat"]) == (112.75, 37.69)
    zones = repo.snapshot().dataset.zones
    row = zones[zones["zone_id"] == zone["zone_id"]].iloc[0]
    assert row["precision"] == "editor" and row["lon"] == 112.75
    gcj = repo.set_zone_location(zone["zone_id"], 112.756, 37.69, "ed", "on the Gaode map", "gcj02")
    assert 112.749 < gcj["location_lon"] < 112.7505  # ~550 m west of the click
    with pytest.raises(InputError, match="outside Shanxi"):
        repo.set_zone_location(zone["zone_id"], 116.4, 39.9, actor="ed", note="Beijing")
    with pytest.raises(InputError, match="note"):
        repo.set_zone_location(zone["zone_id"], 112.75, 37.69, actor="ed", note="")
    repo.set_zone_location(zone["zone_id"], None, None, actor="ed", note=None)
    zones = repo.snapshot().dataset.zones
    assert zones[zones["zone_id"] == zone["zone_id"]].iloc[0]["precision"] == "county"
    actions = [a["action"] for a in repo.audit_trail("zone", zone["zone_id"])]
    assert actions == ["create", "edit", "set-location", "set-location", "clear-location"]


def test_document_history_and_the_review_queue(repo):
    d = draft(repo)
    mention = d["projects"][0]
    repo.correct_mention("project", mention["id"], {"stage": "started"}, actor="ed")
    repo.set_document_state("draft.txt", "published", actor="ed", note="checked")
    actions = [(a["entity"], a["action"]) for a in repo.document_history("draft.txt")]
    assert actions == [
        ("document", "ingest"),
        ("document", "state:in_review"),
        ("project_mention", "correct"),
        ("document", "state:published"),
    ]
    draft(repo, ROUND, "round.txt")
    queue = repo.review_queue({"state": "new"})
    assert queue["total"] == 1 and queue["documents"][0]["doc_id"] == "round.txt"
    assert queue["counts"]["new"] == 1 and queue["counts"]["published"] >= 3
    assert queue["documents"][0]["records"] == {
        "extracted": len(repo.document("round.txt")["batches"])
    }
    assert repo.review_queue({"editor": "ed"})["total"] == 1
    assert repo.review_queue({"city": "140700"})["total"] >= 1
    assert {d["doc_id"] for d in repo.review_queue({"city": "140100"})["documents"]} >= {
        "round.txt"
    }
    assert repo.review_queue({"source": "round"})["total"] == 1
    assert repo.review_queue({"source": "%"})["total"] == 0  # LIKE wildcards are text
    page = repo.review_queue({}, limit=2, offset=0)
    assert len(page["documents"]) == 2 and page["total"] == sum(page["counts"].values())


def test_sessions_and_login_throttling(repo):
    from datetime import timedelta

    from geo.store.accounts import Throttle

    alice = repo.add_user("alice", "editor")
    version = repo.data_version()
    token = repo.open_session(alice, timedelta(hours=1))
    assert repo.session_user(token, idle=timedelta(minutes=5)).name == "alice"
    assert repo.session_user(token + "x", idle=timedelta(minutes=5)) is None
    assert repo.session_user(token, idle=timedelta(0)) is None  # idle too long
    repo.end_session(token)
    assert repo.session_user(token, idle=timedelta(minutes=5)) is None
    other = repo.open_session(alice, timedelta(hours=1))
    repo.set_disabled("alice", True, actor="admin")
    assert repo.session_user(other, idle=timedelta(minutes=5)) is None
    throttle = Throttle(limit=3, ip_limit=10)
    keys = {"user:bob": 3, "ip:10.0.0.1": 10}
    first = repo.login_failed(keys, throttle)
    assert not first.locked and first.failures_left == 2
    repo.login_failed(keys, throttle)
    third = repo.login_failed(keys, throttle)
    assert third.locked and 800 < third.retry_after() <= 901
    assert repo.login_state(list(keys)).locked
    assert not repo.login_state(["user:carol"]).locked
    repo.add_user("bob", "editor")
    repo.unlock("bob", actor="admin")
    assert not repo.login_state(["user:bob"]).locked
    assert repo.data_version() == version  # none of this touches the map
    listed = {u["name"]: u for u in repo.users()}
    assert listed["alice"]["disabled_at"] is not None and listed["bob"]["role"] == "editor"
    repo.set_role("bob", "admin", actor="admin")
    assert repo.user("bob").role == "admin"


def test_gold_export_scores_with_sxmap_evaluate(repo, tmp_path, capsys):
    from geo.store.gold import export_gold
    from webmap.cli import main

    d = draft(repo, SPURIOUS, "gold-a.txt")
    repo.review_mentions([("batch", b["id"]) for b in d["batches"]], "reject", actor="ed")
    repo.set_document_state("gold-a.txt", "published", actor="ed")
    draft(repo, ROUND, "gold-b.txt")
    repo.set_document_state("gold-b.txt", "published", actor="ed")
    assert export_gold(repo, tmp_path / "gold") == 2
    gold = json.loads((tmp_path / "gold" / "gold.json").read_text(encoding="utf-8"))
    by_file = {g["file"]: g for g in gold}
    assert set(by_file) == {"gold-a.txt", "gold-b.txt"}
    a = by_file["gold-a.txt"]
    assert a["projects"][0]["investment_yi_yuan"] == 5.0 and a["projects"][0]["stage"] == "签约"
    assert a["city_batches"] == []  # the rejected figure is not gold
    assert {z["name"] for z in a["zones"]} == {"太谷经开区"}
    b = by_file["gold-b.txt"]
    assert {(r["batch"], r["projects"]) for r in b["city_batches"]} >= {("签约", 30), ("开工", 25)}
    assert b["city_batches"][0]["city"] == "太原市"
    assert (tmp_path / "gold" / "gold-b.txt").read_text(encoding="utf-8") == ROUND
    capsys.readouterr()
    assert main(["evaluate", str(tmp_path / "gold" / "gold.json"), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["as_gold"]["project_amounts"]["placed"] == 1
    assert summary["as_gold"]["aggregate_figures"]["found"] >= 4


def test_new_tables_are_in_the_schema():
    assert {"sessions", "login_attempts", "resolutions"} <= set(s.metadata.tables)
