# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""The k-means engine: seeding, one Lloyd or Elkan run, labels and inertia.

Everything here takes validated float32/float64 data (C-contiguous arrays, or
CSR matrices with sorted, duplicate-free int32 indices) and float64 sample
weights; the estimators in ``_kmeans.py`` and ``_minibatch.py`` call it. Dense
and sparse data go through the same functions: only the kernels differ
(``_lloyd``/``_elkan`` or ``_csr``).
"""

import numpy as np
import scipy.sparse as sp

from skml._distances import _blas_single_threaded, row_norms
from skml.cluster._common import _average_and_shift, _inertia
from skml.cluster._csr import (
    _elkan_iter_csr,
    _init_bounds_csr,
    _label_sq_distances_csr,
    _lloyd_iter_csr,
)
from skml.cluster._elkan import _center_half_distances, _elkan_iter, _init_bounds
from skml.cluster._lloyd import _lloyd_iter
from skml.cluster._seeding import (
    _argsort_float64,
    _candidates_csr,
    _candidates_dense,
    _cumulative_potential,
    _project,
    _project_csr,
    _take_candidate,
)
from skml.cluster._sparse import tolerance as sparse_tolerance

# Samples per GEMM chunk (as in scikit-learn: close to optimal in all cases).
_CHUNK = 256
# At most this many sample groups, each with its own float64 partial sums; the
# partition depends on the problem shape only, never on the thread count.
_MAX_GROUPS = 64
# Memory budget for the per-group partial sums.
_GROUP_BYTES = 1 << 26
# From this many samples on, the canonical order is sorted by the linear-time
# radix argsort (a stable sort, like NumPy's stable argsort below it).
_RADIX_MIN_SAMPLES = 1 << 14


def _group_starts(n_samples, n_features, n_clusters):
    """Boundaries of the sample groups (multiples of ``_CHUNK``), by shape only."""
    n_chunks = max(1, -(-n_samples // _CHUNK))
    by_memory = max(1, _GROUP_BYTES // (8 * n_clusters * (n_features + 1)))
    n_groups = min(n_chunks, _MAX_GROUPS, by_memory)
    chunk_bounds = (np.arange(n_groups + 1) * n_chunks) // n_groups
    return np.minimum(chunk_bounds * _CHUNK, n_samples).astype(np.intp)


def _csr_arrays(X):
    """The ``data``, ``indices`` and ``indptr`` arrays of a CSR matrix (int32)."""
    return (
        X.data,
        X.indices.astype(np.int32, copy=False),
        X.indptr.astype(np.int32, copy=False),
    )


class _Workspace:
    """Sample groups and scratch buffers for the kernels, for one data shape.

    ``sparse`` says whether the data will be CSR (different scratch buffers).
    """

    def __init__(
        self, n_samples, n_features, n_clusters, dtype, n_threads, sparse=False
    ):
        self.starts = _group_starts(n_samples, n_features, n_clusters)
        n_groups = self.starts.shape[0] - 1
        self.n_threads = max(1, min(int(n_threads), n_groups))
        self.group_sums = np.empty((n_groups, n_clusters, n_features))
        self.group_weights = np.empty((n_groups, n_clusters))
        self.group_changed = np.empty(n_groups, dtype=np.intp)
        self.group_inertia = np.empty(n_groups)
        self.sums = np.zeros((n_clusters, n_features))
        self.weights = np.zeros(n_clusters)
        self.center_sq_norms = np.empty(n_clusters)
        if sparse:
            self.centers_t = np.empty((n_features, n_clusters))
            self.dot_buf = np.empty((self.n_threads, n_clusters))
            self.sq_distances = np.empty(n_samples)
        else:
            self.dist_buf = np.empty((self.n_threads, _CHUNK * n_clusters), dtype=dtype)

    def lloyd(self, X, sample_weight, centers, labels, update_centers):
        """One Lloyd step; returns ``(n_changed, n_empty)``."""
        if sp.issparse(X):
            return _lloyd_iter_csr(
                *_csr_arrays(X),
                sample_weight,
                centers,
                labels,
                self.starts,
                self.centers_t,
                self.center_sq_norms,
                self.dot_buf,
                self.group_sums,
                self.group_weights,
                self.group_changed,
                self.sums,
                self.weights,
                update_centers,
                self.n_threads,
            )
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

    def init_bounds(self, X, centers, half, labels, upper, lower):
        """First Elkan assignment with its upper and lower bounds."""
        if sp.issparse(X):
            _init_bounds_csr(
                *_csr_arrays(X),
                centers,
                half,
                self.center_sq_norms,
                labels,
                upper,
                lower,
                self.n_threads,
            )
        else:
            _init_bounds(X, centers, half, labels, upper, lower, self.n_threads)

    def elkan(
        self,
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
        update_centers,
    ):
        """One Elkan step; returns ``(n_changed, n_empty)``."""
        if sp.issparse(X):
            return _elkan_iter_csr(
                *_csr_arrays(X),
                sample_weight,
                centers,
                half,
                next_center,
                center_shift,
                shift_bounds,
                self.center_sq_norms,
                upper,
                lower,
                labels,
                self.starts,
                self.group_sums,
                self.group_weights,
                self.group_changed,
                self.sums,
                self.weights,
                update_centers,
                self.n_threads,
            )
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
            self.starts,
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
        if sp.issparse(X):
            return float(
                _label_sq_distances_csr(
                    *_csr_arrays(X),
                    sample_weight,
                    centers,
                    labels,
                    self.starts,
                    self.center_sq_norms,
                    self.sq_distances,
                    self.group_inertia,
                    self.n_threads,
                )
            )
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

    def label_sq_distances(self, X, centers, labels):
        """Squared distance of each sample to its assigned center."""
        if sp.issparse(X):
            _label_sq_distances_csr(
                *_csr_arrays(X),
                np.ones(X.shape[0]),
                centers,
                labels,
                self.starts,
                self.center_sq_norms,
                self.sq_distances,
                self.group_inertia,
                self.n_threads,
            )
            return self.sq_distances
        residual = np.ascontiguousarray(X - centers[labels])
        return row_norms(residual, squared=True)


def labels_inertia(X, sample_weight, centers, n_threads, return_inertia=True):
    """Nearest center of each sample (int32) and, optionally, the inertia."""
    ws = _Workspace(
        X.shape[0],
        X.shape[1],
        centers.shape[0],
        X.dtype,
        n_threads,
        sparse=sp.issparse(X),
    )
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


def _canonical_order(X, n_threads=1):
    """An order of the samples that depends on their values only.

    Samples are sorted by a fixed random projection (each row summed in float64
    in column order, so identical rows project identically, dense or sparse):
    identical rows are adjacent, and neither the input order nor repeating a
    sample changes which sample a given cumulative weight falls on. Sampling
    through this order makes integer sample weights equivalent to repeated
    samples.
    """
    n_samples = X.shape[0]
    direction = np.random.RandomState(0).standard_normal(X.shape[1])
    projection = np.empty(n_samples)
    if sp.issparse(X):
        if not X.has_sorted_indices:
            X = X.sorted_indices()
        _project_csr(*_csr_arrays(X), direction, projection, n_threads)
    else:
        _project(X, direction, projection, n_threads)
    if n_samples < _RADIX_MIN_SAMPLES:
        return np.argsort(projection, kind="stable")
    order = np.empty(n_samples, dtype=np.intp)
    _argsort_float64(
        projection,
        np.empty(n_samples, dtype=np.uint64),
        np.empty(n_samples, dtype=np.uint64),
        order,
        np.empty(n_samples, dtype=np.intp),
        np.empty(1 << 16, dtype=np.intp),
    )
    return order


def _sample(cumulative, order, values):
    """Indices of the samples where ``values`` fall on the cumulative weights."""
    positions = np.searchsorted(cumulative, values, side="right")
    return order[np.minimum(positions, cumulative.shape[0] - 1)]


def _row(X, i):
    """Row ``i`` of a dense or CSR matrix, as a dense 1-D array."""
    return X[[i]].toarray()[0] if sp.issparse(X) else X[i]


class _CandidateStep:
    """Closest distances and potentials of k-means++ candidates, in one pass.

    Holds what every step shares: the sample groups, the output and scratch
    buffers (reused from step to step), the centers chosen so far and, per
    sample, the squared distance to its nearest center (``closest``) and that
    center's index (``labels``), both updated in place by :meth:`take`.
    """

    def __init__(self, X, sample_weight, n_clusters, n_candidates, n_threads):
        n_samples, n_features = X.shape
        self.X = X
        self.sample_weight = sample_weight
        self.sparse = sp.issparse(X)
        # One float64 partial potential per group and candidate.
        self.starts = _group_starts(n_samples, n_features, n_candidates)
        n_groups = self.starts.shape[0] - 1
        self.n_threads = max(1, min(int(n_threads), n_groups))
        self.out = np.empty((n_candidates, n_samples))
        self.centers = np.empty((n_clusters, n_features))
        self.n_centers = 0
        self.closest = np.full(n_samples, np.inf)
        self.labels = np.zeros(n_samples, dtype=np.int32)
        self.dist_buf = np.empty((self.n_threads, n_candidates))
        if self.sparse:
            self.csr = _csr_arrays(X)

    def __call__(self, ids):
        """Rows ``min(closest, squared distance to X[id])`` and their potentials.

        The rows are a view of the step's buffer (overwritten by the next call);
        the potentials are reduced over the groups in group order.
        """
        n = len(ids)
        out = self.out[:n]
        group_potential = np.empty((self.starts.shape[0] - 1, n))
        candidates = self.X[ids]
        if self.sparse:
            candidates = candidates.toarray()
        candidates64 = candidates.astype(np.float64, copy=False)
        # A quarter of the squared center-candidate distances, for pruning.
        diff = self.centers[: self.n_centers, None, :] - candidates64[None]
        quarter_sq = np.ascontiguousarray(np.einsum("ijk,ijk->ij", diff, diff) / 4)
        if self.sparse:
            _candidates_csr(
                *self.csr,
                np.ascontiguousarray(candidates64.T),
                np.einsum("ij,ij->i", candidates64, candidates64),
                quarter_sq,
                self.labels,
                self.closest,
                self.sample_weight,
                out,
                group_potential,
                self.starts,
                self.dist_buf,
                self.n_threads,
            )
        else:
            _candidates_dense(
                self.X,
                np.ascontiguousarray(candidates),
                quarter_sq,
                self.labels,
                self.closest,
                self.sample_weight,
                out,
                group_potential,
                self.starts,
                self.dist_buf,
                self.n_threads,
            )
        return out, group_potential.sum(axis=0)

    def take(self, distances, center_id):
        """Make sample ``center_id``, with closest distances ``distances``, a center."""
        _take_candidate(distances, self.closest, self.labels, self.n_centers)
        self.centers[self.n_centers] = _row(self.X, center_id)
        self.n_centers += 1
        return self.centers[self.n_centers - 1]


def kmeans_plusplus(
    X, n_clusters, sample_weight, random_state, n_threads, n_local_trials=None
):
    """Greedy k-means++ seeding (Arthur and Vassilvitskii), as scikit-learn does.

    Each new center is the best (lowest potential) of ``n_local_trials``
    candidates (``2 + int(log(n_clusters))`` by default) drawn with probability
    proportional to the weighted squared distance to the nearest center so far.
    Candidates are drawn by inverse cumulative weights along
    :func:`_canonical_order`. One pass over the data per step gives each
    candidate's minimum with the closest distances so far and its potential,
    computing only the distances that the triangle inequality does not rule out.
    """
    if n_local_trials is None:
        n_local_trials = 2 + int(np.log(n_clusters))
    order = _canonical_order(X, n_threads)
    weight = np.ascontiguousarray(sample_weight[order])
    cumulative = np.cumsum(weight)
    step = _CandidateStep(X, sample_weight, n_clusters, n_local_trials, n_threads)
    center_id = _sample(cumulative, order, random_state.uniform() * cumulative[-1])
    distances, _ = step([center_id])
    step.take(distances[0], center_id)
    for _ in range(1, n_clusters):
        _cumulative_potential(order, weight, step.closest, cumulative)
        rand_vals = random_state.uniform(size=n_local_trials) * cumulative[-1]
        candidate_ids = _sample(cumulative, order, rand_vals)
        distances, potentials = step(candidate_ids)
        best = int(np.argmin(potentials))
        step.take(distances[best], candidate_ids[best])
    return step.centers.astype(X.dtype)


def _relocate_empty_clusters(X, sample_weight, centers_old, workspace, labels):
    """Move each empty cluster onto a sample far from its center (like scikit-learn).

    The farthest samples from their (old) centers seed the empty clusters; their
    weight moves from their cluster's sum to the empty cluster's sum.
    """
    sums, weights = workspace.sums, workspace.weights
    empty = np.flatnonzero(weights == 0)
    distances = workspace.label_sq_distances(X, centers_old, labels)
    if distances.max() == 0:
        return
    far = np.argpartition(distances, -len(empty))[: -len(empty) - 1 : -1]
    for new_id, idx in zip(empty, far):
        weight = sample_weight[idx]
        old_id = labels[idx]
        contribution = _row(X, idx).astype(np.float64) * weight
        sums[old_id] -= contribution
        sums[new_id] = contribution
        weights[new_id] = weight
        weights[old_id] -= weight


def kmeans_single(
    X, sample_weight, centers_init, *, algorithm, max_iter, tol, verbose, n_threads
):
    """One k-means run from ``centers_init`` (dense or CSR ``X``).

    Returns ``(labels, inertia, centers, n_iter)``. Stops when no label changes
    (strict convergence) or when the squared center shift is at most ``tol``; in
    the latter case the labels are recomputed for the final centers.
    """
    n_samples, n_features = X.shape
    n_clusters = centers_init.shape[0]
    ws = _Workspace(
        n_samples, n_features, n_clusters, X.dtype, n_threads, sparse=sp.issparse(X)
    )
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
        ws.init_bounds(X, centers, half, labels, upper, lower)

    def step(update_centers, shift_bounds):
        if elkan:
            return ws.elkan(
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
                update_centers,
            )
        return ws.lloyd(X, sample_weight, centers, labels, update_centers)

    strict = False
    with _blas_single_threaded():
        for i in range(max_iter):
            # The Elkan bounds are loosened by the previous shift in this pass.
            n_changed, n_empty = step(True, i > 0)
            if n_empty:
                _relocate_empty_clusters(X, sample_weight, centers, ws, labels)
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
