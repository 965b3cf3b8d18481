# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Losses of gradient boosting: baseline, gradients, hessians, leaf re-fits.

Raw predictions ``raw`` have shape (n_trees_per_iteration, n_samples). Every
loss is the function of the same name of scikit-learn's HistGradientBoosting
(half squared error, half Poisson and Gamma deviances up to constants, ...;
huber as scikit-learn's GradientBoostingRegressor), so that losses and scores
compare with it. Gradients, hessians and pointwise losses are compiled
(``_gb_kernels``); the baseline and the leaf re-fits of the non-smooth losses
(weighted quantiles of the residuals of each leaf) are NumPy.
"""

import numpy as np
from scipy.special import expit, softmax

from skml.ensemble import _gb_kernels


def weighted_quantile(values, weights, q):
    """The smallest value whose cumulative weight reaches ``q`` of the total
    (the inverted CDF; the plain quantile when every weight is zero)."""
    order = np.argsort(values, kind="stable")
    cum = np.cumsum(weights[order])
    if cum[-1] <= 0:
        return float(np.quantile(values, q, method="inverted_cdf"))
    i = np.searchsorted(cum, q * cum[-1], side="left")
    return float(values[order[min(i, len(values) - 1)]])


class _Loss:
    """A loss of one raw output with the identity link."""

    kernel = None  # key of _gb_kernels.LOSSES
    n_trees = 1
    refit_leaves = False  # leaf values re-fitted from the residuals
    param = 0.0  # the kernel's parameter (quantile, huber delta)

    def __init__(self, quantile=None, n_classes=None):
        self.quantile = quantile
        self.code = _gb_kernels.LOSSES[self.kernel]

    def gradient_hessian(self, y, raw, gradient, hessian, n_threads):
        _gb_kernels.gradient_hessian(
            self.code, y, raw, gradient, hessian, self.param, n_threads
        )

    def loss(self, y, raw, w, n_threads=1):
        """Weighted mean loss (``w`` None: unweighted)."""
        out = np.empty(len(y))
        _gb_kernels.pointwise_loss(self.code, y, raw, out, self.param, n_threads)
        return float(np.average(out, weights=w))

    def update(self, y, raw, w):
        """Re-estimate per-iteration parameters (Huber's delta)."""

    def inverse_link(self, raw):
        """Predictions from raw predictions, shape (n_samples,)."""
        return raw[0]

    def link(self, mean):
        return mean


class SquaredError(_Loss):
    kernel = "squared_error"

    def baseline(self, y, w):
        return np.array([np.average(y, weights=w)])


class AbsoluteError(_Loss):
    kernel = "absolute_error"
    refit_leaves = True

    def baseline(self, y, w):
        return np.array([weighted_quantile(y, w, 0.5)])

    def leaf_value(self, residual, w):
        return weighted_quantile(residual, w, 0.5)


class Quantile(_Loss):
    kernel = "quantile"
    refit_leaves = True

    def __init__(self, quantile=None, n_classes=None):
        super().__init__(quantile)
        self.param = float(quantile)

    def baseline(self, y, w):
        return np.array([weighted_quantile(y, w, self.quantile)])

    def leaf_value(self, residual, w):
        return weighted_quantile(residual, w, self.quantile)


class Huber(_Loss):
    """Huber loss; its ``delta`` is the ``quantile``-quantile (default 0.9) of
    the absolute residuals, re-estimated at every iteration, and leaves are
    re-fitted as the median plus the mean clipped deviation from it (as
    scikit-learn's GradientBoostingRegressor does)."""

    kernel = "huber"
    refit_leaves = True

    def __init__(self, quantile=None, n_classes=None):
        super().__init__(0.9 if quantile is None else quantile)
        self.param = 1.0

    def baseline(self, y, w):
        return np.array([weighted_quantile(y, w, 0.5)])

    def update(self, y, raw, w):
        self.param = max(weighted_quantile(np.abs(y - raw[0]), w, self.quantile), 0.0)

    def leaf_value(self, residual, w):
        median = weighted_quantile(residual, w, 0.5)
        d = residual - median
        step = np.sign(d) * np.minimum(self.param, np.abs(d))
        if w.sum() > 0:
            return median + float(np.average(step, weights=w))
        return median + float(step.mean())


class Poisson(_Loss):
    """Half Poisson deviance with a log link: ``exp(raw) - y raw``."""

    kernel = "poisson"

    def baseline(self, y, w):
        return np.array([np.log(max(np.average(y, weights=w), 1e-300))])

    def inverse_link(self, raw):
        return np.exp(raw[0])

    def link(self, mean):
        return np.log(mean)


class Gamma(Poisson):
    """Half Gamma deviance with a log link: ``raw + y exp(-raw)``."""

    kernel = "gamma"


class BinaryLogLoss(_Loss):
    """``y`` in {0, 1}; ``raw`` the log-odds of class 1."""

    kernel = "binary_log_loss"

    def baseline(self, y, w):
        p = np.clip(np.average(y, weights=w), 1e-15, 1 - 1e-15)
        return np.array([np.log(p / (1 - p))])

    def inverse_link(self, raw):
        p = expit(raw[0])
        return np.column_stack([1 - p, p])


class MultinomialLogLoss(_Loss):
    """``y`` class indices; one raw output per class (softmax link)."""

    kernel = "multinomial"

    def __init__(self, quantile=None, n_classes=None):
        super().__init__(quantile)
        self.n_trees = n_classes

    def baseline(self, y, w):
        counts = np.bincount(y.astype(np.intp), weights=w, minlength=self.n_trees)
        p = np.clip(counts / counts.sum(), 1e-15, None)
        return np.log(p) - np.log(p).mean()

    def inverse_link(self, raw):
        return softmax(raw, axis=0).T


REGRESSION_LOSSES = {
    "squared_error": SquaredError,
    "absolute_error": AbsoluteError,
    "huber": Huber,
    "quantile": Quantile,
    "poisson": Poisson,
    "gamma": Gamma,
}


def refit_leaf_values(
    loss, tree, sample_leaf, y, raw, w, learning_rate, value_bounds=None
):
    """Re-fit the leaves of ``tree`` (one output) to ``learning_rate`` times
    the loss's ``leaf_value`` of the residuals ``y - raw`` of the samples of
    each leaf (``sample_leaf``, -1 for samples not grown on). ``value_bounds``
    (lower, upper), arrays over the nodes, clip the re-fit values to
    ``learning_rate`` times them (monotonic constraints)."""
    values = tree.value[:, 0, 0].copy()
    grown = np.flatnonzero(sample_leaf >= 0)
    leaves = sample_leaf[grown]
    order = np.argsort(leaves, kind="stable")
    rows = grown[order]
    sorted_leaves = leaves[order]
    bounds = np.flatnonzero(np.diff(sorted_leaves)) + 1
    residual = y[rows] - raw[rows]
    weight = w[rows]
    for part in np.split(np.arange(len(rows)), bounds):
        if len(part):
            leaf = sorted_leaves[part[0]]
            value = learning_rate * loss.leaf_value(residual[part], weight[part])
            if value_bounds is not None:
                value = min(
                    max(value, learning_rate * value_bounds[0][leaf]),
                    learning_rate * value_bounds[1][leaf],
                )
            values[leaf] = value
    _gb_kernels.set_node_values(tree, values)
