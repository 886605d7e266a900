"""The repository on both engines: loading, ingest, merging, retraction, audit, accounts."""

from __future__ import annotations

import math
from datetime import date

import pytest

from geo import aggregate
from geo.aggregate import Filters
from geo.errors import InputError
from geo.store import open_store
from geo.store.repository import AuthError, NewDocument, NotFoundError
from tests.store.conftest import DATA

ROUND = (
    "2月6日，太原市举行全市开发区“三个一批”活动。本次签约一批项目30个，总投资16.69亿元；"
    "开工一批项目25个，总投资16.13亿元；投产一批项目20个，总投资15.69亿元。"
)
ROUND_OTHER_WORDS = (
    "太原日报讯 2月6日上午，太原市开发区“三个一批”活动举行。其中签约一批项目30个，"
    "总投资16.69亿元；开工一批项目25个，总投资16.13亿元；投产一批项目20个，总投资15.69亿元。"
)
ROUND_CONFLICT = ROUND.replace("16.69亿元", "18.20亿元").replace("全市", "全市各")
SIGNED = "2月20日，太谷经开区签约总投资5亿元的华润储能项目。"
STARTED = "3月2日，太谷经开区总投资6亿元的华润储能项目正式开工。"


def doc(text: str, name: str, day=date(2025, 3, 10), **kw) -> NewDocument:
    return NewDocument(text.encode("utf-8"), filename=name, published=day, **kw)


def batch_total(repo, kind="signed") -> float:
    data = repo.snapshot().dataset
    series = aggregate.metric_by_unit(data, "city", "batch_investment", Filters(kind=kind))
    return series["140100"]


def test_filled_from_data_dir_once(db_url):
    repo = open_store(db_url, data_dir=DATA)
    snap = repo.snapshot()
    assert len(snap.dataset.zones) > 30 and len(snap.dataset.projects) > 5
    assert len(snap.dataset.sources) >= 5
    version = repo.data_version()
    again = open_store(db_url, data_dir=DATA)  # a second start adds nothing
    assert again.data_version() == version
    assert len(again.snapshot().dataset.projects) == len(snap.dataset.projects)
    doc0 = repo.document(snap.dataset.sources["doc_id"][0])
    assert doc0["text"] and doc0["sha256"] and doc0["annotations"]
    repo.close()
    again.close()


def test_ingest_adds_and_bumps_the_version(repo):
    before = repo.data_version()
    result = repo.ingest(doc(SIGNED, "signed.txt"), actor="tester")
    assert result.created and result.doc_id == "signed.txt"
    assert [p["name"] for p in result.projects] == ["华润储能项目"]
    assert repo.data_version() > before
    projects = repo.snapshot().dataset.projects
    row = projects[projects["name"] == "华润储能项目"].iloc[0]
    assert row["investment_cny"] == 500_000_000 and row["county_adcode"] == "140703"
    stored = repo.document("signed.txt")
    assert stored["added_by"] == "tester" and stored["extractor_version"]
    assert stored["text"][stored["projects"][0]["span_start"] :].startswith("5亿元")


def test_the_same_bytes_twice_are_one_document(repo):
    first = repo.ingest(doc(SIGNED, "a.txt"), actor="t")
    version = repo.data_version()
    second = repo.ingest(doc(SIGNED, "b.txt"), actor="t")
    assert not second.created and second.doc_id == first.doc_id
    assert repo.data_version() == version


def _signed_taiyuan(repo):
    batches = repo.snapshot().dataset.batches
    signed = batches[(batches["adcode"] == "140100") & (batches["kind"] == "signed")]
    return signed[signed["round_date"] == "2025-02-06"]


def test_a_second_report_of_a_round_is_not_counted_twice(repo):
    # The fixture's d2 reports this round already: three documents, one figure.
    assert len(_signed_taiyuan(repo)) == 1 and _signed_taiyuan(repo).iloc[0]["reports"] == 1
    repo.ingest(doc(ROUND, "round-a.txt"), actor="t")
    once = batch_total(repo)
    result = repo.ingest(doc(ROUND_OTHER_WORDS, "round-b.txt"), actor="t")
    assert result.merged >= 3
    assert batch_total(repo) == once == 1_669_000_000
    signed = _signed_taiyuan(repo)
    assert len(signed) == 1
    assert signed.iloc[0]["reports"] == 3
    assert signed.iloc[0]["doc_ids"] == "d2|round-a.txt|round-b.txt"


