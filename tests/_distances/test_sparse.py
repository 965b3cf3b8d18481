# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""skml._distances.argkmin_sparse against cdist on the densified data."""

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from scipy.spatial.distance import cdist
from sklearn.metrics.pairwise import cosine_distances

import skml._distances._sparse as sparse_core
from skml._distances import argkmin_sparse


def _reference(X, Y, k, metric):
    X, Y = X.toarray(), Y.toarray()
    if metric == "cosine":
        D = cosine_distances(X, Y)
    else:
        D = cdist(X, Y, metric)
    ind = np.argsort(D, axis=1, kind="stable")[:, :k]
    return np.take_along_axis(D, ind, axis=1), ind


def _random_csr(n, m, seed, dtype=np.float64):
    return sp.random(n, m, density=0.3, format="csr", random_state=seed, dtype=dtype)


@pytest.mark.parametrize("metric", ["euclidean", "sqeuclidean", "cosine"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_argkmin_sparse_matches_dense_reference(metric, dtype, global_random_seed):
    X = _random_csr(40, 30, global_random_seed, dtype)
    Y = _random_csr(120, 30, global_random_seed + 1, dtype)
    dist, ind = argkmin_sparse(X, Y, 5, metric)
    ref_dist, ref_ind = _reference(X, Y, 5, metric)
    assert dist.dtype == np.float64 and ind.dtype == np.intp
    assert_array_equal(ind, ref_ind)
    assert_allclose(dist, ref_dist, rtol=1e-5 if dtype == np.float32 else 1e-9,
                    atol=1e-7)
    assert_array_equal(argkmin_sparse(X, Y, 5, metric, return_distance=False), ind)


def test_argkmin_sparse_ties_by_index_and_zero_rows(monkeypatch):
    # Duplicated rows and all-zero rows: exact ties, ordered by index; small
    # chunks exercise the chunk loop.
    monkeypatch.setattr(sparse_core, "_CHUNK_ELEMENTS", 50)
    base = sp.csr_matrix(np.array([[1.0, 0, 2], [0, 0, 0], [0, 3.0, 0]]))
    Y = sp.vstack([base, base, base, base]).tocsr()
    X = sp.vstack([base, sp.csr_matrix([[1.0, 1.0, 1.0]])]).tocsr()
    for metric in ("euclidean", "cosine"):
        dist, ind = argkmin_sparse(X, Y, 6, metric)
        ref_dist, ref_ind = _reference(X, Y, 6, metric)
        assert_array_equal(ind, ref_ind)
        assert_allclose(dist, ref_dist, atol=1e-12)


def test_argkmin_sparse_unsupported_metric():
    X = _random_csr(5, 3, 0)
    with pytest.raises(ValueError, match="not supported for sparse input"):
        argkmin_sparse(X, X, 2, "manhattan")


def test_smallest_k_orders_ties_by_column(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    D = rng.integers(0, 4, size=(30, 25)).astype(float)
    values, cols = sparse_core.smallest_k(D, 7)
    ref = np.argsort(D, axis=1, kind="stable")[:, :7]
    assert_array_equal(cols, ref)
    assert_array_equal(values, np.take_along_axis(D, ref, axis=1))
