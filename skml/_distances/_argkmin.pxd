# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
# k smallest distances per row: a fixed-size max-heap on (distance, index).
#
# A heap of ``size`` entries is two parallel arrays, ``values`` and ``indices``;
# the root (position 0) holds the largest pair in lexicographic order, so that a
# candidate enters the heap iff it is smaller than the root. Ties on distance are
# broken by the smaller index, which makes the k kept neighbours independent of the
# order in which candidates arrive. Empty slots hold (inf, max intp).

from skml.utils._typedefs cimport float64_t, intp_t


cdef inline bint heap_accepts(
    const float64_t* values, const intp_t* indices, float64_t value, intp_t index
) noexcept nogil:
    # Whether (value, index) is smaller than the root, i.e. belongs in the heap.
    return value < values[0] or (value == values[0] and index < indices[0])


cdef void heap_replace_top(
    float64_t* values, intp_t* indices, intp_t size, float64_t value, intp_t index
) noexcept nogil

cdef void heap_sort(float64_t* values, intp_t* indices, intp_t size) noexcept nogil
