# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""K-means (Lloyd) on sparse CSR data, with SciPy's sparse products.

The squared distance of a sparse row x to a dense center c is expanded as
``||x||^2 - 2 x.c + ||c||^2``; ``X @ C.T`` is one sparse-dense product per
iteration and the cluster sums are one sparse product with the weighted
assignment matrix. Sparse data are not centred (as in scikit-learn).
Everything is single-threaded and deterministic.
"""

import numpy as np
import scipy.sparse as sp

from skml.cluster._common import _average_and_shift


def squared_row_norms(X):
    """Squared norm of each row of a CSR matrix, in float64."""
    squares = X.copy()
    squares.data = squares.data.astype(np.float64) ** 2
    return np.asarray(squares.sum(axis=1)).ravel()


def squared_distances(X, centers, x_squared_norms):
    """``(n_samples, n_centers)`` squared distances, float64, clipped at 0."""
    dot = np.asarray(X @ centers.T, dtype=np.float64)
    c_norms = np.einsum("ij,ij->i", centers, centers, dtype=np.float64)
    dist = x_squared_norms[:, None] - 2.0 * dot + c_norms[None, :]
    np.maximum(dist, 0.0, out=dist)
    return dist


def labels_inertia(X, sample_weight, centers, x_squared_norms=None):
    """Nearest center of each sample (int32) and the weighted inertia."""
    if x_squared_norms is None:
        x_squared_norms = squared_row_norms(X)
    dist = squared_distances(X, centers, x_squared_norms)
    labels = np.argmin(dist, axis=1).astype(np.int32)
    inertia = float(dist[np.arange(X.shape[0]), labels] @ sample_weight)
    return labels, inertia


def tolerance(X, tol):
    """``tol`` times the mean variance of the columns of a CSR matrix."""
    if tol == 0:
        return 0.0
    mean = np.asarray(X.mean(axis=0), dtype=np.float64).ravel()
    squares = X.copy()
    squares.data = squares.data.astype(np.float64) ** 2
    mean_sq = np.asarray(squares.mean(axis=0)).ravel()
    return float(np.mean(mean_sq - mean**2) * tol)


def _cluster_sums(X, sample_weight, labels, n_clusters):
    assign = sp.csr_matrix(
        (sample_weight, (labels, np.arange(X.shape[0]))),
        shape=(n_clusters, X.shape[0]),
    )
    sums = np.asarray((assign @ X).toarray(), dtype=np.float64)
    weights = np.bincount(labels, weights=sample_weight, minlength=n_clusters)
    return np.ascontiguousarray(sums), weights.astype(np.float64)


def _relocate_empty_clusters(X, sample_weight, dist, sums, weights, labels):
    """Move empty clusters onto the samples farthest from their centers."""
    empty = np.flatnonzero(weights == 0)
    distances = dist[np.arange(X.shape[0]), labels]
    if distances.max() == 0:
        return
    far = np.argpartition(distances, -len(empty))[: -len(empty) - 1 : -1]
    for new_id, idx in zip(empty, far):
        weight = sample_weight[idx]
        old_id = labels[idx]
        contribution = X[idx].toarray().ravel().astype(np.float64) * weight
        sums[old_id] -= contribution
        sums[new_id] = contribution
        weights[new_id] = weight
        weights[old_id] -= weight


def kmeans_single_sparse(X, sample_weight, centers_init, *, max_iter, tol, verbose):
    """One Lloyd run on CSR data; returns ``(labels, inertia, centers, n_iter)``.

    Same stopping rules as the dense run: strict convergence (no label
    changed) or a squared center shift of at most ``tol``.
    """
    n_clusters = centers_init.shape[0]
    x_squared_norms = squared_row_norms(X)
    centers = np.array(centers_init, dtype=X.dtype, order="C")
    centers_new = np.empty_like(centers)
    center_shift = np.zeros(n_clusters)
    labels = np.full(X.shape[0], -1, dtype=np.int32)
    strict = False
    for i in range(max_iter):
        dist = squared_distances(X, centers, x_squared_norms)
        new_labels = np.argmin(dist, axis=1).astype(np.int32)
        n_changed = int(np.count_nonzero(new_labels != labels))
        labels = new_labels
        sums, weights = _cluster_sums(X, sample_weight, labels, n_clusters)
        if np.any(weights == 0):
            _relocate_empty_clusters(X, sample_weight, dist, sums, weights, labels)
        _average_and_shift(sums, weights, centers, centers_new, center_shift)
        if verbose:
            inertia = float(dist[np.arange(X.shape[0]), labels] @ sample_weight)
            print(f"Iteration {i}, inertia {inertia}.")
        centers, centers_new = centers_new, centers
        if n_changed == 0:
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
    dist = squared_distances(X, centers, x_squared_norms)
    if not strict:
        labels = np.argmin(dist, axis=1).astype(np.int32)
    inertia = float(dist[np.arange(X.shape[0]), labels] @ sample_weight)
    return labels, inertia, centers, i + 1
