# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Multilayer perceptrons in NumPy, with reusable optimizers and schedules.

:class:`MLPClassifier` and :class:`MLPRegressor` train fully connected networks
by mini-batch stochastic optimisation. The optimizers live in
:mod:`skml.neural_network.optimizers`, the learning-rate schedules in
:mod:`skml.neural_network.schedules`.
"""

from skml.neural_network import optimizers, schedules
from skml.neural_network._early_stopping import EarlyStopping
from skml.neural_network._mlp import MLPClassifier, MLPRegressor

__all__ = ["EarlyStopping", "MLPClassifier", "MLPRegressor", "optimizers", "schedules"]
