# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""skml.metrics.pairwise_distances / pairwise_kernels: validation and agreement
with scikit-learn."""

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose
from sklearn.metrics import pairwise_distances as sk_pairwise_distances
from sklearn.metrics.pairwise import pairwise_kernels as sk_pairwise_kernels

from skml.metrics import pairwise_distances, pairwise_kernels

METRICS = ["euclidean", "sqeuclidean", "manhattan", "chebyshev", "minkowski",
           "cosine", "l1", "l2", "cityblock"]


@pytest.mark.parametrize("metric", METRICS)
def test_pairwise_distances_matches_sklearn(global_random_seed, metric):
    rng = np.random.default_rng(global_random_seed)
    X, Y = rng.standard_normal((60, 4)), rng.standard_normal((50, 4))
    kwds = {"p": 3} if metric == "minkowski" else {}
    for args in ((X, Y), (X,)):
        assert_allclose(pairwise_distances(*args, metric=metric, **kwds),
                        sk_pairwise_distances(*args, metric=metric, **kwds),
                        rtol=1e-9, atol=1e-12)


def test_pairwise_distances_dtypes(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    X = rng.standard_normal((10, 3))
    assert pairwise_distances(X.astype(np.float32)).dtype == np.float32
    assert pairwise_distances(X.astype(np.float32), X.astype(np.float32)).dtype \
        == np.float32
    assert pairwise_distances(X.astype(np.float32), X).dtype == np.float64
    ints = rng.integers(0, 5, size=(10, 3))
    got = pairwise_distances(ints)
    assert got.dtype == np.float64
    assert_allclose(got, sk_pairwise_distances(ints.astype(float)))
    # Lists and Fortran-ordered arrays are accepted.
    assert_allclose(pairwise_distances(X.tolist()), pairwise_distances(X))
    assert_allclose(pairwise_distances(np.asfortranarray(X)), pairwise_distances(X))


def test_pairwise_distances_minkowski_p(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    X = rng.standard_normal((20, 3))
    assert_allclose(pairwise_distances(X, metric="minkowski"),
                    pairwise_distances(X), rtol=1e-12)
    assert_allclose(pairwise_distances(X, metric="minkowski", p=1.5),
                    sk_pairwise_distances(X, metric="minkowski", p=1.5), rtol=1e-12)


@pytest.mark.parametrize(
    "args, kwds, error, match",
    [
        (([[np.nan, 1.0]],), {}, ValueError, "NaN"),
        (([[np.inf, 1.0]],), {}, ValueError, "infinity"),
        (([[1.0, 2.0]], [[1.0, 2.0, 3.0]]), {}, ValueError,
         "different number of features"),
        (([[1.0]],), {"metric": "hamming"}, ValueError,
         r"Unknown metric 'hamming'. Valid metrics are \[.*'euclidean'"),
        (([[1.0]],), {"metric": len}, TypeError, "callables are not supported"),
        (([[1.0]],), {"metric": "minkowski", "p": 0.5}, ValueError, "p of the"),
        (([[1.0]],), {"metric": "minkowski", "p": "2"}, TypeError, "real number"),
        (([[1.0]],), {"metric": "euclidean", "p": 2}, TypeError, "Unexpected"),
        ((np.empty((0, 3)),), {}, ValueError, "0 sample"),
        (([[1.0]], np.empty((0, 1))), {}, ValueError, "0 sample"),
        ((np.empty((3, 0)),), {}, ValueError, "0 feature"),
        (([["a", "b"]],), {}, ValueError, "numeric"),
        ((sp.csr_matrix(np.eye(3)),), {}, TypeError, "Sparse input is not supported"),
        (([[1.0]], sp.csr_matrix([[1.0]])), {}, TypeError, "Sparse input"),
        (([[1.0]],), {"n_jobs": 0}, ValueError, "n_jobs"),
        (([[1.0]],), {"n_jobs": 1.5}, TypeError, "n_jobs"),
    ],
)
def test_pairwise_distances_bad_input(args, kwds, error, match):
    with pytest.raises(error, match=match):
        pairwise_distances(*args, **kwds)


@pytest.mark.parametrize("metric", ["linear", "rbf", "poly", "sigmoid"])
def test_pairwise_kernels_matches_sklearn(global_random_seed, metric):
    rng = np.random.default_rng(global_random_seed)
    X, Y = rng.standard_normal((40, 5)), rng.standard_normal((30, 5))
    kwds = {} if metric == "linear" else {"gamma": 0.3}
    if metric in ("poly", "sigmoid"):
        kwds["coef0"] = 0.5
    for args in ((X, Y), (X,)):
        assert_allclose(pairwise_kernels(*args, metric=metric, **kwds),
                        sk_pairwise_kernels(*args, metric=metric, **kwds),
                        rtol=1e-10, atol=1e-12)
        # Defaults as scikit-learn's (gamma=None: 1 / n_features).
        assert_allclose(pairwise_kernels(*args, metric=metric),
                        sk_pairwise_kernels(*args, metric=metric),
                        rtol=1e-10, atol=1e-12)
    assert pairwise_kernels(X.astype(np.float32), metric=metric).dtype == np.float32


@pytest.mark.parametrize(
    "kwds, error, match",
    [
        ({"metric": "laplacian"}, ValueError, "Unknown kernel 'laplacian'"),
        ({"metric": "linear", "gamma": 1.0}, TypeError, "Unexpected"),
        ({"metric": "rbf", "gamma": "x"}, TypeError, "gamma of the rbf kernel"),
        ({"metric": "poly", "degree": -1}, ValueError, "degree"),
    ],
)
def test_pairwise_kernels_bad_input(kwds, error, match):
    with pytest.raises(error, match=match):
        pairwise_kernels([[1.0, 2.0]], **kwds)
