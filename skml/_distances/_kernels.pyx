# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Kernel matrices and kernel rows (linear, rbf, poly, sigmoid).

Dot-product kernels use one GEMM per output tile in the input precision, like
scikit-learn; the rbf kernel reuses the corrected Euclidean tile of ``_pairwise``,
so ``exp(-gamma d^2)`` is accurate for close pairs too.

The rbf kernel takes ``exp`` of whole arrays with ``exp_inplace``, skml's own
exponential: Cody-Waite range reduction ``x = n ln2 + r``, a degree-13 Taylor
polynomial in ``r`` (``|r| <= ln2 / 2``) and ``2^n`` built from its bits, with
no branch, so the compiler vectorises it. Its error is within one ulp of the
exact value (``test_exp_inplace_*``), like libm's, and it is several times
faster than a libm call per entry on AVX2 or AVX-512. On x86-64 Linux it is
compiled once per instruction set (``target_clones``) and picked at load time;
no contraction into FMA (``setup.py``) keeps the value the same in every clone.
"""

from cython.parallel cimport prange, threadid
from libc.math cimport pow, tanh

from skml._distances._base cimport (
    euclidean_scaled,
    gemm_abt,
    sqeuclidean_direct,
)
from skml._distances._pairwise cimport euclidean_tile


cdef extern from *:
    """
    #include <stdint.h>

    #if defined(__x86_64__) && defined(__ELF__) && defined(__GLIBC__) \
        && defined(__has_attribute)
    #if __has_attribute(target_clones)
    #define SKML_EXP_CLONES \
        __attribute__((target_clones("avx512f", "avx2", "default")))
    #endif
    #endif
    #ifndef SKML_EXP_CLONES
    #define SKML_EXP_CLONES
    #endif

    /* exp(x) to within one ulp, with selects only (no branch, no call). */
    static inline double skml_exp1(double x) {
        const double log2e = 1.4426950408889634;
        /* ln 2 = ln2_hi + ln2_lo; ln2_hi has 11 trailing zero bits, so
           n * ln2_hi is exact for |n| < 2048 */
        const double ln2_hi = 6.93147180369123816490e-01;
        const double ln2_lo = 1.90821492927058770002e-10;
        /* adding 1.5 * 2^52 rounds to an integer, which then sits in the low
           bits of the sum's mantissa */
        const double shift = 6755399441055744.0;
        union { double d; uint64_t u; } bits;
        double xc, n, r, p, adj, s, back;
        /* beyond [-746, 710] exp is 0 or inf; clamping keeps n in range */
        xc = x < -746.0 ? -746.0 : (x > 710.0 ? 710.0 : x);
        n = (xc * log2e + shift) - shift;
        r = (xc - n * ln2_hi) - n * ln2_lo;
        /* exp(r) = 1 + r + r^2 (1/2 + r/6 + ... + r^11/13!) */
        p = 1.0 / 6227020800.0;
        p = p * r + 1.0 / 479001600.0;
        p = p * r + 1.0 / 39916800.0;
        p = p * r + 1.0 / 3628800.0;
        p = p * r + 1.0 / 362880.0;
        p = p * r + 1.0 / 40320.0;
        p = p * r + 1.0 / 5040.0;
        p = p * r + 1.0 / 720.0;
        p = p * r + 1.0 / 120.0;
        p = p * r + 1.0 / 24.0;
        p = p * r + 1.0 / 6.0;
        p = p * r + 0.5;
        p = (p * r * r + r) + 1.0;
        /* 2^n = 2^(n + adj) 2^(-adj): both factors normal doubles for n in
           [-1077, 1025], so subnormal results and exp(709.7) come out right */
        adj = n < -1000.0 ? 64.0 : (n > 1000.0 ? -64.0 : 0.0);
        bits.d = (n + adj) + shift;
        bits.u = (bits.u + 1023) << 52;
        s = bits.d;
        back = adj > 0.0 ? 5.421010862427522e-20
               : (adj < 0.0 ? 1.8446744073709552e19 : 1.0);
        p = (p * s) * back;
        return x != x ? x : p;
    }

    /* x[i] = exp(x[i]) for i < n */
    SKML_EXP_CLONES
    static void skml_exp_inplace(double *x, Py_ssize_t n) {
        Py_ssize_t i;
        #pragma omp simd
        for (i = 0; i < n; i++) {
            x[i] = skml_exp1(x[i]);
        }
    }
    """
    void exp_inplace "skml_exp_inplace" (float64_t* x, intp_t n) noexcept nogil

# Entries of the stack buffer of ``kernel_row_indexed`` (rbf).
cdef enum:
    EXP_CHUNK = 256


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
    # A dot-product kernel of one pair, accumulated in float64 (the rbf rows
    # take the array exp instead).
    cdef intp_t i
    cdef float64_t acc = 0.0
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
    cdef intp_t j, n = Y.shape[1], m = Y.shape[0]
    if spec.kind == RBF:
        if m == 0:
            return
        for j in range(m):
            out[j] = -spec.gamma * sqeuclidean_direct(&x[0], &Y[j, 0], n)
        exp_inplace(&out[0], m)
        return
    for j in range(m):
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
    cdef intp_t k, k0, m, r, n = Y.shape[1]
    cdef float64_t buf[EXP_CHUNK]
    if spec.kind == RBF:
        # gathered into a contiguous chunk for the array exp
        k0 = 0
        while k0 < rows.shape[0]:
            m = min(<intp_t> EXP_CHUNK, rows.shape[0] - k0)
            for k in range(m):
                buf[k] = -spec.gamma * sqeuclidean_direct(
                    &x[0], &Y[rows[k0 + k], 0], n)
            exp_inplace(buf, m)
            for k in range(m):
                out[rows[k0 + k]] = buf[k]
            k0 += m
        return
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


def _py_kernel_row_indexed(
    const floating[::1] x,
    const floating[:, ::1] Y,
    const intp_t[::1] rows,
    int kind,
    float64_t gamma,
    float64_t coef0,
    float64_t degree,
    float64_t[::1] out,
):
    """Test-only wrapper of ``kernel_row_indexed``."""
    cdef KernelSpec spec = KernelSpec(kind, gamma, coef0, degree)
    with nogil:
        kernel_row_indexed(x, Y, rows, spec, out)


def _py_exp_inplace(float64_t[::1] x):
    """Test-only wrapper of ``exp_inplace``."""
    if x.shape[0] > 0:
        with nogil:
            exp_inplace(&x[0], x.shape[0])


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
    cdef intp_t t, i, j, gi, gj, i0, i1, j0, j1, n, js
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
                js = 0                  # same: only gj >= gi, mirrored
                if same and gi > j0:
                    js = min(gi - j0, n)
                if kind == RBF:
                    for j in range(js, n):
                        v = D[i * n + j]
                        if v < 0.0:
                            v = euclidean_scaled(&X[gi, 0], &Y[j0 + j, 0], k)
                            v = v * v
                        D[i * n + j] = -gamma * v
                    if js < n:
                        exp_inplace(&D[i * n + js], n - js)
                for j in range(js, n):
                    gj = j0 + j
                    if kind == RBF:
                        v = D[i * n + j]
                    else:
                        v = _from_dot(<float64_t> S[i * n + j], spec)
                    out[gi, gj] = <floating> v
                    if same:
                        out[gj, gi] = <floating> v
