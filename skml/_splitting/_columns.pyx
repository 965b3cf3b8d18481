# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Feature columns of sparse (CSC) data, for split finding without densifying.

The exact splitter only ever reads a feature through ``Splitter._column``: a
pointer to the feature's values indexed by sample id, valid for the node's
samples. For sparse ``X`` it asks :class:`CSCColumns`, whose column is a
scratch array of zeros into which the feature's stored values
that fall in the node are written (and cleared before the next feature). They
are found by scanning the column's entries and keeping the rows stamped as in
the node, or, when the column holds many more entries than the node has rows,
by binary search of each row in the column's sorted row indices: the cost is
``O(min(nnz, n_node log nnz))`` per feature. A feature with no stored value in
the node is reported all-zero, so the splitter sets it aside as constant
without sorting it; in deep nodes of sparse data, that is most features.
Everything else (sorting, sweeping, NaN handling, criteria) is the dense
splitter's, so both grow the same tree from the same data; the histogram
splitter's exact splits of small nodes read sparse data the same way.
"""

import numpy as np

from skml.utils._typedefs cimport float32_t, int32_t, intp_t


cdef class CSCColumns:
    """The columns of a CSC matrix (row indices sorted within each column)."""

    def __cinit__(self, const float32_t[::1] data, const int32_t[::1] indices,
                  const intp_t[::1] indptr, intp_t n_rows):
        self.data = data
        self.indices = indices
        self.indptr = indptr
        self.column = np.zeros(max(n_rows, 1), dtype=np.float32)
        self.written = np.zeros(max(n_rows, 1), dtype=np.intp)
        self.n_written = 0
        self.mark = np.zeros(max(n_rows, 1), dtype=np.intp)
        self.stamp = 0
        self.marked_samples = NULL
        self.marked_start = -1
        self.marked_end = -1

    cdef const float32_t* gather(self, const intp_t* samples, intp_t feature,
                                 intp_t start, intp_t end,
                                 bint* all_zero) noexcept nogil:
        """Feature ``feature`` indexed by row, valid for ``samples[start:end]``;
        ``all_zero`` is set when none of those rows stores a value."""
        cdef float32_t* column = &self.column[0]
        cdef intp_t* written = &self.written[0]
        cdef intp_t k0 = self.indptr[feature], k1 = self.indptr[feature + 1]
        cdef intp_t nnz = k1 - k0, m = end - start, p, k, lo, hi, mid, row
        cdef intp_t log_nnz = 0, n_written = 0
        for k in range(self.n_written):
            column[written[k]] = 0.0
        self.n_written = 0
        all_zero[0] = nnz == 0
        if nnz == 0:
            return column
        while (1 << log_nnz) < nnz:
            log_nnz += 1
        if nnz <= m * (log_nnz + 1):
            if (self.marked_samples != samples or self.marked_start != start
                    or self.marked_end != end):
                # A node's set of rows never changes while it is split (only
                # their order), and no two nodes share a sample range.
                self.stamp += 1
                for p in range(start, end):
                    self.mark[samples[p]] = self.stamp
                self.marked_samples = samples
                self.marked_start = start
                self.marked_end = end
            for k in range(k0, k1):
                row = self.indices[k]
                if self.mark[row] == self.stamp:
                    column[row] = self.data[k]
                    written[n_written] = row
                    n_written += 1
        else:
            for p in range(start, end):
                row = samples[p]
                lo = k0
                hi = k1
                while lo < hi:
                    mid = (lo + hi) >> 1
                    if self.indices[mid] < row:
                        lo = mid + 1
                    else:
                        hi = mid
                if lo < k1 and self.indices[lo] == row:
                    column[row] = self.data[lo]
                    written[n_written] = row
                    n_written += 1
        self.n_written = n_written
        # Explicitly stored zeros count as stored: they are still zeros, and
        # the sort will find the feature constant.
        all_zero[0] = n_written == 0
        return column
