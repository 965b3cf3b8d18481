# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Histogram split finder.

Features are binned in Python (at most 255 bins plus one for missing values).
The histogram of a node holds, for every bin of every feature, the criterion's
statistics, the weight and the count of the node's samples in that bin; a split
is scanned over the bins with the same criterion functions as the exact
splitter. After a split, the smaller child's histogram is built from its samples
and the larger one's is the parent's minus the smaller's. Histograms are kept
for the nodes the depth-first builder will visit next (it visits nodes in
pre-order, so a histogram for a range ending before the current node is stale).
"""

import numpy as np

from libc.math cimport INFINITY
from libc.stdlib cimport free, realloc
from libc.string cimport memset

from skml._splitting._criterion cimport (
    Criterion,
    crit_add,
    crit_children_impurity,
    crit_improvement,
    crit_proxy,
)
from skml._splitting._splitter cimport rand_int
from skml.utils._typedefs cimport float64_t, intp_t, uint8_t


cdef class HistSplitter(Splitter):
    """Finds splits on histograms of binned features.

    Takes the arguments of :class:`Splitter` (``X`` may have no rows: only its
    number of features is used), then :meth:`set_bins`.
    """

    def set_bins(self, const uint8_t[:, ::1] codes,
                 const float64_t[:, ::1] bin_thresholds,
                 const intp_t[::1] n_bins, bint subtract):
        """Bin codes (255 = missing), bin upper edges and bin counts."""
        cdef intp_t f, total = 0
        self.codes = codes
        self.bin_thresholds = bin_thresholds
        self.n_bins = n_bins
        self.offsets = np.zeros(self.n_features + 1, dtype=np.intp)
        for f in range(self.n_features):
            self.offsets[f] = total
            total += n_bins[f] + 1
        self.offsets[self.n_features] = total
        self.hist_bins = total
        self.width = self.crit.n_stats + 2
        self.subtract = subtract
        self.acc = np.zeros(self.width)

    def __dealloc__(self):
        free(self.pool)
        free(self.slot_start)
        free(self.slot_end)

    cdef intp_t _slot(self, intp_t start, intp_t end, bint collect,
                      bint* found) except -1 nogil:
        # The slot holding the histogram of samples[start:end], or a free one.
        cdef intp_t s, free_slot = -1, size = self.hist_bins * self.width
        cdef void* ptr
        for s in range(self.n_slots):
            if self.slot_start[s] == start and self.slot_end[s] == end:
                found[0] = 1
                return s
            if collect and self.slot_start[s] >= 0 and self.slot_end[s] <= start:
                self.slot_start[s] = -1  # stale: its node has been visited
            if self.slot_start[s] < 0 and free_slot < 0:
                free_slot = s
        found[0] = 0
        if free_slot >= 0:
            return free_slot
        s = self.n_slots
        ptr = realloc(self.pool, (s + 1) * size * sizeof(float64_t))
        if ptr == NULL:
            with gil:
                raise MemoryError()
        self.pool = <float64_t*> ptr
        ptr = realloc(self.slot_start, (s + 1) * sizeof(intp_t))
        if ptr == NULL:
            with gil:
                raise MemoryError()
        self.slot_start = <intp_t*> ptr
        ptr = realloc(self.slot_end, (s + 1) * sizeof(intp_t))
        if ptr == NULL:
            with gil:
                raise MemoryError()
        self.slot_end = <intp_t*> ptr
        self.slot_start[s] = -1
        self.n_slots = s + 1
        return s

    cdef void _fill(self, intp_t start, intp_t end, float64_t* hist) noexcept nogil:
        # Histogram of samples[start:end].
        cdef const Criterion* c = self.crit
        cdef intp_t p, i, f, n_features = self.n_features, width = self.width
        cdef intp_t n_stats = c.n_stats
        cdef const uint8_t* row
        cdef float64_t* h
        cdef float64_t w
        memset(hist, 0, self.hist_bins * width * sizeof(float64_t))
        for p in range(start, end):
            i = self.samples[p]
            row = &self.codes[i, 0]
            w = c.weights[i]
            for f in range(n_features):
                if row[f] == MISSING_BIN:
                    h = hist + (self.offsets[f] + self.n_bins[f]) * width
                else:
                    h = hist + (self.offsets[f] + row[f]) * width
                crit_add(c, h, i)
                h[n_stats] += w
                h[n_stats + 1] += 1.0

    cdef void _scan(self, intp_t feature, const float64_t* hist,
                    const float64_t* parent, float64_t wn, intp_t n,
                    float64_t* best_proxy, SplitRecord* best) noexcept nogil:
        # Best bin threshold of one feature; hist points at its first bin.
        cdef const Criterion* c = self.crit
        cdef intp_t width = self.width, n_stats = c.n_stats, k, b
        cdef intp_t n_bins = self.n_bins[feature], last
        cdef const float64_t* missing = hist + n_bins * width
        cdef intp_t n_missing = <intp_t> missing[n_stats + 1]
        cdef float64_t* acc = &self.acc[0]
        cdef float64_t* right = &self.right[0]
        cdef float64_t proxy, wl
        cdef intp_t n_left
        cdef bint sweep
        last = n_bins - 1  # last non-empty non-missing bin
        while last >= 0 and hist[last * width + n_stats + 1] == 0:
            last -= 1
        for sweep in range(2 if n_missing else 1):
            memset(acc, 0, width * sizeof(float64_t))
            if sweep:
                for k in range(width):
                    acc[k] = missing[k]
            for b in range(last + 1):
                if hist[b * width + n_stats + 1] == 0:
                    continue
                for k in range(width):
                    acc[k] += hist[b * width + k]
                if b == last and (sweep or n_missing == 0):
                    break  # nothing on the right
                n_left = <intp_t> acc[n_stats + 1]
                if n_left < self.min_samples_leaf:
                    continue
                if n - n_left < self.min_samples_leaf:
                    break
                wl = acc[n_stats]
                if wl < self.min_weight_leaf or wn - wl < self.min_weight_leaf:
                    continue
                proxy = crit_proxy(c, parent, acc, right, wn, wl)
                if proxy > best_proxy[0]:
                    best_proxy[0] = proxy
                    best.feature = feature
                    best.pos = n_left
                    if b == last:
                        best.threshold = INFINITY
                    else:
                        best.threshold = self.bin_thresholds[feature, b]
                    best.n_missing = b  # the bin, until the partition
                    if n_missing == 0:
                        best.missing_go_to_left = n_left > n - n_left
                    else:
                        best.missing_go_to_left = sweep

    cdef void node_split(self, intp_t start, intp_t end,
                         const float64_t* parent, float64_t wn,
                         float64_t impurity, intp_t* n_constant_features,
                         SplitRecord* split) noexcept nogil:
        cdef const Criterion* c = self.crit
        cdef intp_t[::1] features = self.features
        cdef intp_t n_known_constants = n_constant_features[0]
        cdef intp_t n_found_constants = 0, n_drawn_constants = 0
        cdef intp_t n_total_constants = n_known_constants
        cdef intp_t n_visited = 0, f_i = self.n_features, f_j, feature
        cdef intp_t n = end - start, size = self.hist_bins * self.width
        cdef intp_t slot, other, b, n_nonempty, p, q, i, tmp, width = self.width
        cdef intp_t n_stats = c.n_stats, small_start, small_end
        cdef float64_t best_proxy = -INFINITY, wl
        cdef float64_t* hist
        cdef float64_t* h
        cdef float64_t* small
        cdef bint found, constant, left
        cdef uint8_t code
        cdef SplitRecord best
        best.feature = 0
        best.pos = end
        best.threshold = 0.0
        best.improvement = -INFINITY
        best.impurity_left = INFINITY
        best.impurity_right = INFINITY
        best.missing_go_to_left = 0
        best.n_missing = 0

        slot = self._slot(start, end, 1, &found)
        hist = self.pool + slot * size
        if not found:
            self._fill(start, end, hist)
        self.slot_start[slot] = -1  # consumed

        while (f_i > n_total_constants and
               (n_visited < self.max_features or
                n_visited <= n_found_constants + n_drawn_constants)):
            n_visited += 1
            f_j = rand_int(n_drawn_constants, f_i - n_found_constants,
                           &self.rand_state)
            if f_j < n_known_constants:
                features[n_drawn_constants], features[f_j] = (
                    features[f_j], features[n_drawn_constants])
                n_drawn_constants += 1
                continue
            f_j += n_found_constants
            feature = features[f_j]
            h = hist + self.offsets[feature] * width
            n_nonempty = 0
            for b in range(self.n_bins[feature]):
                if h[b * width + n_stats + 1] > 0:
                    n_nonempty += 1
            constant = (n_nonempty == 0 or (
                n_nonempty == 1
                and h[self.n_bins[feature] * width + n_stats + 1] == 0))
            if constant:
                features[f_j], features[n_total_constants] = (
                    features[n_total_constants], features[f_j])
                n_found_constants += 1
                n_total_constants += 1
                continue
            f_i -= 1
            features[f_i], features[f_j] = features[f_j], features[f_i]
            self._scan(feature, h, parent, wn, n, &best_proxy, &best)

        if best.pos < end:
            # Partition on the bin codes; best.n_missing holds the bin.
            b = best.n_missing
            p = start
            q = end
            while p < q:
                code = self.codes[self.samples[p], best.feature]
                if code == MISSING_BIN:
                    left = best.missing_go_to_left
                else:
                    left = code <= b
                if left:
                    p += 1
                else:
                    q -= 1
                    tmp = self.samples[p]
                    self.samples[p] = self.samples[q]
                    self.samples[q] = tmp
            best.pos = p
            h = hist + self.offsets[best.feature] * width
            best.n_missing = <intp_t> h[self.n_bins[best.feature] * width
                                        + n_stats + 1]
            self.node_stats(start, best.pos, &self.left[0], &wl)
            crit_children_impurity(c, parent, &self.left[0], &self.right[0], wn,
                                   wl, &best.impurity_left, &best.impurity_right)
            best.improvement = crit_improvement(
                c, parent, &self.left[0], wn, wl, self.weighted_n_samples,
                impurity, best.impurity_left, best.impurity_right)
            if self.subtract:
                # Smaller child from its samples, larger = parent - smaller,
                # in place of the parent.
                if best.pos - start <= end - best.pos:
                    small_start, small_end = start, best.pos
                    self.slot_start[slot] = best.pos
                    self.slot_end[slot] = end
                else:
                    small_start, small_end = best.pos, end
                    self.slot_start[slot] = start
                    self.slot_end[slot] = best.pos
                other = self._slot(small_start, small_end, 0, &found)
                hist = self.pool + slot * size  # the pool may have moved
                small = self.pool + other * size
                self._fill(small_start, small_end, small)
                for i in range(size):
                    hist[i] -= small[i]
                self.slot_start[other] = small_start
                self.slot_end[other] = small_end

        memcpy_intp(&features[0], &self.constant_features[0], n_known_constants)
        memcpy_intp(&self.constant_features[n_known_constants],
                    &features[n_known_constants], n_found_constants)
        n_constant_features[0] = n_total_constants
        split[0] = best


cdef inline void memcpy_intp(intp_t* dst, const intp_t* src, intp_t n) noexcept nogil:
    cdef intp_t i
    for i in range(n):
        dst[i] = src[i]
