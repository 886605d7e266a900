"""An editor's input checked and turned into column values: table-driven, no database."""

from __future__ import annotations

import pytest

from geo.errors import InputError
from geo.store import edits


@pytest.mark.parametrize(
    ("text", "adcode"),
    [
        ("140703", "140703"),
        ("140703 晋中市太谷区", "140703"),  # the picker's suggestion
        ("太谷区", "140703"),
        ("太谷", "140703"),
        ("太谷縣", "140703"),  # traditional and historic
        ("Taigu", "140703"),
        ("taigu district", "140703"),
        ("Yuci", "140702"),
        ("晋城市城区", "140502"),  # a shared name with its city
        ("晋中市", "140700"),
        ("Shanxi", "140000"),
    ],
)
def test_places_by_name_pinyin_or_adcode(text, adcode):
    assert edits.resolve_place(text).adcode == adcode


@pytest.mark.parametrize(
    ("text", "message"),
    [("城区", "ambiguous"), ("Chengqu", "ambiguous"), ("nowhere", "no Shanxi unit"),
     ("149999", "no Shanxi unit")],
)  # fmt: skip
def test_places_never_guessed(text, message):
    with pytest.raises(InputError, match=message):
        edits.resolve_place(text)


@pytest.mark.parametrize(
    ("value", "cny"),
    [
        ("16.69", 1_669_000_000),
        ("5", 500_000_000),
        ("5000万元", 50_000_000),
        ("1.26亿元", 126_000_000),
        ("1,200", 120_000_000_000),
        (500_000_000, 500_000_000),  # JSON: an int is CNY
        ("", None),
    ],
)
def test_amounts(value, cny):
    assert edits.amount_cny("amount", value) == cny


@pytest.mark.parametrize("value", ["lots", "-5", "1e20", True, float("nan")])
def test_bad_amounts(value):
    with pytest.raises(InputError, match="amount"):
        edits.amount_cny("amount", value)


@pytest.mark.parametrize(
    ("name", "type_"),
    [("某某经济技术开发区", "etdz"), ("某某高新区", "hitech"), ("某某产业园", "industrial_park"),
     ("杏花村白酒专业镇", "specialty_town"), ("某某联络处", "other")],
)  # fmt: skip
def test_zone_types_from_the_name(name, type_):
    assert edits.zone_type_of(name) == type_


def test_project_changes_place_the_record_at_the_seat():
    out = edits.project_changes({"place": "Yuci", "amount": "5.5", "stage": ""}, set())
    assert out["county_adcode"] == "140702" and out["city_adcode"] == "140700"
    assert out["precision"] == "county" and out["geocode_method"] == "editor:county"
    assert out["investment_cny"] == 550_000_000 and out["stage"] is None
    unplaced = edits.project_changes({"place": ""}, set())
    assert unplaced["precision"] is None and unplaced["unplaced_reason"] == "editor: no place"


def test_batch_changes_scope_from_the_place():
    assert edits.batch_changes({"place": "太原"}, set())["scope"] == "city"
    assert edits.batch_changes({"place": "小店区", "scope": "county"}, set())["adcode"] == "140105"
    with pytest.raises(InputError, match="zone"):
        edits.batch_changes({"scope": "zone"}, set())
    with pytest.raises(InputError, match="period_start"):
        edits.batch_changes({"period_start": "2025-13-01"}, set())


def test_aliases_and_locations():
    assert edits.aliases("新材园、榆次新材园\n新材园| ") == "新材园|榆次新材园"
    assert edits.location("112.75", "37.69") == (112.75, 37.69)
    lon, lat = edits.location(112.756, 37.69, "gcj02")
    assert 0.005 < 112.756 - lon < 0.007  # ~550 m: GCJ-02 is east of WGS-84 here
    with pytest.raises(InputError, match="datum"):
        edits.location(112.75, 37.69, "bd09")
    with pytest.raises(InputError, match="numbers"):
        edits.location("east", 37.69)
