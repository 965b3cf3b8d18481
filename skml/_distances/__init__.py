# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""The shared distance core: pairwise distances, k-nearest search, kernels, norms.

These entry points are what the estimators (KNN, KMeans, SVM) and
``skml.metrics`` call. Their inputs are ALREADY validated: 2-D, C-contiguous,
finite, and X and Y share one float dtype (float32 or float64). Nothing here
validates, and nothing raises except ``MemoryError``.

Results do not depend on ``n_jobs``: tile and chunk sizes depend on the problem
shape only, and BLAS runs single-threaded inside the OpenMP loops, so every thread
count gives bit-identical output.
"""

import contextlib
import math

import numpy as np

from skml._distances._argkmin import _argkmin, _sort_heaps
from skml._distances._base import _normalize_rows, _row_norms
from skml._distances._kernels import _kernel_matrix
from skml._distances._pairwise import (
    _pairwise_cosine,
    _pairwise_direct,
    _pairwise_euclidean,
)
from skml._distances._radius_query import radius_neighbors
from skml._distances._sparse import argkmin_sparse
from skml.utils._openmp import effective_n_threads

__all__ = [
    "KERNELS",
    "METRICS",
    "argkmin",
    "argkmin_sparse",
    "kernel_matrix",
    "pairwise",
    "radius_neighbors",
    "row_norms",
]

# Names -> the codes of ``Metric`` / ``KernelKind`` in the .pxd files.
_METRIC_CODES = {
    "euclidean": 0,
    "sqeuclidean": 1,
    "manhattan": 2,
    "chebyshev": 3,
    "minkowski": 4,
    "cosine": 5,
}
_KERNEL_CODES = {"linear": 0, "rbf": 1, "poly": 2, "sigmoid": 3}
METRICS = tuple(_METRIC_CODES)
KERNELS = tuple(_KERNEL_CODES)

# Output tiles of pairwise/kernel matrices are _TILE x _TILE; a float64 tile
# (512 KiB) stays in a core's L2 cache while it is post-processed.
_TILE = 256
# argkmin meets Y in chunks of _CHUNK_Y rows, X in chunks of at most _CHUNK_X rows
# (a 1 MiB float64 block per thread; measured fastest among 64-256 x 256-2048).
_CHUNK_X = 128
_CHUNK_Y = 1024

_blas_controller = None


def _blas_single_threaded():
    """Limit BLAS to one thread: the OpenMP loops that call it are the parallel part.

    Nested BLAS threads would oversubscribe the cores; it also keeps GEMM results
    independent of the thread count.
    """
    global _blas_controller
    try:
        if _blas_controller is None:
            from threadpoolctl import ThreadpoolController

            _blas_controller = ThreadpoolController()
        return _blas_controller.limit(limits=1, user_api="blas")
    except Exception:  # pragma: no cover - threadpoolctl cannot see the BLAS
        return contextlib.nullcontext()


def _resolve_metric(metric, p):
    """Return the metric code, mapping minkowski p=1, 2, inf to faster metrics."""
    if metric == "minkowski":
        if p == 1:
            return _METRIC_CODES["manhattan"], p
        if p == 2:
            return _METRIC_CODES["euclidean"], p
        if math.isinf(p):
            return _METRIC_CODES["chebyshev"], p
    return _METRIC_CODES[metric], float(p)


def check_same_width(X, Y):
    """Raise ValueError unless X and Y have the same number of columns.

    The one check the compiled kernels rely on that callers validating X alone
    cannot give: a model restored from a file may hold a fitted matrix (k-means
    centres, a neighbours index) narrower than the rows it is asked about, and a
    kernel would read past its rows.
    """
    if X.ndim != 2 or Y.ndim != 2 or X.shape[1] != Y.shape[1]:
        raise ValueError(
            f"X and Y must be 2-D with the same number of columns; got shapes "
            f"{X.shape} and {Y.shape}."
        )


def _tiles(n_x, n_y, tile, same):
    """Tile coordinates of the output; the upper triangle only when X is Y."""
    ti, tj = np.indices(((n_x + tile - 1) // tile, (n_y + tile - 1) // tile))
    ti, tj = ti.ravel(), tj.ravel()
    if same:
        keep = ti <= tj
        ti, tj = ti[keep], tj[keep]
    return (np.ascontiguousarray(ti, dtype=np.intp),
            np.ascontiguousarray(tj, dtype=np.intp))


def _as_float64(X):
    return X if X.dtype == np.float64 else X.astype(np.float64)


def _sq_norms64(X, n_threads):
    out = np.empty(X.shape[0], dtype=np.float64)
    _row_norms(X, out, True, n_threads)
    return out


def _normalized(X, n_threads):
    out = np.empty_like(X)
    _normalize_rows(X, out, n_threads)
    return out


def row_norms(X, *, squared=False, n_jobs=None):
    """Euclidean norm of each row of ``X``, accumulated in float64.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        C-contiguous float32 or float64 array.
    squared : bool, default=False
        Return squared norms (a plain float64 sum, which overflows like the square
        does). Non-squared norms are rescaled where the square would overflow or
        underflow, so they are exact for any finite input.
    n_jobs : int, default=None
        Number of OpenMP threads; see ``skml.utils._openmp.effective_n_threads``.

    Returns
    -------
    norms : ndarray of shape (n_samples,)
        Of X's dtype.
    """
    out = np.empty(X.shape[0], dtype=np.float64)
    _row_norms(X, out, bool(squared), effective_n_threads(n_jobs))
    return out.astype(X.dtype, copy=False)


def pairwise(X, Y=None, *, metric="euclidean", p=2.0, n_jobs=None):
    """Distance matrix between the rows of X and the rows of Y.

    Parameters
    ----------
    X : ndarray of shape (n_samples_X, n_features)
        C-contiguous float32 or float64 array.
    Y : ndarray of shape (n_samples_Y, n_features), default=None
        Same dtype as X. ``None`` (or X itself) means X: the result is then
        exactly symmetric with a zero diagonal, and half of it is computed.
    metric : {"euclidean", "sqeuclidean", "manhattan", "chebyshev", "minkowski", \
            "cosine"}, default="euclidean"
        Distance; see :ref:`metrics` for definitions and conventions.
    p : float, default=2.0
        Power of the minkowski metric, at least 1.
    n_jobs : int, default=None
        Number of OpenMP threads.

    Returns
    -------
    distances : ndarray of shape (n_samples_X, n_samples_Y)
        Of X's dtype.
    """
    same = Y is None or Y is X
    if Y is None:
        Y = X
    check_same_width(X, Y)
    code, p = _resolve_metric(metric, p)
    n_x, n_y = X.shape[0], Y.shape[0]
    out = np.empty((n_x, n_y), dtype=X.dtype)
    ti, tj = _tiles(n_x, n_y, _TILE, same)
    n_threads = max(1, min(effective_n_threads(n_jobs), ti.shape[0]))
    if code <= _METRIC_CODES["sqeuclidean"]:
        X64 = _as_float64(X)
        Y64 = X64 if same else _as_float64(Y)
        xx = _sq_norms64(X, n_threads)
        yy = xx if same else _sq_norms64(Y, n_threads)
        buf = np.empty((n_threads, _TILE * _TILE), dtype=np.float64)
        squared = code == _METRIC_CODES["sqeuclidean"]
        with _blas_single_threaded():
            _pairwise_euclidean(
                X, Y, X64, Y64, xx, yy, out, squared, same, ti, tj, _TILE, buf,
                n_threads,
            )
    elif code == _METRIC_CODES["cosine"]:
        Xn = _normalized(X, n_threads)
        Yn = Xn if same else _normalized(Y, n_threads)
        buf = np.empty((n_threads, _TILE * _TILE), dtype=X.dtype)
        with _blas_single_threaded():
            _pairwise_cosine(Xn, Yn, out, same, ti, tj, _TILE, buf, n_threads)
    else:
        _pairwise_direct(X, Y, out, code, p, same, ti, tj, _TILE, n_threads)
    return out


def argkmin(
    X, Y, k, *, metric="euclidean", p=2.0, n_jobs=None, return_distance=True
):
    """The k nearest rows of Y for each row of X, in bounded memory.

    Parameters
    ----------
    X : ndarray of shape (n_samples_X, n_features)
        Queries; C-contiguous float32 or float64 array.
    Y : ndarray of shape (n_samples_Y, n_features)
        Candidates, same dtype as X.
    k : int
        Number of neighbours, ``1 <= k <= n_samples_Y``.
    metric : {"euclidean", "sqeuclidean", "manhattan", "chebyshev", "minkowski", \
            "cosine"}, default="euclidean"
        Distance.
    p : float, default=2.0
        Power of the minkowski metric, at least 1.
    n_jobs : int, default=None
        Number of OpenMP threads. They share out chunks of X, or chunks of Y
        when there are too few queries to keep them busy.
    return_distance : bool, default=True
        Also return the distances.

    Returns
    -------
    distances : ndarray of shape (n_samples_X, k)
        Sorted ascending, of X's dtype. Only if ``return_distance``.
    indices : ndarray of shape (n_samples_X, k), dtype=intp
        Rows of Y. Equal distances are ordered by the smaller index of Y, so the
        result is deterministic and the same for every ``n_jobs``.
    """
    check_same_width(X, Y)
    code, p = _resolve_metric(metric, p)
    dtype = X.dtype
    n_x, n_y = X.shape[0], Y.shape[0]
    heap_d = np.full((n_x, k), np.inf)
    heap_i = np.full((n_x, k), np.iinfo(np.intp).max, dtype=np.intp)
    # The partition into chunks depends on the shapes only, never on n_jobs.
    chunk_x = min(_CHUNK_X, n_x)
    n_cx, n_cy = -(-n_x // chunk_x), -(-n_y // _CHUNK_Y)
    n_threads = effective_n_threads(n_jobs)
    # Few queries: share out the chunks of Y (per-thread heaps, merged) instead.
    over_y = n_threads > 1 and n_cx < 2 * n_threads and n_cy > n_cx
    n_threads = max(1, min(n_threads, n_cy if over_y else n_cx))
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
    shape = (n_threads, chunk_x, k) if over_y else (1, 1, 1)
    thread_d = np.empty(shape)
    thread_i = np.empty(shape, dtype=np.intp)
    with _blas_single_threaded():
        _argkmin(
            X, Y, X64, Y64, xx, yy, yy_min, yy_max, code, p, heap_d, heap_i,
            chunk_x, _CHUNK_Y, buf64, buf, thread_d, thread_i, over_y, n_threads,
        )
    _sort_heaps(heap_d, heap_i, n_threads)
    if not return_distance:
        return heap_i
    return heap_d.astype(dtype, copy=False), heap_i


def kernel_matrix(
    X, Y=None, *, kernel="rbf", gamma=None, degree=3, coef0=1.0, n_jobs=None
):
    """Kernel matrix between the rows of X and the rows of Y.

    Parameters
    ----------
    X : ndarray of shape (n_samples_X, n_features)
        C-contiguous float32 or float64 array.
    Y : ndarray of shape (n_samples_Y, n_features), default=None
        Same dtype as X; ``None`` means X (symmetric result, half computed).
    kernel : {"linear", "rbf", "poly", "sigmoid"}, default="rbf"
        ``x.y``, ``exp(-gamma ||x - y||^2)``, ``(gamma x.y + coef0) ** degree``,
        ``tanh(gamma x.y + coef0)``.
    gamma : float, default=None
        ``None`` means ``1 / n_features``.
    degree : float, default=3
        Exponent of the poly kernel.
    coef0 : float, default=1.0
        Offset of the poly and sigmoid kernels.
    n_jobs : int, default=None
        Number of OpenMP threads.

    Returns
    -------
    kernel : ndarray of shape (n_samples_X, n_samples_Y)
        Of X's dtype.
    """
    same = Y is None or Y is X
    if Y is None:
        Y = X
    check_same_width(X, Y)
    if gamma is None:
        gamma = 1.0 / X.shape[1]
    kind = _KERNEL_CODES[kernel]
    n_x, n_y = X.shape[0], Y.shape[0]
    out = np.empty((n_x, n_y), dtype=X.dtype)
    ti, tj = _tiles(n_x, n_y, _TILE, same)
    n_threads = max(1, min(effective_n_threads(n_jobs), ti.shape[0]))
    if kind == _KERNEL_CODES["rbf"]:
        X64 = _as_float64(X)
        Y64 = X64 if same else _as_float64(Y)
        xx = _sq_norms64(X, n_threads)
        yy = xx if same else _sq_norms64(Y, n_threads)
        buf64 = np.empty((n_threads, _TILE * _TILE), dtype=np.float64)
        buf = np.empty((1, 1), dtype=X.dtype)
    else:
        X64 = Y64 = np.empty((1, 1), dtype=np.float64)
        xx = yy = np.empty(1, dtype=np.float64)
        buf64 = np.empty((1, 1), dtype=np.float64)
        buf = np.empty((n_threads, _TILE * _TILE), dtype=X.dtype)
    with _blas_single_threaded():
        _kernel_matrix(
            X, Y, X64, Y64, xx, yy, out, kind, float(gamma), float(coef0),
            float(degree), same, ti, tj, _TILE, buf64, buf, n_threads,
        )
    return out
