# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Shared steps of a k-means iteration: reduction, averaging, center shift, inertia.

Distances come from the shared distance core (``skml/_distances/_base.pxd``).
"""

from cython.parallel import prange

from cython cimport floating
from libc.math cimport sqrt

from skml._distances._base cimport sqeuclidean_direct
from skml.utils._typedefs cimport float64_t, int32_t, intp_t


cdef intp_t reduce_groups(
    const float64_t[:, :, ::1] group_sums,
    const float64_t[:, ::1] group_weights,
    float64_t[:, ::1] sums,
    float64_t[::1] weights,
) noexcept nogil:
    # sums = sum over groups of group_sums, in group order; returns the number of
    # clusters with zero total weight.
    cdef intp_t g, j, f, n_empty = 0
    cdef intp_t n_groups = group_sums.shape[0]
    cdef intp_t n_clusters = sums.shape[0], n_features = sums.shape[1]
    for j in range(n_clusters):
        weights[j] = 0.0
        for f in range(n_features):
            sums[j, f] = 0.0
    for g in range(n_groups):
        for j in range(n_clusters):
            weights[j] += group_weights[g, j]
            for f in range(n_features):
                sums[j, f] += group_sums[g, j, f]
    for j in range(n_clusters):
        if weights[j] == 0.0:
            n_empty += 1
    return n_empty


def _average_and_shift(
    const float64_t[:, ::1] sums,
    const float64_t[::1] weights,
    const floating[:, ::1] centers_old,
    floating[:, ::1] centers_new,
    float64_t[::1] center_shift,
):
    """New centers are the weighted means; ``center_shift`` their displacement.

    A cluster still without weight (all samples on their centers) takes the
    center of the heaviest cluster, as scikit-learn does.
    """
    cdef intp_t j, f, heaviest = 0
    cdef intp_t n_clusters = sums.shape[0], n_features = sums.shape[1]
    cdef float64_t alpha
    with nogil:
        for j in range(n_clusters):
            if weights[j] > weights[heaviest]:
                heaviest = j
        for j in range(n_clusters):
            if weights[j] > 0:
                alpha = 1.0 / weights[j]
                for f in range(n_features):
                    centers_new[j, f] = <floating> (sums[j, f] * alpha)
        for j in range(n_clusters):
            if not weights[j] > 0:
                for f in range(n_features):
                    centers_new[j, f] = <floating> (sums[heaviest, f]
                                                    / weights[heaviest])
            center_shift[j] = sqrt(sqeuclidean_direct(
                &centers_new[j, 0], &centers_old[j, 0], n_features))


def _inertia(
    const floating[:, ::1] X,
    const float64_t[::1] sample_weight,
    const floating[:, ::1] centers,
    const int32_t[::1] labels,
    const intp_t[::1] group_starts,
    float64_t[::1] group_inertia,
    int n_threads,
):
    """Weighted sum of squared distances to the assigned centers, in float64.

    Per-group partial sums are added in group order (thread-count independent).
    """
    cdef intp_t g, i, n_groups = group_starts.shape[0] - 1
    cdef intp_t n_features = X.shape[1]
    cdef float64_t acc, total = 0.0
    if X.shape[0] == 0:
        return 0.0
    with nogil:
        for g in prange(n_groups, schedule="static", num_threads=n_threads):
            acc = 0.0
            for i in range(group_starts[g], group_starts[g + 1]):
                acc = acc + sample_weight[i] * sqeuclidean_direct(
                    &X[i, 0], &centers[labels[i], 0], n_features)
            group_inertia[g] = acc
        for g in range(n_groups):
            total += group_inertia[g]
    return total
