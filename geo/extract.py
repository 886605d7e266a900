"""Extract zones, investment projects, '三个一批' batch figures and other money facts from one
article. No geocoding here: records carry names as written and spans into the ORIGINAL text.

Precision over recall: an amount becomes a project's investment only when an investment keyword
(总投资, 投资, 计划总投资 ...) stands right before it and a project name is bound to it by the
grammar of the sentence ("总投资36亿元的X项目", "X项目，总投资30亿元", "投资7.5亿元建设的X").
Output (年产值), credit (授信), annual plans (年度计划投资), spend to date (累计完成投资),
subsidies, revenue, tax and contract values are recorded as :class:`Fact`, never as investment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from geo.dates import detect_published
from geo.extract_batches import BatchFigure, check_sums, find_batches
from geo.extract_common import Document, classify, heading_place
from geo.extract_places import lookup, place_pattern
from geo.extract_zones import ZoneMention, zone_key
from geo.money import Amount
from geo.rules import mapping, words
from geo.text import normalise

__all__ = [
    "BatchFigure",
    "Extraction",
    "Fact",
    "ProjectMention",
    "ZoneMention",
    "extract",
    "zone_key",
]

_NAME_CHARS = r"[^，。；：！？、,;:!?\n]"
# "总投资12亿元、年产5万吨的X项目": a capacity or size clause (no amount) may stand before 的.
_AFTER_LEAD = (
    r"(?:以上|左右)?(?:、(?:年产|占地|建筑面积|用地|规划|设计|新增)[^，。；、元的]{1,16})?"
    r"(?:用于|用来)?(?:建设|新建|打造|实施|兴建|建成)?的"
)
_AFTER = [  # 36亿元的X项目 / 7.5亿元建设的X产业园: a name ending in 项目 wins
    re.compile(_AFTER_LEAD + r"(?P<name>" + _NAME_CHARS + r"{2,60}?项目)"),
    re.compile(_AFTER_LEAD + r"(?P<name>" + _NAME_CHARS + r"{2,60}?(?:产业园|基地|工程|生产线))"),
]
_HEADS = r"(?:项目|产业园区|产业园|基地|工程|生产线)"
# "投资25亿元建设年产10GW电池组件项目；": the verb's object, up to the end of its clause. Only
# project-like heads: "拟投资10亿元建设算力中心" names a facility, not a project.
_VERB_OBJECT = re.compile(
    r"(?:用于|用来)?(?:建设|新建|打造|兴建|布局)(?P<name>"
    + _NAME_CHARS
    + r"{2,40}?(?:项目|产业园|基地|工程|生产线))(?=[，。；、,;\n]|$)"
)
# "X项目，总投资…", "X项目（投资20亿元）", "X项目的基础投资为…", "龙芯信创产业园区投资10亿多元"
_BEFORE = re.compile(
    r"(?P<name>" + _NAME_CHARS + r"{2,60}(?:项目|工程))”?(?:的|[，,（(])?$"
    r"|(?P<park>" + _NAME_CHARS + r"{2,40}(?:产业园区|产业园|基地|生产线))$"
)
_NAME_LEAD = re.compile(
    "^(?:" + "|".join(map(re.escape, sorted(words("name_leads"), key=len, reverse=True))) + ")+"
)
_COMPANY_IN_NAME = re.compile(r".{2,30}?(?:股份有限公司|有限责任公司|有限公司|公司|集团)")
_GENERIC = re.compile(
    r"^(?:.{0,4}(?:类|批))?(?:"
    + "|".join(map(re.escape, sorted(words("generic_words"), key=len, reverse=True)))
    + r")*(?:[一二三四五六七八九]期)?(?:项目|工程)$"
)
_GROUP_NAME = re.compile(r"(\d+|[一二两三四五六七八九十]+)个")
_COMPANY = re.compile(r"[\u4e00-\u9fff（）()]{2,30}?(?:股份有限公司|有限责任公司|有限公司|集团)")
_COMPANY_CUT = re.compile(r".*(?:[，。、；：“”的在与和及由是对为到向把]|旗下|深入|走进|看到|介绍)")
_ALIAS = re.compile(r"（以下简称“(?P<alias>[^”]{2,12})”）")
_CAPACITY = re.compile(
    r"年产(?:能)?[\u4e00-\u9fff]{0,6}?\d+(?:\.\d+)?(?:万|亿)?(?:吨|件|套|台|辆|枚|片|平方米|千瓦|千瓦时|GW|MW|GWh)"
    r"|\d+(?:\.\d+)?(?:MW|GW|MWh|GWh|万千瓦)(?:/\d+(?:\.\d+)?(?:MWh|GWh))?"
)
# (word, stage): geo/rules/stage_verbs.csv; longest first so 建成投产 wins over 建成.
_STAGES = sorted(mapping("stage_verbs", "stage").items(), key=lambda kv: -len(kv[0]))
_STAGE_RE = re.compile("|".join(w for w, _ in _STAGES))
_LIST_HEAD = re.compile(
    r"(?P<verb>签约|开工|投产|竣工)(?:的)?(?:重点|重大)?项目(?:主要)?(?:(?:有|包括|为|是)[：:]|中[，,])"
)
_FUTURE_BEFORE = re.compile(r"(将|尽快|计划|预计|拟|力争|争取|明年|今年|年内|推动|确保|待)$")
# A stage verb later in a clause that opens with one of these is a plan: 预计三季度投产.
_FUTURE_CLAUSE = re.compile(r"(?:该?项目|全部|均)?(?:预计|计划|将|拟|力争|争取|确保|有望)")


@dataclass(frozen=True)
class ProjectMention:
    """An investment project named with its amount. ``investment_cny`` integer yuan;
    ``investment_text`` the amount as written; ``stage`` signed/started/under_construction/
    in_production/completed or None; ``date`` ISO; ``zone_name`` the zone the text attributes
    it to; ``place_name`` a place named for it (county or city, as written in full)."""

    name: str
    company: str | None
    zone_name: str | None
    investment_cny: int
    investment_text: str
    capacity: str | None
    stage: str | None
    date: str | None
    place_name: str | None
    span: tuple[int, int]
    amount_span: tuple[int, int]
    qualifier: str | None = None
    place_method: str | None = None
    evidence: str = ""


@dataclass(frozen=True)
class Fact:
    """A figure that is not a project's investment nor an aggregate figure: ``kind`` output,
    tax, credit, subsidy, annual_plan, spend_to_date, percentage, other - or investment for
    an investment amount tied to no project or group (``evidence`` says why); ``value_cny``
    integer yuan (None for a percentage)."""

    kind: str
    value_cny: int | None
    text: str
    span: tuple[int, int]
    evidence: str = ""


@dataclass(frozen=True)
class Extraction:
    zones: tuple[ZoneMention, ...]
    projects: tuple[ProjectMention, ...]
    batches: tuple[BatchFigure, ...]
    facts: tuple[Fact, ...]
    warnings: tuple[str, ...] = field(default=())
    date: str | None = None


# Bounded, and never starting inside a digit run: a long run of digits costs linear time.
_PERCENT = re.compile(r"(?<![\d.])\d{1,15}(?:\.\d{1,12})?(?:%|个百分点)")


def _batch_figure(b, norm) -> BatchFigure:
    span = norm.span(b.start, max(b.end, b.start + 1))
    return BatchFigure(
        b.scope,
        b.place,
        b.kind,
        b.projects,
        b.investment,
        b.output,
        b.date,
        span,
        period_type=b.period_type,
        period_start=b.period_start,
        period_end=b.period_end,
        period_label=b.period_label,
        place_method=b.place_method,
        evidence=b.evidence,
        count_span=norm.span(*b.count_span) if b.count_span else None,
        amount_span=norm.span(*b.amount_span) if b.amount_span else None,
    )


CHUNK_CHARS = 100_000
"""Texts longer than this are cut at line breaks into pieces extracted one by one: no news
article is that long, and it keeps every lookup local (a 10 MB input takes seconds, not hours)."""


def extract(text: str, published: date | None = None) -> Extraction:
    """Extract everything from one article; spans index ``text``. Never raises on odd text."""
    if len(text) > 2 * CHUNK_CHARS:
        return _extract_chunked(text, published)
    norm = normalise(text)
    detected = detect_published(norm.text)
    doc = Document(norm.text, detected or published)
    zones = tuple(
        ZoneMention(z.name, z.type, norm.span(z.start, z.end), z.place, z.parent) for z in doc.zones
    )
    projects, used = _projects(doc)
    raw_batches, batch_amounts, parts = find_batches(doc, used)
    used |= batch_amounts
    batches = tuple(_batch_figure(b, norm) for b in raw_batches)
    part_of = {p.amount_start: p.evidence for p in parts}
    facts = []
    for amount in doc.amounts:
        if amount.span[0] in used and amount.span[0] not in part_of:
            continue
        sent = doc.sentence_at(amount.span[0])
        c = classify(doc.text, amount, sent.start)
        if amount.span[0] in part_of:
            evidence = part_of[amount.span[0]]
        elif c.kind == "investment":
            evidence = f"{c.keyword} before it, but no project or group of projects is named for it"
        elif c.keyword:
            evidence = f"{c.keyword} before it: {c.kind}"
        else:
            evidence = "no money word before it"
        facts.append(Fact(c.kind, amount.value_cny, amount.text, norm.span(*amount.span), evidence))
    for mo in _PERCENT.finditer(doc.text):
        facts.append(
            Fact("percentage", None, mo.group(0), norm.span(*mo.span()), "a share or a rate")
        )
    facts.sort(key=lambda f: f.span)
    final = tuple(
        ProjectMention(
            **{**p.__dict__, "span": norm.span(*p.span), "amount_span": norm.span(*p.amount_span)}
        )
        for p in projects
    )
    day = detected or published
    return Extraction(
        zones,
        final,
        batches,
        tuple(facts),
        tuple(check_sums(raw_batches)),
        day.isoformat() if day else None,
    )


def _extract_chunked(text: str, published: date | None) -> Extraction:
    parts: list[Extraction] = []
    offsets: list[int] = []
    start = 0
    while start < len(text):
        end = min(len(text), start + CHUNK_CHARS)
        if end < len(text):
            cut = text.rfind("\n", start + CHUNK_CHARS // 2, end)
            end = cut + 1 if cut >= 0 else end
        parts.append(extract(text[start:end], published))
        offsets.append(start)
        start = end

    def moved(record, offset: int, *fields: str):
        return replace(record, **{f: _shift(getattr(record, f), offset) for f in fields})

    return Extraction(
        zones=tuple(
            moved(z, o, "span") for p, o in zip(parts, offsets, strict=False) for z in p.zones
        ),
        projects=tuple(
            moved(x, o, "span", "amount_span")
            for p, o in zip(parts, offsets, strict=False)
            for x in p.projects
        ),
        batches=tuple(
            moved(b, o, *[f for f in ("span", "count_span", "amount_span") if getattr(b, f)])
            for p, o in zip(parts, offsets, strict=False)
            for b in p.batches
        ),
        facts=tuple(
            moved(f, o, "span") for p, o in zip(parts, offsets, strict=False) for f in p.facts
        ),
        warnings=tuple(w for p in parts for w in p.warnings),
        date=parts[0].date if parts else None,
    )


def _shift(span: tuple[int, int], offset: int) -> tuple[int, int]:
    return span[0] + offset, span[1] + offset


# --------------------------------------------------------------------------- projects


def _projects(doc: Document) -> tuple[list[ProjectMention], set[int]]:
    text = doc.text
    out: list[ProjectMention] = []
    used: set[int] = set()
    seen: set[tuple[str, int]] = set()
    for amount in doc.amounts:
        sent = doc.sentence_at(amount.span[0])
        c = classify(text, amount, sent.start)
        if c.kind != "investment":
            continue
        if _COUNT_AFTER.match(text, amount.span[1]):
            continue  # 总投资56.8亿元的32个项目: a group's amount (an aggregate figure)
        found = _bind_name(doc, c.keyword_start, amount.span[1], sent.start, sent.end)
        how = "name bound to the amount"
        if found is None and (c.keyword in _TOTAL_KEYWORDS or c.keyword == "投资"):
            found = _bind_subject(doc, c.keyword_start, sent.start)
            how = "the one project named before the amount"
        if found is None:
            continue
        name, ns, ne = found
        if (name, amount.value_cny) in seen:
            used.add(amount.span[0])
            continue
        seen.add((name, amount.value_cny))
        used.add(amount.span[0])
        first = min(ns, c.keyword_start)
        zone, place, method = _project_place(
            doc, name, ns, ne, first, c.keyword_start, amount, sent
        )
        out.append(
            ProjectMention(
                name=name,
                company=_company(doc, sent.start, sent.end, first),
                zone_name=zone,
                investment_cny=amount.value_cny,
                investment_text=amount.text,
                capacity=_capacity(name, _after_name(text, ne, sent.end)),
                stage=_stage(doc, name, sent.start, sent.end, ne),
                date=next((r.iso for r, _ in doc.dates_in(sent.start, sent.end)), None),
                place_name=place,
                span=(ns, ne),
                amount_span=amount.span,
                qualifier=amount.qualifier,
                place_method=method,
                evidence=f"{c.keyword} before the amount: investment; {how}; place by {method}",
            )
        )
    out += _table_projects(doc, {(p.name, p.investment_cny) for p in out})
    return _companies_from_next_sentence(doc, out), used


_UNIT_COLUMN = re.compile(
    r"(?P<word>总投资|计划总投资|投资总额|投资额)[（(](?P<unit>亿元|万元)[)）]"
)
_TABLE_KIND = re.compile(r"(签约|开工|投产)一批")


def _table_projects(doc: Document, seen: set) -> list[ProjectMention]:
    """Projects of a table flattened into text: a header row naming 项目名称 and a
    总投资（亿元） column, then one row per project. The number in that column (no 元 of its
    own: the header gives the unit) is the project's investment; 年度计划投资 columns are not."""
    text = doc.text
    out: list[ProjectMention] = []
    for p_index, (ps, pe) in enumerate(doc.paragraphs):
        header = text[ps:pe].split(" ")
        if len(header) < 3 or not any("名称" in h or h.endswith("项目") for h in header):
            continue
        money = [i for i, h in enumerate(header) if _UNIT_COLUMN.fullmatch(h)]
        if len(money) != 1:
            continue
        col, unit = money[0], _UNIT_COLUMN.fullmatch(header[money[0]]).group("unit")
        name_col = next(i for i, h in enumerate(header) if "名称" in h or h.endswith("项目"))
        firm_col = next(
            (i for i, h in enumerate(header) if re.search(r"单位|企业|公司|业主", h)), None
        )
        kinds = {m.group(1) for m in _TABLE_KIND.finditer(text, max(0, ps - 300), ps)}
        stage = dict(_STAGES).get(kinds.pop()) if len(kinds) == 1 else None
        for r_index in range(p_index + 1, len(doc.paragraphs)):
            rs, re_ = doc.paragraphs[r_index]
            fields = text[rs:re_].split(" ")
            if len(fields) != len(header):
                break
            offsets = [rs + sum(len(f) + 1 for f in fields[:i]) for i in range(len(fields))]
            value = _table_value(fields[col], unit)
            name = fields[name_col]
            if value is None or len(name) < 4 or (name, value) in seen:
                continue
            seen.add((name, value))
            ns, ne = offsets[name_col], offsets[name_col] + len(name)
            amount_span = (offsets[col], offsets[col] + len(fields[col]))
            sent = doc.sentence_at(rs)
            zone, place, method = _project_place(
                doc, name, ns, ne, ns, ne, Amount(value, fields[col], amount_span), sent
            )
            company = fields[firm_col] if firm_col is not None else None
            out.append(
                ProjectMention(
                    name=name,
                    company=company if company and _COMPANY.fullmatch(company) else None,
                    zone_name=zone,
                    investment_cny=value,
                    investment_text=fields[col] + unit,
                    capacity=_capacity(name, ""),
                    stage=stage,
                    date=None,
                    place_name=place,
                    span=(ns, ne),
                    amount_span=amount_span,
                    place_method=method,
                    evidence=f"table column {header[col]}: investment; place by {method}",
                )
            )
    return out


