# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Nearest neighbours: k-nearest-neighbour classification and regression,
unsupervised neighbour queries, and the trees that speed them up.

Brute-force search runs in the shared distance core ``skml._distances``.
"""

from skml.neighbors._binary_tree import BallTree, KDTree
from skml.neighbors._classification import KNeighborsClassifier
from skml.neighbors._regression import KNeighborsRegressor
from skml.neighbors._unsupervised import NearestNeighbors

__all__ = [
    "BallTree",
    "KDTree",
    "KNeighborsClassifier",
    "KNeighborsRegressor",
    "NearestNeighbors",
]
