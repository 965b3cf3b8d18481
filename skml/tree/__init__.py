# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Decision trees for classification and regression.

Built on skml's shared split-finding core (``skml._splitting``).
"""

from skml.tree._classes import DecisionTreeClassifier, DecisionTreeRegressor
from skml.tree._export import export_text
from skml.tree._plot import plot_tree

__all__ = [
    "DecisionTreeClassifier",
    "DecisionTreeRegressor",
    "export_text",
    "plot_tree",
]
