# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Benchmarks for skml.decomposition: PCA, skml vs scikit-learn."""

import sklearn.decomposition

import skml.decomposition

from .common import LIBRARIES, Estimator, Transformer, size
from .datasets import classification

# case -> (train + test rows, features, PCA parameters). "tall" is the speed target
# (100k x 100, where "auto" picks covariance_eigh); "randomized" times that
# solver on 20k x 1000.
CASES = {
    "tall": ((125_000, 100), (5_000, 50), {}),
    "randomized": ((25_000, 1_000), (2_500, 200), {"svd_solver": "randomized"}),
}


def _case(case):
    regular, fast, params = CASES[case]
    n_samples, n_features = size(regular, fast)
    return n_samples, n_features, params


class PCABench(Transformer, Estimator):
    """``PCA(n_components=10)``: fit, fit_transform, transform, explained variance."""

    params = (LIBRARIES, list(CASES), ["float64", "float32"])
    param_names = ["library", "case", "dtype"]

    def make_data(self, library, case, dtype):
        n_samples, n_features, _ = _case(case)
        X_train, X_test, _, _ = classification(n_samples, n_features, dtype=dtype)
        return X_train, X_test, None, None

    def make_estimator(self, library, case, dtype):
        module = skml.decomposition if library == "skml" else sklearn.decomposition
        _, _, params = _case(case)
        return module.PCA(n_components=10, random_state=0, **params)

    def score(self, estimator, X, y):
        """Fraction of the test data's variance kept by the 10 components."""
        X_back = estimator.inverse_transform(estimator.transform(X))
        residual = ((X - X_back) ** 2).sum()
        total = ((X - X.mean(axis=0)) ** 2).sum()
        return float(1.0 - residual / total)

    def time_fit_transform(self, *params):
        self.estimator.fit_transform(self.X)

    def track_explained_variance_ratio(self, *params):
        return float(self.fitted.explained_variance_ratio_.sum())
