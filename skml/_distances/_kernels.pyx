# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Kernel matrices and kernel rows (linear, rbf, poly, sigmoid).

Dot-product kernels use one GEMM per output tile in the input precision, like
scikit-learn; the rbf kernel reuses the corrected Euclidean tile of ``_pairwise``,
so ``exp(-gamma d^2)`` is accurate for close pairs too.
"""

from cython.parallel cimport prange, threadid
from libc.math cimport exp, pow, tanh

from skml._distances._base cimport (
    euclidean_scaled,
    gemm_abt,
    sqeuclidean_direct,
)
from skml._distances._pairwise cimport euclidean_tile


cdef inline float64_t _power(float64_t base, float64_t degree) noexcept nogil:
    # base ** degree, by repeated squaring for small integer degrees.
    cdef int e
    cdef float64_t result = 1.0
    if degree >= 0.0 and degree <= 64.0 and degree == <int> degree:
        e = <int> degree
        while e > 0:
            if e & 1:
                result *= base
            base *= base
            e >>= 1
        return result
    return pow(base, degree)


cdef inline float64_t _from_dot(float64_t dot, KernelSpec spec) noexcept nogil:
    if spec.kind == LINEAR:
        return dot
    if spec.kind == POLY:
        return _power(spec.gamma * dot + spec.coef0, spec.degree)
    return tanh(spec.gamma * dot + spec.coef0)


cdef inline float64_t _kernel_pair(
    const floating* x, const floating* y, intp_t n, KernelSpec spec
) noexcept nogil:
    # The kernel of one pair, accumulated in float64.
    cdef intp_t i
    cdef float64_t acc
    if spec.kind == RBF:
        return exp(-spec.gamma * sqeuclidean_direct(x, y, n))
    acc = 0.0
    for i in range(n):
        acc += <float64_t> x[i] * <float64_t> y[i]
    return _from_dot(acc, spec)


cdef void kernel_row(
    const floating[::1] x,
    const floating[:, ::1] Y,
    KernelSpec spec,
    float64_t[::1] out,
) noexcept nogil:
    """Kernel of one sample ``x`` against every row of ``Y`` into ``out``.

    Accumulates in float64, pair by pair (no GEMM: one row is a matrix-vector
    product), so it can run inside a solver's own parallel loop.
    """
    cdef intp_t j, n = Y.shape[1]
    for j in range(Y.shape[0]):
        out[j] = _kernel_pair(&x[0], &Y[j, 0], n, spec)


cdef void kernel_row_indexed(
    const floating[::1] x,
    const floating[:, ::1] Y,
    const intp_t[::1] rows,
    KernelSpec spec,
    float64_t[::1] out,
) noexcept nogil:
    """Kernel of ``x`` against the rows ``rows`` of ``Y``: ``out[r] = k(x, Y[r])``.

    The scattered form of ``kernel_row``, for solvers that need a row on a subset
    of the samples only (SMO with shrinking).
    """
    cdef intp_t k, r, n = Y.shape[1]
    for k in range(rows.shape[0]):
        r = rows[k]
        out[r] = _kernel_pair(&x[0], &Y[r, 0], n, spec)


def _py_kernel_row(
    const floating[::1] x,
    const floating[:, ::1] Y,
    int kind,
    float64_t gamma,
    float64_t coef0,
    float64_t degree,
    float64_t[::1] out,
):
    """Test-only wrapper of ``kernel_row``."""
    cdef KernelSpec spec = KernelSpec(kind, gamma, coef0, degree)
    with nogil:
        kernel_row(x, Y, spec, out)


def _kernel_matrix(
    const floating[:, ::1] X,
    const floating[:, ::1] Y,
    const float64_t[:, ::1] X64,
    const float64_t[:, ::1] Y64,
    const float64_t[::1] xx,
    const float64_t[::1] yy,
    floating[:, ::1] out,
    int kind,
    float64_t gamma,
    float64_t coef0,
    float64_t degree,
    bint same,
    const intp_t[::1] tiles_i,
    const intp_t[::1] tiles_j,
    intp_t tile,
    float64_t[:, ::1] buf64,
    floating[:, ::1] buf,
    int n_threads,
):
    """Kernel matrix into ``out``, tile by tile (see ``_pairwise`` for tiles).

    ``X64``, ``Y64``, ``xx``, ``yy`` and ``buf64`` serve the rbf kernel only;
    ``buf`` the dot-product kernels. Both buffers are ``(n_threads, tile * tile)``.
    """
    cdef KernelSpec spec = KernelSpec(kind, gamma, coef0, degree)
    cdef intp_t t, i, j, gi, gj, i0, i1, j0, j1, n
    cdef intp_t n_x = X.shape[0], n_y = Y.shape[0], k = X.shape[1]
    cdef float64_t v
    cdef float64_t* D
    cdef floating* S
    with nogil:
        for t in prange(tiles_i.shape[0], schedule="static", num_threads=n_threads):
            i0 = tiles_i[t] * tile
            i1 = min(i0 + tile, n_x)
            j0 = tiles_j[t] * tile
            j1 = min(j0 + tile, n_y)
            n = j1 - j0
            if kind == RBF:
                D = &buf64[threadid(), 0]
                euclidean_tile(X, Y, X64, Y64, xx, yy, i0, i1, j0, j1, D)
            else:
                S = &buf[threadid(), 0]
                gemm_abt(<int> (i1 - i0), <int> n, <int> k, <floating> 1.0,
                         &X[i0, 0], &Y[j0, 0], S)
            for i in range(i1 - i0):
                gi = i0 + i
                for j in range(n):
                    gj = j0 + j
                    if same and gj < gi:
                        continue
                    if kind == RBF:
                        v = D[i * n + j]
                        if v < 0.0:
                            v = euclidean_scaled(&X[gi, 0], &Y[gj, 0], k)
                            v = v * v
                        v = exp(-gamma * v)
                    else:
                        v = _from_dot(<float64_t> S[i * n + j], spec)
                    out[gi, gj] = <floating> v
                    if same:
                        out[gj, gi] = <floating> v
