# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""``skml.metrics.pairwise_distances`` against scikit-learn's, over metric and dtype."""

import sklearn.metrics

import skml.metrics

from .common import LIBRARIES, Benchmark, size
from .datasets import dense_matrix


class PairwiseDistancesBench(Benchmark):
    """Distances among 5000 rows of 50 features (``Y=None``) or to 5000 others."""

    params = (
        LIBRARIES,
        ["euclidean", "manhattan", "cosine"],
        ["float64", "float32"],
        ["none", "other"],
    )
    param_names = ["library", "metric", "dtype", "Y"]

    def setup(self, library, metric, dtype, Y):
        self.X = dense_matrix(size(5_000, 500), 50, dtype, seed=0)
        self.Y = None if Y == "none" else dense_matrix(size(5_000, 500), 50, dtype,
                                                       seed=1)
        module = skml.metrics if library == "skml" else sklearn.metrics
        self.func = module.pairwise_distances

    def time_pairwise_distances(self, library, metric, dtype, Y):
        self.func(self.X, self.Y, metric=metric)

    def peakmem_pairwise_distances(self, library, metric, dtype, Y):
        self.func(self.X, self.Y, metric=metric)
