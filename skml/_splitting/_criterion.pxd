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
#   crit_proxy_above         crit_proxy, or -inf for a candidate that cannot
#                            beat the best so far (the exact sweep's)
#   crit_admissible          whether a candidate may be made at all, from the
#                            children's statistics (beyond the splitter's rules
#                            on sample count and weight)
#   crit_gain                the gain of the chosen split: the best-first
#                            priority, compared with min_impurity_decrease
#   crit_accept_split        whether a split of that gain is made
#   crit_is_leaf             whether a node is a leaf before any split is tried
#   crit_value               the node value, of the width the source declares
#   crit_begin_node          the builder is about to evaluate a node: its
#                            statistics, its parent's value (uplift reads
#                            them) and the bounds of its value (NEWTON under
#                            monotonic constraints)
#   crit_begin_split         the exact splitter is about to sweep the node
#                            (uplift KL fills its log tables)
#   crit_child_bounds        the bounds of the children's values once a split
#                            is made (NEWTON under monotonic constraints)
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
#   Monotonic constraints (``monotonic_cst``, one of -1, 0, +1 per feature;
#   NULL when no feature is constrained, and then none of what follows runs):
#   as scikit-learn's HistGradientBoosting and LightGBM, every node carries
#   bounds [lower, upper] of its value, set by crit_begin_node (the root's are
#   infinite). The values of a node and of its candidate children are the
#   Newton steps clipped to the node's bounds, and a score is that of the
#   clipped value v, -(2 T(G) v + (H + l2) v^2) (the un-halved objective;
#   T(G)^2 / (H + l2) when v is not clipped). A split on a feature of
#   constraint +1 (-1) is admissible when the left child's clipped value is
#   <= (>=) the right child's; once it is made, crit_child_bounds cuts the
#   bounds at the midpoint of the two values: the left child's upper (lower)
#   bound and the right child's lower (upper) bound. Splits on unconstrained
#   features pass the node's bounds down unchanged. One output only (checked
#   by the caller).
#
# - uplift criteria (UPLIFT_KL .. UPLIFT_REG), Rzepakowski and Jaroszewicz's
#   for a binary outcome (KL, squared Euclidean, chi-squared divergences of
#   the treatment groups from control; CTS; DDP) and a squared effect
#   difference for a real outcome: see "Uplift criteria" below.
#
# The absolute error is the exception among impurities: its node value is a
# weighted median, which no fixed-length additive vector summarises. Its
# "statistics" are the per-output (median, sum of weighted absolute deviations)
# of a node, computed by the splitter from sorted targets (see _median.pxd); the
# hooks only read them, and its sweep scores candidates from the losses of
# prefixes and suffixes (crit_proxy is not called for it).

from skml.utils._typedefs cimport float64_t, int32_t, intp_t

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
    UPLIFT_KL = 7       # uplift, binary outcome: Kullback-Leibler divergence
    UPLIFT_ED = 8       # uplift, binary outcome: squared Euclidean distance
    UPLIFT_CHI = 9      # uplift, binary outcome: chi-squared divergence
    UPLIFT_CTS = 10     # uplift, binary outcome: contextual treatment selection
    UPLIFT_DDP = 11     # uplift, binary outcome: delta-delta-p
    UPLIFT_REG = 12     # uplift, real outcome: squared effect difference

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
    const int32_t* monotonic_cst  # NEWTON: (n_features,) -1/0/+1, NULL if none
    float64_t lower             # NEWTON: lower bound of the evaluated node's value
    float64_t upper             # NEWTON: upper bound of the evaluated node's value
    intp_t control              # uplift: index of the control group
    intp_t n_groups             # uplift: number of groups, control included
    float64_t n_reg             # uplift: weight of the parent's means in a node's
    float64_t min_samples_treatment  # uplift: least weight of a group in a child
    bint normalization          # uplift (KL, ED, Chi): divide the gain by I(A)
    # Uplift: per-node state that crit_begin_node sets (buffers of the source).
    # node_means (n_groups,): the node's regularised group means (those of the
    # node being evaluated, which its children shrink toward); parent_means
    # (n_groups,) the parent's, valid when has_parent.
    bint has_parent             # uplift: the node has a parent (not the root)
    float64_t* parent_means     # uplift: (n_groups,) parent's regularised means
    float64_t* node_means       # uplift: (n_groups,) node's regularised means
    float64_t node_metric       # uplift: the divergence (CTS: best mean) of them
    float64_t norm_all          # uplift: the node's 0.9 H(treated, control)
    float64_t* norm_groups      # uplift: (n_groups,) the node's 0.1 H(group, control)
    # Uplift log tables (see "Log tables"), when every weight is an integer:
    intp_t table_len            # uplift: entries of each table; 0: no tables
    const float64_t* log_int    # uplift: (table_len,) log(k)
    const float64_t* log_int01  # uplift: (table_len,) log(k + 0.1)
    const float64_t* log_intr   # uplift: (table_len,) log(k + n_reg)
    # KL, per node (crit_begin_split), (n_groups, table_len) each:
    # log(k + n_reg m_g) and log(k + n_reg (1 - m_g)), m the node's means.
    float64_t* log_a            # uplift KL: log(k + n_reg m_g)
    float64_t* log_b            # uplift KL: log(k + n_reg (1 - m_g))
    bint node_tables            # uplift KL: log_a, log_b are the node's


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