def _table_value(field: str, unit: str) -> int | None:
    if not re.fullmatch(r"\d+(?:\.\d+)?", field):
        return None
    return int(Decimal(field) * (100_000_000 if unit == "亿元" else 10_000))


_COUNT_AFTER = re.compile(r"的?(?:共)?[\d一二两三四五六七八九十百]+[个项宗]")


def _project_place(doc: Document, name, ns, ne, first, kw_start, amount, sent):
    """(zone, place, method): a zone written with the project, 落户/选址/位于 after it, a place
    in its name or sentence, else the article's context. Never a Shanxi place for a project
    named with another province (黑龙江省…, 新疆…)."""
    # Zones written between a name and its amount count as before it (X项目位于Y区，总投资…)
    zone_pos = max(first, min(kw_start, sent.end))
    settled = _settled(doc, max(ne, amount.span[1]), sent.end)
    if settled is None and ne < kw_start:
        settled = _settled(doc, ne, kw_start)
    foreign = _foreign(doc, ns, ne, sent.start)
    if doc.zones_in(sent.start, zone_pos) or settled is None:
        zone = _zone_for(doc, name, zone_pos, sent)
        in_name = _name_place(name)
        if in_name:
            return zone, in_name, "name"
        place = None if foreign else _place_for(doc, first, sent, zone)
        if place:
            return zone, place, "text"
        if zone:
            return zone, None, "zone"
    elif settled[0] == "zone":
        return settled[1], _name_place(name), "settled"
    else:
        return None, settled[1], "settled"
    if foreign:
        return None, None, "foreign"
    heading = heading_place(doc, sent.paragraph)
    if heading is not None:
        return None, heading.full, "heading"
    ctx = doc.context
    if ctx.foreign:
        return None, None, "none"
    if ctx.zone is not None:
        return ctx.zone, None, "article_context"
    if ctx.place is None:
        return None, None, "none"
    return None, ctx.place.full, "article_context"


