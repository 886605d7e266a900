"""The zone gazetteer (``data/zones.csv``): canonical zones and the names they go by."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from geo.extract_zones import zone_key

DATA_DIR = Path(__file__).resolve().parent.parent / "data"  # as geo.dataset, without pandas


@dataclass(frozen=True)
class Zone:
    zone_id: str
    name: str
    aliases: tuple[str, ...]
    type: str
    level: str | None
    city_adcode: str | None
    county_adcode: str | None
    parent_zone_id: str | None


class Gazetteer:
    """Zones by id, and a matcher from any spelling (经开区/经济技术开发区, 繁/简) to a zone."""

    def __init__(self, zones: list[Zone]):
        self.zones = {z.zone_id: z for z in zones}
        self._by_key: dict[str, list[Zone]] = {}
        for zone in zones:
            for name in {zone.name, *zone.aliases}:
                bucket = self._by_key.setdefault(zone_key(name), [])
                if zone not in bucket:
                    bucket.append(zone)

    @classmethod
    def from_csv(cls, path: Path = DATA_DIR / "zones.csv") -> Gazetteer:
        with Path(path).open(encoding="utf-8") as f:
            return cls.from_rows(list(csv.DictReader(f)))

    @classmethod
    def from_rows(cls, rows) -> Gazetteer:
        """From zones.csv rows or the store's zone rows (mappings with the same keys)."""
        return cls(
            [
                Zone(
                    zone_id=r["zone_id"],
                    name=r["name"],
                    aliases=tuple(a for a in (r.get("aliases") or "").split("|") if a),
                    type=r["type"],
                    level=r.get("level") or None,
                    city_adcode=r.get("city_adcode") or None,
                    county_adcode=r.get("county_adcode") or None,
                    parent_zone_id=r.get("parent_zone_id") or None,
                )
                for r in rows
            ]
        )

    def match(self, name: str, city_adcode: str | None = None) -> Zone | None:
        """The zone a mention names, or None. A key several zones share counts only when
        ``city_adcode`` (the article's context) picks exactly one of them."""
        key = zone_key(name)
        candidates = self._by_key.get(key, [])
        if not candidates and key.endswith("开发区") and len(key) > 3:
            # "侯马开发区", "洪洞开发区": papers drop 经济(技术); the one such zone of that place
            stem = key[: -len("开发区")]
            candidates = [
                z
                for k in (stem + "经开区", stem + "经济开发区", stem + "高新区")
                for z in self._by_key.get(k, [])
            ]
            candidates = list(dict.fromkeys(candidates))
        if len(candidates) > 1 and city_adcode:
            candidates = [z for z in candidates if z.city_adcode == city_adcode]
        return candidates[0] if len(candidates) == 1 else None
