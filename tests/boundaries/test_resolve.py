"""Place names to units, table-driven."""

import pytest

import boundaries
from boundaries import AmbiguousPlaceError, UnknownPlaceError


@pytest.mark.parametrize(
    ("name", "within", "adcode"),
    [
        ("太谷区", None, "140703"),  # full
        ("太谷", None, "140703"),  # short
        ("太谷縣", None, "140703"),  # traditional, historic type word
        ("太穀區", None, "140703"),  # traditional
        ("太谷县", None, "140703"),  # historic
        ("大同县", None, "140215"),
        ("长治县", None, "140404"),
        ("長治縣", None, "140404"),
        ("屯留县", None, "140405"),
        ("潞城市", None, "140406"),
        ("怀仁县", None, "140681"),
        ("怀仁", None, "140681"),
        ("城区", "长治", "140403"),  # historic 长治城区 → 潞州区
        ("郊区", "长治市", "140403"),
        ("长治郊区", None, "140403"),
        ("城区", "晋城", "140502"),
        ("城区", "140300", "140302"),
        ("矿区", "阳泉", "140303"),
        ("晋城城区", None, "140502"),
        ("阳泉市郊区", None, "140311"),
        ("长治", None, "140400"),  # the city, not the historic 长治县
        ("大同", None, "140200"),
        ("大同市", None, "140200"),
        ("山西", None, "140000"),
        ("山西省", None, "140000"),
        ("山西省太原市", None, "140100"),
        ("晋城市泽州县", None, "140525"),
        ("祁县", None, "140727"),
        (" 小 店 区 ", None, "140105"),
        ("140105", None, "140105"),
        ("吕梁", "山西", "141100"),
    ],
)
def test_resolve(name, within, adcode):
    assert boundaries.resolve(name, within=within).adcode == adcode


@pytest.mark.parametrize(
    ("name", "candidates"),
    [
        ("城区", {"140213", "140302", "140403", "140502"}),
        ("郊区", {"140311", "140403"}),
        ("矿区", {"140214", "140303"}),
        ("南郊区", {"140213", "140214"}),
    ],
)
def test_ambiguous_names_list_their_candidates(name, candidates):
    with pytest.raises(AmbiguousPlaceError) as info:
        boundaries.resolve(name)
    assert {u.adcode for u in info.value.candidates} == candidates
    assert "parent" in str(info.value)


@pytest.mark.parametrize(
    ("name", "within"),
    [
        ("浦东新区", None),
        ("", None),
        ("小店区", "晋中"),
        ("郑州", None),
        ("城区", "郑州"),
        ("999999", None),
    ],
)
def test_unknown_names(name, within):
    with pytest.raises(UnknownPlaceError):
        boundaries.resolve(name, within=within)


def test_locate():
    loc = boundaries.locate(112.75, 37.42)  # Taigu, WGS-84
    assert (loc.county.name, loc.city.name) == ("太谷区", "晋中市")
    assert boundaries.locate(116.4, 39.9) is None  # Beijing
    assert boundaries.locate(*boundaries.unit("140502").seat_point).county.adcode == "140502"
