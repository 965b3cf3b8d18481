# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Dense pairwise distance matrices, computed tile by tile in parallel.

The output is cut into square tiles listed by the caller (``tiles_i``, ``tiles_j``:
tile coordinates). When X is Y only the upper triangle of tiles is listed; each
value is then written at ``(i, j)`` and ``(j, i)``, so the result is exactly
symmetric with an exact zero diagonal. Tile sizes do not depend on the thread count,
so every ``n_jobs`` gives bit-identical results.
"""

from cython.parallel cimport prange, threadid
from libc.math cimport sqrt

from skml._distances._base cimport (
    Metric,
    euclidean_scaled,
    expansion_unsafe,
    fast_distance,
    gemm_abt,
    sqeuclidean_fixup,
)


cdef void euclidean_tile(
    const floating[:, ::1] X,
    const floating[:, ::1] Y,
    const float64_t[:, ::1] X64,
    const float64_t[:, ::1] Y64,
    const float64_t[::1] xx,
    const float64_t[::1] yy,
    intp_t i0,
    intp_t i1,
    intp_t j0,
    intp_t j1,
    float64_t* D,
) noexcept nogil:
    """Squared distances of rows ``i0:i1`` of X to rows ``j0:j1`` of Y into ``D``.

    ``D`` is row-major with ``j1 - j0`` columns. Computed as
    ``||x||^2 + ||y||^2 - 2 x.y`` with one float64 GEMM (``X64``, ``Y64`` are the
    float64 versions of X and Y; ``xx``, ``yy`` their squared row norms); where the
    expansion is unsafe the pair is summed directly from X and Y, and where even that
    squares out of range, ``D`` holds -1: the caller then uses ``euclidean_scaled``.
    """
    cdef intp_t m = i1 - i0, n = j1 - j0, k = X.shape[1], i, j
    cdef float64_t a, s, d2
    cdef float64_t* row
    gemm_abt(<int> m, <int> n, <int> k, -2.0, &X64[i0, 0], &Y64[j0, 0], D)
    for i in range(m):
        a = xx[i0 + i]
        row = D + i * n
        for j in range(n):
            s = a + yy[j0 + j]
            d2 = row[j] + s
            if expansion_unsafe(d2, s):
                d2 = sqeuclidean_fixup(&X[i0 + i, 0], &Y[j0 + j, 0], k)
            row[j] = d2


def _pairwise_euclidean(
    const floating[:, ::1] X,
    const floating[:, ::1] Y,
    const float64_t[:, ::1] X64,
    const float64_t[:, ::1] Y64,
    const float64_t[::1] xx,
    const float64_t[::1] yy,
    floating[:, ::1] out,
    bint squared,
    bint same,
    const intp_t[::1] tiles_i,
    const intp_t[::1] tiles_j,
    intp_t tile,
    float64_t[:, ::1] buf,
    int n_threads,
):
    """(Squared) Euclidean distances into ``out`` via GEMM; ``buf`` is per-thread
    scratch of shape ``(n_threads, tile * tile)``."""
    cdef intp_t t, i, j, gi, gj, i0, i1, j0, j1, n
    cdef intp_t n_x = X.shape[0], n_y = Y.shape[0], k = X.shape[1]
    cdef float64_t a, s, d2, v
    cdef float64_t* D
    with nogil:
        for t in prange(tiles_i.shape[0], schedule="static", num_threads=n_threads):
            i0 = tiles_i[t] * tile
            i1 = min(i0 + tile, n_x)
            j0 = tiles_j[t] * tile
            j1 = min(j0 + tile, n_y)
            n = j1 - j0
            D = &buf[threadid(), 0]
            gemm_abt(<int> (i1 - i0), <int> n, <int> k, -2.0, &X64[i0, 0],
                     &Y64[j0, 0], D)
            # One pass over the tile: expansion, correction where unsafe, root
            # (``euclidean_tile`` would take two).
            for i in range(i1 - i0):
                gi = i0 + i
                a = xx[gi]
                for j in range(n):
                    gj = j0 + j
                    if same and gj <= gi:
                        if gj == gi:
                            out[gi, gi] = 0.0
                        continue
                    s = a + yy[gj]
                    d2 = D[i * n + j] + s
                    if expansion_unsafe(d2, s):
                        d2 = sqeuclidean_fixup(&X[gi, 0], &Y[gj, 0], k)
                    if d2 < 0.0:
                        v = euclidean_scaled(&X[gi, 0], &Y[gj, 0], k)
                        if squared:
                            v = v * v
                    elif squared:
                        v = d2
                    else:
                        v = sqrt(d2)
                    out[gi, gj] = <floating> v
                    if same:
                        out[gj, gi] = <floating> v


def _pairwise_cosine(
    const floating[:, ::1] Xn,
    const floating[:, ::1] Yn,
    floating[:, ::1] out,
    bint same,
    const intp_t[::1] tiles_i,
    const intp_t[::1] tiles_j,
    intp_t tile,
    floating[:, ::1] buf,
    int n_threads,
):
    """Cosine distances ``1 - xn.yn`` of row-normalised ``Xn``, ``Yn`` into ``out``,
    clipped to [0, 2]; zero rows are at distance 1 from everything but themselves."""
    cdef intp_t t, i, j, gi, gj, i0, i1, j0, j1, n
    cdef intp_t n_x = Xn.shape[0], n_y = Yn.shape[0], k = Xn.shape[1]
    cdef float64_t v
    cdef floating* S
    with nogil:
        for t in prange(tiles_i.shape[0], schedule="static", num_threads=n_threads):
            i0 = tiles_i[t] * tile
            i1 = min(i0 + tile, n_x)
            j0 = tiles_j[t] * tile
            j1 = min(j0 + tile, n_y)
            n = j1 - j0
            S = &buf[threadid(), 0]
            gemm_abt(<int> (i1 - i0), <int> n, <int> k, <floating> 1.0,
                     &Xn[i0, 0], &Yn[j0, 0], S)
            for i in range(i1 - i0):
                gi = i0 + i
                for j in range(n):
                    gj = j0 + j
                    if same and gj <= gi:
                        if gj == gi:
                            out[gi, gi] = 0.0
                        continue
                    v = 1.0 - <float64_t> S[i * n + j]
                    v = 0.0 if v < 0.0 else (2.0 if v > 2.0 else v)
                    out[gi, gj] = <floating> v
                    if same:
                        out[gj, gi] = <floating> v


def _pairwise_direct(
    const floating[:, ::1] X,
    const floating[:, ::1] Y,
    floating[:, ::1] out,
    int metric,
    float64_t p,
    bint same,
    const intp_t[::1] tiles_i,
    const intp_t[::1] tiles_j,
    intp_t tile,
    int n_threads,
):
    """Distances summed pair by pair (manhattan, chebyshev, minkowski, ...)."""
    cdef intp_t t, i, j, i0, i1, j0, j1, j_start
    cdef intp_t n_x = X.shape[0], n_y = Y.shape[0], k = X.shape[1]
    cdef Metric code = <Metric> metric
    cdef float64_t v
    with nogil:
        for t in prange(tiles_i.shape[0], schedule="static", num_threads=n_threads):
            i0 = tiles_i[t] * tile
            i1 = min(i0 + tile, n_x)
            j0 = tiles_j[t] * tile
            j1 = min(j0 + tile, n_y)
            for i in range(i0, i1):
                j_start = j0
                if same:
                    j_start = max(j0, i + 1)
                    if i >= j0 and i < j1:
                        out[i, i] = 0.0
                for j in range(j_start, j1):
                    v = fast_distance(&X[i, 0], &Y[j, 0], k, code, p)
                    out[i, j] = <floating> v
                    if same:
                        out[j, i] = <floating> v
