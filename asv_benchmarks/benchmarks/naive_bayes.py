# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Benchmarks for skml.naive_bayes, skml vs scikit-learn.

The speed targets: GaussianNB on 200k x 50 dense float64 training rows with 5
classes, and MultinomialNB on a 100k x 20k sparse (CSR, 0.5% dense) count matrix.
The data sets hold 25% more rows than that, kept aside as the test set.
``time_partial_fit`` feeds the same training rows in ten batches.
"""

import numpy as np
import sklearn.naive_bayes

import skml.naive_bayes

from .common import LIBRARIES, Estimator, Predictor, size
from .datasets import classification, sparse_counts


def _module(library):
    return skml.naive_bayes if library == "skml" else sklearn.naive_bayes


def _partial_fit_in_batches(estimator, X, y, n_batches=10):
    classes = np.unique(y)
    bounds = np.linspace(0, X.shape[0], n_batches + 1).astype(int)
    for start, stop in zip(bounds[:-1], bounds[1:]):
        estimator.partial_fit(X[start:stop], y[start:stop], classes=classes)


class GaussianNBBench(Predictor, Estimator):
    """``GaussianNB()`` on dense Gaussian-like data with 5 classes."""

    params = (LIBRARIES, ["float64", "float32"])
    param_names = ["library", "dtype"]

    def make_data(self, library, dtype):
        n_samples = size(250_000, 6_250)
        return classification(n_samples, 50, n_classes=5, dtype=dtype)

    def make_estimator(self, library, dtype):
        return _module(library).GaussianNB()

    def time_predict_proba(self, *params):
        self.fitted.predict_proba(self.X_test)

    def time_partial_fit(self, *params):
        _partial_fit_in_batches(self.make_estimator(*params), self.X, self.y)


class CountNBBench(Predictor, Estimator):
    """The count models on sparse Poisson counts with 4 classes."""

    params = (LIBRARIES, ["MultinomialNB", "ComplementNB", "BernoulliNB"])
    param_names = ["library", "model"]

    def make_data(self, library, model):
        n_samples, n_features = size((125_000, 20_000), (6_250, 2_000))
        return sparse_counts(n_samples, n_features)

    def make_estimator(self, library, model):
        return getattr(_module(library), model)()

    def time_predict_proba(self, *params):
        self.fitted.predict_proba(self.X_test)

    def time_partial_fit(self, *params):
        _partial_fit_in_batches(self.make_estimator(*params), self.X, self.y)
