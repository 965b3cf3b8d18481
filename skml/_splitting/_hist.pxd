# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
# Histogram split finder: binned features, per-bin statistics, parent-minus-
# sibling subtraction. Histograms are filled (a block of features per thread)
# and features scanned in parallel (kernels in _hist_kernels.pxd), with results
# that do not depend on the thread count.

from skml._splitting._hist_kernels cimport ScanNode
from skml._splitting._splitter cimport SplitRecord, Splitter
from skml.utils._typedefs cimport float64_t, intp_t, uint8_t, uint32_t

cdef struct HistSlot:
    float64_t* hist     # (hist_bins, width) statistics, weight, count per bin
    intp_t start        # node start of the histogram held, -1 if free
    intp_t end          # node end of the histogram held
    intp_t stamp        # when it was kept: the smallest is evicted first
    Py_ssize_t bytes    # size of the buffer (one from HistBuffers may be larger)


cdef class HistBuffers:
    cdef float64_t** blocks                     # kept histogram buffers
    cdef Py_ssize_t* sizes                      # their sizes in bytes
    cdef Py_ssize_t n                           # buffers kept
    cdef Py_ssize_t capacity                    # length of blocks and sizes

    cdef float64_t* take(self, Py_ssize_t size, Py_ssize_t* bytes) noexcept nogil
    cdef void give(self, float64_t* block, Py_ssize_t size) noexcept


cdef class HistSplitter(Splitter):
    cdef const uint8_t[:, ::1] codes            # (n_samples, n_features) bin codes
    cdef const uint8_t[:, ::1] codes_by_feature  # (n_features, n_samples): codes.T
    cdef const float64_t[:, ::1] bin_thresholds  # (n_features, 255) bin upper edges
    cdef const intp_t[::1] n_bins               # non-missing bins of each feature
    cdef intp_t[::1] offsets                    # first histogram bin of each feature
    cdef intp_t hist_bins                       # histogram bins of all features
    cdef intp_t width                           # values per bin: stats, weight, count
    cdef bint compact                           # unit hessians and weights: the
    #                                             kept histograms hold (G, count)
    cdef intp_t store_width                     # values per bin kept: 2 or width
    cdef float64_t[::1] expanded                # compact: bins as scanned (width)
    cdef bint subtract                          # keep histograms for the children
    cdef intp_t exact_below                     # smaller nodes: exact splits
    cdef HistSlot* slots                        # histogram buffers, allocated lazily
    cdef HistBuffers buffers                    # where they come from, or None
    cdef bint ties_to_lowest_feature            # equal proxies: lowest feature
    cdef intp_t n_slots                         # buffers allocated (high-water mark)
    cdef intp_t capacity                        # length of slots
    cdef intp_t max_slots                       # buffers the memory budget allows
    cdef intp_t clock                           # next stamp
    cdef int n_threads                          # threads of the fills and scans
    cdef intp_t parallel_min_work               # less work per pass: one thread
    cdef float64_t[::1] thread_scratch          # per thread: acc (width), right
    cdef intp_t scratch_stride                  # its values per thread (padded)
    cdef const uint8_t[::1] categorical         # per feature: its bins are categories
    cdef bint any_categorical                   # some feature is categorical
    cdef float64_t cat_smooth                   # see ScanNode
    cdef intp_t cat_min_support                 # see ScanNode
    cdef float64_t[::1] cat_keys                # per thread: category sort keys
    cdef intp_t[::1] cat_order                  # per thread: categories in key order
    cdef intp_t[::1] drawn                      # features to scan, in draw order
    cdef float64_t[::1] drawn_proxy             # best proxy of each drawn feature
    cdef uint8_t[::1] drawn_split_buf           # storage of drawn_split
    cdef SplitRecord* drawn_split               # best split of each drawn feature
    cdef intp_t[::1] part_buf                   # (n_samples,) partition buffer
    cdef intp_t[::1] chunk_left                 # left samples of each chunk
    cdef intp_t[::1] chunk_at                   # per chunk: where its left and
    #                                             right samples go back
    cdef float64_t[::1] chunk_stats             # per chunk: left, then right
    #                                             statistics and weight
    cdef float64_t[::1] child_stats             # left, then right statistics
    #                                             and weight of the last split
    cdef bint children_known                    # child_stats are the children's

    cdef intp_t _find(self, intp_t start, intp_t end) noexcept nogil
    cdef intp_t _acquire(self, intp_t exclude) noexcept nogil
    cdef void _keep(self, intp_t slot, intp_t start, intp_t end) noexcept nogil
    cdef intp_t _partition(self, intp_t start, intp_t end, intp_t feature,
                           intp_t bin, const uint32_t* cat_bits,
                           bint missing_go_to_left) noexcept nogil
    cdef void _fill(self, intp_t start, intp_t end, float64_t* hist) noexcept nogil
    cdef float64_t _scan_one(self, const ScanNode* node, intp_t f,
                             const float64_t* hist, intp_t t,
                             SplitRecord* split) noexcept nogil
    cdef void _scan_drawn(self, intp_t n_drawn, const float64_t* hist,
                          const float64_t* parent, float64_t wn, intp_t n,
                          SplitRecord* best) noexcept nogil
