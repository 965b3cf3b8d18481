# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""The forests' bootstrap: weight-proportional draws along a canonical row order."""

from numbers import Integral

import numpy as np


def _n_samples_bootstrap(n_samples, sample_weight, max_samples):
    """Number of draws per bootstrap.

    Integer weights are frequencies: a row of weight k stands for k rows, so the
    bootstrap has ``sum(sample_weight)`` draws, as if the rows were repeated.
    Other weights are importances and leave the size at ``n_samples``. A float
    ``max_samples`` is a fraction of that size.
    """
    size = n_samples
    if sample_weight is not None and np.all(sample_weight == np.round(sample_weight)):
        size = int(np.sum(sample_weight))
    if max_samples is None:
        return size
    if isinstance(max_samples, Integral):
        if max_samples > n_samples:
            raise ValueError(
                f"`max_samples` must be <= n_samples={n_samples} but got value "
                f"{max_samples}"
            )
        return max_samples
    return max(round(size * max_samples), 1)


class _BootstrapSampler:
    """Draws every tree's bootstrap, weight-proportional, along a canonical order.

    Rows are visited sorted by their values (X, then y), so the sequence of
    distinct rows does not depend on the order the rows came in; each row takes
    a stretch of width equal to its weight on ``[0, total weight)`` and a draw is
    a uniform point on it. A row of integer weight k is therefore drawn exactly
    as often as k copies of it would be, whatever the row order (scikit-learn's
    sample-weight equivalence check), and zero-weight rows never are. A tree's
    bootstrap depends on its seed only.
    """

    def __init__(self, X, y, sample_weight, n_draws):
        n_samples = X.shape[0]
        keys = [y[:, k] for k in range(y.shape[1])]
        keys += [X[:, j] for j in range(X.shape[1])]
        # np.lexsort sorts by its last key first: X's first column leads.
        self.order = np.lexsort(keys[::-1])
        weight = np.ones(n_samples) if sample_weight is None else sample_weight
        self.cumulative = np.cumsum(weight[self.order], dtype=np.float64)
        # The last position with positive weight: where a draw that rounds up
        # to the total weight lands.
        self.last = int(np.searchsorted(self.cumulative, self.cumulative[-1]))
        self.n_samples = n_samples
        self.n_draws = n_draws

    def indices(self, seed):
        """Rows drawn for the tree seeded with ``seed`` (with repetitions)."""
        total = self.cumulative[-1]
        points = np.random.RandomState(seed).uniform(0.0, total, self.n_draws)
        positions = np.searchsorted(self.cumulative, points, side="right")
        # uniform() may round up to ``total`` itself.
        np.minimum(positions, self.last, out=positions)
        return self.order[positions]

    def counts(self, seed):
        """How many times each row is drawn for the tree seeded with ``seed``."""
        return np.bincount(self.indices(seed), minlength=self.n_samples)
