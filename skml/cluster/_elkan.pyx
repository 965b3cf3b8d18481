# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Elkan's k-means iteration: Lloyd's result with triangle-inequality pruning.

Every sample keeps an upper bound on the distance to its center and a lower bound
on the distance to each center (float64). A distance is computed only when the
bounds and the center-center distances cannot rule a center out. Pair distances
come from the shared distance core (``sqeuclidean_direct``). Samples are gathered
into fixed groups with float64 partial sums per group, reduced in group order, so
the result does not depend on the number of threads.

References: C. Elkan, "Using the triangle inequality to accelerate k-means",
ICML 2003.
"""

from cython.parallel import prange

from cython cimport floating
from libc.math cimport INFINITY, sqrt
from libc.string cimport memset

from skml._distances._base cimport sqeuclidean_direct
from skml.cluster._common cimport add_weighted, reduce_groups
from skml.utils._typedefs cimport float64_t, int32_t, intp_t


cdef inline float64_t _dist(
    const floating* x, const floating* y, intp_t n
) noexcept nogil:
    return sqrt(sqeuclidean_direct(x, y, n))


def _center_half_distances(
    const floating[:, ::1] centers,
    float64_t[:, ::1] half_distances,
    float64_t[::1] distance_next_center,
):
    """Half distances between centers, and each center's distance to the nearest.

    ``distance_next_center[j]`` is half the distance from center j to its nearest
    other center (``inf`` for a single center).
    """
    cdef intp_t j, m, n_clusters = centers.shape[0]
    cdef intp_t n_features = centers.shape[1]
    cdef float64_t d
    with nogil:
        for j in range(n_clusters):
            half_distances[j, j] = 0.0
            distance_next_center[j] = INFINITY
        for j in range(n_clusters):
            for m in range(j + 1, n_clusters):
                d = 0.5 * _dist(&centers[j, 0], &centers[m, 0], n_features)
                half_distances[j, m] = d
                half_distances[m, j] = d
                if d < distance_next_center[j]:
                    distance_next_center[j] = d
                if d < distance_next_center[m]:
                    distance_next_center[m] = d


def _init_bounds(
    const floating[:, ::1] X,
    const floating[:, ::1] centers,
    const float64_t[:, ::1] half_distances,
    int32_t[::1] labels,
    float64_t[::1] upper_bounds,
    float64_t[:, ::1] lower_bounds,
    int n_threads,
):
    """First assignment, skipping centers that cannot beat the current best."""
    cdef intp_t i, j, best_j, n_samples = X.shape[0]
    cdef intp_t n_clusters = centers.shape[0], n_features = X.shape[1]
    cdef float64_t best, d
    with nogil:
        for i in prange(n_samples, schedule="static", num_threads=n_threads):
            memset(&lower_bounds[i, 0], 0, n_clusters * sizeof(float64_t))
            best_j = 0
            best = _dist(&X[i, 0], &centers[0, 0], n_features)
            lower_bounds[i, 0] = best
            for j in range(1, n_clusters):
                if best > half_distances[best_j, j]:
                    d = _dist(&X[i, 0], &centers[j, 0], n_features)
                    lower_bounds[i, j] = d
                    if d < best:
                        best = d
                        best_j = j
            labels[i] = <int32_t> best_j
            upper_bounds[i] = best


def _elkan_iter(
    const floating[:, ::1] X,
    const float64_t[::1] sample_weight,
    const floating[:, ::1] centers,
    const float64_t[:, ::1] half_distances,
    const float64_t[::1] distance_next_center,
    const float64_t[::1] center_shift,
    bint shift_bounds,
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

    If ``shift_bounds``, each sample's bounds are first loosened by
    ``center_shift`` (how far the centers moved since they were computed), in
    the same pass. Returns ``(n_changed, n_empty)`` like ``_lloyd_iter``.
    """
    cdef intp_t n_groups = group_starts.shape[0] - 1
    cdef intp_t n_clusters = centers.shape[0], n_features = centers.shape[1]
    cdef intp_t g, i, j, label, changed, n_changed = 0, n_empty = 0
    cdef float64_t upper, d
    cdef bint tight
    cdef const floating* x
    cdef float64_t* lower
    cdef const float64_t* half
    cdef float64_t* gsum
    cdef float64_t* gweight
    if X.shape[0] == 0:
        return 0, 0
    with nogil:
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
                x = &X[i, 0]
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
                            upper = _dist(x, &centers[label, 0], n_features)
                            lower[label] = upper
                            tight = True
                            if upper <= lower[j] or upper <= half[j]:
                                continue
                        d = _dist(x, &centers[j, 0], n_features)
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
                    add_weighted(x, sample_weight[i], gsum + label * n_features,
                                 n_features)
            group_changed[g] = changed
        for g in range(n_groups):
            n_changed += group_changed[g]
        if update_centers:
            n_empty = reduce_groups(group_sums, group_weights, sums, weights)
    return n_changed, n_empty
