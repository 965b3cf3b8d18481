# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
# Weighted medians and absolute deviations for the absolute-error criterion.
#
# A node's samples are ranked by target (per output) once per node. Then:
# - the loss of any subset of the node (a child) is two linear walks over the
#   ranks: find the weighted median, sum the weighted absolute deviations;
# - the losses of every prefix and every suffix of the node in one feature's
#   order come from a Fenwick tree over the ranks holding weights and weighted
#   targets: insert a sample, find the lower weighted median by descending the
#   tree, and read the loss off the prefix sums below the median:
#       loss = m (2 W_below - W) + WY - 2 WY_below,
#   which holds for any median m (the loss is flat between the lower and upper
#   weighted medians). That is O(n log n) per feature instead of O(n^2).

from skml.utils._typedefs cimport float64_t, intp_t


cdef inline void fenwick_clear(float64_t* fw, float64_t* fwy,
                               intp_t size) noexcept nogil:
    cdef intp_t k
    for k in range(size + 1):
        fw[k] = 0.0
        fwy[k] = 0.0


cdef inline void fenwick_add(float64_t* fw, float64_t* fwy, intp_t size,
                             intp_t rank, float64_t w, float64_t wy) noexcept nogil:
    # Add (w, wy) at 0-based ``rank``; the arrays are 1-based.
    cdef intp_t k = rank + 1
    while k <= size:
        fw[k] += w
        fwy[k] += wy
        k += k & (-k)


cdef inline intp_t fenwick_lower_median(
    const float64_t* fw, const float64_t* fwy, intp_t size, intp_t top,
    float64_t half, float64_t* w_below, float64_t* wy_below,
) noexcept nogil:
    """0-based rank of the lower weighted median: the first rank whose
    cumulative weight reaches ``half``; ``w_below`` and ``wy_below`` receive
    the sums over the ranks before it. ``top`` is the largest power of two not
    above ``size``."""
    cdef intp_t pos = 0, step = top, nxt
    cdef float64_t acc = 0.0, accy = 0.0
    while step:
        nxt = pos + step
        if nxt <= size and acc + fw[nxt] < half:
            pos = nxt
            acc += fw[nxt]
            accy += fwy[nxt]
        step >>= 1
    w_below[0] = acc
    wy_below[0] = accy
    return pos


cdef inline intp_t highest_power_of_two(intp_t n) noexcept nogil:
    cdef intp_t p = 1
    while p <= n:
        p <<= 1
    return p >> 1


cdef inline void subset_median_loss(
    const intp_t* order, const float64_t* y_sorted, const float64_t* w_sorted,
    const signed char* member, signed char side, intp_t n,
    float64_t* median, float64_t* loss,
) noexcept nogil:
    """Weighted median and sum of weighted absolute deviations of the samples
    at ranks ``0..n-1`` (``order``: sample ids; ``y_sorted`` and ``w_sorted``:
    their targets and weights) with ``member[sample] == side`` (all of them
    when ``member`` is NULL).

    The median is the midpoint of the lower and upper weighted medians when the
    cumulative weight reaches exactly half of the total at the lower one, as
    scikit-learn defines a node's value; else the lower one.
    """
    cdef intp_t r, lo = -1
    cdef float64_t total = 0.0, cum = 0.0, half, m = 0.0, acc = 0.0, d
    cdef bint exact = 0
    for r in range(n):
        if member == NULL or member[order[r]] == side:
            total += w_sorted[r]
    half = 0.5 * total
    for r in range(n):
        if member != NULL and member[order[r]] != side:
            continue
        if lo < 0:
            cum += w_sorted[r]
            if cum >= half:
                lo = r
                m = y_sorted[r]
                exact = cum == half
                if not exact:
                    break
        else:  # the next member after an exact half
            m = 0.5 * (m + y_sorted[r])
            break
    for r in range(n):
        if member == NULL or member[order[r]] == side:
            d = y_sorted[r] - m
            acc += w_sorted[r] * (d if d >= 0.0 else -d)
    median[0] = m
    loss[0] = acc
