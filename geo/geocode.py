"""Placing zones and projects on Shanxi's units, with an honest precision label.

A point is always the seat of the unit at the stated precision (county seat, city seat,
provincial capital), in WGS-84 and inside that unit. We never invent a site coordinate:
an entity known only to its city is drawn at the city seat and labelled ``city``.
"""

from __future__ import annotations

from dataclasses import dataclass

import boundaries

PRECISIONS = ("county", "city", "province")


@dataclass(frozen=True)
class Placement:
    """Where an entity is, as far as the sources say. Adcodes are 6-digit strings."""

    city_adcode: str | None
    county_adcode: str | None
    lon: float | None  # WGS-84 degrees
    lat: float | None
    precision: str | None  # one of PRECISIONS, None when unplaced
    method: str  # how the place was found: "zone:county", "text:county", ...
    reason: str | None = None  # why an entity stays unplaced

    @property
    def placed(self) -> bool:
        return self.precision is not None


def unplaced(reason: str) -> Placement:
    return Placement(None, None, None, None, None, "none", reason)


def place_unit(adcode: str, method: str) -> Placement:
    """Placement at the seat of the unit with this adcode (county, city or province)."""
    unit = boundaries.unit(adcode)
    lon, lat = unit.seat_point
    if unit.level == "county":
        return Placement(unit.parent_adcode, unit.adcode, lon, lat, "county", method)
    if unit.level == "city":
        return Placement(unit.adcode, None, lon, lat, "city", method)
    return Placement(None, None, lon, lat, "province", method)


def place_adcodes(city_adcode: str | None, county_adcode: str | None, method: str) -> Placement:
    """The narrowest of a county and a city adcode (either may be missing)."""
    if county_adcode:
        return place_unit(county_adcode, f"{method}:county")
    if city_adcode:
        return place_unit(city_adcode, f"{method}:city")
    return unplaced(f"{method}: no city or county known")


def place_zone(city_adcode: str | None, county_adcode: str | None) -> Placement:
    """A gazetteer zone: every zone there is in Shanxi, so one without a single host city
    (综改区 spans 太原 and 晋中) is placed at province precision, labelled as such."""
    if city_adcode or county_adcode:
        return place_adcodes(city_adcode, county_adcode, "gazetteer")
    return place_unit("140000", "gazetteer:province")


def narrower(first: Placement, second: Placement) -> Placement:
    """The more precise of two placements, preferring ``first`` on ties.

    A narrower place that contradicts the wider one (a county outside the zone's city)
    is a conflict: we keep the wider, consistent placement rather than guess.
    """
    rank = {None: 3, "province": 2, "city": 1, "county": 0}
    if rank[second.precision] >= rank[first.precision]:
        return first
    if first.city_adcode and second.city_adcode and first.city_adcode != second.city_adcode:
        return first
    return second