cdef inline float64_t _newton_clipped(const Criterion* c, float64_t g,
                                      float64_t h) noexcept nogil:
    # The Newton step of (G, H) clipped to the evaluated node's bounds.
    cdef float64_t v = -_soft_threshold(g, c.l1) / (h + c.l2)
    if v < c.lower:
        return c.lower
    if v > c.upper:
        return c.upper
    return v


cdef inline float64_t _newton_clipped_score(const Criterion* c,
                                            const float64_t* s) noexcept nogil:
    # Sum over outputs of the score of the clipped value v (monotonic
    # constraints): -(2 T(G) v + (H + l2) v^2).
    cdef intp_t o
    cdef float64_t total = 0.0, v
    for o in range(c.n_outputs):
        v = _newton_clipped(c, s[2 * o], s[2 * o + 1])
        total -= (2.0 * _soft_threshold(s[2 * o], c.l1) * v
                  + (s[2 * o + 1] + c.l2) * v * v)
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


# Uplift criteria
# ---------------
# A sample of group g adds (w, w y) -- (w, w y, w y^2) for UPLIFT_REG -- at
# slot g * stride of a dense row (zero for the other groups). A group's mean in
# a node is regularised toward its parent node's regularised mean m (Rzepakowski
# and Jaroszewicz 2012, as causalml's UpliftTreeClassifier): with weight n and
# outcome sum s,
#     mean = (s + n_reg m) / (n + n_reg)   when n > min_samples_treatment,
#            m                             otherwise,
# and s / n at the root. With D(node) the sum over the treatment groups t of a
# divergence d(mean_t, mean_control) -- KL: of Bernoulli distributions (the
# control mean clipped to [1e-6, 1 - 1e-6]); ED: 2 (p_t - p_c)^2, their squared
# Euclidean distance; Chi: (p_t - p_c)^2 / p_c + (p_t - p_c)^2 / (1 - p_c) --
# or, for CTS, the largest group mean, the gain of a split is
#     gain = (w_L / w) D(L) + (w_R / w) D(R) - D(node),
# the children's means being shrunk toward the node's; with ``normalization``
# (KL, ED, Chi) it is divided by Rzepakowski and Jaroszewicz's normalisation
# I(A) + 1/2, computed from the group weights of the node and of its right
# child (_uplift_normalization). DDP: gain = |sum_t (tau_L,t - tau_R,t)| and
# UPLIFT_REG: gain = (w_L / w)(w_R / w) sum_t (tau_L,t - tau_R,t)^2, with
# tau_t = mean_t - mean_control the effect of group t in a child. A candidate is
# admissible when each child holds a weight of at least min_samples_treatment
# of every group, and a split is made when its gain exceeds min_impurity_decrease.
# A node's impurity is -D(node) (DDP, UPLIFT_REG: minus the sum of its squared
# effects), and its value is (raw group means, regularised group means, group
# weights): width 3 n_groups; a group absent from a node takes its regularised
# mean. The regularised means of a node and of its parent are per-node state of
# the criterion, set by crit_begin_node.
#
# Log tables. A split search evaluates the gain at every candidate threshold,
# and each evaluation of KL with normalisation takes eight logarithms. When
# every weight is an integer (unit weights, bootstrap counts; at most
# MAX_TABLE_WEIGHT in total), so is every weight and outcome sum of a node or
# child (binary outcomes), and the logarithms are read from tables instead:
# log(k), log(k + 0.1) and log(k + n_reg) for the normalisation and the
# children's means (CriterionSource fills them), and, per node, log(k + n_reg
# m_g) and log(k + n_reg (1 - m_g)) for KL's shrunk means (crit_begin_split,
# which the exact splitter calls before its sweeps; a histogram sweep, or a
# node without it, computes the logarithms). With p = (s + n_reg m) / (n +
# n_reg), log p = log(s + n_reg m) - log(n + n_reg) and log(1 - p) = log(n - s
# + n_reg (1 - m)) - log(n + n_reg): the same values up to rounding (a few
# units in the last place of the logarithms, so that a child's divergence moves
# by less than 1e-14). Every special case -- a mean not
# shrunk (a group of at most min_samples_treatment), p of 0 or 1, q clipped or
# 0 -- takes the computed logarithms, as without tables.


