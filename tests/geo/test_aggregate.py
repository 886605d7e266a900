"""Metrics per unit from the fixture dataset: table-driven, no HTTP."""

import math
from pathlib import Path

import pytest

from geo import aggregate
from geo.aggregate import Filters
from geo.dataset import load_dataset

DATA = Path(__file__).resolve().parent.parent / "fixtures" / "dataset"


@pytest.fixture(scope="module")
def data():
    return load_dataset(DATA)


@pytest.mark.parametrize(
    ("level", "metric", "filters", "expected"),
    [
        ("city", "investment", Filters(), {"140100": 5.726e9, "140400": 8e8, "140200": None}),
        ("city", "investment", Filters(stage="signed"), {"140100": 1.26e8, "140400": 8e8}),
        ("city", "investment", Filters(year=2024), {"140400": 8e8, "140100": None}),
        ("city", "investment", Filters(zone_type="etdz"), {"140100": 3.726e9, "140500": 4.5e8}),
        ("county", "investment", Filters(), {"140105": 3.726e9, "140403": 8e8}),
        ("city", "projects", Filters(), {"140100": 3, "140400": 2, "140200": 0}),
        ("county", "projects", Filters(stage="started"), {"140403": 1, "140802": 1, "140105": 0}),
        ("city", "zones", Filters(), {"140100": 3, "140700": 2, "141100": 0}),
        ("county", "zones", Filters(zone_type="bonded"), {"140105": 1, "140702": 0}),
        ("city", "batch_investment", Filters(), {"140100": 4.851e9, "140400": 2.0e9}),
        ("city", "batch_investment", Filters(kind="signed"), {"140100": 1.669e9, "140400": 9e8}),
        ("city", "batch_investment", Filters(round="2024-09-20", kind="signed"), {"140400": 3e8}),
        ("city", "batch_investment", Filters(round="2024-09-20"), {"140400": None}),
        ("city", "batch_projects", Filters(), {"140100": 75, "140400": 30, "140500": None}),
        ("county", "batch_investment", Filters(kind="signed"), {"140105": 5e8, "140403": None}),
        ("county", "batch_investment", Filters(), {"140105": None}),  # one batch is not "all"
    ],
)
def test_metric_by_unit(data, level, metric, filters, expected):
    series = aggregate.metric_by_unit(data, level, metric, filters)
    assert len(series) == (11 if level == "city" else 117)
    for code, value in expected.items():
        if value is None:
            assert math.isnan(series[code]), code
        else:
            assert series[code] == pytest.approx(value), code


def test_projects_with_city_precision_count_for_the_city_only(data):
    city = aggregate.metric_by_unit(data, "city", "projects")
    county = aggregate.metric_by_unit(data, "county", "projects")
    assert city["140100"] == 3 and county[county.index.str.startswith("1401")].sum() == 2


def test_batches_and_projects_are_never_added(data):
    frame = aggregate.all_metrics(data, "city")
    # 太原: projects 57.26 亿, batches 48.51 亿; neither column carries the other
    assert frame.loc["140100", "investment"] == pytest.approx(5.726e9)
    assert frame.loc["140100", "batch_investment"] == pytest.approx(4.851e9)


def test_city_filter_restricts_county_units(data):
    series = aggregate.metric_by_unit(data, "county", "zones", Filters(city="140700"))
    assert len(series) == 11 and series["140703"] == 1 and series["140702"] == 1


def test_rounds_newest_first(data):
    assert aggregate.rounds(data.batches) == ["2025-02-06", "2024-09-20"]


def test_unknown_metric_or_level(data):
    with pytest.raises(ValueError):
        aggregate.metric_by_unit(data, "city", "gdp")
    with pytest.raises(ValueError):
        aggregate.metric_by_unit(data, "province", "zones")
