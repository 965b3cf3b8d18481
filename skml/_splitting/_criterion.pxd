# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
# Split criteria as functions of a node's sufficient statistics.
#
# A node is summarised by its weighted sample count and a fixed-length float64
# vector of statistics. A sample adds its contribution to that vector; a child's
# statistics on the right of a split are always parent - left. The splitter and
# the builders only move statistics around and call the inline functions below,
# which switch on ``Criterion.kind``: the switch is on a per-tree constant, so it
# is perfectly predicted, and the functions inline into the split sweep (a
# fused type over cdef classes would go through a vtable across modules).
#
# The absolute error is the exception: its node value is a weighted median,
# which no fixed-length additive vector summarises. Its "statistics" are the
# per-output (median, sum of weighted absolute deviations) of a node, computed
# by the splitter from sorted targets (see _median.pxd); the functions below
# only read them.

from skml.utils._typedefs cimport float64_t, intp_t

from libc.math cimport INFINITY, log


cdef extern from "float.h":
    # np.finfo(np.float64).eps
    const double EPSILON_DBL "DBL_EPSILON"

cdef enum:
    GINI = 0            # classification: Gini impurity
    ENTROPY = 1         # classification: Shannon entropy (log2); also "log_loss"
    SQUARED_ERROR = 2   # regression: mean squared error (also "friedman_mse")
    # 3 was Friedman's MSE, now an alias of SQUARED_ERROR (scikit-learn 1.9).
    POISSON = 4         # regression: half Poisson deviance
    ABSOLUTE_ERROR = 5  # regression: mean absolute deviation from the median

cdef enum:
    LAYOUT_ONEHOT = 0   # a sample adds its weight to one slot per output
    LAYOUT_DENSE = 1    # a sample adds a dense row of n_stats values
    LAYOUT_MEDIAN = 2   # not additive: (median, absolute deviation) per output

cdef struct Criterion:
    int kind                    # a criterion code above
    int layout                  # LAYOUT_ONEHOT, LAYOUT_DENSE or LAYOUT_MEDIAN
    intp_t n_outputs            # number of outputs
    intp_t n_stats              # length of a node's statistics vector
    intp_t stride               # slots per output in the statistics vector
    const intp_t* n_classes     # (n_outputs,) classes per output (ONEHOT)
    const intp_t* slots         # (n_samples, n_outputs) statistics slot of a sample
    # rows: (n_samples, n_stats) weighted contributions (DENSE), or
    # (n_samples, n_outputs) targets (MEDIAN)
    const float64_t* rows
    const intp_t* y_ranks       # (n_samples, n_outputs) rank of each target (MEDIAN)
    const float64_t* weights    # (n_samples,) sample weights


cdef inline void crit_add(const Criterion* c, float64_t* stats,
                          intp_t i) noexcept nogil:
    """Add sample ``i``'s contribution to ``stats`` (not for LAYOUT_MEDIAN)."""
    cdef intp_t o, k
    cdef float64_t w
    cdef const float64_t* row
    if c.layout == LAYOUT_ONEHOT:
        w = c.weights[i]
        if c.n_outputs == 1:  # the common case, without the loop
            stats[c.slots[i]] += w
            return
        for o in range(c.n_outputs):
            stats[c.slots[i * c.n_outputs + o]] += w
    else:
        row = c.rows + i * c.n_stats
        for k in range(c.n_stats):
            stats[k] += row[k]


cdef inline void crit_sub(const Criterion* c, float64_t* stats,
                          intp_t i) noexcept nogil:
    """Remove sample ``i``'s contribution from ``stats`` (not for LAYOUT_MEDIAN)."""
    cdef intp_t o, k
    cdef float64_t w
    cdef const float64_t* row
    if c.layout == LAYOUT_ONEHOT:
        w = c.weights[i]
        for o in range(c.n_outputs):
            stats[c.slots[i * c.n_outputs + o]] -= w
    else:
        row = c.rows + i * c.n_stats
        for k in range(c.n_stats):
            stats[k] -= row[k]


cdef inline float64_t _class_impurity(const Criterion* c, const float64_t* counts,
                                      float64_t wn) noexcept nogil:
    # Gini or entropy of per-output class counts, averaged over outputs.
    cdef intp_t o, k
    cdef float64_t total = 0.0, sq, p
    for o in range(c.n_outputs):
        if c.kind == GINI:
            sq = 0.0
            for k in range(c.n_classes[o]):
                p = counts[o * c.stride + k]
                sq += p * p
            total += 1.0 - sq / (wn * wn)
        else:
            for k in range(c.n_classes[o]):
                p = counts[o * c.stride + k]
                if p > 0.0:
                    p /= wn
                    total -= p * (log(p) / log(2.0))
    return total / c.n_outputs


