# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Benchmarks for the XGBoost and LightGBM wrappers: the wrapper's overhead.

The peer of each wrapper is the library's own scikit-learn estimator
(``xgboost.XGBClassifier``, ``lightgbm.LGBMClassifier``) at the same settings on
100k x 20 float64, early stopping off, so the skml/peer ratio of ``time_fit`` and
``time_predict`` is what the wrapper adds (validation, label encoding, parameter
resolution). Benchmarks of a library that is not installed are skipped.
"""

import importlib.util

import skml.ensemble

from .common import Estimator, Predictor, n_jobs_values, size
from .datasets import classification

PARAMS = dict(n_estimators=100, learning_rate=0.1, max_depth=6, random_state=0)


def _skip_without(library):
    if importlib.util.find_spec(library) is None:
        raise NotImplementedError(f"{library} is not installed")  # asv skips


class XGBoostClassifierBench(Predictor, Estimator):
    """``XGBoostClassifier`` against ``xgboost.XGBClassifier`` on 100k x 20."""

    params = (["skml", "xgboost"], n_jobs_values())
    param_names = ["library", "n_jobs"]

    def make_data(self, library, n_jobs):
        _skip_without("xgboost")
        # 80/20 split: 100k training rows.
        return classification(size(125_000, 5_000), 20)

    def make_estimator(self, library, n_jobs):
        if library == "skml":
            return skml.ensemble.XGBoostClassifier(
                **PARAMS, n_jobs=n_jobs, early_stopping=False
            )
        import xgboost

        return xgboost.XGBClassifier(**PARAMS, n_jobs=n_jobs)


class LightGBMClassifierBench(Predictor, Estimator):
    """``LightGBMClassifier`` against ``lightgbm.LGBMClassifier`` on 100k x 20."""

    params = (["skml", "lightgbm"], n_jobs_values())
    param_names = ["library", "n_jobs"]

    def make_data(self, library, n_jobs):
        _skip_without("lightgbm")
        return classification(size(125_000, 5_000), 20)

    def make_estimator(self, library, n_jobs):
        params = {**PARAMS, "max_depth": None, "num_leaves": 31}
        if library == "skml":
            return skml.ensemble.LightGBMClassifier(
                **params, n_jobs=n_jobs, early_stopping=False
            )
        import lightgbm

        params["max_depth"] = -1
        return lightgbm.LGBMClassifier(**params, n_jobs=n_jobs, verbosity=-1)
