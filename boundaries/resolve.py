"""Place names to units: full, short, traditional, city-qualified and historic names."""

from __future__ import annotations

import csv
from collections import defaultdict
from functools import cache
from pathlib import Path

import opencc

from boundaries import store
from boundaries.errors import AmbiguousPlaceError, UnknownPlaceError

_HISTORIC_CSV = Path(__file__).parent / "data" / "historic_names.csv"
_PROVINCE_PREFIXES = ("山西省", "山西")


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def _clean(name: str) -> str:
    text = _t2s().convert("".join(str(name).split()))
    for prefix in _PROVINCE_PREFIXES:
        if text.startswith(prefix) and text not in _PROVINCE_PREFIXES:
            return text[len(prefix) :]
    return text


@cache
def _index() -> dict[str, frozenset[str]]:
    """Name → adcodes of every current unit it may mean (historic names included)."""
    names: dict[str, set[str]] = defaultdict(set)

    def add(key: str, adcode: str) -> None:
        names[key].add(adcode)

    for u in store.units():
        add(u.name, u.adcode)
        add(u.short_name, u.adcode)
        if u.level == "county":
            city = store.unit(u.parent_adcode)
            add(city.name + u.name, u.adcode)  # 晋城市城区
            add(city.short_name + u.name, u.adcode)  # 晋城城区
    stems = []
    with _HISTORIC_CSV.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            city = store.unit(row["parent_adcode"])
            for key in (
                row["old_name"],
                city.name + row["old_name"],
                city.short_name + row["old_name"],
            ):
                add(key, row["new_adcode"])
            stems.append((row["old_name"][:-1], row["new_adcode"]))
    # 怀仁 (of 怀仁县) means 怀仁市, but 长治 (of 长治县) means the city: a historic stem
    # counts only where no current name claims it.
    for stem, adcode in stems:
        if len(stem) >= 2 and stem not in names and not stem.endswith("郊"):
            add(stem, adcode)
    return {k: frozenset(v) for k, v in names.items()}


def _within(adcode: str, parent: store.Unit) -> bool:
    u = store.unit(adcode)
    while u is not None:
        if u.adcode == parent.adcode:
            return True
        u = store.unit(u.parent_adcode) if u.parent_adcode else None
    return False


def _parent(within: str) -> store.Unit:
    """A city or the province named by ``within`` (counties hold no units)."""
    text = _clean(within)
    if text.isdigit() and len(text) == 6:
        return store.unit(text)
    found = [a for a in _index().get(text, ()) if store.unit(a).level != "county"]
    if len(found) != 1:
        raise UnknownPlaceError(f"no Shanxi city or province is called {within!r}")
    return store.unit(found[0])


def resolve(name: str, within: str | None = None) -> store.Unit:
    """Resolve a Shanxi place name (or adcode) to a :class:`~boundaries.Unit`.

    ``within`` (a name or adcode of a city or the province) narrows ambiguous names:
    ``resolve("城区", within="晋城")`` is 晋城市城区. Without it, a name several units share
    raises :class:`AmbiguousPlaceError` listing them; an unknown name raises
    :class:`UnknownPlaceError`. Never a guess.
    """
    text = _clean(name)
    if not text:
        raise UnknownPlaceError("empty place name")
    if text.isdigit() and len(text) == 6:
        found = {store.unit(text).adcode}
    else:
        found = set(_index().get(text, ()))
    if within is not None:
        parent = _parent(within)
        found = {a for a in found if _within(a, parent)}
        where = f" within {parent.name}"
    else:
        where = ""
    if not found:
        raise UnknownPlaceError(f"no Shanxi unit is called {name!r}{where}")
    if len(found) > 1:
        raise AmbiguousPlaceError(name, [store.unit(a) for a in sorted(found)])
    return store.unit(found.pop())
