# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Benchmarks for skml.neighbors: KNeighborsClassifier, skml vs scikit-learn."""

import sklearn.neighbors

import skml.neighbors

from .common import LIBRARIES, Estimator, Predictor, n_jobs_values, size
from .datasets import blobs

# dataset -> (train + test rows, features) for the regular and fast profiles. The
# split is 80/20, so 125k rows give the 100k training points of the speed
# target; predict is timed on 10k of the test rows.
DATASETS = {
    "100k x 20": ((125_000, 20), (12_500, 20)),
    "100k x 3": ((125_000, 3), (12_500, 3)),
}
N_QUERIES = 10_000


class KNeighborsClassifierBench(Predictor, Estimator):
    """``KNeighborsClassifier(n_neighbors=5)``: fit, predict (10k queries), score."""

    params = (
        LIBRARIES,
        ["brute", "kd_tree", "ball_tree"],
        list(DATASETS),
        n_jobs_values(),
    )
    param_names = ["library", "algorithm", "dataset", "n_jobs"]

    def make_data(self, library, algorithm, dataset, n_jobs):
        (n_samples, n_features) = size(*DATASETS[dataset])
        # Gaussian blobs; the label is the blob.
        X_train, X_test, y_train, y_test = blobs(n_samples, n_features)
        return X_train, X_test[:N_QUERIES], y_train, y_test[:N_QUERIES]

    def make_estimator(self, library, algorithm, dataset, n_jobs):
        module = skml.neighbors if library == "skml" else sklearn.neighbors
        return module.KNeighborsClassifier(
            n_neighbors=5, algorithm=algorithm, n_jobs=n_jobs
        )
