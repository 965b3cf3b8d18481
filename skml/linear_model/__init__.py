# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Linear models: least squares, ridge, lasso and elastic net, logistic regression.

Lasso and elastic net are fitted by compiled coordinate descent with duality-gap
stopping (``skml.linear_model._cd_fast``).
"""

from skml.linear_model._coordinate_descent import (
    ElasticNet,
    Lasso,
    enet_path,
    lasso_path,
)
from skml.linear_model._least_squares import LinearRegression, Ridge
from skml.linear_model._logistic import LogisticRegression

__all__ = [
    "ElasticNet",
    "Lasso",
    "LinearRegression",
    "LogisticRegression",
    "Ridge",
    "enet_path",
    "lasso_path",
]
