# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""skml._distances.pairwise and row_norms against scipy's cdist."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.spatial.distance import cdist
from sklearn.metrics.pairwise import cosine_distances

from skml._distances import pairwise, row_norms

# skml metric name -> (scipy name, keyword arguments of both)
METRICS = {
    "euclidean": ("euclidean", {}),
    "sqeuclidean": ("sqeuclidean", {}),
    "manhattan": ("cityblock", {}),
    "chebyshev": ("chebyshev", {}),
    "minkowski": ("minkowski", {"p": 3.0}),
    "cosine": ("cosine", {}),
}
# The GEMM path is exact to ~1e-9 relative (recomputed where it cancels); float32
# results are rounded float64 results.
RTOL = {np.float64: 1e-9, np.float32: 2e-6}
# cosine works on normalised rows in the input precision (like scikit-learn).
ATOL_COSINE = {np.float64: 1e-12, np.float32: 2e-6}


def _reference(X, Y, metric):
    name, kwds = METRICS[metric]
    return cdist(X.astype(np.float64), Y.astype(np.float64), name, **kwds)


def _check(X, Y, metric, **kwds):
    got = pairwise(X, Y, metric=metric, p=METRICS[metric][1].get("p", 2.0), **kwds)
    expected = _reference(X, X if Y is None else Y, metric)
    assert got.dtype == X.dtype
    dtype = X.dtype.type
    if metric == "cosine":
        assert_allclose(got, expected, rtol=0, atol=ATOL_COSINE[dtype])
    else:
        assert_allclose(got, expected, rtol=RTOL[dtype], atol=0)
    return got


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("metric", METRICS)
def test_pairwise_matches_cdist(global_random_seed, metric, dtype):
    rng = np.random.default_rng(global_random_seed)
    # Several 256-row tiles in both directions, with ragged last tiles.
    X = rng.standard_normal((300, 7)).astype(dtype)
    Y = rng.standard_normal((530, 7)).astype(dtype)
    _check(X, Y, metric)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("metric", METRICS)
def test_pairwise_same_input_symmetric_zero_diagonal(global_random_seed, metric, dtype):
    rng = np.random.default_rng(global_random_seed)
    X = (rng.standard_normal((520, 5)) + 3.0).astype(dtype)
    got = _check(X, None, metric)
    assert_array_equal(got, got.T)
    assert_array_equal(np.diag(got), 0.0)
    p = METRICS[metric][1].get("p", 2.0)
    assert_array_equal(pairwise(X, X, metric=metric, p=p), got)
    # A copy of X takes the general (not the symmetric) path: equal to rounding.
    rtol = 1e-12 if dtype == np.float64 else 1e-5
    general = pairwise(X, X.copy(), metric=metric, p=p)
    assert_allclose(general, got, rtol=rtol, atol=rtol * float(np.abs(got).max()))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("metric", ["euclidean", "sqeuclidean", "manhattan"])
def test_pairwise_duplicate_rows_exact_zero(global_random_seed, metric, dtype):
    # Far from the origin, ||x||^2 + ||y||^2 - 2 x.y cancels catastrophically.
    rng = np.random.default_rng(global_random_seed)
    X = (rng.standard_normal((40, 6)) + 1e4).astype(dtype)
    Y = np.concatenate([X[::2], X[1::2] + 1e-2]).astype(dtype)
    got = pairwise(X, Y, metric=metric)
    assert_array_equal(got[np.arange(0, 40, 2), np.arange(20)], 0.0)
    _check(X, Y, metric)


@pytest.mark.parametrize("scale", [1e150, 1e-150])
@pytest.mark.parametrize("metric", ["euclidean", "sqeuclidean", "cosine"])
def test_pairwise_extreme_magnitudes_match_cdist(global_random_seed, metric, scale):
    rng = np.random.default_rng(global_random_seed)
    X = rng.standard_normal((30, 4)) * scale
    Y = np.concatenate([rng.standard_normal((20, 4)) * scale, X[:5]])
    name, kwds = METRICS[metric]
    got = pairwise(X, Y, metric=metric, **kwds)
    expected = cdist(X, Y, name, **kwds)
    assert_allclose(got, expected, rtol=1e-12, atol=0 if metric != "cosine" else 1e-12)


