"""Every row of every word list in ``geo/rules/`` does its job on its own example sentence.

A newcomer extends a list by adding a row with an example; this generated test runs that
example through the part of the extractor the list drives.
"""

from __future__ import annotations

from datetime import date

import pytest

from geo import rules
from geo.extract import extract
from geo.extract_batches import find_batches
from geo.extract_common import Document, classify
from geo.extract_zones import find_zones
from geo.text import _is_furniture, normalise, repair_mojibake

PUBLISHED = date(2025, 6, 1)


def _doc(example: str) -> Document:
    return Document(normalise(example).text, PUBLISHED)


def check_money_words(row):
    doc = _doc(row["example"])
    found = [
        (c.keyword, c.kind)
        for a in doc.amounts
        for c in [classify(doc.text, a, doc.sentence_at(a.span[0]).start)]
    ]
    assert (row["word"], row["kind"]) in found, found


def check_batch_kinds(row):
    figures, _, _ = find_batches(_doc(row["example"]))
    if row["kind"] == "none":
        assert figures == [], figures
    elif row["kind"] == "pipeline":
        assert [f.period_type for f in figures] == ["pipeline"], figures
    else:
        assert [f.kind for f in figures] == [row["kind"]], figures


def check_period_words(row):
    figures, _, _ = find_batches(_doc(row["example"]))
    assert [f.period_type for f in figures] == [row["period_type"]], figures


def check_stage_verbs(row):
    (project,) = extract(row["example"], PUBLISHED).projects
    assert project.stage == row["stage"]


def check_name_leads(row):
    (project,) = extract(row["example"], PUBLISHED).projects
    assert project.name == "牧原生猪养殖项目"


def check_generic_words(row):
    assert extract(row["example"], PUBLISHED).projects == ()


def check_zone_suffixes(row):
    text = normalise(row["example"]).text
    zones = [z for z in find_zones(text) if row["suffix"] in z.name]
    assert zones and zones[-1].type == row["type"], list(find_zones(text))


def check_page_furniture(row):
    assert _is_furniture(row["example"])


def check_repair_words(row):
    assert row["word"] in repair_mojibake(row["example"])


CASES = [
    pytest.param(name, row, id=f"{name}:{row.get('word') or row.get('suffix') or i}")
    for name in rules.names()
    for i, row in enumerate(rules.rows(name))
]


def test_every_list_has_a_checker():
    assert {f"check_{n}" for n in rules.names()} <= set(globals())


def test_every_row_has_an_example():
    for name in rules.names():
        for row in rules.rows(name):
            assert row.get("example"), (name, row)


@pytest.mark.parametrize("name, row", CASES)
def test_rule_example(name, row):
    globals()[f"check_{name}"](row)
