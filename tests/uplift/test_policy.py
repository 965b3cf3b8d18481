# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Segments and targeting profit against brute-force definitions."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skml.uplift import best_targeting_fraction, segment_users, targeting_curve


def test_segment_users_matches_the_response_matrix(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    baseline = rng.random(500)
    uplift = rng.uniform(-1, 1, 500) * np.minimum(baseline, 1 - baseline) * 2
    segments = segment_users(uplift, baseline, threshold=0.4)
    for i in range(500):
        treated, control = baseline[i] + uplift[i] >= 0.4, baseline[i] >= 0.4
        expected = {
            (True, False): "persuadable",
            (True, True): "sure_thing",
            (False, False): "lost_cause",
            (False, True): "do_not_disturb",
        }[(bool(treated), bool(control))]
        assert segments[i] == expected
    several = segment_users(np.column_stack([uplift, -uplift]), baseline, threshold=0.4)
    assert_array_equal(several[:, 0], segments)
    assert several.shape == (500, 2)


def test_segment_users_rejects_bad_input():
    with pytest.raises(ValueError, match="rows"):
        segment_users([0.1, 0.2], [0.5])
    with pytest.raises(ValueError, match="finite"):
        segment_users([np.nan], [0.5])


def _brute_force_profit(y, uplift, t, cost, value):
    # Treat the top n by uplift (no ties): incremental responses are the
    # treated-minus-control response rate among them, times n.
    order = np.argsort(-uplift)
    profits = [0.0]
    for n in range(1, len(y) + 1):
        top = order[:n]
        treated, control = top[t[top] == 1], top[t[top] == 0]
        rate_t = y[treated].mean() if len(treated) else 0.0
        rate_c = y[control].mean() if len(control) else 0.0
        profits.append(value * (rate_t - rate_c) * n - cost * n)
    return np.array(profits)


def test_targeting_curve_is_the_brute_force_profit(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    n = 300
    uplift = rng.normal(size=n)
    t = rng.integers(0, 2, n)
    y = (rng.random(n) < 0.2 + 0.2 * t * (uplift > 0)).astype(float)
    curve = targeting_curve(y, uplift, t, cost=0.05, value=2.0)
    expected = _brute_force_profit(y, uplift, t, 0.05, 2.0)
    assert_allclose(curve.profit, expected, atol=1e-12)
    assert_allclose(curve.n_targeted, np.arange(n + 1))
    assert_allclose(curve.fraction, np.arange(n + 1) / n)
    assert np.isnan(curve.roi[0])
    assert_allclose(curve.roi[1:], expected[1:] / (0.05 * np.arange(1, n + 1)))
    fraction, profit = best_targeting_fraction(y, uplift, t, cost=0.05, value=2.0)
    best = int(np.argmax(expected))
    assert fraction == best / n and profit == pytest.approx(expected[best])


def test_best_fraction_is_zero_when_treatment_never_pays(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    y = rng.integers(0, 2, 200).astype(float)
    t = rng.integers(0, 2, 200)
    fraction, profit = best_targeting_fraction(
        y, rng.normal(size=200), t, cost=10.0, value=1.0
    )
    assert (fraction, profit) == (0.0, 0.0)
