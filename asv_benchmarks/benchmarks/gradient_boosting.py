# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Benchmarks for skml's gradient boosting against scikit-learn's
HistGradientBoosting*, LightGBM and XGBoost (``tree_method="hist"``).

The speed targets of the boosting issue: 200k x 50 float32, 100 iterations, 31
leaves, learning rate 0.1, 255 bins, early stopping off, 2 threads; binary
log-loss and squared error. The tracked score is the test log-loss
(classification, lower is better) or R2. ``asv_benchmarks/
gradient_boosting_ratios.py`` prints the same figures as ratios in one run.
``GradientBoostingCategoricalBench`` times native categorical splits against
scikit-learn's (LightGBM and XGBoost take categories another way).
"""

from functools import lru_cache

import numpy as np
import sklearn.ensemble
from sklearn.metrics import log_loss
from sklearn.model_selection import train_test_split

import skml.ensemble

from .common import Estimator, Predictor, size
from .datasets import classification, regression

BOOSTING_LIBRARIES = ["skml", "sklearn", "lightgbm", "xgboost"]
N_THREADS = 2


def _booster(library, task):
    n_iter = size(100, 10)
    common = dict(learning_rate=0.1)
    if library == "skml":
        cls = (
            skml.ensemble.GradientBoostingClassifier
            if task == "clf"
            else skml.ensemble.GradientBoostingRegressor
        )
        return cls(
            n_estimators=n_iter,
            max_leaf_nodes=31,
            early_stopping=False,
            n_threads=N_THREADS,
            **common,
        )
    if library == "sklearn":
        cls = (
            sklearn.ensemble.HistGradientBoostingClassifier
            if task == "clf"
            else sklearn.ensemble.HistGradientBoostingRegressor
        )
        return cls(max_iter=n_iter, max_leaf_nodes=31, early_stopping=False, **common)
    if library == "lightgbm":
        import lightgbm

        cls = lightgbm.LGBMClassifier if task == "clf" else lightgbm.LGBMRegressor
        return cls(
            n_estimators=n_iter,
            num_leaves=31,
            min_child_samples=20,
            max_bin=255,
            n_jobs=N_THREADS,
            verbose=-1,
            **common,
        )
    import xgboost

    cls = xgboost.XGBClassifier if task == "clf" else xgboost.XGBRegressor
    return cls(
        n_estimators=n_iter,
        tree_method="hist",
        max_leaves=31,
        max_depth=0,
        grow_policy="lossguide",
        max_bin=256,
        n_jobs=N_THREADS,
        **common,
    )


class GradientBoostingClassifierBench(Predictor, Estimator):
    """Binary log-loss boosting on 200k x 50 float32 (80/20 split)."""

    params = (BOOSTING_LIBRARIES,)
    param_names = ["library"]

    def make_data(self, library):
        return classification(size(250_000, 5_000), 50, dtype="float32")

    def make_estimator(self, library):
        return _booster(library, "clf")

    def score(self, estimator, X, y):
        return float(log_loss(y, estimator.predict_proba(X)))


class GradientBoostingRegressorBench(Predictor, Estimator):
    """Squared-error boosting on 200k x 50 float32 (80/20 split)."""

    params = (BOOSTING_LIBRARIES,)
    param_names = ["library"]

    def make_data(self, library):
        X_train, X_test, y_train, y_test = regression(
            size(250_000, 5_000), 50, dtype="float32"
        )
        return X_train, X_test, np.asarray(y_train), np.asarray(y_test)

    def make_estimator(self, library):
        return _booster(library, "reg")


# Categorical columns of the categorical benchmark and their numbers of
# categories (up to 250: a code must be a bin, below max_bins=255).
CATEGORIES = (10, 60, 250)


@lru_cache(maxsize=2)
def _categorical_regression(n_samples, n_numeric=10, seed=0):
    # Integer codes (float32) of len(CATEGORIES) categorical columns, then
    # n_numeric numeric ones; the target is a random effect per category of
    # each column plus a linear term and noise. Split 80/20.
    rng = np.random.default_rng(seed)
    codes = np.column_stack([rng.integers(k, size=n_samples) for k in CATEGORIES])
    numeric = rng.standard_normal((n_samples, n_numeric))
    y = numeric @ rng.standard_normal(n_numeric) * 0.5
    for j, k in enumerate(CATEGORIES):
        y += rng.standard_normal(k)[codes[:, j]]
    y += 0.5 * rng.standard_normal(n_samples)
    X = np.hstack([codes, numeric]).astype(np.float32)
    return tuple(train_test_split(X, y, test_size=0.2, random_state=seed))


class GradientBoostingCategoricalBench(Predictor, Estimator):
    """Squared-error boosting with native categorical splits on 200k rows
    (80/20 split): 3 categorical columns (10, 60 and 250 categories) and 10
    numeric ones, float32; 100 iterations of 31 leaves, 2 threads. The tracked
    score is the test R2."""

    params = (["skml", "sklearn"],)
    param_names = ["library"]

    def make_data(self, library):
        return _categorical_regression(size(250_000, 5_000))

    def make_estimator(self, library):
        categorical = list(range(len(CATEGORIES)))
        common = dict(
            learning_rate=0.1,
            max_leaf_nodes=31,
            early_stopping=False,
            categorical_features=categorical,
        )
        n_iter = size(100, 10)
        if library == "skml":
            return skml.ensemble.GradientBoostingRegressor(
                n_estimators=n_iter, n_threads=N_THREADS, **common
            )
        return sklearn.ensemble.HistGradientBoostingRegressor(max_iter=n_iter, **common)
