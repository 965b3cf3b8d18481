# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Radius neighbours: every row of Y within a distance of each row of X.

Dense input runs the compiled kernel ``skml._distances._radius`` (OpenMP over
chunks of queries, GEMM blocks for the Euclidean and cosine metrics, hits
collected per chunk); sparse CSR input goes through the sparse products of
``skml._distances._sparse`` chunk by chunk. This module turns the flat list of
hits into one array per query, in index order or sorted by distance.
"""

import numpy as np
from scipy import sparse

from skml._distances._radius import _radius_dense
from skml._distances._sparse import iter_sparse_distances

__all__ = ["radius_neighbors"]

# Chunks of X (rows per thread task) and blocks of Y: a 1 MiB float64 block of
# scratch per thread, as in argkmin.
_CHUNK_X = 128
_CHUNK_Y = 1024


def _to_object_array(arrays):
    result = np.empty(len(arrays), dtype=object)
    result[:] = arrays
    return result


def _dense_hits(X, Y, radius, metric, p, n_jobs):
    """Hits ``(rows, cols, dists)`` of dense X against dense Y, rows ascending and,
    within a row, cols ascending."""
    from skml._distances import (
        _METRIC_CODES,
        _as_float64,
        _blas_single_threaded,
        _normalized,
        _resolve_metric,
        _sq_norms64,
        check_same_width,
    )
    from skml.utils._openmp import effective_n_threads

    check_same_width(X, Y)
    code, p = _resolve_metric(metric, p)
    n_x, n_y = X.shape[0], Y.shape[0]
    chunk_x = max(1, min(_CHUNK_X, n_x))
    n_threads = max(1, min(effective_n_threads(n_jobs), -(-n_x // chunk_x)))
    one = (n_threads, 1)
    X64 = Y64 = np.empty((1, 1))
    xx = yy = yy_min = yy_max = np.empty(1)
    buf64, buf = np.empty(one), np.empty(one, dtype=X.dtype)
    if code <= _METRIC_CODES["sqeuclidean"]:
        X64 = _as_float64(X)
        Y64 = X64 if Y is X else _as_float64(Y)
        xx = _sq_norms64(X, n_threads)
        yy = xx if Y is X else _sq_norms64(Y, n_threads)
        starts = np.arange(0, n_y, _CHUNK_Y)
        yy_min = np.minimum.reduceat(yy, starts)
        yy_max = np.maximum.reduceat(yy, starts)
        buf64 = np.empty((n_threads, chunk_x * _CHUNK_Y))
    elif code == _METRIC_CODES["cosine"]:
        X = _normalized(X, n_threads)
        Y = X if Y is X else _normalized(Y, n_threads)
        buf = np.empty((n_threads, chunk_x * _CHUNK_Y), dtype=X.dtype)
    with _blas_single_threaded():
        rows, cols, dists = _radius_dense(
            X, Y, X64, Y64, xx, yy, yy_min, yy_max, radius, code, p, chunk_x,
            _CHUNK_Y, buf64, buf, n_threads,
        )
    # Within a chunk, hits come block of Y by block of Y: a stable sort on the
    # row keeps each row's columns ascending.
    order = np.argsort(rows, kind="stable")
    return rows[order], cols[order], dists[order]


def _sparse_hits(X, Y, radius, metric):
    rows_parts, cols_parts, dist_parts = [], [], []
    for start, D in iter_sparse_distances(X, Y, metric):
        r = radius[start : start + D.shape[0]]
        rows, cols = np.nonzero(D <= r[:, None])
        rows_parts.append(rows + start)
        cols_parts.append(cols)
        dist_parts.append(D[rows, cols])
    return (
        np.concatenate(rows_parts).astype(np.intp, copy=False),
        np.concatenate(cols_parts).astype(np.intp, copy=False),
        np.concatenate(dist_parts),
    )


def radius_neighbors(
    X,
    Y,
    radius,
    *,
    metric="euclidean",
    p=2.0,
    n_jobs=None,
    return_distance=True,
    sort_results=False,
):
    """The rows of Y within ``radius`` of each row of X (distance ``<= radius``).

    Parameters
    ----------
    X : ndarray of shape (n_samples_X, n_features)
        Queries: C-contiguous float32 or float64 array, or a CSR matrix.
    Y : ndarray of shape (n_samples_Y, n_features)
        Candidates, same dtype as X (CSR when X is).
    radius : float or ndarray of shape (n_samples_X,)
        Radius, one for all queries or one per query.
    metric : {"euclidean", "sqeuclidean", "manhattan", "chebyshev", "minkowski", \
            "cosine"}, default="euclidean"
        Distance; sparse input supports euclidean, sqeuclidean and cosine.
    p : float, default=2.0
        Power of the minkowski metric, at least 1.
    n_jobs : int, default=None
        Number of OpenMP threads. The result does not depend on it.
    return_distance : bool, default=True
        Also return the distances.
    sort_results : bool, default=False
        Sort each query's neighbours by increasing (distance, index); otherwise
        they are in increasing index order.

    Returns
    -------
    distances : ndarray of shape (n_samples_X,), dtype=object
        One float64 array of distances per query. Only if ``return_distance``.
    indices : ndarray of shape (n_samples_X,), dtype=object
        One intp array of rows of Y per query.
    """
    n_x = X.shape[0]
    radius = np.ascontiguousarray(
        np.broadcast_to(np.asarray(radius, dtype=np.float64), (n_x,))
    )
    if sparse.issparse(X) or sparse.issparse(Y):
        rows, cols, dists = _sparse_hits(X, Y, radius, metric)
    else:
        rows, cols, dists = _dense_hits(X, Y, radius, metric, p, n_jobs)
    if sort_results:
        order = np.lexsort((cols, dists, rows))
        cols, dists = cols[order], dists[order]
    bounds = np.cumsum(np.bincount(rows, minlength=n_x))[:-1]
    indices = _to_object_array(np.split(cols, bounds))
    if return_distance:
        return _to_object_array(np.split(dists, bounds)), indices
    return indices
