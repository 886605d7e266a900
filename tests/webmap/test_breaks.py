"""Class breaks in numpy, against mapclassify (the library they replace) as the oracle."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from webmap import breaks

mapclassify = pytest.importorskip("mapclassify")


def samples():
    rng = np.random.default_rng(7)
    for trial in range(120):
        n, k = int(rng.integers(8, 118)), int(rng.integers(3, 8))
        y = (
            rng.lognormal(20, 1.5, n),  # money
            rng.integers(0, 40, n).astype(float),  # counts, with ties
            rng.uniform(0, 1e10, n),
        )[trial % 3]
        if len(np.unique(y)) > k:
            yield y, k


def test_quantiles_and_equal_intervals_are_mapclassifys():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for y, k in samples():
            assert np.array_equal(breaks.quantiles(y, k), mapclassify.Quantiles(y, k=k).bins)
            assert np.array_equal(
                breaks.equal_interval(y, k), mapclassify.EqualInterval(y, k=k).bins
            )


def _sse(y, bins):
    classes = np.searchsorted(bins, y, side="left")
    return sum(((y[classes == c] - y[classes == c].mean()) ** 2).sum() for c in set(classes))


def test_natural_breaks_are_optimal_like_fisher_jenks():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for y, k in samples():
            ours, theirs = breaks.natural_breaks(y, k), mapclassify.FisherJenks(y, k=k).bins
            assert len(ours) == k and ours[-1] == y.max()
            assert _sse(y, ours) <= _sse(y, theirs) * (1 + 1e-9)  # as good: both optimal


def test_fewer_distinct_values_than_classes():
    assert list(breaks.natural_breaks(np.array([1.0, 1.0, 2.0]), 5)) == [1.0, 2.0]
