# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Benchmarks for skml.neural_network, skml vs scikit-learn.

The speed target: 10 epochs of ``MLPClassifier(hidden_layer_sizes=(100,),
solver="adam", batch_size=200)`` on 50k x 50 training rows with 3 classes, in
float64 (at most 1.0x scikit-learn's time) and float32 (at most 0.6x). Both
libraries run exactly 10 epochs: ``tol=0`` and ``n_iter_no_change`` above
``max_iter`` disable the stop on the training loss, ``early_stopping`` is off.
The data sets hold 25% more rows than that, kept aside as the test set.
``MLPRegressorBench`` times the same network on a regression problem, and
``time_partial_fit`` one epoch of ``partial_fit``.
"""

import warnings

import numpy as np
import sklearn.neural_network
from sklearn.exceptions import ConvergenceWarning

import skml.neural_network

from .common import LIBRARIES, Estimator, Predictor, size
from .datasets import classification, regression

EXACTLY_10_EPOCHS = dict(
    hidden_layer_sizes=(100,),
    solver="adam",
    batch_size=200,
    max_iter=10,
    tol=0.0,
    n_iter_no_change=11,
    early_stopping=False,
    random_state=0,
)


def _module(library):
    return skml.neural_network if library == "skml" else sklearn.neural_network


class _MLPBench(Predictor, Estimator):
    """Shared setup: running all 10 epochs is intended, so the convergence
    warning of both libraries is silenced."""

    def setup(self, *params):
        warnings.simplefilter("ignore", ConvergenceWarning)
        super().setup(*params)

    partial_fit_params = {}

    def time_partial_fit(self, *params):
        self.make_estimator(*params).partial_fit(
            self.X, self.y, **self.partial_fit_params
        )


class MLPClassifierBench(_MLPBench):
    """10 epochs of Adam on 50k x 50 rows, 3 classes, one hidden layer of 100."""

    params = (LIBRARIES, ["float64", "float32"])
    param_names = ["library", "dtype"]

    def make_data(self, library, dtype):
        data = classification(size(62_500, 2_500), 50, n_classes=3, dtype=dtype)
        self.partial_fit_params = {"classes": np.unique(data[2])}
        return data

    def make_estimator(self, library, dtype):
        return _module(library).MLPClassifier(**EXACTLY_10_EPOCHS)

    def time_predict_proba(self, *params):
        self.fitted.predict_proba(self.X_test)


class MLPRegressorBench(_MLPBench):
    """10 epochs of Adam on 50k x 50 regression rows, one hidden layer of 100."""

    params = (LIBRARIES, ["float64", "float32"])
    param_names = ["library", "dtype"]

    def make_data(self, library, dtype):
        X, X_test, y, y_test = regression(size(62_500, 2_500), 50, dtype=dtype)
        scale = y.std()
        return X, X_test, y / scale, y_test / scale

    def make_estimator(self, library, dtype):
        return _module(library).MLPRegressor(**EXACTLY_10_EPOCHS)