cdef inline bint _is_uplift(const Criterion* c) noexcept nogil:
    return (c.kind == UPLIFT_KL or c.kind == UPLIFT_ED or c.kind == UPLIFT_CHI
            or c.kind == UPLIFT_CTS or c.kind == UPLIFT_DDP
            or c.kind == UPLIFT_REG)


cdef inline float64_t _shrunk_mean(const Criterion* c, const float64_t* s,
                                   intp_t g, bint has_target,
                                   float64_t target) noexcept nogil:
    # Group g's mean in statistics s, shrunk toward ``target`` (if any).
    cdef float64_t n = s[g * c.stride], total = s[g * c.stride + 1]
    if not has_target:
        return total / n if n > 0.0 else 0.0
    if n > c.min_samples_treatment:
        return (total + c.n_reg * target) / (n + c.n_reg)
    return target


cdef inline float64_t _group_mean(const Criterion* c, const float64_t* s,
                                  intp_t g, bint child) noexcept nogil:
    # Regularised mean of group g: of the node evaluated (child=0, toward its
    # parent's means) or of one of its children (child=1, toward the node's).
    if child:
        return _shrunk_mean(c, s, g, 1, c.node_means[g])
    if c.has_parent:
        return _shrunk_mean(c, s, g, 1, c.parent_means[g])
    return _shrunk_mean(c, s, g, 0, 0.0)


cdef inline float64_t _binary_kl(float64_t p, float64_t q) noexcept nogil:
    # KL(Bernoulli(p) || Bernoulli(q)), q clipped to [1e-6, 1 - 1e-6]; 0 when
    # q is 0.
    if q == 0.0:
        return 0.0
    if q < 1e-6:
        q = 1e-6
    elif q > 1.0 - 1e-6:
        q = 1.0 - 1e-6
    if p == 0.0:
        return -log(1.0 - q)
    if p == 1.0:
        return -log(q)
    return p * log(p / q) + (1.0 - p) * log((1.0 - p) / (1.0 - q))


cdef inline float64_t _kl_from_logs(float64_t p, float64_t q, float64_t lp,
                                    float64_t l1p, float64_t lq,
                                    float64_t l1q) noexcept nogil:
    # _binary_kl(p, q) from log p, log(1 - p), log q, log(1 - q) (log
    # tables), computing them in the special cases.
    if q == 0.0 or q < 1e-6 or q > 1.0 - 1e-6 or p == 0.0 or p == 1.0:
        return _binary_kl(p, q)
    return p * (lp - lq) + (1.0 - p) * (l1p - l1q)


