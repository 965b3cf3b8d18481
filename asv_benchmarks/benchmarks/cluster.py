# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Benchmarks for skml.cluster: KMeans and MiniBatchKMeans, skml vs scikit-learn.

The speed target: ``KMeans(n_clusters=8)`` on ``make_classification(200_000, 20,
random_state=0)`` (non-separable), for ``algorithm`` "lloyd" and "elkan" from the
SAME initial centers (``init=array``, ``n_init=1``) for both libraries, and with
the default k-means++ seeding (``n_init="auto"``). ``track_inertia`` records the
training inertia, ``track_test_score`` minus the inertia of held-out rows. KMeans
has no ``n_jobs``: the thread count is OpenMP's (``OMP_NUM_THREADS``).

Sparse: ``KMeans(n_clusters=8)`` (Lloyd and Elkan, same initial centers) and
``MiniBatchKMeans(n_clusters=8)`` on a 100k x 1k CSR matrix of density 1%.
"""

from functools import lru_cache

import numpy as np
import sklearn.cluster
from sklearn.datasets import make_classification

import skml.cluster

from . import datasets
from .common import LIBRARIES, Benchmark, Estimator, Predictor, size

N_CLUSTERS = 8


def _module(library):
    return skml.cluster if library == "skml" else sklearn.cluster


@lru_cache(maxsize=2)
def _data(n_samples):
    """The training rows (the target's data set) and 20k held-out rows."""
    X, _ = make_classification(n_samples=n_samples, n_features=20, random_state=0)
    X_test, _ = make_classification(
        n_samples=max(1, n_samples // 10), n_features=20, random_state=1
    )
    return X, X_test


@lru_cache(maxsize=2)
def _initial_centers(n_samples):
    """The same initial centers for both libraries: 8 rows of the data."""
    X, _ = _data(n_samples)
    rng = np.random.RandomState(0)
    return X[rng.choice(X.shape[0], N_CLUSTERS, replace=False)].copy()


class KMeansBench(Predictor, Estimator):
    """``KMeans(n_clusters=8)``: Lloyd or Elkan, same initial centers or k-means++."""

    params = (LIBRARIES, ["lloyd", "elkan"], ["array", "k-means++"])
    param_names = ["library", "algorithm", "init"]

    def make_data(self, library, algorithm, init):
        X, X_test = _data(size(200_000, 10_000))
        return X, X_test, None, None

    def make_estimator(self, library, algorithm, init):
        if init == "array":
            params = dict(init=_initial_centers(size(200_000, 10_000)), n_init=1)
        else:
            params = dict(init="k-means++", n_init="auto", random_state=0)
        return _module(library).KMeans(
            n_clusters=N_CLUSTERS, algorithm=algorithm, max_iter=300, **params
        )

    def track_inertia(self, *params):
        return float(self.fitted.inertia_)

    def track_n_iter(self, *params):
        return int(self.fitted.n_iter_)


class KMeansDefaultSeedsBench(Benchmark):
    """The default ``KMeans(n_clusters=8)`` fitted with random_state 0..4.

    One seed's time is mostly its number of Lloyd iterations, which a different
    (equally valid) k-means++ draw changes by 20% either way; the sum over five
    seeds measures the seeding and the iterations, not one draw's luck.
    """

    params = (LIBRARIES,)
    param_names = ["library"]

    def setup(self, library):
        self.X, _ = _data(size(200_000, 10_000))

    def time_fit(self, library):
        for seed in range(5):
            _module(library).KMeans(n_clusters=N_CLUSTERS, random_state=seed).fit(
                self.X
            )


class MiniBatchKMeansBench(Predictor, Estimator):
    """``MiniBatchKMeans(n_clusters=8)`` with the default batch size (1024)."""

    params = (LIBRARIES,)
    param_names = ["library"]

    def make_data(self, library):
        X, X_test = _data(size(200_000, 10_000))
        return X, X_test, None, None

    def make_estimator(self, library):
        return _module(library).MiniBatchKMeans(n_clusters=N_CLUSTERS, random_state=0)

    def track_inertia(self, *params):
        return float(self.fitted.inertia_)


@lru_cache(maxsize=1)
def _sparse_data(n_samples):
    """The CSR training rows (100k x 1k, density 1%), held-out rows, 8 centers."""
    X = datasets.sparse_uniform(n_samples, 1000, density=0.01, seed=0)
    X_test = datasets.sparse_uniform(max(1, n_samples // 10), 1000, seed=1)
    rng = np.random.RandomState(0)
    init = X[rng.choice(X.shape[0], N_CLUSTERS, replace=False)].toarray()
    return X, X_test, init


class SparseKMeansBench(Predictor, Estimator):
    """``KMeans(n_clusters=8)`` on CSR data from the same initial centers."""

    params = (LIBRARIES, ["lloyd", "elkan"])
    param_names = ["library", "algorithm"]

    def make_data(self, library, algorithm):
        X, X_test, _ = _sparse_data(size(100_000, 5_000))
        return X, X_test, None, None

    def make_estimator(self, library, algorithm):
        _, _, init = _sparse_data(size(100_000, 5_000))
        return _module(library).KMeans(
            n_clusters=N_CLUSTERS, init=init, n_init=1, algorithm=algorithm
        )

    def track_inertia(self, *params):
        return float(self.fitted.inertia_)

    def track_n_iter(self, *params):
        return int(self.fitted.n_iter_)


class SparseMiniBatchKMeansBench(Predictor, Estimator):
    """``MiniBatchKMeans(n_clusters=8)`` on CSR data, k-means++ or given centers."""

    params = (LIBRARIES, ["array", "k-means++"])
    param_names = ["library", "init"]

    def make_data(self, library, init):
        X, X_test, _ = _sparse_data(size(100_000, 5_000))
        return X, X_test, None, None

    def make_estimator(self, library, init):
        _, _, centers = _sparse_data(size(100_000, 5_000))
        return _module(library).MiniBatchKMeans(
            n_clusters=N_CLUSTERS,
            init=centers if init == "array" else "k-means++",
            n_init=1,
            random_state=0,
        )

    def track_inertia(self, *params):
        return float(self.fitted.inertia_)


class SparseMiniBatchKMeansSeedsBench(Benchmark):
    """The default sparse ``MiniBatchKMeans(n_clusters=8)`` over random_state 0..9.

    On this unstructured matrix, where early stopping fires is the luck of the
    batches (12 to 119 steps for either library), so one seed's time says little;
    the sum over ten seeds is the fair comparison.
    """

    params = (LIBRARIES,)
    param_names = ["library"]

    def setup(self, library):
        self.X, _, _ = _sparse_data(size(100_000, 5_000))

    def time_fit(self, library):
        for seed in range(10):
            _module(library).MiniBatchKMeans(
                n_clusters=N_CLUSTERS, random_state=seed
            ).fit(self.X)
