# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Benchmarks for skml.tree: decision trees, skml vs scikit-learn.

The speed targets of the trees issue: a fully grown ``DecisionTreeClassifier``
and a ``DecisionTreeRegressor(max_depth=12)`` fitted on 100k x 20 float32.
"""

import sklearn.tree

import skml.tree

from .common import LIBRARIES, Estimator, Predictor, size
from .datasets import classification, regression


class DecisionTreeClassifierBench(Predictor, Estimator):
    """Fully grown ``DecisionTreeClassifier`` on 100k x 20 float32 (2 classes)."""

    params = (LIBRARIES, ["best", "random"])
    param_names = ["library", "splitter"]

    def make_data(self, library, splitter):
        return classification(size(125_000, 5_000), 20, dtype="float32")

    def make_estimator(self, library, splitter):
        module = skml.tree if library == "skml" else sklearn.tree
        return module.DecisionTreeClassifier(splitter=splitter, random_state=0)


class DecisionTreeRegressorBench(Predictor, Estimator):
    """``DecisionTreeRegressor(max_depth=12)`` on 100k x 20 float32."""

    params = (LIBRARIES, ["best", "random"])
    param_names = ["library", "splitter"]

    def make_data(self, library, splitter):
        return regression(size(125_000, 5_000), 20, dtype="float32")

    def make_estimator(self, library, splitter):
        module = skml.tree if library == "skml" else sklearn.tree
        return module.DecisionTreeRegressor(
            max_depth=12, splitter=splitter, random_state=0
        )


class AbsoluteErrorTreeBench(Predictor, Estimator):
    """``DecisionTreeRegressor(criterion="absolute_error", max_depth=12)``.

    The weighted-median criterion on 50k x 10 float32: a Fenwick tree over the
    node's target ranks on both sides.
    """

    params = (LIBRARIES,)
    param_names = ["library"]

    def make_data(self, library):
        return regression(size(62_500, 2_500), 10, dtype="float32")

    def make_estimator(self, library):
        module = skml.tree if library == "skml" else sklearn.tree
        return module.DecisionTreeRegressor(
            criterion="absolute_error", max_depth=12, random_state=0
        )
