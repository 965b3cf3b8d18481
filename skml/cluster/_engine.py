# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""The k-means engine: seeding, one Lloyd or Elkan run, labels and inertia.

Everything here takes validated, C-contiguous float32/float64 arrays and float64
sample weights; the estimators in ``_kmeans.py`` and ``_minibatch.py`` call it.
"""

import numpy as np
import scipy.sparse as sp

from skml._distances import _blas_single_threaded, row_norms
from skml.cluster._common import _average_and_shift, _inertia
from skml.cluster._elkan import _center_half_distances, _elkan_iter, _init_bounds
from skml.cluster._lloyd import _lloyd_iter
from skml.cluster._sparse import squared_row_norms
from skml.cluster._sparse import tolerance as sparse_tolerance

# Samples per GEMM chunk (as in scikit-learn: close to optimal in all cases).
_CHUNK = 256
# At most this many sample groups, each with its own float64 partial sums; the
# partition depends on the problem shape only, never on the thread count.
_MAX_GROUPS = 64
# Memory budget for the per-group partial sums.
_GROUP_BYTES = 1 << 26


class _Workspace:
    """Sample groups and scratch buffers for the kernels, for one data shape."""

    def __init__(self, n_samples, n_features, n_clusters, dtype, n_threads):
        n_chunks = max(1, -(-n_samples // _CHUNK))
        by_memory = max(1, _GROUP_BYTES // (8 * n_clusters * (n_features + 1)))
        n_groups = min(n_chunks, _MAX_GROUPS, by_memory)
        chunk_bounds = (np.arange(n_groups + 1) * n_chunks) // n_groups
        self.starts = np.minimum(chunk_bounds * _CHUNK, n_samples).astype(np.intp)
        self.n_threads = max(1, min(int(n_threads), n_groups))
        self.group_sums = np.empty((n_groups, n_clusters, n_features))
        self.group_weights = np.empty((n_groups, n_clusters))
        self.group_changed = np.empty(n_groups, dtype=np.intp)
        self.group_inertia = np.empty(n_groups)
        self.sums = np.zeros((n_clusters, n_features))
        self.weights = np.zeros(n_clusters)
        self.dist_buf = np.empty((self.n_threads, _CHUNK * n_clusters), dtype=dtype)

    def lloyd(self, X, sample_weight, centers, labels, update_centers):
        """One Lloyd step; returns ``(n_changed, n_empty)``."""
        return _lloyd_iter(
            X,
            sample_weight,
            centers,
            labels,
            self.starts,
            _CHUNK,
            self.dist_buf,
            self.group_sums,
            self.group_weights,
            self.group_changed,
            self.sums,
            self.weights,
            update_centers,
            self.n_threads,
        )

    def inertia(self, X, sample_weight, centers, labels):
        """Weighted sum of squared distances to the assigned centers (float64)."""
        return float(
            _inertia(
                X,
                sample_weight,
                centers,
                labels,
                self.starts,
                self.group_inertia,
                self.n_threads,
            )
        )


def labels_inertia(X, sample_weight, centers, n_threads, return_inertia=True):
    """Nearest center of each sample (int32) and, optionally, the inertia."""
    ws = _Workspace(X.shape[0], X.shape[1], centers.shape[0], X.dtype, n_threads)
    labels = np.full(X.shape[0], -1, dtype=np.int32)
    with _blas_single_threaded():
        ws.lloyd(X, sample_weight, centers, labels, False)
    if not return_inertia:
        return labels
    return labels, ws.inertia(X, sample_weight, centers, labels)


def tolerance(X, tol, centered=False):
    """The absolute tolerance: ``tol`` times the mean variance of the features.

    ``centered=True`` says the columns of X have mean zero: the variances are
    then the mean squares, computed in one pass without temporaries.
    """
    if tol == 0:
        return 0.0
    if sp.issparse(X):
        return sparse_tolerance(X, tol)
    if centered:
        variances = np.einsum("ij,ij->j", X, X, dtype=np.float64) / X.shape[0]
    else:
        variances = np.var(X, axis=0)
    return float(np.mean(variances) * tol)


def _canonical_order(X):
    """An order of the samples that depends on their values only.

    Samples are sorted by a fixed random projection: identical rows are
    adjacent, and neither the input order nor repeating a sample changes which
    sample a given cumulative weight falls on. Sampling through this order makes
    integer sample weights equivalent to repeated samples.
    """
    direction = np.random.RandomState(0).standard_normal(X.shape[1])
    return np.argsort(np.asarray(X @ direction.astype(X.dtype)).ravel())


def _sample(cumulative, order, values):
    """Indices of the samples where ``values`` fall on the cumulative weights."""
    positions = np.searchsorted(cumulative, values, side="right")
    return order[np.minimum(positions, cumulative.shape[0] - 1)]


def _row(X, i):
    """Row ``i`` of a dense or CSR matrix, as a dense 1-D array."""
    return X[[i]].toarray()[0] if sp.issparse(X) else X[i]


def kmeans_plusplus(X, n_clusters, sample_weight, random_state):
    """Greedy k-means++ seeding (Arthur and Vassilvitskii), as scikit-learn does.

    Each new center is the best (lowest potential) of ``2 + int(log(n_clusters))``
    candidates drawn with probability proportional to the weighted squared
    distance to the nearest center so far. Candidates are drawn by inverse
    cumulative weights along :func:`_canonical_order`. Distances come from the
    shared distance core.
    """
    n_samples, n_features = X.shape
    centers = np.empty((n_clusters, n_features), dtype=X.dtype)
    n_local_trials = 2 + int(np.log(n_clusters))
    order = _canonical_order(X)
    weight = sample_weight[order]
    cumulative = np.cumsum(weight)
    sparse = sp.issparse(X)
    if sparse:
        x_squared_norms = squared_row_norms(X)
    else:
        x_squared_norms = row_norms(X, squared=True).astype(np.float64, copy=False)

    def squared_distances(ids):
        # ||x||^2 + ||c||^2 - 2 x.c from the core's row norms (the data are
        # centred, so the expansion is accurate), clipped at zero.
        if sparse:
            dist = np.asarray((X @ X[ids].toarray().T).T, dtype=np.float64)
        else:
            dist = (X[ids] @ X.T).astype(np.float64, copy=False)
        dist *= -2.0
        dist += x_squared_norms
        dist += x_squared_norms[ids, None]
        np.maximum(dist, 0.0, out=dist)
        return dist

    center_id = _sample(cumulative, order, random_state.uniform() * cumulative[-1])
    centers[0] = _row(X, center_id)
    closest = squared_distances([center_id])[0]
    current_pot = closest @ sample_weight
    for c in range(1, n_clusters):
        rand_vals = random_state.uniform(size=n_local_trials) * current_pot
        cumulative = np.cumsum(weight * closest[order])
        candidate_ids = _sample(cumulative, order, rand_vals)
        dist = squared_distances(candidate_ids)
        np.minimum(closest, dist, out=dist)
        candidates_pot = dist @ sample_weight
        best = int(np.argmin(candidates_pot))
        current_pot = candidates_pot[best]
        closest = dist[best]
        centers[c] = _row(X, candidate_ids[best])
    return centers


def _relocate_empty_clusters(X, sample_weight, centers_old, sums, weights, labels):
    """Move each empty cluster onto a sample far from its center (like scikit-learn).

    The farthest samples from their (old) centers seed the empty clusters; their
    weight moves from their cluster's sum to the empty cluster's sum.
    """
    empty = np.flatnonzero(weights == 0)
    residual = np.ascontiguousarray(X - centers_old[labels])
    distances = row_norms(residual, squared=True)
    if distances.max() == 0:
        return
    far = np.argpartition(distances, -len(empty))[: -len(empty) - 1 : -1]
    for new_id, idx in zip(empty, far):
        weight = sample_weight[idx]
        old_id = labels[idx]
        contribution = X[idx].astype(np.float64) * weight
        sums[old_id] -= contribution
        sums[new_id] = contribution
        weights[new_id] = weight
        weights[old_id] -= weight


def kmeans_single(
    X, sample_weight, centers_init, *, algorithm, max_iter, tol, verbose, n_threads
):
    """One k-means run from ``centers_init``.

    Returns ``(labels, inertia, centers, n_iter)``. Stops when no label changes
    (strict convergence) or when the squared center shift is at most ``tol``; in
    the latter case the labels are recomputed for the final centers.
    """
    n_samples, n_features = X.shape
    n_clusters = centers_init.shape[0]
    ws = _Workspace(n_samples, n_features, n_clusters, X.dtype, n_threads)
    n_threads = ws.n_threads
    centers = np.array(centers_init, dtype=X.dtype, order="C")
    centers_new = np.empty_like(centers)
    labels = np.full(n_samples, -1, dtype=np.int32)
    center_shift = np.zeros(n_clusters)
    elkan = algorithm == "elkan"
    if elkan:
        half = np.empty((n_clusters, n_clusters))
        next_center = np.empty(n_clusters)
        upper = np.empty(n_samples)
        lower = np.empty((n_samples, n_clusters))
        _center_half_distances(centers, half, next_center)
        _init_bounds(X, centers, half, labels, upper, lower, n_threads)

    def step(update_centers, shift_bounds):
        if elkan:
            return _elkan_iter(
                X,
                sample_weight,
                centers,
                half,
                next_center,
                center_shift,
                shift_bounds,
                upper,
                lower,
                labels,
                ws.starts,
                ws.group_sums,
                ws.group_weights,
                ws.group_changed,
                ws.sums,
                ws.weights,
                update_centers,
                n_threads,
            )
        return ws.lloyd(X, sample_weight, centers, labels, update_centers)

    strict = False
    with _blas_single_threaded():
        for i in range(max_iter):
            # The Elkan bounds are loosened by the previous shift in this pass.
            n_changed, n_empty = step(True, i > 0)
            if n_empty:
                _relocate_empty_clusters(
                    X, sample_weight, centers, ws.sums, ws.weights, labels
                )
            _average_and_shift(ws.sums, ws.weights, centers, centers_new, center_shift)
            if elkan:
                _center_half_distances(centers_new, half, next_center)
            if verbose:
                inertia = ws.inertia(X, sample_weight, centers, labels)
                print(f"Iteration {i}, inertia {inertia}.")
            centers, centers_new = centers_new, centers
            # Iteration 0 of Elkan starts from the labels of the initial bounds;
            # like scikit-learn, it never counts as strict convergence.
            if n_changed == 0 and (i > 0 or not elkan):
                if verbose:
                    print(f"Converged at iteration {i}: strict convergence.")
                strict = True
                break
            shift = float(center_shift @ center_shift)
            if shift <= tol:
                if verbose:
                    print(
                        f"Converged at iteration {i}: center shift {shift} within "
                        f"tolerance {tol}."
                    )
                break
        if not strict:
            step(False, True)
    inertia = ws.inertia(X, sample_weight, centers, labels)
    return labels, inertia, centers, i + 1


def is_same_clustering(labels1, labels2, n_clusters):
    """True if ``labels1`` determines ``labels2`` (same partition up to renaming)."""
    codes = np.unique(labels1.astype(np.int64) * n_clusters + labels2)
    return np.unique(codes // n_clusters).shape[0] == codes.shape[0]
