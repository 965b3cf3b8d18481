# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
# Inline kernels of the histogram splitter: fill the histograms of a block of
# features, scan one feature's bins (ordered, or categories). Each touches only
# its own features' bins and the scratch it is given, so the splitter runs them
# for different features on different threads (_hist.pyx).
#
# A histogram bin holds ``width = n_stats + 2`` values: the criterion's
# statistics, then the weight and the count of the node's samples in the bin.
# Whatever the thread count, a bin's sums are accumulated over the node's
# samples in the order of ``samples``, so results do not depend on it.

from libc.math cimport INFINITY
from libc.string cimport memset

from skml._splitting._criterion cimport (
    LAYOUT_DENSE,
    LAYOUT_ONEHOT,
    NEWTON,
    Criterion,
    _soft_threshold,
    crit_admissible,
    crit_category_key,
    crit_proxy,
)
from skml._splitting._splitter cimport SplitRecord
from skml._splitting._tree cimport CAT_WORDS
from skml.utils._prefetch cimport PREFETCH_AHEAD, prefetch
from skml.utils._typedefs cimport float64_t, intp_t, uint8_t, uint32_t

cdef enum:
    MISSING_BIN = 255   # bin code of a missing value


cdef inline void fill_features(
    const Criterion* c, const uint8_t* codes, intp_t n_features,
    const intp_t* samples, intp_t n, const intp_t* offsets, const intp_t* n_bins,
    intp_t f0, intp_t f1, intp_t width, float64_t* hist,
) noexcept nogil:
    # Histograms of features f0..f1-1 (their bins of ``hist``) over the node's
    # n samples; ``codes`` is the C-ordered (n_rows, n_features) matrix of bin
    # codes. Sample-major: a sample's codes are one cache line, read once per
    # thread, and the layout branch is outside the loops. A bin adds what
    # crit_add would, then the weight and the count.
    cdef intp_t p, i, f, k, o, n_stats = c.n_stats, n_outputs = c.n_outputs
    cdef const uint8_t* row
    cdef const float64_t* contribution
    cdef float64_t* h
    cdef float64_t w, g, hs
    cdef uint8_t code
    cdef const intp_t* slot
    if f0 >= f1:
        return
    memset(hist + offsets[f0] * width, 0,
           (offsets[f1 - 1] + n_bins[f1 - 1] + 1 - offsets[f0]) * width
           * sizeof(float64_t))
    if c.layout == LAYOUT_ONEHOT:
        for p in range(n):
            if p + PREFETCH_AHEAD < n:
                i = samples[p + PREFETCH_AHEAD]
                prefetch(codes + i * n_features + f0)
                prefetch(codes + i * n_features + f1 - 1)
                prefetch(c.slots + i * n_outputs)
                prefetch(c.weights + i)
            i = samples[p]
            row = codes + i * n_features
            w = c.weights[i]
            slot = c.slots + i * n_outputs
            for f in range(f0, f1):
                if row[f] == MISSING_BIN:
                    h = hist + (offsets[f] + n_bins[f]) * width
                else:
                    h = hist + (offsets[f] + row[f]) * width
                for o in range(n_outputs):
                    h[slot[o]] += w
                h[n_stats] += w
                h[n_stats + 1] += 1.0
    elif width == 2:
        # Compact bins (HistSplitter.compact: unit hessians and weights): the
        # gradient and the count, one vector add per bin and one statistic
        # read per sample.
        for p in range(n):
            if p + PREFETCH_AHEAD < n:
                i = samples[p + PREFETCH_AHEAD]
                prefetch(codes + i * n_features + f0)
                prefetch(codes + i * n_features + f1 - 1)
                prefetch(c.rows + 2 * i)
            i = samples[p]
            row = codes + i * n_features
            g = c.rows[2 * i]
            for f in range(f0, f1):
                code = row[f]
                if code == MISSING_BIN:
                    h = hist + (offsets[f] + n_bins[f]) * 2
                else:
                    h = hist + (offsets[f] + code) * 2
                h[0] += g
                h[1] += 1.0
    elif c.layout == LAYOUT_DENSE and n_stats == 2:
        # Two statistics (one output of NEWTON, squared error): the bin is four
        # values updated by straight-line code, which the compiler keeps in
        # two vector adds; the general loop below costs twice as much.
        for p in range(n):
            if p + PREFETCH_AHEAD < n:
                i = samples[p + PREFETCH_AHEAD]
                prefetch(codes + i * n_features + f0)
                prefetch(codes + i * n_features + f1 - 1)
                prefetch(c.rows + 2 * i)
                prefetch(c.weights + i)
            i = samples[p]
            row = codes + i * n_features
            w = c.weights[i]
            g = c.rows[2 * i]
            hs = c.rows[2 * i + 1]
            for f in range(f0, f1):
                code = row[f]
                if code == MISSING_BIN:
                    h = hist + (offsets[f] + n_bins[f]) * 4
                else:
                    h = hist + (offsets[f] + code) * 4
                h[0] += g
                h[1] += hs
                h[2] += w
                h[3] += 1.0
    elif c.layout == LAYOUT_DENSE:
        for p in range(n):
            if p + PREFETCH_AHEAD < n:
                i = samples[p + PREFETCH_AHEAD]
                prefetch(codes + i * n_features + f0)
                prefetch(codes + i * n_features + f1 - 1)
                prefetch(c.rows + i * n_stats)
                prefetch(c.weights + i)
            i = samples[p]
            row = codes + i * n_features
            w = c.weights[i]
            contribution = c.rows + i * n_stats
            for f in range(f0, f1):
                if row[f] == MISSING_BIN:
                    h = hist + (offsets[f] + n_bins[f]) * width
                else:
                    h = hist + (offsets[f] + row[f]) * width
                for k in range(n_stats):
                    h[k] += contribution[k]
                h[n_stats] += w
                h[n_stats + 1] += 1.0
    # LAYOUT_MEDIAN: the absolute error has no histograms.


