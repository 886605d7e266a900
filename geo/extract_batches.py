"""'三个一批' figures: how many projects were signed / started / put into production in a round,
their total investment and expected output, per province, city, county or zone.

Rounds are reported as "吕梁市“签约一批”项目共13个，签约投资16.69亿元，预计年产值11.9亿元；…"
or "长治市共涉及项目55个，总投资399亿元。其中，签约项目27个，…". Groups outside a round are
kept too, marked by ``period`` ("投资48.22亿元的21个重点项目集中开工", "累计签约项目62个").
A batch total already contains the projects named in it: never add the two together.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from geo.extract_common import Document, classify
from geo.extract_places import Place
from geo.extract_zones import zone_key

_KIND_MARK = re.compile(
    r"“?(?P<kind>签约|开工|投产)一批”?(?:项目)?(?:共)?(?P<n>\d+)个"
    r"|(?:集中)?(?P<kind2>签约|开工|投产)(?:的)?项目(?:共)?(?P<n2>\d+)个"
)
_ALL_MARK = re.compile(r"(?:共(?:征集|铺排|涉及|实施|谋划|储备)?|项目总数)(?:项目)?(?P<n>\d+)个")
_GROUP_BEFORE = re.compile(  # 投资48.22亿元的21个重点项目集中开工
    r"的(?P<n>\d+)个(?:重点|重大|产业|工业)?(?:类)?项目(?:集中)?(?P<kind>签约|开工|开建|投产|竣工)"
)
_GROUP_AFTER = re.compile(  # 签约31个项目，总投资达103.16亿元 / 累计签约项目62个，总投资…
    r"(?P<cum>累计)?(?P<kind>签约|开工|投产)(?:项目)?(?P<n>\d+)个(?:项目)?[，,]"
)
_GROUP_COUNT_FIRST = re.compile(  # 24个重点项目集中开工，总投资31.5亿元
    r"(?P<n>\d+)个(?:重点|重大|产业|工业)?(?:类)?项目(?:集中)?(?P<kind>签约|开工|开建|投产|竣工)"
    r"[^，。；]{0,6}[，,]"
)
_KIND = {
    "签约": "signed",
    "开工": "started",
    "开建": "started",
    "投产": "in_production",
    "竣工": "completed",
}
_PERIOD = re.compile(r"(?:(?:19|20)\d{2}年|今年|去年|近年)以来|今年|累计")


@dataclass(frozen=True)
class BatchFigure:
    """A batch of projects. ``scope`` province/city/county/zone; ``place`` as written in full
    ("长治市"); ``kind`` signed/started/in_production/all; ``projects`` count; amounts in yuan;
    ``date`` ISO date of the round; ``period`` set for cumulative or non-round groups."""

    scope: str
    place: str | None
    kind: str
    projects: int | None
    investment_cny: int | None
    output_cny: int | None
    date: str | None
    span: tuple[int, int]
    period: str | None = None


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
    period: str | None
    amount_starts: tuple[int, ...]


def find_batches(doc: Document) -> tuple[list[_Batch], set[int]]:
    """Round figures and groups, deduplicated, and the start of every amount they consumed."""
    out: list[_Batch] = []
    text = doc.text
    for p_index, (ps, pe) in enumerate(doc.paragraphs):
        if not _round_context(doc, p_index):
            continue
        previous: tuple[str, str | None] | None = None
        for mo in _iter_marks(text, ps, pe):
            groups = mo.groupdict()
            word = groups.get("kind") or groups.get("kind2")
            kind = _KIND[word] if word else _list_kind(doc, mo.start())
            n = int(groups.get("n") or groups.get("n2"))
            inv, out_cny, end, starts = _amounts_after(doc, mo.end(), pe)
            scope, place = previous = _batch_place(doc, mo.start(), p_index, previous)
            out.append(
                _Batch(
                    scope,
                    place,
                    kind,
                    n,
                    inv,
                    out_cny,
                    _round_date(doc, p_index),
                    mo.start(),
                    end,
                    None,
                    starts,
                )
            )
    used = {start for b in out for start in b.amount_starts}
    out.extend(_groups(doc, used))
    used |= {start for b in out for start in b.amount_starts}
    return _dedupe(out), used


def _iter_marks(text: str, start: int, end: int):
    kinds = [  # 累计签约项目62个 is a running total, not this round
        m
        for m in _KIND_MARK.finditer(text, start, end)
        if not text[max(start, m.start() - 2) : m.start()].endswith("累计")
    ]
    totals = [
        m
        for m in _ALL_MARK.finditer(text, start, end)
        if not any(k.start() <= m.start() < k.end() for k in kinds)  # 项目共13个 inside a kind
    ]
    return sorted(kinds + totals, key=lambda m: m.start())


def _list_kind(doc: Document, pos: int) -> str:
    """A total of one batch's list: "公布…“开工一批”项目清单，共12个项目" counts started
    projects; with no or several batch names before it in the sentence it is the round's total."""
    sent = doc.sentence_at(pos)
    words = {mo.group(1) for mo in re.finditer(r"(签约|开工|投产)一批", doc.text[sent.start : pos])}
    return _KIND[words.pop()] if len(words) == 1 else "all"


