"""Aggregate figures: a group of projects with a count and/or an amount, a kind, a place and a
period. "三个一批" round tables ("吕梁市“签约一批”项目共13个，签约投资16.69亿元"), county
groundbreakings ("襄汾县首批33个重点项目集中开复工，总投资110.7亿元"), year-to-date and
cumulative totals ("年初签约的项目有19项", "2024年以来累计签约项目62个"), investment-promotion
pipelines ("储备的在谈项目有107个") - each is one figure with the evidence for its type.

- **count**: N个/项/宗 (Arabic or Chinese numerals) tied to 项目 before or after it;
- **kind**: the stage word of the clause (geo/rules/batch_kinds.csv): 签约 signed, 开工 started,
  投产 in_production; a clause listing two or three kinds, or a "三个一批" total, is ``all``;
  pipeline words (在谈, 储备, 招商) make the period ``pipeline``;
- **amount**: the first investment amount after the count in its clause chain, or the one
  right before it ("总投资177.26亿元的29个项目"), or a later "这两个项目的总投资为2.6亿元";
- **place**: see :func:`_figure_place`; **period**: see :func:`_period`.

Parts of a figure (其中…, "产业类6项", "12个项目中已有9个") are not figures of their own: they
are already counted in it. A figure total already contains the projects named in it: never add
individual projects and aggregate figures together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from geo.extract_common import Document, classify, heading_place
from geo.extract_places import Place
from geo.extract_zones import _STOP, zone_key
from geo.money import parse_cn_int
from geo.rules import mapping

REAL_KINDS = ("signed", "started", "in_production")
# campaign: a tally of another campaign ("七个一批": 包装/招商/签约/落地/开工/在建/投产), not a
# "三个一批" round of the zones, whatever kind words it shares with one.
PERIOD_TYPES = ("round", "ytd", "cumulative", "pipeline", "campaign", "unspecified")


@dataclass(frozen=True)
class BatchFigure:
    """An aggregate figure. ``scope`` province/city/county/zone/unknown; ``place`` as written
    in full ("长治市", a zone's name); ``kind`` signed/started/in_production/all; ``projects``
    count; amounts in yuan; ``date`` ISO day of the round; ``period_type`` one of
    PERIOD_TYPES with ``period_start``/``period_end`` (ISO or None) and ``period_label``;
    ``place_method`` how the place was found; ``evidence`` why this kind, place and period."""

    scope: str
    place: str | None
    kind: str
    projects: int | None
    investment_cny: int | None
    output_cny: int | None
    date: str | None
    span: tuple[int, int]
    period_type: str = "round"
    period_start: str | None = None
    period_end: str | None = None
    period_label: str | None = None
    place_method: str | None = None
    evidence: str = ""
    count_span: tuple[int, int] | None = None
    amount_span: tuple[int, int] | None = None

    @property
    def period(self) -> str | None:
        """None for a round figure, else its period label (or type)."""
        return None if self.period_type == "round" else (self.period_label or self.period_type)


@dataclass(frozen=True)
class _Batch:
    scope: str
    place: str | None
    kind: str
    projects: int | None
    investment: int | None
    output: int | None
    date: str | None
    start: int
    end: int
    period_type: str
    period_start: str | None
    period_end: str | None
    period_label: str | None
    place_method: str | None
    evidence: str
    count_span: tuple[int, int] | None
    amount_span: tuple[int, int] | None
    amount_starts: tuple[int, ...]

    @property
    def period(self) -> str | None:
        return None if self.period_type == "round" else (self.period_label or self.period_type)


@dataclass(frozen=True)
class Part:
    """An amount that is part of a figure (其中…, a category sub-total): counted there."""

    amount_start: int
    evidence: str


# --------------------------------------------------------------------------- word lists


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_KIND_WORDS = mapping("batch_kinds", "kind")
_KIND_RE = re.compile(_alternation(_KIND_WORDS))
_REAL = {w for w, k in _KIND_WORDS.items() if k in REAL_KINDS}
_NUM = r"(?P<n>\d{1,5}|[一二两三四五六七八九十百]{1,4})"
_COUNT = re.compile(_NUM + r"(?P<unit>个|项|宗|家)")
# N个…项目: the words between may qualify the projects (重点, 晋深合作, 上下游) but not name
# another thing counted (5个开发区共涉及项目42个, 10个行政村).
_AFTER_NOUN = re.compile(r"(?:(?![区企司村镇乡县市家户])[^，。；：、！？,;:\d\s]){0,8}?项目")
_BEFORE_NOUN = re.compile(
    r"(?:项目|一批”?|一批)(?P<sub>中已有|中有)?(?:总数|共计|合计|共有|共|有|另有|达|为|数)?$"
)
_FORWARD_KIND = re.compile(r"[^，。；：！？,;:]{0,6}?(?P<kind>" + _KIND_RE.pattern + ")")
_ALL_DONE = re.compile(r"(?:已全部|全部|均已|已经|已)(?P<kind>签约|开工|投产|开复工|竣工投产)")
# "开工项目总投资86.2亿元，共计21个": a count standing alone after a group's amount
_LOOSE_COUNT = re.compile(r"[，,](?:共计|合计|共有|共)$")
_CLAUSE_END = re.compile(r"[，,。；;：:！？!?]")
_SUBSET_BEFORE = re.compile(r"(?:其中|这|此外)[^。；，]{0,12}$|[\u4e00-\u9fff]{1,6}类(?:项目)?$")
_SUBSET_OPEN = re.compile(r"^(?:其中[，,：:]?)")
_LIST_TAIL = re.compile(r"等$")
_THIS_GROUP = re.compile(r"这" + _NUM + r"个项目(?:的)?(?:总投资|投资)")
_GROUP_MARK = re.compile(r"\d+家|[一二两三四五六七八九十]+家|多家|一批")
_ROUND_WORD = re.compile(r"三个一批|(?:签约|开工|投产)一批")
_SCOPE_PROVINCE = re.compile(r"全省|山西全省|山西省|我省")
_SCOPE_CITY = re.compile(r"我市|全市|本市|该市")
_SCOPE_COUNTY = re.compile(r"我县|全县|本县|该县")


def _count_value(text: str) -> int | None:
    return int(text) if text.isdigit() else parse_cn_int(text)


# --------------------------------------------------------------------------- counts


@dataclass(frozen=True)
class _Count:
    n: int
    start: int
    end: int  # end of the count phrase (past 项目 and a forward kind word, when there)
    kind: str | None  # a kind code, 'pipeline', 'none' or None (no stage word)
    word: str | None
    subset: bool | str  # True, or "run" for an item after 其中…； that may be a new figure
    listed: int | None  # start of an enumeration ending in 等 before the count
    group_start: int | None = None  # "开工项目总投资…，共计21个": where the group is named


def _project_counts(doc: Document) -> list[_Count]:
    text = doc.text
    out = []
    for mo in _COUNT.finditer(text):
        n = _count_value(mo.group("n"))
        if n is None or n == 0 or text.startswith("一批", mo.end()):
            continue  # 三个一批, 七个一批: the name of a campaign
        before = text[max(0, mo.start() - 8) : mo.start()]
        after = _AFTER_NOUN.match(text, mo.end())
        back = _BEFORE_NOUN.search(before)
        unit = mo.group("unit")
        if unit == "家" and not (after and after.end() == mo.end() + 2):
            continue  # 20家知名企业: companies, not projects
        loose = None
        if after is None and back is None:
            if not _LOOSE_COUNT.search(text, max(0, mo.start() - 4), mo.start()):
                continue
            sent = doc.sentence_at(mo.start())
            loose = text.rfind("项目", sent.start, mo.start())
            if loose < 0 or not doc.amounts_in(loose, mo.start()):
                continue
        if back is None and after is not None and re.search(r"[个项宗]", after.group(0)[:-2]):
            continue
        end = after.end() if after else mo.end()
        kind = word = None
        fwd = _FORWARD_KIND.match(text, end) if after else None
        if fwd is not None:
            word = fwd.group("kind")
            kind, end = _KIND_WORDS[word], fwd.end()
        if kind is None and after is not None:
            inner = _KIND_RE.search(after.group(0))  # 30个招商引资项目, 9个开工项目
            if inner is not None:
                word = inner.group(0)
                kind = _KIND_WORDS[word]
        if kind is None:
            kind, word = _clause_kind(doc, mo.start() if loose is None else loose)
        subset = bool(back and back.group("sub")) or _is_subset(doc, mo.start())
        listed = _list_start(doc, mo.start())
        if _enumerated(doc, mo.start(), n):
            continue
        out.append(_Count(n, mo.start(), end, kind, word, subset, listed, loose))
    return out


def _clause_start(text: str, pos: int, floor: int = 0) -> int:
    cut = max(text.rfind(c, floor, pos) for c in "，,。；;：:！？!? ")
    return max(cut + 1, floor)


def _clause_kind(doc: Document, pos: int) -> tuple[str | None, str | None]:
    """The stage word of the count's clause: two or three kinds listed, or a "三个一批" total,
    make ``all``; a real kind wins over pipeline words (已签约招商引资项目)."""
    text = doc.text
    sent = doc.sentence_at(pos)
    start = _clause_start(text, pos, sent.start)
    # "集中签约、开工、投产的项目共62个": the kinds are listed with 、 inside the clause
    words = [mo.group(0) for mo in _KIND_RE.finditer(text, start, pos)]
    real = {_KIND_WORDS[w] for w in words if _KIND_WORDS[w] in REAL_KINDS}
    if len(real) >= 2:
        return "all", "、".join(w for w in words if w in _REAL)
    if real:
        word = next(w for w in reversed(words) if w in _REAL)
        return _KIND_WORDS[word], word
    if words:
        return _KIND_WORDS[words[-1]], words[-1]
    if "三个一批" in text[start:pos]:
        return "all", "三个一批"
    # "公布…“开工一批”项目清单，共12个项目": the one batch named earlier in the sentence
    listed = {mo.group(1) for mo in re.finditer(r"(签约|开工|投产)一批", text[sent.start : start])}
    if len(listed) == 1:
        word = listed.pop()
        return _KIND_WORDS[word], word + "一批"
    return None, None


_WHOLE_REACH = 300  # characters: how far back "其中" may point for the figure it divides


def _is_subset(doc: Document, pos: int) -> bool:
    """其中… / 产业类6项 / 这10个项目: a part of a figure stated before it."""
    text = doc.text
    sent = doc.sentence_at(pos)
    start = _clause_start(text, pos, sent.start)
    if _SUBSET_BEFORE.search(text[max(sent.start, start - 3) : pos]) is not None:
        return True
    if "其中" in text[sent.start : pos]:
        return True
    ps = doc.paragraphs[sent.paragraph][0]
    full_stop = text.rfind("。", ps, pos)
    return "run" if "其中" in text[max(ps, full_stop + 1) : pos] else False


def _enumerated(doc: Document, pos: int, n: int) -> bool:
    """ "A项目、B项目…F设备共6个项目完成签约": a count of exactly the names listed before it
    counts that list; the named projects are the information, not a figure."""
    text = doc.text
    if not text.startswith("共", pos - 1):
        return False
    sent = doc.sentence_at(pos)
    start = max(text.rfind(c, sent.start, pos) for c in "，,；;：:")
    items = text[max(start + 1, sent.start) : pos - 1].split("、")
    return n >= 2 and len(items) == n and all(len(i) >= 4 for i in items)


def _list_start(doc: Document, pos: int) -> int | None:
    """Start of "A、B、C等" right before a count: the names listed are the figure's items."""
    text = doc.text
    if not _LIST_TAIL.search(text[max(0, pos - 1) : pos]):
        return None
    sent = doc.sentence_at(pos)
    cut = max(text.rfind(c, sent.start, pos) for c in "，,。；;：:——")
    return max(cut + 1, sent.start)


# --------------------------------------------------------------------------- amounts


def _amount_after(doc: Document, pos: int, limit: int, stops: list[int]):
    """(investment Amount, output Amount) in the clause chain after ``pos``: up to the sentence
    end, the next count or "其中"."""
    text = doc.text
    stop = limit
    nxt = [s for s in stops if s > pos]
    if nxt:
        stop = min(stop, nxt[0])
    mo = re.search(r"其中|[。；;]", text[pos:stop])
    if mo:
        stop = pos + mo.start()
    inv = out = None
    for amount in doc.amounts_in(pos, stop):
        c = classify(text, amount, pos)
        if c.kind == "investment" and inv is None:
            inv = amount
        elif c.kind == "output" and out is None:
            out = amount
    return inv, out


def _amount_before(doc: Document, count: _Count):
    """ "总投资177.26亿元的29个项目": an investment amount ending right before 的 + count."""
    text = doc.text
    sent = doc.sentence_at(count.start)
    for amount in doc.amounts_in(sent.start, count.start):
        if text[amount.span[1] : count.start] in ("的", "的共", "、"):
            if text[amount.span[1] : count.start] == "、":
                continue
            if classify(text, amount, sent.start).kind == "investment":
                return amount
    return None


# --------------------------------------------------------------------------- figures


def find_batches(
    doc: Document, taken: set[int] | frozenset[int] = frozenset()
) -> tuple[list[_Batch], set[int], list[Part]]:
    """Aggregate figures (deduplicated), the amounts they consumed, and the parts of figures.
    Amounts in ``taken`` (a project's investment) are never a figure's."""
    text = doc.text
    counts = _project_counts(doc)
    stops = [c.start for c in counts]
    out: list[_Batch] = []
    parts: list[Part] = []
    used: set[int] = set(taken)
    previous: dict[int, _Batch] = {}  # paragraph -> last figure
    totals: dict[int, _Batch] = {}  # paragraph -> last figure that is not a part of another
    wholeless: set[int] = set()  # paragraphs whose 其中 series has no whole before it
    for count in counts:
        sent = doc.sentence_at(count.start)
        inv = _amount_before(doc, count)
        out_amount = None
        if inv is None and count.group_start is not None:
            inv = next(
                (
                    a
                    for a in doc.amounts_in(count.group_start, count.start)
                    if classify(text, a, count.group_start).kind == "investment"
                ),
                None,
            )
        if inv is None:
            inv, out_amount = _amount_after(doc, count.end, sent.end, stops)
        if inv is not None and inv.span[0] in used:
            inv = None
        kind = count.kind
        word = count.word
        if kind is None and inv is not None:
            done = _ALL_DONE.search(text, inv.span[1], sent.end)
            if done:
                word = done.group("kind")
                kind = _KIND_WORDS.get(word, "started")
        if inv is None:
            back = _back_reference(doc, count)
            if back is not None:
                inv = back
        parent = previous.get(sent.paragraph)
        total = totals.get(sent.paragraph)
        scope, place, method = _figure_place(doc, count.start, count.listed, parent)
        place_split = (  # 其中，榆次区开工项目12个: a narrower place's own figure
            total is not None and method == "text" and place is not None and place != total.place
        )
        run_ends = (  # 其中…；集中开工项目38个: a new kind ends the parts of a signed figure
            count.subset == "run"
            and kind in REAL_KINDS
            and total is not None
            and kind != total.kind
        )
        # 其中… needs a whole to be part of: a figure just before it. Without one, the
        # items after 其中 are figures of their own (and so is the rest of that series).
        whole_before = sent.paragraph not in wholeless and (
            total is not None
            or parent is not None
            or any(0 <= count.start - f.end < _WHOLE_REACH for f in out)
        )
        if count.subset and not whole_before:
            wholeless.add(sent.paragraph)
        if (
            count.subset
            and whole_before
            and not run_ends
            and not place_split
            and not _splits_total(total, kind, doc, count)
        ):
            if inv is not None and inv.span[0] not in used:
                parts.append(
                    Part(inv.span[0], f"part of the figure before it: {_quote(doc, count)}")
                )
                used.add(inv.span[0])
            continue
        if kind in ("none",) or (kind is None and inv is None):
            continue
        pipeline = kind == "pipeline"
        if kind is None or pipeline:
            kind = "all"
        if inv is None and not _count_only_ok(doc, count, kind):
            continue
        if inv is not None and inv.span[0] in used:
            continue
        if inv is None and _repeats_part(out, count, kind, place):
            continue
        ptype, pstart, pend, label, why = _period(doc, count.start, False, parent)
        marked = (ptype, pstart, pend, label)
        if pipeline:
            ptype, pstart, pend, label, why = "pipeline", None, None, word, f"“{word}”"
        day = _round_date(doc, sent) if ptype == "round" else None
        if ptype == "round":
            pstart = pend = day
            label = _round_label(doc, sent) or day
        amounts = tuple(a.span[0] for a in (inv, out_amount) if a is not None)
        used.update(amounts)
        end = max([count.end] + [a.span[1] for a in (inv, out_amount) if a is not None])
        start = min([count.start] + [a.span[0] for a in (inv,) if a is not None])
        figure = _Batch(
            scope,
            place,
            kind,
            count.n,
            inv.value_cny if inv else None,
            out_amount.value_cny if out_amount else None,
            day,
            start,
            end,
            ptype,
            pstart,
            pend,
            label,
            method,
            f"kind {word or 'none stated: a total'}; place {method}; period {ptype} ({why})",
            (count.start, count.end),
            inv.span if inv else None,
            amounts,
        )
        out.append(figure)
        if not count.subset:
            totals[sent.paragraph] = figure
        previous[sent.paragraph] = replace(
            figure,
            period_type=marked[0],
            period_start=marked[1],
            period_end=marked[2],
            period_label=marked[3],
        )
    out.extend(_groups_without_count(doc, used))
    used |= {s for b in out for s in b.amount_starts}
    return _dedupe(out), used - set(taken), parts


def _quote(doc: Document, count: _Count) -> str:
    return doc.text[count.start : count.end]


def _splits_total(parent: _Batch | None, kind: str | None, doc: Document, count: _Count) -> bool:
    """ "项目总数181个…。其中：签约项目85个": the kinds of a stated total are figures."""
    if parent is None or parent.kind != "all" or kind not in REAL_KINDS:
        return False
    return not re.search(r"新增|已有|中已", doc.text[max(0, count.start - 8) : count.start])


def _count_only_ok(doc: Document, count: _Count, kind: str) -> bool:
    """A count without an amount is a figure only for a round or a concentrated event
    ("等14个晋深合作项目集中开工", "长治市…签约项目27个" in a round table)."""
    if kind not in REAL_KINDS:
        return False
    text = doc.text
    if "集中" in text[max(0, count.start - 12) : count.end]:
        return True
    p = doc.sentence_at(count.start).paragraph
    lo, hi = max(0, p - 2), min(len(doc.paragraphs), p + 2)
    chunk = text[doc.paragraphs[lo][0] : doc.paragraphs[hi - 1][1]]
    return _ROUND_WORD.search(chunk) is not None


def _repeats_part(figures: list[_Batch], count: _Count, kind: str, place: str | None) -> bool:
    """ "…等5个项目进行了集中签约" after "“签约一批”项目10个": the projects signed on stage are
    part of the round's signed figure stated before, not a figure of their own."""
    return any(f.kind == kind and f.place == place and (f.projects or 0) > count.n for f in figures)


def _back_reference(doc: Document, count: _Count):
    """ "共签下两个合作项目…。据了解，这两个项目的总投资为2.6亿元": the amount of the next
    sentence of the paragraph that names the same number of projects."""
    text = doc.text
    sent = doc.sentence_at(count.start)
    if sent.end >= len(text):
        return None
    nxt = doc.sentence_at(sent.end)
    if nxt.paragraph != sent.paragraph:
        return None
    mo = _THIS_GROUP.search(text, nxt.start, nxt.end)
    if mo is None or _count_value(mo.group("n")) != count.n:
        return None
    for amount in doc.amounts_in(mo.end(), nxt.end):
        if classify(text, amount, mo.start()).kind == "investment":
            return amount
    return None


def _groups_without_count(doc: Document, used: set[int]) -> list[_Batch]:
    """ "国内20家知名企业…签下合作协议，总投资达101亿元": an investment amount of a group that
    the text does not count in projects. Needs a stage word and a group word (N家, 一批)."""
    out = []
    text = doc.text
    for amount in doc.amounts:
        if amount.span[0] in used:
            continue
        sent = doc.sentence_at(amount.span[0])
        c = classify(text, amount, sent.start)
        if c.kind != "investment":
            continue
        before = text[sent.start : c.keyword_start]
        if not _GROUP_MARK.search(before):
            continue
        words = [w for w in _KIND_RE.findall(before) if w in _REAL]
        if not words:
            continue
        kind = _KIND_WORDS[words[-1]]
        scope, place, method = _figure_place(doc, sent.start, None, None, amount.span[0])
        ptype, pstart, pend, label, why = _period(doc, amount.span[0], False)
        day = _round_date(doc, sent) if ptype == "round" else None
        if ptype == "round":
            pstart = pend = day
            label = _round_label(doc, sent) or day
        out.append(
            _Batch(
                scope,
                place,
                kind,
                None,
                amount.value_cny,
                None,
                day,
                sent.start,
                amount.span[1],
                ptype,
                pstart,
                pend,
                label,
                method,
                f"kind {words[-1]} (a group: no project count stated); place {method}; "
                f"period {ptype} ({why})",
                None,
                amount.span,
                (amount.span[0],),
            )
        )
    return out


# --------------------------------------------------------------------------- place


def _figure_place(
    doc: Document, pos: int, listed: int | None, parent: _Batch | None, limit: int | None = None
) -> tuple[str, str | None, str]:
    """(scope, place, method). In order: a place, zone or scope word (全省, 我市) written in the
    figure's sentence before it (places inside a listed enumeration "A、B等N个" do not count);
    a heading ("长治："); the figure before it in the paragraph; earlier sentences of the
    paragraph; the sentence announcing the round in the paragraphs before; the article's
    context (its zone, county or city)."""
    sent = doc.sentence_at(pos)
    end = listed if listed is not None else pos
    found = _place_between(doc, sent.start, end)
    if found is not None:
        return found
    heading = heading_place(doc, sent.paragraph)
    if heading is not None:
        return heading.level, heading.full, "heading"
    if parent is not None and parent.place is not None:
        return parent.scope, parent.place, parent.place_method or "text"
    ps = doc.paragraphs[sent.paragraph][0]
    for s in reversed([s for s in doc.sentences if ps <= s.start < sent.start]):
        # 全省/我市 in an earlier sentence counts only where that sentence announces the round
        scopes = _ROUND_WORD.search(doc.text, s.start, s.end) is not None
        found = _place_between(doc, s.start, s.end, scopes)
        if found is not None:
            return found[0], found[1], "paragraph" if found[2] == "text" else found[2]
    announced = _announced_place(doc, sent.paragraph)
    if announced is not None:
        return (*announced, "announced")
    ctx = doc.context
    if ctx.foreign:
        return "unknown", None, "none"
    if ctx.zone is not None:
        return "zone", ctx.zone, "article_context"
    if ctx.place is not None:
        return ctx.place.level, ctx.place.full, "article_context"
    return "unknown", None, "none"


_VENUE = re.compile(r"在(?P<v>[^，。；在]{2,30}?)(?:举行|召开|举办)")
_NAME_TAIL = re.compile(
    r"(?:(?![的在与和及是为])[^，。；、“”\s\d个项]){0,10}?(?:基地|项目|工程|产业园|中心)"
)


def _in_name(text: str, pos: int, place: Place) -> bool:
    """ "晋中国家骨干冷链物流基地": a place that opens a project's name is not a figure's place
    (but "临汾市开发区项目…" is: a zone word follows the place)."""
    after = pos + len(place.name)
    if text.startswith(place.full, pos):
        after = pos + len(place.full)
    if re.match(r"开发区|经开区|高新区|各|全|市|县|区|分会场|会场", text[after : after + 3]):
        return False
    mo = _NAME_TAIL.match(text, after)
    if mo is None or _KIND_RE.search(mo.group(0)) or _STOP.search(mo.group(0)):
        return False
    return re.search(r"会场|活动|仪式", mo.group(0)) is None


def _place_between(
    doc: Document, start: int, end: int, scopes: bool = True
) -> tuple[str, str, str] | None:
    """(scope, place, method) of a Shanxi city/county written in [start, end) (the narrowest
    of a chain such as 运城市永济), else the zone of "在X举行", else a zone, else a scope word:
    全省, or 我市/全县 meaning the article's city or county (method ``article_context``)."""
    if end <= start:
        return None
    clause = _clause_start(doc.text, end, start)
    if start < clause < end:  # 在榆次区举行，全市集中开工…: the count's own clause first
        own = _place_between(doc, clause, end, scopes)
        if own is not None:
            return own
    places = [
        (pos, p)
        for pos, p in doc.places_in(start, end, ("city", "county"))
        if not _in_name(doc.text, pos, p)
    ]
    if places:
        best_pos, best = places[0]
        for pos, p in places[1:]:
            ends = {best_pos + len(best.name), best_pos + len(best.full)}
            nested = best.level == "city" and p.level == "county" and p.city_adcode == best.adcode
            if nested and pos in ends:  # 运城市永济, 晋中市太谷区: the county
                best_pos, best = pos, p
        return best.level, best.full, "text"
    for mo in _VENUE.finditer(doc.text, start, end):
        venue = doc.zones_in(mo.start("v"), mo.end("v"))
        if venue:
            return "zone", venue[-1].name, "venue"
    zones = doc.zones_in(start, end)
    if zones:
        return "zone", zones[-1].name, "text"
    if not scopes:
        return None
    text = doc.text[start:end]
    found = [
        (mo.start(), kind)
        for kind, pattern in (
            ("province", _SCOPE_PROVINCE),
            ("city", _SCOPE_CITY),
            ("county", _SCOPE_COUNTY),
        )
        for mo in pattern.finditer(text)
    ]
    for _, kind in sorted(found):
        if kind == "province":
            return "province", "山西省", "text"
        ctx = doc.context
        target = ctx.city_place() if kind == "city" else ctx.county_place()
        if target is not None:
            return target.level, target.full, "article_context"
    return None


def _announced_place(doc: Document, p_index: int) -> tuple[str, str | None] | None:
    """ "8月26日，晋中市开发区…“三个一批”活动在…举行。" then, in the next paragraph, "本次活动
    集中签约项目46个…": the place of a sentence announcing the round, in the (at most three)
    paragraphs before, headline included."""
    for i in range(p_index - 1, max(-1, p_index - 4), -1):
        ps, pe = doc.paragraphs[i]
        for s in [s for s in doc.sentences if ps <= s.start < pe]:
            if not _ROUND_WORD.search(doc.text, s.start, s.end):
                continue
            found = _place_between(doc, s.start, s.end)
            if found is not None:
                return found[0], found[1]
    return None


# --------------------------------------------------------------------------- period

_PERIOD_WORDS = mapping("period_words", "period_type")
_PERIOD_RE = re.compile(
    r"(?P<year>(?:19|20)\d{2}年|去年|近年|前年)?(?P<word>" + _alternation(_PERIOD_WORDS) + ")"
)
_AS_OF = re.compile(r"(?:到|截至|截止)(?:目前|今年|(?P<m>\d{1,2})月(?:底|末|份))")
_MONTHS = re.compile(r"(?P<a>1|一)[-—－~至到](?P<b>\d{1,2})月|上半年|一季度|前三季度")
_YEAR = re.compile(r"((?:19|20)\d{2})年")
# "2021年，…" / "2021年签约…": a year with no month or round after it is that whole year.
_BARE_YEAR = re.compile(r"((?:19|20)\d{2})年(?![\d一二三四五六七八九十]{1,2}月|第|首|以来|度|[-—])")
_ORDINAL = re.compile(
    r"(?:(?P<y>(?:19|20)\d{2})年)?(?P<o>第[一二三四五六七八九十\d]{1,3}(?:次|期|批|季(?!度))"
    r"|首批(?=[\d一二三四五六七八九十]|重点|重大|项目|集中)|首季)"
)


def _period(
    doc: Document, pos: int, pipeline: bool, parent: _Batch | None = None
) -> tuple[str, str | None, str | None, str | None, str]:
    """(period_type, start, end, label, evidence) of a figure at ``pos``: a period word of its
    sentence (以来, 累计, 今年以来, 全年, 1-6月, 到3月底 …), else the period of the figure
    before it in the paragraph (a series of figures shares its period), else a period word of
    the paragraph, else a round when a round is discussed or the sentence is dated."""
    text = doc.text
    sent = doc.sentence_at(pos)
    ps = doc.paragraphs[sent.paragraph][0]
    year = _article_year(doc, sent)
    if pipeline:
        return "pipeline", None, None, "在谈/储备/招商", "a pipeline word"
    campaign = _other_campaign(doc, sent)
    if campaign is not None:
        return "campaign", None, None, campaign, f"a tally of the “{campaign}” campaign"
    for lo in (sent.start, ps):
        if lo == ps and parent is not None:
            return (
                parent.period_type,
                parent.period_start,
                parent.period_end,
                parent.period_label,
                "the period of the figure before it",
            )
        best = None
        for mo in _PERIOD_RE.finditer(text, lo, pos):
            ptype = _PERIOD_WORDS[mo.group("word")]
            if ptype in ("round", "campaign") or (best is not None and best.group("year")):
                continue  # "2024年以来…累计签约": the dated start names the period
            best = mo
        if best is not None:
            return _typed(doc, best, sent, year)
        as_of = _AS_OF.search(text, lo, pos)
        if as_of is not None:
            return _as_of(doc, as_of, sent, year)
        months = _MONTHS.search(text, lo, pos)
        if months is not None:
            end = _as_of_end(doc, sent, year)
            start = f"{year}-01-01" if year else None
            label = f"{year}年{months.group(0)}" if year else months.group(0)
            return "ytd", start, end, label, f"“{months.group(0)}”"
        bare = _BARE_YEAR.match(text, _clause_start(text, pos, lo) if lo == sent.start else lo)
        if bare is None and lo == sent.start:
            bare = _BARE_YEAR.match(text, sent.start)
        if bare is not None:
            y = int(bare.group(1))
            end = f"{y}-12-31" if year is None or y < year else _as_of_end(doc, sent, y)
            return "ytd", f"{y}-01-01", end, f"{y}年", f"“{bare.group(0)}”: the year"
        if lo == sent.start:  # "本次“三个一批”活动中…": the sentence's own round wins
            for mo in _PERIOD_RE.finditer(text, sent.start, max(pos, sent.end)):
                if _PERIOD_WORDS[mo.group("word")] == "round":
                    return "round", None, None, None, f"“{mo.group('word')}”"
    for lo in (sent.start, ps):
        for mo in _PERIOD_RE.finditer(text, lo, max(pos, sent.end)):
            if _PERIOD_WORDS[mo.group("word")] == "round":
                return "round", None, None, None, f"“{mo.group('word')}”"
    if _in_round_context(doc, sent) or doc.dates_in_sentence(sent):
        return "round", None, None, None, "a dated event"
    return "unspecified", None, None, None, "no period stated"


def _other_campaign(doc: Document, sent) -> str | None:
    """The name of another campaign ("七个一批") the figure's sentence, the two paragraphs
    before it, or the headline speaks of, when none of them names "三个一批"."""
    p = sent.paragraph
    windows = [
        doc.text[doc.paragraphs[max(0, p - 2)][0] : sent.end],
        doc.text[: doc.paragraphs[min(2, len(doc.paragraphs) - 1)][1]],  # headline and lead
    ]
    if any(_ROUND_WORD.search(w) and "三个一批" in w for w in windows):
        return None
    for window in windows:
        for mo in _PERIOD_RE.finditer(window):
            if _PERIOD_WORDS[mo.group("word")] == "campaign":
                return mo.group("word")
    return None


def _article_year(doc: Document, sent) -> int | None:
    years = [int(m.group(1)) for m in _YEAR.finditer(doc.text, sent.start, sent.end)]
    if years:
        return years[0]
    if doc.published is not None:
        return doc.published.year
    day = doc.event_date
    return int(day[:4]) if day else None


def _reference_year(doc: Document) -> int | None:
    """The year the article speaks from: its date, else its event's."""
    if doc.published is not None:
        return doc.published.year
    return int(doc.event_date[:4]) if doc.event_date else None


def _typed(doc: Document, mo: re.Match, sent, year: int | None):
    word, written = mo.group("word"), mo.group("year")
    ptype = _PERIOD_WORDS[word]
    bare = _BARE_YEAR.match(doc.text, sent.start)
    if written is None and bare is not None and word != "以来":
        written = bare.group(0)  # "2021年，…前后一共开展…4次": that year's rounds
    label = (written or "") + word
    if written and written.endswith("年") and written[:4].isdigit():
        start_year = int(written[:4])
    elif written == "去年":
        start_year = year - 1 if year else None
    elif written == "前年":
        start_year = year - 2 if year else None
    else:
        start_year = year
    now = _reference_year(doc) or year
    if word == "以来" and written and written[:4].isdigit() and now and int(written[:4]) >= now:
        ptype = "ytd"  # 2025年以来 in a 2025 article: this year so far
    if ptype == "cumulative" and word == "以来" and not written:
        start_year = None
    end = _as_of_end(doc, sent, start_year if ptype == "ytd" else now)
    if ptype == "cumulative" and "开展" in word and start_year:
        end = f"{start_year}-12-31"  # 2021年…一共开展活动4次: that year's rounds
    if ptype == "ytd" and word == "全年" and start_year and year and start_year < year:
        end = f"{start_year}-12-31"
    start = f"{start_year}-01-01" if start_year else None
    return ptype, start, end, label, f"“{label}”"


def _as_of_end(doc: Document, sent, year: int | None) -> str | None:
    text = doc.text[sent.start : sent.end]
    months = _MONTHS.search(text)
    if months and year:
        last = {"上半年": 6, "一季度": 3, "前三季度": 9}.get(months.group(0))
        month = last or int(months.group("b"))
        return _month_end(year, month)
    mo = _AS_OF.search(text)
    if mo and mo.group("m") and year:
        return _month_end(year, int(mo.group("m")))
    if doc.published is not None and (year is None or doc.published.year == year):
        return doc.published.isoformat()
    return None


def _month_end(year: int, month: int) -> str | None:
    if not 1 <= month <= 12:
        return None
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    return date.fromordinal(nxt.toordinal() - 1).isoformat()


def _as_of(doc: Document, mo: re.Match, sent, year: int | None):
    """ "到3月底，该市…共141个": so far this year, or since a start named just before
    (去年以来 in the paragraph before makes it cumulative)."""
    p = sent.paragraph
    lo = doc.paragraphs[max(0, p - 1)][0]
    earlier = [
        m
        for m in _PERIOD_RE.finditer(doc.text, lo, sent.start)
        if _PERIOD_WORDS[m.group("word")] in ("cumulative", "ytd")
    ]
    if earlier:
        ptype, start, _, label, _ = _typed(doc, earlier[-1], sent, year)
        end = _as_of_end(doc, sent, year)
        return ptype, start, end, f"{label}{mo.group(0)}", f"“{label}” then “{mo.group(0)}”"
    end = _as_of_end(doc, sent, year)
    start = f"{year}-01-01" if year else None
    return "ytd", start, end, mo.group(0), f"“{mo.group(0)}”"


def _in_round_context(doc: Document, sent) -> bool:
    p = sent.paragraph
    lo, hi = max(0, p - 2), min(len(doc.paragraphs), p + 2)
    chunk = doc.text[doc.paragraphs[lo][0] : doc.paragraphs[hi - 1][1]]
    return _ROUND_WORD.search(chunk) is not None or "集中" in doc.text[sent.start : sent.end]


_SAME_EVENT = re.compile(r"当天|同日|本次|此次|本轮|这次|现场|分会场")


def _round_date(doc: Document, sent) -> str | None:
    """The round's day: a date written in the figure's sentence; the article's event date when
    the sentence points back to it (当天, 本次 …); else a dated sentence of this paragraph, the
    next or the previous; else the article's event date. Page stamps (来源…2020年3月19日 21:52,
    2022-03-04) are the page's date, not the round's."""
    own = _event_dates(doc, sent.start, sent.end)
    if own:
        return own[0]
    if _SAME_EVENT.search(doc.text, sent.start, sent.end) and doc.event_date:
        return doc.event_date
    for i in (sent.paragraph, sent.paragraph + 1, sent.paragraph - 1):
        if 0 <= i < len(doc.paragraphs):
            found = _event_dates(doc, *doc.paragraphs[i])
            if found:
                return found[0]
    return doc.event_date


def _event_dates(doc: Document, start: int, end: int) -> list[str]:
    out = []
    for ref, offset in doc.dates_in(start, end):
        at = offset + ref.span[1]
        if ref.precision != "day" or "月" not in ref.text:
            continue
        if re.match(r"\s*\d{1,2}:\d{2}", doc.text[at : at + 8]):
            continue  # 2020年10月28日11:10: the page's time stamp
        out.append(ref.iso)
    return out


def _round_label(doc: Document, sent) -> str | None:
    """ "2023年第一次", "2021年第一期", "首批": the round's ordinal, in the figure's sentence or
    - for a "三个一批" round - in its paragraph or the one before."""
    spans = [(sent.start, sent.end)]
    for i in (sent.paragraph, sent.paragraph - 1):
        if 0 <= i < len(doc.paragraphs) and "三个一批" in doc.text[slice(*doc.paragraphs[i])]:
            spans.append(doc.paragraphs[i])
    for start, end in spans:
        mo = _ORDINAL.search(doc.text, start, end)
        if mo:
            year = mo.group("y") or ""
            return f"{year}年{mo.group('o')}" if year else mo.group("o")
    return None


# --------------------------------------------------------------------------- clean-up


def _dedupe(batches: list[_Batch]) -> list[_Batch]:
    """One figure per (place, kind, count, investment, period); a repeat may add the output
    figure the first statement lacked (a headline and its article)."""
    kept: dict[tuple, _Batch] = {}
    for b in sorted(batches, key=lambda b: b.start):
        place = zone_key(b.place) if b.scope == "zone" and b.place else b.place
        key = (place, b.kind, b.projects, b.investment, b.period_type)
        first = kept.get(key)
        if first is None:
            kept[key] = b
            continue
        if first.output is None and b.output is not None:
            first = kept[key] = replace(first, output=b.output)
        if first.date is None and b.date is not None:
            first = kept[key] = replace(first, date=b.date, period_start=b.date, period_end=b.date)
        if len(b.place or "") > len(first.place or ""):  # 综改区 (headline), then its full name
            kept[key] = replace(first, place=b.place)
    # A headline count without its amount ("…活动签约项目15个") repeats the article's figure.
    with_amount = {k[:3] + k[4:] for k in kept if k[3] is not None}
    out = [b for k, b in kept.items() if k[3] is not None or k[:3] + k[4:] not in with_amount]
    # A headline figure with no period word repeats the same figure stated with one.
    typed = {k[:4] for k in kept if k[4] != "unspecified"}
    return [
        b
        for b in out
        if b.period_type != "unspecified"
        or (
            (zone_key(b.place) if b.scope == "zone" and b.place else b.place),
            b.kind,
            b.projects,
            b.investment,
        )
        not in typed
    ]


def check_sums(batches: list[_Batch]) -> list[str]:
    """Warnings where signed + started + in_production differ from the stated total."""
    warnings = []
    groups: dict[tuple, dict[str, _Batch]] = {}
    for b in batches:
        if b.period_type == "round":
            groups.setdefault((b.place, b.date), {}).setdefault(b.kind, b)
    for (place, day), kinds in groups.items():
        parts = [kinds.get(k) for k in REAL_KINDS]
        total = kinds.get("all")
        if total is None or None in parts:
            continue
        counts = [p.projects for p in parts]  # type: ignore[union-attr]
        if total.projects is not None and None not in counts and sum(counts) != total.projects:
            warnings.append(
                f"batch counts for {place} {day}: {' + '.join(map(str, counts))} = "
                f"{sum(counts)} but the stated total is {total.projects}"
            )
        amounts = [p.investment for p in parts]  # type: ignore[union-attr]
        if total.investment is not None and None not in amounts:
            diff = abs(sum(amounts) - total.investment)
            if diff > 1_000_000:  # rounding to 0.01亿 three times stays below this
                warnings.append(
                    f"batch investment for {place} {day}: parts sum to {sum(amounts) / 1e8:g}亿元 "
                    f"but the stated total is {total.investment / 1e8:g}亿元"
                )
    return warnings
