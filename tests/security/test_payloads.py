"""Hostile text in every field, on every page and download, in both languages.

Data and settings are never template source: ``{{ }}``/``{% %}`` are shown, not run; HTML
is escaped; JSON carries the text intact; CSV cells are neutralised for spreadsheets.
"""

from __future__ import annotations

import pytest

from tests.security.payloads import check, urls

TARGETS = urls()


@pytest.mark.parametrize("target", TARGETS, ids=[t.url for t in TARGETS])
def test_payloads_are_literal_text(payload_app, target):
    with payload_app.test_client() as client:
        response = client.get(target.url, headers={"Accept-Encoding": "gzip"})
        try:
            check(target, response)
        finally:
            response.close()