cdef inline float64_t _child_kl_tables(const Criterion* c,
                                       const float64_t* s) noexcept nogil:
    # D(s) of a child under KL, from the node's log tables (node_tables).
    cdef intp_t g, st = c.stride, L = c.table_len, k_n, k_s
    cdef float64_t mst = c.min_samples_treatment, n, total = 0.0, p, q
    cdef float64_t lq = 0.0, l1q = 0.0, lr
    cdef bint shrunk_c, shrunk
    n = s[c.control * st]
    shrunk_c = n > mst
    q = _group_mean(c, s, c.control, 1)
    if shrunk_c:
        k_n = <intp_t> n
        k_s = <intp_t> s[c.control * st + 1]
        lr = c.log_intr[k_n]
        lq = c.log_a[c.control * L + k_s] - lr
        l1q = c.log_b[c.control * L + k_n - k_s] - lr
    for g in range(c.n_groups):
        if g == c.control:
            continue
        n = s[g * st]
        shrunk = n > mst
        p = _group_mean(c, s, g, 1)
        if shrunk and shrunk_c:
            k_n = <intp_t> n
            k_s = <intp_t> s[g * st + 1]
            lr = c.log_intr[k_n]
            total += _kl_from_logs(p, q, c.log_a[g * L + k_s] - lr,
                                   c.log_b[g * L + k_n - k_s] - lr, lq, l1q)
        else:
            total += _binary_kl(p, q)
    return total


cdef inline float64_t _uplift_divergence(const Criterion* c, const float64_t* s,
                                         bint child) noexcept nogil:
    # D(s): see above (child as in _group_mean).
    cdef intp_t g
    cdef float64_t pc, m, d
    cdef float64_t total = 0.0, lo, hi
    if child and c.node_tables and c.kind == UPLIFT_KL:
        return _child_kl_tables(c, s)
    pc = _group_mean(c, s, c.control, child)
    if c.kind == UPLIFT_CTS:
        total = pc
        for g in range(c.n_groups):
            if g != c.control:
                m = _group_mean(c, s, g, child)
                if m > total:
                    total = m
        return total
    lo = pc if pc > 1e-6 else 1e-6
    hi = 1.0 - pc if 1.0 - pc > 1e-6 else 1e-6
    for g in range(c.n_groups):
        if g == c.control:
            continue
        m = _group_mean(c, s, g, child)
        d = m - pc
        if c.kind == UPLIFT_KL:
            total += _binary_kl(m, pc)
        elif c.kind == UPLIFT_ED:
            total += 2.0 * d * d
        elif c.kind == UPLIFT_CHI:
            total += d * d / lo + d * d / hi
        else:  # UPLIFT_DDP, UPLIFT_REG: the squared effect
            total += d * d
    return total


cdef inline float64_t _cross_entropy(float64_t p, float64_t q) noexcept nogil:
    return -p * log(q) if q > 0.0 else 0.0


cdef inline float64_t _entropy(float64_t p) noexcept nogil:
    return -p * log(p) if p > 0.0 else 0.0


cdef inline float64_t _uplift_normalization_tables(
    const Criterion* c, const float64_t* parent, const float64_t* right,
    float64_t n_c, float64_t n_c_r, float64_t n_t, float64_t n_t_r,
) noexcept nogil:
    # _uplift_normalization from the log tables (integer weights): with
    # p = k / (n + 0.1), log p = log k - log(n + 0.1) and
    # log(1 - p) = log(n - k + 0.1) - log(n + 0.1).
    cdef intp_t g, st = c.stride, i_n, i_k
    cdef const float64_t* L = c.log_int
    cdef const float64_t* L01 = c.log_int01
    cdef float64_t total = n_t + n_c, pc_a, n_g, p_g, norm, kl, lq, l1q, lp, l1p, h
    cdef intp_t i_nc = <intp_t> n_c, i_ncr = <intp_t> n_c_r
    pc_a = n_c_r / (n_c + 0.1)
    lq = L[i_ncr] - L01[i_nc]
    l1q = L01[i_nc - i_ncr] - L01[i_nc]
    i_n = <intp_t> n_t
    i_k = <intp_t> n_t_r
    kl = _kl_from_logs(n_t_r / (n_t + 0.1), pc_a, L[i_k] - L01[i_n],
                       L01[i_n - i_k] - L01[i_n], lq, l1q)
    norm = c.norm_all * kl
    for g in range(c.n_groups):
        if g == c.control:
            continue
        n_g = parent[g * st]
        p_g = right[g * st] / (n_g + 0.1)
        i_n = <intp_t> n_g
        i_k = <intp_t> right[g * st]
        lp = L[i_k] - L01[i_n]
        if c.n_groups > 2:  # else the group is all the treated: the same KL
            l1p = L01[i_n - i_k] - L01[i_n]
            kl = _kl_from_logs(p_g, pc_a, lp, l1p, lq, l1q)
        h = -p_g * lp if p_g > 0.0 else 0.0
        norm += c.norm_groups[g] * kl + n_g / total * h
    return norm + n_c / total * (-pc_a * lq if pc_a > 0.0 else 0.0) + 0.5


