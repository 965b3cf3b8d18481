# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Distances from sparse CSR rows, chunk by chunk, never densifying the inputs.

Only the metrics that sparse matrix products express are offered: euclidean and
sqeuclidean (``||x||^2 + ||y||^2 - 2 x.y``, clipped at 0) and cosine (``1 - x.y``
of row-normalised inputs, clipped to [0, 2]). A chunk of rows of X meets all of Y
in one sparse product whose dense result has at most about ``_CHUNK_ELEMENTS``
entries, so memory stays bounded whatever the number of queries.

Like the rest of the core, inputs are ALREADY validated (CSR or dense 2-D, finite,
same number of features); the only error raised here is the ``ValueError`` for a
metric without a sparse path.
"""

import numpy as np
from scipy import sparse

__all__ = ["SPARSE_METRICS", "argkmin_sparse", "iter_sparse_distances"]

SPARSE_METRICS = ("euclidean", "sqeuclidean", "cosine")
# Entries of one dense chunk of distances (float64): 32 MiB.
_CHUNK_ELEMENTS = 1 << 22


def _check_metric(metric):
    if metric not in SPARSE_METRICS:
        raise ValueError(
            f"Metric {metric!r} is not supported for sparse input; use one of "
            f"{list(SPARSE_METRICS)}, or densify the data with .toarray()."
        )


def _as_csr64(X):
    """X as float64 CSR (a copy only if X is not already one)."""
    X = sparse.csr_matrix(X)
    return X if X.dtype == np.float64 else X.astype(np.float64)


def _sq_norms(X):
    return np.asarray(X.multiply(X).sum(axis=1), dtype=np.float64).ravel()


def _normalized(X):
    norms = np.sqrt(_sq_norms(X))
    norms[norms == 0.0] = 1.0  # a zero row stays zero: at distance 1 from all
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ X)


def _chunk_rows(n_x, n_y):
    return max(1, min(n_x, _CHUNK_ELEMENTS // max(n_y, 1)))


def iter_sparse_distances(X, Y, metric="euclidean"):
    """Yield ``(start, distances)`` for consecutive chunks of rows of X.

    Parameters
    ----------
    X : sparse matrix of shape (n_samples_X, n_features)
        Queries; converted to CSR float64 (dense arrays are accepted too).
    Y : sparse matrix of shape (n_samples_Y, n_features)
        Candidates.
    metric : {"euclidean", "sqeuclidean", "cosine"}, default="euclidean"
        Distance.

    Yields
    ------
    start : int
        Index of the first row of X in the chunk.
    distances : ndarray of shape (n_chunk, n_samples_Y), dtype=float64
        Distances of rows ``start:start + n_chunk`` of X to every row of Y.
    """
    _check_metric(metric)
    X, Y = _as_csr64(X), _as_csr64(Y)
    if metric == "cosine":
        X, Y = _normalized(X), _normalized(Y)
    else:
        xx, yy = _sq_norms(X), _sq_norms(Y)
    YT = Y.T.tocsc()
    n_x, n_y = X.shape[0], Y.shape[0]
    chunk = _chunk_rows(n_x, n_y)
    for start in range(0, n_x, chunk):
        stop = min(start + chunk, n_x)
        dots = (X[start:stop] @ YT).toarray()
        if metric == "cosine":
            D = np.clip(1.0 - dots, 0.0, 2.0, out=dots)
        else:
            D = dots
            D *= -2.0
            D += xx[start:stop, None]
            D += yy[None, :]
            np.maximum(D, 0.0, out=D)
            if metric == "euclidean":
                np.sqrt(D, out=D)
        yield start, D


def smallest_k(D, k):
    """Columns of the k smallest entries of each row of D, by (value, column).

    Parameters
    ----------
    D : ndarray of shape (n_rows, n_columns)
        Values, without NaN.
    k : int
        ``1 <= k <= n_columns``.

    Returns
    -------
    values : ndarray of shape (n_rows, k)
        Sorted ascending.
    columns : ndarray of shape (n_rows, k), dtype=intp
        Equal values are ordered by the smaller column.
    """
    n_rows = D.shape[0]
    kth = np.partition(D, k - 1, axis=1)[:, k - 1]
    # Every entry up to the k-th value is a candidate (more than k with ties).
    rows, cols = np.nonzero(D <= kth[:, None])
    values = D[rows, cols]
    order = np.lexsort((cols, values, rows))
    counts = np.bincount(rows, minlength=n_rows)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    take = order[(starts[:, None] + np.arange(k)).ravel()]
    return (
        values[take].reshape(n_rows, k),
        cols[take].astype(np.intp, copy=False).reshape(n_rows, k),
    )


def argkmin_sparse(X, Y, k, metric="euclidean", *, return_distance=True):
    """The k nearest rows of Y for each row of X, for sparse CSR input.

    Parameters
    ----------
    X : sparse matrix of shape (n_samples_X, n_features)
        Queries, CSR (or dense).
    Y : sparse matrix of shape (n_samples_Y, n_features)
        Candidates, CSR (or dense).
    k : int
        Number of neighbours, ``1 <= k <= n_samples_Y``.
    metric : {"euclidean", "sqeuclidean", "cosine"}, default="euclidean"
        Distance. Other metrics raise a ``ValueError``.
    return_distance : bool, default=True
        Also return the distances.

    Returns
    -------
    distances : ndarray of shape (n_samples_X, k), dtype=float64
        Sorted ascending. Only if ``return_distance``.
    indices : ndarray of shape (n_samples_X, k), dtype=intp
        Rows of Y; equal distances are ordered by the smaller index.
    """
    _check_metric(metric)
    n_x = X.shape[0]
    dist = np.empty((n_x, k))
    ind = np.empty((n_x, k), dtype=np.intp)
    for start, D in iter_sparse_distances(X, Y, metric):
        stop = start + D.shape[0]
        dist[start:stop], ind[start:stop] = smallest_k(D, k)
    if return_distance:
        return dist, ind
    return ind