cdef inline float64_t _moment_impurity(const Criterion* c, const float64_t* s,
                                       float64_t wn) noexcept nogil:
    # s holds (sum w y, sum w y^2) or, for Poisson, (sum w y, sum w y log y)
    # per output.
    cdef intp_t o
    cdef float64_t total = 0.0, sq = 0.0, mean, loss = 0.0
    if c.kind == POISSON:
        for o in range(c.n_outputs):
            if s[2 * o] <= EPSILON_DBL:
                return INFINITY
            mean = s[2 * o] / wn
            loss += s[2 * o + 1] - s[2 * o] * log(mean)
        return loss / (wn * c.n_outputs)
    for o in range(c.n_outputs):
        sq += s[2 * o + 1]
    total = sq / wn
    for o in range(c.n_outputs):
        mean = s[2 * o] / wn
        total -= mean * mean
    return total / c.n_outputs


cdef inline float64_t crit_impurity(const Criterion* c, const float64_t* stats,
                                    float64_t wn) noexcept nogil:
    """Impurity of a node with statistics ``stats`` and weighted count ``wn``."""
    cdef intp_t o
    cdef float64_t loss = 0.0
    if c.layout == LAYOUT_ONEHOT:
        return _class_impurity(c, stats, wn)
    if c.layout == LAYOUT_MEDIAN:
        for o in range(c.n_outputs):
            loss += stats[2 * o + 1]
        return loss / (wn * c.n_outputs)
    return _moment_impurity(c, stats, wn)


cdef inline void crit_children_impurity(
    const Criterion* c, const float64_t* parent, const float64_t* left,
    float64_t* right, float64_t wn, float64_t wl,
    float64_t* imp_left, float64_t* imp_right,
) noexcept nogil:
    """Impurities of both children; ``right`` receives parent - left."""
    cdef intp_t k
    for k in range(c.n_stats):
        right[k] = parent[k] - left[k]
    imp_left[0] = crit_impurity(c, left, wl)
    imp_right[0] = crit_impurity(c, right, wn - wl)


cdef inline float64_t crit_proxy(
    const Criterion* c, const float64_t* parent, const float64_t* left,
    float64_t* right, float64_t wn, float64_t wl,
) noexcept nogil:
    """A cheap score that ranks candidate splits like the impurity improvement.

    ``right`` is scratch space of ``n_stats`` values.
    """
    cdef intp_t o
    cdef float64_t wr = wn - wl, il, ir, pl = 0.0, pr = 0.0, sl, sr
    if c.kind == GINI and c.n_outputs == 1:
        # Single-output Gini inline (same arithmetic as the general path).
        for o in range(c.n_classes[0]):
            sl = left[o]
            sr = parent[o] - sl
            pl += sl * sl
            pr += sr * sr
        il = 1.0 - pl / (wl * wl)
        ir = 1.0 - pr / (wr * wr)
        return -wr * ir - wl * il
    if c.kind == GINI or c.kind == ENTROPY:
        crit_children_impurity(c, parent, left, right, wn, wl, &il, &ir)
        return -wr * ir - wl * il
    if c.kind == SQUARED_ERROR:
        # The decrease of the weighted sum of squares is this minus a constant.
        for o in range(c.n_outputs):
            sl = left[2 * o]
            sr = parent[2 * o] - sl
            pl += sl * sl
            pr += sr * sr
        return pl / wl + pr / wr
    # POISSON
    for o in range(c.n_outputs):
        sl = left[2 * o]
        sr = parent[2 * o] - sl
        if sl <= EPSILON_DBL or sr <= EPSILON_DBL:
            return -INFINITY
        # log base 2, as scikit-learn, so that near-ties resolve alike
        pl -= sl * (log(sl / wl) / log(2.0))
        pr -= sr * (log(sr / wr) / log(2.0))
    return -pl - pr


cdef inline float64_t crit_improvement(
    const Criterion* c, float64_t wn, float64_t wl, float64_t wn_total,
    float64_t imp_parent, float64_t imp_left, float64_t imp_right,
) noexcept nogil:
    """Weighted impurity decrease of a split (scikit-learn's definition)."""
    cdef float64_t wr = wn - wl
    return (wn / wn_total) * (imp_parent - wr / wn * imp_right
                              - wl / wn * imp_left)


cdef inline void crit_value(const Criterion* c, const float64_t* stats,
                            float64_t wn, float64_t* out) noexcept nogil:
    """Node value: class fractions (``stride`` per output), output means or
    medians."""
    cdef intp_t o, k
    if c.layout == LAYOUT_MEDIAN:
        for o in range(c.n_outputs):
            out[o] = stats[2 * o]
    elif c.layout == LAYOUT_ONEHOT:
        for o in range(c.n_outputs):
            for k in range(c.n_classes[o]):
                out[o * c.stride + k] = stats[o * c.stride + k] / wn
            for k in range(c.n_classes[o], c.stride):
                out[o * c.stride + k] = 0.0
    else:
        for o in range(c.n_outputs):
            out[o] = stats[2 * o] / wn


cdef class CriterionSource:
    # Owns the arrays a Criterion struct points into.
    cdef Criterion c                        # the criterion handed to the core
    cdef const intp_t[::1] n_classes_mv     # classes per output (ONEHOT)
    cdef const intp_t[:, ::1] slots_mv      # statistics slot per sample and output
    cdef const float64_t[:, ::1] rows_mv    # weighted dense contributions
    cdef const float64_t[::1] weights_mv    # sample weights
    cdef const intp_t[:, ::1] ranks_mv      # target ranks per output (MEDIAN)