cdef struct ScanNode:
    # What a feature's scan needs to know of the node (shared, read-only).
    const Criterion* crit       # the criterion
    const float64_t* parent     # the node's statistics
    float64_t wn                # its weight
    intp_t n                    # its number of samples
    intp_t width                # values per histogram bin
    intp_t min_samples_leaf     # fewest samples in a child
    float64_t min_weight_leaf   # least weight in a child
    float64_t cat_smooth        # categorical: smoothing of the category keys
    intp_t cat_min_support      # categorical: fewest samples of an ordered
    #                             category (the others go right)


cdef inline float64_t cut_proxy(
    const ScanNode* node, intp_t feature, const float64_t* acc, float64_t* right,
    bint* stop,
) noexcept nogil:
    # Proxy of the cut whose left side sums to ``acc`` (a bin: statistics,
    # weight, count), -inf when the cut is not admissible; sets stop[0] when no
    # later cut of the sweep (a larger left side) can be. ``right`` is scratch.
    cdef const Criterion* c = node.crit
    cdef intp_t n_left = <intp_t> acc[c.n_stats + 1]
    cdef float64_t wl = acc[c.n_stats]
    if n_left < node.min_samples_leaf:
        return -INFINITY
    if node.n - n_left < node.min_samples_leaf:
        stop[0] = 1
        return -INFINITY
    if wl < node.min_weight_leaf or node.wn - wl < node.min_weight_leaf:
        return -INFINITY
    if not crit_admissible(c, feature, node.parent, acc, node.wn, wl):
        return -INFINITY
    return crit_proxy(c, node.parent, acc, right, node.wn, wl)


cdef inline intp_t _start_scan(
    SplitRecord* best, intp_t feature, intp_t n_bins, const float64_t* hist,
    intp_t width, intp_t count_at,
) noexcept nogil:
    # No cut yet on ``feature``; returns its last non-empty non-missing bin
    # (-1 if none), the count of a bin being at ``count_at`` of its ``width``.
    cdef intp_t last = n_bins - 1
    best.feature = feature
    best.pos = 0
    best.threshold = 0.0
    best.n_missing = 0
    best.missing_go_to_left = 0
    best.categorical = 0
    while last >= 0 and hist[last * width + count_at] == 0:
        last -= 1
    return last


