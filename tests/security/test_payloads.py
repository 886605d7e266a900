"""Hostile text in every field, on every page and download, in both languages.

Data and settings are never template source: ``{{ }}``/``{% %}`` are shown, not run; HTML
is escaped; JSON carries the text intact; CSV cells are neutralised for spreadsheets.
"""

from __future__ import annotations

import pytest

from tests.security.payloads import PAYLOADS, Target, check, urls

TARGETS = urls()


@pytest.mark.parametrize("target", TARGETS, ids=[t.url for t in TARGETS])
def test_payloads_are_literal_text(payload_app, target):
    with payload_app.test_client() as client:
        response = client.get(target.url, headers={"Accept-Encoding": "gzip"})
        try:
            check(target, response)
        finally:
            response.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_project_pages_show_payloads_literally(payload_app, lang):
    """Every project page (canonical ids are hashes, so they come from the store) and its
    JSON twin: names, companies, quotes and source fields as literal text."""
    projects = payload_app.extensions["atlas_live"].current().store.data.projects
    payload_rows = projects[projects["project_id"].notna() & projects["doc_id"].str.contains("#")]
    assert len(payload_rows) >= len(PAYLOADS) - 1  # two payloads may merge by name
    with payload_app.test_client() as client:
        for row in payload_rows.to_dict("records"):
            for url, kind in (
                (f"/projects/{row['project_id']}?lang={lang}", "html"),
                (f"/projects/{row['project_id']}.json?lang={lang}", "json"),
            ):
                response = client.get(url, headers={"Accept-Encoding": "gzip"})
                try:
                    check(Target(url, kind, (row["name"],)), response)
                finally:
                    response.close()
