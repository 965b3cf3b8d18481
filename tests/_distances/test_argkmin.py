# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""skml._distances.argkmin against a brute-force cdist + stable sort."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.spatial.distance import cdist
from sklearn.metrics.pairwise import cosine_distances

import skml._distances
from skml._distances import argkmin

METRICS = {
    "euclidean": ("euclidean", {}),
    "sqeuclidean": ("sqeuclidean", {}),
    "manhattan": ("cityblock", {}),
    "chebyshev": ("chebyshev", {}),
    "minkowski": ("minkowski", {"p": 3.0}),
    "cosine": ("cosine", {}),
}


def _reference_distances(X, Y, metric):
    X, Y = X.astype(np.float64), Y.astype(np.float64)
    if metric == "cosine":  # zero vectors as scikit-learn (cdist gives nan)
        return cosine_distances(X, Y)
    name, kwds = METRICS[metric]
    return cdist(X, Y, name, **kwds)


def _brute_force(X, Y, k, metric):
    """Exact k nearest: stable sort breaks ties by the smaller index."""
    D = _reference_distances(X, Y, metric)
    indices = np.argsort(D, axis=1, kind="stable")[:, :k]
    return np.take_along_axis(D, indices, axis=1), indices


def _run(X, Y, k, metric, **kwds):
    return argkmin(X, Y, k, metric=metric, p=METRICS[metric][1].get("p", 2.0), **kwds)


def _assert_valid(X, Y, k, metric, distances, indices, rtol):
    """Correct k nearest up to float rounding (near-ties may be ordered either way)."""
    D = _reference_distances(X, Y, metric)
    ref_d, _ = _brute_force(X, Y, k, metric)
    assert indices.dtype == np.intp and indices.shape == (X.shape[0], k)
    assert distances.dtype == X.dtype
    # Each row: k distinct indices, whose true distances are the returned ones,
    # sorted, and equal to the k smallest.
    assert all(len(set(row)) == k for row in indices)
    atol = 1e-6 if metric == "cosine" and X.dtype == np.float32 else 1e-12
    assert_allclose(distances, np.take_along_axis(D, indices, axis=1), rtol=rtol,
                    atol=atol)
    assert np.all(np.diff(distances.astype(np.float64), axis=1) >= 0)
    assert_allclose(distances, ref_d, rtol=rtol, atol=atol)


@pytest.mark.parametrize("chunk_y", [None, 37])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("metric", METRICS)
def test_argkmin_matches_brute_force(global_random_seed, metric, dtype, chunk_y,
                                     monkeypatch):
    if chunk_y is not None:  # many chunks of Y, with a ragged last one
        monkeypatch.setattr(skml._distances, "_CHUNK_Y", chunk_y)
    rng = np.random.default_rng(global_random_seed)
    # Several chunks of X (at least 16) and of Y (1024 rows by default).
    X = rng.standard_normal((300, 6)).astype(dtype)
    Y = rng.standard_normal((1100, 6)).astype(dtype)
    k = 7
    distances, indices = _run(X, Y, k, metric)
    rtol = 1e-9 if dtype == np.float64 else 2e-6
    _assert_valid(X, Y, k, metric, distances, indices, rtol)


