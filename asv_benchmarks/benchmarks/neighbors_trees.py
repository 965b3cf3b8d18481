# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Benchmarks for skml.neighbors.KDTree and BallTree, skml vs scikit-learn."""

import sklearn.neighbors

import skml.neighbors

from .common import LIBRARIES, Benchmark, n_jobs_values, size
from .datasets import blobs

# dataset -> (train + test rows, features) for the regular and fast profiles. The
# split is 80/20, so 125k rows give the 100k training points of the speed
# target; queries are 10k of the test rows. Gaussian blobs (8 centres).
DATASETS = {
    "100k x 3": ((125_000, 3), (12_500, 3)),
    "100k x 20": ((125_000, 20), (12_500, 20)),
}
N_QUERIES = 10_000
K = 10


class _TreeBench(Benchmark):
    """Build a tree on 100k points and query the 10 nearest of 10k points.

    scikit-learn's tree queries are single-threaded; ``n_jobs`` only applies to
    skml (the sklearn runs ignore it).
    """

    tree_name = None
    params = (LIBRARIES, list(DATASETS), n_jobs_values())
    param_names = ["library", "dataset", "n_jobs"]

    def setup(self, library, dataset, n_jobs):
        n_samples, n_features = size(*DATASETS[dataset])
        self.X, X_test, _, _ = blobs(n_samples, n_features)
        self.Q = X_test[:N_QUERIES]
        module = skml.neighbors if library == "skml" else sklearn.neighbors
        self.tree_cls = getattr(module, self.tree_name)
        self.tree = self.tree_cls(self.X, leaf_size=40)
        self.query_kwargs = {"n_jobs": n_jobs} if library == "skml" else {}

    def time_build(self, library, dataset, n_jobs):
        self.tree_cls(self.X, leaf_size=40)

    def peakmem_build(self, library, dataset, n_jobs):
        self.tree_cls(self.X, leaf_size=40)

    def time_query(self, library, dataset, n_jobs):
        self.tree.query(self.Q, k=K, **self.query_kwargs)

    def time_query_radius_count(self, library, dataset, n_jobs):
        self.tree.query_radius(self.Q, 0.5, count_only=True, **self.query_kwargs)


class KDTreeBench(_TreeBench):
    """``KDTree(leaf_size=40)``: build, query (k=10), radius counts."""

    tree_name = "KDTree"


class BallTreeBench(_TreeBench):
    """``BallTree(leaf_size=40)``: build, query (k=10), radius counts."""

    tree_name = "BallTree"
