# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""One Lloyd iteration: assign every sample to its nearest center, sum the clusters.

Samples are processed in chunks of ``chunk_size`` rows. For each chunk one GEMM
(``gemm_abt`` from the shared distance core) gives ``-2 x.c``; adding ``||c||^2``
gives the squared distance up to the per-sample constant ``||x||^2``, enough for
the argmin. Chunks are gathered into groups (``group_starts``, multiples of the
chunk size, fixed by the problem shape); OpenMP threads share out the groups and
each group accumulates its own float64 partial sums, reduced in group order
afterwards, so the result does not depend on the number of threads.
"""

from cython.parallel import prange, threadid

from cython cimport floating
from libc.string cimport memset

from skml._distances._base cimport gemm_abt
from skml.cluster._common cimport add_weighted, prefetch_rows, reduce_groups
from skml.utils._typedefs cimport float64_t, int32_t, intp_t


def _lloyd_iter(
    const floating[:, ::1] X,
    const float64_t[::1] sample_weight,
    const floating[:, ::1] centers,
    int32_t[::1] labels,
    const intp_t[::1] group_starts,
    intp_t chunk_size,
    floating[:, ::1] dist_buf,
    float64_t[:, :, ::1] group_sums,
    float64_t[:, ::1] group_weights,
    intp_t[::1] group_changed,
    float64_t[:, ::1] sums,
    float64_t[::1] weights,
    bint update_centers,
    int n_threads,
):
    """Assign labels (in place) and, if ``update_centers``, sum the clusters.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    sample_weight : ndarray of shape (n_samples,), float64
    centers : ndarray of shape (n_clusters, n_features), X's dtype
    labels : ndarray of shape (n_samples,), int32, updated in place
    group_starts : ndarray of shape (n_groups + 1,), intp
    chunk_size : int
    dist_buf : ndarray of shape (n_threads, chunk_size * n_clusters), X's dtype
    group_sums : ndarray of shape (n_groups, n_clusters, n_features), float64
    group_weights : ndarray of shape (n_groups, n_clusters), float64
    group_changed : ndarray of shape (n_groups,), intp
    sums, weights : float64 outputs, the weighted sum and the weight of each
        cluster (written only if ``update_centers``)
    update_centers : bool
    n_threads : int

    Returns
    -------
    n_changed : int
        Number of samples whose label changed.
    n_empty : int
        Number of clusters without weight (0 unless ``update_centers``).
    """
    cdef intp_t n_groups = group_starts.shape[0] - 1
    cdef intp_t n_clusters = centers.shape[0], n_features = centers.shape[1]
    cdef intp_t g, j, f, i, start, end, m, label, changed, n_changed = 0
    cdef intp_t n_empty = 0
    cdef floating best, value
    cdef floating* buf
    cdef const char* next_row
    cdef intp_t next_rows, n_samples = X.shape[0]
    cdef intp_t row_bytes = X.shape[1] * sizeof(floating)
    cdef float64_t* gsum
    cdef float64_t* gweight
    cdef float64_t acc
    cdef floating[::1] center_norms = dist_buf[0, :n_clusters].copy()
    if X.shape[0] == 0:
        return 0, 0
    with nogil:
        for j in range(n_clusters):
            acc = 0.0
            for f in range(n_features):
                acc = acc + <float64_t> centers[j, f] * centers[j, f]
            center_norms[j] = <floating> acc
        for g in prange(n_groups, schedule="static", num_threads=n_threads):
            buf = &dist_buf[threadid(), 0]
            gsum = &group_sums[g, 0, 0]
            gweight = &group_weights[g, 0]
            changed = 0
            if update_centers:
                memset(gsum, 0, n_clusters * n_features * sizeof(float64_t))
                memset(gweight, 0, n_clusters * sizeof(float64_t))
            start = group_starts[g]
            while start < group_starts[g + 1]:
                end = start + chunk_size
                if end > group_starts[g + 1]:
                    end = group_starts[g + 1]
                m = end - start
                next_rows = n_samples - end
                if next_rows > m:
                    next_rows = m
                next_row = <const char*> &X[end if next_rows > 0 else start, 0]
                gemm_abt(<int> m, <int> n_clusters, <int> n_features, -2.0,
                         &X[start, 0], &centers[0, 0], buf)
                for i in range(m):
                    # Load the next chunk while this one is processed: the GEMM
                    # then finds it in cache instead of waiting on memory.
                    if i < next_rows:
                        prefetch_rows(next_row + i * row_bytes, row_bytes)
                    best = buf[i * n_clusters] + center_norms[0]
                    label = 0
                    for j in range(1, n_clusters):
                        value = buf[i * n_clusters + j] + center_norms[j]
                        if value < best:
                            best = value
                            label = j
                    if labels[start + i] != label:
                        changed = changed + 1
                        labels[start + i] = <int32_t> label
                    if update_centers:
                        gweight[label] += sample_weight[start + i]
                        add_weighted(&X[start + i, 0], sample_weight[start + i],
                                     gsum + label * n_features, n_features)
                start = end
            group_changed[g] = changed
        for g in range(n_groups):
            n_changed += group_changed[g]
        if update_centers:
            n_empty = reduce_groups(group_sums, group_weights, sums, weights)
    return n_changed, n_empty