_BRAND_ORIGINS = frozenset({"北京", "上海", "天津", "重庆", "深圳", "广州", "杭州", "武汉"})


def _foreign(doc: Document, ns: int, ne: int, s_start: int) -> str | None:
    """Another province's unit written in full, or a province's name, in the project's name
    or its clause ("新疆哈密…光伏项目", "黑龙江省大庆市大同区…"); short city names that
    lead company names (深圳创普斯, 北京峰智) are brand origins, not places."""
    text = doc.text
    start = max(s_start, text.rfind("，", s_start, ns) + 1)
    for pos, place in doc.foreign_in(start, ne):
        written = text[pos : pos + len(place.name)]
        if written in _BRAND_ORIGINS:
            continue
        if place.level == "province" or written == place.full:
            return place.full
    return None


_NEXT_COMPANY = re.compile(
    r"(?:其中[，,]?)?(?P<subject>[^，。；]{2,62}?)(?:由|系)(?P<c>"
    + _COMPANY.pattern
    + r")(?:投资)?(?:建设|实施|承建|投建)"
)


def _companies_from_next_sentence(
    doc: Document, projects: list[ProjectMention]
) -> list[ProjectMention]:
    """ "…的X项目正在加快建设。该项目由Y有限公司投资建设" - the company in the next sentence of
    the paragraph, when it says 该项目/项目 and its sentence names only one project, or when it
    names the project itself ("其中，X项目由Y公司投资建设")."""
    per_sentence: dict[int, int] = {}
    for p in projects:
        key = doc.sentence_at(p.span[0]).start
        per_sentence[key] = per_sentence.get(key, 0) + 1
    out = []
    for p in projects:
        sent = doc.sentence_at(p.span[0])
        company = p.company
        if company is None and sent.end < len(doc.text):
            nxt = doc.sentence_at(sent.end)
            if nxt.paragraph == sent.paragraph and nxt.start == sent.end:
                mo = _NEXT_COMPANY.match(doc.text, nxt.start, nxt.end)
                subjects = {p.name} | (
                    {"该项目", "项目"} if per_sentence[sent.start] == 1 else set()
                )
                if mo and mo.group("subject") in subjects:
                    company = _trim_company(mo.group("c"))
        out.append(p if company == p.company else replace(p, company=company))
    return out


