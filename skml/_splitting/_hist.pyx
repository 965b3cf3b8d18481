# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Histogram split finder.

Features are binned in Python (at most 255 bins plus one for missing values).
The histogram of a node holds, for every bin of every feature, the criterion's
statistics, the weight and the count of the node's samples in that bin; a split
is scanned over the bins with the same criterion functions as the exact
splitter.

Subtraction: when a node is split, the smaller child's histogram is built from
its samples and the larger one's is the parent's minus the smaller's. The
builder drives the life of a kept histogram, so that it does not depend on the
order in which nodes are visited (depth first or best first):

- ``node_split`` keeps the node's histogram when it finds a split, since the
  builder may split the node later (best first: when it leaves the frontier);
- ``node_children`` (the builder splits the node) turns it into the children's
  two histograms, found again by their sample range in their ``node_split``;
- ``node_leaf`` (the node stays a leaf, or a child will not be evaluated) drops
  it.

So the pool holds one histogram per pending node: at most the depth-first stack
or the best-first frontier (``max_leaf_nodes``), plus one. It is also bounded by
a memory budget: when a new buffer would exceed it, the histogram kept longest
is evicted (in best-first growth, that of a node the builder has passed over
most often) and its node is filled from its samples later.
"""

import numpy as np

from libc.math cimport INFINITY
from libc.stdlib cimport free, malloc, realloc
from libc.string cimport memset

from skml._splitting._criterion cimport (
    Criterion,
    crit_add,
    crit_admissible,
    crit_children_impurity,
    crit_gain,
    crit_proxy,
)
from skml._splitting._splitter cimport rand_int
from skml.utils._typedefs cimport float64_t, intp_t, uint8_t

# Default memory budget of the histogram pool. A histogram of 20 features x 256
# bins x 4 values (squared error) takes 160 KiB: max_leaf_nodes=255 keeps up to
# 256 of them (40 MiB) without eviction; wider histograms (many features or
# classes) evict instead of growing past 64 MiB.
MAX_POOL_BYTES = 64 * 2**20


cdef class HistSplitter(Splitter):
    """Finds splits on histograms of binned features.

    Takes the arguments of :class:`Splitter` (``X`` may have no rows: only its
    number of features is used), then :meth:`set_bins`. The builder reports
    what it does with a split node (``node_children``, ``node_leaf``) so that
    kept histograms are reused and released.
    """

    def set_bins(self, const uint8_t[:, ::1] codes,
                 const float64_t[:, ::1] bin_thresholds,
                 const intp_t[::1] n_bins, bint subtract,
                 Py_ssize_t max_pool_bytes=MAX_POOL_BYTES, intp_t exact_below=0):
        """Bin codes (255 = missing), bin upper edges and bin counts.

        With ``subtract``, histograms are kept for subtraction within
        ``max_pool_bytes`` (at least two histograms are allowed).
        """
        cdef intp_t f, total = 0, size
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
        self.exact_below = exact_below
        self.acc = np.zeros(self.width)
        size = self.hist_bins * self.width * sizeof(float64_t)
        # Subtraction needs two buffers: the parent's and the smaller child's.
        self.max_slots = max(2, max_pool_bytes // max(size, 1)) if subtract else 1
        self._free_pool()
        # The first buffer is allocated here, where MemoryError can be raised:
        # node_split always has a buffer, and the pool only grows when it can.
        self.capacity = min(self.max_slots, 8)
        self.slots = <HistSlot*> malloc(self.capacity * sizeof(HistSlot))
        if self.slots == NULL:
            raise MemoryError()
        self.slots[0].hist = <float64_t*> malloc(size)
        if self.slots[0].hist == NULL:
            raise MemoryError()
        self.slots[0].start = -1
        self.n_slots = 1
        self.clock = 0

    def _py_pool_stats(self):
        """Buffers allocated, bytes per buffer and histograms still kept."""
        cdef intp_t s, kept = 0
        for s in range(self.n_slots):
            kept += self.slots[s].start >= 0
        return (self.n_slots, self.hist_bins * self.width * sizeof(float64_t),
                kept)

    def __dealloc__(self):
        self._free_pool()

    cdef void _free_pool(self) noexcept:
        # Release every buffer (set_bins may be called again).
        cdef intp_t s
        for s in range(self.n_slots):
            free(self.slots[s].hist)
        free(self.slots)
        self.slots = NULL
        self.n_slots = 0
        self.capacity = 0

    cdef intp_t _find(self, intp_t start, intp_t end) noexcept nogil:
        # The slot keeping the histogram of samples[start:end], or -1.
        cdef intp_t s
        for s in range(self.n_slots):
            if self.slots[s].start == start and self.slots[s].end == end:
                return s
        return -1

    cdef intp_t _acquire(self, intp_t exclude) noexcept nogil:
        # A buffer other than slot ``exclude``, marked free: a free one, else a
        # new one within the budget, else the one kept longest (evicted). -1
        # only if the pool holds ``exclude`` alone and cannot grow.
        cdef intp_t s, oldest = -1, n = self.n_slots
        cdef HistSlot* grown
        cdef float64_t* hist
        for s in range(n):
            if s == exclude:
                continue
            if self.slots[s].start < 0:
                return s
            if oldest < 0 or self.slots[s].stamp < self.slots[oldest].stamp:
                oldest = s
        if n < self.max_slots:
            if n == self.capacity:
                grown = <HistSlot*> realloc(
                    self.slots, min(2 * n, self.max_slots) * sizeof(HistSlot))
                if grown != NULL:
                    self.slots = grown
                    self.capacity = min(2 * n, self.max_slots)
            if n < self.capacity:
                # Out of memory is handled as over budget: evict below.
                hist = <float64_t*> malloc(
                    self.hist_bins * self.width * sizeof(float64_t))
                if hist != NULL:
                    self.slots[n].hist = hist
                    self.slots[n].start = -1
                    self.n_slots = n + 1
                    return n
        if oldest >= 0:
            self.slots[oldest].start = -1
        return oldest

    cdef void _keep(self, intp_t slot, intp_t start, intp_t end) noexcept nogil:
        # Key a buffer to the node samples[start:end].
        self.slots[slot].start = start
        self.slots[slot].end = end
        self.slots[slot].stamp = self.clock
        self.clock += 1

    cdef void node_children(self, intp_t start, intp_t pos,
                            intp_t end) noexcept nogil:
        # The node samples[start:end] is split at pos: its kept histogram
        # becomes the larger child's once the smaller child's is built from its
        # samples and subtracted. Without it (evicted), or without a second
        # buffer, the children are filled from their samples in node_split.
        cdef intp_t parent, other, i, size = self.hist_bins * self.width
        cdef intp_t small_start = start, small_end = pos
        cdef float64_t* hist
        cdef float64_t* small
        if not self.subtract:
            return
        parent = self._find(start, end)
        if parent < 0:
            return
        if pos - start < self.exact_below and end - pos < self.exact_below:
            self.slots[parent].start = -1  # both children split exactly
            return
        other = self._acquire(parent)
        if other < 0:
            self.slots[parent].start = -1
            return
        if pos - start > end - pos:
            small_start, small_end = pos, end
        hist = self.slots[parent].hist
        small = self.slots[other].hist
        self._fill(small_start, small_end, small)
        for i in range(size):
            hist[i] -= small[i]
        if small_start == start:
            self._keep(parent, pos, end)
        else:
            self._keep(parent, start, pos)
        self._keep(other, small_start, small_end)

    cdef void node_leaf(self, intp_t start, intp_t end) noexcept nogil:
        # The node samples[start:end] will not be split: drop its histogram.
        cdef intp_t slot = self._find(start, end)
        if slot >= 0:
            self.slots[slot].start = -1

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
                if not crit_admissible(c, parent, acc, wn, wl):
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
        cdef intp_t n = end - start
        cdef intp_t slot, b, n_nonempty, p, q, tmp, width = self.width
        cdef intp_t n_stats = c.n_stats
        cdef float64_t best_proxy = -INFINITY, wl
        cdef float64_t* hist
        cdef float64_t* h
        cdef bint constant, left
        cdef uint8_t code
        if end - start < self.exact_below:
            Splitter.node_split(self, start, end, parent, wn, impurity,
                                n_constant_features, split)
            return
        cdef SplitRecord best
        best.feature = 0
        best.pos = end
        best.threshold = 0.0
        best.improvement = -INFINITY
        best.impurity_left = INFINITY
        best.impurity_right = INFINITY
        best.missing_go_to_left = 0
        best.n_missing = 0

        slot = self._find(start, end)
        if slot < 0:
            slot = self._acquire(-1)
            self._fill(start, end, self.slots[slot].hist)
        hist = self.slots[slot].hist

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
            best.improvement = crit_gain(
                c, parent, &self.left[0], &self.right[0], wn, wl,
                self.weighted_n_samples, impurity, best.impurity_left,
                best.impurity_right)
        if self.subtract and best.pos < end:
            # The builder may split the node later (node_children).
            self._keep(slot, start, end)
        else:
            self.slots[slot].start = -1

        memcpy_intp(&features[0], &self.constant_features[0], n_known_constants)
        memcpy_intp(&self.constant_features[n_known_constants],
                    &features[n_known_constants], n_found_constants)
        n_constant_features[0] = n_total_constants
        split[0] = best


cdef inline void memcpy_intp(intp_t* dst, const intp_t* src, intp_t n) noexcept nogil:
    cdef intp_t i
    for i in range(n):
        dst[i] = src[i]
