# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
# Building blocks shared by every module of the distance core: metric codes, the
# row-major GEMM wrapper, and distances between two single rows.
#
# Every helper reads rows through raw pointers of ``n`` contiguous values and
# accumulates in float64, whatever the input precision.

from cython cimport floating
from libc.math cimport fabs, sqrt
from scipy.linalg.cython_blas cimport dgemm, sgemm

from skml.utils._typedefs cimport float64_t, intp_t


# Metric codes; the Python layer maps names to these values (``_METRICS``).
cdef enum Metric:
    EUCLIDEAN = 0
    SQEUCLIDEAN = 1
    MANHATTAN = 2
    CHEBYSHEV = 3
    MINKOWSKI = 4
    COSINE = 5


cdef inline void gemm_abt(
    int m, int n, int k, floating alpha, const floating* A, const floating* B,
    floating* C,
) noexcept nogil:
    # C (m x n, row-major) = alpha * A (m x k, row-major) @ B (n x k, row-major).T
    # Row-major C is column-major C.T = B @ A.T, hence the swapped operands.
    cdef char ta = b"T"
    cdef char tb = b"N"
    cdef floating beta = 0.0
    if floating is float:
        sgemm(&ta, &tb, &n, &m, &k, &alpha, <float*> B, &k, <float*> A, &k,
              &beta, C, &n)
    else:
        dgemm(&ta, &tb, &n, &m, &k, &alpha, <double*> B, &k, <double*> A, &k,
              &beta, C, &n)


cdef inline float64_t sqeuclidean_direct(
    const floating* x, const floating* y, intp_t n
) noexcept nogil:
    # sum((x - y) ** 2) accumulated in float64, with four partial sums
    # (instruction-level parallelism: KMeans and the trees compute many short
    # distances).
    cdef intp_t i, n4 = n - n % 4
    cdef float64_t d0, d1, d2, d3
    cdef float64_t a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0
    for i in range(0, n4, 4):
        d0 = <float64_t> x[i] - <float64_t> y[i]
        d1 = <float64_t> x[i + 1] - <float64_t> y[i + 1]
        d2 = <float64_t> x[i + 2] - <float64_t> y[i + 2]
        d3 = <float64_t> x[i + 3] - <float64_t> y[i + 3]
        a0 += d0 * d0
        a1 += d1 * d1
        a2 += d2 * d2
        a3 += d3 * d3
    for i in range(n4, n):
        d0 = <float64_t> x[i] - <float64_t> y[i]
        a0 += d0 * d0
    return (a0 + a1) + (a2 + a3)


cdef inline float64_t manhattan_direct(
    const floating* x, const floating* y, intp_t n
) noexcept nogil:
    # sum(|x - y|) with four partial sums (instruction-level parallelism).
    cdef intp_t i, n4 = n - n % 4
    cdef float64_t a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0
    for i in range(0, n4, 4):
        a0 += fabs(<float64_t> x[i] - <float64_t> y[i])
        a1 += fabs(<float64_t> x[i + 1] - <float64_t> y[i + 1])
        a2 += fabs(<float64_t> x[i + 2] - <float64_t> y[i + 2])
        a3 += fabs(<float64_t> x[i + 3] - <float64_t> y[i + 3])
    for i in range(n4, n):
        a0 += fabs(<float64_t> x[i] - <float64_t> y[i])
    return (a0 + a1) + (a2 + a3)


cdef inline float64_t chebyshev_direct(
    const floating* x, const floating* y, intp_t n
) noexcept nogil:
    # max(|x - y|).
    cdef intp_t i
    cdef float64_t diff, acc = 0.0
    for i in range(n):
        diff = fabs(<float64_t> x[i] - <float64_t> y[i])
        if diff > acc:
            acc = diff
    return acc


cdef inline bint expansion_unsafe(float64_t d2, float64_t s) noexcept nogil:
    # True where d2 = ||x||^2 + ||y||^2 - 2 x.y (with s = ||x||^2 + ||y||^2) may be
    # inaccurate: cancellation (d2 small relative to s), norms whose squares
    # underflow, or norms near overflow. NaN (inf - inf) also counts as unsafe.
    return not (d2 > 1e-6 * s and s > 1e-280 and s < 1e300)


cdef inline bint expansion_safe_above(
    float64_t t, float64_t s_min, float64_t s_max
) noexcept nogil:
    # True if every expansion value d2 > t is safe (see ``expansion_unsafe``) for
    # all s in [s_min, s_max]: then ``d2 > t`` alone proves a candidate too far.
    return t >= 1e-6 * s_max and s_min > 1e-280 and s_max < 1e300


cdef float64_t euclidean_scaled(
    const floating* x, const floating* y, intp_t n
) noexcept nogil

cdef float64_t sqeuclidean_fixup(
    const floating* x, const floating* y, intp_t n
) noexcept nogil

cdef float64_t euclidean_safe(
    const floating* x, const floating* y, intp_t n
) noexcept nogil

cdef float64_t minkowski_direct(
    const floating* x, const floating* y, intp_t n, float64_t p
) noexcept nogil

cdef float64_t pair_distance(
    const floating* x, const floating* y, intp_t n, Metric metric, float64_t p
) noexcept nogil

cdef float64_t norm_safe(const floating* x, intp_t n) noexcept nogil


cdef inline float64_t fast_distance(
    const floating* x, const floating* y, intp_t n, Metric metric, float64_t p
) noexcept nogil:
    # ``pair_distance`` with the cheap metrics inlined into the caller's loop.
    if metric == MANHATTAN:
        return manhattan_direct(x, y, n)
    if metric == CHEBYSHEV:
        return chebyshev_direct(x, y, n)
    if metric == SQEUCLIDEAN:
        return sqeuclidean_direct(x, y, n)
    return pair_distance(x, y, n, metric, p)
