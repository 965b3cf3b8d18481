# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
# Split criteria as functions of a node's sufficient statistics.
#
# A node is summarised by its weighted sample count and a fixed-length float64
# vector of statistics. A sample adds its contribution to that vector; a child's
# statistics on the right of a split are always parent - left. The splitters and
# the builders only move statistics around and call the inline hooks below; every
# decision that depends on what the tree solves is one of them:
#
#   crit_add, crit_sub       add or remove a sample's contribution
#   crit_impurity            the impurity of a node, stored in the tree
#   crit_children_impurity   the impurities of both children of a split
#   crit_proxy               ranks the candidate splits of a node as crit_gain
#                            does, cheaply (constants of the node dropped)
#   crit_admissible          whether a candidate may be made at all, from the
#                            children's statistics (beyond the splitter's rules
#                            on sample count and weight)
#   crit_gain                the gain of the chosen split: the best-first
#                            priority, compared with min_impurity_decrease
#   crit_accept_split        whether a split of that gain is made
#   crit_is_leaf             whether a node is a leaf before any split is tried
#   crit_value               the node value, of the width the source declares
#
# Each hook switches on ``Criterion.kind`` (crit_add and crit_sub on the
# layout, which CriterionSource derives from the kind) and lists every kind:
# there is no default branch that an unknown kind would fall into silently, as
# CriterionSource rejects an unknown kind. The switch is on a per-tree constant,
# so it is perfectly predicted, and the hooks inline into the split sweeps (a
# fused type over cdef classes would go through a vtable across modules). A
# criterion's parameters (regularisation, constraints, groups) live in the
# struct.
#
# Two families of criteria:
#
# - impurities (GINI .. ABSOLUTE_ERROR), scikit-learn's: the gain is the
#   weighted impurity decrease, a node of zero impurity is a leaf, and every
#   split that leaves enough samples and weight in each child is admissible;
# - NEWTON, for gradient boosting: a sample adds (g, h) per output (gradient and
#   hessian of the loss, times its weight). The node value is -T(G) / (H + l2),
#   with T(G) = sign(G) max(|G| - l1, 0) the soft threshold of the L1 penalty,
#   and the score of a node S = sum over outputs of T(G)^2 / (H + l2); its
#   "impurity" is -S. The gain of a split is S_left + S_right - S_parent. It is
#   twice the decrease of the regularised second-order objective, as XGBoost's
#   and LightGBM's code compute it (their documentation writes the factor 1/2),
#   so min_impurity_decrease means XGBoost's gamma and LightGBM's
#   min_gain_to_split: a split is made when its gain exceeds it. A node is never
#   a leaf for "zero impurity", and a candidate is admissible when each child
#   holds a hessian sum of at least min_child_weight in every output.
#
# The absolute error is the exception among impurities: its node value is a
# weighted median, which no fixed-length additive vector summarises. Its
# "statistics" are the per-output (median, sum of weighted absolute deviations)
# of a node, computed by the splitter from sorted targets (see _median.pxd); the
# hooks only read them, and its sweep scores candidates from the losses of
# prefixes and suffixes (crit_proxy is not called for it).

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
    NEWTON = 6          # gradient boosting: second-order gain of (G, H) sums

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
    # Parameters; each kind reads its own (the others are zero):
    float64_t l2                # NEWTON: L2 penalty (lambda) of the node values
    float64_t l1                # NEWTON: L1 penalty (alpha): soft threshold of G
    float64_t min_child_weight  # NEWTON: least hessian sum of a child per output
    intp_t control              # uplift (reserved): index of the control group
    intp_t n_groups             # uplift (reserved): number of treatment groups


cdef inline void crit_add(const Criterion* c, float64_t* stats,
                          intp_t i) noexcept nogil:
    """Add sample ``i``'s contribution to ``stats`` (LAYOUT_MEDIAN has none)."""
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
    elif c.layout == LAYOUT_DENSE:
        row = c.rows + i * c.n_stats
        for k in range(c.n_stats):
            stats[k] += row[k]
    # LAYOUT_MEDIAN: the splitter ranks the targets instead.


cdef inline void crit_sub(const Criterion* c, float64_t* stats,
                          intp_t i) noexcept nogil:
    """Remove sample ``i``'s contribution from ``stats`` (as crit_add)."""
    cdef intp_t o, k
    cdef float64_t w
    cdef const float64_t* row
    if c.layout == LAYOUT_ONEHOT:
        w = c.weights[i]
        for o in range(c.n_outputs):
            stats[c.slots[i * c.n_outputs + o]] -= w
    elif c.layout == LAYOUT_DENSE:
        row = c.rows + i * c.n_stats
        for k in range(c.n_stats):
            stats[k] -= row[k]
    # LAYOUT_MEDIAN: the splitter ranks the targets instead.


cdef inline float64_t _soft_threshold(float64_t g, float64_t l1) noexcept nogil:
    # T(g) = sign(g) max(|g| - l1, 0): the gradient sum under an L1 penalty.
    if g > l1:
        return g - l1
    if g < -l1:
        return g + l1
    return 0.0