cdef inline float64_t _uplift_normalization(const Criterion* c,
                                            const float64_t* parent,
                                            const float64_t* right) noexcept nogil:
    # Rzepakowski and Jaroszewicz's I(A) + 1/2 (with causalml's weights 0.9
    # and 0.1 of its divergence terms and its +0.1 smoothing of the
    # proportions), from the group weights of the node and its right child;
    # the terms of the node alone are kept by crit_begin_node.
    cdef intp_t g, st = c.stride
    cdef float64_t n_c = parent[c.control * st], n_c_r = right[c.control * st]
    cdef float64_t n_t = 0.0, n_t_r = 0.0, total, pc_a, n_g, p_g, norm, kl
    for g in range(c.n_groups):
        if g != c.control:
            n_t += parent[g * st]
            n_t_r += right[g * st]
    if c.table_len:
        return _uplift_normalization_tables(c, parent, right, n_c, n_c_r, n_t,
                                            n_t_r)
    total = n_t + n_c
    pc_a = n_c_r / (n_c + 0.1)
    kl = _binary_kl(n_t_r / (n_t + 0.1), pc_a)
    norm = c.norm_all * kl
    for g in range(c.n_groups):
        if g == c.control:
            continue
        n_g = parent[g * st]
        p_g = right[g * st] / (n_g + 0.1)
        if c.n_groups > 2:  # else the group is all the treated: the same KL
            kl = _binary_kl(p_g, pc_a)
        norm += c.norm_groups[g] * kl + n_g / total * _entropy(p_g)
    return norm + n_c / total * _entropy(pc_a) + 0.5


cdef inline float64_t _uplift_raw_gain(const Criterion* c, const float64_t* left,
                                       const float64_t* right, float64_t wn,
                                       float64_t wl) noexcept nogil:
    # The gain of KL, ED, Chi or CTS before any normalisation.
    cdef float64_t pl = wl / wn, pr = (wn - wl) / wn
    return (pl * _uplift_divergence(c, left, 1) + pr * _uplift_divergence(c, right, 1)
            - c.node_metric)


cdef inline float64_t _uplift_gain(const Criterion* c, const float64_t* parent,
                                   const float64_t* left, const float64_t* right,
                                   float64_t wn, float64_t wl) noexcept nogil:
    # Gain of a split of the node evaluated (crit_begin_node): see above.
    cdef intp_t g
    cdef float64_t pl = wl / wn, pr = (wn - wl) / wn, gain, lc, rc, d
    cdef float64_t total = 0.0
    if c.kind == UPLIFT_DDP or c.kind == UPLIFT_REG:
        lc = _group_mean(c, left, c.control, 1)
        rc = _group_mean(c, right, c.control, 1)
        for g in range(c.n_groups):
            if g == c.control:
                continue
            d = ((_group_mean(c, left, g, 1) - lc)
                 - (_group_mean(c, right, g, 1) - rc))
            total += d if c.kind == UPLIFT_DDP else d * d
        if c.kind == UPLIFT_DDP:
            return total if total >= 0.0 else -total
        return pl * pr * total
    gain = _uplift_raw_gain(c, left, right, wn, wl)
    if c.normalization and c.kind != UPLIFT_CTS:
        gain /= _uplift_normalization(c, parent, right)
    return gain


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
        if c.monotonic_cst != NULL:
            return -_newton_clipped_score(c, stats)
        return -_newton_score(c, stats)
    elif _is_uplift(c):
        return -_uplift_divergence(c, stats, 0)
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
    if _is_uplift(c):  # the children shrink toward the node's means
        imp_left[0] = -_uplift_divergence(c, left, 1)
        imp_right[0] = -_uplift_divergence(c, right, 1)
        return
    imp_left[0] = crit_impurity(c, left, wl)
    imp_right[0] = crit_impurity(c, right, wn - wl)