cdef inline void _keep_cut(
    SplitRecord* best, intp_t n_left, intp_t b, intp_t last,
    const float64_t* thresholds, intp_t n_missing, intp_t n, bint sweep,
) noexcept nogil:
    # A sweep's new best cut: after bin b (the last non-empty one: +inf),
    # n_left samples on the left, missing values right (sweep 0) or left
    # (sweep 1); without missing values they go to the larger child.
    best.pos = n_left
    best.threshold = INFINITY if b == last else thresholds[b]
    best.n_missing = b  # the bin, until the partition
    if n_missing == 0:
        best.missing_go_to_left = n_left > n - n_left
    else:
        best.missing_go_to_left = sweep


cdef inline float64_t scan_feature(
    const ScanNode* node, intp_t feature, intp_t n_bins, const float64_t* hist,
    const float64_t* thresholds, float64_t* acc, float64_t* right,
    SplitRecord* out,
) noexcept nogil:
    # Best bin threshold of one feature (``hist``: its bins; ``thresholds``: its
    # bin upper edges): the first candidate of largest proxy, written to
    # ``out`` (whose pos is the left count and n_missing the bin), and that
    # proxy (-inf if none). ``acc`` (width) and ``right`` (n_stats) are the
    # calling thread's scratch. Missing values go right, then left.
    cdef const Criterion* c = node.crit
    cdef intp_t width = node.width, n_stats = c.n_stats, n = node.n
    cdef intp_t k, b, last
    cdef const float64_t* missing = hist + n_bins * width
    cdef intp_t n_missing = <intp_t> missing[n_stats + 1]
    cdef float64_t proxy, best_proxy = -INFINITY
    cdef bint sweep, stop
    cdef SplitRecord best
    last = _start_scan(&best, feature, n_bins, hist, width, n_stats + 1)
    for sweep in range(2 if n_missing else 1):
        memset(acc, 0, width * sizeof(float64_t))
        stop = 0
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
            proxy = cut_proxy(node, feature, acc, right, &stop)
            if stop:
                break
            if proxy > best_proxy:
                best_proxy = proxy
                _keep_cut(&best, <intp_t> acc[n_stats + 1], b, last, thresholds,
                          n_missing, n, sweep)
    out[0] = best
    return best_proxy


cdef inline bint is_plain_newton(const Criterion* c) noexcept nogil:
    # One output of NEWTON without monotonic constraints: scan_newton applies.
    return c.kind == NEWTON and c.n_outputs == 1 and c.monotonic_cst == NULL


cdef inline float64_t scan_newton(
    const ScanNode* node, intp_t feature, intp_t n_bins, const float64_t* hist,
    const float64_t* thresholds, SplitRecord* out,
) noexcept nogil:
    # scan_feature for a criterion of is_plain_newton (bins of four values:
    # G, H, weight, count), with cut_proxy written out: the same cuts in the
    # same order, the same proxies to the bit (T(G_L)^2 / (H_L + l2) +
    # T(G_R)^2 / (H_R + l2), with G_R = G - G_L), so the same split. Boosting
    # scans every feature of every node; the general path's calls and
    # switches on the criterion's kind cost more than the arithmetic.
    cdef const Criterion* c = node.crit
    cdef float64_t g_node = node.parent[0], h_node = node.parent[1]
    cdef float64_t l1 = c.l1, l2 = c.l2, min_hessian = c.min_child_weight
    cdef float64_t wn = node.wn, min_weight = node.min_weight_leaf
    cdef intp_t min_samples = node.min_samples_leaf, n = node.n
    cdef const float64_t* missing = hist + n_bins * 4
    cdef intp_t n_missing = <intp_t> missing[3], b, last, n_left
    cdef float64_t g, h, w, count, tl, tr, proxy, best_proxy = -INFINITY
    cdef bint sweep
    cdef SplitRecord best
    last = _start_scan(&best, feature, n_bins, hist, 4, 3)
    for sweep in range(2 if n_missing else 1):
        g = h = w = count = 0.0
        if sweep:
            g = missing[0]
            h = missing[1]
            w = missing[2]
            count = missing[3]
        for b in range(last + 1):
            if hist[b * 4 + 3] == 0:
                continue
            g += hist[b * 4]
            h += hist[b * 4 + 1]
            w += hist[b * 4 + 2]
            count += hist[b * 4 + 3]
            if b == last and (sweep or n_missing == 0):
                break  # nothing on the right
            n_left = <intp_t> count
            if n_left < min_samples:
                continue
            if n - n_left < min_samples:
                break
            if (w < min_weight or wn - w < min_weight or h < min_hessian
                    or h_node - h < min_hessian):
                continue
            tl = _soft_threshold(g, l1)
            tr = _soft_threshold(g_node - g, l1)
            proxy = tl * tl / (h + l2) + tr * tr / ((h_node - h) + l2)
            if proxy > best_proxy:
                best_proxy = proxy
                _keep_cut(&best, n_left, b, last, thresholds, n_missing, n, sweep)
    out[0] = best
    return best_proxy


