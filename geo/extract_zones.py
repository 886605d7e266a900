"""Development-zone mentions: suffix rules for the language, place prefixes from a lexicon.

A zone name is a place prefix plus a zone suffix: 晋城 + 经济技术开发区, 太原武宿 + 综保区,
汾阳杏花村白酒 + 专业镇. The suffix gives the type; the prefix must start with a known place name
(Shanxi units, other provinces and cities) so that generic phrases - 各开发区, 全省开发区,
省级转型综改示范区, 该园区 - are never taken for names. A zone written straight after another one
is its part: 山西转型综合改革示范区 + 晋中开发区, 岚县经开区 + 铸造产业园.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from geo.extract_places import ZONE_PLACE_WORDS, lookup, place_pattern
from geo.rules import rows

# (suffix, type) from geo/rules/zone_suffixes.csv, longest first within each family: the
# regex tries them in file order.
_SUFFIXES: list[tuple[str, str]] = [(r["suffix"], r["type"]) for r in rows("zone_suffixes")]
_TYPE = dict(_SUFFIXES)
_SUFFIX_RE = re.compile(
    r"(?:(?:国家|省|市|县)级)?(?:重点)?(?=专业镇)专业镇|"
    + "|".join(re.escape(s) for s, _ in _SUFFIXES if s != "专业镇")
)
# Parts of 山西转型综合改革示范区 that are named without it.
REFORM_PARTS = frozenset({"晋中开发区", "阳曲工业园区", "阳曲产业园区", "潇河产业园区", "太原片区"})
# Abbreviations that are proper names on their own in Shanxi papers.
_STANDALONE = {"综改区": "reform_demo"}

_CJK = re.compile(r"[\u4e00-\u9fff（）]")
# Function words and quantifiers: a prefix containing one is a phrase, not a name.
_STOP = re.compile(
    r"[在的于和与及是了把被向由从对为将到等各该全其这那个类级批有也都已正就并或以之里内每某几"
    r"省市县年]"
)
# Free text allowed between the place and the suffix (太原 + 武宿, 清徐 + 精细化工循环).
_FREE_LIMIT = {"industrial_park": 8, "specialty_town": 8}
_WINDOW = 18
_VERBS = re.compile(r"促进|支持|推动|推进|建设|打造|培育|发展|加快|建立|实施|围绕|依托|聚焦|服务")
_ZONE_WORDS_LONGEST = sorted(ZONE_PLACE_WORDS, key=len, reverse=True)


@dataclass(frozen=True)
class ZoneMention:
    """A named development zone in the text.

    ``name`` as written with its place prefix ("大同经开区"; a part keeps its parent:
    "山西转型综合改革示范区晋中开发区"); ``type`` one of the type codes; ``span`` original offsets;
    ``place_prefix`` the leading place ("大同"); ``parent`` the enclosing zone's name, if written.
    """

    name: str
    type: str
    span: tuple[int, int]
    place_prefix: str | None
    parent: str | None = None


@dataclass(frozen=True)
class _Raw:
    start: int
    end: int
    name: str
    type: str
    place: str | None
    parent: str | None


def find_zones(text: str) -> Iterator[_Raw]:
    """Zone mentions in normalised text, spans in normalised offsets, left to right."""
    prev: _Raw | None = None
    for mo in _SUFFIX_RE.finditer(text):
        s, e = mo.span()
        suffix = mo.group(0)
        kind = _TYPE.get(suffix, "specialty_town" if suffix.endswith("专业镇") else "other")
        if text.startswith("项目", e) and kind == "industrial_park":
            continue  # 国运资本汽车零部件产业园项目 is a project, not a zone
        # The prefix window: Chinese characters to the left, not reaching into the previous zone.
        floor = max(prev.end if prev else 0, s - _WINDOW)
        w = s
        while w > floor and _CJK.match(text[w - 1]):
            w -= 1
        window = text[w:s]
        adjacent = prev is not None and (prev.end == w or text[prev.end : w] == "（")
        if adjacent and prev is not None and text[prev.end : w] == "（":
            window = text[prev.end + 1 : s]
        found = _prefix(window, kind, suffix, adjacent)
        if found is None:
            continue
        start_in_window, place = found
        if text.startswith("）", e) and "（" in window:
            e += 1  # 山西转型综改示范区（太原片区）
        local = window[start_in_window:] + text[s:e]
        local_start = s - len(window) + start_in_window
        if (
            adjacent
            and prev is not None
            and (
                local_start == prev.end or (local_start == prev.end + 1 and text[prev.end] == "（")
            )
        ):
            parent = prev.name
            name = text[prev.start : e]
            if prev.type == "reform_demo" or local in REFORM_PARTS:
                kind = "reform_demo"
            raw = _Raw(prev.start, e, name, kind, place or prev.place, parent)
        else:
            if local in REFORM_PARTS:
                kind = "reform_demo"
            if kind == "reform_demo" and suffix == "片区":
                continue  # 片区 only counts as a part of the reform zone
            raw = _Raw(local_start, e, local, kind, place, None)
        prev = raw
        yield raw


@lru_cache(maxsize=8192)  # repeated windows (tables, spam, 10 MB of one phrase) cost nothing
def _prefix(window: str, kind: str, suffix: str, adjacent: bool) -> tuple[int, str | None] | None:
    """Where the name starts inside ``window`` and its leading place; None if not a name.

    A name is a chain of place names followed by a little free text (太原 + 武宿, 清徐 + 精细化工
    循环) that holds no function word, verb or other zone word.
    """
    limit = _FREE_LIMIT.get(kind, 4)
    for start, place in _places(window):
        rest = window[start:]
        free = _after_places(rest)
        if len(free) <= limit and _free_ok(free):
            if not _acceptable(rest, place, free, suffix):
                return None
            return start, _narrowest(rest[: len(rest) - len(free)]) or place
    if suffix in _STANDALONE and (
        not window or _STOP.search(window[-1:]) or window.endswith(("落户", "落地", "位于", "入驻"))
    ):
        return len(window), None
    if suffix == "园区":
        return None  # a bare 园区 needs a place of its own (化工园区智慧园区 is not a zone)
    if adjacent and window and len(window) <= limit and _free_ok(window):
        return 0, None  # 岚县经开区 + 铸造产业园
    if adjacent and not window and kind in ("industrial_park", "reform_demo", "other"):
        return 0, None  # 平鲁经济技术开发区 + 化工园区
    return None


def _free_ok(free: str) -> bool:
    free = re.sub(r"(?:国家级|国家|省级)$", "", free)  # 晋中国家级农业高新技术产业示范区
    if _STOP.search(free) or _VERBS.search(free) or "区" in free:
        return False
    return free.count("（") == free.count("）")


def _after_places(text: str) -> str:
    """What follows the chain of place names at the start of ``text`` (the free text)."""
    pos = 0
    while pos < len(text):
        word = next((w for w in _ZONE_WORDS_LONGEST if text.startswith(w, pos)), None)
        if word is None:
            mo = place_pattern().match(text, pos)
            word = mo.group(0) if mo else None
        if word is None:
            break
        pos += len(word)
    return text[pos:]


def _narrowest(chain: str) -> str | None:
    """The narrowest Shanxi unit of a chain of place names: "山西永济" -> "永济" (official zone
    names are 山西 + place + type; the province must not win over the place)."""
    rank = {"county": 0, "city": 1, "province": 2}
    best = None
    pos = 0
    while pos < len(chain):
        mo = place_pattern().match(chain, pos)
        if mo is None:
            pos += 1
            continue
        info = lookup(mo.group(0))
        if info is not None and info.adcode and (best is None or rank[info.level] <= rank[best[1]]):
            best = (mo.group(0), info.level)
        pos = mo.end()
    return best[0] if best else None


def _places(window: str) -> Iterator[tuple[int, str]]:
    """(start, place) of every place name in the window, left to right."""
    seen = set()
    for word in ZONE_PLACE_WORDS:
        for mo in re.finditer(re.escape(word), window):
            seen.add((mo.start(), word))
    for i in range(len(window)):  # every start, so that overlapping names are all found
        mo = place_pattern().match(window, i)
        if mo:
            seen.add((i, mo.group(0)))
    return iter(sorted(seen))


def _acceptable(rest: str, place: str, free: str, suffix: str) -> bool:
    """Reject city- or province-wide collectives: 吕梁市开发区, 山西开发区, 晋城园区."""
    info = lookup(place)
    if suffix in ("开发区", "园区") and not free:
        if info is None or info.level == "province" or rest.endswith(("市", "省")):
            return False
        if suffix == "园区":
            return False
    return True


def zone_key(name: str) -> str:
    """Canonical key for matching zone names and aliases.

    经济技术开发区 -> 经开区, 高新技术产业开发区 -> 高新区, 转型综合改革示范区 -> 综改区,
    国家农业高新技术产业示范区 / 国农高区 -> 农高区, 综合保税区 -> 综保区; drops a leading
    山西/山西省, 省级/市级/县级/重点 before 专业镇, brackets and spaces.
    """
    key = re.sub(r"[\s“”\"'()（）]", "", name)
    for long, short in _KEY_SUBS:
        key = key.replace(long, short)
    key = re.sub(r"(国家|省|市|县)级|重点(?=专业镇)", "", key)
    key = re.sub(r"^山西(省)?(?!$)", "", key)
    return key


_KEY_SUBS = [
    ("国家农业高新技术产业示范区", "农高区"),
    ("农业高新技术产业示范区", "农高区"),
    ("国农高区", "农高区"),
    ("高新技术产业开发区", "高新区"),
    ("高新技术开发区", "高新区"),
    ("经济技术开发区", "经开区"),
    ("转型综合改革示范区", "综改区"),
    ("转型综改示范区", "综改区"),
    ("综改示范区", "综改区"),
    ("综合改革示范区", "综改区"),
    ("综合保税区", "综保区"),
    ("生态文化旅游示范区", "生态旅游示范区"),
    ("生态文旅示范区", "生态旅游示范区"),
    ("现代农业示范区", "现代农业产业示范区"),
]