def test_conflicting_reports_are_flagged_and_not_summed(repo):
    repo.ingest(doc(ROUND, "round-a.txt"), actor="t")
    repo.ingest(doc(ROUND_CONFLICT, "round-c.txt"), actor="t")
    batches = repo.snapshot().dataset.batches
    signed = batches[(batches["adcode"] == "140100") & (batches["kind"] == "signed")]
    row = signed[signed["round_date"] == "2025-02-06"].iloc[0]
    assert row["status"] == "conflict" and row["investment_cny"] is None
    assert "1669000000" in row["reported"] and "1820000000" in row["reported"]
    assert math.isnan(batch_total(repo))  # no figure until an editor settles it
    assert batch_total(repo, "started") == 1_613_000_000  # the agreeing kinds still count


def test_one_project_many_reports_has_a_timeline(repo):
    repo.ingest(doc(SIGNED, "signed.txt", day=date(2025, 2, 21)), actor="t")
    repo.ingest(doc(STARTED, "started.txt", day=date(2025, 3, 3)), actor="t")
    projects = repo.snapshot().dataset.projects
    rows = projects[projects["name"] == "华润储能项目"]
    assert len(rows) == 1
    row = rows.iloc[0]
    assert row["stage"] == "started" and row["investment_cny"] == 600_000_000
    assert row["reports"] == 2 and row["doc_ids"] == "signed.txt|started.txt"
    project = repo.project(row["project_id"])
    assert [m["stage"] for m in project["timeline"]] == ["signed", "started"]
    assert [m["investment_cny"] for m in project["timeline"]] == [500_000_000, 600_000_000]


def test_retracting_removes_only_what_the_document_alone_supports(repo):
    repo.ingest(doc(ROUND, "round-a.txt"), actor="t")
    repo.ingest(doc(ROUND_OTHER_WORDS, "round-b.txt"), actor="t")
    repo.ingest(doc(SIGNED, "signed.txt"), actor="t")
    repo.retract("signed.txt", actor="editor1", note="wrong article")
    repo.retract("round-a.txt", actor="editor1")
    data = repo.snapshot().dataset
    assert "华润储能项目" not in set(data.projects["name"])
    assert batch_total(repo) == 1_669_000_000  # still reported by round-b
    assert "signed.txt" not in set(data.sources["doc_id"])
    assert repo.document("signed.txt")["state"] == "retracted"  # kept, hidden
    trail = repo.audit_trail("document", "signed.txt")
    assert [a["action"] for a in trail] == ["ingest", "retract"]
    assert trail[1]["actor"] == "editor1" and trail[1]["note"] == "wrong article"


def test_documents_waiting_for_review_stay_off_the_map(repo):
    repo.ingest(doc(SIGNED, "draft.txt", state="new"), actor="t")
    assert "华润储能项目" not in set(repo.snapshot().dataset.projects["name"])
    repo.set_document_state("draft.txt", "published", actor="editor1")
    assert "华润储能项目" in set(repo.snapshot().dataset.projects["name"])


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "empty.txt", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "picture.png", "unsupported"),
        (b"MZ\x90\x00binary", "tool.exe", "unsupported"),
        (b"%PDF-1.4 garbage", "scan.pdf", "PDF"),
    ],
)
def test_unreadable_documents_store_nothing(repo, content, name, message):
    version = repo.data_version()
    with pytest.raises(InputError, match=message):
        repo.ingest(NewDocument(content, filename=name), actor="t")
    assert repo.data_version() == version


def test_missing_things_are_404s(repo):
    with pytest.raises(NotFoundError):
        repo.document("nope.txt")
    with pytest.raises(NotFoundError):
        repo.project("p000000000000")
    with pytest.raises(NotFoundError):
        repo.retract("nope.txt", actor="t")


def test_accounts_tokens_and_passwords(repo):
    alice = repo.add_user("alice", "editor")
    token = repo.issue_token(alice, label="laptop")
    assert repo.authenticate(token).name == "alice"
    with pytest.raises(AuthError):
        repo.authenticate(token + "x")
    with pytest.raises(InputError, match="exists"):
        repo.add_user("alice", "admin")
    with pytest.raises(InputError, match="role"):
        repo.add_user("bob", "owner")
    repo.set_password(alice, "correct horse battery")
    assert repo.check_password("alice", "correct horse battery").role == "editor"
    assert repo.check_password("alice", "wrong password!") is None
    assert repo.check_password("nobody", "correct horse battery") is None
    (listed,) = repo.tokens(alice)
    repo.revoke_token(alice, listed["id"])
    with pytest.raises(AuthError, match="revoked"):
        repo.authenticate(token)
    assert "token" in {
        a["entity"] for a in repo.rows(__import__("geo.store.schema").store.schema.audit)
    }