def _round_context(doc: Document, p_index: int) -> bool:
    """A '三个一批' round is discussed here or in the neighbouring paragraphs."""
    lo, hi = max(0, p_index - 2), min(len(doc.paragraphs), p_index + 2)
    chunk = doc.text[doc.paragraphs[lo][0] : doc.paragraphs[hi - 1][1]]
    return _ROUND_WORD.search(chunk) is not None


# "一批" alone is everyday prose (实施了一批带动性强的项目); a round names itself.
_ROUND_WORD = re.compile(r"三个一批|(?:签约|开工|投产)一批")


def _amounts_after(doc: Document, pos: int, limit: int):
    """Investment and output amounts in the clauses right after a count, up to the next
    sentence end, the next count or "其中" (a sub-figure such as 产业类项目)."""
    text = doc.text
    stop = limit
    for mo in re.finditer(r"[。；;]|其中|\d+个", text[pos:limit]):
        stop = pos + mo.start()
        break
    inv = output = None
    starts: list[int] = []
    end = pos
    for amount in doc.amounts:
        if not pos <= amount.span[0] < stop:
            continue
        c = classify(text, amount, pos)
        if c.kind == "investment" and inv is None:
            inv = amount.value_cny
        elif c.kind == "output" and output is None:
            output = amount.value_cny
        else:
            continue
        starts.append(amount.span[0])
        end = amount.span[1]
    return inv, output, end, tuple(starts)


def _batch_place(
    doc: Document, pos: int, p_index: int, previous: tuple[str, str | None] | None = None
) -> tuple[str, str | None]:
    """The place a batch belongs to: the first city/county written in its sentence before it,
    else the zone written there ("太原高新区举行“三个一批”…，共签约项目15个"), else 全省, else
    the section heading ("长治："), else the place of the figure before it in the paragraph
    ("全省开发区共签约项目350个…；开工项目320个…"), else the first place - or zone - of an
    earlier sentence of the paragraph."""
    sent = doc.sentence_at(pos)
    before = doc.text[sent.start : pos]
    found = doc.places_in(sent.start, pos, ("city", "county"))
    if found:
        return _scope(found[0][1])
    zones = doc.zones_in(sent.start, pos)
    if zones:
        return "zone", zones[-1].name
    if "全省" in before:
        return "province", "山西省"
    heading = _heading_place(doc, p_index)
    if heading is not None:
        return _scope(heading)
    if previous is not None and previous[1] is not None:
        return previous
    ps = doc.paragraphs[p_index][0]
    earlier = list(reversed([s for s in doc.sentences if ps <= s.start < sent.start]))
    for s in earlier:
        found = doc.places_in(s.start, s.end, ("city", "county"))
        if found:
            return _scope(found[0][1])
    for s in earlier:
        zones = doc.zones_in(s.start, s.end)
        if zones:
            return "zone", zones[-1].name
        if "全省" in doc.text[s.start : s.end]:
            return "province", "山西省"
    return _announced_place(doc, p_index)


def _announced_place(doc: Document, p_index: int) -> tuple[str, str | None]:
    """ "8月26日，晋中市开发区…“三个一批”活动在…举行。" then, in the next paragraph, "本次活动
    集中签约项目46个…": the place of the sentence announcing the round, in the (at most three)
    paragraphs before, headline included."""
    for i in range(p_index - 1, max(-1, p_index - 4), -1):
        ps, pe = doc.paragraphs[i]
        for s in _sentences_of(doc, ps, pe):
            if not _ROUND_WORD.search(doc.text, s.start, s.end):
                continue
            found = doc.places_in(s.start, s.end, ("city", "county"))
            if found:
                return _scope(found[0][1])
            zones = doc.zones_in(s.start, s.end)
            if zones:
                return "zone", zones[0].name
            if "全省" in doc.text[s.start : s.end]:
                return "province", "山西省"
    return "unknown", None


def _sentences_of(doc: Document, ps: int, pe: int):
    if ps >= pe:
        return
    s = doc.sentence_at(ps)
    while True:
        if s.start >= ps:
            yield s
        if s.end >= pe or s.end <= s.start:
            return
        s = doc.sentence_at(s.end)


def _scope(place: Place) -> tuple[str, str]:
    return place.level, place.full


