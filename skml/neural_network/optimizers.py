# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Reusable in-place first-order optimizers.

``update(params, grads)`` changes a list of NumPy arrays in place; the state
(velocities, moment estimates, step count) is kept in public attributes, so an
optimizer pickles and resumes with it. The MLP estimators of
:mod:`skml.neural_network` accept an instance as ``solver``.
"""

from skml.neural_network._optimizers import (
    SGD,
    Adam,
    AdamW,
    Momentum,
    Nesterov,
    Optimizer,
    RMSprop,
)

__all__ = ["SGD", "Adam", "AdamW", "Momentum", "Nesterov", "Optimizer", "RMSprop"]
