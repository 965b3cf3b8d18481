# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""skml._distances.radius_neighbors against cdist."""

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from scipy.spatial.distance import cdist
from sklearn.metrics.pairwise import cosine_distances

import skml._distances._radius_query as radius_module
from skml._distances import radius_neighbors

METRICS = {
    "euclidean": ("euclidean", {}),
    "sqeuclidean": ("sqeuclidean", {}),
    "manhattan": ("cityblock", {}),
    "chebyshev": ("chebyshev", {}),
    "minkowski": ("minkowski", {"p": 3.0}),
    "cosine": ("cosine", {}),
}
RADIUS = {"cosine": 0.4, "sqeuclidean": 4.0}


def _reference(X, Y, metric, radius):
    X, Y = X.astype(np.float64), Y.astype(np.float64)
    if metric == "cosine":
        D = cosine_distances(X, Y)
    else:
        name, kwds = METRICS[metric]
        D = cdist(X, Y, name, **kwds)
    radius = np.broadcast_to(radius, (X.shape[0],))
    ind = [np.nonzero(row <= r)[0] for row, r in zip(D, radius)]
    return [row[i] for row, i in zip(D, ind)], ind


def _data(seed, dtype=np.float64):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((50, 4)).astype(dtype),
            rng.standard_normal((300, 4)).astype(dtype))


@pytest.mark.parametrize("metric", list(METRICS))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_radius_neighbors_matches_cdist(metric, dtype, global_random_seed):
    X, Y = _data(global_random_seed, dtype)
    radius = RADIUS.get(metric, 1.5)
    p = METRICS[metric][1].get("p", 2.0)
    dist, ind = radius_neighbors(X, Y, radius, metric=metric, p=p)
    ref_dist, ref_ind = _reference(X, Y, metric, radius)
    assert dist.dtype == object and ind.dtype == object and len(ind) == 50
    assert sum(len(i) for i in ind) > 50
    rtol = 1e-5 if dtype == np.float32 else 1e-10
    for d, i, rd, ri in zip(dist, ind, ref_dist, ref_ind):
        assert i.dtype == np.intp and d.dtype == np.float64
        assert_array_equal(i, ri)  # unsorted results are in index order
        assert_allclose(d, rd, rtol=rtol, atol=1e-6)


def test_radius_neighbors_sorted_and_per_query_radius(global_random_seed):
    X, Y = _data(global_random_seed)
    radius = np.linspace(0.5, 2.0, X.shape[0])
    dist, ind = radius_neighbors(X, Y, radius, sort_results=True)
    ref_dist, ref_ind = _reference(X, Y, "euclidean", radius)
    for d, i, rd, ri in zip(dist, ind, ref_dist, ref_ind):
        order = np.lexsort((ri, rd))
        assert_array_equal(i, ri[order])
        assert_allclose(d, rd[order], rtol=1e-10)
    ind_only = radius_neighbors(X, Y, radius, return_distance=False)
    for i, ri in zip(ind_only, ref_ind):
        assert_array_equal(i, ri)


def test_radius_neighbors_chunks_and_n_jobs(monkeypatch, global_random_seed):
    # Other chunk shapes mean other GEMM block shapes, whose last bits depend on
    # the BLAS kernel: the same neighbours, distances equal to rounding. The
    # same chunking gives bitwise the same result for any number of threads.
    X, Y = _data(global_random_seed)
    full = radius_neighbors(X, Y, 1.2, sort_results=True)
    monkeypatch.setattr(radius_module, "_CHUNK_X", 7)
    monkeypatch.setattr(radius_module, "_CHUNK_Y", 33)
    serial = radius_neighbors(X, Y, 1.2, sort_results=True, n_jobs=1)
    for a, b in zip(serial[1], full[1]):
        assert_array_equal(a, b)
    for a, b in zip(serial[0], full[0]):
        assert_allclose(a, b, rtol=1e-13, atol=1e-13)
    dist, ind = radius_neighbors(X, Y, 1.2, sort_results=True, n_jobs=2)
    for a, b in zip(ind, serial[1]):
        assert_array_equal(a, b)
    for a, b in zip(dist, serial[0]):
        assert_array_equal(a, b)


@pytest.mark.parametrize("metric", ["euclidean", "cosine"])
def test_radius_neighbors_sparse(metric, global_random_seed):
    X = sp.random(30, 20, density=0.3, format="csr", random_state=global_random_seed)
    Y = sp.random(90, 20, density=0.3, format="csr",
                  random_state=global_random_seed + 1)
    radius = 0.8 if metric == "cosine" else 1.0
    dist, ind = radius_neighbors(X, Y, radius, metric=metric)
    ref_dist, ref_ind = _reference(X.toarray(), Y.toarray(), metric, radius)
    assert sum(len(i) for i in ind) > 0
    for d, i, rd, ri in zip(dist, ind, ref_dist, ref_ind):
        assert_array_equal(i, ri)
        assert_allclose(d, rd, atol=1e-7)


def test_radius_neighbors_empty():
    X = np.zeros((3, 2))
    Y = np.full((4, 2), 10.0)
    dist, ind = radius_neighbors(X, Y, 1.0)
    assert [len(i) for i in ind] == [0, 0, 0]
    assert [len(d) for d in dist] == [0, 0, 0]


@pytest.mark.parametrize("scale", [1e-160, 1.0, 1e160])
def test_radius_neighbors_euclidean_extreme_scales(scale, global_random_seed):
    # Squares underflow or overflow at these scales: hits must still be exact.
    X, Y = _data(global_random_seed)
    X, Y = X * scale, Y * scale
    # Near-duplicates exercise the cancellation fix-up.
    Y[:10] = X[:10] * (1 + 1e-9)
    dist, ind = radius_neighbors(X, Y, 1.5 * scale, sort_results=True)
    # Reference without overflow: m * ||(x - y) / m|| with m = max|x - y|.
    diff = X[:, None, :] - Y[None, :, :]
    m = np.abs(diff).max(axis=2)
    D = m * np.sqrt(((diff / m[..., None]) ** 2).sum(axis=2))
    for row, d, i in zip(D, dist, ind):
        ref = np.nonzero(row <= 1.5 * scale)[0]
        ref = ref[np.lexsort((ref, row[ref]))]
        assert_array_equal(i, ref)
        assert_allclose(d, row[ref], rtol=1e-9)
