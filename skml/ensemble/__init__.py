# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Ensembles of decision trees: random forests and extremely randomized trees."""

from skml.ensemble._forest_classes import (
    ExtraTreesClassifier,
    ExtraTreesRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from skml.ensemble._gb_classes import (
    GradientBoostingClassifier,
    GradientBoostingRegressor,
)
from skml.ensemble._lightgbm import LightGBMClassifier, LightGBMRegressor
from skml.ensemble._xgboost import XGBoostClassifier, XGBoostRegressor

__all__ = [
    "ExtraTreesClassifier",
    "ExtraTreesRegressor",
    "GradientBoostingClassifier",
    "GradientBoostingRegressor",
    "LightGBMClassifier",
    "LightGBMRegressor",
    "RandomForestClassifier",
    "RandomForestRegressor",
    "XGBoostClassifier",
    "XGBoostRegressor",
]