cdef inline float64_t crit_proxy(
    const Criterion* c, const float64_t* parent, const float64_t* left,
    float64_t* right, float64_t wn, float64_t wl,
) noexcept nogil:
    """A cheap score that ranks the candidate splits of a node as crit_gain.

    ``right`` is scratch space of ``n_stats`` values.
    """
    cdef intp_t o, k
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
        if c.monotonic_cst != NULL:
            return _newton_clipped_score(c, left) + _newton_clipped_score(c, right)
        return _newton_score(c, left) + _newton_score(c, right)
    elif _is_uplift(c):
        # The gain itself: its normalisation depends on the split.
        for k in range(c.n_stats):
            right[k] = parent[k] - left[k]
        return _uplift_gain(c, parent, left, right, wn, wl)
    return -INFINITY  # not reached: CriterionSource admits only the kinds above


cdef inline float64_t crit_proxy_above(
    const Criterion* c, const float64_t* parent, const float64_t* left,
    float64_t* right, float64_t wn, float64_t wl, float64_t best,
) noexcept nogil:
    """crit_proxy, or -INFINITY when it cannot exceed ``best`` (the best
    proxy of the node so far): a sweep keeps a candidate when its proxy
    exceeds the best, so either gives the same split. Normalised uplift gains
    (KL, ED, Chi) skip their normalisation when the gain before it shows
    that: the normalisation is at least 1/2, so a gain g > 0 is at most 2 g
    after it and a gain g <= 0 at most 0. Every other kind (and uplift
    without normalisation) returns crit_proxy."""
    cdef intp_t k
    cdef float64_t raw, bound
    if c.normalization and (c.kind == UPLIFT_KL or c.kind == UPLIFT_ED
                            or c.kind == UPLIFT_CHI):
        for k in range(c.n_stats):
            right[k] = parent[k] - left[k]
        raw = _uplift_raw_gain(c, left, right, wn, wl)
        # 2 with a margin for the rounding of the normalisation's terms
        bound = raw * 2.000001 if raw > 0.0 else 0.0
        if bound <= best:
            return -INFINITY
        return raw / _uplift_normalization(c, parent, right)
    return crit_proxy(c, parent, left, right, wn, wl)


cdef inline bint crit_admissible(
    const Criterion* c, intp_t feature, const float64_t* parent,
    const float64_t* left, float64_t wn, float64_t wl,
) noexcept nogil:
    """Whether a candidate on ``feature`` whose left child has statistics
    ``left`` (and weight ``wl``; the right child has ``parent - left``) may be
    made, beyond the splitter's rules on sample count and weight. The absolute
    error reads neither (its statistics are not additive)."""
    cdef intp_t o
    cdef float64_t hl, vl, vr
    cdef int32_t cst
    if (c.kind == GINI or c.kind == ENTROPY or c.kind == SQUARED_ERROR
            or c.kind == POISSON or c.kind == ABSOLUTE_ERROR):
        return 1
    elif c.kind == NEWTON:
        for o in range(c.n_outputs):
            hl = left[2 * o + 1]
            if hl < c.min_child_weight or parent[2 * o + 1] - hl < c.min_child_weight:
                return 0
        if c.monotonic_cst == NULL:
            return 1
        cst = c.monotonic_cst[feature]
        if cst == 0:
            return 1
        for o in range(c.n_outputs):
            vl = _newton_clipped(c, left[2 * o], left[2 * o + 1])
            vr = _newton_clipped(c, parent[2 * o] - left[2 * o],
                                 parent[2 * o + 1] - left[2 * o + 1])
            if (cst > 0 and vl > vr) or (cst < 0 and vl < vr):
                return 0
        return 1
    elif _is_uplift(c):
        for o in range(c.n_groups):
            hl = left[o * c.stride]
            if (hl < c.min_samples_treatment
                    or parent[o * c.stride] - hl < c.min_samples_treatment):
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
    elif _is_uplift(c):
        # The node's gain weighted by its share of the samples, as the impurity
        # decrease above: best-first growth splits the leaf that adds most to
        # the tree, not a small leaf of a large gain. (The sign, hence
        # crit_accept_split, is the node's gain's.)
        return (wn / wn_total) * _uplift_gain(c, parent, left, right, wn, wl)
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
    elif _is_uplift(c):
        return gain > min_gain  # a gain of zero (or less) is no split
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
    elif _is_uplift(c):
        return 0  # the same: no divergence in a node says nothing of its splits
    return 1  # not reached: CriterionSource admits only the kinds above


