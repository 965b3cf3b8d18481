# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Single-pair distances that stay exact at the ends of the float range, and row norms.

The fast paths (GEMM expansion, plain sums of squares) are inlined from
``_base.pxd``; the functions here are the slower, careful fallbacks they call when a
square would overflow or underflow, plus the row-wise helpers the Python layer uses.
"""

from cython.parallel cimport prange
from libc.math cimport INFINITY, fabs, pow, sqrt

# Sums of squares inside [_TINY, inf) lost nothing to underflow or overflow.
cdef float64_t _TINY = 1e-280


cdef inline float64_t _max_abs_diff(
    const floating* x, const floating* y, intp_t n
) noexcept nogil:
    cdef intp_t i
    cdef float64_t diff, acc = 0.0
    for i in range(n):
        diff = fabs(<float64_t> x[i] - <float64_t> y[i])
        if diff > acc:
            acc = diff
    return acc


cdef float64_t euclidean_scaled(
    const floating* x, const floating* y, intp_t n
) noexcept nogil:
    """Euclidean distance computed as ``m * ||(x - y) / m||`` with ``m = max|x - y|``.

    Exact to a few ulps even where ``(x - y) ** 2`` overflows or underflows.
    """
    cdef intp_t i
    cdef float64_t diff, acc = 0.0
    cdef float64_t m = _max_abs_diff(x, y, n)
    if m == 0.0 or m == INFINITY:
        return m
    for i in range(n):
        diff = (<float64_t> x[i] - <float64_t> y[i]) / m
        acc += diff * diff
    return m * sqrt(acc)


cdef float64_t sqeuclidean_fixup(
    const floating* x, const floating* y, intp_t n
) noexcept nogil:
    """Squared distance summed directly, or -1 if only ``euclidean_scaled`` is exact.

    Called where the GEMM expansion is unsafe (see ``expansion_unsafe``).
    """
    cdef float64_t d2 = sqeuclidean_direct(x, y, n)
    if d2 >= _TINY and d2 < INFINITY:
        return d2
    return -1.0


cdef float64_t euclidean_safe(
    const floating* x, const floating* y, intp_t n
) noexcept nogil:
    """Euclidean distance: the direct sum of squares, or the scaled form if needed."""
    cdef float64_t d2 = sqeuclidean_direct(x, y, n)
    if d2 >= _TINY and d2 < INFINITY:
        return sqrt(d2)
    return euclidean_scaled(x, y, n)


cdef float64_t minkowski_direct(
    const floating* x, const floating* y, intp_t n, float64_t p
) noexcept nogil:
    """``sum(|x - y| ** p) ** (1 / p)``, rescaled by ``max|x - y|`` if the sum is off
    range."""
    cdef intp_t i
    cdef float64_t acc = 0.0, m
    for i in range(n):
        acc += pow(fabs(<float64_t> x[i] - <float64_t> y[i]), p)
    if acc >= _TINY and acc < INFINITY:
        return pow(acc, 1.0 / p)
    m = _max_abs_diff(x, y, n)
    if m == 0.0 or m == INFINITY:
        return m
    acc = 0.0
    for i in range(n):
        acc += pow(fabs(<float64_t> x[i] - <float64_t> y[i]) / m, p)
    return m * pow(acc, 1.0 / p)


cdef float64_t norm_safe(const floating* x, intp_t n) noexcept nogil:
    """Euclidean norm of one row, rescaled by ``max|x|`` if its square is off range."""
    cdef intp_t i
    cdef float64_t v, acc = 0.0, m = 0.0
    for i in range(n):
        v = <float64_t> x[i]
        acc += v * v
    if acc >= _TINY and acc < INFINITY:
        return sqrt(acc)
    for i in range(n):
        v = fabs(<float64_t> x[i])
        if v > m:
            m = v
    if m == 0.0 or m == INFINITY:
        return m
    acc = 0.0
    for i in range(n):
        v = <float64_t> x[i] / m
        acc += v * v
    return m * sqrt(acc)


cdef float64_t _cosine_direct(
    const floating* x, const floating* y, intp_t n
) noexcept nogil:
    # 1 - cos(x, y) with the rows normalised first; a zero row is at distance 1.
    cdef intp_t i
    cdef float64_t nx = norm_safe(x, n), ny = norm_safe(y, n), acc = 0.0
    if nx == 0.0 or ny == 0.0:
        return 1.0
    for i in range(n):
        acc += (<float64_t> x[i] / nx) * (<float64_t> y[i] / ny)
    acc = 1.0 - acc
    return 0.0 if acc < 0.0 else (2.0 if acc > 2.0 else acc)


cdef float64_t pair_distance(
    const floating* x, const floating* y, intp_t n, Metric metric, float64_t p
) noexcept nogil:
    """Distance between two rows for any metric, without GEMM.

    ``sqeuclidean`` is the plain float64 sum of squares, like scipy's ``cdist``.
    """
    if metric == EUCLIDEAN:
        return euclidean_safe(x, y, n)
    if metric == SQEUCLIDEAN:
        return sqeuclidean_direct(x, y, n)
    if metric == MANHATTAN:
        return manhattan_direct(x, y, n)
    if metric == CHEBYSHEV:
        return chebyshev_direct(x, y, n)
    if metric == MINKOWSKI:
        return minkowski_direct(x, y, n, p)
    return _cosine_direct(x, y, n)


def _row_norms(
    const floating[:, ::1] X, float64_t[::1] out, bint squared, int n_threads
):
    """Write the (squared) Euclidean norm of each row of ``X`` into ``out``.

    Squared norms are plain float64 sums (they may overflow to inf, as the square
    does); norms are rescaled where needed and never overflow spuriously.
    """
    cdef intp_t i, n = X.shape[1]
    with nogil:
        for i in prange(X.shape[0], schedule="static", num_threads=n_threads):
            if squared:
                out[i] = _sqnorm(&X[i, 0], n)
            else:
                out[i] = norm_safe(&X[i, 0], n)


cdef inline float64_t _sqnorm(const floating* x, intp_t n) noexcept nogil:
    cdef intp_t i
    cdef float64_t v, acc = 0.0
    for i in range(n):
        v = <float64_t> x[i]
        acc += v * v
    return acc


def _normalize_rows(
    const floating[:, ::1] X, floating[:, ::1] out, int n_threads
):
    """Write ``X`` with each row divided by its norm into ``out`` (zero rows stay 0)."""
    cdef intp_t i, j, n = X.shape[1]
    cdef float64_t norm
    with nogil:
        for i in prange(X.shape[0], schedule="static", num_threads=n_threads):
            norm = norm_safe(&X[i, 0], n)
            if norm == 0.0:
                for j in range(n):
                    out[i, j] = 0.0
            else:
                for j in range(n):
                    out[i, j] = <floating> (<float64_t> X[i, j] / norm)
