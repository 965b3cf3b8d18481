# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Compiled kernels of gradient boosting (OpenMP over samples).

Raw predictions, gradients and hessians are laid out as (n_trees_per_iteration,
n_samples), C-contiguous: row ``k`` is what the ``k``-th tree of an iteration
fits. Each kernel computes every sample independently (the multinomial softmax
over the classes of one sample), so results do not depend on the thread count.

Loss codes (``LOSSES``) and their gradients ``g`` and hessians ``h`` in the raw
prediction ``r`` (the half-losses of scikit-learn's HistGradientBoosting):

- squared_error: ``(r - y)^2 / 2``; ``g = r - y``, ``h = 1``;
- absolute_error: ``|r - y|``; ``g = sign(r - y)``, ``h = 1``;
- quantile (``param`` = alpha): pinball loss; ``g = 1 - alpha`` if ``y < r``
  else ``-alpha``, ``h = 1``;
- huber (``param`` = delta): ``g = clip(r - y, -delta, delta)``, ``h = 1``;
- poisson: ``exp(r) - y r``; ``g = exp(r) - y``, ``h = exp(r)``;
- gamma: ``r + y exp(-r)``; ``g = 1 - y exp(-r)``, ``h = y exp(-r)``;
- binary log-loss: ``log(1 + exp(r)) - y r``; ``g = p - y``, ``h = p (1 - p)``;
- multinomial: ``logsumexp(r) - r_y``; ``g_k = p_k - [y = k]``,
  ``h_k = p_k (1 - p_k)``.

Hessians are floored at ``TINY_HESSIAN`` so that a node value ``-G / (H + l2)``
is defined with ``l2_regularization=0`` (the split core requires ``H > 0``).
"""

from cython.parallel cimport prange
from libc.math cimport INFINITY, exp, fabs, log, log1p, nextafterf
from libc.stdlib cimport free, malloc

from skml._splitting._tree cimport (
    TREE_LEAF, DenseRows, Node, Tree, leaf_of_row_cat,
)
from skml.utils._typedefs cimport (
    float32_t, float64_t, int32_t, intp_t, uint32_t,
)

cdef enum:
    SQUARED_ERROR = 0
    ABSOLUTE_ERROR = 1
    QUANTILE = 2
    HUBER = 3
    POISSON = 4
    GAMMA = 5
    BINARY_LOG_LOSS = 6
    MULTINOMIAL = 7

LOSSES = {
    "squared_error": SQUARED_ERROR,
    "absolute_error": ABSOLUTE_ERROR,
    "quantile": QUANTILE,
    "huber": HUBER,
    "poisson": POISSON,
    "gamma": GAMMA,
    "binary_log_loss": BINARY_LOG_LOSS,
    "multinomial": MULTINOMIAL,
}

TINY_HESSIAN = 1e-16
cdef float64_t _TINY = 1e-16
# Fewer samples: one thread (a parallel region costs more than the work, and a
# descheduled thread stalls the others at its end).
cdef intp_t PARALLEL_MIN_SAMPLES = 1 << 14


cdef inline int _threads(intp_t n, int n_threads) noexcept nogil:
    return n_threads if n >= PARALLEL_MIN_SAMPLES else 1


cdef inline float64_t _expit(float64_t r) noexcept nogil:
    if r >= 0:
        return 1.0 / (1.0 + exp(-r))
    cdef float64_t e = exp(r)
    return e / (1.0 + e)


cdef inline float64_t _log1pexp(float64_t r) noexcept nogil:
    # log(1 + exp(r)) without overflow.
    if r > 0:
        return r + log1p(exp(-r))
    return log1p(exp(r))


cdef inline float64_t _pointwise(int loss, float64_t y, float64_t r,
                                 float64_t param) noexcept nogil:
    cdef float64_t d
    if loss == SQUARED_ERROR:
        return 0.5 * (r - y) * (r - y)
    elif loss == ABSOLUTE_ERROR:
        return fabs(r - y)
    elif loss == QUANTILE:
        d = y - r
        return param * d if d >= 0 else (param - 1.0) * d
    elif loss == HUBER:
        d = fabs(y - r)
        return 0.5 * d * d if d <= param else param * (d - 0.5 * param)
    elif loss == POISSON:
        return exp(r) - y * r
    elif loss == GAMMA:
        return r + y * exp(-r)
    else:  # BINARY_LOG_LOSS; MULTINOMIAL is handled by the caller
        return _log1pexp(r) - y * r


def gradient_hessian(int loss, const float64_t[::1] y,
                     const float64_t[:, ::1] raw, float64_t[:, ::1] gradient,
                     float64_t[:, ::1] hessian, float64_t param=0.0,
                     int n_threads=1):
    """Fill ``gradient`` and ``hessian`` (shape of ``raw``) for ``loss``."""
    cdef intp_t n = y.shape[0], n_out = raw.shape[0], i, k
    cdef float64_t r, t, p, total, m
    n_threads = _threads(n, n_threads)
    with nogil:
        if loss == MULTINOMIAL:
            for i in prange(n, schedule="static", num_threads=n_threads):
                m = raw[0, i]
                for k in range(1, n_out):
                    if raw[k, i] > m:
                        m = raw[k, i]
                total = 0.0
                for k in range(n_out):
                    total = total + exp(raw[k, i] - m)
                for k in range(n_out):
                    p = exp(raw[k, i] - m) / total
                    gradient[k, i] = p - (1.0 if <intp_t> y[i] == k else 0.0)
                    hessian[k, i] = max(p * (1.0 - p), _TINY)
        else:
            for i in prange(n, schedule="static", num_threads=n_threads):
                r = raw[0, i]
                if loss == SQUARED_ERROR:
                    gradient[0, i] = r - y[i]
                    hessian[0, i] = 1.0
                elif loss == ABSOLUTE_ERROR:
                    gradient[0, i] = 1.0 if r > y[i] else (-1.0 if r < y[i] else 0.0)
                    hessian[0, i] = 1.0
                elif loss == QUANTILE:
                    gradient[0, i] = (1.0 - param) if y[i] < r else -param
                    hessian[0, i] = 1.0
                elif loss == HUBER:
                    t = r - y[i]
                    gradient[0, i] = max(-param, min(param, t))
                    hessian[0, i] = 1.0
                elif loss == POISSON:
                    t = exp(r)
                    gradient[0, i] = t - y[i]
                    hessian[0, i] = max(t, _TINY)
                elif loss == GAMMA:
                    t = y[i] * exp(-r)
                    gradient[0, i] = 1.0 - t
                    hessian[0, i] = max(t, _TINY)
                else:  # BINARY_LOG_LOSS
                    p = _expit(r)
                    gradient[0, i] = p - y[i]
                    hessian[0, i] = max(p * (1.0 - p), _TINY)


def pointwise_loss(int loss, const float64_t[::1] y, const float64_t[:, ::1] raw,
                   float64_t[::1] out, float64_t param=0.0, int n_threads=1):
    """Fill ``out[i]`` with sample ``i``'s loss (the caller averages)."""
    cdef intp_t n = y.shape[0], n_out = raw.shape[0], i, k
    cdef float64_t m, total
    n_threads = _threads(n, n_threads)
    with nogil:
        if loss == MULTINOMIAL:
            for i in prange(n, schedule="static", num_threads=n_threads):
                m = raw[0, i]
                for k in range(1, n_out):
                    if raw[k, i] > m:
                        m = raw[k, i]
                total = 0.0
                for k in range(n_out):
                    total = total + exp(raw[k, i] - m)
                out[i] = m + log(total) - raw[<intp_t> y[i], i]
        else:
            for i in prange(n, schedule="static", num_threads=n_threads):
                out[i] = _pointwise(loss, y[i], raw[0, i], param)


def add_leaf_values(Tree tree, const intp_t[::1] sample_leaf, float64_t[::1] raw,
                    int n_threads=1):
    """``raw[i] += value[sample_leaf[i]]`` where ``sample_leaf[i] >= 0``.

    The tree has one value per node (a boosting tree).
    """
    cdef intp_t n = raw.shape[0], i
    cdef const float64_t* value = tree.value_ptr
    if sample_leaf.shape[0] != n or tree.value_stride != 1:
        raise ValueError("sample_leaf and raw differ in length, or the tree "
                         "has more than one value per node.")
    n_threads = _threads(n, n_threads)
    with nogil:
        for i in prange(n, schedule="static", num_threads=n_threads):
            if sample_leaf[i] >= 0:
                raw[i] += value[sample_leaf[i]]


def set_node_values(Tree tree, const float64_t[::1] values):
    """Overwrite the tree's node values (one per node): shrinkage and leaf
    re-fits."""
    cdef intp_t i
    if tree.value_stride != 1 or values.shape[0] != tree.node_count:
        raise ValueError("values must hold one value per node.")
    for i in range(tree.node_count):
        tree.value_ptr[i] = values[i]


def remap_features(Tree tree, const intp_t[::1] columns, intp_t n_features):
    """Node features index ``columns`` (a tree grown on ``X[:, columns]``):
    make them index ``X``, of ``n_features`` features."""
    cdef intp_t i
    for i in range(columns.shape[0]):
        if columns[i] < 0 or columns[i] >= n_features:
            raise ValueError("columns must index the n_features features.")
    for i in range(tree.node_count):
        if tree.nodes[i].feature >= 0:
            if tree.nodes[i].feature >= columns.shape[0]:
                raise ValueError("A node's feature is outside columns.")
            tree.nodes[i].feature = columns[tree.nodes[i].feature]
    tree.n_features = n_features


cdef struct FlatNode:
    # A node of the prediction layout (16 bytes, four to a cache line): the
    # nodes of all trees in one array, each split's children side by side, so
    # that a row moves to ``left + goes_right`` without a branch.
    float32_t threshold     # split: X[:, feature] <= threshold goes left
    int32_t feature         # split: feature; leaf: -1
    int32_t left            # split: index of the left child (right: left + 1)
    int32_t missing_right   # split: NaN goes right


cdef float32_t _float32_at_most(float64_t t) noexcept nogil:
    # The largest float32 not above t: for a float32 x, x <= t exactly when
    # x <= this value, so the float32 comparison routes as the float64 one.
    cdef float32_t r = <float32_t> t
    if r > t:
        r = nextafterf(r, -INFINITY)
    return r


cdef intp_t _flatten_tree(const Node* nodes, const float64_t* values,
                          FlatNode* flat, float64_t* flat_value, intp_t at,
                          intp_t* queue) noexcept nogil:
    # Write a tree's nodes at flat[at:] breadth first, children in adjacent
    # slots; a leaf's value goes to flat_value at its slot. ``queue`` has room
    # for the tree's nodes. Returns the slot after the tree.
    cdef intp_t head = 0, tail = 1, node_id, slot, next_slot = at + 1
    queue[0] = 0
    while head < tail:
        node_id = queue[head]
        slot = at + head
        head += 1
        if nodes[node_id].left_child == TREE_LEAF:
            # A leaf keeps every row where it is (x > inf is false, NaN stays
            # left), so all rows take the tree's depth in steps.
            flat[slot].feature = 0
            flat[slot].threshold = INFINITY
            flat[slot].left = <int32_t> slot
            flat[slot].missing_right = 0
            flat_value[slot] = values[node_id]
            continue
        flat[slot].feature = <int32_t> nodes[node_id].feature
        flat[slot].threshold = _float32_at_most(nodes[node_id].threshold)
        flat[slot].left = <int32_t> next_slot
        flat[slot].missing_right = not nodes[node_id].missing_go_to_left
        flat_value[slot] = 0.0
        queue[tail] = nodes[node_id].left_child
        queue[tail + 1] = nodes[node_id].right_child
        tail += 2
        next_slot += 2
    return next_slot


cdef enum:
    PREDICT_BLOCK = 64      # rows of a prediction block (they stay in L1)


cdef struct Forest:
    # The trees of a prediction (predict_raw), tree t being either flat
    # (``cat_bits[t]`` NULL: its nodes from flat[roots[t]], ``depths[t]``
    # levels) or walked on its Node array (it has categorical nodes).
    intp_t n_trees
    intp_t K                        # trees per iteration (rows of out)
    const FlatNode* flat
    const float64_t* flat_value
    const intp_t* roots
    const intp_t* depths
    const Node** nodes
    const float64_t** values
    const uint32_t** cat_bits


cdef void _predict_block(const Forest* forest, const DenseRows* X,
                         intp_t start, intp_t stop, float64_t* out,
                         intp_t n_rows) noexcept nogil:
    # Add every tree's leaf value of rows start..stop-1 (at most
    # PREDICT_BLOCK) to out (K, n_rows), trees in order. A flat tree moves all
    # the block's rows one level at a time: the rows' steps are independent,
    # so the CPU overlaps their loads instead of waiting on one row's chain of
    # nodes, and no step branches on the data.
    cdef intp_t at[PREDICT_BLOCK]
    cdef intp_t t, _level, i, m = stop - start, n_features = X.n_features
    cdef const float32_t* rows = X.values + start * n_features
    cdef const FlatNode* flat = forest.flat
    cdef const FlatNode* node
    cdef float32_t x
    cdef float64_t* target
    for t in range(forest.n_trees):
        target = out + (t % forest.K) * n_rows + start
        if forest.cat_bits[t] != NULL:
            for i in range(m):
                target[i] += forest.values[t][leaf_of_row_cat(
                    forest.nodes[t], forest.cat_bits[t], X, start + i)]
            continue
        for i in range(m):
            at[i] = forest.roots[t]
        for _level in range(forest.depths[t]):
            for i in range(m):
                node = &flat[at[i]]
                x = rows[i * n_features + node.feature]
                at[i] = node.left + ((x > node.threshold)
                                     | ((x != x) & node.missing_right))
        for i in range(m):
            target[i] += forest.flat_value[at[i]]


def predict_raw(list trees, intp_t n_trees_per_iteration,
                const float32_t[:, ::1] X, float64_t[:, ::1] out,
                int n_threads=1):
    """Add the leaf value of tree ``t`` (of every row of ``X``) to
    ``out[t % n_trees_per_iteration]``; ``out`` has shape
    (n_trees_per_iteration, n_rows). Rows are split into blocks; within a
    block trees are visited in order, so sums do not depend on the thread
    count.

    Trees without categorical nodes are first copied to a compact layout
    (``FlatNode``), which routes every row exactly as the tree does.
    """
    cdef intp_t n_trees = len(trees), n = X.shape[0], t, b, total = 0
    cdef intp_t n_blocks, max_nodes = 1
    cdef Tree tree
    cdef DenseRows rows
    cdef Forest forest
    if n_trees == 0 or n == 0:
        return
    if out.shape[0] != n_trees_per_iteration or out.shape[1] != n:
        raise ValueError("out must have shape (n_trees_per_iteration, n_rows).")
    if not out.is_c_contig():
        raise ValueError("out must be C-contiguous.")
    for t in range(n_trees):
        tree = trees[t]
        if tree.n_features > X.shape[1]:
            raise ValueError(f"Tree {t} of the model has {tree.n_features} "
                             f"features; X has {X.shape[1]}.")
        if tree.value_stride != 1:
            raise ValueError(f"Tree {t} of the model has {tree.value_stride} "
                             "values per node; boosting trees have one.")
        total += tree.node_count
        max_nodes = max(max_nodes, tree.node_count)
    rows.values = &X[0, 0] if X.shape[1] else NULL
    rows.n_features = X.shape[1]
    forest.n_trees = n_trees
    forest.K = n_trees_per_iteration
    cdef FlatNode* flat = <FlatNode*> malloc(total * sizeof(FlatNode))
    cdef float64_t* flat_value = <float64_t*> malloc(total * sizeof(float64_t))
    cdef intp_t* roots = <intp_t*> malloc(n_trees * sizeof(intp_t))
    cdef intp_t* depths = <intp_t*> malloc(n_trees * sizeof(intp_t))
    cdef const Node** nodes = <const Node**> malloc(n_trees * sizeof(Node*))
    cdef const float64_t** values = <const float64_t**> malloc(
        n_trees * sizeof(float64_t*))
    cdef const uint32_t** cat_bits = <const uint32_t**> malloc(
        n_trees * sizeof(uint32_t*))
    cdef intp_t* queue = <intp_t*> malloc(max_nodes * sizeof(intp_t))
    try:
        if (flat == NULL or flat_value == NULL or roots == NULL
                or depths == NULL or nodes == NULL or values == NULL
                or cat_bits == NULL or queue == NULL):
            raise MemoryError()
        total = 0
        for t in range(n_trees):
            tree = trees[t]
            nodes[t] = tree.nodes
            values[t] = tree.value_ptr
            cat_bits[t] = tree.cat_bits
            roots[t] = total
            depths[t] = tree.max_depth
            if tree.cat_bits == NULL:
                total = _flatten_tree(tree.nodes, tree.value_ptr, flat,
                                      flat_value, total, queue)
        forest.flat = flat
        forest.flat_value = flat_value
        forest.roots = roots
        forest.depths = depths
        forest.nodes = nodes
        forest.values = values
        forest.cat_bits = cat_bits
        n_blocks = (n + PREDICT_BLOCK - 1) // PREDICT_BLOCK
        if n * n_trees < PARALLEL_MIN_SAMPLES:
            n_threads = 1
        with nogil:
            for b in prange(n_blocks, schedule="static", num_threads=n_threads):
                _predict_block(&forest, &rows, b * PREDICT_BLOCK,
                               min((b + 1) * PREDICT_BLOCK, n), &out[0, 0], n)
    finally:
        free(flat)
        free(flat_value)
        free(roots)
        free(depths)
        free(nodes)
        free(values)
        free(cat_bits)
        free(queue)