# A group of projects in the stretch (签约项目30个, 33个重点项目, 一批): not one project.
_GROUP_IN = re.compile(
    r"[\d一二两三四五六七八九十]+[个项宗][^，。；]{0,6}项目"
    r"|项目[^，。；]{0,6}?[\d一二两三四五六七八九十]+[个项宗](?![\u4e00-\u9fff])|一批"
)
_SUBJECT = re.compile(r"(?:^|(?P<comma>[，,]))(?P<subject>(?:该|此|这个)?项目(?:的)?)?$")
# "据悉，这一产业园计划投资39亿元": an anaphor for the project named in the sentence before
# (the last one of the paragraph before when it opens its paragraph).
_ANAPHOR = re.compile(
    r"(?:^|[，,])(?:据悉|据了解|目前)?[，,]?(?P<subject>(?:这一|这个|该|此)(?:产业园|项目|基地|园区|工程))(?:的)?$"
)
_TOTAL_KEYWORDS = {"总投资", "计划总投资", "投资总额", "总投资额", "计划投资"}
# A name ends at 项目, unless 项目 only qualifies what follows (项目建设攻坚, 项目谋划).
_CANDIDATE = re.compile(
    r"[^，。；：！？、,;:!?\n（(]{2,60}?项目(?!建设|攻坚|谋划|推进|工作|管理|审批|服务|观摩|招商|储备)"
)