def _heading_place(doc: Document, p_index: int) -> Place | None:
    """A short heading paragraph "长治：" within the three paragraphs before."""
    from geo.extract_places import lookup

    for i in range(p_index, max(-1, p_index - 4), -1):
        ps, pe = doc.paragraphs[i]
        mo = re.match(r"^([\u4e00-\u9fff]{2,6})[：:]$", doc.text[ps:pe])
        if mo:
            return lookup(mo.group(1))
    return None


def _round_date(doc: Document, p_index: int) -> str | None:
    """The round's day: a dated sentence in this paragraph, else the next, else the previous."""
    for i in (p_index, p_index + 1, p_index - 1):
        if not 0 <= i < len(doc.paragraphs):
            continue
        ps, pe = doc.paragraphs[i]
        for ref, _ in doc.dates_in(ps, pe):
            if ref.precision == "day":
                return ref.iso
    return None


def _groups(doc: Document, used: set[int]) -> list[_Batch]:
    """Groups of projects outside the round tables (county openings, cumulative signings)."""
    out = []
    text = doc.text
    for amount in doc.amounts:
        if amount.span[0] in used:
            continue
        sent = doc.sentence_at(amount.span[0])
        c = classify(text, amount, sent.start)
        if c.kind != "investment":
            continue
        mo = _GROUP_BEFORE.match(text, amount.span[1])
        n = kind = None
        if mo:
            n, kind = int(mo.group("n")), _KIND[mo.group("kind")]
        else:
            for pattern in (_GROUP_AFTER, _GROUP_COUNT_FIRST):
                for g in pattern.finditer(
                    text, max(sent.start, c.keyword_start - 40), c.keyword_start
                ):
                    if g.end() >= c.keyword_start - 1:
                        n, kind = int(g.group("n")), _KIND[g.group("kind")]
        if n is None:
            continue
        scope, place = _group_place(doc, sent.start, amount.span[0])
        period_mo = _PERIOD.search(text, sent.start, amount.span[0])
        period = period_mo.group(0) if period_mo else None
        date = next((r.iso for r, _ in doc.dates_in(sent.start, sent.end)), None)
        if period is None and date is None:
            period = "unspecified"
        out.append(
            _Batch(
                scope,
                place,
                kind,
                n,
                amount.value_cny,
                None,
                date,
                sent.start,
                amount.span[1],
                period,
                (amount.span[0],),
            )
        )
    return out


def _group_place(doc: Document, start: int, pos: int) -> tuple[str, str | None]:
    zones = doc.zones_in(start, pos)
    if zones:
        return "zone", zones[-1].name
    found = doc.places_in(start, pos, ("city", "county"))
    if found:
        return _scope(found[-1][1])
    zone = doc.zone_context(doc.sentence_at(start), pos)
    if zone is not None:
        return "zone", zone
    return "unknown", None


def _dedupe(batches: list[_Batch]) -> list[_Batch]:
    """One figure per (place, kind, date, count, investment, period); a repeat may add the
    output figure the first statement lacked (a headline and its article)."""
    kept: dict[tuple, _Batch] = {}
    for b in sorted(batches, key=lambda b: b.start):
        place = zone_key(b.place) if b.scope == "zone" and b.place else b.place
        key = (place, b.kind, b.date, b.projects, b.investment, b.period)
        first = kept.get(key)
        if first is None:
            kept[key] = b
            continue
        if first.output is None and b.output is not None:
            first = kept[key] = replace(first, output=b.output)
        if len(b.place or "") > len(first.place or ""):  # 综改区 (headline), then its full name
            kept[key] = replace(first, place=b.place)
    # A headline count without its amount ("…活动签约项目15个") repeats the article's figure.
    with_amount = {k[:4] + k[5:] for k in kept if k[4] is not None}
    out = [b for k, b in kept.items() if k[4] is not None or k[:4] + k[5:] not in with_amount]
    # A headline figure (no date, place often abbreviated: 综改区) repeating a dated one of the
    # article with the same kind, count and amount is that figure.
    dated = {(b.kind, b.projects, b.investment) for b in out if b.date and b.period is None}
    return [
        b
        for b in out
        if b.date
        or b.period
        or b.investment is None
        or (b.kind, b.projects, b.investment) not in dated
    ]


def check_sums(batches: list[_Batch]) -> list[str]:
    """Warnings where signed + started + in_production differ from the stated total."""
    warnings = []
    groups: dict[tuple, dict[str, _Batch]] = {}
    for b in batches:
        if b.period is None:
            groups.setdefault((b.place, b.date), {}).setdefault(b.kind, b)
    for (place, day), kinds in groups.items():
        parts = [kinds.get(k) for k in ("signed", "started", "in_production")]
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