cdef inline void crit_value(const Criterion* c, const float64_t* stats,
                            float64_t wn, float64_t* out) noexcept nogil:
    """Node value: class fractions (``stride`` per output), output means or
    medians, Newton steps -T(G) / (H + l2) (one per output), or the uplift
    group means (see "Uplift criteria")."""
    cdef intp_t o, k
    cdef float64_t w
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
        if c.monotonic_cst != NULL:
            for o in range(c.n_outputs):
                out[o] = _newton_clipped(c, stats[2 * o], stats[2 * o + 1])
            return
        for o in range(c.n_outputs):
            out[o] = -_soft_threshold(stats[2 * o], c.l1) / (stats[2 * o + 1] + c.l2)
    elif _is_uplift(c):
        # (raw means, regularised means, weights) of the groups.
        for k in range(c.n_groups):
            w = stats[k * c.stride]
            out[k] = stats[k * c.stride + 1] / w if w > 0.0 else c.node_means[k]
            out[c.n_groups + k] = c.node_means[k]
            out[2 * c.n_groups + k] = w
    # No other kind: CriterionSource admits only the kinds above.


cdef inline float64_t crit_category_key(
    const Criterion* c, const float64_t* stats, float64_t wn, float64_t smooth,
) noexcept nogil:
    """Sort key of a category of a categorical split, from the statistics
    of its samples: categories in increasing key order are cut into a left
    and a right set as ordered bins are: the mean for SQUARED_ERROR and
    POISSON, G / (H + l2) (minus the Newton step) for NEWTON. For squared error,
    and Newton with l2 zero, with ``smooth`` zero, the best cut of that order
    is the best of all subsets (Fisher 1958); with l2 > 0 it is the
    approximation that LightGBM and HistGradientBoosting make. ``smooth``
    > 0 is added to the denominator (LightGBM's cat_smooth): a category of few
    samples is ordered nearer the middle, which makes the cuts noisy ones of
    small categories less often."""
    cdef float64_t d
    if c.kind == NEWTON:
        d = stats[1] + c.l2 + smooth
        return stats[0] / d if d > 0.0 else 0.0
    elif c.kind == SQUARED_ERROR or c.kind == POISSON:
        d = wn + smooth
        return stats[0] / d if d > 0.0 else 0.0
    return 0.0  # not reached: build_tree admits categorical features for these


cdef inline void crit_begin_node(Criterion* c, const float64_t* stats,
                                 const float64_t* parent_value,
                                 float64_t lower, float64_t upper) noexcept nogil:
    """The builder is about to evaluate a node of statistics ``stats`` (its
    impurity, split and value), whose parent has the value ``parent_value``
    (NULL for the root) and whose value has the bounds [``lower``, ``upper``]
    (crit_child_bounds of its parent's split; infinite for the root). Uplift
    criteria keep the regularised group means of the node and of its parent,
    and the terms of the normalisation that depend on the node alone; NEWTON
    keeps the bounds (read under monotonic constraints only); the other kinds
    have no per-node state."""
    cdef intp_t g
    cdef float64_t n_c, n_t, n_g
    if _is_uplift(c):
        c.node_tables = 0  # crit_begin_split fills them
        c.has_parent = parent_value != NULL
        if c.has_parent:
            for g in range(c.n_groups):
                c.parent_means[g] = parent_value[c.n_groups + g]
        for g in range(c.n_groups):
            c.node_means[g] = _group_mean(c, stats, g, 0)
        c.node_metric = _uplift_divergence(c, stats, 0)
        n_c = stats[c.control * c.stride]
        n_t = 0.0
        for g in range(c.n_groups):
            n_g = stats[g * c.stride]
            c.norm_groups[g] = 0.1 * _cross_entropy(n_g / (n_g + n_c),
                                                    n_c / (n_g + n_c))
            if g != c.control:
                n_t += n_g
        c.norm_all = 0.9 * _cross_entropy(n_t / (n_t + n_c), n_c / (n_t + n_c))
    elif c.kind == NEWTON:
        c.lower = lower
        c.upper = upper
    # GINI .. ABSOLUTE_ERROR: nothing to keep.


