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
from libc.math cimport exp, fabs, log, log1p
from libc.stdlib cimport free, malloc

from skml._splitting._tree cimport (
    DenseRows, Node, Tree, leaf_of_row, leaf_of_row_cat,
)
from skml.utils._typedefs cimport float32_t, float64_t, intp_t, uint32_t

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


def predict_raw(list trees, intp_t n_trees_per_iteration,
                const float32_t[:, ::1] X, float64_t[:, ::1] out,
                int n_threads=1):
    """Add the leaf value of tree ``t`` (of every row of ``X``) to
    ``out[t % n_trees_per_iteration]``; ``out`` has shape
    (n_trees_per_iteration, n_rows). Rows are split into one block per thread;
    within a block trees are visited in order, so sums do not depend on the
    thread count."""
    cdef intp_t n_trees = len(trees), n = X.shape[0], t, i, b, start, stop
    cdef intp_t K = n_trees_per_iteration, block, n_blocks
    cdef Tree tree
    cdef DenseRows rows
    if n_trees == 0 or n == 0:
        return
    if out.shape[0] != K or out.shape[1] != n:
        raise ValueError("out must have shape (n_trees_per_iteration, n_rows).")
    rows.values = &X[0, 0] if X.shape[1] else NULL
    rows.n_features = X.shape[1]
    cdef const Node** nodes = <const Node**> malloc(n_trees * sizeof(Node*))
    cdef const float64_t** values = <const float64_t**> malloc(
        n_trees * sizeof(float64_t*))
    # Per tree: its categorical bitsets, NULL for a tree without categorical
    # nodes (the plain traversal).
    cdef const uint32_t** cat_bits = <const uint32_t**> malloc(
        n_trees * sizeof(uint32_t*))
    if nodes == NULL or values == NULL or cat_bits == NULL:
        free(nodes)
        free(values)
        free(cat_bits)
        raise MemoryError()
    for t in range(n_trees):
        tree = trees[t]
        if tree.n_features > X.shape[1] or tree.value_stride != 1:
            free(nodes)
            free(values)
            free(cat_bits)
            raise ValueError("X has fewer features than a tree reads.")
        nodes[t] = tree.nodes
        values[t] = tree.value_ptr
        cat_bits[t] = tree.cat_bits
    # Blocks of 256 rows: a block's rows stay in cache through all the trees.
    block = 256
    n_blocks = (n + block - 1) // block
    if n * n_trees < PARALLEL_MIN_SAMPLES:
        n_threads = 1
    try:
        with nogil:
            for b in prange(n_blocks, schedule="static", num_threads=n_threads):
                start = b * block
                stop = min(start + block, n)
                for t in range(n_trees):
                    if cat_bits[t] == NULL:
                        for i in range(start, stop):
                            out[t % K, i] += values[t][
                                leaf_of_row(nodes[t], &rows, i)]
                    else:
                        for i in range(start, stop):
                            out[t % K, i] += values[t][leaf_of_row_cat(
                                nodes[t], cat_bits[t], &rows, i)]
    finally:
        free(nodes)
        free(values)
        free(cat_bits)