@pytest.mark.parametrize("scale", [1e160, 1e-160])
@pytest.mark.parametrize("metric", ["euclidean", "minkowski", "manhattan"])
def test_pairwise_no_spurious_overflow_or_underflow(global_random_seed, metric, scale):
    # Squares leave the float64 range, distances do not: compare with the rescaled
    # problem (cdist itself overflows to inf or underflows to 0 here).
    rng = np.random.default_rng(global_random_seed)
    X = rng.standard_normal((20, 4))
    Y = np.concatenate([rng.standard_normal((15, 4)), X[:3]])
    name, kwds = METRICS[metric]
    got = pairwise(X * scale, Y * scale, metric=metric, **kwds)
    assert_allclose(got, cdist(X, Y, name, **kwds) * scale, rtol=1e-12)


def test_pairwise_cosine_zero_vectors_as_sklearn():
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 0.0], [1.0, 1.0], [-2.0, 0.0]])
    Y = np.array([[0.0, 0.0], [3.0, 3.0]])
    for dtype in (np.float64, np.float32):
        Xd, Yd = X.astype(dtype), Y.astype(dtype)
        # A zero vector is at distance 1 from everything, itself excepted when X is Y
        assert_allclose(pairwise(Xd, Yd, metric="cosine"), cosine_distances(Xd, Yd),
                        atol=1e-7)
        assert_allclose(pairwise(Xd, metric="cosine"), cosine_distances(Xd), atol=1e-7)
    assert pairwise(X, Y, metric="cosine")[0, 0] == 1.0
    assert pairwise(X, metric="cosine")[0, 0] == 0.0
    assert pairwise(X, metric="cosine")[0, 2] == 1.0


@pytest.mark.parametrize("metric", METRICS)
def test_pairwise_n_jobs_identical(global_random_seed, metric):
    rng = np.random.default_rng(global_random_seed)
    X = rng.standard_normal((600, 9))
    Y = rng.standard_normal((300, 9))
    for args in ((X, Y), (X, None)):
        one = pairwise(*args, metric=metric, p=3.0, n_jobs=1)
        two = pairwise(*args, metric=metric, p=3.0, n_jobs=2)
        assert_array_equal(one, two)


@pytest.mark.parametrize("p, metric", [(1, "manhattan"), (2, "euclidean"),
                                       (np.inf, "chebyshev"), (1.5, None)])
def test_pairwise_minkowski_special_powers(global_random_seed, p, metric):
    rng = np.random.default_rng(global_random_seed)
    X, Y = rng.standard_normal((50, 3)), rng.standard_normal((40, 3))
    got = pairwise(X, Y, metric="minkowski", p=p)
    assert_allclose(got, cdist(X, Y, "minkowski", p=p), rtol=1e-9)
    if metric is not None:
        assert_array_equal(got, pairwise(X, Y, metric=metric))


def test_pairwise_single_row_and_feature(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    X, Y = rng.standard_normal((1, 1)), rng.standard_normal((3, 1))
    for metric in METRICS:
        _check(X, Y, metric)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_row_norms_matches_numpy(global_random_seed, dtype):
    rng = np.random.default_rng(global_random_seed)
    X = rng.standard_normal((300, 11)).astype(dtype)
    expected = np.linalg.norm(X.astype(np.float64), axis=1)
    got = row_norms(X)
    assert got.dtype == dtype
    assert_allclose(got, expected, rtol=1e-6 if dtype == np.float32 else 1e-13)
    assert_allclose(row_norms(X, squared=True, n_jobs=2), expected**2,
                    rtol=1e-6 if dtype == np.float32 else 1e-13)


def test_row_norms_extreme_magnitudes(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    X = rng.standard_normal((10, 5))
    for scale in (1e200, 1e-200):
        assert_allclose(row_norms(X * scale), np.linalg.norm(X, axis=1) * scale,
                        rtol=1e-13)
    assert_array_equal(row_norms(np.zeros((2, 3))), 0.0)


@pytest.mark.parametrize("metric", ["euclidean", "sqeuclidean"])
def test_pairwise_euclidean_mixed_magnitudes(global_random_seed, metric):
    rng = np.random.default_rng(global_random_seed)
    scales = rng.choice([1e-200, 1e-150, 1.0, 1e150, 1e200], size=(70, 1))
    X = rng.standard_normal((70, 4)) * scales
    Y = np.concatenate([X[:10], rng.standard_normal((30, 4)) * scales[:30]])
    diff = np.abs(X[:, None, :] - Y[None, :, :])
    m = diff.max(axis=2, keepdims=True)
    exact = m[..., 0] * np.sqrt(((diff / np.where(m > 0, m, 1.0)) ** 2).sum(axis=2))
    if metric == "sqeuclidean":
        with np.errstate(over="ignore", under="ignore"):
            exact = exact**2
    got = pairwise(X, Y, metric=metric)
    # Squares below the normal range lose relative precision (subnormals).
    assert_allclose(got, exact, rtol=1e-12, atol=1e-300)
