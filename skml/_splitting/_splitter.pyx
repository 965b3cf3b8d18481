# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Split finders on exact (sorted) feature values.

Features are drawn without replacement by the Fisher-Yates scheme of
scikit-learn, with the same xorshift generator, and features found constant in
a node are not drawn again below it; so, with the same seed, the same features
are visited in the same order as scikit-learn's splitters. The best splitter
sorts the node by each drawn feature and sweeps the sorted samples, adding each
one's contribution to the left statistics (the right ones are parent - left),
and ranks the admissible candidates (``crit_admissible``) by the criterion's
``crit_proxy`` (``crit_proxy_above``, which may skip work on a candidate that
cannot beat the best); the chosen split's gain is ``crit_gain``.
With missing values it sweeps twice: missing values on the right, then on the
left. The random splitter draws one threshold per feature.

The absolute error has no additive statistics: its sweep reads the losses of
every prefix and suffix of the sorted node from a Fenwick tree over the node's
target ranks, and its children are scored from those ranks (_median.pxd).
"""

import numpy as np

from libc.math cimport INFINITY
from libc.string cimport memcpy, memmove, memset

from skml._splitting._criterion cimport (
    LAYOUT_DENSE,
    LAYOUT_MEDIAN,
    Criterion,
    CriterionSource,
    crit_add,
    crit_admissible,
    crit_begin_split,
    crit_sub,
    crit_children_impurity,
    crit_gain,
    crit_proxy,
    crit_proxy_above,
)
from skml._splitting._median cimport (
    fenwick_add,
    fenwick_clear,
    fenwick_lower_median,
    highest_power_of_two,
    subset_median_loss,
)
from skml._splitting._partitioner cimport (
    gather_min_max,
    partition_samples,
    sort_by_feature,
    sort_keys,
)
from skml.utils._prefetch cimport PREFETCH_AHEAD, prefetch
from skml.utils._typedefs cimport float32_t, float64_t, int32_t, intp_t, uint32_t

cdef float64_t FEATURE_THRESHOLD = 1e-7


cdef inline void _rotate(char* a, intp_t start, intp_t end, intp_t n,
                         size_t itemsize, char* buffer) noexcept nogil:
    # Swap the slices a[start:start + n] and a[start + n:end], keeping order.
    cdef intp_t n_rev = end - start - n
    memcpy(buffer, a + (start + n) * itemsize, n_rev * itemsize)
    memmove(a + (start + n_rev) * itemsize, a + start * itemsize, n * itemsize)
    memcpy(a + start * itemsize, buffer, n_rev * itemsize)


cdef inline void _prefetch_sample(const Criterion* c, intp_t i) noexcept nogil:
    # Start loading sample i's contribution (a later crit_add reads it).
    if c.layout == LAYOUT_DENSE:
        prefetch(c.rows + i * c.n_stats)
    else:
        prefetch(c.slots + i * c.n_outputs)
    prefetch(c.weights + i)


cdef inline void _init_split(SplitRecord* s, intp_t end) noexcept nogil:
    s.feature = 0
    s.pos = end
    s.threshold = 0.0
    s.improvement = -INFINITY
    s.impurity_left = INFINITY
    s.impurity_right = INFINITY
    s.missing_go_to_left = 0
    s.n_missing = 0
    s.categorical = 0


cdef class Splitter:
    """Finds the split of a node over the exact partitioner.

    Parameters
    ----------
    source : CriterionSource
        The criterion and the per-sample arrays it reads.
    X : ndarray of shape (n_samples, n_features), float32, Fortran-ordered
        Training data.
    samples : ndarray of shape (n_nonzero,), intp
        Ids of the samples with nonzero weight (the ones the tree is built on).
    method : int
        ``SPLIT_BEST`` (0) or ``SPLIT_RANDOM`` (1).
    max_features, min_samples_leaf : int
        Features drawn per node; fewest samples in a child.
    min_weight_leaf : float
        Least total weight in a child.
    seed : int
        Seed of the xorshift generator.
    """

    def __cinit__(self, CriterionSource source, const float32_t[::1, :] X,
                  intp_t[::1] samples, int method, intp_t max_features,
                  intp_t min_samples_leaf, float64_t min_weight_leaf,
                  uint32_t seed):
        cdef intp_t i
        self.source = source
        self.crit = &source.c
        self.X = X
        self.method = method
        self.n_features = X.shape[1]
        self.max_features = max_features
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_leaf = min_weight_leaf
        self.rand_state = seed
        self.allowed = NULL
        self.samples = samples
        self.n_samples = samples.shape[0]
        self.weighted_n_samples = 0.0
        for i in range(self.n_samples):
            self.weighted_n_samples += self.crit.weights[samples[i]]
        self.features = np.arange(self.n_features, dtype=np.intp)
        self.constant_features = np.empty(self.n_features, dtype=np.intp)
        n = max(self.n_samples, 1)
        self.values = np.empty(n, dtype=np.float32)
        self.keys = np.empty(n, dtype=np.uint64)
        self.scratch = np.empty(n, dtype=np.uint64)
        self.left = np.zeros(max(source.c.n_stats, 1))
        self.right = np.zeros(max(source.c.n_stats, 1))
        self.missing = np.zeros(max(source.c.n_stats, 1))
        self.median = source.c.layout == LAYOUT_MEDIAN
        self.ranked_start = -1
        self.ranked_end = -1
        if self.median:
            n_rows = source.weights_mv.shape[0]
            n_out = source.c.n_outputs
            self.node_rank = np.empty(n_rows * n_out, dtype=np.intp)
            self.rank_order = np.empty(n * n_out, dtype=np.intp)
            self.rank_y = np.empty(n * n_out)
            self.rank_w = np.empty(n * n_out)
            self.member = np.zeros(n_rows, dtype=np.int8)
            self.fen_w = np.zeros(n + 1)
            self.fen_wy = np.zeros(n + 1)
            self.prefix_w = np.zeros(n + 1)
            self.prefix_loss = np.zeros(n + 1)
            self.suffix_loss = np.zeros(n + 1)

    cdef const float32_t* _column(self, intp_t feature, intp_t start,
                                  intp_t end, bint* all_zero) noexcept nogil:
        """Values of ``feature``, indexed by sample id; valid (at least) for
        ``samples[start:end]``. Sparse data fills a scratch column, and sets
        ``all_zero`` when the node has no stored value of the feature (then
        constant: no need to sort it)."""
        if self.csc is not None:
            return self.csc.gather(&self.samples[0], feature, start, end, all_zero)
        all_zero[0] = 0
        return &self.X[0, feature]

    def set_csc(self, const float32_t[::1] data, const int32_t[::1] indices,
                const intp_t[::1] indptr, intp_t n_rows):
        """Read ``X`` from these CSC arrays (row indices sorted within each
        column) instead of the dense ``X`` (which may then have no rows)."""
        self.csc = CSCColumns(data, indices, indptr, n_rows)

    cdef void node_stats(self, intp_t start, intp_t end, float64_t* stats,
                         float64_t* wn) noexcept nogil:
        """Statistics and weighted count of ``samples[start:end]``."""
        cdef intp_t p, i, o, n = self.n_samples
        cdef float64_t w = 0.0
        if self.median:
            self._rank_node(start, end)
            for o in range(self.crit.n_outputs):
                subset_median_loss(&self.rank_order[o * n], &self.rank_y[o * n],
                                   &self.rank_w[o * n], NULL, 0, end - start,
                                   &stats[2 * o], &stats[2 * o + 1])
            for p in range(start, end):
                w += self.crit.weights[self.samples[p]]
            wn[0] = w
            return
        memset(stats, 0, self.crit.n_stats * sizeof(float64_t))
        for p in range(start, end):
            if p + PREFETCH_AHEAD < end:
                i = self.samples[p + PREFETCH_AHEAD]
                if self.crit.layout == LAYOUT_DENSE:
                    prefetch(self.crit.rows + i * self.crit.n_stats)
                else:
                    prefetch(self.crit.slots + i * self.crit.n_outputs)
                prefetch(self.crit.weights + i)
            i = self.samples[p]
            crit_add(self.crit, stats, i)
            w += self.crit.weights[i]
        wn[0] = w

    cdef void _rank_node(self, intp_t start, intp_t end) noexcept nogil:
        # Rank the targets of samples[start:end], output by output.
        cdef const Criterion* c = self.crit
        cdef intp_t n_out = c.n_outputs, n = self.n_samples, m = end - start
        cdef intp_t o, q, r, i
        cdef uint64_t* out
        for o in range(n_out):
            for q in range(m):
                i = self.samples[start + q]
                self.keys[q] = ((<uint64_t> c.y_ranks[i * n_out + o]) << 32
                                | <uint64_t> i)
            out = sort_keys(&self.keys[0], &self.scratch[0], m)
            for r in range(m):
                i = <intp_t> (out[r] & 0xFFFFFFFFu)
                self.node_rank[i * n_out + o] = r
                self.rank_order[o * n + r] = i
                self.rank_y[o * n + r] = c.rows[i * n_out + o]
                self.rank_w[o * n + r] = c.weights[i]
        self.ranked_start = start
        self.ranked_end = end

    cdef void _median_sweep(self, intp_t start, intp_t end) noexcept nogil:
        # Losses of every prefix samples[start:start + k] and suffix
        # samples[start + k:end] of the node in its current order, summed over
        # outputs, and the weight of every prefix.
        cdef const Criterion* c = self.crit
        cdef intp_t n_out = c.n_outputs, n = self.n_samples, m = end - start
        cdef intp_t top = highest_power_of_two(m), o, j, k, i, r, lo
        cdef float64_t* fw = &self.fen_w[0]
        cdef float64_t* fwy = &self.fen_wy[0]
        cdef const float64_t* ys
        cdef float64_t w, wy, total, total_y, below, below_y, loss
        cdef bint backward
        memset(&self.prefix_loss[0], 0, (m + 1) * sizeof(float64_t))
        memset(&self.suffix_loss[0], 0, (m + 1) * sizeof(float64_t))
        self.prefix_w[0] = 0.0
        for k in range(m):
            self.prefix_w[k + 1] = self.prefix_w[k] + c.weights[self.samples[start + k]]
        for o in range(n_out):
            ys = &self.rank_y[o * n]
            # Samples enter the Fenwick tree from the left (prefix losses),
            # then from the right (suffix losses).
            for backward in range(2):
                fenwick_clear(fw, fwy, m)
                total = 0.0
                total_y = 0.0
                for j in range(m):
                    k = m - 1 - j if backward else j
                    i = self.samples[start + k]
                    r = self.node_rank[i * n_out + o]
                    w = c.weights[i]
                    wy = w * ys[r]
                    fenwick_add(fw, fwy, m, r, w, wy)
                    total += w
                    total_y += wy
                    lo = fenwick_lower_median(fw, fwy, m, top, 0.5 * total, &below,
                                              &below_y)
                    if lo >= m:
                        lo = m - 1
                    loss = ys[lo] * (2.0 * below - total) + total_y - 2.0 * below_y
                    if backward:
                        self.suffix_loss[k] += loss
                    else:
                        self.prefix_loss[k + 1] += loss

    cdef void _median_children(self, intp_t start, intp_t pos, intp_t end,
                               float64_t* loss_left, float64_t* loss_right,
                               float64_t* wl) noexcept nogil:
        # Losses (summed over outputs) of samples[start:pos] and
        # samples[pos:end], and the weight of the left one.
        cdef const Criterion* c = self.crit
        cdef intp_t n = self.n_samples, m = end - start, o, p, i
        cdef float64_t w = 0.0, med, loss
        if self.ranked_start != start or self.ranked_end != end:
            self._rank_node(start, end)
        for p in range(start, end):
            i = self.samples[p]
            if p < pos:
                self.member[i] = 1
                w += c.weights[i]
            else:
                self.member[i] = 0
        loss_left[0] = 0.0
        loss_right[0] = 0.0
        for o in range(c.n_outputs):
            subset_median_loss(&self.rank_order[o * n], &self.rank_y[o * n],
                               &self.rank_w[o * n], &self.member[0], 1, m, &med,
                               &loss)
            loss_left[0] += loss
            subset_median_loss(&self.rank_order[o * n], &self.rank_y[o * n],
                               &self.rank_w[o * n], &self.member[0], 0, m, &med,
                               &loss)
            loss_right[0] += loss
        wl[0] = w

    cdef bint children_stats(self, float64_t* left, float64_t* right) noexcept nogil:
        """After a ``node_split`` that found a split: whether the splitter knows
        the children's statistics, each as ``n_stats`` values then the weight
        (copied into ``left`` and ``right``). The builder then uses them as the
        children's own, instead of summing them with ``node_stats``. The exact
        splitter's running sums are rounded differently from ``node_stats``
        (which must give scikit-learn's trees), so it never knows them."""
        return 0

    cdef void node_children(self, intp_t start, intp_t pos,
                            intp_t end) noexcept nogil:
        """The builder splits ``samples[start:end]`` at ``pos`` (after
        ``node_split``). A hook for splitters that keep per-node state."""
        pass

    cdef void node_leaf(self, intp_t start, intp_t end) noexcept nogil:
        """The builder makes ``samples[start:end]`` a leaf. A hook, as
        ``node_children``."""
        pass

    cdef void node_split(self, intp_t start, intp_t end,
                         const float64_t* parent, float64_t wn,
                         float64_t impurity, intp_t* n_constant_features,
                         SplitRecord* split) noexcept nogil:
        """Find the split of ``samples[start:end]``; ``pos == end`` if none.

        ``n_constant_features`` is read (features known constant above) and
        updated (those found constant here too).
        """
        cdef const Criterion* c = self.crit
        cdef intp_t[::1] features = self.features
        cdef intp_t n_known_constants = n_constant_features[0]
        cdef intp_t n_found_constants = 0, n_drawn_constants = 0
        cdef intp_t n_total_constants = n_known_constants
        cdef intp_t n_visited = 0, f_i = self.n_features, f_j, feature
        cdef intp_t n_missing, p, last_feature = -1
        cdef float64_t best_proxy = -INFINITY, wl
        cdef float32_t vmin = 0, vmax = 0
        cdef const float32_t* column
        cdef intp_t zero_run[2]
        cdef bint constant
        cdef SplitRecord best
        cdef float64_t* left = &self.left[0]
        cdef float64_t* right = &self.right[0]
        cdef float64_t loss_left, loss_right
        _init_split(&best, end)
        crit_begin_split(<Criterion*> c, parent)
        if self.median and (self.ranked_start != start or self.ranked_end != end):
            self._rank_node(start, end)

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
            last_feature = feature
            column = self._column(feature, start, end, &constant)
            if constant:
                pass
            elif self.method == SPLIT_BEST:
                n_missing = sort_by_feature(
                    column, &self.samples[start], &self.values[start],
                    &self.keys[0], &self.scratch[0], end - start, zero_run)
                constant = (
                    end - n_missing == start
                    or (n_missing == 0 and self.values[end - 1]
                        <= self.values[start] + FEATURE_THRESHOLD))
            else:
                n_missing = gather_min_max(
                    column, &self.samples[start], &self.values[start],
                    end - start, &vmin, &vmax)
                constant = (end - start == n_missing
                            or (vmax <= vmin + FEATURE_THRESHOLD and n_missing == 0))
            if constant:
                features[f_j], features[n_total_constants] = (
                    features[n_total_constants], features[f_j])
                n_found_constants += 1
                n_total_constants += 1
                continue
            f_i -= 1
            features[f_i], features[f_j] = features[f_j], features[f_i]
            if self.method == SPLIT_BEST:
                self._sweep(start, end, n_missing, zero_run, feature, parent, wn,
                            &best_proxy, &best)
            else:
                self._random(start, end, n_missing, feature, column, vmin, vmax,
                             parent, wn, &best_proxy, &best)

        if best.pos < end:
            # The random splitter leaves the samples partitioned by the last
            # feature it tried.
            if self.method == SPLIT_BEST or last_feature != best.feature:
                p = partition_samples(self._column(best.feature, start, end,
                                                   &constant),
                                      &self.samples[start],
                                      end - start, best.threshold,
                                      best.missing_go_to_left)
                best.pos = start + p
            if self.median:
                self._median_children(start, best.pos, end, &loss_left,
                                      &loss_right, &wl)
                best.impurity_left = loss_left / (wl * c.n_outputs)
                best.impurity_right = loss_right / ((wn - wl) * c.n_outputs)
                left = NULL  # no additive statistics
                right = NULL
            else:
                memset(left, 0, c.n_stats * sizeof(float64_t))
                wl = 0.0
                self._move_left(start, end, start, best.pos, parent, wn, &wl)
                crit_children_impurity(c, parent, left, right, wn, wl,
                                       &best.impurity_left, &best.impurity_right)
            best.improvement = crit_gain(
                c, parent, left, right, wn, wl, self.weighted_n_samples, impurity,
                best.impurity_left, best.impurity_right)

        # Known constants keep their order for siblings and children; append
        # the ones found here.
        memcpy(&features[0], &self.constant_features[0],
               n_known_constants * sizeof(intp_t))
        memcpy(&self.constant_features[n_known_constants],
               &features[n_known_constants], n_found_constants * sizeof(intp_t))
        n_constant_features[0] = n_total_constants
        split[0] = best

    cdef void _move_left(self, intp_t start, intp_t end, intp_t pos,
                         intp_t new_pos, const float64_t* parent, float64_t wn,
                         float64_t* wl) noexcept nogil:
        # Move samples[pos:new_pos] to the left statistics, from whichever end
        # is nearer (as scikit-learn's criteria do, so sums round alike).
        cdef const Criterion* c = self.crit
        cdef float64_t* left = &self.left[0]
        cdef const intp_t* samples = &self.samples[0]
        cdef intp_t q, i, k
        cdef float64_t w = wl[0]
        if new_pos - pos <= end - new_pos:
            for q in range(pos, new_pos):
                i = samples[q]
                crit_add(c, left, i)
                w += c.weights[i]
        else:
            for k in range(c.n_stats):
                left[k] = parent[k]
            w = wn
            for q in range(end - 1, new_pos - 1, -1):
                i = samples[q]
                crit_sub(c, left, i)
                w -= c.weights[i]
        wl[0] = w

    cdef void _sweep(self, intp_t start, intp_t end, intp_t n_missing,
                     const intp_t* zero_run, intp_t feature,
                     const float64_t* parent, float64_t wn,
                     float64_t* best_proxy, SplitRecord* best) noexcept nogil:
        # Best threshold of one feature; values[start:end] are sorted, NaN last,
        # with zeros at [start + zero_run[0], start + zero_run[1]).
        # With missing values, a second sweep moves them to the front (left).
        # The sweep jumps over the run of zeros, and _move_left moves samples
        # from the nearer end: when zeros are most of the node (sparse data), a
        # feature costs little more than its nonzero values.
        cdef const Criterion* c = self.crit
        cdef float64_t* left = &self.left[0]
        cdef float64_t* right = &self.right[0]
        cdef float32_t* v = &self.values[0]
        cdef intp_t end_nm
        cdef intp_t msl = self.min_samples_leaf
        cdef float64_t mwl = self.min_weight_leaf
        cdef float64_t wl, proxy
        cdef intp_t p, p_prev, pos, n_left, n_right
        cdef bint missing_go_to_left, median = self.median
        cdef intp_t zero_start = start + zero_run[0], zero_end = start + zero_run[1]
        for missing_go_to_left in range(2 if n_missing else 1):
            if missing_go_to_left:
                zero_start += n_missing
                zero_end += n_missing
                _rotate(<char*> &self.samples[0], start, end, end - start - n_missing,
                        sizeof(intp_t), <char*> &self.keys[0])
                _rotate(<char*> v, start, end, end - start - n_missing,
                        sizeof(float32_t), <char*> &self.keys[0])
                end_nm = end
            else:
                end_nm = end - n_missing
            if median:
                self._median_sweep(start, end)
            memset(left, 0, c.n_stats * sizeof(float64_t))
            wl = 0.0
            pos = start
            p = start
            while p < end:
                if p == end_nm and not missing_go_to_left:
                    break
                if missing_go_to_left and p == start:
                    p = start + n_missing
                p += 1
                while p < end_nm and v[p] <= v[p - 1] + FEATURE_THRESHOLD:
                    if zero_start < p < zero_end:
                        p = zero_end  # inside the run of zeros: all equal
                    else:
                        p += 1
                p_prev = p - 1
                if p == end:
                    continue
                n_left = p - start
                n_right = end - p
                if n_left < msl:
                    continue
                if n_right < msl:
                    break
                if median:
                    wl = self.prefix_w[p - start]
                else:
                    # The samples are in feature order, scattered over the
                    # rows: ask for the one moved PREFETCH_AHEAD steps later.
                    if p + PREFETCH_AHEAD < end:
                        _prefetch_sample(c, self.samples[p + PREFETCH_AHEAD])
                    self._move_left(start, end, pos, p, parent, wn, &wl)
                    pos = p
                if wl < mwl or wn - wl < mwl:
                    continue
                if not crit_admissible(c, feature, parent, left, wn, wl):
                    continue
                if median:
                    proxy = -(self.prefix_loss[p - start] + self.suffix_loss[p - start])
                else:
                    proxy = crit_proxy_above(c, parent, left, right, wn, wl,
                                             best_proxy[0])
                if proxy > best_proxy[0]:
                    best_proxy[0] = proxy
                    best.feature = feature
                    best.pos = p
                    if p == end_nm and not missing_go_to_left:
                        best.threshold = INFINITY
                    else:
                        best.threshold = v[p_prev] / 2.0 + v[p] / 2.0
                    if n_missing == 0:
                        best.missing_go_to_left = n_left > n_right
                    else:
                        best.missing_go_to_left = missing_go_to_left
                    best.n_missing = n_missing

    cdef void _random(self, intp_t start, intp_t end, intp_t n_missing,
                      intp_t feature, const float32_t* column,
                      float32_t vmin, float32_t vmax,
                      const float64_t* parent, float64_t wn,
                      float64_t* best_proxy, SplitRecord* best) noexcept nogil:
        # One uniformly drawn threshold of one feature.
        cdef const Criterion* c = self.crit
        cdef float64_t threshold, wl, proxy, loss_left, loss_right
        cdef bint missing_go_to_left = 0
        cdef intp_t n_left, n_right
        threshold = rand_uniform(vmin, vmax, &self.rand_state)
        if n_missing:
            missing_go_to_left = rand_int(0, 2, &self.rand_state)
        if threshold == vmax:
            threshold = vmin
        n_left = partition_samples(column, &self.samples[start],
                                   end - start, threshold, missing_go_to_left)
        n_right = end - start - n_left
        if n_left < self.min_samples_leaf or n_right < self.min_samples_leaf:
            return
        if self.median:
            self._median_children(start, start + n_left, end, &loss_left,
                                  &loss_right, &wl)
            proxy = -(loss_left + loss_right)
        else:
            memset(&self.left[0], 0, c.n_stats * sizeof(float64_t))
            wl = 0.0
            self._move_left(start, end, start, start + n_left, parent, wn, &wl)
            proxy = crit_proxy(c, parent, &self.left[0], &self.right[0], wn, wl)
        if wl < self.min_weight_leaf or wn - wl < self.min_weight_leaf:
            return
        if not crit_admissible(c, feature, parent, &self.left[0], wn, wl):
            return
        if proxy > best_proxy[0]:
            best_proxy[0] = proxy
            best.feature = feature
            best.pos = start + n_left
            best.threshold = threshold
            best.missing_go_to_left = (missing_go_to_left if n_missing
                                       else n_left > n_right)
            best.n_missing = n_missing
