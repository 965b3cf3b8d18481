# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""The k nearest rows of Y for each row of X, in bounded memory.

X is cut into chunks of rows processed in parallel (one thread per chunk, each
owning the heaps of its rows); each chunk meets Y chunk by chunk, so memory is
``O(chunk_x * chunk_y)`` per thread, never ``n_X * n_Y``. With few queries the
threads share out the chunks of Y instead, each with its own heaps, merged at the
end. Chunk sizes depend on the problem shape only, and the kept neighbours are
the k smallest (distance, index) pairs, so every thread count gives identical
results.

For the Euclidean metric a chunk pair is one float64 GEMM
(``||x||^2 + ||y||^2 - 2 x.y``); a candidate is rejected on its squared
distance, and only the candidates that may enter a heap are corrected (where the
expansion is unsafe) and square-rooted, so heaps hold true distances.
"""

from cpython.pyport cimport PY_SSIZE_T_MAX
from cython cimport floating
from cython.parallel cimport prange, threadid
from libc.math cimport INFINITY, sqrt

from skml._distances._base cimport (
    COSINE,
    EUCLIDEAN,
    SQEUCLIDEAN,
    Metric,
    euclidean_scaled,
    expansion_safe_above,
    expansion_unsafe,
    fast_distance,
    gemm_abt,
    sqeuclidean_fixup,
)

# Slack on the squared rejection threshold so that a candidate whose rounded
# square root ties with the root is still examined.
cdef float64_t _SQ_SLACK = 1.0 + 1e-15
# The index of an empty heap slot (paired with an infinite distance).
cdef intp_t _EMPTY = PY_SSIZE_T_MAX


cdef inline bint _greater(
    float64_t va, intp_t ia, float64_t vb, intp_t ib
) noexcept nogil:
    return va > vb or (va == vb and ia > ib)


cdef void heap_replace_top(
    float64_t* values, intp_t* indices, intp_t size, float64_t value, intp_t index
) noexcept nogil:
    """Replace the root by (value, index) and sift it down to its place."""
    cdef intp_t pos = 0, left, right, child
    while True:
        left = 2 * pos + 1
        if left >= size:
            break
        right = left + 1
        child = left
        if right < size and _greater(
            values[right], indices[right], values[left], indices[left]
        ):
            child = right
        if not _greater(values[child], indices[child], value, index):
            break
        values[pos] = values[child]
        indices[pos] = indices[child]
        pos = child
    values[pos] = value
    indices[pos] = index


cdef void heap_sort(float64_t* values, intp_t* indices, intp_t size) noexcept nogil:
    """Sort a heap in place into ascending (value, index) order."""
    cdef intp_t end, last_index
    cdef float64_t last_value
    for end in range(size - 1, 0, -1):
        last_value = values[end]
        last_index = indices[end]
        values[end] = values[0]
        indices[end] = indices[0]
        heap_replace_top(values, indices, end, last_value, last_index)


cdef inline float64_t _threshold(float64_t top, bint squared) noexcept nogil:
    # Squared distances above this cannot enter a heap whose root is ``top``.
    return top if squared else top * top * _SQ_SLACK


cdef inline void _push_euclidean_row(
    const floating* x,
    const floating* Y,
    intp_t n_features,
    const float64_t* g,
    float64_t a,
    const float64_t* yy,
    float64_t yy_min,
    float64_t yy_max,
    intp_t n,
    intp_t j0,
    float64_t* hd,
    intp_t* hi,
    intp_t k,
    bint squared,
) noexcept nogil:
    # Offer rows j0:j0+n of Y (Y points at row j0) to the heap of x. ``g`` holds
    # -2 x.y, ``a`` is ||x||^2, ``yy`` the squared norms of those rows and
    # ``yy_min``, ``yy_max`` their extremes. The heap holds distances, or squared
    # distances if ``squared``.
    cdef intp_t j
    cdef float64_t s, d2, d
    cdef float64_t top2 = _threshold(hd[0], squared)
    # While ``fast``, one comparison rejects a candidate (the common case).
    cdef bint fast = expansion_safe_above(top2, a + yy_min, a + yy_max)
    for j in range(n):
        s = a + yy[j]
        d2 = g[j] + s
        if fast and d2 > top2:
            continue
        if expansion_unsafe(d2, s):
            d2 = sqeuclidean_fixup(x, Y + j * n_features, n_features)
            if d2 < 0.0:
                d = euclidean_scaled(x, Y + j * n_features, n_features)
                if squared:
                    d = d * d
            elif d2 > top2:
                continue
            else:
                d = d2 if squared else sqrt(d2)
        elif d2 > top2:
            continue
        else:
            d = d2 if squared else sqrt(d2)
        if heap_accepts(hd, hi, d, j0 + j):
            heap_replace_top(hd, hi, k, d, j0 + j)
            top2 = _threshold(hd[0], squared)
            fast = expansion_safe_above(top2, a + yy_min, a + yy_max)


cdef void _offer_block(
    const floating[:, ::1] X,
    const floating[:, ::1] Y,
    const float64_t[:, ::1] X64,
    const float64_t[:, ::1] Y64,
    const float64_t[::1] xx,
    const float64_t[::1] yy,
    const float64_t[::1] yy_min,
    const float64_t[::1] yy_max,
    Metric metric,
    float64_t p,
    intp_t i0,
    intp_t i1,
    intp_t j0,
    intp_t j1,
    intp_t block_y,
    float64_t* hd,
    intp_t* hi,
    intp_t k,
    float64_t* buf64,
    floating* buf,
) noexcept nogil:
    # Offer rows j0:j1 of Y (chunk number ``block_y``) to the heaps of rows i0:i1
    # of X; the heap of row i starts at hd + (i - i0) * k.
    cdef intp_t nf = X.shape[1], m = i1 - i0, n = j1 - j0, i, j
    cdef float64_t d
    cdef floating* row
    cdef float64_t* hdi
    cdef intp_t* hii
    if metric == EUCLIDEAN or metric == SQEUCLIDEAN:
        gemm_abt(<int> m, <int> n, <int> nf, -2.0, &X64[i0, 0], &Y64[j0, 0], buf64)
        for i in range(m):
            _push_euclidean_row(
                &X[i0 + i, 0], &Y[j0, 0], nf, buf64 + i * n, xx[i0 + i], &yy[j0],
                yy_min[block_y], yy_max[block_y], n, j0, hd + i * k, hi + i * k, k,
                metric == SQEUCLIDEAN,
            )
    elif metric == COSINE:
        # X and Y are row-normalised here: buf holds cosine similarities.
        gemm_abt(<int> m, <int> n, <int> nf, <floating> 1.0, &X[i0, 0], &Y[j0, 0],
                 buf)
        for i in range(m):
            row = buf + i * n
            hdi = hd + i * k
            hii = hi + i * k
            for j in range(n):
                d = 1.0 - <float64_t> row[j]
                d = 0.0 if d < 0.0 else (2.0 if d > 2.0 else d)
                if heap_accepts(hdi, hii, d, j0 + j):
                    heap_replace_top(hdi, hii, k, d, j0 + j)
    else:
        for i in range(m):
            hdi = hd + i * k
            hii = hi + i * k
            for j in range(j0, j1):
                d = fast_distance(&X[i0 + i, 0], &Y[j, 0], nf, metric, p)
                if heap_accepts(hdi, hii, d, j):
                    heap_replace_top(hdi, hii, k, d, j)


def _argkmin(
    const floating[:, ::1] X,
    const floating[:, ::1] Y,
    const float64_t[:, ::1] X64,
    const float64_t[:, ::1] Y64,
    const float64_t[::1] xx,
    const float64_t[::1] yy,
    const float64_t[::1] yy_min,
    const float64_t[::1] yy_max,
    int metric,
    float64_t p,
    float64_t[:, ::1] heap_d,
    intp_t[:, ::1] heap_i,
    intp_t chunk_x,
    intp_t chunk_y,
    float64_t[:, ::1] buf64,
    floating[:, ::1] buf,
    float64_t[:, :, ::1] thread_d,
    intp_t[:, :, ::1] thread_i,
    bint over_y,
    int n_threads,
):
    """Fill the heaps ``heap_d``, ``heap_i`` (initially empty) with the k nearest
    rows of Y for every row of X.

    Euclidean metrics use ``X64``, ``Y64`` (float64 versions of X, Y), ``xx``,
    ``yy`` (squared row norms) and ``yy_min``, ``yy_max`` (extremes of ``yy`` per
    chunk of Y), and per-thread scratch ``buf64`` of ``chunk_x * chunk_y``; cosine
    takes row-normalised X and Y and scratch ``buf``. Unused arrays may be
    dummies with one row per thread.

    Threads share out chunks of X, or, if ``over_y`` (few queries), the chunks of
    Y for each chunk of X: each thread then fills its own heaps ``thread_d``,
    ``thread_i`` of shape ``(n_threads, chunk_x, k)``, merged afterwards. The
    partition into chunks is the same either way, so the result is too.
    """
    cdef intp_t n_x = X.shape[0], n_y = Y.shape[0], k = heap_d.shape[1]
    cdef intp_t n_cx = (n_x + chunk_x - 1) // chunk_x
    cdef intp_t n_cy = (n_y + chunk_y - 1) // chunk_y
    cdef Metric code = <Metric> metric
    cdef intp_t c, b, i, t, e, i0, i1, j0, j1, tid
    cdef float64_t v
    cdef intp_t ix
    with nogil:
        if not over_y:
            for c in prange(n_cx, schedule="static", num_threads=n_threads):
                tid = threadid()
                i0 = c * chunk_x
                i1 = min(i0 + chunk_x, n_x)
                for b in range(n_cy):
                    j0 = b * chunk_y
                    j1 = min(j0 + chunk_y, n_y)
                    _offer_block(
                        X, Y, X64, Y64, xx, yy, yy_min, yy_max, code, p,
                        i0, i1, j0, j1, b, &heap_d[i0, 0], &heap_i[i0, 0], k,
                        &buf64[tid, 0], &buf[tid, 0],
                    )
        else:
            for c in range(n_cx):
                i0 = c * chunk_x
                i1 = min(i0 + chunk_x, n_x)
                thread_d[:, :, :] = INFINITY
                thread_i[:, :, :] = _EMPTY
                for b in prange(n_cy, schedule="static", num_threads=n_threads):
                    tid = threadid()
                    j0 = b * chunk_y
                    j1 = min(j0 + chunk_y, n_y)
                    _offer_block(
                        X, Y, X64, Y64, xx, yy, yy_min, yy_max, code, p,
                        i0, i1, j0, j1, b, &thread_d[tid, 0, 0],
                        &thread_i[tid, 0, 0], k, &buf64[tid, 0], &buf[tid, 0],
                    )
                for i in prange(i0, i1, schedule="static", num_threads=n_threads):
                    for t in range(thread_d.shape[0]):
                        for e in range(k):
                            v = thread_d[t, i - i0, e]
                            ix = thread_i[t, i - i0, e]
                            if heap_accepts(&heap_d[i, 0], &heap_i[i, 0], v, ix):
                                heap_replace_top(
                                    &heap_d[i, 0], &heap_i[i, 0], k, v, ix
                                )


def _sort_heaps(float64_t[:, ::1] heap_d, intp_t[:, ::1] heap_i, int n_threads):
    """Sort every row's heap into ascending (distance, index) order."""
    cdef intp_t i, k = heap_d.shape[1]
    with nogil:
        for i in prange(heap_d.shape[0], schedule="static", num_threads=n_threads):
            heap_sort(&heap_d[i, 0], &heap_i[i, 0], k)
