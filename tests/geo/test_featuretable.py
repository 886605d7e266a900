"""Tables serialised once, geometry by reference: the same bytes as serialising each row
with its geometry (geo.export), for every table, hostile text included."""

from __future__ import annotations

import numpy as np
import pytest

import boundaries
from geo import aggregate, export
from geo import featuretable as ft
from geo.dataset import load_dataset
from tests.security.payloads import write_payload_dataset


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    return load_dataset(write_payload_dataset(tmp_path_factory.mktemp("ft") / "data").folder)


def tables(d):
    yield ft.zone_table(d.zones), export.zone_rows(d), export.ZONE_FIELDS, "point"
    yield ft.project_table(d.projects), export.project_rows(d), export.PROJECT_FIELDS, "point"
    yield ft.batch_table(d.batches, d.zones), export.batch_rows(d), export.BATCH_FIELDS, "wkt"
    for level in aggregate.LEVELS:
        units, metrics = boundaries.load(level, "web"), aggregate.all_metrics(d, level)
        fields = export.BOUNDARY_FIELDS + list(metrics.columns)
        yield ft.boundary_table(units, metrics), export.boundary_rows(units, metrics), fields, "wkt"


def test_bodies_equal_row_by_row_serialisation(dataset):
    for table, rows, fields, shape in tables(dataset):
        everything = np.arange(len(table))
        assert table.body("geojson", everything, {"source": "x"}) == export.feature_collection(
            rows, {"source": "x"}
        )
        assert table.body("csv", everything) == export.table_csv(rows, fields, shape)
        some = everything[1::3]
        picked = [rows[i] for i in some]
        assert table.body("geojson", some) == export.feature_collection(picked)
        assert table.body("csv", some) == export.table_csv(picked, fields, shape)


def test_each_geometry_is_serialised_once(dataset, monkeypatch):
    calls = []
    real = ft.shape_of
    monkeypatch.setattr(ft, "shape_of", lambda g: calls.append(1) or real(g))
    batches = ft.batch_table(dataset.batches, dataset.zones)
    # figures of one place share its polygon (units are serialised once per process)
    refs = batches.geom[batches.geom >= 0]
    assert len(batches.shapes.items) == len(set(refs.tolist())) < len(batches)
    assert len(calls) <= len(dataset.zones)  # only zone points are new per version
    projects = ft.project_table(dataset.projects)
    seats = {(g.x, g.y) for g in dataset.projects.geometry if g is not None}
    assert len(projects.shapes.items) == len(seats)


def test_bbox_selects_what_intersects(dataset):
    import shapely

    table = ft.batch_table(dataset.batches, dataset.zones)
    rows = np.arange(len(table))
    box = (111.5, 36.0, 113.0, 38.0)
    chosen = table.in_bbox(rows, [box])
    expected = [
        i
        for i, (_, g) in enumerate(export.batch_rows(dataset))
        if g is not None and g.intersects(shapely.box(*box))
    ]
    assert list(chosen) == expected and expected


@pytest.mark.parametrize("values", [["a", None, 1], [1.0, 2.5, None], [np.int64(3), None]])
def test_plain_columns(values):
    assert ft.plain_column(values) == [export.plain(v) for v in values]
