"""GeoJSON and CSV bytes: RFC 7946 details, Excel-friendly CSV, filters and bbox."""

import json
from pathlib import Path

import pytest
import shapely

import boundaries
from geo import aggregate, export
from geo.aggregate import Filters
from geo.dataset import load_dataset
from tests.fixture_ids import fixture_id

DATA = Path(__file__).resolve().parent.parent / "fixtures" / "dataset"


@pytest.fixture(scope="module")
def data():
    return load_dataset(DATA)


def test_geometry_json_rounds_and_winds_counter_clockwise():
    square = shapely.Polygon([(0, 0), (0, 1.123456789), (1, 1), (1, 0)])  # clockwise
    geom = export.geometry_json(square)
    ring = geom["coordinates"][0]
    assert ring[1] == [1.0, 0.0] and [0.0, 1.123457] in ring
    assert shapely.Polygon(ring).exterior.is_ccw


@pytest.mark.parametrize("geometry", [None, shapely.Point(), shapely.Point(float("nan"), 1.0)])
def test_missing_locations_become_null(geometry):
    assert export.geometry_json(geometry) is None


def test_plain_scalars():
    import numpy as np
    import pandas as pd

    assert export.plain(np.int64(5)) == 5 and isinstance(export.plain(np.int64(5)), int)
    assert export.plain(float("nan")) is None and export.plain(pd.NA) is None
    assert export.plain(3.0) == 3 and export.plain(2.5) == 2.5


def test_feature_collection_is_utf8_unescaped(data):
    body = export.feature_collection(export.zone_rows(data))
    text = body.decode("utf-8")
    assert "太原经济技术开发区" in text and "\\u" not in text
    doc = json.loads(body)
    assert len(doc["features"]) == 10 and doc["type"] == "FeatureCollection"


def test_csv_bom_and_point_columns(data):
    body = export.table_csv(
        export.project_rows(data, Filters(city="140400")), export.PROJECT_FIELDS, "point"
    )
    assert body[:3] == b"\xef\xbb\xbf"
    lines = body.decode("utf-8-sig").splitlines()
    assert lines[0].endswith("quote,evidence,reports,doc_ids,lon,lat") and len(lines) == 3
    assert lines[1].endswith(",113.116,36.195")


def test_bbox_keeps_intersecting_rows(data):
    taiyuan = (112.4, 37.6, 112.7, 37.9)
    ids = [p["zone_id"] for p, _ in export.zone_rows(data, bbox=taiyuan)]
    assert sorted(ids) == ["Z001", "Z002", "Z008", "Z010"]  # Z008: province seat (太原)


def test_batch_rows_take_their_place_geometry(data):
    rows = {fixture_id(p): g for p, g in export.batch_rows(data)}
    assert rows["B001"].geom_type in ("Polygon", "MultiPolygon")
    assert rows["B009"].equals(boundaries.load("county").set_index("adcode").geometry["140105"])
    assert rows["B010"].geom_type == "Point"  # zone scope: the zone's point


def test_boundary_rows_with_metrics(data):
    metrics = aggregate.all_metrics(data, "county", Filters(city="140400"))
    rows = export.boundary_rows(boundaries.load("county"), metrics)
    assert len(rows) == 12
    props = dict(rows[0][0])
    assert set(aggregate.METRICS) <= set(props) and props["adcode"].startswith("1404")
    csv_text = export.table_csv(rows, export.BOUNDARY_FIELDS + list(metrics.columns), "wkt")
    assert "POLYGON" in csv_text.decode("utf-8-sig")