@pytest.mark.parametrize("metric", METRICS)
def test_argkmin_exact_ties_smaller_index_first(global_random_seed, metric):
    # Small integers: every path computes exactly, so there are many exact ties,
    # and the result must equal the stable sort of cdist exactly.
    rng = np.random.default_rng(global_random_seed)
    Y = rng.integers(-2, 3, size=(400, 3)).astype(np.float64)
    X = np.concatenate([Y[:30], rng.integers(-2, 3, size=(30, 3))]).astype(np.float64)
    for k in (1, 5, Y.shape[0]):
        distances, indices = _run(X, Y, k, metric)
        ref_d, ref_i = _brute_force(X, Y, k, metric)
        if metric == "sqeuclidean" or metric == "euclidean" or metric == "manhattan":
            assert_array_equal(indices, ref_i)
            assert_array_equal(distances, ref_d)
        else:  # ties up to the last bit of a root or a quotient
            assert_allclose(distances, ref_d, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_argkmin_duplicates_of_query_come_first(global_random_seed, dtype):
    # Far from the origin the GEMM expansion cancels; the correction must still
    # find the exact duplicates, at distance exactly 0, in index order.
    rng = np.random.default_rng(global_random_seed)
    X = (rng.standard_normal((50, 8)) + 1e3).astype(dtype)
    Y = np.concatenate([rng.standard_normal((300, 8)) + 1e3, X, X]).astype(dtype)
    distances, indices = argkmin(X, Y, 3)
    assert_array_equal(distances[:, :2], 0.0)
    assert_array_equal(indices[:, 0], 300 + np.arange(50))
    assert_array_equal(indices[:, 1], 350 + np.arange(50))
    assert np.all(distances[:, 2] > 0)


@pytest.mark.parametrize("k", [1, 4])
@pytest.mark.parametrize("metric", METRICS)
def test_argkmin_x_is_y(global_random_seed, metric, k):
    rng = np.random.default_rng(global_random_seed)
    X = rng.standard_normal((260, 4))
    distances, indices = _run(X, X, k, metric)
    assert_array_equal(indices[:, 0], np.arange(260))
    # 1 - x.x / ||x||^2 is zero up to one rounding of the normalised dot product.
    assert_allclose(distances[:, 0], 0.0, atol=1e-15 if metric == "cosine" else 0)
    _assert_valid(X, X, k, metric, distances, indices, 1e-9)


@pytest.mark.parametrize("metric", METRICS)
def test_argkmin_k_equals_n_y(global_random_seed, metric):
    rng = np.random.default_rng(global_random_seed)
    X, Y = rng.standard_normal((20, 3)), rng.standard_normal((300, 3))
    distances, indices = _run(X, Y, 300, metric)
    assert_array_equal(np.sort(indices, axis=1), np.tile(np.arange(300), (20, 1)))
    _assert_valid(X, Y, 300, metric, distances, indices, 1e-9)


@pytest.mark.parametrize("metric", METRICS)
def test_argkmin_n_jobs_identical(global_random_seed, metric):
    rng = np.random.default_rng(global_random_seed)
    X, Y = rng.standard_normal((500, 5)), rng.standard_normal((1100, 5))
    d1, i1 = _run(X, Y, 10, metric, n_jobs=1)
    d2, i2 = _run(X, Y, 10, metric, n_jobs=2)
    assert_array_equal(i1, i2)
    assert_array_equal(d1, d2)
    # A handful of queries (fewer than chunks x threads) too.
    assert_array_equal(_run(X[:3], Y, 2, metric, n_jobs=1)[1],
                       _run(X[:3], Y, 2, metric, n_jobs=2)[1])


@pytest.mark.parametrize("n_jobs", [1, 2])
@pytest.mark.parametrize("metric", METRICS)
def test_argkmin_few_queries(global_random_seed, metric, n_jobs, monkeypatch):
    # Fewer chunks of X than threads: threads share out the chunks of Y, each with
    # its own heaps, merged at the end.
    monkeypatch.setattr(skml._distances, "_CHUNK_Y", 50)
    rng = np.random.default_rng(global_random_seed)
    Y = rng.standard_normal((1000, 4))
    X = np.concatenate([Y[[5, 700]], rng.standard_normal((3, 4))])
    Y[900] = Y[700]  # an exact tie, across chunks of Y
    distances, indices = _run(X, Y, 6, metric, n_jobs=n_jobs)
    _assert_valid(X, Y, 6, metric, distances, indices, 1e-9)
    assert_array_equal(indices[:2, 0], [5, 700])
    assert indices[1, 1] == 900


def test_argkmin_return_distance_false(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    X, Y = rng.standard_normal((30, 3)), rng.standard_normal((40, 3))
    indices = argkmin(X, Y, 4, return_distance=False)
    assert_array_equal(indices, argkmin(X, Y, 4)[1])


@pytest.mark.parametrize("scale", [1e150, 1e-150, 1e170, 1e-170])
def test_argkmin_euclidean_extreme_magnitudes(global_random_seed, scale):
    rng = np.random.default_rng(global_random_seed)
    X, Y = rng.standard_normal((40, 5)), rng.standard_normal((300, 5))
    d_ref, i_ref = argkmin(X, Y, 6)
    distances, indices = argkmin(X * scale, Y * scale, 6)
    assert_array_equal(indices, i_ref)
    assert_allclose(distances, d_ref * scale, rtol=1e-12)


def test_argkmin_cosine_zero_vectors():
    X = np.array([[0.0, 0.0], [1.0, 0.0]])
    Y = np.array([[2.0, 0.0], [0.0, 0.0], [0.0, 1.0], [-1.0, 0.0]])
    distances, indices = argkmin(X, Y, 4, metric="cosine")
    # The zero query is at distance 1 from everything: index order.
    assert_array_equal(indices[0], [0, 1, 2, 3])
    assert_array_equal(distances[0], [1.0, 1.0, 1.0, 1.0])
    assert_array_equal(indices[1], [0, 1, 2, 3])
    assert_allclose(distances[1], [0.0, 1.0, 1.0, 2.0])


@pytest.mark.slow
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_argkmin_large_matches_brute_force(global_random_seed, dtype):
    rng = np.random.default_rng(global_random_seed)
    X = rng.standard_normal((2000, 20)).astype(dtype)
    Y = rng.standard_normal((5000, 20)).astype(dtype)
    distances, indices = argkmin(X, Y, 10)
    _assert_valid(X, Y, 10, "euclidean", distances, indices,
                  1e-9 if dtype == np.float64 else 2e-6)


def test_argkmin_euclidean_mixed_magnitudes(global_random_seed):
    # Rows of very different scales in the same chunks: some pairs take the
    # GEMM path, others the rescaled one; all must be ranked together correctly.
    rng = np.random.default_rng(global_random_seed)
    scales = rng.choice([1e-200, 1e-150, 1.0, 1e150, 1e200], size=(340, 1))
    Y = rng.standard_normal((300, 5)) * scales[:300]
    X = np.concatenate([Y[:20], rng.standard_normal((40, 5)) * scales[300:]])
    diff = np.abs(X[:, None, :] - Y[None, :, :])
    m = diff.max(axis=2, keepdims=True)
    exact = m[..., 0] * np.sqrt(((diff / np.where(m > 0, m, 1.0)) ** 2).sum(axis=2))
    ref_i = np.argsort(exact, axis=1, kind="stable")[:, :8]
    distances, indices = argkmin(X, Y, 8)
    assert_allclose(distances, np.take_along_axis(exact, ref_i, axis=1), rtol=1e-12)
    assert_allclose(np.take_along_axis(exact, indices, axis=1), distances,
                    rtol=1e-12)
