# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
# Histogram split finder: binned features, per-bin statistics, parent-minus-
# sibling subtraction.

from skml._splitting._splitter cimport SplitRecord, Splitter
from skml.utils._typedefs cimport float64_t, intp_t, uint8_t

cdef enum:
    MISSING_BIN = 255   # bin code of a missing value


cdef struct HistSlot:
    float64_t* hist     # (hist_bins, width) statistics, weight, count per bin
    intp_t start        # node start of the histogram held, -1 if free
    intp_t end          # node end of the histogram held
    intp_t stamp        # when it was kept: the smallest is evicted first


cdef class HistSplitter(Splitter):
    cdef const uint8_t[:, ::1] codes            # (n_samples, n_features) bin codes
    cdef const float64_t[:, ::1] bin_thresholds  # (n_features, 255) bin upper edges
    cdef const intp_t[::1] n_bins               # non-missing bins of each feature
    cdef intp_t[::1] offsets                    # first histogram bin of each feature
    cdef intp_t hist_bins                       # histogram bins of all features
    cdef intp_t width                           # values per bin: stats, weight, count
    cdef bint subtract                          # keep histograms for the children
    cdef intp_t exact_below                     # smaller nodes: exact splits
    cdef HistSlot* slots                        # histogram buffers, allocated lazily
    cdef intp_t n_slots                         # buffers allocated (high-water mark)
    cdef intp_t capacity                        # length of slots
    cdef intp_t max_slots                       # buffers the memory budget allows
    cdef intp_t clock                           # next stamp
    cdef float64_t[::1] acc                     # running left bin totals

    cdef void _free_pool(self) noexcept
    cdef intp_t _find(self, intp_t start, intp_t end) noexcept nogil
    cdef intp_t _acquire(self, intp_t exclude) noexcept nogil
    cdef void _keep(self, intp_t slot, intp_t start, intp_t end) noexcept nogil
    cdef void _fill(self, intp_t start, intp_t end, float64_t* hist) noexcept nogil
    cdef void _scan(self, intp_t feature, const float64_t* hist,
                    const float64_t* parent, float64_t wn, intp_t n,
                    float64_t* best_proxy, SplitRecord* best) noexcept nogil
