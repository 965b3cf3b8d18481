# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Benchmarks for skml.ensemble: random forests, skml vs scikit-learn.

The speed targets of the forests issue: ``RandomForestClassifier(n_estimators=100,
n_jobs=2)`` fitted on 75k x 20 float32, with the exact and the histogram splitter.
scikit-learn's peer is its ``RandomForestClassifier`` (exact splits) for both.
"""

import sklearn.ensemble

import skml.ensemble

from .common import LIBRARIES, Estimator, Predictor, size
from .datasets import classification, sparse_counts


class RandomForestClassifierBench(Predictor, Estimator):
    """``RandomForestClassifier(n_estimators=100, n_jobs=2)`` on 75k x 20 float32."""

    params = (LIBRARIES, ["best", "hist"])
    param_names = ["library", "splitter"]

    def make_data(self, library, splitter):
        # 80/20 split: 75k training rows.
        return classification(size(93_750, 5_000), 20, dtype="float32")

    def make_estimator(self, library, splitter):
        params = dict(n_estimators=size(100, 10), n_jobs=2, random_state=0)
        if library == "sklearn":
            return sklearn.ensemble.RandomForestClassifier(**params)
        return skml.ensemble.RandomForestClassifier(splitter=splitter, **params)


class SparseForestBench(Predictor, Estimator):
    """``RandomForestClassifier(n_estimators=50, n_jobs=2)`` on sparse counts.

    20k x 2k CSR, density 1% (4 classes): the CSC split finder against
    scikit-learn's sparse splitter.
    """

    params = (LIBRARIES,)
    param_names = ["library"]

    def make_data(self, library):
        return sparse_counts(size(25_000, 2_500), size(2_000, 500), density=0.01)

    def make_estimator(self, library):
        module = skml.ensemble if library == "skml" else sklearn.ensemble
        return module.RandomForestClassifier(
            n_estimators=size(50, 5), n_jobs=2, random_state=0
        )
