# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Benchmarks for skml.svm, skml vs scikit-learn (libsvm, liblinear).

The speed targets: SVC(kernel="rbf") fit and predict on 10k and 40k training rows
x 20 standardised features (make_classification), LinearSVC fit on 100k x 50,
LinearSVC(penalty="l1", dual=False) on 100k x 50 and
LinearSVC(multi_class="crammer_singer") on 50k x 20 with 5 classes.
The data sets hold 25% more rows than that, kept aside as the test set.
"""

from functools import lru_cache

import sklearn.svm
from sklearn.preprocessing import StandardScaler

import skml.svm

from .common import LIBRARIES, Estimator, Predictor, size
from .datasets import classification


def _module(library):
    return skml.svm if library == "skml" else sklearn.svm


@lru_cache(maxsize=4)
def _scaled(n_samples, n_features, n_classes=2):
    X, X_test, y, y_test = classification(n_samples, n_features, n_classes)
    scaler = StandardScaler().fit(X)
    return scaler.transform(X), scaler.transform(X_test), y, y_test


class SVCBench(Predictor, Estimator):
    """``SVC()`` (rbf, gamma="scale") on standardised binary data."""

    params = (LIBRARIES, [12_500, 50_000])
    param_names = ["library", "n_samples"]

    def make_data(self, library, n_samples):
        return _scaled(size(n_samples, 1_250), 20)

    def make_estimator(self, library, n_samples):
        return _module(library).SVC()


class LinearSVCBench(Predictor, Estimator):
    """``LinearSVC()`` (squared hinge, dual coordinate descent)."""

    params = (LIBRARIES,)
    param_names = ["library"]

    def make_data(self, library):
        return _scaled(size(125_000, 6_250), 50)

    def make_estimator(self, library):
        return _module(library).LinearSVC(random_state=0)


class LinearSVCL1Bench(Predictor, Estimator):
    """``LinearSVC(penalty="l1", dual=False, C=0.05)``: primal coordinate descent."""

    params = (LIBRARIES,)
    param_names = ["library"]

    def make_data(self, library):
        return _scaled(size(125_000, 6_250), 50)

    def make_estimator(self, library):
        return _module(library).LinearSVC(
            penalty="l1", dual=False, C=0.05, tol=1e-4, random_state=0
        )


class LinearSVCCrammerSingerBench(Predictor, Estimator):
    """``LinearSVC(multi_class="crammer_singer")`` on 5 classes."""

    params = (LIBRARIES,)
    param_names = ["library"]

    def make_data(self, library):
        return _scaled(size(62_500, 3_125), 20, 5)

    def make_estimator(self, library):
        return _module(library).LinearSVC(
            multi_class="crammer_singer", tol=1e-4, random_state=0
        )
