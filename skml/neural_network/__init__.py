# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Multilayer perceptrons in NumPy, with reusable optimizers and schedules.

The optimizers live in :mod:`skml.neural_network.optimizers`, the learning-rate
schedules in :mod:`skml.neural_network.schedules`.
"""

from skml.neural_network import optimizers, schedules
from skml.neural_network._early_stopping import EarlyStopping

__all__ = ["EarlyStopping", "optimizers", "schedules"]
