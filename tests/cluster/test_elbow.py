# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Tests for skml.cluster.elbow_curve and ElbowDisplay."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import make_blobs
from threadpoolctl import threadpool_limits

from skml.cluster import ElbowDisplay, elbow_curve
from skml.cluster._elbow import _kneedle


@pytest.fixture(autouse=True)
def _single_thread():
    with threadpool_limits(limits=1):
        yield


def _reference_kneedle(k_values, inertias):
    """The documented rule: the k whose point lies farthest from the chord
    joining the first and last points, both axes rescaled to [0, 1]."""
    k = np.asarray(k_values, dtype=float)
    y = np.asarray(inertias, dtype=float)
    if len(k) < 3 or y.max() == y.min():
        return None
    x = (k - k[0]) / (k[-1] - k[0])
    y = (y - y.min()) / (y.max() - y.min())
    # Euclidean distance from (x, y) to the line through the end points.
    p0, p1 = np.array([x[0], y[0]]), np.array([x[-1], y[-1]])
    direction = (p1 - p0) / np.linalg.norm(p1 - p0)
    offsets = np.column_stack([x, y]) - p0
    distance = np.abs(offsets[:, 0] * direction[1] - offsets[:, 1] * direction[0])
    return int(k_values[np.argmax(distance)])


def test_reference_kneedle_agrees_with_the_hand_computed_cases():
    for k, y, expected in [
        ([1, 2, 3, 4, 5], [100.0, 40.0, 15.0, 12.0, 10.0], 3),
        ([2, 4, 6], [10.0, 2.0, 1.0], 4),
        ([1, 2], [3.0, 1.0], None),
        ([1, 2, 3], [1.0, 1.0, 1.0], None),
    ]:
        assert _reference_kneedle(k, y) == expected


def _separated_blobs(k, seed, n_per_blob=80):
    """``k`` unit-variance blobs whose centres are all 30 * sqrt(2) apart.

    The centres are the scaled vertices of a regular simplex (randomly
    rotated): no coarser grouping of the blobs is better than another, so the
    inertia falls steeply up to ``k`` and is flat after it.
    """
    rng = np.random.RandomState(seed)
    rotation = np.linalg.qr(rng.standard_normal((k, k)))[0]
    X, y = make_blobs(
        n_samples=[n_per_blob] * k,
        centers=30.0 * rotation,
        cluster_std=1.0,
        random_state=seed,
    )
    return X, y


def _within_cluster_sum_of_squares(X, y, weight):
    total = 0.0
    for label in np.unique(y):
        members = y == label
        mean = np.average(X[members], axis=0, weights=weight[members])
        total += (weight[members] * ((X[members] - mean) ** 2).sum(axis=1)).sum()
    return total


@pytest.mark.filterwarnings("ignore:algorithm='elkan' doesn't make sense")
@pytest.mark.parametrize("algorithm", ["lloyd", "elkan"])
@pytest.mark.parametrize("k", [2, 3, 4, 5])
def test_elbow_curve_finds_the_number_of_separated_blobs(
    k, algorithm, global_random_seed
):
    X, y = _separated_blobs(k, global_random_seed)
    weight = np.random.RandomState(global_random_seed).uniform(0.5, 2, X.shape[0])
    k_range = range(1, 2 * k + 3)
    result = elbow_curve(
        X,
        k_range,
        sample_weight=weight,
        random_state=global_random_seed,
        algorithm=algorithm,
    )
    assert_array_equal(result.k_values, np.arange(1, 2 * k + 3))
    assert result.elbow == k
    # The rule on the returned curve is the documented one.
    assert result.elbow == _reference_kneedle(result.k_values, result.inertias)
    # At k = 1 and at the true k, k-means finds the one partition that makes
    # sense: the inertia is the weighted within-cluster sum of squares of the
    # whole data and of the true blobs, computed here in NumPy.
    assert_allclose(
        result.inertias[0],
        _within_cluster_sum_of_squares(X, np.zeros_like(y), weight),
        rtol=1e-10,
    )
    assert_allclose(
        result.inertias[k - 1], _within_cluster_sum_of_squares(X, y, weight), rtol=1e-10
    )
    # More clusters never fit worse than the true partition by much, and the
    # drop after k is small next to the drop before it.
    assert np.all(result.inertias[k:] <= result.inertias[k - 1] * (1 + 1e-9))
    assert result.inertias[k - 2] - result.inertias[k - 1] > 10 * (
        result.inertias[k - 1] - result.inertias[-1]
    )


def test_kneedle_rule():
    # The point farthest below the chord of the rescaled curve.
    assert _kneedle([1, 2, 3, 4, 5], [100.0, 40.0, 15.0, 12.0, 10.0]) == 3
    assert _kneedle([2, 4, 6], [10.0, 2.0, 1.0]) == 4
    assert _kneedle([1, 2], [3.0, 1.0]) is None
    assert _kneedle([1, 2, 3], [1.0, 1.0, 1.0]) is None


def test_elbow_curve_rejects_bad_k_range():
    X = np.random.RandomState(0).rand(20, 2)
    with pytest.raises(ValueError, match="increasing integers of at least 1"):
        elbow_curve(X, [0, 1, 2])
    with pytest.raises(ValueError, match="increasing"):
        elbow_curve(X, [3, 2])
    with pytest.raises(ValueError, match="integers"):
        elbow_curve(X, [1.5, 2.5])
    with pytest.raises(ValueError, match="n_samples=20 should be >= n_clusters=21"):
        elbow_curve(X, [2, 21])


@pytest.mark.slow  # importing matplotlib takes about a second
def test_elbow_display_plots():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    display = ElbowDisplay([1, 2, 3, 4, 5], [100.0, 40.0, 15.0, 12.0, 10.0]).plot()
    assert display.elbow_ == 3
    assert_array_equal(display.line_.get_xdata(), [1, 2, 3, 4, 5])
    assert display.ax_.get_ylabel() == "inertia"
    assert display.figure_ is display.ax_.figure
    X, _ = make_blobs(n_samples=300, centers=3, cluster_std=0.5, random_state=0)
    _, ax = plt.subplots()
    display = ElbowDisplay.from_data(X, range(1, 7), random_state=0, ax=ax, name="x")
    assert display.ax_ is ax
    assert display.elbow_ == 3
    assert display.line_.get_label() == "x"
    plt.close("all")