cdef inline float64_t _newton_score(const Criterion* c,
                                    const float64_t* s) noexcept nogil:
    # Sum over outputs of T(G)^2 / (H + l2); s holds (G, H) per output.
    cdef intp_t o
    cdef float64_t total = 0.0, t
    for o in range(c.n_outputs):
        t = _soft_threshold(s[2 * o], c.l1)
        total += t * t / (s[2 * o + 1] + c.l2)
    return total


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
        elif c.kind == ENTROPY:
            for k in range(c.n_classes[o]):
                p = counts[o * c.stride + k]
                if p > 0.0:
                    p /= wn
                    total -= p * (log(p) / log(2.0))
    return total / c.n_outputs


cdef inline float64_t _squared_error_impurity(const Criterion* c,
                                              const float64_t* s,
                                              float64_t wn) noexcept nogil:
    # s holds (sum w y, sum w y^2) per output.
    cdef intp_t o
    cdef float64_t total, sq = 0.0, mean
    for o in range(c.n_outputs):
        sq += s[2 * o + 1]
    total = sq / wn
    for o in range(c.n_outputs):
        mean = s[2 * o] / wn
        total -= mean * mean
    return total / c.n_outputs


cdef inline float64_t _poisson_impurity(const Criterion* c, const float64_t* s,
                                        float64_t wn) noexcept nogil:
    # s holds (sum w y, sum w y log y) per output.
    cdef intp_t o
    cdef float64_t mean, loss = 0.0
    for o in range(c.n_outputs):
        if s[2 * o] <= EPSILON_DBL:
            return INFINITY
        mean = s[2 * o] / wn
        loss += s[2 * o + 1] - s[2 * o] * log(mean)
    return loss / (wn * c.n_outputs)


cdef inline float64_t crit_impurity(const Criterion* c, const float64_t* stats,
                                    float64_t wn) noexcept nogil:
    """Impurity of a node with statistics ``stats`` and weighted count ``wn``
    (NEWTON: minus the node's score)."""
    cdef intp_t o
    cdef float64_t loss = 0.0
    if c.kind == GINI or c.kind == ENTROPY:
        return _class_impurity(c, stats, wn)
    elif c.kind == SQUARED_ERROR:
        return _squared_error_impurity(c, stats, wn)
    elif c.kind == POISSON:
        return _poisson_impurity(c, stats, wn)
    elif c.kind == ABSOLUTE_ERROR:
        for o in range(c.n_outputs):
            loss += stats[2 * o + 1]
        return loss / (wn * c.n_outputs)
    elif c.kind == NEWTON:
        return -_newton_score(c, stats)
    return INFINITY  # not reached: CriterionSource admits only the kinds above


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
    """A cheap score that ranks the candidate splits of a node as crit_gain.

    ``right`` is scratch space of ``n_stats`` values.
    """
    cdef intp_t o
    cdef float64_t wr = wn - wl, il, ir, pl = 0.0, pr = 0.0, sl, sr
    if c.kind == GINI:
        if c.n_outputs == 1:
            # Single-output Gini inline (same arithmetic as the general path).
            for o in range(c.n_classes[0]):
                sl = left[o]
                sr = parent[o] - sl
                pl += sl * sl
                pr += sr * sr
            il = 1.0 - pl / (wl * wl)
            ir = 1.0 - pr / (wr * wr)
            return -wr * ir - wl * il
        crit_children_impurity(c, parent, left, right, wn, wl, &il, &ir)
        return -wr * ir - wl * il
    elif c.kind == ENTROPY:
        crit_children_impurity(c, parent, left, right, wn, wl, &il, &ir)
        return -wr * ir - wl * il
    elif c.kind == SQUARED_ERROR:
        # The decrease of the weighted sum of squares is this minus a constant.
        for o in range(c.n_outputs):
            sl = left[2 * o]
            sr = parent[2 * o] - sl
            pl += sl * sl
            pr += sr * sr
        return pl / wl + pr / wr
    elif c.kind == POISSON:
        for o in range(c.n_outputs):
            sl = left[2 * o]
            sr = parent[2 * o] - sl
            if sl <= EPSILON_DBL or sr <= EPSILON_DBL:
                return -INFINITY
            # log base 2, as scikit-learn, so that near-ties resolve alike
            pl -= sl * (log(sl / wl) / log(2.0))
            pr -= sr * (log(sr / wr) / log(2.0))
        return -pl - pr
    elif c.kind == ABSOLUTE_ERROR:
        return -INFINITY  # not called: the median sweep scores prefix losses
    elif c.kind == NEWTON:
        # The gain plus the parent's score (a constant of the node).
        for k in range(c.n_stats):
            right[k] = parent[k] - left[k]
        return _newton_score(c, left) + _newton_score(c, right)
    return -INFINITY  # not reached: CriterionSource admits only the kinds above


