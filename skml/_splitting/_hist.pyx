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

Threads (``n_threads`` of :meth:`HistSplitter.set_bins`): a fill gives each
thread a block of consecutive features, whose histograms it builds over all the
node's samples (bin codes are read by sample, a row being one cache line: a
node's samples are scattered over the rows, so reading by feature would touch
a line per feature and sample instead). A node's features are drawn
sequentially (the generator and the constant-feature bookkeeping are those of
the exact splitter), then the drawn features are scanned in parallel, each on
its thread's scratch, and the best split is the first in draw order of those of
largest proxy, as the sequential "first strictly better wins". A bin's sums are
accumulated over the node's samples in the same order whatever the thread
count, so the tree is bitwise the same for any ``n_threads``.
"""

import numpy as np

from cython.parallel cimport prange, threadid
from libc.math cimport INFINITY
from libc.stdlib cimport free, malloc, realloc
from libc.string cimport memcpy

from skml._splitting._criterion cimport (
    LAYOUT_DENSE,
    Criterion,
    crit_add,
    crit_children_impurity,
    crit_gain,
)
from skml._splitting._hist_kernels cimport (
    MISSING_BIN,
    ScanNode,
    fill_features,
    is_plain_newton,
    scan_categorical,
    scan_feature,
    scan_newton,
)
from skml._splitting._splitter cimport rand_int
from skml._splitting._tree cimport CAT_WORDS
from skml.utils._prefetch cimport PREFETCH_AHEAD, prefetch
from skml.utils._typedefs cimport float64_t, intp_t, uint8_t, uint32_t

# Default memory budget of the histogram pool. A histogram of 20 features x 256
# bins x 4 values (squared error) takes 160 KiB: max_leaf_nodes=255 keeps up to
# 256 of them (40 MiB) without eviction; wider histograms (many features or
# classes) evict instead of growing past 64 MiB.
MAX_POOL_BYTES = 64 * 2**20

# A pass (fill, scan, subtraction) runs on several threads only when it has at
# least this many elementary steps (bin updates of a fill, a scanned bin
# counting for eight; subtracted values): starting a parallel region costs
# microseconds, far more than a small node's pass, and a thread that the OS has
# descheduled stalls the others at the region's end. Which passes run in
# parallel does not change the tree.
PARALLEL_MIN_WORK = 1 << 15

cdef enum:
    # Samples per chunk of the partition (HistSplitter._partition): a chunk's
    # work (some tens of microseconds) is worth a thread, and the chunking,
    # which the children's sums follow, is the same for any thread count.
    PARTITION_CHUNK = 8192


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
                 Py_ssize_t max_pool_bytes=MAX_POOL_BYTES, intp_t exact_below=0,
                 int n_threads=1, parallel_min_work=None, categorical=None,
                 float64_t cat_smooth=0.0, intp_t cat_min_support=1,
                 codes_by_feature=None, HistBuffers buffers=None,
                 bint ties_to_lowest_feature=False):
        """Bin codes (255 = missing), bin upper edges and bin counts.

        ``categorical`` (a boolean mask over the features, or None) marks the
        features whose codes are categories: their splits send a set of
        categories left (``scan_categorical``) instead of the bins up to an
        edge; the criterion must have a category order (``crit_category_key``).

        With ``subtract``, histograms are kept for subtraction within
        ``max_pool_bytes`` (at least two histograms are allowed). Fills and
        scans run on ``n_threads`` threads (the tree does not depend on it),
        those of less than ``parallel_min_work`` steps on one (default:
        ``PARALLEL_MIN_WORK``, read at the call).

        ``codes_by_feature`` is ``codes.T`` C-contiguous (computed here when
        None; many trees on the same codes should share one): the partition
        reads one feature's codes of a node's samples, which in increasing
        row order are mostly in the same cache lines of its row, where in
        ``codes`` each sample's code is on a line of its own.

        ``buffers`` (a :class:`HistBuffers`): where the histogram buffers are
        taken from and given back to, for trees grown one after another.

        ``ties_to_lowest_feature``: of the drawn features' best splits of
        equal proxy (different features cutting the same samples apart), keep
        the one of lowest feature index instead of the first drawn, so that
        the tree does not depend on the seed when every feature is drawn.
        """
        cdef intp_t f, total = 0, size
        cdef intp_t n_stats = self.crit.n_stats, n
        _free_pool(self)  # to the buffers it had
        self.buffers = buffers
        self.ties_to_lowest_feature = ties_to_lowest_feature
        self.codes = codes
        if codes_by_feature is None:
            codes_by_feature = np.ascontiguousarray(np.asarray(codes).T)
        self.codes_by_feature = codes_by_feature
        if (self.codes_by_feature.shape[0] != codes.shape[1]
                or self.codes_by_feature.shape[1] != codes.shape[0]):
            raise ValueError("set_bins: codes_by_feature must be codes.T.")
        self.bin_thresholds = bin_thresholds
        self.n_bins = n_bins
        self.offsets = np.zeros(self.n_features + 1, dtype=np.intp)
        for f in range(self.n_features):
            self.offsets[f] = total
            total += n_bins[f] + 1
        self.offsets[self.n_features] = total
        self.hist_bins = total
        self.width = self.crit.n_stats + 2
        self.compact = _unit_hessians_and_weights(self.crit, self.samples)
        self.store_width = 2 if self.compact else self.width
        self.expanded = np.empty(4 * total if self.compact else 1)
        self.subtract = subtract
        self.exact_below = exact_below
        # Per-thread scratch is allocated here, not in a parallel block of
        # node_split: node_split is noexcept inside the builder's nogil loop and
        # could not report a failed allocation, and the scratch is small (a few
        # cache lines per thread). Each thread's slice is padded to whole cache
        # lines plus one, so that no two threads write to the same line.
        self.n_threads = max(n_threads, 1)
        self.parallel_min_work = (PARALLEL_MIN_WORK if parallel_min_work is None
                                  else parallel_min_work)
        self.scratch_stride = ((self.width + n_stats + 7) // 8 + 1) * 8
        self.thread_scratch = np.zeros(self.n_threads * self.scratch_stride)
        if categorical is None:
            categorical = np.zeros(self.n_features, dtype=np.uint8)
        categorical = np.ascontiguousarray(categorical, dtype=np.uint8)
        if categorical.shape != (self.n_features,):
            raise ValueError("set_bins: categorical must have one entry per "
                             "feature.")
        self.categorical = categorical
        self.any_categorical = bool(categorical.any())
        self.cat_smooth = cat_smooth
        self.cat_min_support = cat_min_support
        # Sort keys and the order of up to 255 categories, per thread (the
        # intp stride pads each slice to whole cache lines).
        n = 256 + 8 if self.any_categorical else 0
        self.cat_keys = np.zeros(self.n_threads * n)
        self.cat_order = np.zeros(self.n_threads * n, dtype=np.intp)
        n = max(self.n_features, 1)
        self.drawn = np.empty(n, dtype=np.intp)
        self.drawn_proxy = np.empty(n)
        self.drawn_split_buf = np.empty(n * sizeof(SplitRecord), dtype=np.uint8)
        self.drawn_split = <SplitRecord*> &self.drawn_split_buf[0]
        self.part_buf = np.empty(max(self.n_samples, 1), dtype=np.intp)
        n = (self.n_samples + PARTITION_CHUNK - 1) // PARTITION_CHUNK + 1
        self.chunk_left = np.empty(n, dtype=np.intp)
        self.chunk_at = np.empty(2 * n, dtype=np.intp)
        self.chunk_stats = np.empty(n * 2 * (n_stats + 1))
        self.child_stats = np.empty(2 * (n_stats + 1))
        self.children_known = 0
        size = self.hist_bins * self.store_width * sizeof(float64_t)
        # Subtraction needs two buffers: the parent's and the smaller child's.
        self.max_slots = max(2, max_pool_bytes // max(size, 1)) if subtract else 1
        # The first buffer is allocated here, where MemoryError can be raised:
        # node_split always has a buffer, and the pool only grows when it can.
        self.capacity = min(self.max_slots, 8)
        self.slots = <HistSlot*> malloc(self.capacity * sizeof(HistSlot))
        if self.slots == NULL:
            raise MemoryError()
        self.slots[0].hist = _take_buffer(self.buffers, size,
                                          &self.slots[0].bytes)
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
        return (self.n_slots, self.hist_bins * self.store_width * sizeof(float64_t),
                kept)

    def __dealloc__(self):
        # A module function, not a method: when Splitter.__cinit__ raises
        # (a bad argument), the object is freed before its type's method table
        # is set, and calling a method through it would crash.
        _free_pool(self)

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
                hist = _take_buffer(
                    self.buffers,
                    self.hist_bins * self.store_width * sizeof(float64_t),
                    &self.slots[n].bytes)
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
        cdef intp_t parent, other, i, size = self.hist_bins * self.store_width
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
        if self.n_threads == 1 or size < self.parallel_min_work:
            for i in range(size):
                hist[i] -= small[i]
        else:
            for i in prange(size, schedule="static", num_threads=self.n_threads):
                hist[i] -= small[i]
        if small_start == start:
            self._keep(parent, pos, end)
        else:
            self._keep(parent, start, pos)
        self._keep(other, small_start, small_end)

    cdef bint children_stats(self, float64_t* left, float64_t* right) noexcept nogil:
        # Summed by _partition over the children's samples in their order, as
        # node_stats would, but chunk by chunk (see _partition). Not from the
        # histogram's bins: a histogram obtained by subtraction carries its
        # rounding, and the tree would then depend on which were.
        cdef intp_t k, s = self.crit.n_stats + 1
        if not self.children_known:
            return 0
        for k in range(s):
            left[k] = self.child_stats[k]
            right[k] = self.child_stats[s + k]
        return 1

    cdef intp_t _partition(self, intp_t start, intp_t end, intp_t feature,
                           intp_t bin, const uint32_t* cat_bits,
                           bint missing_go_to_left) noexcept nogil:
        # Stable partition of samples[start:end] on the bin codes of
        # ``feature`` (left: code <= bin, or missing and missing_go_to_left);
        # returns the split position. The children's statistics and weights
        # are summed on the way into child_stats.
        #
        # Stable, so a node's samples stay in increasing row order: the fills
        # and sums that follow read rows at increasing addresses, which the
        # hardware prefetcher streams. The node is cut in chunks of
        # PARTITION_CHUNK samples, whatever the thread count; each chunk is
        # partitioned into part_buf and summed on its own (on any thread),
        # then copied back (on any thread), its left samples after those of
        # the chunks before it and its right ones likewise after all left ones.
        # The chunks' sums are added in chunk order, so the result does not
        # depend on the thread count.
        cdef const Criterion* c = self.crit
        cdef intp_t n = end - start, k, j, s = c.n_stats + 1, n_left = 0
        cdef intp_t n_chunks = (n + PARTITION_CHUNK - 1) // PARTITION_CHUNK
        cdef intp_t lo, left_at, right_at
        cdef intp_t* samples = &self.samples[start]
        cdef intp_t* buf = &self.part_buf[start]
        cdef intp_t* chunk_left = &self.chunk_left[0]
        cdef intp_t* chunk_at = &self.chunk_at[0]
        cdef float64_t* chunk_stats = &self.chunk_stats[0]
        cdef float64_t* out = &self.child_stats[0]
        cdef const uint8_t* codes = &self.codes_by_feature[feature, 0]
        cdef bint parallel = (self.n_threads > 1 and n_chunks > 1
                              and n * 4 >= self.parallel_min_work)
        if parallel:
            for k in prange(n_chunks, schedule="static", num_threads=self.n_threads):
                lo = k * PARTITION_CHUNK
                chunk_left[k] = _partition_chunk(
                    c, codes, <uint8_t> bin, cat_bits,
                    missing_go_to_left,
                    samples + lo, min(PARTITION_CHUNK, n - lo), buf + lo,
                    chunk_stats + 2 * s * k)
        else:
            for k in range(n_chunks):
                lo = k * PARTITION_CHUNK
                chunk_left[k] = _partition_chunk(
                    c, codes, <uint8_t> bin, cat_bits,
                    missing_go_to_left,
                    samples + lo, min(PARTITION_CHUNK, n - lo), buf + lo,
                    chunk_stats + 2 * s * k)
        for j in range(2 * s):
            out[j] = 0.0
        for k in range(n_chunks):
            n_left += chunk_left[k]
            for j in range(2 * s):
                out[j] += chunk_stats[2 * s * k + j]
        left_at = 0
        right_at = n_left
        for k in range(n_chunks):
            chunk_at[2 * k] = left_at
            chunk_at[2 * k + 1] = right_at
            left_at += chunk_left[k]
            right_at += min(PARTITION_CHUNK, n - k * PARTITION_CHUNK) - chunk_left[k]
        if parallel:
            for k in prange(n_chunks, schedule="static", num_threads=self.n_threads):
                lo = k * PARTITION_CHUNK
                _copy_back(buf + lo, min(PARTITION_CHUNK, n - lo), chunk_left[k],
                           samples + chunk_at[2 * k], samples + chunk_at[2 * k + 1])
        else:
            for k in range(n_chunks):
                lo = k * PARTITION_CHUNK
                _copy_back(buf + lo, min(PARTITION_CHUNK, n - lo), chunk_left[k],
                           samples + chunk_at[2 * k], samples + chunk_at[2 * k + 1])
        return start + n_left

    cdef void node_leaf(self, intp_t start, intp_t end) noexcept nogil:
        # The node samples[start:end] will not be split: drop its histogram.
        cdef intp_t slot = self._find(start, end)
        if slot >= 0:
            self.slots[slot].start = -1

    cdef void _fill(self, intp_t start, intp_t end, float64_t* hist) noexcept nogil:
        # Histogram of samples[start:end], a block of features per thread.
        cdef intp_t t, n_features = self.n_features
        cdef intp_t n_blocks = min(self.n_threads, n_features)
        cdef const uint8_t* codes = &self.codes[0, 0] if self.codes.shape[0] else NULL
        cdef const intp_t* samples = &self.samples[start]
        cdef const intp_t* offsets = &self.offsets[0]
        cdef const intp_t* n_bins = &self.n_bins[0]
        if n_blocks <= 1 or (end - start) * n_features < self.parallel_min_work:
            # Without entering a parallel region: its cost is per node.
            fill_features(self.crit, codes, n_features, samples, end - start,
                          offsets, n_bins, 0, n_features, self.store_width, hist)
            return
        for t in prange(n_blocks, schedule="static", num_threads=self.n_threads):
            fill_features(self.crit, codes, n_features, samples, end - start,
                          offsets, n_bins, t * n_features // n_blocks,
                          (t + 1) * n_features // n_blocks, self.store_width,
                          hist)

    cdef void _scan_drawn(self, intp_t n_drawn, const float64_t* hist,
                          const float64_t* parent, float64_t wn, intp_t n,
                          SplitRecord* best) noexcept nogil:
        # Scan the drawn features (self.drawn[:n_drawn]) of the node in
        # parallel, then keep the first in draw order of largest proxy (with
        # ties_to_lowest_feature: of those, the one of lowest feature index).
        cdef ScanNode node
        cdef intp_t j
        cdef int n_threads = self.n_threads
        cdef const intp_t* drawn = &self.drawn[0]
        cdef float64_t* proxy = &self.drawn_proxy[0]
        cdef SplitRecord* split = self.drawn_split
        cdef float64_t best_proxy = -INFINITY
        node.crit = self.crit
        node.parent = parent
        node.wn = wn
        node.n = n
        node.width = self.width
        node.min_samples_leaf = self.min_samples_leaf
        node.min_weight_leaf = self.min_weight_leaf
        node.cat_smooth = self.cat_smooth
        node.cat_min_support = self.cat_min_support
        # A scanned bin costs some eight bin updates of a fill (a proxy).
        if (n_threads == 1 or n_drawn <= 1 or 8 * n_drawn * self.hist_bins
                < self.parallel_min_work * self.n_features):
            for j in range(n_drawn):
                proxy[j] = self._scan_one(&node, drawn[j], hist, 0, &split[j])
        else:
            for j in prange(n_drawn, schedule="static", num_threads=n_threads):
                proxy[j] = self._scan_one(&node, drawn[j], hist, threadid(),
                                          &split[j])
        for j in range(n_drawn):
            if proxy[j] > best_proxy or (
                    self.ties_to_lowest_feature and proxy[j] == best_proxy
                    and proxy[j] > -INFINITY and split[j].feature < best.feature):
                best_proxy = proxy[j]
                best.feature = split[j].feature
                best.pos = split[j].pos
                best.threshold = split[j].threshold
                best.n_missing = split[j].n_missing
                best.missing_go_to_left = split[j].missing_go_to_left
                best.categorical = split[j].categorical
                if split[j].categorical:
                    memcpy(best.cat_bits, split[j].cat_bits,
                           CAT_WORDS * sizeof(uint32_t))

    cdef float64_t _scan_one(self, const ScanNode* node, intp_t f,
                             const float64_t* hist, intp_t t,
                             SplitRecord* split) noexcept nogil:
        # Scan feature f on thread t's scratch (ordered bins or categories).
        cdef intp_t stride = self.scratch_stride, width = self.width
        cdef intp_t cat_stride = 256 + 8
        cdef float64_t* scratch = &self.thread_scratch[0] + t * stride
        cdef const float64_t* h = hist + self.offsets[f] * self.store_width
        if self.compact:
            h = _expand_compact(h, self.n_bins[f] + 1,
                                &self.expanded[0] + self.offsets[f] * width)
        if self.any_categorical and self.categorical[f]:
            return scan_categorical(node, f, self.n_bins[f], h,
                                    &self.cat_keys[0] + t * cat_stride,
                                    &self.cat_order[0] + t * cat_stride,
                                    scratch, scratch + width, split)
        if is_plain_newton(node.crit):
            return scan_newton(node, f, self.n_bins[f], h,
                               &self.bin_thresholds[f, 0], split)
        return scan_feature(node, f, self.n_bins[f], h,
                            &self.bin_thresholds[f, 0], scratch, scratch + width,
                            split)

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
        cdef intp_t n = end - start, n_drawn = 0
        cdef intp_t slot, b, n_nonempty, p, width = self.store_width
        cdef intp_t n_stats = c.n_stats
        # Where a bin's count is in the kept histograms.
        cdef intp_t count_at = 1 if self.compact else n_stats + 1
        cdef float64_t wl
        cdef float64_t* hist
        cdef float64_t* h
        cdef bint constant
        if end - start < self.exact_below:
            self.children_known = 0
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
        best.categorical = 0

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
            if self.allowed != NULL and not self.allowed[feature]:
                # Out of the node's interaction groups: drawn, not visited.
                n_visited -= 1
                f_i -= 1
                features[f_i], features[f_j] = features[f_j], features[f_i]
                continue
            h = hist + self.offsets[feature] * width
            n_nonempty = 0
            for b in range(self.n_bins[feature]):
                if h[b * width + count_at] > 0:
                    n_nonempty += 1
            constant = (n_nonempty == 0 or (
                n_nonempty == 1
                and h[self.n_bins[feature] * width + count_at] == 0))
            if constant:
                features[f_j], features[n_total_constants] = (
                    features[n_total_constants], features[f_j])
                n_found_constants += 1
                n_total_constants += 1
                continue
            f_i -= 1
            features[f_i], features[f_j] = features[f_j], features[f_i]
            self.drawn[n_drawn] = feature
            n_drawn += 1
        self._scan_drawn(n_drawn, hist, parent, wn, n, &best)

        self.children_known = 0
        if best.pos < end:
            # best.n_missing holds the bin of the split.
            best.pos = self._partition(
                start, end, best.feature, best.n_missing,
                best.cat_bits if best.categorical else NULL,
                best.missing_go_to_left)
            h = hist + self.offsets[best.feature] * width
            best.n_missing = <intp_t> h[self.n_bins[best.feature] * width
                                        + count_at]
            if self.median:
                # No additive statistics: the children's losses come from
                # ranking their targets.
                self.node_stats(start, best.pos, &self.left[0], &wl)
            else:
                for p in range(n_stats):
                    self.left[p] = self.child_stats[p]
                wl = self.child_stats[n_stats]
                self.children_known = 1
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


cdef bint _unit_hessians_and_weights(const Criterion* c,
                                     const intp_t[::1] samples) noexcept:
    # Whether every sample adds (g, 1) with weight 1 (one output of NEWTON or
    # squared error's layout, unit weights and hessians: the squared, absolute,
    # huber and quantile losses of boosting without sample weights). A bin's
    # hessian sum and weight are then its count, exactly (sums of ones), and
    # histograms keep two values per bin (HistSplitter.compact).
    cdef intp_t p, i
    if not (c.layout == LAYOUT_DENSE and c.n_stats == 2):
        return 0
    for p in range(samples.shape[0]):
        i = samples[p]
        if c.rows[2 * i + 1] != 1.0 or c.weights[i] != 1.0:
            return 0
    return 1


cdef inline const float64_t* _expand_compact(
    const float64_t* compact, intp_t n, float64_t* full,
) noexcept nogil:
    # The n bins (G, count) of a compact histogram as the scans read them:
    # (G, H, weight, count), with H and the weight equal to the count.
    cdef intp_t b
    for b in range(n):
        full[4 * b] = compact[2 * b]
        full[4 * b + 1] = compact[2 * b + 1]
        full[4 * b + 2] = compact[2 * b + 1]
        full[4 * b + 3] = compact[2 * b + 1]
    return full


cdef void _free_pool(HistSplitter splitter) noexcept:
    # Release every histogram buffer (set_bins may be called again), to the
    # splitter's HistBuffers if it has one.
    cdef intp_t s
    for s in range(splitter.n_slots):
        if splitter.buffers is None:
            free(splitter.slots[s].hist)
        else:
            splitter.buffers.give(splitter.slots[s].hist, splitter.slots[s].bytes)
    free(splitter.slots)
    splitter.slots = NULL
    splitter.n_slots = 0
    splitter.capacity = 0


cdef float64_t* _take_buffer(HistBuffers buffers, Py_ssize_t size,
                             Py_ssize_t* bytes) noexcept nogil:
    # A histogram buffer of at least ``size`` bytes (its size to ``bytes``): a
    # kept one if ``buffers`` has one large enough, else a new one; NULL when
    # out of memory.
    cdef float64_t* block
    if buffers is not None:
        block = buffers.take(size, bytes)
        if block != NULL:
            return block
    bytes[0] = size
    return <float64_t*> malloc(size)


cdef class HistBuffers:
    """Histogram buffers kept from one tree to the next.

    A splitter given one (``set_bins(buffers=...)``) takes its histogram
    buffers from it and gives them back when it is freed. Boosting grows its
    trees one after another with histograms of the same size: without it,
    every tree would fault in fresh pages for its buffers (some thousands of
    page faults and zeroed pages per tree). One splitter at a time may use it.
    The buffers are freed with it.
    """

    def __dealloc__(self):
        cdef Py_ssize_t j
        for j in range(self.n):
            free(self.blocks[j])
        free(self.blocks)
        free(self.sizes)

    def __len__(self):
        return self.n

    cdef float64_t* take(self, Py_ssize_t size, Py_ssize_t* bytes) noexcept nogil:
        # The last kept buffer of at least ``size`` bytes (its size to
        # ``bytes``), removed; NULL if none is.
        cdef Py_ssize_t j
        cdef float64_t* block
        for j in range(self.n - 1, -1, -1):
            if self.sizes[j] >= size:
                block = self.blocks[j]
                bytes[0] = self.sizes[j]
                self.n -= 1
                self.blocks[j] = self.blocks[self.n]
                self.sizes[j] = self.sizes[self.n]
                return block
        return NULL

    cdef void give(self, float64_t* block, Py_ssize_t size) noexcept:
        # Keep ``block`` (of ``size`` bytes); freed if it cannot be.
        cdef Py_ssize_t capacity
        cdef float64_t** blocks
        cdef Py_ssize_t* sizes
        if block == NULL:
            return
        if self.n == self.capacity:
            capacity = max(2 * self.capacity, 8)
            blocks = <float64_t**> realloc(self.blocks,
                                           capacity * sizeof(float64_t*))
            if blocks != NULL:
                self.blocks = blocks
            sizes = <Py_ssize_t*> realloc(self.sizes, capacity * sizeof(Py_ssize_t))
            if sizes != NULL:
                self.sizes = sizes
            if blocks == NULL or sizes == NULL:
                free(block)
                return
            self.capacity = capacity
        self.blocks[self.n] = block
        self.sizes[self.n] = size
        self.n += 1


cdef intp_t _partition_chunk(
    const Criterion* c, const uint8_t* codes, uint8_t bin,
    const uint32_t* cat_bits, bint missing_go_to_left, const intp_t* samples,
    intp_t m, intp_t* buf, float64_t* stats,
) noexcept nogil:
    # One chunk of HistSplitter._partition: its m samples go to buf, the left
    # (code <= bin, or for a categorical split (cat_bits) code in the set)
    # ones at the front in order, the right ones at the back in reverse order;
    # stats gets the left ones' statistics and weight (n_stats + 1 values),
    # then the right ones'. Returns the number of left samples. ``codes``
    # holds the feature's code of every row (a row of codes_by_feature).
    cdef intp_t p, i, nl = 0, nr = 0, k, s = c.n_stats + 1
    cdef intp_t go_left
    cdef float64_t* side
    cdef const float64_t* rows = c.rows
    cdef const float64_t* weights = c.weights
    cdef float64_t to_left, to_right, g, h, w
    cdef float64_t gl = 0.0, hl = 0.0, wl = 0.0, gr = 0.0, hr = 0.0, wr = 0.0
    for k in range(2 * s):
        stats[k] = 0.0
    if c.layout == LAYOUT_DENSE and c.n_stats == 2:
        # One output of NEWTON or squared error: the sums are kept in
        # registers, a sample adding its values to its side and zero to the
        # other (the same sums, where adding to a side in memory chained every
        # sample to the previous one's store).
        for p in range(m):
            if p + PREFETCH_AHEAD < m:
                i = samples[p + PREFETCH_AHEAD]
                prefetch(codes + i)
                prefetch(rows + 2 * i)
            i = samples[p]
            go_left = _goes_left(codes[i], bin, cat_bits, missing_go_to_left)
            # Without a branch on the side, which data mispredict half the
            # time: the sample is written at both ends and the counts advance
            # by the side. The slot of the other side is one not yet final,
            # written again later (at the last sample both slots are the same).
            buf[nl] = i
            buf[m - 1 - nr] = i
            nl += go_left
            nr += 1 - go_left
            to_left = <float64_t> go_left
            to_right = 1.0 - to_left
            g = rows[2 * i]
            h = rows[2 * i + 1]
            w = weights[i]
            gl += g * to_left
            hl += h * to_left
            wl += w * to_left
            gr += g * to_right
            hr += h * to_right
            wr += w * to_right
        stats[0] = gl
        stats[1] = hl
        stats[2] = wl
        stats[3] = gr
        stats[4] = hr
        stats[5] = wr
        return nl
    for p in range(m):
        if p + PREFETCH_AHEAD < m:
            i = samples[p + PREFETCH_AHEAD]
            prefetch(codes + i)
            if c.layout == LAYOUT_DENSE:
                prefetch(c.rows + i * c.n_stats)
        i = samples[p]
        go_left = _goes_left(codes[i], bin, cat_bits, missing_go_to_left)
        buf[nl] = i  # as above
        buf[m - 1 - nr] = i
        nl += go_left
        nr += 1 - go_left
        side = stats + (1 - go_left) * s
        crit_add(c, side, i)
        side[s - 1] += weights[i]
    return nl


cdef inline intp_t _goes_left(uint8_t code, uint8_t bin, const uint32_t* cat_bits,
                              bint missing_go_to_left) noexcept nogil:
    # Side of a sample of bin ``code`` in a split at ``bin`` (or, categorical,
    # of the set ``cat_bits``): 1 left, 0 right.
    if code == MISSING_BIN:
        return missing_go_to_left
    if cat_bits != NULL:  # a categorical split: the category's bit
        return (cat_bits[code >> 5] >> (code & 31)) & 1
    return code <= bin


cdef inline void _copy_back(const intp_t* buf, intp_t m, intp_t nl, intp_t* left,
                            intp_t* right) noexcept nogil:
    # A chunk partitioned by _partition_chunk, back to its two places.
    cdef intp_t j
    for j in range(nl):
        left[j] = buf[j]
    for j in range(m - nl):
        right[j] = buf[m - 1 - j]


cdef inline void memcpy_intp(intp_t* dst, const intp_t* src, intp_t n) noexcept nogil:
    cdef intp_t i
    for i in range(n):
        dst[i] = src[i]


ctypedef fused binned_float:
    float
    double


def map_to_bins(const binned_float[:, :] X, const float64_t[:, ::1] thresholds,
                const intp_t[::1] n_bins, uint8_t[:, ::1] codes, int n_threads=1):
    """Bin codes of the rows of dense ``X``: ``codes[i, f]`` is the number of
    edges ``thresholds[f, :n_bins[f] - 1]`` below ``X[i, f]`` (as
    ``np.searchsorted(edges, x, side="left")``, compared in float64), and
    ``MISSING_BIN`` for NaN. Rows are independent, so they are split over
    ``n_threads`` threads; ``X`` may have any memory layout."""
    cdef intp_t n = X.shape[0], n_features = X.shape[1], i, f, lo, size, half
    cdef float64_t x
    cdef const float64_t* edges
    if (thresholds.shape[0] != n_features or n_bins.shape[0] != n_features
            or codes.shape[0] != n or codes.shape[1] != n_features):
        raise ValueError("map_to_bins: X, thresholds, n_bins and codes disagree "
                         "on the numbers of rows and features.")
    for f in range(n_features):
        if not 1 <= n_bins[f] <= thresholds.shape[1]:
            raise ValueError(f"map_to_bins: feature {f} has {n_bins[f]} bins.")
    for i in prange(n, schedule="static", num_threads=max(n_threads, 1),
                    nogil=True):
        for f in range(n_features):
            x = X[i, f]
            if x != x:
                codes[i, f] = MISSING_BIN
                continue
            # Edges below x, by a binary search without branches (a select per
            # halving): the branches of the usual search are mispredicted half
            # the time on data that fills the bins evenly.
            edges = &thresholds[f, 0]
            lo = 0
            size = n_bins[f] - 1
            while size > 1:
                half = size >> 1
                lo = lo + half if edges[lo + half - 1] < x else lo
                size = size - half
            if size == 1 and edges[lo] < x:
                lo = lo + 1
            codes[i, f] = <uint8_t> lo
