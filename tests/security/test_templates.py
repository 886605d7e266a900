"""No text from the data or the settings is ever template source (Jinja compiles it)."""

from __future__ import annotations

import jinja2

from tests.security.payloads import PAYLOADS, SETTINGS, urls


def test_no_data_reaches_a_template_engine(payload_data, monkeypatch):
    from webmap import create_app

    sources: list[str] = []
    compile_ = jinja2.Environment.compile

    def recording(self, source, *args, **kwargs):
        if isinstance(source, str):
            sources.append(source)
        return compile_(self, source, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", recording)
    app = create_app({"TESTING": True, "DATA_DIR": payload_data.folder, **SETTINGS})
    with app.test_client() as client:
        for target in urls():
            if target.kind == "html":
                client.get(target.url).close()
    assert sources  # the hook saw branca's and Flask's templates compiled
    probes = [p.strip()[:30] for p in PAYLOADS] + [s[:20] for s in SETTINGS.values()]
    for source in sources:
        for probe in probes:
            assert probe not in source, (probe, source[:200])
