"""What an article is about: the place or zone its headline, dateline and opening name.

A report about one county ("应县2020年建设项目集中开复工"), city ("本报讯…我市与全省同步举行…",
with 长治日报 as its publisher) or zone ("山西长治高新区全方位推动高质量发展") gives that place to
the projects and figures whose own text names nothing narrower. Evidence, strongest first:

- the headline (short lines before the first full sentence) and the opening sentences;
- 分会场: "记者从阳泉分会场了解到" - the venue of the local part of a province-wide round;
- the dateline or publisher ("临汾新闻网讯", "来源:长治日报", "兴县新闻网讯"): where the paper is,
  which is what 我市/全市/我县 refer to; a provincial paper (山西日报) or a reporter's dateline
  ("本报太原3月1日电") says nothing about the story's place on its own.

The context is used only when every Shanxi unit named in that evidence lies in one city (a
county and its city, or one city); an article about two cities has no single place, and one
whose opening names another province never lends a Shanxi place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from geo.extract_places import Place, lookup, place_pattern

_PUBLISHER = re.compile(
    r"(?P<name>[\u4e00-\u9fff]{2,6}?)(?:日报|晚报|晨报|新闻网|新闻中心|融媒体中心|融媒|电视台|广播电视台)"
)
_DATELINE = re.compile(r"(?:本报|新华社|中新网)?[\u4e00-\u9fff]{2,4}\d{1,2}月\d{1,2}日电")
_VENUE = re.compile(r"(?P<name>[\u4e00-\u9fff]{2,6}?)分会场")
HEAD_CHARS = 400  # the opening: headline lines plus about two sentences


@dataclass(frozen=True)
class Context:
    """The article's place: ``county`` and/or ``city`` (Places), ``zone`` (a zone mention's
    name), ``home`` the publisher's unit (what 我市/我县 mean) and ``evidence`` saying how."""

    county: Place | None = None
    city: Place | None = None
    zone: str | None = None
    home: Place | None = None
    province: bool = False  # the opening is about the whole province
    foreign: bool = False  # the opening names another province and no Shanxi unit
    evidence: str = ""

    @property
    def place(self) -> Place | None:
        return self.county or self.city

    def city_place(self) -> Place | None:
        """The city 我市/全市/该市 refers to: the context's city, else the publisher's."""
        if self.city is not None:
            return self.city
        home = self.home
        if home is None:
            return None
        if home.level == "city":
            return home
        return lookup_city(home)

    def county_place(self) -> Place | None:
        """The county 我县/全县/本县 refers to."""
        if self.county is not None:
            return self.county
        return self.home if self.home is not None and self.home.level == "county" else None


def lookup_city(place: Place) -> Place | None:
    """The city Place of a Shanxi county Place."""
    for p in _cities():
        if p.adcode == place.city_adcode:
            return p
    return None


def _cities() -> list[Place]:
    from geo.extract_places import lexicon

    seen, out = set(), []
    for p in lexicon().values():
        if p.level == "city" and p.adcode and p.adcode not in seen:
            seen.add(p.adcode)
            out.append(p)
    return out


def _shanxi(places: list[Place]) -> tuple[Place | None, Place | None] | None:
    """(county, city) when all places lie in one city; None when they disagree."""
    cities = {p.adcode if p.level == "city" else p.city_adcode for p in places}
    if len(cities) != 1:
        return None
    counties = {p.adcode: p for p in places if p.level == "county"}
    city_code = cities.pop()
    city = next((p for p in places if p.adcode == city_code), None)
    if city is None:
        city = next((p for p in _cities() if p.adcode == city_code), None)
    county = next(iter(counties.values())) if len(counties) == 1 else None
    return county, city


def _home(text: str) -> Place | None:
    """The publisher's Shanxi unit, from "X日报/X新闻网讯/来源:X日报" in the opening."""
    for mo in _PUBLISHER.finditer(text, 0, min(len(text), 600)):
        found = _place_in(mo.group("name"))
        if found is not None:
            return found
    return None


def _place_in(name: str) -> Place | None:
    """The last Shanxi city or county named in a short phrase ("临汾市的", "兴县"), else None."""
    found = None
    for mo in place_pattern().finditer(name):
        place = lookup(mo.group(0))
        if place is not None and place.adcode and place.level != "province":
            found = place
    return found


def article_context(doc) -> Context:
    """The context of a :class:`geo.extract_common.Document`."""
    text = doc.text
    head_end = _head_end(doc)
    masked = [mo.span() for mo in _DATELINE.finditer(text, 0, head_end)]

    def free(pos: int) -> bool:
        return not any(s <= pos < e for s, e in masked)

    places = [p for pos, p in doc.places_in(0, head_end, ("city", "county")) if free(pos)]
    province = any(free(pos) for pos, _ in doc.places_in(0, head_end, ("province",)))
    foreign = any(free(pos) for pos, _ in doc.foreign_in(0, head_end))
    for mo in _VENUE.finditer(text):
        venue = _place_in(mo.group("name"))
        if venue is not None:
            places.append(venue)
    home = _home(text)
    zones = [z for z in doc.zones if z.start < head_end]
    zone = doc.title_zone.name if doc.title_zone is not None else None
    if zone is None and not places and zones and len({_key(z.name) for z in zones}) == 1:
        zone = zones[0].name  # the opening names one zone and no county or city
    settled = _shanxi(places) if places else None
    if settled is None and not places and home is not None:
        settled = (home, lookup_city(home)) if home.level == "county" else (None, home)
        evidence = f"publisher {home.full}"
    elif settled is not None:
        evidence = "opening names " + "、".join(dict.fromkeys(p.full for p in places))
    else:
        evidence = ""
    if settled is None:
        return Context(zone=zone, home=home, province=province, foreign=foreign and not places)
    county, city = settled
    return Context(county, city, zone, home, province, False, evidence)


def _key(name: str) -> str:
    from geo.extract_common import same_zone_key

    return same_zone_key(name)


def _head_end(doc) -> int:
    """End of the opening: the short lines before the body (headline, source line) plus the
    first two sentences of the first body paragraph, at most HEAD_CHARS characters in all."""
    text = doc.text
    for ps, pe in doc.paragraphs:
        if ps >= HEAD_CHARS:
            return ps
        line = text[ps:pe]
        if "。" not in line and len(line) <= 60:
            continue
        end = ps
        for _ in range(2):
            cut = text.find("。", end, pe)
            end = cut + 1 if cut >= 0 else pe
        return min(end, ps + HEAD_CHARS)
    return len(text)
