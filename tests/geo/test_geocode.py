"""Placements: seats of units, precision labels, never a guess."""

import pytest
import shapely

import boundaries
from geo import geocode


@pytest.mark.parametrize(
    ("city", "county", "precision", "expected_county"),
    [
        ("140700", "140703", "county", "140703"),
        ("140700", None, "city", None),
        (None, "140525", "county", "140525"),
        (None, None, None, None),
    ],
)
def test_place_adcodes(city, county, precision, expected_county):
    p = geocode.place_adcodes(city, county, "gazetteer")
    assert p.precision == precision
    assert p.county_adcode == expected_county
    if precision is None:
        assert (p.lon, p.lat) == (None, None) and p.reason
        return
    unit = boundaries.unit(county or city)
    assert (p.lon, p.lat) == unit.seat_point
    full = boundaries.load(unit.level, "full").set_index("adcode").loc[unit.adcode, "geometry"]
    assert full.contains(shapely.Point(p.lon, p.lat))


def test_city_of_a_county_placement_is_its_parent():
    assert geocode.place_unit("140403", "text").city_adcode == "140400"


def test_province_placement():
    p = geocode.place_unit("140000", "text")
    assert (p.precision, p.city_adcode, p.county_adcode) == ("province", None, None)


@pytest.mark.parametrize(
    ("first", "second", "winner"),
    [
        (("140700", None), ("140700", "140703"), "140703"),  # county in the zone's city
        (("140700", "140703"), ("140700", "140727"), "140703"),  # tie keeps the first
        (("140700", None), ("140500", "140525"), None),  # conflict keeps the wider
        ((None, None), ("140500", "140525"), "140525"),  # anything beats unplaced
    ],
)
def test_narrower(first, second, winner):
    a = geocode.place_adcodes(*first, "zone")
    b = geocode.place_adcodes(*second, "text")
    assert geocode.narrower(a, b).county_adcode == winner