cdef inline float64_t scan_categorical(
    const ScanNode* node, intp_t feature, intp_t n_bins, const float64_t* hist,
    float64_t* keys, intp_t* order, float64_t* acc, float64_t* right,
    SplitRecord* out,
) noexcept nogil:
    # Best split of a categorical feature (its bins are its categories): the
    # node's categories of at least cat_min_support samples are ordered by
    # crit_category_key (ties by code, so the order and the tree do not depend
    # on anything else) and cut as the bins of scan_feature are: the left set
    # is a prefix of the order. The rare categories, left out of the order, are
    # on the right of every cut; when there are some, the reversed order is cut
    # too, so that they can join either end of the order (scikit-learn's
    # HistGradientBoosting puts them with the side of more categories).
    # Missing values are tried on the right, then on the left. The left set of
    # the best cut goes to out.cat_bits. ``keys`` and ``order`` (n_bins each)
    # are the calling thread's scratch. For squared error (Newton with l2
    # zero) with cat_smooth zero and cat_min_support 1, the best cut of the
    # order is the best of all 2^(m-1) subsets (Fisher 1958); otherwise a
    # close approximation.
    cdef const Criterion* c = node.crit
    cdef intp_t width = node.width, n_stats = c.n_stats, n = node.n
    cdef intp_t k, b, u, v, m = 0, n_left, best_u = -1
    cdef bint rare = 0
    cdef const float64_t* missing = hist + n_bins * width
    cdef intp_t n_missing = <intp_t> missing[n_stats + 1]
    cdef float64_t proxy, key, best_proxy = -INFINITY
    cdef bint sweep, stop, reverse, best_reverse = 0
    cdef SplitRecord best
    best.feature = feature
    best.pos = 0
    best.threshold = INFINITY
    best.n_missing = 0
    best.missing_go_to_left = 0
    best.categorical = 1
    memset(best.cat_bits, 0, CAT_WORDS * sizeof(uint32_t))
    for b in range(n_bins):
        if hist[b * width + n_stats + 1] == 0:
            continue
        if hist[b * width + n_stats + 1] < node.cat_min_support:
            rare = 1
            continue
        key = crit_category_key(c, hist + b * width, hist[b * width + n_stats],
                                node.cat_smooth)
        keys[b] = key
        # Insertion sort by (key, code): m is at most 254, and a node's
        # categories are usually few.
        u = m
        while u > 0 and keys[order[u - 1]] > key:
            order[u] = order[u - 1]
            u -= 1
        order[u] = b
        m += 1
    for reverse in range(2 if rare else 1):
        for sweep in range(2 if n_missing else 1):
            memset(acc, 0, width * sizeof(float64_t))
            stop = 0
            if sweep:
                for k in range(width):
                    acc[k] = missing[k]
            for u in range(m):
                b = order[m - 1 - u] if reverse else order[u]
                for k in range(width):
                    acc[k] += hist[b * width + k]
                n_left = <intp_t> acc[n_stats + 1]
                if n_left >= n:
                    break  # nothing on the right
                proxy = cut_proxy(node, feature, acc, right, &stop)
                if stop:
                    break
                if proxy > best_proxy:
                    best_proxy = proxy
                    best_u = u
                    best_reverse = reverse
                    best.pos = n_left
                    if n_missing == 0:
                        best.missing_go_to_left = n_left > n - n_left
                    else:
                        best.missing_go_to_left = sweep
    for v in range(best_u + 1):
        b = order[m - 1 - v] if best_reverse else order[v]
        best.cat_bits[b >> 5] |= (<uint32_t> 1) << (b & 31)
    out[0] = best
    return best_proxy