cdef inline bint crit_admissible(
    const Criterion* c, const float64_t* parent, const float64_t* left,
    float64_t wn, float64_t wl,
) noexcept nogil:
    """Whether a candidate whose left child has statistics ``left`` (and weight
    ``wl``; the right child has ``parent - left``) may be made, beyond the
    splitter's rules on sample count and weight. The absolute error reads
    neither (its statistics are not additive)."""
    cdef intp_t o
    cdef float64_t hl
    if (c.kind == GINI or c.kind == ENTROPY or c.kind == SQUARED_ERROR
            or c.kind == POISSON or c.kind == ABSOLUTE_ERROR):
        return 1
    elif c.kind == NEWTON:
        for o in range(c.n_outputs):
            hl = left[2 * o + 1]
            if hl < c.min_child_weight or parent[2 * o + 1] - hl < c.min_child_weight:
                return 0
        return 1
    return 0  # not reached: CriterionSource admits only the kinds above


cdef inline float64_t crit_gain(
    const Criterion* c, const float64_t* parent, const float64_t* left,
    const float64_t* right, float64_t wn, float64_t wl, float64_t wn_total,
    float64_t imp_parent, float64_t imp_left, float64_t imp_right,
) noexcept nogil:
    """Gain of the split of a node (statistics ``parent``, weight ``wn``, of
    ``wn_total`` in the tree) into children ``left`` and ``right`` (NULL for the
    absolute error), of impurities ``imp_*`` (crit_impurity)."""
    cdef float64_t wr = wn - wl
    if (c.kind == GINI or c.kind == ENTROPY or c.kind == SQUARED_ERROR
            or c.kind == POISSON or c.kind == ABSOLUTE_ERROR):
        # scikit-learn's weighted impurity decrease.
        return (wn / wn_total) * (imp_parent - wr / wn * imp_right
                                  - wl / wn * imp_left)
    elif c.kind == NEWTON:
        # S_left + S_right - S_parent (an impurity is minus a score).
        return imp_parent - imp_left - imp_right
    return -INFINITY  # not reached: CriterionSource admits only the kinds above


cdef inline bint crit_accept_split(const Criterion* c, float64_t gain,
                                   float64_t min_gain) noexcept nogil:
    """Whether the builder makes the best split of a node, of gain ``gain``,
    given ``min_impurity_decrease`` (``min_gain``)."""
    if (c.kind == GINI or c.kind == ENTROPY or c.kind == SQUARED_ERROR
            or c.kind == POISSON or c.kind == ABSOLUTE_ERROR):
        # scikit-learn's rule: a decrease within rounding of the bound is made.
        return not (gain + EPSILON_DBL < min_gain)
    elif c.kind == NEWTON:
        # XGBoost's and LightGBM's: the split must lower the objective (a gain
        # of zero, as every split under a large L1 penalty, is not made).
        return gain > min_gain
    return 0  # not reached: CriterionSource admits only the kinds above


cdef inline bint crit_is_leaf(const Criterion* c, const float64_t* stats,
                              float64_t wn, float64_t impurity) noexcept nogil:
    """Whether a node (statistics ``stats``, weight ``wn``, impurity
    ``impurity``) is a leaf whatever its candidate splits."""
    if (c.kind == GINI or c.kind == ENTROPY or c.kind == SQUARED_ERROR
            or c.kind == POISSON or c.kind == ABSOLUTE_ERROR):
        return impurity <= EPSILON_DBL  # a pure node
    elif c.kind == NEWTON:
        return 0  # the gain decides: a node's score says nothing of its splits
    return 1  # not reached: CriterionSource admits only the kinds above


cdef inline void crit_value(const Criterion* c, const float64_t* stats,
                            float64_t wn, float64_t* out) noexcept nogil:
    """Node value: class fractions (``stride`` per output), output means or
    medians, or Newton steps -T(G) / (H + l2) (one per output)."""
    cdef intp_t o, k
    if c.kind == GINI or c.kind == ENTROPY:
        for o in range(c.n_outputs):
            for k in range(c.n_classes[o]):
                out[o * c.stride + k] = stats[o * c.stride + k] / wn
            for k in range(c.n_classes[o], c.stride):
                out[o * c.stride + k] = 0.0
    elif c.kind == SQUARED_ERROR or c.kind == POISSON:
        for o in range(c.n_outputs):
            out[o] = stats[2 * o] / wn
    elif c.kind == ABSOLUTE_ERROR:
        for o in range(c.n_outputs):
            out[o] = stats[2 * o]
    elif c.kind == NEWTON:
        for o in range(c.n_outputs):
            out[o] = -_soft_threshold(stats[2 * o], c.l1) / (stats[2 * o + 1] + c.l2)
    # No other kind: CriterionSource admits only the kinds above.


cdef class CriterionSource:
    # Owns the arrays a Criterion struct points into.
    cdef Criterion c                        # the criterion handed to the core
    cdef readonly object n_values           # (n_outputs,) node values per output
    cdef const intp_t[::1] n_classes_mv     # classes per output (ONEHOT)
    cdef const intp_t[:, ::1] slots_mv      # statistics slot per sample and output
    cdef const float64_t[:, ::1] rows_mv    # weighted dense contributions
    cdef const float64_t[::1] weights_mv    # sample weights
    cdef const intp_t[:, ::1] ranks_mv      # target ranks per output (MEDIAN)
