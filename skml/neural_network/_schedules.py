# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Per-epoch learning-rate schedules.

A schedule is started with the initial learning rate (:meth:`LRSchedule.start`)
and advanced once per epoch (:meth:`LRSchedule.step`), which returns the learning
rate of the next epoch. ``step`` takes the epoch's monitored value (the training
loss, in the MLP estimators); only :class:`ReduceLROnPlateau` uses it.
"""

import math
from numbers import Integral, Real

from skml.neural_network._optimizers import _check_real

__all__ = [
    "ConstantLR",
    "CosineAnnealingLR",
    "ExponentialLR",
    "InverseScalingLR",
    "LRSchedule",
    "ReduceLROnPlateau",
    "StepLR",
]


def _check_int(name, value, low):
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}.")
    if value < low:
        raise ValueError(f"{name} must be >= {low}, got {value!r}.")
    return int(value)


class LRSchedule:
    """Base class of the learning-rate schedules.

    Subclasses implement ``_rate(epoch)``, the learning rate after ``epoch``
    epochs, from ``base_lr_``; stateful schedules override :meth:`step`.

    Attributes
    ----------
    base_lr_ : float
        Learning rate given to :meth:`start`.

    epoch_ : int
        Number of :meth:`step` calls since :meth:`start`.

    learning_rate_ : float
        Current learning rate.

    See Also
    --------
    StepLR : Multiply the rate by a factor every few epochs.

    Examples
    --------
    A schedule that halves the rate every epoch, written as a subclass:

    >>> from skml.neural_network.schedules import LRSchedule
    >>> class Halving(LRSchedule):
    ...     def _rate(self, epoch):
    ...         return self.base_lr_ / 2**epoch
    >>> schedule = Halving()
    >>> [schedule.start(1.0), schedule.step(), schedule.step()]
    [1.0, 0.5, 0.25]
    """

    def start(self, learning_rate):
        """Start (or restart) the schedule at an initial learning rate.

        Parameters
        ----------
        learning_rate : float
            Learning rate of the first epoch, positive.

        Returns
        -------
        learning_rate : float
            The learning rate of the first epoch.
        """
        self.base_lr_ = _check_real(
            "learning_rate", learning_rate, 0.0, low_open=True, high_open=False
        )
        self.epoch_ = 0
        self.learning_rate_ = self.base_lr_
        return self.learning_rate_

    def step(self, metric=None):
        """Advance the schedule by one epoch.

        Parameters
        ----------
        metric : float, default=None
            Value monitored at the end of the epoch (lower is better). Unused
            by schedules that depend on the epoch count only.

        Returns
        -------
        learning_rate : float
            The learning rate of the next epoch.
        """
        if not hasattr(self, "epoch_"):
            raise RuntimeError("Call start(learning_rate) before step().")
        self.epoch_ += 1
        self.learning_rate_ = float(self._rate(self.epoch_))
        return self.learning_rate_

    def _rate(self, epoch):
        raise NotImplementedError

    def __repr__(self):
        args = ", ".join(
            f"{k}={v!r}"
            for k, v in vars(self).items()
            if not k.endswith("_") and not k.startswith("_")
        )
        return f"{type(self).__name__}({args})"


class ConstantLR(LRSchedule):
    """Keep the learning rate constant.

    Read more in the :ref:`User Guide <neural_network_schedules>`.

    Attributes
    ----------
    base_lr_ : float
        Learning rate given to :meth:`start`.

    epoch_ : int
        Number of :meth:`step` calls since :meth:`start`.

    learning_rate_ : float
        Current learning rate.

    See Also
    --------
    StepLR : Multiply the rate by a factor every few epochs.

    Examples
    --------
    >>> from skml.neural_network.schedules import ConstantLR
    >>> schedule = ConstantLR()
    >>> schedule.start(0.1), schedule.step()
    (0.1, 0.1)
    """

    def _rate(self, epoch):
        return self.base_lr_


class StepLR(LRSchedule):
    """Multiply the learning rate by ``gamma`` every ``step_size`` epochs.

    After ``epoch`` epochs the rate is ``base_lr * gamma ** (epoch // step_size)``.

    Read more in the :ref:`User Guide <neural_network_schedules>`.

    Parameters
    ----------
    step_size : int, default=10
        Number of epochs between two reductions, at least 1.

    gamma : float, default=0.1
        Multiplicative factor, in ``(0, 1]``.

    Attributes
    ----------
    base_lr_ : float
        Learning rate given to :meth:`start`.

    epoch_ : int
        Number of :meth:`step` calls since :meth:`start`.

    learning_rate_ : float
        Current learning rate.

    See Also
    --------
    ExponentialLR : Multiply the rate by a factor every epoch.

    Examples
    --------
    >>> from skml.neural_network.schedules import StepLR
    >>> schedule = StepLR(step_size=2, gamma=0.5)
    >>> [schedule.start(1.0)] + [schedule.step() for _ in range(4)]
    [1.0, 1.0, 0.5, 0.5, 0.25]
    """

    def __init__(self, step_size=10, gamma=0.1):
        self.step_size = _check_int("step_size", step_size, 1)
        self.gamma = _check_real("gamma", gamma, 0.0, 1.0, low_open=True,
                                 high_open=False)

    def _rate(self, epoch):
        return self.base_lr_ * self.gamma ** (epoch // self.step_size)


class ExponentialLR(LRSchedule):
    """Multiply the learning rate by ``gamma`` every epoch.

    After ``epoch`` epochs the rate is ``base_lr * gamma ** epoch``.

    Read more in the :ref:`User Guide <neural_network_schedules>`.

    Parameters
    ----------
    gamma : float, default=0.95
        Multiplicative factor, in ``(0, 1]``.

    Attributes
    ----------
    base_lr_ : float
        Learning rate given to :meth:`start`.

    epoch_ : int
        Number of :meth:`step` calls since :meth:`start`.

    learning_rate_ : float
        Current learning rate.

    See Also
    --------
    StepLR : Multiply the rate by a factor every few epochs.

    Examples
    --------
    >>> from skml.neural_network.schedules import ExponentialLR
    >>> schedule = ExponentialLR(gamma=0.5)
    >>> [schedule.start(1.0)] + [schedule.step() for _ in range(2)]
    [1.0, 0.5, 0.25]
    """

    def __init__(self, gamma=0.95):
        self.gamma = _check_real("gamma", gamma, 0.0, 1.0, low_open=True,
                                 high_open=False)

    def _rate(self, epoch):
        return self.base_lr_ * self.gamma**epoch


class CosineAnnealingLR(LRSchedule):
    """Anneal the learning rate along a half cosine, from its start to ``eta_min``.

    After ``epoch`` epochs the rate is ``eta_min + (base_lr - eta_min) *
    (1 + cos(pi * e / T_max)) / 2`` with ``e = min(epoch, T_max)``: it reaches
    ``eta_min`` after ``T_max`` epochs and stays there (no restart).

    Read more in the :ref:`User Guide <neural_network_schedules>`.

    Parameters
    ----------
    T_max : int, default=100
        Number of epochs of the annealing, at least 1.

    eta_min : float, default=0.0
        Final learning rate, non-negative.

    Attributes
    ----------
    base_lr_ : float
        Learning rate given to :meth:`start`.

    epoch_ : int
        Number of :meth:`step` calls since :meth:`start`.

    learning_rate_ : float
        Current learning rate.

    See Also
    --------
    StepLR : Multiply the rate by a factor every few epochs.

    References
    ----------
    I. Loshchilov and F. Hutter (2017). SGDR: stochastic gradient descent with
    warm restarts. ICLR.

    Examples
    --------
    >>> from skml.neural_network.schedules import CosineAnnealingLR
    >>> schedule = CosineAnnealingLR(T_max=2)
    >>> [round(r, 6) for r in [schedule.start(1.0), schedule.step(), schedule.step()]]
    [1.0, 0.5, 0.0]
    """

    def __init__(self, T_max=100, eta_min=0.0):
        self.T_max = _check_int("T_max", T_max, 1)
        self.eta_min = _check_real("eta_min", eta_min, 0.0)

    def _rate(self, epoch):
        e = min(epoch, self.T_max)
        cosine = (1.0 + math.cos(math.pi * e / self.T_max)) / 2.0
        return self.eta_min + (self.base_lr_ - self.eta_min) * cosine


class InverseScalingLR(LRSchedule):
    """Divide the learning rate by a power of the epoch count.

    After ``epoch`` epochs the rate is ``base_lr / (epoch + 1) ** power_t``.

    Read more in the :ref:`User Guide <neural_network_schedules>`.

    Parameters
    ----------
    power_t : float, default=0.5
        Exponent, non-negative.

    Attributes
    ----------
    base_lr_ : float
        Learning rate given to :meth:`start`.

    epoch_ : int
        Number of :meth:`step` calls since :meth:`start`.

    learning_rate_ : float
        Current learning rate.

    See Also
    --------
    ExponentialLR : Multiply the rate by a factor every epoch.

    Notes
    -----
    scikit-learn's ``learning_rate="invscaling"`` counts samples, not epochs.

    Examples
    --------
    >>> from skml.neural_network.schedules import InverseScalingLR
    >>> schedule = InverseScalingLR(power_t=1.0)
    >>> [schedule.start(1.0)] + [schedule.step() for _ in range(3)]
    [1.0, 0.5, 0.3333333333333333, 0.25]
    """

    def __init__(self, power_t=0.5):
        self.power_t = _check_real("power_t", power_t, 0.0)

    def _rate(self, epoch):
        return self.base_lr_ / (epoch + 1) ** self.power_t


class ReduceLROnPlateau(LRSchedule):
    """Reduce the learning rate when the monitored value stops decreasing.

    An epoch whose ``metric`` is not below the best value so far by more than
    ``threshold`` is a bad epoch; after ``patience`` consecutive bad epochs the
    rate is multiplied by ``factor`` (not below ``min_lr``) and the count starts
    again.

    Read more in the :ref:`User Guide <neural_network_schedules>`.

    Parameters
    ----------
    factor : float, default=0.1
        Multiplicative factor, in ``(0, 1)``.

    patience : int, default=10
        Number of consecutive bad epochs before a reduction, at least 1.

    threshold : float, default=1e-4
        Smallest decrease of the metric that counts as an improvement,
        non-negative (absolute).

    min_lr : float, default=0.0
        Lower bound of the learning rate, non-negative.

    Attributes
    ----------
    base_lr_ : float
        Learning rate given to :meth:`start`.

    epoch_ : int
        Number of :meth:`step` calls since :meth:`start`.

    learning_rate_ : float
        Current learning rate.

    best_ : float
        Lowest metric seen.

    n_bad_epochs_ : int
        Number of consecutive bad epochs.

    See Also
    --------
    skml.neural_network.EarlyStopping : Stop training on a plateau instead.

    Examples
    --------
    >>> from skml.neural_network.schedules import ReduceLROnPlateau
    >>> schedule = ReduceLROnPlateau(factor=0.5, patience=2)
    >>> _ = schedule.start(1.0)
    >>> [schedule.step(loss) for loss in [3.0, 2.0, 2.0, 2.0, 2.0, 2.0]]
    [1.0, 1.0, 1.0, 0.5, 0.5, 0.25]
    """

    def __init__(self, factor=0.1, patience=10, threshold=1e-4, min_lr=0.0):
        self.factor = _check_real("factor", factor, 0.0, 1.0, low_open=True)
        self.patience = _check_int("patience", patience, 1)
        self.threshold = _check_real("threshold", threshold, 0.0)
        self.min_lr = _check_real("min_lr", min_lr, 0.0)

    def start(self, learning_rate):
        """Start (or restart) the schedule at an initial learning rate.

        Parameters
        ----------
        learning_rate : float
            Learning rate of the first epoch, positive.

        Returns
        -------
        learning_rate : float
            The learning rate of the first epoch.
        """
        self.best_ = math.inf
        self.n_bad_epochs_ = 0
        return super().start(learning_rate)

    def step(self, metric=None):
        """Advance the schedule by one epoch.

        Parameters
        ----------
        metric : float
            Value monitored at the end of the epoch (lower is better).

        Returns
        -------
        learning_rate : float
            The learning rate of the next epoch.
        """
        if not hasattr(self, "epoch_"):
            raise RuntimeError("Call start(learning_rate) before step().")
        if isinstance(metric, bool) or not isinstance(metric, Real):
            raise TypeError(
                f"ReduceLROnPlateau.step needs the monitored value, got {metric!r}."
            )
        self.epoch_ += 1
        if metric < self.best_ - self.threshold:
            self.n_bad_epochs_ = 0
        else:
            self.n_bad_epochs_ += 1
        self.best_ = min(self.best_, float(metric))
        if self.n_bad_epochs_ >= self.patience:
            self.learning_rate_ = max(self.learning_rate_ * self.factor, self.min_lr)
            self.n_bad_epochs_ = 0
        return self.learning_rate_

    @property
    def at_min_lr(self):
        """Whether the learning rate can no longer be reduced.

        Returns
        -------
        at_min_lr : bool
            True once the rate has reached ``min_lr`` (or below).
        """
        return self.learning_rate_ <= self.min_lr
