"""The read model at volume: no aggregate row holds a polygon, every place's geometry is
serialised once, and a new version is built in the background while the old one serves."""

from __future__ import annotations

import threading
import time

from geo import export
from geo import featuretable as ft
from webmap import create_app, live
from webmap.store import Store


def test_building_a_version_serialises_each_place_once(volume_app, monkeypatch):
    repo = volume_app.extensions["atlas_repo"]
    snapshot = repo.snapshot()
    ft.unit_shapes()  # per process, not per version
    calls = []
    real = export.geometry_json
    monkeypatch.setattr(export, "geometry_json", lambda g: calls.append(1) or real(g))
    store = Store.build(snapshot.dataset, snapshot.version)
    data = store.data
    batches = store.tables["batches"]
    assert len(data.batches) == 600
    # the figures refer to their places' polygons: one shape per place, not per row
    assert len(batches.shapes.items) < len(data.batches) / 3
    distinct_points = {(g.x, g.y) for g in data.projects.geometry if g is not None}
    zone_points = len(data.zones)
    assert len(calls) <= 2 * zone_points + len(distinct_points)  # never one per row
    # aggregate rows carry an index into those shapes, never a geometry of their own
    assert "geometry" not in data.batches.columns and batches.geom.dtype.kind == "i"


def test_a_new_version_builds_in_the_background(volume_url, monkeypatch):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": volume_url,
            "DATA_VERSION_POLL": 0,
            "DATA_VERSION_WAIT": 0.05,
        }
    )
    state = app.extensions["atlas_live"]
    old = state.state
    release = threading.Event()
    real = state._build

    def slow(snapshot):
        release.wait(10)
        return real(snapshot)

    monkeypatch.setattr(state, "_build", slow)
    repo = app.extensions["atlas_repo"]
    with repo._write():  # a write: the data version moves on
        pass
    client = app.test_client()
    started = time.perf_counter()
    with client.get("/api/zones.csv") as r:
        assert r.status_code == 200
    assert time.perf_counter() - started < 2  # served while the new version builds
    assert state.state is old and state.building
    with client.get("/metrics") as r:
        assert "atlas_read_model_building 1" in r.get_data(as_text=True)
    release.set()
    for _ in range(200):
        if not state.building:
            break
        time.sleep(0.05)
    assert state.state.version == repo.data_version() != old.version
    with app.test_request_context():
        assert live.store().version == repo.data_version()
