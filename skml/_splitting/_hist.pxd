# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
# Histogram split finder: binned features, per-bin statistics, parent-minus-
# sibling subtraction.

from skml._splitting._splitter cimport SplitRecord, Splitter
from skml.utils._typedefs cimport float64_t, intp_t, uint8_t

cdef enum:
    MISSING_BIN = 255   # bin code of a missing value


cdef class HistSplitter(Splitter):
    cdef const uint8_t[:, ::1] codes            # (n_samples, n_features) bin codes
    cdef const float64_t[:, ::1] bin_thresholds  # (n_features, 255) bin upper edges
    cdef const intp_t[::1] n_bins               # non-missing bins of each feature
    cdef intp_t[::1] offsets                    # first histogram bin of each feature
    cdef intp_t hist_bins                       # histogram bins of all features
    cdef intp_t width                           # values per bin: stats, weight, count
    cdef bint subtract                          # keep children histograms
    cdef float64_t* pool                        # (n_slots, hist_bins, width)
    cdef intp_t* slot_start                     # node start of a slot, -1 if free
    cdef intp_t* slot_end                       # node end of a slot
    cdef intp_t n_slots                         # slots allocated
    cdef float64_t[::1] acc                     # running left bin totals

    cdef intp_t _slot(self, intp_t start, intp_t end, bint collect,
                      bint* found) except -1 nogil
    cdef void _fill(self, intp_t start, intp_t end, float64_t* hist) noexcept nogil
    cdef void _scan(self, intp_t feature, const float64_t* hist,
                    const float64_t* parent, float64_t wn, intp_t n,
                    float64_t* best_proxy, SplitRecord* best) noexcept nogil
