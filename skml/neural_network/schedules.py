# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Reusable per-epoch learning-rate schedules.

``start(learning_rate)`` begins a schedule, ``step(metric)`` advances it by one
epoch and returns the next learning rate. The MLP estimators of
:mod:`skml.neural_network` accept an instance as ``learning_rate``.
"""

from skml.neural_network._schedules import (
    ConstantLR,
    CosineAnnealingLR,
    ExponentialLR,
    InverseScalingLR,
    LRSchedule,
    ReduceLROnPlateau,
    StepLR,
)

__all__ = [
    "ConstantLR",
    "CosineAnnealingLR",
    "ExponentialLR",
    "InverseScalingLR",
    "LRSchedule",
    "ReduceLROnPlateau",
    "StepLR",
]