def _bind_subject(doc: Document, kw_start: int, s_start: int):
    """A total whose clause names no project binds to the one project named just before it:
    "X项目位于太谷经开区，项目总投资3000万元", "X项目正式开工，总投资15亿元", "…X项目开工。
    该项目总投资12亿元". Only when that stretch names exactly one project and no amount or
    count (签约项目30个，总投资45亿元 is a group, not a project)."""
    text = doc.text
    anaphor = _ANAPHOR.search(text[s_start:kw_start])
    mo = anaphor or _SUBJECT.search(text[s_start:kw_start])
    if mo is None:
        return None
    if anaphor is None and mo.group("comma"):
        lo, hi = s_start, s_start + mo.start()
    elif mo.group("subject"):  # 该项目 opens the sentence: the project of the sentence before
        prev = doc.sentence_at(s_start - 1) if s_start > 0 else None
        here = doc.sentence_at(s_start).paragraph
        opens = s_start == doc.paragraphs[here][0]
        if prev is None or (prev.paragraph != here and not (anaphor and opens)):
            return None
        lo, hi = prev.start, prev.end
    else:
        return None
    lo = max(lo, text.rfind("：", lo, hi) + 1)  # 重点抓好以下项目：一是X项目，项目总投资…
    if _GROUP_IN.search(text, lo, hi) or doc.has_amount(lo, hi):
        return None
    names = []
    for cand in _CANDIDATE.finditer(text, lo, hi):
        found = _clean_name(text, cand.group(0), cand.start())
        if found is not None:
            if names and re.fullmatch(r"[暨及]“?", text[names[-1][2] : found[1]]):  # A暨B: one
                names[-1] = (text[names[-1][1] : found[2]], names[-1][1], found[2])
                continue
            names.append(found)
    if anaphor is not None and len(names) > 1:
        head = anaphor.group("subject")[-3:].lstrip("这一个该此")
        names = [n for n in names if head in n[0]][-1:]
    if len(names) != 1 or (not mo.group("subject") and len(names[0][0]) < 6):
        return None
    return names[0]


