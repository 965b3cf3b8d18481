# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""The k-means++ candidate step: distances, closest distances and potentials.

For the candidates of one k-means++ step, one pass over the data computes, for
every sample and candidate, ``min(closest, squared distance to the candidate)``
(written out, one row per candidate; ``closest`` is the squared distance of the
sample to its nearest center so far) and the weighted sum of those minima (the
candidate's potential).

Most pairs need no distance at all: if the sample's nearest center l is at
squared distance ``closest`` and ``d(l, c) >= 2 sqrt(closest)``, the triangle
inequality gives ``d(x, c) >= sqrt(closest)``, so the minimum is ``closest``
(``quarter_sq[l, c] = d(l, c)^2 / 4 >= closest`` is the test). The other pairs are
summed directly (the shared distance core's ``sqeuclidean_direct`` for dense
rows, accumulated in float64 whatever the data's dtype). Samples are gathered
into fixed groups with their own float64 partial potentials, so the result does
not depend on the number of threads.

Candidates are drawn along a canonical order of the samples (sorted by a fixed
projection); ``_argsort_float64`` sorts the projections in linear time.
"""

from cython.parallel import prange, threadid

from cython cimport floating
from libc.stdint cimport uint64_t
from libc.string cimport memcpy, memset

from skml._distances._base cimport sqeuclidean_direct
from skml.utils._typedefs cimport float64_t, int32_t, intp_t


def _candidates_dense(
    const floating[:, ::1] X,
    const floating[:, ::1] candidates,
    const float64_t[:, ::1] quarter_sq,
    const int32_t[::1] labels,
    const float64_t[::1] closest,
    const float64_t[::1] sample_weight,
    float64_t[:, ::1] out,
    float64_t[:, ::1] group_potential,
    const intp_t[::1] group_starts,
    float64_t[:, ::1] dist_buf,
    int n_threads,
):
    """Closest squared distances and potentials for each candidate (dense X).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    candidates : ndarray of shape (n_candidates, n_features), X's dtype
    quarter_sq : ndarray of shape (n_centers, n_candidates), float64
        A quarter of the squared distance of each center so far to each
        candidate (no rows: no center yet, nothing is skipped).
    labels : ndarray of shape (n_samples,), int32
        Index of the nearest center so far of each sample.
    closest : ndarray of shape (n_samples,), float64
        Squared distance of each sample to its nearest center so far.
    sample_weight : ndarray of shape (n_samples,), float64
    out : ndarray of shape (n_candidates, n_samples), float64
        Receives ``min(closest, squared distance to the candidate)``.
    group_potential : ndarray of shape (n_groups, n_candidates), float64
        Receives each group's weighted sum of ``out``.
    group_starts : ndarray of shape (n_groups + 1,), intp
    dist_buf : ndarray of shape (n_threads, n_candidates), float64
        Scratch.
    n_threads : int
    """
    cdef intp_t n_groups = group_starts.shape[0] - 1
    cdef intp_t n_candidates = candidates.shape[0], n_features = X.shape[1]
    cdef bint prune = quarter_sq.shape[0] > 0
    cdef bint all_far
    cdef intp_t g, i, c
    cdef float64_t d, r, w
    cdef float64_t* acc
    cdef float64_t* potential
    with nogil:
        for g in prange(n_groups, schedule="static", num_threads=n_threads):
            acc = &dist_buf[threadid(), 0]
            potential = &group_potential[g, 0]
            for c in range(n_candidates):
                potential[c] = 0.0
            for i in range(group_starts[g], group_starts[g + 1]):
                r = closest[i]
                w = sample_weight[i]
                all_far = prune
                if prune:
                    for c in range(n_candidates):
                        if quarter_sq[labels[i], c] < r:
                            all_far = False
                            break
                if all_far:
                    for c in range(n_candidates):
                        out[c, i] = r
                        potential[c] += w * r
                    continue
                for c in range(n_candidates):
                    if prune and quarter_sq[labels[i], c] >= r:
                        acc[c] = r
                    else:
                        acc[c] = sqeuclidean_direct(&X[i, 0], &candidates[c, 0],
                                                    n_features)
                for c in range(n_candidates):
                    d = acc[c] if acc[c] < r else r
                    out[c, i] = d
                    potential[c] += w * d


def _candidates_csr(
    const floating[::1] data,
    const int32_t[::1] indices,
    const int32_t[::1] indptr,
    const float64_t[:, ::1] candidates_t,
    const float64_t[::1] candidate_sq_norms,
    const float64_t[:, ::1] quarter_sq,
    const int32_t[::1] labels,
    const float64_t[::1] closest,
    const float64_t[::1] sample_weight,
    float64_t[:, ::1] out,
    float64_t[:, ::1] group_potential,
    const intp_t[::1] group_starts,
    float64_t[:, ::1] dist_buf,
    int n_threads,
):
    """Closest squared distances and potentials for each candidate (CSR X).

    ``candidates_t`` holds the candidates as columns, shape ``(n_features,
    n_candidates)``, float64, and ``candidate_sq_norms`` their squared norms;
    ``dist_buf`` is scratch of shape ``(n_threads, n_candidates)``. A sample
    whose every candidate is ruled out by the triangle inequality is not read;
    otherwise its squared distance to each candidate c is
    ``||c||^2 + sum over the stored j of ((x_j - c_j)^2 - c_j^2)``, at least 0.
    Other arguments as in :func:`_candidates_dense`.
    """
    cdef intp_t n_groups = group_starts.shape[0] - 1
    cdef intp_t n_candidates = candidates_t.shape[1]
    cdef bint prune = quarter_sq.shape[0] > 0
    cdef bint all_far
    cdef intp_t g, i, c, p
    cdef float64_t x, b, d, r, w
    cdef float64_t* acc
    cdef const float64_t* row
    cdef float64_t* potential
    with nogil:
        for g in prange(n_groups, schedule="static", num_threads=n_threads):
            acc = &dist_buf[threadid(), 0]
            potential = &group_potential[g, 0]
            for c in range(n_candidates):
                potential[c] = 0.0
            for i in range(group_starts[g], group_starts[g + 1]):
                r = closest[i]
                w = sample_weight[i]
                all_far = prune
                if prune:
                    for c in range(n_candidates):
                        if quarter_sq[labels[i], c] < r:
                            all_far = False
                            break
                if all_far:
                    for c in range(n_candidates):
                        out[c, i] = r
                        potential[c] += w * r
                    continue
                for c in range(n_candidates):
                    acc[c] = candidate_sq_norms[c]
                for p in range(indptr[i], indptr[i + 1]):
                    x = data[p]
                    row = &candidates_t[indices[p], 0]
                    for c in range(n_candidates):
                        b = row[c]
                        d = x - b
                        acc[c] += d * d - b * b
                for c in range(n_candidates):
                    d = acc[c] if acc[c] > 0.0 else 0.0
                    if d > r:
                        d = r
                    out[c, i] = d
                    potential[c] += w * d


def _take_candidate(
    const float64_t[::1] distances,
    float64_t[::1] closest,
    int32_t[::1] labels,
    int label,
):
    """Make the chosen candidate center ``label``: update the closest distances
    (in place) and the labels of the samples it is now nearest to."""
    cdef intp_t i
    with nogil:
        for i in range(closest.shape[0]):
            if distances[i] < closest[i]:
                closest[i] = distances[i]
                labels[i] = label


def _cumulative_potential(
    const intp_t[::1] order,
    const float64_t[::1] weight_in_order,
    const float64_t[::1] closest,
    float64_t[::1] out,
):
    """``out = cumsum(weight_in_order * closest[order])``, sequentially in float64.

    The inverse cumulative distribution that k-means++ samples along.
    """
    cdef intp_t t
    cdef float64_t acc = 0.0
    with nogil:
        for t in range(order.shape[0]):
            acc = acc + weight_in_order[t] * closest[order[t]]
            out[t] = acc


cdef inline uint64_t _order_key(float64_t value) noexcept nogil:
    # An unsigned integer with the order of the (non-NaN) float64 ``value``:
    # negative values have all bits flipped, the others the sign bit set.
    cdef uint64_t u
    memcpy(&u, &value, sizeof(uint64_t))
    if u >> 63:
        return ~u
    return u | (<uint64_t> 1 << 63)


def _project(
    const floating[:, ::1] X,
    const float64_t[::1] direction,
    float64_t[::1] out,
    int n_threads,
):
    """``out = X @ direction``, each row summed in the same order (float64)."""
    cdef intp_t i, f, n_features = X.shape[1]
    cdef float64_t acc
    with nogil:
        for i in prange(X.shape[0], schedule="static", num_threads=n_threads):
            acc = 0.0
            for f in range(n_features):
                acc = acc + X[i, f] * direction[f]
            out[i] = acc


def _project_csr(
    const floating[::1] data,
    const int32_t[::1] indices,
    const int32_t[::1] indptr,
    const float64_t[::1] direction,
    float64_t[::1] out,
    int n_threads,
):
    """``out = X @ direction`` for CSR X with sorted indices.

    The stored values are summed in column order, like the dense rows of
    :func:`_project` (whose zeros add exactly nothing): a matrix and its dense
    copy project identically.
    """
    cdef intp_t i, p
    cdef float64_t acc
    with nogil:
        for i in prange(out.shape[0], schedule="static", num_threads=n_threads):
            acc = 0.0
            for p in range(indptr[i], indptr[i + 1]):
                acc = acc + data[p] * direction[indices[p]]
            out[i] = acc


def _argsort_float64(
    const float64_t[::1] values,
    uint64_t[::1] keys,
    uint64_t[::1] keys_buf,
    intp_t[::1] order,
    intp_t[::1] order_buf,
    intp_t[::1] counts,
):
    """Stable argsort of non-NaN ``values`` into ``order``, in linear time.

    An LSD radix sort on 16-bit digits of order-preserving 64-bit keys; a pass
    whose digit is the same for every key is skipped. ``keys``, ``keys_buf``
    and ``order_buf`` are scratch of the length of ``values``, ``counts`` of
    length 65536.
    """
    cdef intp_t i, d, shift, count, total, n = values.shape[0]
    cdef uint64_t* src_k = &keys[0]
    cdef uint64_t* dst_k = &keys_buf[0]
    cdef intp_t* src_o = &order[0]
    cdef intp_t* dst_o = &order_buf[0]
    cdef uint64_t* swap_k
    cdef intp_t* swap_o
    if n == 0:
        return
    with nogil:
        for i in range(n):
            src_k[i] = _order_key(values[i])
            src_o[i] = i
        for shift in range(0, 64, 16):
            memset(&counts[0], 0, 65536 * sizeof(intp_t))
            for i in range(n):
                counts[(src_k[i] >> shift) & 0xFFFF] += 1
            if counts[(src_k[0] >> shift) & 0xFFFF] == n:
                continue
            total = 0
            for d in range(65536):
                count = counts[d]
                counts[d] = total
                total = total + count
            for i in range(n):
                d = (src_k[i] >> shift) & 0xFFFF
                dst_k[counts[d]] = src_k[i]
                dst_o[counts[d]] = src_o[i]
                counts[d] += 1
            swap_k = src_k
            src_k = dst_k
            dst_k = swap_k
            swap_o = src_o
            src_o = dst_o
            dst_o = swap_o
        if src_o != &order[0]:
            memcpy(&order[0], src_o, n * sizeof(intp_t))
