# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Exact partitioner: sort a node's samples by a feature, partition them.

Sorting packs each (value, sample index) pair into one 64-bit key whose high
half is an order-preserving encoding of the float32 value; small nodes use an
insertion sort, larger ones an LSD radix sort on the value bytes (passes where
every key shares the byte are skipped). Both are stable. Zeros are set aside
rather than sorted and their run is reported, so that sparse-like columns cost
little more than their nonzero values. Missing values (NaN) sort last.
"""

import numpy as np

from libc.math cimport isnan
from libc.stdint cimport uint64_t
from libc.string cimport memset

from skml.utils._typedefs cimport float32_t, float64_t, intp_t, uint32_t

cdef intp_t INSERTION_LIMIT = 48


cdef inline uint32_t _float_key(float32_t x) noexcept nogil:
    # Monotone map of float32 to uint32; NaN maps to the largest key.
    cdef uint32_t u
    if isnan(x):
        return 0xFFFFFFFFu
    u = (<uint32_t*> &x)[0]
    if u & 0x80000000u:
        return ~u
    return u | 0x80000000u


cdef inline float32_t _key_float(uint32_t k) noexcept nogil:
    cdef uint32_t u
    if k & 0x80000000u:
        u = k & 0x7FFFFFFFu
    else:
        u = ~k
    return (<float32_t*> &u)[0]


cdef inline void _insertion_sort(uint64_t* a, intp_t n) noexcept nogil:
    # Stable on the high 32 bits, like the radix sort: equal values keep their
    # order whatever the node's size (so sorting a constant feature is a no-op).
    cdef intp_t i, j
    cdef uint64_t v, high
    for i in range(1, n):
        v = a[i]
        high = v >> 32
        j = i
        while j > 0 and (a[j - 1] >> 32) > high:
            a[j] = a[j - 1]
            j -= 1
        a[j] = v


cdef uint64_t* _radix_sort(uint64_t* a, uint64_t* b, intp_t n) noexcept nogil:
    # Stable LSD radix sort on bits 32..63; returns the buffer holding the result.
    cdef intp_t counts[4][256]
    cdef intp_t i, d, total, c
    cdef int shift
    cdef uint64_t k
    cdef uint64_t* tmp
    memset(counts, 0, sizeof(counts))
    for i in range(n):
        k = a[i] >> 32
        counts[0][k & 0xFF] += 1
        counts[1][(k >> 8) & 0xFF] += 1
        counts[2][(k >> 16) & 0xFF] += 1
        counts[3][k >> 24] += 1
    for d in range(4):
        shift = 32 + 8 * d
        if counts[d][(a[0] >> shift) & 0xFF] == n:
            continue  # every key shares this byte
        total = 0
        for i in range(256):
            c = counts[d][i]
            counts[d][i] = total
            total += c
        for i in range(n):
            k = a[i]
            c = (k >> shift) & 0xFF
            b[counts[d][c]] = k
            counts[d][c] += 1
        tmp = a
        a = b
        b = tmp
    return a


cdef uint64_t* sort_keys(uint64_t* keys, uint64_t* scratch, intp_t n) noexcept nogil:
    """Sort ``keys[:n]`` stably by their high 32 bits; ``scratch`` holds ``n``
    keys.

    Returns the buffer that holds the result (``keys`` or ``scratch``).
    """
    if n < INSERTION_LIMIT:
        _insertion_sort(keys, n)
        return keys
    return _radix_sort(keys, scratch, n)


cdef inline intp_t _split_keys(
    const float32_t* column, const intp_t* samples, uint64_t* keys, intp_t n,
    intp_t* n_zero_out, intp_t* n_nonzero_out,
) noexcept nogil:
    # Keys of the nonzero values from the front of ``keys``, ids of the zero
    # samples from its back (in reverse order); returns the number of NaN (whose
    # keys are among the nonzero ones). One pass: reading the column at random
    # rows is the cost of a sort in small nodes.
    cdef uint32_t zero = _float_key(0.0), key
    cdef intp_t j, n_zero = 0, n_nonzero = 0, n_missing = 0
    for j in range(n):
        key = _float_key(column[samples[j]])
        if key == zero:
            n_zero += 1
            keys[n - n_zero] = <uint64_t> samples[j]
        else:
            n_missing += key == 0xFFFFFFFFu
            keys[n_nonzero] = ((<uint64_t> key) << 32) | <uint64_t> samples[j]
            n_nonzero += 1
    n_zero_out[0] = n_zero
    n_nonzero_out[0] = n_nonzero
    return n_missing


cdef intp_t sort_by_feature(
    const float32_t* column, intp_t* samples, float32_t* values,
    uint64_t* keys, uint64_t* scratch, intp_t n, intp_t* zero_run,
) noexcept nogil:
    """Sort ``samples[:n]`` stably by ``column[samples]``, writing the sorted
    values.

    Returns the number of missing values, which end up last. Zeros (+0.0) are
    set aside rather than sorted, since they are often most of a column (sparse,
    one-hot or count data); ``zero_run`` receives the positions ``[a, b)`` of
    their run in the sorted order, so that a sweep can jump over it.
    """
    cdef uint32_t zero = _float_key(0.0)
    cdef intp_t j, n_missing, current_end, tmp, n_zero = 0, n_nonzero = 0
    cdef intp_t n_negative, lo, hi, mid, q
    cdef uint64_t k
    cdef uint64_t* out
    n_missing = _split_keys(column, samples, keys, n, &n_zero, &n_nonzero)
    if n_missing:
        # Move the missing values to the end with scikit-learn's swaps, so the
        # samples are in the same order, then sort the others.
        j = 0
        current_end = n - 1
        while j <= current_end:
            if isnan(column[samples[current_end]]):
                current_end -= 1
                continue
            if isnan(column[samples[j]]):
                tmp = samples[j]
                samples[j] = samples[current_end]
                samples[current_end] = tmp
                current_end -= 1
            j += 1
        for j in range(n - n_missing, n):
            values[j] = column[samples[j]]
        n -= n_missing
        _split_keys(column, samples, keys, n, &n_zero, &n_nonzero)
    out = sort_keys(keys, scratch, n_nonzero)
    # The negatives lead the sorted nonzero keys.
    lo = 0
    hi = n_nonzero
    while lo < hi:
        mid = (lo + hi) >> 1
        if <uint32_t> (out[mid] >> 32) < zero:
            lo = mid + 1
        else:
            hi = mid
    n_negative = lo
    for j in range(n_negative):
        k = out[j]
        samples[j] = <intp_t> (k & 0xFFFFFFFFu)
        values[j] = _key_float(<uint32_t> (k >> 32))
    for q in range(n_zero):
        samples[n_negative + q] = <intp_t> keys[n - 1 - q]
        values[n_negative + q] = 0.0
    for j in range(n_negative, n_nonzero):
        k = out[j]
        samples[j + n_zero] = <intp_t> (k & 0xFFFFFFFFu)
        values[j + n_zero] = _key_float(<uint32_t> (k >> 32))
    zero_run[0] = n_negative
    zero_run[1] = n_negative + n_zero
    return n_missing


cdef intp_t gather_min_max(
    const float32_t* column, const intp_t* samples, float32_t* values,
    intp_t n, float32_t* vmin, float32_t* vmax,
) noexcept nogil:
    """Copy ``column[samples]`` to ``values``; min/max of the non-missing ones.

    Returns the number of missing values.
    """
    cdef intp_t j, n_missing = 0
    cdef float32_t x, lo = 3.4028234663852886e38, hi = -3.4028234663852886e38
    for j in range(n):
        x = column[samples[j]]
        values[j] = x
        if isnan(x):
            n_missing += 1
        else:
            if x < lo:
                lo = x
            if x > hi:
                hi = x
    vmin[0] = lo
    vmax[0] = hi
    return n_missing


cdef intp_t partition_samples(
    const float32_t* column, intp_t* samples, intp_t n, float64_t threshold,
    bint missing_go_to_left,
) noexcept nogil:
    """Move samples going left first; return how many go left."""
    cdef intp_t p = 0, end = n, i
    cdef float32_t x
    cdef bint left
    while p < end:
        x = column[samples[p]]
        if isnan(x):
            left = missing_go_to_left
        else:
            left = x <= threshold
        if left:
            p += 1
        else:
            end -= 1
            i = samples[p]
            samples[p] = samples[end]
            samples[end] = i
    return p


def _py_sort_by_feature(const float32_t[::1] column, intp_t[::1] samples):
    """Test shim: sort ``samples`` in place by ``column``; return the values
    and the number of missing values."""
    cdef intp_t zero_run[2]
    cdef intp_t n = samples.shape[0]
    values = np.empty(n, dtype=np.float32)
    keys = np.empty(max(n, 1), dtype=np.uint64)
    scratch = np.empty(max(n, 1), dtype=np.uint64)
    cdef float32_t[::1] v = values
    cdef uint64_t[::1] k = keys
    cdef uint64_t[::1] s = scratch
    if n:
        n_missing = sort_by_feature(&column[0], &samples[0], &v[0], &k[0], &s[0], n,
                                    zero_run)
    else:
        n_missing = 0
    return values, n_missing