def _bind_name(doc: Document, kw_start: int, amount_end: int, s_start: int, s_end: int):
    """The project name bound to an investment amount, with its normalised span, or None."""
    text = doc.text
    mo = (
        _AFTER[0].match(text, amount_end, s_end)
        or _AFTER[1].match(text, amount_end, s_end)
        or _VERB_OBJECT.match(text, amount_end, s_end)
    )
    if mo:
        name = mo.group("name")
        if _GROUP_NAME.match(name):
            return None  # 的21个重点项目: a group, handled as a batch
    else:
        mo = _BEFORE.search(text, max(s_start, kw_start - 64), kw_start)
        if mo is None:
            return None
        key = "name" if mo.group("name") else "park"
        return _clean_name(text, mo.group(key), mo.start(key))
    return _clean_name(text, mo.group("name"), mo.start("name"), cut=False)


def _clean_name(text: str, name: str, ns: int, cut: bool = True):
    """Trim a name found before its amount to the project itself: after 的/由/an opening quote,
    without a leading connective or verb (其中, 建设) or company ("山西某某公司X项目")."""
    if cut:
        cut_at = max(name.rfind("的"), name.rfind("由"), name.rfind("“") if "”" not in name else -1)
        if cut_at >= 0:
            name, ns = name[cut_at + 1 :], ns + cut_at + 1
        company = _COMPANY_IN_NAME.match(name)
        if company and len(name) - company.end() >= 4:
            name, ns = name[company.end() :], ns + company.end()
    host = re.match(r".{2,30}?(?:区|县|市)(?:为|在)", name)  # 原平经济技术开发区为X项目举行…
    if host and len(name) - host.end() >= 4:
        name, ns = name[host.end() :], ns + host.end()
    lead = _NAME_LEAD.match(name)
    if lead:
        name, ns = name[lead.end() :], ns + lead.end()
    name = name.strip("“”")
    if len(name) < 4 or _GENERIC.match(name) or _GROUP_NAME.search(name):
        return None
    if re.match(r"(?:这一|这个|该|此)(?:产业园|项目|基地|园区|工程)$", name):
        return None  # an anaphor: bound through the sentence before (_bind_subject)
    ns = text.find(name, ns)
    return name, ns, ns + len(name)


