"""Shared pieces of the extractor: the document model (paragraphs, sentences), amount
classification (investment or not) and place lookups within a sentence or paragraph."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from geo.dates import find_dates
from geo.extract_places import Place, lookup, place_pattern
from geo.extract_zones import _Raw, find_zones, zone_key
from geo.money import Amount, find_amounts
from geo.rules import mapping

_SENTENCE_END = re.compile(r"[。！？!?；;]")
MAX_SENTENCE = 400  # characters; real sentences in this genre stay well below

# The nearest keyword before an amount decides what the amount is (geo/rules/money_words.csv:
# word, kind, example). Longest alternatives first.
_KEYWORD_KIND = mapping("money_words", "kind")
_KEYWORDS = re.compile("|".join(map(re.escape, sorted(_KEYWORD_KIND, key=len, reverse=True))))
INVESTMENT_KEYWORDS = {w for w, k in _KEYWORD_KIND.items() if k == "investment"}
FACT_KINDS = ("output", "tax", "credit", "subsidy", "annual_plan", "spend_to_date", "other")
# Between keyword and amount only short glue may stand ("总投资达", "预计完成" makes it spend).
_GLUE = re.compile(
    r"^(?:约|达|为|共|超|近|逾|预计|计划|合计|共计|突破|高达|是|规模|达到|可达|可|实现|分别为)*$"
)


# "X项目计划投资2亿元" / "…项目，项目计划投资2亿元" is one project's planned total; "重点项目计划
# 投资" or "今年计划投资" is a zone's or a year's plan.
_PROJECT_PLAN = re.compile(
    r"(?<!重点)(?<!重大)(?<!在建)(?<!新建)(?<!续建)(?<!产业)(?<!工业)(?<!签约)(?<!开工)(?<!投产)"
    r"(?<!储备)(?<![区市县省年度个批类部有])项目(?:的)?$"
)

# "这一产业园计划投资39亿元": the project named before, not a yearly plan.
_ANAPHOR_PLAN = re.compile(r"(?:这一|该|这个|此)(?:产业园|项目|基地|园区|工程)$")

# A bare zone word referring back to the zone the article is about.
_ZONE_ANAPHOR = re.compile(
    r"(?:(?<![\u4e00-\u9fff])|(?<=[在进入到]))(经开区|开发区|高新区|园区|示范区|该区|全区|区内)"
)
_ANAPHOR_TYPES = {
    "经开区": {"etdz", "econ_dev"},
    "高新区": {"hitech"},
    "示范区": {"reform_demo", "agri_hitech", "modern_agri", "eco_tourism"},
}


@dataclass(frozen=True)
class Classified:
    """An amount with what it measures: ``kind`` 'investment' or a non-investment kind."""

    amount: Amount
    kind: str
    keyword: str | None
    keyword_start: int


def classify(text: str, amount: Amount, floor: int) -> Classified:
    """Decide what ``amount`` measures from the nearest keyword before it (not before floor)."""
    start = amount.span[0]
    ctx_start = max(floor, start - 16)
    best = None
    for mo in _KEYWORDS.finditer(text, ctx_start, start):
        best = mo
    if best is None:
        return Classified(amount, "other", None, start)
    glue = text[best.end() : start]
    word = best.group(0)
    if "完成" in glue or "累计" in text[max(floor, best.start() - 4) : best.start()]:
        return Classified(amount, "spend_to_date", word, best.start())
    if not _GLUE.match(glue):
        return Classified(amount, "other", word, best.start())
    if word == "计划投资" and (
        _PROJECT_PLAN.search(text, max(floor, best.start() - 12), best.start())
        or _ANAPHOR_PLAN.search(text, max(floor, best.start() - 8), best.start())
    ):
        return Classified(amount, "investment", word, best.start())  # X项目计划投资2亿元
    if word in INVESTMENT_KEYWORDS:
        before = text[max(floor, best.start() - 4) : best.start()]
        if word in ("投资", "投资额") and re.search(
            r"(年度|今年|全年|计划|工业|技改|新增)$", before
        ):
            return Classified(amount, "annual_plan", word, best.start())
        return Classified(amount, "investment", word, best.start())
    return Classified(amount, _KEYWORD_KIND.get(word, "other"), word, best.start())


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    paragraph: int


class Document:
    """Normalised text with paragraphs, sentences, zone mentions and places precomputed."""

    def __init__(self, text: str, published: date | None) -> None:
        self.text = text
        self.published = published
        self.paragraphs: list[tuple[int, int]] = []
        pos = 0
        for line in text.split("\n"):
            self.paragraphs.append((pos, pos + len(line)))
            pos += len(line) + 1
        self.sentences: list[Sentence] = []
        for p_index, (ps, pe) in enumerate(self.paragraphs):
            s = ps
            for mo in _SENTENCE_END.finditer(text, ps, pe):
                self._add_sentence(s, mo.end(), p_index)
                s = mo.end()
            if s < pe:
                self._add_sentence(s, pe, p_index)
        self.zones: list[_Raw] = list(find_zones(text))

    def _add_sentence(self, start: int, end: int, paragraph: int) -> None:
        """Add a sentence; one longer than MAX_SENTENCE (run-on text, tables, spam) is cut at
        commas so that every per-sentence lookup stays bounded."""
        while end - start > MAX_SENTENCE:
            cut = self.text.rfind("，", start + MAX_SENTENCE // 2, start + MAX_SENTENCE)
            cut = cut + 1 if cut >= 0 else start + MAX_SENTENCE
            self.sentences.append(Sentence(start, cut, paragraph))
            start = cut
        self.sentences.append(Sentence(start, end, paragraph))

    @cached_property
    def amounts(self) -> list[Amount]:
        return list(find_amounts(self.text))

    @cached_property
    def _amount_starts(self) -> list[int]:
        return [a.span[0] for a in self.amounts]

    def amounts_in(self, start: int, end: int) -> list[Amount]:
        """Amounts starting in [start, end), left to right (binary search)."""
        i = bisect_left(self._amount_starts, start)
        j = bisect_left(self._amount_starts, end, i)
        return self.amounts[i:j]

    @cached_property
    def context(self):
        """What the article is about (see :mod:`geo.extract_context`)."""
        from geo.extract_context import article_context

        return article_context(self)

    @cached_property
    def event_date(self) -> str | None:
        """The day of the article's event: the first dated sentence that names a round or a
        concentrated signing/start, else the first full date of the opening paragraphs."""
        first = None
        for s in self.sentences:
            chunk = self.text[s.start : s.end]
            for ref, offset in self.dates_in(s.start, s.end):
                if ref.precision != "day" or "月" not in ref.text:
                    continue  # 2022-03-04 in a source line stamps the page, not the event
                at = offset + ref.span[1]
                if re.match(r"\s*\d{1,2}:\d{2}", self.text[at : at + 8]):
                    continue  # 2020年10月28日11:10: a page stamp
                if re.search(r"三个一批|集中|仪式|活动|签约|开工|投产", chunk):
                    return ref.iso
                first = first or ref.iso
        return first

    def dates_in_sentence(self, sent: Sentence) -> bool:
        return any(ref.precision == "day" for ref, _ in self.dates_in(sent.start, sent.end))

    def has_amount(self, start: int, end: int) -> bool:
        """Does an amount start in [start, end)? (binary search: no scan per lookup)"""
        i = bisect_left(self._amount_starts, start)
        return i < len(self._amount_starts) and self._amount_starts[i] < end

    def sentence_at(self, pos: int) -> Sentence:
        lo, hi = 0, len(self.sentences) - 1
        while lo < hi:  # binary search: the last sentence starting at or before pos
            mid = (lo + hi + 1) // 2
            if self.sentences[mid].start <= pos:
                lo = mid
            else:
                hi = mid - 1
        return self.sentences[lo]

    @cached_property
    def _zone_starts(self) -> list[int]:
        return [z.start for z in self.zones]  # find_zones yields them left to right

    def zones_in(self, start: int, end: int) -> list[_Raw]:
        lo = bisect_left(self._zone_starts, start)
        hi = bisect_left(self._zone_starts, end, lo)
        return [z for z in self.zones[lo:hi] if z.end <= end]

    def inside_zone(self, pos: int) -> bool:
        lo = bisect_left(self._zone_starts, pos - 200)  # no zone name is that long
        hi = bisect_left(self._zone_starts, pos + 1, lo)
        return any(pos < z.end for z in self.zones[lo:hi])

    def places_in(self, start: int, end: int, levels: tuple[str, ...]) -> list[tuple[int, Place]]:
        """Shanxi places (by level) written in [start, end), not as part of a zone name."""
        out = []
        foreign_end = -1
        for mo in place_pattern().finditer(self.text, max(0, start - 12), end):
            place = lookup(mo.group(0))
            if place is not None and place.adcode is None:
                foreign_end = mo.end()  # 黑龙江省大庆市 + 大同区: that province's unit
            if mo.start() < start:
                continue
            if place is None or place.level not in levels:
                continue
            if place.adcode is None:
                continue
            if foreign_end == mo.start() or _other_unit(self.text, mo, place):
                continue
            if self._in_dateline(mo.start()):
                continue  # 本报太原3月1日电: where the reporter filed, not where the news is
            if self.inside_zone(mo.start()) or _in_company(self.text, mo.end()):
                continue
            if _PUBLISHER.match(self.text, mo.end()):
                continue  # 临汾日报讯: the paper, not where the news happens
            out.append((mo.start(), place))
        return out

    @cached_property
    def _datelines(self) -> list[tuple[int, int]]:
        return [mo.span() for mo in _DATELINE.finditer(self.text)]

    def _in_dateline(self, pos: int) -> bool:
        return any(s <= pos < e for s, e in self._datelines)

    def foreign_in(self, start: int, end: int) -> list[tuple[int, Place]]:
        """Places of other provinces written in [start, end) (names only, never placed)."""
        out = []
        for mo in place_pattern().finditer(self.text, start, end):
            place = lookup(mo.group(0))
            if place is None or self.inside_zone(mo.start()):
                continue
            if place.adcode is None:
                out.append((mo.start(), place))
            elif _other_unit(self.text, mo, place):  # 大同区: not Shanxi's 大同市
                name = mo.group(0) + self.text[mo.end()]
                out.append((mo.start(), Place(name, name, "county", None, None)))
        return out

    def zone_context(self, sent: Sentence, pos: int) -> str | None:
        """The zone a sentence without a named zone is about: the only zone named in its
        paragraph before pos, else - when a bare 经开区/开发区/园区 refers back - the last zone
        named before, provided no other zone was named in between (3000 characters at most),
        else the zone the whole article is about (see :attr:`title_zone`).

        A paragraph opening with 其中 ("其中，投资20亿元的…项目") lists parts of the figure
        before it, so the paragraph before counts as its own. A county written in the sentence
        before the project ("在洪洞县，…") overrides any zone inherited from elsewhere.
        """
        zone = self._inherited_zone(sent, pos)
        if zone is None:
            return None
        clause = self.text.rfind("，", sent.start, pos)
        counties = self.places_in(sent.start, max(sent.start, clause), ("county",))
        if counties and all(not _zone_in(zone, place) for _, place in counties):
            return None  # 在榆次区，投资…的X项目: not in the 介休 zone of the paragraph
        return zone.name

    def _inherited_zone(self, sent: Sentence, pos: int) -> _Raw | None:
        ps, _ = self.paragraphs[sent.paragraph]
        if sent.paragraph > 0 and self.text.startswith("其中", ps):
            ps = self.paragraphs[sent.paragraph - 1][0]
        in_paragraph = [  # "…的Y项目落户X区。" places Y, not what follows
            z
            for z in self.zones_in(ps, pos)
            if z.start >= sent.start
            or not _SETTLED_BEFORE.search(self.text, max(ps, z.start - 9), z.start)
        ]
        keys = {same_zone_key(z.name) for z in in_paragraph}
        common = min(keys, key=len) if keys else None
        if common is not None and all(k.startswith(common) for k in keys):
            # one zone, or one zone and its parts (吕梁经开区, 吕梁经开区科创产业园): the zone
            return [z for z in in_paragraph if same_zone_key(z.name) == common][-1]
        if in_paragraph:
            return None
        mo = _ZONE_ANAPHOR.search(self.text, ps, pos)
        if mo is not None:
            earlier = self.zones_in(ps - 3000, ps)
            if earlier:
                last = earlier[-1]
                wanted = _ANAPHOR_TYPES.get(mo.group(1))
                return last if wanted is None or last.type in wanted else None
        return self.title_zone

    @cached_property
    def title_zone(self) -> _Raw | None:
        """The zone an article is about: named in its headline (the short lines before the
        first sentence that ends with 。), when every zone the article names is that zone or a
        part of it ("忻州经开区一季度重点项目建设提速" … "在忻州经开区智能制造产业园，…")."""
        headline = None
        for ps, pe in self.paragraphs[:4]:
            line = self.text[ps:pe]
            if len(line) > 60 or "。" in line:
                break
            zones = self.zones_in(ps, pe)
            if zones:
                headline = zones[0]
                break
        if headline is None:
            return None
        key = same_zone_key(headline.name)
        if all(same_zone_key(z.name).startswith(key) for z in self.zones):
            return headline
        return None

    def dates_in(self, start: int, end: int):
        """Dates in a sentence range; a year written in the same sentence anchors M月D日."""
        chunk = self.text[start:end]
        year_mo = re.search(r"((?:19|20)\d{2})年(?!以来)", chunk)
        year = int(year_mo.group(1)) if year_mo else None
        for ref in find_dates(chunk, self.published, year):
            if self._datelines and self._in_dateline(start + ref.span[0]):
                continue  # 本报太原3月1日电: the day the report was filed
            yield ref, start


_DATELINE = re.compile(
    r"(?:^|(?<=\n))[^\n]{0,12}?(?:本报|新华社|中新网)?[\u4e00-\u9fff]{2,4}\d{1,2}月\d{1,2}日电"
)
_PUBLISHER = re.compile(r"(?:日报|晚报|晨报|新闻|报社|广播|电视台|融媒)")
_SETTLED_BEFORE = re.compile(r"(?:落户|落地|位于|坐落于|选址)(?:于|在)?(?:综改区)?$")


def same_zone_key(name: str) -> str:
    """zone_key, with "X经开区" taken as the short form of "X经济开发区" too (papers shorten
    both 经济技术开发区 and 经济开发区 to 经开区): for zones named within one article only."""
    return zone_key(name).replace("经济开发区", "经开区")


def _zone_in(zone: _Raw, county: Place) -> bool:
    """Can the zone lie in the county? Its place prefix names that county or its city."""
    place = lookup(zone.place) if zone.place else None
    if place is None or place.adcode is None:
        return zone.place is None
    return place.adcode in (county.adcode, county.city_adcode)


def _other_unit(text: str, mo: re.Match, place: Place) -> bool:
    """ "大同区" is not 大同市: a short form followed by 区/县 that makes no Shanxi name."""
    nxt = text[mo.end() : mo.end() + 1]
    if nxt not in ("区", "县") or mo.group(0) == place.full:
        return False
    return lookup(mo.group(0) + nxt) is None


def _in_company(text: str, end: int) -> bool:
    """Is the place at ``end`` the start of a company name (山西海诺科技股份有限公司)?"""
    tail = text[end : end + 24]
    mo = re.match(r"[\u4e00-\u9fff（）()]{0,20}?(有限公司|有限责任公司|集团|公司)", tail)
    return mo is not None and not re.search(r"[，。、的在与同将]", mo.group(0))


def heading_place(doc: Document, p_index: int) -> Place | None:
    """A short heading paragraph naming a Shanxi unit ("长治：") within the three paragraphs
    before: the place of the list under it."""
    for i in range(p_index, max(-1, p_index - 4), -1):
        ps, pe = doc.paragraphs[i]
        mo = re.match(r"^([\u4e00-\u9fff]{2,6})[：:]$", doc.text[ps:pe])
        if mo:
            place = lookup(mo.group(1))
            if place is not None and place.adcode and place.level != "province":
                return place
    return None
