# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
# Exact partitioner: orders a node's samples by one feature and splits them.

from skml.utils._typedefs cimport float32_t, float64_t, intp_t, uint32_t

from libc.stdint cimport uint64_t

cdef uint64_t* sort_keys(uint64_t* keys, uint64_t* scratch, intp_t n) noexcept nogil

cdef intp_t sort_by_feature(
    const float32_t* column, intp_t* samples, float32_t* values,
    uint64_t* keys, uint64_t* scratch, intp_t n, intp_t* zero_run,
) noexcept nogil

cdef intp_t partition_samples(
    const float32_t* column, intp_t* samples, intp_t n, float64_t threshold,
    bint missing_go_to_left,
) noexcept nogil

cdef intp_t gather_min_max(
    const float32_t* column, const intp_t* samples, float32_t* values,
    intp_t n, float32_t* vmin, float32_t* vmax,
) noexcept nogil
