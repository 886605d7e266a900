"""Pure helpers of the review pages: segments of highlighted text, labels."""

from __future__ import annotations

import pytest

from webmap.review.present import Item, segments, yi, yi_input


def item(key, start, end, type_="project"):
    return Item(key, type_, start, end, key, f"became {key}")


@pytest.mark.parametrize(
    ("text", "items", "pieces"),
    [
        ("abcdef", [], [("abcdef", [])]),
        ("abcdef", [item("p1", 1, 3)], [("a", []), ("bc", ["p1"]), ("def", [])]),
        # an amount inside a project: three pieces, the amount piece is covered by both
        (
            "5亿元的储能项目",
            [item("p1", 0, 8), item("p1-amount", 0, 3, "amount")],
            [("5亿元", ["p1", "p1-amount"]), ("的储能项目", ["p1"])],
        ),
        # overlapping figures share their middle
        (
            "0123456789",
            [item("b1", 2, 6, "figure"), item("b2", 4, 8, "figure")],
            [("01", []), ("23", ["b1"]), ("45", ["b1", "b2"]), ("67", ["b2"]), ("89", [])],
        ),
        # spans past the end are clipped, empty or negative ones dropped
        (
            "abc",
            [item("p1", 2, 10), item("p2", 1, 1), item("p3", -2, 1)],
            [("ab", []), ("c", ["p1"])],
        ),
    ],
)
def test_segments_cut_the_text_at_every_boundary(text, items, pieces):
    got = segments(text, items)
    assert "".join(s.text for s in got) == text
    assert [(s.text, sorted(i.key for i in s.items)) for s in got] == pieces
    assert [s.start for s in got] == [sum(len(p[0]) for p in pieces[:n]) for n in range(len(got))]


def test_the_narrowest_item_colours_a_piece_and_the_widest_names_it():
    project, amount = item("p1", 0, 8), item("p1-amount", 0, 3, "amount")
    first = segments("5亿元的储能项目", [project, amount])[0]
    assert first.primary is amount and first.first_of is project
    assert first.title == "became p1-amount | became p1"


def test_money_labels():
    assert yi(550_000_000) == "5.50 亿元" and yi(None) == "–"
    assert yi_input(550_000_000) == "5.5" and yi_input(1_669_000_000) == "16.69"
    assert yi_input(12_345) == "0.00012345" and yi_input(None) == ""
