"""One search across zones, projects and places, by Chinese, pinyin or English.

Every entry carries normalised keys: its Chinese name and aliases, their toneless pinyin
(``太谷`` -> ``taigu``, ``吕梁`` -> ``lvliang`` and ``luliang``), English place names
(``Taigu District``) and, for zones, the pinyin of the name's place part followed by the
English zone type (``Taigu economic & technological development zone``). A query is
normalised the same way (lower case, no spaces, hyphens or apostrophes) and matches a key
exactly, as a prefix or inside it, in that order of rank. Pure: no Flask.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import boundaries
from webmap import i18n

MAX_RESULTS = 50
MAX_QUERY = 100
KIND_ORDER = {"zone": 0, "place": 1, "project": 2}
_DROP = re.compile(r"[\s\-'’·.,，、()（）]+")
# Zone-name endings and their type (longest first), for the English-style key.
_SUFFIXES = (
    ("经济技术开发区", "etdz"),
    ("高新技术产业开发区", "hitech"),
    ("高新技术开发区", "hitech"),
    ("经济开发区", "econ_dev"),
    ("综合保税区", "bonded"),
    ("现代农业产业示范区", "modern_agri"),
    ("生态文化旅游示范区", "eco_tourism"),
    ("生态旅游示范区", "eco_tourism"),
    ("农业高新技术产业示范区", "agri_hitech"),
    ("转型综合改革示范区", "reform_demo"),
    ("工业园区", "industrial_park"),
    ("专业镇", "specialty_town"),
    ("经开区", "etdz"),
    ("高新区", "hitech"),
    ("开发区", "other"),
)


def normalise(text) -> str:
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    text = unicodedata.normalize("NFKC", str(text)).lower().replace("ü", "v")
    return _DROP.sub("", text)


@lru_cache(maxsize=1)
def _place_spellings() -> tuple[tuple[str, str], ...]:
    """(Chinese stem, its official spelling) of every unit, longest first: a dictionary
    reads 长治 as "zhangzhi"; the unit's English name knows it is Changzhi."""
    from boundaries.names import split_suffix

    pairs = {}
    for u in boundaries.units():
        stem, _ = split_suffix(u.name)
        english = u.name_en.rsplit(" ", 1)[0] if " " in u.name_en else u.name_en
        if len(stem) >= 2 and i18n.HAN.search(stem):
            pairs[stem] = normalise(english)
    return tuple(sorted(pairs.items(), key=lambda kv: -len(kv[0])))


@lru_cache(maxsize=4096)
def pinyin(text: str) -> str:
    """Toneless pinyin of the Han characters of ``text`` (others kept), ü as v; place
    names spelled as officially (长治 -> changzhi, 洪洞 -> hongtong)."""
    if not i18n.HAN.search(text):
        return ""
    from pypinyin import lazy_pinyin

    for stem, spelled in _place_spellings():
        if stem in text:
            text = text.replace(stem, f" {spelled} ")
    return normalise("".join(lazy_pinyin(text)))


def _keys(*texts) -> set[str]:
    keys = set()
    for text in texts:
        if not text:
            continue
        norm = normalise(text)
        if norm:
            keys.add(norm)
        py = pinyin(str(text))
        if py:
            keys.add(py)
            keys.add(py.replace("v", "u"))
        if "v" in norm:
            keys.add(norm.replace("v", "u"))
    return keys


def _zone_english_key(name: str) -> str:
    for suffix, kind in _SUFFIXES:
        if name.endswith(suffix):
            prefix = name[: -len(suffix)].removeprefix("山西省").removeprefix("山西")
            return pinyin(prefix) + normalise(i18n.ZONE_TYPES[kind][1])
    return ""


@dataclass(frozen=True)
class Entry:
    kind: str  # zone | project | place
    id: str
    name: str
    detail: str
    href: str
    keys: frozenset[str] = field(repr=False)


def _text(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def build(data, lang: str) -> list[Entry]:
    """The entries of one dataset (zones, projects) and every Shanxi unit."""
    q = "?lang=en" if lang == "en" else ""
    entries = []
    for u in boundaries.units():
        keys = _keys(u.name, u.short_name, u.name_en, u.qualified_name)
        keys.add(normalise(u.name_en.split(" ")[0]))  # "Taigu" for "Taigu District"
        level = i18n.t({"city": "city", "county": "counties"}.get(u.level, "site"), lang)
        entries.append(
            Entry(
                "place",
                u.adcode,
                i18n.place_name(u, lang),
                level,
                f"/places/{u.adcode}{q}",
                frozenset(keys),
            )
        )
    for z in data.zones.drop(columns="geometry").to_dict("records"):
        aliases = [a for a in _text(z.get("aliases")).split("|") if a]
        keys = _keys(z["name"], *aliases)
        english = _zone_english_key(z["name"])
        if english:
            keys.add(english)
        kind = i18n.ZONE_TYPES.get(z["type"], i18n.ZONE_TYPES["other"])
        city = _text(z.get("county_adcode")) or _text(z.get("city_adcode"))
        where = i18n.place_name(boundaries.unit(city), lang) if city else ""
        entries.append(
            Entry(
                "zone",
                z["zone_id"],
                z["name"],
                " · ".join(p for p in (i18n.pick(kind, lang), where) if p),
                f"/zones/{z['zone_id']}{q}",
                frozenset(keys),
            )
        )
    for p in data.projects.drop(columns="geometry").to_dict("records"):
        keys = _keys(p["name"], _text(p.get("company")))
        place = _text(p.get("county_adcode")) or _text(p.get("city_adcode"))
        where = i18n.place_name(boundaries.unit(place), lang) if place else ""
        stage = i18n.pick(i18n.STAGES[p["stage"]], lang) if p.get("stage") in i18n.STAGES else ""
        entries.append(
            Entry(
                "project",
                p["project_id"],
                p["name"],
                " · ".join(x for x in (where, stage) if x),
                f"/projects/{p['project_id']}{q}",
                frozenset(keys),
            )
        )
    return entries


def find(entries: list[Entry], query: str, limit: int = MAX_RESULTS) -> list[Entry]:
    """Entries matching ``query``: exact key, then key prefix, then inside a key."""
    q = normalise(query[:MAX_QUERY])
    if not q:
        return []
    scored = []
    for e in entries:
        best = None
        for key in e.keys:
            if key == q:
                best = 0
                break
            if key.startswith(q):
                best = 1 if best is None else min(best, 1)
            elif q in key and best is None:
                best = 2
        if best is not None:
            scored.append((best, KIND_ORDER[e.kind], len(e.name), e.name, e))
    scored.sort(key=lambda t: t[:4])
    return [t[-1] for t in scored[:limit]]


class Index:
    """Entries per data version and language, built on first use (a few per process)."""

    def __init__(self, keep: int = 4):
        self.keep = keep
        self._built: dict[tuple, list[Entry]] = {}

    def entries(self, data, version, lang: str) -> list[Entry]:
        key = (version, lang)
        if key not in self._built:
            if len(self._built) >= self.keep:
                self._built.pop(next(iter(self._built)))
            self._built[key] = build(data, lang)
        return self._built[key]
