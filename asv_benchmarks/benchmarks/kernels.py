# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Micro-benchmarks of the distance and split cores against scikit-learn's
equivalents.

``argkmin`` vs ``NearestNeighbors(algorithm="brute").kneighbors`` and
``kernel_matrix`` vs ``sklearn.metrics.pairwise.pairwise_kernels``. scikit-learn's
brute-force k-neighbours search ignores ``n_jobs`` and uses every OpenMP thread,
so for ``n_jobs=1`` it runs under ``threadpool_limits(1)`` to compare like with
like.
"""

import contextlib

from sklearn.metrics.pairwise import pairwise_kernels
from sklearn.neighbors import NearestNeighbors
from threadpoolctl import threadpool_limits

from skml._distances import argkmin, kernel_matrix

from .common import LIBRARIES, Benchmark, n_jobs_values, size
from .datasets import dense_matrix


def _limits(n_jobs):
    """Thread limits for the scikit-learn side (skml takes ``n_jobs`` itself)."""
    return threadpool_limits(1) if n_jobs == 1 else contextlib.nullcontext()


class ArgKminBench(Benchmark):
    """k nearest training rows of 10k queries among 100k rows of 20 features."""

    params = (LIBRARIES, ["float64", "float32"], [1, 10, 100], n_jobs_values())
    param_names = ["library", "dtype", "k", "n_jobs"]

    def setup(self, library, dtype, k, n_jobs):
        self.train = dense_matrix(size(100_000, 5_000), 20, dtype, seed=0)
        self.queries = dense_matrix(size(10_000, 500), 20, dtype, seed=1)
        if library == "sklearn":
            self.nn = NearestNeighbors(algorithm="brute").fit(self.train)

    def _run(self, library, k, n_jobs):
        if library == "skml":
            argkmin(self.queries, self.train, k, n_jobs=n_jobs)
        else:
            with _limits(n_jobs):
                self.nn.kneighbors(self.queries, k)

    def time_argkmin(self, library, dtype, k, n_jobs):
        self._run(library, k, n_jobs)

    def peakmem_argkmin(self, library, dtype, k, n_jobs):
        self._run(library, k, n_jobs)


class KernelMatrixBench(Benchmark):
    """Kernel matrix of 5000 rows of 50 features with itself."""

    params = (LIBRARIES, ["linear", "rbf", "poly", "sigmoid"], ["float64", "float32"])
    param_names = ["library", "kernel", "dtype"]

    def setup(self, library, kernel, dtype):
        self.X = dense_matrix(size(5_000, 500), 50, dtype, seed=0)

    def time_kernel_matrix(self, library, kernel, dtype):
        if library == "skml":
            kernel_matrix(self.X, kernel=kernel)
        else:
            pairwise_kernels(self.X, metric=kernel)

    def peakmem_kernel_matrix(self, library, kernel, dtype):
        self.time_kernel_matrix(library, kernel, dtype)


class BuildTreeBench(Benchmark):
    """``skml._splitting.build_tree`` on validated 100k x 20 float32 data, against
    scikit-learn's ``DecisionTreeClassifier.fit(check_input=False)``."""

    params = (LIBRARIES, ["gini", "squared_error"])
    param_names = ["library", "criterion"]

    def setup(self, library, criterion):
        import numpy as np

        from .datasets import classification as _classification

        X, _, y, _ = _classification(size(125_000, 5_000), 20, dtype="float32")
        self.X = np.asfortranarray(X)
        self.y = np.ascontiguousarray(y, dtype=np.float64).reshape(-1, 1)
        self.w = np.ones(len(y))
        self.n_classes = np.array([2]) if criterion == "gini" else None

    def time_build_tree(self, library, criterion):
        if library == "skml":
            from skml._splitting import build_tree

            build_tree(
                self.X,
                self.y,
                self.w,
                criterion=criterion,
                n_classes=self.n_classes,
                max_depth=12,
            )
        else:
            import sklearn.tree

            if criterion == "gini":
                est = sklearn.tree.DecisionTreeClassifier(max_depth=12)
            else:
                est = sklearn.tree.DecisionTreeRegressor(max_depth=12)
            est.fit(self.X, self.y[:, 0], check_input=False)


class BuildTreeNewtonHistBench(Benchmark):
    """One gradient-boosting tree (``criterion="newton"``, ``splitter="hist"``,
    31 leaves) on 160k x 50 float32 regression data, binning included, against
    one iteration of scikit-learn's ``HistGradientBoostingRegressor`` (which
    bins, then grows one tree). ``n_threads`` -1 is every available core; the
    scikit-learn side runs under ``threadpool_limits(n_threads)``."""

    params = (LIBRARIES, n_jobs_values())
    param_names = ["library", "n_threads"]

    def setup(self, library, n_threads):
        import numpy as np

        from .datasets import regression as _regression

        X, _, y, _ = _regression(size(200_000, 5_000), 50, dtype="float32")
        # Fortran order, as a booster would hold it: build_tree then does not
        # copy X for the exact splits of small nodes.
        self.X = np.asfortranarray(X)
        self.y = np.asarray(y, dtype=np.float64)
        # Squared error at the mean: the gradients and hessians of the first
        # boosting iteration.
        self.g = (self.y.mean() - self.y).reshape(-1, 1)
        self.h = np.ones_like(self.g)
        self.w = np.ones(len(self.y))

    def time_build_tree(self, library, n_threads):
        from skml.utils._openmp import effective_n_threads

        n_threads = effective_n_threads(n_threads)
        if library == "skml":
            from skml._splitting import bin_features, build_tree

            build_tree(
                self.X,
                self.g,
                self.w,
                criterion="newton",
                hessians=self.h,
                splitter="hist",
                max_leaf_nodes=31,
                min_samples_leaf=20,
                bins=bin_features(self.X),
                n_threads=n_threads,
            )
        else:
            from sklearn.ensemble import HistGradientBoostingRegressor

            with threadpool_limits(n_threads):
                HistGradientBoostingRegressor(
                    max_iter=1,
                    learning_rate=1.0,
                    max_leaf_nodes=31,
                    early_stopping=False,
                ).fit(self.X, self.y)