def _zone_for(doc: Document, name: str, pos: int, sent) -> str | None:
    """The zone the text attributes the project to: one named before it in its sentence, else
    one named next to the same project earlier, else the paragraph's (see Document)."""
    own = [z for z in doc.zones_in(sent.start, sent.end) if doc.text.startswith(name, z.start)]
    if own:  # 大同经开区氢能产业园项目: the name opens with its zone (even after another one)
        return own[0].name
    before = doc.zones_in(sent.start, pos)
    if before:
        return before[-1].name
    # The same project named earlier next to a zone (泰山玻纤“年产30万吨…项目” …).
    for mo in re.finditer(re.escape(name), doc.text[: sent.start]):
        earlier = doc.sentence_at(mo.start())
        zones = doc.zones_in(earlier.start, mo.start())
        if zones:
            return zones[-1].name
    return doc.zone_context(sent, pos)


_SETTLE = re.compile(r"[，,]?(?:项目)?(?:落户|落地|位于|坐落于|选址|建在|布局)(?:于|在)?")


def _settled(doc: Document, pos: int, end: int) -> tuple[str, str] | None:
    """Where the text says a project goes, right after it: "X项目（总投资6亿元），落户交城经济
    开发区" -> ("zone", 交城经济开发区); "…，落户方山县" -> ("place", 方山县)."""
    text = doc.text
    mo = _SETTLE.match(text, pos, end)
    if mo is None:
        mo = _SETTLE.match(text, pos + 1, end) if text.startswith(("）", ")"), pos) else None
    if mo is None:
        return None
    zones = [z for z in doc.zones_in(mo.end(), end) if z.start == mo.end()]
    if zones:
        return "zone", max(zones, key=lambda z: z.end).name
    places = doc.places_in(mo.end(), min(end, mo.end() + 12), ("county", "city"))
    if places and places[0][0] == mo.end():
        return "place", places[0][1].full
    return None


def _name_place(name: str) -> str | None:
    """A Shanxi county or city written in full at the start of the project's name
    ("怀仁市陶瓷智能制造项目"); short forms (和顺, 太原) are brand words too often to count."""
    best, pos = None, 0
    while (mo := place_pattern().match(name, pos)) is not None:  # 太原市小店区…: the county
        place = lookup(mo.group(0))
        if place is None or place.adcode is None or place.full != mo.group(0):
            break
        if place.level != "province":
            best = place.full
        pos = mo.end()
    return best


def _place_for(doc: Document, pos: int, sent, zone: str | None) -> str | None:
    """A county or city written for the project: in its sentence, else (without a zone) the
    only one written in its paragraph."""
    clause = max(doc.text.rfind("，", sent.start, pos), doc.text.rfind("、", sent.start, pos))
    found = doc.places_in(max(sent.start, clause + 1), pos, ("county", "city"))
    if found:
        return found[-1][1].full
    if zone is not None:
        return None
    ps, _ = doc.paragraphs[sent.paragraph]
    places = doc.places_in(ps, pos, ("county", "city"))
    if len({p.full for _, p in places}) == 1:
        return places[-1][1].full
    return None


def _company(doc: Document, s_start: int, s_end: int, pos: int) -> str | None:
    """The company behind a project: "由X公司投资建设", a company named before it in the
    sentence, or - for "其投资…" / "该公司…" - the last company named in the paragraph."""
    text = doc.text
    mo = re.search(
        r"由(?P<c>" + _COMPANY.pattern + r")(?:投资)?(?:建设|实施|承建)", text[s_start:s_end]
    )
    if mo:
        return _trim_company(mo.group("c"))
    found = list(_COMPANY.finditer(text, s_start, pos))
    if found:
        return _trim_company(found[-1].group(0))
    if not re.match(r"其|该公司|公司", text[s_start:pos].lstrip("，")):
        return None
    aliases = {m.group("alias"): _company_before(text, m.start()) for m in _ALIAS.finditer(text)}
    ps = doc.paragraphs[doc.sentence_at(s_start).paragraph][0]
    mentions = [
        (m.start(), _trim_company(m.group(0))) for m in _COMPANY.finditer(text, ps, s_start)
    ]
    for alias, full in aliases.items():
        mentions += [
            (m.start(), full or alias)
            for m in re.finditer(re.escape(alias), text[:s_start])
            if m.start() >= ps
        ]
    return max(mentions)[1] if mentions else None


def _company_before(text: str, pos: int) -> str | None:
    """The company name that a （以下简称“X”） at pos abbreviates."""
    found = [m for m in _COMPANY.finditer(text, max(0, pos - 40), pos) if m.end() == pos]
    return _trim_company(found[-1].group(0)) if found else None


