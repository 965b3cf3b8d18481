# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Benchmarks for skml.linear_model, skml vs scikit-learn.

The speed targets (issue 11): LogisticRegression with an L2 penalty (L-BFGS) on
100k x 50 against scikit-learn's L-BFGS, with an L1 penalty against
scikit-learn's liblinear, and Lasso on 50k x 200 against scikit-learn's Lasso.
The data sets hold 25% more rows than that, kept aside as the test set.
"""

import sklearn.linear_model

import skml.linear_model

from .common import LIBRARIES, Estimator, Predictor, size
from .datasets import classification, regression


class LogisticRegressionBench(Predictor, Estimator):
    """Binary logistic regression, C=1, L2 (both L-BFGS) or L1 (skml's proximal
    Newton coordinate descent vs liblinear)."""

    params = (LIBRARIES, ["l2", "l1"])
    param_names = ["library", "penalty"]

    def make_data(self, library, penalty):
        return classification(size(125_000, 6_250), 50)

    def make_estimator(self, library, penalty):
        l1_ratio = 1.0 if penalty == "l1" else 0.0
        if library == "skml":
            return skml.linear_model.LogisticRegression(l1_ratio=l1_ratio)
        solver = "liblinear" if penalty == "l1" else "lbfgs"
        return sklearn.linear_model.LogisticRegression(l1_ratio=l1_ratio, solver=solver)


class LassoBench(Predictor, Estimator):
    """``Lasso(alpha)`` and ``ElasticNet(alpha, l1_ratio=0.5)`` on linear data."""

    params = (LIBRARIES, ["Lasso", "ElasticNet"], [1.0, 0.1])
    param_names = ["library", "model", "alpha"]

    def make_data(self, library, model, alpha):
        n_samples, n_features = size((62_500, 200), (6_250, 50))
        return regression(n_samples, n_features)

    def make_estimator(self, library, model, alpha):
        module = skml.linear_model if library == "skml" else sklearn.linear_model
        return getattr(module, model)(alpha=alpha)


class LeastSquaresBench(Predictor, Estimator):
    """``LinearRegression()`` and ``Ridge()`` (default solvers)."""

    params = (LIBRARIES, ["LinearRegression", "Ridge"])
    param_names = ["library", "model"]

    def make_data(self, library, model):
        n_samples, n_features = size((125_000, 200), (6_250, 50))
        return regression(n_samples, n_features)

    def make_estimator(self, library, model):
        module = skml.linear_model if library == "skml" else sklearn.linear_model
        return getattr(module, model)()
