# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Ensembles of decision trees: random forests and extremely randomized trees."""

from skml.ensemble._forest_classes import (
    ExtraTreesClassifier,
    ExtraTreesRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)

__all__ = [
    "ExtraTreesClassifier",
    "ExtraTreesRegressor",
    "RandomForestClassifier",
    "RandomForestRegressor",
]
