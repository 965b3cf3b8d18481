# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Stop training when a monitored score stops improving, keeping the best state."""

import math
from numbers import Integral

import numpy as np

from skml.neural_network._optimizers import _check_real

__all__ = ["EarlyStopping"]


class EarlyStopping:
    """Decide when to stop training, and remember the best parameters.

    Call :meth:`update` once per epoch with the monitored score. An epoch is an
    improvement when its score beats the best score so far by more than
    ``min_delta``; :meth:`update` returns True (stop) after ``patience``
    consecutive epochs without one. Whenever the score beats the best so far
    (by any amount), a copy of the given parameters is kept in
    ``best_params_``.

    Read more in the :ref:`User Guide <neural_network_early_stopping>`.

    Parameters
    ----------
    patience : int, default=10
        Number of consecutive epochs without improvement before stopping, at
        least 1.

    min_delta : float, default=1e-4
        Smallest change of the score that counts as an improvement,
        non-negative.

    mode : {"max", "min"}, default="max"
        Whether a higher (accuracy, R^2) or a lower (loss) score is better.

    Attributes
    ----------
    best_score_ : float
        Best score seen (``-inf`` or ``inf`` before the first update).

    best_epoch_ : int
        Number of updates up to and including the best one (0 before).

    best_params_ : list of ndarray or None
        Copy of the parameters passed with the best score.

    n_bad_epochs_ : int
        Number of consecutive epochs without improvement.

    n_updates_ : int
        Number of :meth:`update` calls.

    See Also
    --------
    skml.neural_network.schedules.ReduceLROnPlateau : Lower the learning rate on
        a plateau instead.

    Examples
    --------
    >>> import numpy as np
    >>> from skml.neural_network import EarlyStopping
    >>> stopper = EarlyStopping(patience=2, mode="min")
    >>> w = np.zeros(1)
    >>> for loss in [1.0, 0.5, 0.7, 0.6]:
    ...     w += 1
    ...     if stopper.update(loss, [w]):
    ...         break
    >>> stopper.best_score_, stopper.best_params_
    (0.5, [array([2.])])
    """

    def __init__(self, patience=10, min_delta=1e-4, mode="max"):
        if isinstance(patience, bool) or not isinstance(patience, Integral):
            raise TypeError(f"patience must be an integer, got {patience!r}.")
        if patience < 1:
            raise ValueError(f"patience must be >= 1, got {patience!r}.")
        if mode not in ("max", "min"):
            raise ValueError(f"mode must be 'max' or 'min', got {mode!r}.")
        self.patience = int(patience)
        self.min_delta = _check_real("min_delta", min_delta, 0.0)
        self.mode = mode
        self.reset()

    def reset(self):
        """Forget every score and the best parameters.

        Returns
        -------
        self : object
            The helper, as new.
        """
        self.best_score_ = -math.inf if self.mode == "max" else math.inf
        self.best_epoch_ = 0
        self.best_params_ = None
        self.n_bad_epochs_ = 0
        self.n_updates_ = 0
        return self

    def update(self, score, params=None):
        """Record one epoch's score; say whether to stop.

        Parameters
        ----------
        score : float
            The monitored score of the epoch. NaN never counts as an
            improvement.

        params : list of ndarray, default=None
            Current parameters, copied into ``best_params_`` when ``score`` is
            the best so far (into the arrays already there, if shapes match).

        Returns
        -------
        stop : bool
            True when ``patience`` consecutive epochs have brought no
            improvement.
        """
        score = float(score)
        sign = 1.0 if self.mode == "max" else -1.0
        self.n_updates_ += 1
        # NaN compares False: never an improvement, never the best.
        if sign * (score - self.best_score_) > self.min_delta:
            self.n_bad_epochs_ = 0
        else:
            self.n_bad_epochs_ += 1
        if sign * (score - self.best_score_) > 0:
            self.best_score_ = score
            self.best_epoch_ = self.n_updates_
            if params is not None:
                self._keep(params)
        return self.n_bad_epochs_ >= self.patience

    def _keep(self, params):
        best = self.best_params_
        if best is not None and len(best) == len(params) and all(
            b.shape == p.shape and b.dtype == p.dtype for b, p in zip(best, params)
        ):
            for b, p in zip(best, params):
                np.copyto(b, p)
        else:
            self.best_params_ = [np.array(p, copy=True) for p in params]

    def __repr__(self):
        return (
            f"EarlyStopping(patience={self.patience!r}, min_delta={self.min_delta!r}, "
            f"mode={self.mode!r})"
        )
