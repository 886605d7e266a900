"""data/zones.csv: the reference zones are merged in, with their facts and their doubts."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from geo.dataset import DATA_DIR
from geo.extract_zones import zone_key

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference"


def _read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


ZONES = _read(DATA_DIR / "zones.csv")


def _by_key():
    out = {}
    for z in ZONES:
        for name in [z["name"], *[a for a in z["aliases"].split("|") if a]]:
            out.setdefault(zone_key(name), z)
    return out


def test_ids_are_unique_ascii():
    ids = [z["zone_id"] for z in ZONES]
    assert len(ids) == len(set(ids))
    assert all(i.isascii() and i == i.lower() for i in ids)


@pytest.mark.skipif(not REFERENCE.exists(), reason="shared reference not beside the repo")
def test_every_reference_zone_is_in_the_gazetteer_with_its_source():
    rows = _read(REFERENCE / "shanxi_zones_reference.csv")
    known = _by_key()
    for r in rows:
        zone = known.get(zone_key(r["name"]))
        assert zone is not None, r["name"]
        assert zone["source"] == r["source"] and zone["source_url"] == r["source_url"]
        assert zone["status"] == r["status"]
        uncertain = "uncertain" in r["county"] or "/" in r["county"] or "等" in r["county"]
        if uncertain:
            assert zone["county_adcode"] == "", r["name"]  # the doubt stays: city only
            assert "uncertain" in zone["note"] or "left empty" in zone["note"]
