# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Learning-rate schedules against their closed forms; the EarlyStopping helper."""

import math
import pickle

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skml.neural_network import EarlyStopping
from skml.neural_network.schedules import (
    ConstantLR,
    CosineAnnealingLR,
    ExponentialLR,
    InverseScalingLR,
    ReduceLROnPlateau,
    StepLR,
)


def _rates(schedule, lr, n_epochs, metrics=None):
    metrics = metrics if metrics is not None else [None] * n_epochs
    return [schedule.start(lr)] + [schedule.step(m) for m in metrics[:n_epochs]]


@pytest.mark.parametrize(
    "schedule, formula",
    [
        (ConstantLR(), lambda lr, e: lr),
        (StepLR(step_size=3, gamma=0.5), lambda lr, e: lr * 0.5 ** (e // 3)),
        (ExponentialLR(gamma=0.9), lambda lr, e: lr * 0.9**e),
        (InverseScalingLR(power_t=0.25), lambda lr, e: lr / (e + 1) ** 0.25),
        (
            CosineAnnealingLR(T_max=7, eta_min=0.01),
            lambda lr, e: 0.01
            + (lr - 0.01) * (1 + math.cos(math.pi * min(e, 7) / 7)) / 2,
        ),
    ],
    ids=lambda x: type(x).__name__,
)
def test_schedule_follows_closed_form(schedule, formula, global_random_seed):
    lr = np.random.default_rng(global_random_seed).uniform(0.05, 1.0)
    rates = _rates(schedule, lr, 12)
    assert_allclose(rates, [formula(lr, e) for e in range(13)], rtol=1e-12)
    assert schedule.epoch_ == 12
    assert schedule.learning_rate_ == rates[-1]


def test_cosine_reaches_eta_min_and_stays():
    rates = _rates(CosineAnnealingLR(T_max=4, eta_min=0.1), 1.0, 8)
    assert rates[4] == pytest.approx(0.1)
    assert rates[4:] == pytest.approx([0.1] * 5)
    # Monotone decreasing on the way down.
    assert all(a > b for a, b in zip(rates[:4], rates[1:5]))


def test_start_restarts_the_schedule():
    schedule = StepLR(step_size=1, gamma=0.5)
    _rates(schedule, 1.0, 3)
    assert schedule.start(2.0) == 2.0
    assert schedule.step() == 1.0


def test_reduce_on_plateau_by_hand():
    schedule = ReduceLROnPlateau(factor=0.5, patience=2, threshold=0.1, min_lr=0.2)
    # best: 5, 4 (improves by 1); 3.95 is within threshold: bad, bad -> halve;
    # 3.0 improves: reset; then bad, bad -> 0.25; bad, bad -> 0.2 (floor).
    metrics = [5.0, 4.0, 3.95, 3.95, 3.0, 3.0, 2.95, 3.0, 3.0, 3.0]
    schedule.start(1.0)
    rates = [schedule.step(m) for m in metrics]
    assert rates == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25, 0.2, 0.2]
    assert schedule.best_ == 2.95
    assert schedule.at_min_lr


def test_reduce_on_plateau_needs_a_metric():
    schedule = ReduceLROnPlateau()
    schedule.start(0.1)
    with pytest.raises(TypeError, match="monitored value"):
        schedule.step()


def test_schedule_step_before_start():
    with pytest.raises(RuntimeError, match="start"):
        StepLR().step()


def test_schedule_pickles_with_its_state():
    schedule = ReduceLROnPlateau(factor=0.5, patience=1)
    schedule.start(1.0)
    schedule.step(1.0)
    restored = pickle.loads(pickle.dumps(schedule))
    assert restored.step(2.0) == schedule.step(2.0) == 0.5


@pytest.mark.parametrize(
    "cls, kwargs, error, match",
    [
        (StepLR, {"step_size": 0}, ValueError, "step_size must be >= 1"),
        (StepLR, {"step_size": 1.5}, TypeError, "step_size must be an integer"),
        (StepLR, {"gamma": 0.0}, ValueError, "gamma must be in"),
        (ExponentialLR, {"gamma": 1.5}, ValueError, "gamma"),
        (CosineAnnealingLR, {"T_max": 0}, ValueError, "T_max"),
        (CosineAnnealingLR, {"eta_min": -1.0}, ValueError, "eta_min"),
        (InverseScalingLR, {"power_t": -0.5}, ValueError, "power_t"),
        (ReduceLROnPlateau, {"factor": 1.0}, ValueError, "factor"),
        (ReduceLROnPlateau, {"patience": 0}, ValueError, "patience"),
        (ReduceLROnPlateau, {"threshold": -1.0}, ValueError, "threshold"),
        (ReduceLROnPlateau, {"min_lr": -1.0}, ValueError, "min_lr"),
    ],
)
def test_schedule_rejects_bad_parameters(cls, kwargs, error, match):
    with pytest.raises(error, match=match):
        cls(**kwargs)


def test_schedule_rejects_bad_start():
    with pytest.raises(ValueError, match="learning_rate"):
        StepLR().start(0.0)


def test_schedule_repr():
    assert repr(StepLR(step_size=3, gamma=0.5)) == "StepLR(step_size=3, gamma=0.5)"


# ------------------------------------------------------------- EarlyStopping


def test_early_stopping_max_mode_by_hand():
    stopper = EarlyStopping(patience=3, min_delta=0.01, mode="max")
    # 0.5 best; 0.505 beats it by less than min_delta: bad (but the new best);
    # 0.6 improves; then three bad epochs stop.
    scores = [0.5, 0.505, 0.6, 0.6, 0.55, 0.605]
    decisions = [stopper.update(s, [np.array([s])]) for s in scores]
    assert decisions == [False, False, False, False, False, True]
    assert stopper.best_score_ == 0.605
    assert stopper.best_epoch_ == 6
    assert_array_equal(stopper.best_params_[0], [0.605])


def test_early_stopping_min_mode_keeps_best_params_copy():
    stopper = EarlyStopping(patience=2, min_delta=0.0, mode="min")
    w = np.zeros(3)
    for loss in [3.0, 1.0, 2.0]:
        w += 1.0
        stopper.update(loss, [w])
    # A copy of w at the best (second) epoch, not the live array.
    assert_array_equal(stopper.best_params_[0], [2.0, 2.0, 2.0])
    assert stopper.best_params_[0] is not w
    assert stopper.update(2.0, [w])


def test_early_stopping_nan_is_never_an_improvement():
    stopper = EarlyStopping(patience=1)
    stopper.update(0.5)
    assert stopper.update(float("nan"))
    assert stopper.best_score_ == 0.5


def test_early_stopping_reset():
    stopper = EarlyStopping(patience=1, mode="min")
    stopper.update(1.0, [np.ones(2)])
    stopper.reset()
    assert stopper.best_score_ == math.inf
    assert stopper.best_params_ is None
    assert stopper.n_updates_ == 0


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"patience": 0}, ValueError, "patience must be >= 1"),
        ({"patience": 2.0}, TypeError, "patience must be an integer"),
        ({"min_delta": -1.0}, ValueError, "min_delta"),
        ({"mode": "up"}, ValueError, "mode must be"),
    ],
)
def test_early_stopping_rejects_bad_parameters(kwargs, error, match):
    with pytest.raises(error, match=match):
        EarlyStopping(**kwargs)
