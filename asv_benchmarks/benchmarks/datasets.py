# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Memoised data generators shared by the benchmarks (each made once per process)."""

from functools import lru_cache

import numpy as np
from sklearn.datasets import make_blobs, make_classification, make_regression
from sklearn.model_selection import train_test_split


def _split(X, y, dtype, random_state=0):
    X = X.astype(dtype, copy=False)
    return tuple(train_test_split(X, y, test_size=0.2, random_state=random_state))


@lru_cache(maxsize=8)
def classification(n_samples, n_features, n_classes=2, dtype="float64"):
    """Non-separable classification data, split 80/20."""
    X, y = make_classification(
        n_samples=n_samples,
        n_features=n_features,
        n_informative=max(2, n_features // 2),
        n_classes=n_classes,
        random_state=0,
    )
    return _split(X, y, dtype)


@lru_cache(maxsize=8)
def regression(n_samples, n_features, dtype="float64"):
    """Linear regression data with noise, split 80/20."""
    X, y = make_regression(
        n_samples=n_samples, n_features=n_features, noise=1.0, random_state=0
    )
    return _split(X, y, dtype)


@lru_cache(maxsize=8)
def blobs(n_samples, n_features, centers=8, dtype="float64"):
    """Gaussian blobs (for clustering and neighbours), split 80/20."""
    X, y = make_blobs(
        n_samples=n_samples, n_features=n_features, centers=centers, random_state=0
    )
    return _split(X, y, dtype)


@lru_cache(maxsize=8)
def dense_matrix(n_rows, n_features, dtype="float64", seed=0):
    """A standard-normal matrix."""
    return (
        np.random.default_rng(seed).standard_normal((n_rows, n_features)).astype(dtype)
    )


@lru_cache(maxsize=4)
def sparse_counts(n_samples, n_features, density=0.005, n_classes=4, seed=0):
    """A CSR matrix of Poisson counts with class-dependent rates, split 80/20."""
    import scipy.sparse as sp

    rng = np.random.default_rng(seed)
    y = rng.integers(n_classes, size=n_samples)
    X = sp.random(
        n_samples,
        n_features,
        density=density,
        format="csr",
        # A Generator, not an int seed: with an int, SciPy draws the positions
        # through a legacy permutation of all n_samples * n_features cells
        # (20 GB and minutes at 125k x 20k).
        random_state=rng,
        data_rvs=lambda n: rng.poisson(2.0, size=n) + 1.0,
    )
    # Make some features more frequent in some classes.
    boost = rng.integers(1, 4, size=(n_classes, n_features)).astype(float)
    # Scale each stored count by its row's class boost, without a dense
    # (n_samples, n_features) array.
    X = sp.csr_matrix(X)
    X.data *= boost[np.repeat(y, np.diff(X.indptr)), X.indices]
    return tuple(train_test_split(X, y, test_size=0.2, random_state=seed))


@lru_cache(maxsize=2)
def sparse_uniform(n_samples, n_features, density=0.01, dtype="float64", seed=0):
    """A CSR matrix with uniform [0, 1) values at random positions (unlabelled)."""
    import scipy.sparse as sp

    return sp.random(
        n_samples,
        n_features,
        density=density,
        format="csr",
        dtype=dtype,
        # A Generator: an int seed makes SciPy permute every cell (see above).
        random_state=np.random.default_rng(seed),
    )
