"""Short and English names of Shanxi units: pure functions of the official name.

``short_name`` drops the type suffix (太谷区 → 太谷) except where the rest would be a single
character (祁县 stays 祁县) or the name is generic (城区/郊区/矿区 become 晋城城区, 阳泉郊区 …,
qualified by their city).
"""

from __future__ import annotations

GENERIC_NAMES = frozenset({"城区", "郊区", "矿区"})

# Pinyin a dictionary gets wrong for place names (polyphones, official spellings).
PINYIN_OVERRIDES = {
    "长治": "Changzhi",
    "洪洞": "Hongtong",
    "吕梁": "Lüliang",
    "繁峙": "Fanshi",
    "尧都": "Yaodu",
    "长子": "Zhangzi",
}

_SUFFIX_EN = {"省": "Province", "市": "City", "区": "District", "县": "County"}


def split_suffix(name: str) -> tuple[str, str]:
    """(stem, type suffix) of an official unit name: 太谷区 → (太谷, 区)."""
    if name.endswith(("省", "市", "区", "县")):
        return name[:-1], name[-1]
    return name, ""


def short_name(name: str, city_short: str | None = None) -> str:
    """The name people write without its type word: 太谷区 → 太谷, 祁县 → 祁县, 城区 → 晋城城区."""
    if name in GENERIC_NAMES:
        return f"{city_short}{name}" if city_short else name
    stem, _ = split_suffix(name)
    return stem if len(stem) >= 2 else name


def english_name(name: str, pinyin) -> str:
    """ "Taigu District", "Qi County", "Taiyuan City"; ``pinyin(stem) -> str`` is injected.

    The generic 城区/郊区/矿区 keep their whole name as the stem ("Chengqu District").
    """
    if name == "山西省":
        return "Shanxi Province"
    stem, suffix = split_suffix(name)
    if name in GENERIC_NAMES:
        stem = name
    spelled = PINYIN_OVERRIDES.get(stem) or pinyin(stem)
    return f"{spelled} {_SUFFIX_EN[suffix]}".strip() if suffix else spelled
