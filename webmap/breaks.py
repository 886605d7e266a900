"""Class breaks for choropleths, in numpy: quantiles, equal intervals, natural breaks.

These used to come from mapclassify, whose import (scipy.stats and scikit-learn)
was a third of a worker's start-up, for three small functions over at most 117 values.
Quantiles and equal intervals are mapclassify 2.10's ``Quantiles`` and ``EqualInterval``
step for step (percentiles computed as ``scipy.stats.scoreatpercentile`` does); natural
breaks are Jenks's optimal ones (Fisher's exact dynamic programme: the least sum of
squared deviations within classes), deterministic, where mapclassify's ``NaturalBreaks``
ran k-means from random starts. Each returns class upper bounds, ascending.
"""

from __future__ import annotations

import numpy as np


def _score_at_percentile(ordered: np.ndarray, per: float) -> float:
    """``scipy.stats.scoreatpercentile`` (interpolation "fraction") of sorted values."""
    idx = per / 100.0 * (len(ordered) - 1)
    i = int(idx)
    if i == idx:
        return float(ordered[i])
    j = i + 1
    weights = np.array([(j - idx), (idx - i)], dtype=float)
    return float(np.add.reduce(ordered[i : i + 2] * weights) / weights.sum())


def quantiles(values: np.ndarray, k: int) -> np.ndarray:
    """mapclassify's ``quantile(y, k)``: the k quantiles, repeats collapsed."""
    width = 100.0 / k
    pcts = np.arange(width, 100 + width, width)
    if pcts[-1] > 100.0:
        pcts[-1] = 100.0
    ordered = np.sort(np.asarray(values, dtype=float))
    return np.unique(np.array([_score_at_percentile(ordered, p) for p in pcts]))


def equal_interval(values: np.ndarray, k: int) -> np.ndarray:
    """mapclassify's ``EqualInterval``: k classes of equal width, the last ends at the max."""
    y = np.asarray(values, dtype=float)
    low, high = y.min(), y.max()
    width = (high - low) * 1.0 / k
    cuts = np.arange(low + width, high + width, width)
    if len(cuts) > k:
        cuts = cuts[0:k]
    cuts[-1] = high
    return cuts.copy()


def natural_breaks(values: np.ndarray, k: int) -> np.ndarray:
    """Jenks natural breaks: the partition of the sorted values into ``k`` runs with the
    least total squared deviation from each run's mean (fewer runs when there are fewer
    distinct values). O(k n²) on n values: instant for 117 counties."""
    x = np.sort(np.asarray(values, dtype=float))
    n = len(x)
    k = max(1, min(k, len(np.unique(x))))
    s1 = np.concatenate([[0.0], np.cumsum(x)])
    s2 = np.concatenate([[0.0], np.cumsum(x * x)])

    def deviation(starts: np.ndarray, end: int) -> np.ndarray:
        """Squared deviation of x[start:end] from its mean, for each start."""
        m = end - starts
        total = s1[end] - s1[starts]
        return (s2[end] - s2[starts]) - total * total / m

    # cost[c, j]: least deviation of x[:j] in c + 1 classes; cut[c, j]: where the last starts
    cost = np.full((k, n + 1), np.inf)
    cut = np.zeros((k, n + 1), dtype=np.int64)
    cost[0, 1:] = deviation(np.zeros(n, dtype=np.int64), np.arange(1, n + 1)) if n else []
    for c in range(1, k):
        for j in range(c + 1, n + 1):
            starts = np.arange(c, j)
            total = cost[c - 1, starts] + deviation(starts, j)
            best = int(np.argmin(total))
            cost[c, j], cut[c, j] = total[best], starts[best]
    ends, j = [], n
    for c in range(k - 1, -1, -1):
        ends.append(j)
        j = int(cut[c, j]) if c else 0
    return np.array([x[e - 1] for e in reversed(ends)])


SCHEMES = {
    "quantiles": quantiles,
    "natural_breaks": natural_breaks,
    "equal_interval": equal_interval,
}