cdef inline void crit_begin_split(Criterion* c,
                                  const float64_t* stats) noexcept nogil:
    """The exact splitter is about to sweep the node of statistics ``stats``
    (after crit_begin_node). UPLIFT_KL with log tables fills the node's
    log(k + n_reg m_g) and log(k + n_reg (1 - m_g)) for every outcome sum k
    of group g a child can have (the others read their logarithms from the
    tables of the source, or compute them); the other kinds keep nothing."""
    cdef intp_t g, k, k_s, k_f, L = c.table_len
    cdef float64_t a, b
    if c.kind == UPLIFT_KL and L:
        for g in range(c.n_groups):
            k_s = <intp_t> stats[g * c.stride + 1]
            k_f = <intp_t> stats[g * c.stride] - k_s
            a = c.n_reg * c.node_means[g]
            b = c.n_reg - a
            for k in range(k_s + 1):
                c.log_a[g * L + k] = log(k + a)
            for k in range(k_f + 1):
                c.log_b[g * L + k] = log(k + b)
        c.node_tables = 1
    # GINI .. NEWTON, the other uplift kinds: nothing to keep.


cdef inline bint crit_has_bounds(const Criterion* c) noexcept nogil:
    """Whether children's bounds depend on the split made (crit_child_bounds
    reads the left child's statistics): NEWTON under monotonic constraints."""
    return c.kind == NEWTON and c.monotonic_cst != NULL


cdef inline void crit_child_bounds(
    const Criterion* c, intp_t feature, const float64_t* parent,
    const float64_t* left, float64_t lower, float64_t upper,
    float64_t* bounds,
) noexcept nogil:
    """Bounds of the children's values of a split made on ``feature`` of the
    node evaluated (statistics ``parent``, value bounds [``lower``,
    ``upper``]; ``left``: its left child's statistics, read only when
    crit_has_bounds): ``bounds`` receives (lower, upper) of the left child,
    then of the right child. Without monotonic constraints, or on an
    unconstrained feature, the children keep the node's bounds; else they are
    cut at the midpoint of the two children's clipped values."""
    cdef int32_t cst = 0
    cdef float64_t mid
    bounds[0] = lower
    bounds[1] = upper
    bounds[2] = lower
    bounds[3] = upper
    if crit_has_bounds(c):
        cst = c.monotonic_cst[feature]
    if cst == 0:
        return
    mid = (_newton_clipped(c, left[0], left[1])
           + _newton_clipped(c, parent[0] - left[0], parent[1] - left[1])) / 2.0
    if cst > 0:
        bounds[1] = mid
        bounds[2] = mid
    else:
        bounds[0] = mid
        bounds[3] = mid


cdef class CriterionSource:
    # Owns the arrays a Criterion struct points into.
    cdef Criterion c                        # the criterion handed to the core
    cdef readonly object n_values           # (n_outputs,) node values per output
    cdef const intp_t[::1] n_classes_mv     # classes per output (ONEHOT)
    cdef const intp_t[:, ::1] slots_mv      # statistics slot per sample and output
    cdef const float64_t[:, ::1] rows_mv    # weighted dense contributions
    cdef const float64_t[::1] weights_mv    # sample weights
    cdef const intp_t[:, ::1] ranks_mv      # target ranks per output (MEDIAN)
    cdef const int32_t[::1] monotonic_mv    # NEWTON: monotonic constraints
    cdef float64_t[::1] means_mv            # uplift: parent's, node's means; norms
    cdef const float64_t[:, ::1] tables_mv  # uplift: log_int, log_int01, log_intr
    cdef float64_t[::1] node_tables_mv      # uplift KL: log_a then log_b
