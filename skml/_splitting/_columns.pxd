# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
# Feature columns of a CSC matrix, gathered node by node for the splitters.

from skml.utils._typedefs cimport float32_t, int32_t, intp_t


cdef class CSCColumns:
    cdef const float32_t[::1] data      # CSC values
    cdef const int32_t[::1] indices     # CSC row indices, sorted within a column
    cdef const intp_t[::1] indptr       # CSC column starts
    cdef float32_t[::1] column          # (n_rows,) scratch: one feature, dense
    cdef intp_t[::1] written            # rows of ``column`` holding a value...
    cdef intp_t n_written               # ...(cleared before the next feature)
    cdef intp_t[::1] mark               # (n_rows,) stamp of the node a row is in
    cdef intp_t stamp                   # stamp of the marked node
    cdef const intp_t* marked_samples   # node whose rows carry the stamp:
    cdef intp_t marked_start            # samples[marked_start:marked_end]
    cdef intp_t marked_end

    cdef const float32_t* gather(self, const intp_t* samples, intp_t feature,
                                 intp_t start, intp_t end,
                                 bint* all_zero) noexcept nogil
