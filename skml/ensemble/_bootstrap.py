# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""The forests' bootstrap: weight-proportional draws along a canonical row order."""

from numbers import Integral

import numpy as np
from scipy.sparse import issparse


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


def _mix(z):
    # splitmix64's finaliser on uint64 arrays (wrapping arithmetic).
    z = z + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def _row_hashes(X, block=1 << 16):
    """A 64-bit hash of each row's contents (float32 bits), dense or sparse.

    The sum over the row's nonzero entries of a mix of (column, value bits):
    equal rows hash alike whatever their position, a sparse matrix hashes as
    its dense version, and the cost is one pass over the stored values (a
    lexicographic sort of all the columns would cost one sort per column).
    """
    # ``block`` entries at a time: the mix makes a few uint64 temporaries of
    # that size, which must not show in the forest's peak memory.
    n_samples = X.shape[0]
    hashes = np.zeros(n_samples, dtype=np.uint64)
    if issparse(X):
        X = X.tocsr()
        bits = np.asarray(X.data, dtype=np.float32).view(np.uint32).astype(np.uint64)
        columns = X.indices.astype(np.uint64)
        contributions = _mix(bits | (columns << np.uint64(32)))
        contributions[bits == 0] = 0
        # Rows are contiguous runs of the stored values: sum run by run.
        stored = np.diff(X.indptr) > 0
        hashes[stored] = np.add.reduceat(contributions, X.indptr[:-1][stored])
        return hashes
    X = np.asarray(X, dtype=np.float32)
    columns = np.arange(X.shape[1], dtype=np.uint64) << np.uint64(32)
    step = max(1, block // max(X.shape[1], 1))
    for start in range(0, n_samples, step):
        bits = np.ascontiguousarray(X[start : start + step]).view(np.uint32)
        bits = bits.astype(np.uint64)
        contributions = _mix(bits | columns)
        contributions[bits == 0] = 0
        hashes[start : start + step] = contributions.sum(axis=1, dtype=np.uint64)
    return hashes


class _BootstrapSampler:
    """Draws every tree's bootstrap, weight-proportional, along a canonical order.

    Rows are visited sorted by a hash of their values in X, then by y, so the
    sequence of distinct rows does not depend on the order the rows came in;
    each row takes a stretch of width equal to its weight on
    ``[0, total weight)`` and a draw is a uniform point on it. A row of integer
    weight k is therefore drawn exactly as often as k copies of it would be,
    whatever the row order (scikit-learn's sample-weight equivalence check),
    and zero-weight rows never are. A tree's bootstrap depends on its seed only.
    """

    def __init__(self, X, y, sample_weight, n_draws):
        n_samples = X.shape[0]
        keys = [y[:, k] for k in range(y.shape[1])][::-1]
        # np.lexsort sorts by its last key first: the row hash leads, then y.
        keys.append(_row_hashes(X))
        self.order = np.lexsort(keys)
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