def _trim_company(name: str) -> str:
    mo = _COMPANY_CUT.match(name)
    return name[mo.end() :] if mo and mo.end() < len(name) - 4 else name


def _after_name(text: str, pos: int, end: int) -> str:
    """Text after a project name that still describes it: its own clause plus following
    clauses that open with 预计/年产/建成后… ("即将投产，预计年产亚麻籽油4万吨")."""
    parts = text[pos:end].split("，")
    out = [parts[0]]
    for part in parts[1:]:
        if not re.match(r"(预计|年产|建成后|投产后|达产后|设计|规划|可)", part):
            break
        out.append(part)
    return "，".join(out)


def _capacity(name: str, sentence: str) -> str | None:
    mo = _CAPACITY.search(name) or _CAPACITY.search(sentence)
    return mo.group(0) if mo else None


def _stage(doc: Document, name: str, s_start: int, s_end: int, name_end: int) -> str | None:
    """Stage from the verb nearest the project in its sentence; else from an earlier sentence
    naming the same project. Future forms (将投产, 投产后, 建成后) do not count."""
    stage = _stage_in(doc.text, s_start, s_end, name_end)
    if stage:
        return stage
    # An item of a list opened by "主要签约项目有：A…；B…；C…": the list head's verb.
    sent = doc.sentence_at(s_start)
    head = sent
    for _ in range(30):  # a list of at most 30 items; keeps run-on text linear
        if head.start == 0 or doc.text[head.start - 1] not in "；;":
            break
        prev = doc.sentence_at(head.start - 1)
        if prev.paragraph != sent.paragraph:
            break
        head = prev
    mo = _LIST_HEAD.search(doc.text, head.start, s_start)
    if mo:
        return dict(_STAGES)[mo.group("verb")]
    stage = _stage_of_whole(doc, head)
    if stage:
        return stage
    for mo in re.finditer(re.escape(name), doc.text[:s_start]):
        sent = doc.sentence_at(mo.start())
        stage = _stage_in(doc.text, sent.start, sent.end, mo.end())
        if stage:
            return stage
    return None


_ROUND_VERB = re.compile(r"签约|开工|投产")
# "其中，…" / "主要包括：…": the items of the figure stated in the sentence before.
_PARTS_OPEN = re.compile(r"其中|主要包括|主要有|包括|分别是|分别为|具体是")


def _stage_of_whole(doc: Document, sent) -> str | None:
    """ "其中，总投资18亿元的X项目…": parts of the figure in the sentence before (the one that
    "其中" refers to, possibly the last of the paragraph before) take its verb, when it has
    exactly one of 签约/开工/投产 ("…集中签约仪式，共签约项目7个，总投资42.5亿元。")."""
    text = doc.text
    ps, _ = doc.paragraphs[sent.paragraph]
    if not _PARTS_OPEN.match(text, sent.start) or sent.start == 0:
        return None
    prev = doc.sentence_at(sent.start - 1)
    if prev.paragraph != sent.paragraph and sent.start != ps:
        return None
    if prev.paragraph != sent.paragraph:  # a paragraph opening with 其中: the last sentence
        while prev.start == prev.end or not text[prev.start : prev.end].strip():
            if prev.start == 0:
                return None
            prev = doc.sentence_at(prev.start - 1)
    verbs = {mo.group(0) for mo in _ROUND_VERB.finditer(text, prev.start, prev.end)}
    return dict(_STAGES)[verbs.pop()] if len(verbs) == 1 else None


def _stage_in(text: str, start: int, end: int, anchor: int) -> str | None:
    best = None
    for mo in _STAGE_RE.finditer(text, start, end):
        word = mo.group(0)
        if word != "即将投产":
            if _FUTURE_BEFORE.search(text[max(start, mo.start() - 3) : mo.start()]):
                continue
            clause = max(text.rfind("，", start, mo.start()), text.rfind(",", start, mo.start()))
            clause = max(clause + 1, start)
            if mo.start() - clause <= 16 and _FUTURE_CLAUSE.match(text, clause, mo.start()):
                continue
            if text.startswith(("后", "筹备", "准备", "率", "图"), mo.end()):
                continue
            if "后" in text[mo.end() : mo.end() + 3]:
                continue  # 建成投用后: a future condition
        distance = abs(mo.start() - anchor)
        if best is None or distance < best[0]:
            best = (distance, dict(_STAGES)[word])
    return best[1] if best else None
