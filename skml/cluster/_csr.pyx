# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Lloyd and Elkan iterations, and the inertia, on CSR data.

The counterparts of ``_lloyd.pyx``, ``_elkan.pyx`` and ``_common._inertia`` for a
sparse matrix given by its ``data``, ``indices`` (int32) and ``indptr`` (int32)
arrays. Samples are gathered into the same fixed groups as in the dense kernels
(``group_starts``, set by the problem shape only), each with its own float64
partial sums reduced in group order, so the result does not depend on the number
of threads.

Distances between a sparse row x and a dense center c:

* Lloyd's argmin needs ``||c||^2 - 2 x.c`` only (``||x||^2`` is the same for
  every center); the products come from the centers transposed, so each stored
  value of x meets the ``n_clusters`` center coordinates it multiplies in one
  contiguous row.
* Elkan's bounds and the inertia need the true distance:
  ``||c||^2 + sum over the stored j of ((x_j - c_j)^2 - c_j^2)``, exact on the
  stored coordinates (no cancellation against ``||x||^2``), clipped at 0.
"""

from cython.parallel import prange, threadid

from cython cimport floating
from libc.math cimport sqrt
from libc.string cimport memset

from skml.cluster._common cimport reduce_groups
from skml.utils._typedefs cimport float64_t, int32_t, intp_t


cdef inline float64_t _sq_norm(const floating* c, intp_t n) noexcept nogil:
    cdef intp_t f
    cdef float64_t acc = 0.0
    for f in range(n):
        acc = acc + <float64_t> c[f] * c[f]
    return acc


cdef inline float64_t _sq_dist(
    const floating* data,
    const int32_t* indices,
    intp_t start,
    intp_t end,
    const floating* center,
    float64_t center_sq_norm,
) noexcept nogil:
    # Squared distance of the CSR row data[start:end] to a dense center, >= 0.
    cdef intp_t p
    cdef float64_t b, t, acc = center_sq_norm
    for p in range(start, end):
        b = center[indices[p]]
        t = <float64_t> data[p] - b
        acc = acc + (t * t - b * b)
    return acc if acc > 0.0 else 0.0


cdef inline void _add_row(
    const floating* data,
    const int32_t* indices,
    intp_t start,
    intp_t end,
    float64_t w,
    float64_t* acc,
) noexcept nogil:
    # acc += w * x for the CSR row data[start:end], in float64.
    cdef intp_t p
    for p in range(start, end):
        acc[indices[p]] += w * <float64_t> data[p]


def _center_sq_norms(const floating[:, ::1] centers, float64_t[::1] out):
    """Squared norm of each center, accumulated in float64."""
    cdef intp_t j
    with nogil:
        for j in range(centers.shape[0]):
            out[j] = _sq_norm(&centers[j, 0], centers.shape[1])


def _lloyd_iter_csr(
    const floating[::1] data,
    const int32_t[::1] indices,
    const int32_t[::1] indptr,
    const float64_t[::1] sample_weight,
    const floating[:, ::1] centers,
    int32_t[::1] labels,
    const intp_t[::1] group_starts,
    float64_t[:, ::1] centers_t,
    float64_t[::1] center_sq_norms,
    float64_t[:, ::1] dot_buf,
    float64_t[:, :, ::1] group_sums,
    float64_t[:, ::1] group_weights,
    intp_t[::1] group_changed,
    float64_t[:, ::1] sums,
    float64_t[::1] weights,
    bint update_centers,
    int n_threads,
):
    """Assign labels (in place) and, if ``update_centers``, sum the clusters.

    The CSR counterpart of ``_lloyd._lloyd_iter``. ``centers_t`` (shape
    ``(n_features, n_clusters)``), ``center_sq_norms`` (``(n_clusters,)``) and
    ``dot_buf`` (``(n_threads, n_clusters)``) are float64 scratch. Returns
    ``(n_changed, n_empty)``.
    """
    cdef intp_t n_groups = group_starts.shape[0] - 1
    cdef intp_t n_clusters = centers.shape[0], n_features = centers.shape[1]
    cdef intp_t g, i, j, f, p, label, changed, n_changed = 0, n_empty = 0
    cdef float64_t v, best, value
    cdef float64_t* dot
    cdef const float64_t* row
    cdef float64_t* gsum
    cdef float64_t* gweight
    if labels.shape[0] == 0:
        return 0, 0
    with nogil:
        for j in range(n_clusters):
            center_sq_norms[j] = _sq_norm(&centers[j, 0], n_features)
            for f in range(n_features):
                centers_t[f, j] = centers[j, f]
        for g in prange(n_groups, schedule="static", num_threads=n_threads):
            dot = &dot_buf[threadid(), 0]
            gsum = &group_sums[g, 0, 0]
            gweight = &group_weights[g, 0]
            changed = 0
            if update_centers:
                memset(gsum, 0, n_clusters * n_features * sizeof(float64_t))
                memset(gweight, 0, n_clusters * sizeof(float64_t))
            for i in range(group_starts[g], group_starts[g + 1]):
                for j in range(n_clusters):
                    dot[j] = 0.0
                for p in range(indptr[i], indptr[i + 1]):
                    v = data[p]
                    row = &centers_t[indices[p], 0]
                    for j in range(n_clusters):
                        dot[j] += v * row[j]
                best = center_sq_norms[0] - 2.0 * dot[0]
                label = 0
                for j in range(1, n_clusters):
                    value = center_sq_norms[j] - 2.0 * dot[j]
                    if value < best:
                        best = value
                        label = j
                if labels[i] != label:
                    changed = changed + 1
                    labels[i] = <int32_t> label
                if update_centers:
                    gweight[label] += sample_weight[i]
                    _add_row(&data[0], &indices[0], indptr[i], indptr[i + 1],
                             sample_weight[i], gsum + label * n_features)
            group_changed[g] = changed
        for g in range(n_groups):
            n_changed += group_changed[g]
        if update_centers:
            n_empty = reduce_groups(group_sums, group_weights, sums, weights)
    return n_changed, n_empty


def _label_sq_distances_csr(
    const floating[::1] data,
    const int32_t[::1] indices,
    const int32_t[::1] indptr,
    const float64_t[::1] sample_weight,
    const floating[:, ::1] centers,
    const int32_t[::1] labels,
    const intp_t[::1] group_starts,
    float64_t[::1] center_sq_norms,
    float64_t[::1] sq_distances,
    float64_t[::1] group_inertia,
    int n_threads,
):
    """Squared distance of each sample to its center, and the weighted inertia.

    ``sq_distances`` (shape ``(n_samples,)``) receives the distances; the
    inertia (float64) is reduced from per-group partial sums in group order.
    """
    cdef intp_t g, i, j, n_groups = group_starts.shape[0] - 1
    cdef intp_t n_features = centers.shape[1]
    cdef float64_t d, acc, total = 0.0
    if labels.shape[0] == 0:
        return 0.0
    with nogil:
        for j in range(centers.shape[0]):
            center_sq_norms[j] = _sq_norm(&centers[j, 0], n_features)
        for g in prange(n_groups, schedule="static", num_threads=n_threads):
            acc = 0.0
            for i in range(group_starts[g], group_starts[g + 1]):
                j = labels[i]
                d = _sq_dist(&data[0], &indices[0], indptr[i], indptr[i + 1],
                             &centers[j, 0], center_sq_norms[j])
                sq_distances[i] = d
                acc = acc + sample_weight[i] * d
            group_inertia[g] = acc
        for g in range(n_groups):
            total += group_inertia[g]
    return total


def _init_bounds_csr(
    const floating[::1] data,
    const int32_t[::1] indices,
    const int32_t[::1] indptr,
    const floating[:, ::1] centers,
    const float64_t[:, ::1] half_distances,
    float64_t[::1] center_sq_norms,
    int32_t[::1] labels,
    float64_t[::1] upper_bounds,
    float64_t[:, ::1] lower_bounds,
    int n_threads,
):
    """First assignment, skipping centers that cannot beat the current best.

    The CSR counterpart of ``_elkan._init_bounds``.
    """
    cdef intp_t i, j, best_j, n_samples = labels.shape[0]
    cdef intp_t n_clusters = centers.shape[0], n_features = centers.shape[1]
    cdef float64_t best, d
    with nogil:
        for j in range(n_clusters):
            center_sq_norms[j] = _sq_norm(&centers[j, 0], n_features)
        for i in prange(n_samples, schedule="static", num_threads=n_threads):
            memset(&lower_bounds[i, 0], 0, n_clusters * sizeof(float64_t))
            best_j = 0
            best = sqrt(_sq_dist(&data[0], &indices[0], indptr[i], indptr[i + 1],
                                 &centers[0, 0], center_sq_norms[0]))
            lower_bounds[i, 0] = best
            for j in range(1, n_clusters):
                if best > half_distances[best_j, j]:
                    d = sqrt(_sq_dist(&data[0], &indices[0], indptr[i],
                                      indptr[i + 1], &centers[j, 0],
                                      center_sq_norms[j]))
                    lower_bounds[i, j] = d
                    if d < best:
                        best = d
                        best_j = j
            labels[i] = <int32_t> best_j
            upper_bounds[i] = best


def _elkan_iter_csr(
    const floating[::1] data,
    const int32_t[::1] indices,
    const int32_t[::1] indptr,
    const float64_t[::1] sample_weight,
    const floating[:, ::1] centers,
    const float64_t[:, ::1] half_distances,
    const float64_t[::1] distance_next_center,
    const float64_t[::1] center_shift,
    bint shift_bounds,
    float64_t[::1] center_sq_norms,
    float64_t[::1] upper_bounds,
    float64_t[:, ::1] lower_bounds,
    int32_t[::1] labels,
    const intp_t[::1] group_starts,
    float64_t[:, :, ::1] group_sums,
    float64_t[:, ::1] group_weights,
    intp_t[::1] group_changed,
    float64_t[:, ::1] sums,
    float64_t[::1] weights,
    bint update_centers,
    int n_threads,
):
    """Reassign labels using the bounds and, if ``update_centers``, sum clusters.

    The CSR counterpart of ``_elkan._elkan_iter``, with the same bound logic;
    ``center_sq_norms`` is float64 scratch of shape ``(n_clusters,)``. Returns
    ``(n_changed, n_empty)``.
    """
    cdef intp_t n_groups = group_starts.shape[0] - 1
    cdef intp_t n_clusters = centers.shape[0], n_features = centers.shape[1]
    cdef intp_t g, i, j, label, start, end, changed, n_changed = 0, n_empty = 0
    cdef float64_t upper, d
    cdef bint tight
    cdef float64_t* lower
    cdef const float64_t* half
    cdef float64_t* gsum
    cdef float64_t* gweight
    if labels.shape[0] == 0:
        return 0, 0
    with nogil:
        for j in range(n_clusters):
            center_sq_norms[j] = _sq_norm(&centers[j, 0], n_features)
        for g in prange(n_groups, schedule="static", num_threads=n_threads):
            gsum = &group_sums[g, 0, 0]
            gweight = &group_weights[g, 0]
            changed = 0
            if update_centers:
                memset(gsum, 0, n_clusters * n_features * sizeof(float64_t))
                memset(gweight, 0, n_clusters * sizeof(float64_t))
            for i in range(group_starts[g], group_starts[g + 1]):
                label = labels[i]
                upper = upper_bounds[i]
                start = indptr[i]
                end = indptr[i + 1]
                lower = &lower_bounds[i, 0]
                if shift_bounds:
                    # Loosen the bounds by how far the centers moved.
                    upper = upper + center_shift[label]
                    for j in range(n_clusters):
                        d = lower[j] - center_shift[j]
                        lower[j] = d if d > 0 else 0.0
                if not distance_next_center[label] >= upper:
                    half = &half_distances[label, 0]
                    tight = False
                    for j in range(n_clusters):
                        if j == label or upper <= lower[j] or upper <= half[j]:
                            continue
                        if not tight:
                            upper = sqrt(_sq_dist(&data[0], &indices[0], start, end,
                                                  &centers[label, 0],
                                                  center_sq_norms[label]))
                            lower[label] = upper
                            tight = True
                            if upper <= lower[j] or upper <= half[j]:
                                continue
                        d = sqrt(_sq_dist(&data[0], &indices[0], start, end,
                                          &centers[j, 0], center_sq_norms[j]))
                        lower[j] = d
                        if d < upper:
                            label = j
                            upper = d
                            half = &half_distances[label, 0]
                    if labels[i] != label:
                        changed = changed + 1
                        labels[i] = <int32_t> label
                upper_bounds[i] = upper
                if update_centers:
                    gweight[label] += sample_weight[i]
                    _add_row(&data[0], &indices[0], start, end, sample_weight[i],
                             gsum + label * n_features)
            group_changed[g] = changed
        for g in range(n_groups):
            n_changed += group_changed[g]
        if update_centers:
            n_empty = reduce_groups(group_sums, group_weights, sums, weights)
    return n_changed, n_empty
