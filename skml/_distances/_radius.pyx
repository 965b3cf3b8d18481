# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Radius neighbours of dense rows: every row of Y within a distance of each row of X.

X is cut into chunks of rows processed in parallel (one thread per chunk); each
chunk meets Y block by block, so memory is ``O(chunk_x * chunk_y)`` per thread plus
the hits. A chunk collects its hits (query row, candidate row, distance) in its own
growable vectors, in the order (block of Y, row of X, row of Y); the Python layer
orders them by query row with a stable sort, which leaves each query's neighbours
in increasing index order. Chunk sizes depend on the problem shape only, so every
thread count gives identical results.

For the Euclidean metric a block pair is one float64 GEMM
(``||x||^2 + ||y||^2 - 2 x.y``); a candidate is compared on its squared distance,
corrected pair by pair where the expansion is unsafe, and only hits are
square-rooted. Cosine takes row-normalised X and Y (one GEMM of similarities).
"""

import numpy as np

from cython cimport floating
from cython.parallel cimport prange, threadid
from libc.math cimport sqrt
from libc.string cimport memcpy
from libcpp.vector cimport vector

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
from skml.utils._typedefs cimport float64_t, intp_t


cdef void _collect_block(
    const floating[:, ::1] X,
    const floating[:, ::1] Y,
    const float64_t[:, ::1] X64,
    const float64_t[:, ::1] Y64,
    const float64_t[::1] xx,
    const float64_t[::1] yy,
    const float64_t[::1] yy_min,
    const float64_t[::1] yy_max,
    const float64_t[::1] radius,
    Metric metric,
    float64_t p,
    intp_t i0,
    intp_t i1,
    intp_t j0,
    intp_t j1,
    intp_t block_y,
    float64_t* buf64,
    floating* buf,
    vector[intp_t]* rows,
    vector[intp_t]* cols,
    vector[float64_t]* dists,
) noexcept nogil:
    # Append the hits of rows i0:i1 of X among rows j0:j1 of Y (chunk number
    # ``block_y`` of Y, whose squared norms lie in [yy_min, yy_max]).
    cdef intp_t nf = X.shape[1], m = i1 - i0, n = j1 - j0, i, j
    cdef float64_t a, s, d2, d, r, r2
    cdef bint fast
    cdef float64_t* g
    cdef floating* row
    if metric == EUCLIDEAN or metric == SQEUCLIDEAN:
        gemm_abt(<int> m, <int> n, <int> nf, -2.0, &X64[i0, 0], &Y64[j0, 0], buf64)
        for i in range(m):
            a = xx[i0 + i]
            r = radius[i0 + i]
            # The squared-distance threshold: hits have d2 <= r2.
            r2 = r if metric == SQEUCLIDEAN else r * r
            # While ``fast``, one comparison rejects a candidate (the common case).
            fast = expansion_safe_above(r2, a + yy_min[block_y], a + yy_max[block_y])
            g = buf64 + i * n
            for j in range(n):
                s = a + yy[j0 + j]
                d2 = g[j] + s
                if fast and d2 > r2:
                    continue
                if expansion_unsafe(d2, s):
                    d2 = sqeuclidean_fixup(&X[i0 + i, 0], &Y[j0 + j, 0], nf)
                    if d2 < 0.0:
                        # Squares out of range: compare the distance itself.
                        d = euclidean_scaled(&X[i0 + i, 0], &Y[j0 + j, 0], nf)
                        if metric == SQEUCLIDEAN:
                            d = d * d
                        if d <= r:
                            rows.push_back(i0 + i)
                            cols.push_back(j0 + j)
                            dists.push_back(d)
                        continue
                if d2 <= r2:
                    rows.push_back(i0 + i)
                    cols.push_back(j0 + j)
                    dists.push_back(d2 if metric == SQEUCLIDEAN else sqrt(d2))
    elif metric == COSINE:
        # X and Y are row-normalised here: buf holds cosine similarities.
        gemm_abt(<int> m, <int> n, <int> nf, <floating> 1.0, &X[i0, 0], &Y[j0, 0],
                 buf)
        for i in range(m):
            row = buf + i * n
            r = radius[i0 + i]
            for j in range(n):
                d = 1.0 - <float64_t> row[j]
                d = 0.0 if d < 0.0 else (2.0 if d > 2.0 else d)
                if d <= r:
                    rows.push_back(i0 + i)
                    cols.push_back(j0 + j)
                    dists.push_back(d)
    else:
        for i in range(m):
            r = radius[i0 + i]
            for j in range(j0, j1):
                d = fast_distance(&X[i0 + i, 0], &Y[j, 0], nf, metric, p)
                if d <= r:
                    rows.push_back(i0 + i)
                    cols.push_back(j)
                    dists.push_back(d)


def _radius_dense(
    const floating[:, ::1] X,
    const floating[:, ::1] Y,
    const float64_t[:, ::1] X64,
    const float64_t[:, ::1] Y64,
    const float64_t[::1] xx,
    const float64_t[::1] yy,
    const float64_t[::1] yy_min,
    const float64_t[::1] yy_max,
    const float64_t[::1] radius,
    int metric,
    float64_t p,
    intp_t chunk_x,
    intp_t chunk_y,
    float64_t[:, ::1] buf64,
    floating[:, ::1] buf,
    int n_threads,
):
    """Return ``(rows, cols, dists)``: every pair with ``distance <= radius[row]``.

    Euclidean metrics use ``X64``, ``Y64`` (float64 versions of X, Y), ``xx``,
    ``yy`` (squared row norms) and ``yy_min``, ``yy_max`` (extremes of ``yy`` per
    chunk of Y), with per-thread scratch ``buf64`` of
    ``chunk_x * chunk_y``; cosine takes row-normalised X and Y and scratch
    ``buf``. Unused arrays may be dummies with one row per thread. The hits come
    chunk of X by chunk of X; within a chunk, ordered by (block of Y, row of X,
    row of Y).
    """
    cdef intp_t n_x = X.shape[0], n_y = Y.shape[0]
    cdef intp_t n_cx = (n_x + chunk_x - 1) // chunk_x
    cdef intp_t n_cy = (n_y + chunk_y - 1) // chunk_y
    cdef Metric code = <Metric> metric
    cdef intp_t c, b, i0, i1, j0, j1, tid, total = 0, offset = 0, size
    cdef vector[vector[intp_t]] all_rows
    cdef vector[vector[intp_t]] all_cols
    cdef vector[vector[float64_t]] all_dists
    all_rows.resize(n_cx)
    all_cols.resize(n_cx)
    all_dists.resize(n_cx)
    with nogil:
        for c in prange(n_cx, schedule="static", num_threads=n_threads):
            tid = threadid()
            i0 = c * chunk_x
            i1 = min(i0 + chunk_x, n_x)
            for b in range(n_cy):
                j0 = b * chunk_y
                j1 = min(j0 + chunk_y, n_y)
                _collect_block(
                    X, Y, X64, Y64, xx, yy, yy_min, yy_max, radius, code, p,
                    i0, i1, j0, j1, b, &buf64[tid, 0], &buf[tid, 0], &all_rows[c],
                    &all_cols[c], &all_dists[c],
                )
    for c in range(n_cx):
        total += all_rows[c].size()
    rows = np.empty(total, dtype=np.intp)
    cols = np.empty(total, dtype=np.intp)
    dists = np.empty(total, dtype=np.float64)
    cdef intp_t[::1] rows_view = rows
    cdef intp_t[::1] cols_view = cols
    cdef float64_t[::1] dists_view = dists
    if total > 0:
        for c in range(n_cx):
            size = all_rows[c].size()
            if size == 0:
                continue
            memcpy(&rows_view[offset], all_rows[c].data(), size * sizeof(intp_t))
            memcpy(&cols_view[offset], all_cols[c].data(), size * sizeof(intp_t))
            memcpy(&dists_view[offset], all_dists[c].data(),
                   size * sizeof(float64_t))
            offset += size
    return rows, cols, dists
