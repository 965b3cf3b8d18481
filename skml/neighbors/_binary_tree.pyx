# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""KDTree and BallTree: one binary tree, two kinds of node bound.

Layout (as scikit-learn's trees): a complete binary tree of ``n_nodes = 2 **
n_levels - 1`` nodes stored in arrays, node ``i`` having children ``2i + 1`` and
``2i + 2``. Every node owns a contiguous range of ``idx_array``; a node is split
on the dimension of widest spread, at the median. The training rows are also kept
permuted into node order, so that a leaf's rows are contiguous in memory.

Queries run one query row per OpenMP iteration, depth first from the root with an
explicit stack, nearer child first, and prune a node whose lower bound exceeds the
current k-th distance (or the radius). Pair distances come from the shared
distance core (``skml._distances._base``); the Euclidean metric works on squared
distances (square roots are taken at the end). A KD node's bound to a point is
summed in the same order as the core sums the pair distance, so it can never
exceed the distance to a point of the node even after rounding; a ball bound
carries a tiny relative slack for the same reason. Pruning is strict (a node at
exactly the k-th distance is still visited) and the heap orders (distance,
index) pairs, so neighbours at equal distance come by increasing index.
"""

import inspect
import numbers

import numpy as np

from cpython.pyport cimport PY_SSIZE_T_MAX
from cython.parallel cimport prange, threadid
from libc.math cimport INFINITY, exp, fmax, fmin, log, pow, sqrt
from libc.stdlib cimport qsort

from skml._distances._argkmin cimport heap_replace_top, heap_sort
from skml._distances._base cimport (
    CHEBYSHEV,
    MANHATTAN,
    MINKOWSKI,
    SQEUCLIDEAN,
    fast_distance,
    sqeuclidean_unrolled,
)
from skml.utils._openmp import effective_n_threads
from skml.utils._typedefs cimport float64_t, intp_t

from sklearn.utils import check_array

# The record of one node, as a NumPy dtype (matches ``NodeData``).
NodeData_dt = np.dtype(
    [
        ("idx_start", np.intp),
        ("idx_end", np.intp),
        ("is_leaf", np.intp),
        ("radius", np.float64),
    ]
)

# Accepted metric names -> canonical names (scikit-learn's aliases).
_METRIC_ALIASES = {
    "euclidean": "euclidean",
    "l2": "euclidean",
    "minkowski": "minkowski",
    "p": "minkowski",
    "manhattan": "manhattan",
    "cityblock": "manhattan",
    "l1": "manhattan",
    "chebyshev": "chebyshev",
    "infinity": "chebyshev",
}
# Canonical name -> code of the reduced distance (see ``TreeView.rmetric``).
_REDUCED_CODES = {
    "euclidean": SQEUCLIDEAN,
    "manhattan": MANHATTAN,
    "chebyshev": CHEBYSHEV,
    "minkowski": MINKOWSKI,
}

# Deep enough for any tree (a node is pushed per level plus one sibling).
DEF _MAX_STACK = 160
# Relative slack of ball bounds (rounding of the centroid distances).
cdef float64_t _BALL_SLACK = 1e-12
# Relative slack on squared radii: a candidate just above r ** 2 is square-rooted
# and compared with r itself.
cdef float64_t _SQ_SLACK = 1.0 + 1e-14
cdef intp_t _EMPTY = PY_SSIZE_T_MAX


# ---------------------------------------------------------------------------
# Distances and node bounds (nogil)
# ---------------------------------------------------------------------------

cdef inline float64_t _rdist(
    const TreeView* t, const float64_t* x, const float64_t* y
) noexcept nogil:
    # Reduced distance between two rows (squared for the Euclidean metric).
    if t.euclid:
        return sqeuclidean_unrolled(x, y, t.n_features)
    return fast_distance(x, y, t.n_features, t.rmetric, t.p)


cdef inline float64_t _to_dist(const TreeView* t, float64_t r) noexcept nogil:
    return sqrt(r) if t.euclid else r


cdef inline float64_t _gap(
    float64_t x, float64_t lo, float64_t hi, bint upper
) noexcept nogil:
    # Distance along one axis from x to the nearest (or farthest) end of [lo, hi].
    if upper:
        return fmax(x - lo, hi - x)
    return fmax(fmax(lo - x, x - hi), 0.0)


cdef float64_t _box_rbound(
    const TreeView* t, const float64_t* x, intp_t node, bint upper
) noexcept nogil:
    # Reduced distance from x to the nearest (farthest) point of a KD node's box.
    # The per-axis gaps never exceed (fall below) the coordinate differences to a
    # point of the box, and they are summed in the order the core sums pair
    # distances, so the bound holds after rounding.
    cdef intp_t n = t.n_features, n4 = n - n % 4, j
    cdef const float64_t* lo = t.lower + node * n
    cdef const float64_t* hi = t.upper + node * n
    cdef float64_t g0, g1, g2, g3
    cdef float64_t a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0
    if t.rmetric == CHEBYSHEV:
        for j in range(n):
            a0 = fmax(a0, _gap(x[j], lo[j], hi[j], upper))
        return a0
    if t.rmetric == MINKOWSKI:
        for j in range(n):
            a0 += pow(_gap(x[j], lo[j], hi[j], upper), t.p)
        return pow(a0, 1.0 / t.p)
    for j in range(0, n4, 4):
        g0 = _gap(x[j], lo[j], hi[j], upper)
        g1 = _gap(x[j + 1], lo[j + 1], hi[j + 1], upper)
        g2 = _gap(x[j + 2], lo[j + 2], hi[j + 2], upper)
        g3 = _gap(x[j + 3], lo[j + 3], hi[j + 3], upper)
        if t.euclid:
            a0 += g0 * g0
            a1 += g1 * g1
            a2 += g2 * g2
            a3 += g3 * g3
        else:
            a0 += g0
            a1 += g1
            a2 += g2
            a3 += g3
    for j in range(n4, n):
        g0 = _gap(x[j], lo[j], hi[j], upper)
        a0 += g0 * g0 if t.euclid else g0
    return (a0 + a1) + (a2 + a3)


cdef inline float64_t _ball_rbound(
    const TreeView* t, const float64_t* x, intp_t node, bint upper
) noexcept nogil:
    # Reduced lower (upper) bound of the distance from x to a ball node's points.
    # A lower bound is returned unclipped when negative (x inside the ball): the
    # value still orders siblings usefully (deeper inside first) and never prunes.
    cdef float64_t d = _to_dist(t, _rdist(t, x, t.lower + node * t.n_features))
    cdef float64_t r = t.nodes[node].radius
    cdef float64_t slack = _BALL_SLACK * (d + r)
    cdef float64_t b = d + r + slack if upper else d - r - slack
    return b * b if t.euclid and b > 0.0 else b


cdef inline float64_t _min_rbound(
    const TreeView* t, const float64_t* x, intp_t node
) noexcept nogil:
    if t.kd:
        return _box_rbound(t, x, node, False)
    return _ball_rbound(t, x, node, False)


cdef inline float64_t _max_rbound(
    const TreeView* t, const float64_t* x, intp_t node
) noexcept nogil:
    if t.kd:
        return _box_rbound(t, x, node, True)
    return _ball_rbound(t, x, node, True)


# ---------------------------------------------------------------------------
# Build (nogil)
# ---------------------------------------------------------------------------

# A (value, index) pair: a sort key and a row position while building, a
# distance and a training index when sorting radius results.
cdef struct _Pair:
    float64_t dist
    intp_t index


cdef inline void _swap(_Pair* a, intp_t i, intp_t j) noexcept nogil:
    cdef _Pair t = a[i]
    a[i] = a[j]
    a[j] = t


cdef void _select(_Pair* a, intp_t left, intp_t right, intp_t kth) noexcept nogil:
    # Partially sort a[left:right + 1] by value so that a[kth] is in its sorted
    # place, smaller-or-equal values before it, larger-or-equal after
    # (Floyd-Rivest selection: a recursive pass on a sample brackets a[kth]
    # tightly, so a partition pass keeps only a small part of the range).
    cdef intp_t i, j, n, m, new_left, new_right
    cdef float64_t z, size, sd, t
    while right > left:
        if right - left > 600:
            n = right - left + 1
            m = kth - left + 1
            z = log(<float64_t> n)
            size = 0.5 * exp(2.0 * z / 3.0)
            sd = 0.5 * sqrt(z * size * (n - size) / n) * (-1.0 if 2 * m < n else 1.0)
            new_left = <intp_t> fmax(left, kth - m * size / n + sd)
            new_right = <intp_t> fmin(right, kth + (n - m) * size / n + sd)
            _select(a, new_left, new_right, kth)
        t = a[kth].dist
        i = left
        j = right
        _swap(a, left, kth)
        if a[right].dist > t:
            _swap(a, right, left)
        while i < j:
            _swap(a, i, j)
            i += 1
            j -= 1
            while a[i].dist < t:
                i += 1
            while a[j].dist > t:
                j -= 1
        if a[left].dist == t:
            _swap(a, left, j)
        else:
            j += 1
            _swap(a, j, right)
        if j <= kth:
            left = j + 1
        if kth <= j:
            right = j - 1


cdef inline void _extend_box(
    float64_t* lo, float64_t* hi, const float64_t* r, intp_t d
) noexcept nogil:
    # Grow the box [lo, hi] to contain the row r.
    cdef intp_t j
    cdef float64_t v
    for j in range(d):
        v = r[j]
        lo[j] = v if v < lo[j] else lo[j]
        hi[j] = v if v > hi[j] else hi[j]


cdef void _node_box(
    const float64_t[:, ::1] W, intp_t s, intp_t e, float64_t* lo, float64_t* hi
) noexcept nogil:
    # The bounding box of rows [s, e) of W (empty: lo = inf, hi = -inf).
    cdef intp_t i, j
    for j in range(W.shape[1]):
        lo[j] = INFINITY
        hi[j] = -INFINITY
    for i in range(s, e):
        _extend_box(lo, hi, &W[i, 0], W.shape[1])


cdef void _permute_rows(
    float64_t[:, ::1] W,
    intp_t[::1] idx,
    _Pair* pos,
    float64_t* row,
    intp_t s,
    intp_t mid,
    intp_t e,
    float64_t* lo1,
    float64_t* hi1,
    float64_t* lo2,
    float64_t* hi2,
) noexcept nogil:
    # In place, W[i] <- W[pos[i].index] and idx[i] <- idx[pos[i].index] for i in
    # [s, e), following the permutation's cycles (``row`` holds one row; used
    # entries of pos are marked with -1). Each final row also extends the box of
    # its child: [lo1, hi1] for [s, mid), [lo2, hi2] for [mid, e), so no
    # separate pass is needed for them.
    cdef intp_t i, j, k, d = W.shape[1], saved, c
    for j in range(d):
        lo1[j] = INFINITY
        hi1[j] = -INFINITY
        lo2[j] = INFINITY
        hi2[j] = -INFINITY
    for i in range(s, e):
        if pos[i].index < 0:
            continue
        if pos[i].index == i:
            if i < mid:
                _extend_box(lo1, hi1, &W[i, 0], d)
            else:
                _extend_box(lo2, hi2, &W[i, 0], d)
            continue
        for c in range(d):
            row[c] = W[i, c]
        saved = idx[i]
        j = i
        while True:
            k = pos[j].index
            pos[j].index = -1
            if k == i:
                for c in range(d):
                    W[j, c] = row[c]
                idx[j] = saved
            else:
                for c in range(d):
                    W[j, c] = W[k, c]
                idx[j] = idx[k]
            if j < mid:
                _extend_box(lo1, hi1, &W[j, 0], d)
            else:
                _extend_box(lo2, hi2, &W[j, 0], d)
            if k == i:
                break
            j = k


cdef void _split_node(
    float64_t[:, ::1] W,
    intp_t[::1] idx,
    NodeData[::1] nodes,
    float64_t[:, ::1] lower,
    float64_t[:, ::1] upper,
    _Pair* pos,
    float64_t* row,
    intp_t node,
) noexcept nogil:
    # Mark a node leaf or internal; split an internal node on its widest
    # dimension at the median: set its children's ranges and boxes and permute
    # its rows of W and idx into the children's order.
    cdef intp_t n_nodes = nodes.shape[0], d = W.shape[1]
    cdef intp_t s = nodes[node].idx_start, e = nodes[node].idx_end
    cdef intp_t mid = (s + e) // 2, c1 = 2 * node + 1, i, j, dim = 0
    cdef float64_t spread, best = -1.0
    nodes[node].radius = 0.0
    if c1 >= n_nodes:
        nodes[node].is_leaf = 1
        return
    nodes[node].is_leaf = 0
    nodes[c1].idx_start = s
    nodes[c1].idx_end = mid
    nodes[c1 + 1].idx_start = mid
    nodes[c1 + 1].idx_end = e
    if e - s < 2:
        _node_box(W, s, mid, &lower[c1, 0], &upper[c1, 0])
        _node_box(W, mid, e, &lower[c1 + 1, 0], &upper[c1 + 1, 0])
        return
    for j in range(d):
        spread = upper[node, j] - lower[node, j]
        if spread > best:
            best = spread
            dim = j
    for i in range(s, e):
        pos[i].dist = W[i, dim]
        pos[i].index = i
    _select(pos, s, e - 1, mid)
    _permute_rows(
        W, idx, pos, row, s, mid, e, &lower[c1, 0], &upper[c1, 0],
        &lower[c1 + 1, 0], &upper[c1 + 1, 0],
    )


cdef void _build_subtree(
    float64_t[:, ::1] W,
    intp_t[::1] idx,
    NodeData[::1] nodes,
    float64_t[:, ::1] lower,
    float64_t[:, ::1] upper,
    _Pair* pos,
    float64_t* row,
    intp_t root,
) noexcept nogil:
    # Split every node of the subtree under ``root``, level by level.
    cdef intp_t first = root, width = 1, node
    while first < nodes.shape[0]:
        for node in range(first, first + width):
            _split_node(W, idx, nodes, lower, upper, pos, row, node)
        first = 2 * first + 1
        width *= 2


cdef void _build(
    float64_t[:, ::1] W,
    intp_t[::1] idx,
    NodeData[::1] nodes,
    float64_t[:, ::1] lower,
    float64_t[:, ::1] upper,
    _Pair* pos,
    float64_t[:, ::1] rows,
    int n_threads,
) noexcept nogil:
    # Top down, split every internal node (see ``_split_node``): fill the node
    # ranges and boxes (lower/upper corners), and permute the rows of W (a copy
    # of the training data) and ``idx`` alongside into node order, so that every
    # pass over a node's rows is contiguous in memory. The top levels are split
    # serially until there are n_threads subtrees, which are then built in
    # parallel (one parallel region); the result does not depend on n_threads.
    cdef intp_t level_start = 0, node
    nodes[0].idx_start = 0
    nodes[0].idx_end = W.shape[0]
    _node_box(W, 0, W.shape[0], &lower[0, 0], &upper[0, 0])
    while level_start + 1 < n_threads and level_start < nodes.shape[0]:
        for node in range(level_start, 2 * level_start + 1):
            _split_node(W, idx, nodes, lower, upper, pos, &rows[0, 0], node)
        level_start = 2 * level_start + 1
    if level_start >= nodes.shape[0]:
        return
    if n_threads == 1:
        _build_subtree(W, idx, nodes, lower, upper, pos, &rows[0, 0], 0)
        return
    for node in prange(
        level_start, 2 * level_start + 1, schedule="static", num_threads=n_threads
    ):
        _build_subtree(
            W, idx, nodes, lower, upper, pos, &rows[threadid(), 0], node
        )


cdef void _finish_node(
    const TreeView* t,
    NodeData[::1] nodes,
    float64_t[:, ::1] centroids,
    const float64_t[:, ::1] lower,
    const float64_t[:, ::1] upper,
    intp_t node,
) noexcept nogil:
    # Radius of one node: half the box diagonal (KD), or the centroid (written to
    # ``centroids``) and the largest distance to it (ball). An internal node's
    # centroid is the size-weighted mean of its children's (computed before).
    cdef intp_t i, j, d = t.n_features, n1, n2
    cdef intp_t s = nodes[node].idx_start, e = nodes[node].idx_end
    cdef float64_t r = 0.0, dist, w1, w2
    cdef float64_t* c
    cdef const float64_t* c1
    cdef const float64_t* c2
    cdef const float64_t* row
    nodes[node].radius = 0.0
    if e <= s:
        return
    if t.kd:
        nodes[node].radius = 0.5 * _to_dist(
            t, _rdist(t, &lower[node, 0], &upper[node, 0])
        )
        return
    c = &centroids[node, 0]
    if nodes[node].is_leaf:
        for j in range(d):
            c[j] = 0.0
        for i in range(s, e):
            row = t.data + i * d
            for j in range(d):
                c[j] += row[j]
        for j in range(d):
            c[j] /= (e - s)
    else:
        n1 = nodes[2 * node + 1].idx_end - nodes[2 * node + 1].idx_start
        n2 = nodes[2 * node + 2].idx_end - nodes[2 * node + 2].idx_start
        w1 = n1 / <float64_t> (e - s)
        w2 = n2 / <float64_t> (e - s)
        c1 = &centroids[2 * node + 1, 0]
        c2 = &centroids[2 * node + 2, 0]
        for j in range(d):
            c[j] = (w1 * c1[j] if n1 > 0 else 0.0) + (w2 * c2[j] if n2 > 0 else 0.0)
    for i in range(s, e):
        dist = _rdist(t, c, t.data + i * d)
        if dist > r:
            r = dist
    nodes[node].radius = _to_dist(t, r)


cdef void _finish_subtree(
    const TreeView* t,
    NodeData[::1] nodes,
    float64_t[:, ::1] centroids,
    const float64_t[:, ::1] lower,
    const float64_t[:, ::1] upper,
    intp_t root,
) noexcept nogil:
    # Finish every node of the subtree under ``root``, from its leaves up.
    cdef intp_t first = root, width = 1, node
    while 2 * first + 1 < nodes.shape[0]:
        first = 2 * first + 1
        width *= 2
    while True:
        for node in range(first, first + width):
            _finish_node(t, nodes, centroids, lower, upper, node)
        if first == root:
            break
        first = (first - 1) // 2
        width //= 2


cdef void _finish_nodes(
    const TreeView* t,
    NodeData[::1] nodes,
    float64_t[:, ::1] centroids,
    const float64_t[:, ::1] lower,
    const float64_t[:, ::1] upper,
    int n_threads,
) noexcept nogil:
    # Every node's radius (and centroid), from the leaves up: the subtrees under
    # the first level with n_threads nodes in parallel, then the levels above.
    cdef intp_t level_start = 0, node
    while level_start + 1 < n_threads and 2 * level_start + 1 < nodes.shape[0]:
        level_start = 2 * level_start + 1
    if n_threads == 1 or level_start == 0:
        _finish_subtree(t, nodes, centroids, lower, upper, 0)
        return
    for node in prange(
        level_start, 2 * level_start + 1, schedule="static", num_threads=n_threads
    ):
        _finish_subtree(t, nodes, centroids, lower, upper, node)
    while level_start > 0:
        level_start = (level_start - 1) // 2
        for node in range(level_start, 2 * level_start + 1):
            _finish_node(t, nodes, centroids, lower, upper, node)


# ---------------------------------------------------------------------------
# Queries (nogil)
# ---------------------------------------------------------------------------

cdef void _knn_one(
    const TreeView* t, const float64_t* x, float64_t* hd, intp_t* hi, intp_t k
) noexcept nogil:
    # Fill the heap (hd, hi) of size k with the k smallest (reduced distance,
    # index) pairs of x; the heap must start full of (inf, _EMPTY).
    cdef intp_t stack_node[_MAX_STACK]
    cdef float64_t stack_lb[_MAX_STACK]
    cdef intp_t sp = 1, node, i, j, c1, c2, d = t.n_features
    cdef float64_t lb1, lb2, dist
    cdef const NodeData* nd
    stack_node[0] = 0
    stack_lb[0] = 0.0
    while sp > 0:
        sp -= 1
        node = stack_node[sp]
        if stack_lb[sp] > hd[0]:
            continue
        nd = &t.nodes[node]
        if nd.is_leaf:
            for i in range(nd.idx_start, nd.idx_end):
                dist = _rdist(t, x, t.data + i * d)
                if dist <= hd[0]:
                    j = t.idx[i]
                    if dist < hd[0] or j < hi[0]:
                        heap_replace_top(hd, hi, k, dist, j)
            continue
        c1 = 2 * node + 1
        c2 = c1 + 1
        lb1 = _min_rbound(t, x, c1)
        lb2 = _min_rbound(t, x, c2)
        if lb1 > lb2:
            c1, c2 = c2, c1
            lb1, lb2 = lb2, lb1
        # The farther child goes first on the stack, so the nearer is visited first.
        if lb2 <= hd[0]:
            stack_node[sp] = c2
            stack_lb[sp] = lb2
            sp += 1
        if lb1 <= hd[0]:
            stack_node[sp] = c1
            stack_lb[sp] = lb1
            sp += 1


cdef void _finish_heap(
    const TreeView* t, float64_t* hd, intp_t* hi, intp_t k
) noexcept nogil:
    # Sort a heap into ascending (distance, index) order of TRUE distances.
    cdef intp_t a, b, ti
    cdef float64_t td
    heap_sort(hd, hi, k)
    if not t.euclid:
        return
    for a in range(k):
        hd[a] = sqrt(hd[a])
    # Square roots may tie distinct squares: restore the index order of ties.
    for a in range(1, k):
        b = a
        while b > 0 and hd[b - 1] == hd[b] and hi[b - 1] > hi[b]:
            td = hd[b]
            hd[b] = hd[b - 1]
            hd[b - 1] = td
            ti = hi[b]
            hi[b] = hi[b - 1]
            hi[b - 1] = ti
            b -= 1


cdef intp_t _radius_one(
    const TreeView* t,
    const float64_t* x,
    float64_t r,
    intp_t* out_idx,
    float64_t* out_dist,
) noexcept nogil:
    # Count the rows within distance r of x; also write their indices to out_idx
    # (and distances to out_dist) unless these are NULL.
    cdef intp_t stack_node[_MAX_STACK]
    cdef intp_t sp = 1, node, i, count = 0, d = t.n_features
    cdef float64_t thr, dist, s
    cdef const NodeData* nd
    cdef bint whole
    if r < 0.0:
        return 0
    thr = r * r * _SQ_SLACK if t.euclid else r
    stack_node[0] = 0
    while sp > 0:
        sp -= 1
        node = stack_node[sp]
        if _min_rbound(t, x, node) > thr:
            continue
        nd = &t.nodes[node]
        if out_dist == NULL:
            whole = _to_dist(t, _max_rbound(t, x, node)) <= r
            if whole:
                if out_idx != NULL:
                    for i in range(nd.idx_start, nd.idx_end):
                        out_idx[count] = t.idx[i]
                        count += 1
                else:
                    count += nd.idx_end - nd.idx_start
                continue
        if nd.is_leaf:
            for i in range(nd.idx_start, nd.idx_end):
                s = _rdist(t, x, t.data + i * d)
                if s > thr:
                    continue
                dist = _to_dist(t, s)
                if dist > r:
                    continue
                if out_idx != NULL:
                    out_idx[count] = t.idx[i]
                    if out_dist != NULL:
                        out_dist[count] = dist
                count += 1
            continue
        stack_node[sp] = 2 * node + 2
        stack_node[sp + 1] = 2 * node + 1
        sp += 2
    return count


cdef int _cmp_pairs(const void* a, const void* b) noexcept nogil:
    cdef const _Pair* pa = <const _Pair*> a
    cdef const _Pair* pb = <const _Pair*> b
    if pa.dist < pb.dist:
        return -1
    if pa.dist > pb.dist:
        return 1
    return (pa.index > pb.index) - (pa.index < pb.index)


cdef void _sort_pairs(
    float64_t* dist, intp_t* ind, intp_t m, _Pair* buf
) noexcept nogil:
    # Sort (dist, ind) of length m by (distance, index), using buf as scratch.
    cdef intp_t a
    for a in range(m):
        buf[a].dist = dist[a]
        buf[a].index = ind[a]
    qsort(buf, m, sizeof(_Pair), _cmp_pairs)
    for a in range(m):
        dist[a] = buf[a].dist
        ind[a] = buf[a].index


cdef void _knn_all(
    const TreeView* t,
    const float64_t[:, ::1] X,
    float64_t[:, ::1] dist,
    intp_t[:, ::1] ind,
    int n_threads,
) noexcept nogil:
    cdef intp_t i, k = dist.shape[1]
    for i in prange(X.shape[0], schedule="static", num_threads=n_threads):
        _knn_one(t, &X[i, 0], &dist[i, 0], &ind[i, 0], k)
        _finish_heap(t, &dist[i, 0], &ind[i, 0], k)


cdef void _radius_all(
    const TreeView* t,
    const float64_t[:, ::1] X,
    const float64_t[::1] r,
    const intp_t[::1] offsets,
    intp_t[::1] counts,
    intp_t* ind,
    float64_t* dist,
    _Pair* scratch,
    int n_threads,
) noexcept nogil:
    # Counts only (ind NULL), or the hits of query i written from offsets[i].
    cdef intp_t i, o
    for i in prange(X.shape[0], schedule="static", num_threads=n_threads):
        if ind == NULL:
            counts[i] = _radius_one(t, &X[i, 0], r[i], NULL, NULL)
            continue
        o = offsets[i]
        _radius_one(
            t, &X[i, 0], r[i], ind + o, dist + o if dist != NULL else NULL
        )
        if scratch != NULL:
            _sort_pairs(dist + o, ind + o, counts[i], scratch + o)


# ---------------------------------------------------------------------------
# Python classes
# ---------------------------------------------------------------------------

def _constructor_signature(X, leaf_size=40, metric="minkowski", **kwargs):
    """The signature the trees' constructor shows to ``inspect`` (see below)."""


def _new_tree(cls):
    """Unpickling helper: an empty tree of class ``cls``."""
    return cls.__new__(cls)


cdef class BinaryTree:
    """Shared implementation of :class:`KDTree` and :class:`BallTree` (not public).

    Subclasses set the class attribute ``_kd`` (True for axis-aligned boxes, False
    for balls); everything else is common.
    """

    valid_metrics = sorted(_METRIC_ALIASES)
    # The constructor of a cdef class has no introspectable signature.
    __signature__ = inspect.signature(_constructor_signature)

    def __cinit__(self):
        self.metric = "euclidean"
        self.p = 2.0

    def __init__(self, X, leaf_size=40, metric="minkowski", **kwargs):
        cdef str name = type(self).__name__
        metric, p = _resolve_metric(name, metric, kwargs)
        if (
            not isinstance(leaf_size, numbers.Integral)
            or isinstance(leaf_size, bool)
            or leaf_size < 1
        ):
            raise ValueError(f"leaf_size must be an int >= 1, got {leaf_size!r}.")
        X = check_array(X, dtype=np.float64, order="C", input_name="X")
        n_samples, n_features = X.shape
        self.metric = metric
        self.p = p
        self.leaf_size = int(leaf_size)
        # As scikit-learn: leaves of leaf_size to 2 * leaf_size rows.
        self.n_levels = int(
            np.log2(max(1.0, (n_samples - 1) / self.leaf_size)) + 1
        )
        self.n_nodes = (<intp_t> 1 << self.n_levels) - 1
        idx = np.arange(n_samples, dtype=np.intp)
        nodes = np.zeros(self.n_nodes, dtype=NodeData_dt)
        bounds = np.empty((2, self.n_nodes, n_features), dtype=np.float64)
        data_r = np.array(X, dtype=np.float64, order="C", copy=True)
        cdef NodeData[::1] nodes_mv = nodes
        cdef float64_t[:, :, ::1] bounds_mv = bounds
        cdef intp_t[::1] idx_mv = idx
        # Scratch _Pair records (float64 + intp: 16 bytes each).
        cdef float64_t[::1] pairs_mv = np.empty(2 * n_samples, dtype=np.float64)
        # Threads only pay for their start-up on large problems.
        cdef int n_threads = (
            effective_n_threads(None) if n_samples * n_features >= 1 << 20 else 1
        )
        cdef float64_t[:, ::1] rows_mv = np.empty(
            (n_threads, n_features), dtype=np.float64
        )
        cdef float64_t[:, ::1] data_r_mv = data_r
        with nogil:
            _build(
                data_r_mv, idx_mv, nodes_mv, bounds_mv[0], bounds_mv[1],
                <_Pair*> &pairs_mv[0], rows_mv, n_threads,
            )
        self._set_arrays(X, data_r, idx, nodes, bounds)
        cdef float64_t[:, ::1] centroids = None
        if not self._kd:
            centroids = np.empty((self.n_nodes, n_features), dtype=np.float64)
        with nogil:
            _finish_nodes(
                &self._view, nodes_mv, centroids, bounds_mv[0], bounds_mv[1],
                n_threads,
            )
        if not self._kd:
            self._set_arrays(
                X, self._data_r, idx, nodes, np.asarray(centroids)[np.newaxis]
            )

    def _set_arrays(self, data, data_r, idx, nodes, bounds):
        self.data = data
        self._data_r = data_r
        self.idx_array = idx
        self.node_data = nodes
        self.node_bounds = bounds
        self._set_view()

    cdef void _set_view(self):
        cdef TreeView* t = &self._view
        t.data = &self._data_r[0, 0] if self._data_r.shape[0] > 0 else NULL
        t.idx = &self.idx_array[0]
        t.nodes = &self.node_data[0]
        t.lower = &self.node_bounds[0, 0, 0]
        t.upper = (
            &self.node_bounds[1, 0, 0] if self.node_bounds.shape[0] > 1 else NULL
        )
        t.n_features = self.data.shape[1]
        t.kd = self._kd
        t.euclid = self.metric == "euclidean"
        t.rmetric = _REDUCED_CODES[self.metric]
        t.p = self.p

    # -- pickling -------------------------------------------------------------

    def __reduce__(self):
        return (_new_tree, (type(self),), self.__getstate__())

    def __getstate__(self):
        return (
            np.asarray(self.data),
            np.asarray(self._data_r),
            np.asarray(self.idx_array),
            np.asarray(self.node_data),
            np.asarray(self.node_bounds),
            int(self.leaf_size),
            int(self.n_levels),
            int(self.n_nodes),
            self.metric,
            float(self.p),
        )

    def __setstate__(self, state):
        data, data_r, idx, nodes, bounds = state[:5]
        self.leaf_size, self.n_levels, self.n_nodes, self.metric, self.p = state[5:]
        self._set_arrays(
            np.ascontiguousarray(data, dtype=np.float64),
            np.ascontiguousarray(data_r, dtype=np.float64),
            np.ascontiguousarray(idx, dtype=np.intp),
            np.ascontiguousarray(nodes, dtype=NodeData_dt),
            np.ascontiguousarray(bounds, dtype=np.float64),
        )

    # -- public API -------------------------------------------------------------

    def get_arrays(self):
        """Get the arrays the tree is made of.

        Returns
        -------
        arrays : tuple of ndarray
            ``(data, idx_array, node_data, node_bounds)``: the training data, the
            permutation of its rows into node order, the node records (fields
            ``idx_start``, ``idx_end``, ``is_leaf``, ``radius``) and the node
            bounds (KDTree: lower and upper box corners, shape ``(2, n_nodes,
            n_features)``; BallTree: centroids, shape ``(1, n_nodes,
            n_features)``).
        """
        return (
            np.asarray(self.data),
            np.asarray(self.idx_array),
            np.asarray(self.node_data),
            np.asarray(self.node_bounds),
        )

    def _check_query(self, X):
        X = check_array(X, dtype=np.float64, order="C", input_name="X")
        if X.shape[1] != self.data.shape[1]:
            raise ValueError(
                "query data dimension must match training data dimension: "
                f"X has {X.shape[1]} features, the tree {self.data.shape[1]}."
            )
        return X

    def query(
        self,
        X,
        k=1,
        return_distance=True,
        dualtree=False,
        breadth_first=False,
        sort_results=True,
        *,
        n_jobs=None,
    ):
        """Query the tree for the k nearest neighbours of each row of X.

        Parameters
        ----------
        X : array-like of shape (n_queries, n_features)
            Query points.

        k : int, default=1
            Number of neighbours, at most the number of training points.

        return_distance : bool, default=True
            Whether to return the distances as well as the indices.

        dualtree : bool, default=False
            Accepted for compatibility with scikit-learn; the single-tree
            algorithm is always used (results are identical).

        breadth_first : bool, default=False
            Accepted for compatibility with scikit-learn; the search is always
            depth first (results are identical).

        sort_results : bool, default=True
            Accepted for compatibility; results are always sorted.

        n_jobs : int, default=None
            Number of OpenMP threads over the query rows (``None``: the OpenMP
            default, ``-1``: all cores). Results do not depend on it.

        Returns
        -------
        dist : ndarray of shape (n_queries, k)
            Distances to the neighbours, ascending. Only if
            ``return_distance=True``.

        ind : ndarray of shape (n_queries, k)
            Indices of the neighbours in the training data; neighbours at equal
            distance are ordered by index.
        """
        X = self._check_query(X)
        if not isinstance(k, numbers.Integral) or isinstance(k, bool) or k < 1:
            raise ValueError(f"k must be an int >= 1, got {k!r}.")
        if k > self.data.shape[0]:
            raise ValueError(
                "k must be less than or equal to the number of training points "
                f"({self.data.shape[0]}), got k={k}."
            )
        n_threads = _n_threads(n_jobs, X.shape[0])
        dist = np.full((X.shape[0], k), np.inf, dtype=np.float64)
        ind = np.full((X.shape[0], k), _EMPTY, dtype=np.intp)
        cdef const float64_t[:, ::1] X_mv = X
        cdef float64_t[:, ::1] dist_mv = dist
        cdef intp_t[:, ::1] ind_mv = ind
        cdef int nt = n_threads
        if X.shape[0] > 0:
            with nogil:
                _knn_all(&self._view, X_mv, dist_mv, ind_mv, nt)
        if return_distance:
            return dist, ind
        return ind

    def query_radius(
        self,
        X,
        r,
        return_distance=False,
        count_only=False,
        sort_results=False,
        *,
        n_jobs=None,
    ):
        """Query the tree for the neighbours within distance r of each row of X.

        Parameters
        ----------
        X : array-like of shape (n_queries, n_features)
            Query points.

        r : float or array-like of shape (n_queries,)
            Distance within which neighbours are returned (inclusive), one for
            all queries or one per query.

        return_distance : bool, default=False
            Whether to return the distances as well as the indices.

        count_only : bool, default=False
            Whether to return only the number of neighbours of each query.

        sort_results : bool, default=False
            Whether to sort each query's neighbours by distance (ties by index);
            requires ``return_distance=True``. Otherwise they come in tree order.

        n_jobs : int, default=None
            Number of OpenMP threads over the query rows (``None``: the OpenMP
            default, ``-1``: all cores). Results do not depend on it.

        Returns
        -------
        count : ndarray of shape (n_queries,)
            Number of neighbours of each query; only if ``count_only=True``.

        ind : ndarray of shape (n_queries,), dtype=object
            Each query's neighbour indices (an int array); if not ``count_only``.

        dist : ndarray of shape (n_queries,), dtype=object
            Each query's neighbour distances; only if ``return_distance=True``
            (returned as ``(ind, dist)``).
        """
        if count_only and return_distance:
            raise ValueError("count_only and return_distance cannot both be true")
        if sort_results and not return_distance:
            raise ValueError("return_distance must be True if sort_results is True")
        X = self._check_query(X)
        n_queries = X.shape[0]
        r = np.asarray(r, dtype=np.float64)
        if r.ndim == 0:
            r = np.full(n_queries, r, dtype=np.float64)
        elif r.shape != (n_queries,):
            raise ValueError(
                "r must be a scalar or an array of shape (n_queries,): got shape "
                f"{r.shape} for {n_queries} queries."
            )
        if np.any(np.isnan(r)):
            raise ValueError("r must not contain NaN.")
        r = np.ascontiguousarray(r)
        n_threads = _n_threads(n_jobs, X.shape[0])
        counts = np.zeros(n_queries, dtype=np.intp)
        cdef const float64_t[:, ::1] X_mv = X
        cdef const float64_t[::1] r_mv = r
        cdef intp_t[::1] counts_mv = counts
        cdef const intp_t[::1] offsets_mv
        cdef intp_t[::1] ind_mv
        cdef float64_t[::1] dist_mv
        cdef float64_t* dist_ptr = NULL
        cdef _Pair* scratch = NULL
        cdef int nt = n_threads
        if n_queries > 0:
            with nogil:
                _radius_all(
                    &self._view, X_mv, r_mv, None, counts_mv, NULL, NULL, NULL, nt
                )
        if count_only:
            return counts
        offsets = np.zeros(n_queries + 1, dtype=np.intp)
        np.cumsum(counts, out=offsets[1:])
        total = int(offsets[n_queries])
        ind = np.empty(max(total, 1), dtype=np.intp)
        dist = np.empty(max(total, 1), dtype=np.float64)
        cdef float64_t[::1] buf_mv
        offsets_mv = offsets
        ind_mv = ind
        dist_mv = dist
        if return_distance:
            dist_ptr = &dist_mv[0]
        if sort_results:
            buf_mv = np.empty(2 * max(total, 1), dtype=np.float64)
            scratch = <_Pair*> &buf_mv[0]
        if n_queries > 0:
            with nogil:
                _radius_all(
                    &self._view, X_mv, r_mv, offsets_mv, counts_mv, &ind_mv[0],
                    dist_ptr, scratch, nt,
                )
        ind_out = np.empty(n_queries, dtype=object)
        for i in range(n_queries):
            ind_out[i] = ind[offsets[i]:offsets[i + 1]]
        if not return_distance:
            return ind_out
        dist_out = np.empty(n_queries, dtype=object)
        for i in range(n_queries):
            dist_out[i] = dist[offsets[i]:offsets[i + 1]]
        return ind_out, dist_out

    def two_point_correlation(self, X, r, dualtree=False, *, n_jobs=None):
        """Count the pairs of points within each of several distances.

        Parameters
        ----------
        X : array-like of shape (n_queries, n_features)
            Query points.

        r : float or array-like
            Distances; the result has the same shape.

        dualtree : bool, default=False
            Accepted for compatibility with scikit-learn; the single-tree
            algorithm is always used (results are identical).

        n_jobs : int, default=None
            Number of OpenMP threads over the query rows.

        Returns
        -------
        counts : ndarray
            ``counts[i]`` is the number of (query, training point) pairs at
            distance at most ``r[i]``.
        """
        X = self._check_query(X)
        r = np.asarray(r, dtype=np.float64)
        counts = np.zeros(r.shape, dtype=np.intp)
        for pos, ri in np.ndenumerate(r):
            counts[pos] = self.query_radius(
                X, float(ri), count_only=True, n_jobs=n_jobs
            ).sum()
        return counts


def _n_threads(n_jobs, n_queries):
    """OpenMP threads for n_queries queries: no more than one per 32 queries."""
    return max(1, min(effective_n_threads(n_jobs), n_queries // 32))


def _resolve_metric(name, metric, kwargs):
    """Canonical metric name and Minkowski power from the constructor arguments."""
    p = kwargs.pop("p", 2.0)
    if kwargs:
        raise TypeError(
            f"{name} got unexpected keyword arguments {sorted(kwargs)}; only p is "
            "accepted."
        )
    if not isinstance(metric, str) or metric not in _METRIC_ALIASES:
        raise ValueError(
            f"metric {metric!r} is not valid for {name}; valid metrics are "
            f"{sorted(_METRIC_ALIASES)}."
        )
    metric = _METRIC_ALIASES[metric]
    if metric != "minkowski":
        return metric, 2.0
    if not isinstance(p, numbers.Real) or isinstance(p, bool) or not p >= 1:
        raise ValueError(
            f"p must be a number >= 1 for the minkowski metric, got {p!r}."
        )
    p = float(p)
    if p == 1.0:
        return "manhattan", 1.0
    if p == 2.0:
        return "euclidean", 2.0
    if np.isinf(p):
        return "chebyshev", p
    return "minkowski", p


cdef class KDTree(BinaryTree):
    """KDTree for fast nearest-neighbour queries.

    A binary tree whose nodes are axis-aligned boxes: each node is split on the
    dimension of widest spread, at the median. Same interface as scikit-learn's
    ``sklearn.neighbors.KDTree``; queries run in parallel over the query rows.

    Read more in the :ref:`User Guide <neighbors>`.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Training data, stored as float64 (float32 is converted).

    leaf_size : int, default=40
        Leaves hold between ``leaf_size`` and ``2 * leaf_size`` points (all
        points if there are fewer), as in scikit-learn. Changes only the speed.

    metric : {"minkowski", "euclidean", "manhattan", "chebyshev"}, default="minkowski"
        Distance metric; the aliases "l2", "l1", "cityblock", "p" and "infinity"
        are accepted too.

    **kwargs : dict
        ``p`` (float >= 1, default=2): the power of the Minkowski metric.

    Attributes
    ----------
    data : memoryview of shape (n_samples, n_features)
        The training data.

    idx_array : memoryview of shape (n_samples,)
        Permutation of the training rows into node order.

    node_data : memoryview of shape (n_nodes,)
        Node records (``idx_start``, ``idx_end``, ``is_leaf``, ``radius``).

    node_bounds : memoryview of shape (2, n_nodes, n_features)
        Lower and upper corners of every node's box.

    See Also
    --------
    BallTree : The same interface with ball-shaped nodes.

    Examples
    --------
    >>> import numpy as np
    >>> from skml.neighbors import KDTree
    >>> X = np.random.default_rng(0).random((100, 3))
    >>> tree = KDTree(X, leaf_size=10)
    >>> dist, ind = tree.query(X[:2], k=3)
    >>> ind[:, 0]
    array([0, 1])
    """

    _kd = True


cdef class BallTree(BinaryTree):
    """BallTree for fast nearest-neighbour queries.

    A binary tree whose nodes are balls (the centroid of the node's points and the
    largest distance to it); each node is split on the dimension of widest
    spread, at the median. Same interface as scikit-learn's
    ``sklearn.neighbors.BallTree``; queries run in parallel over the query rows.

    Read more in the :ref:`User Guide <neighbors>`.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Training data, stored as float64 (float32 is converted).

    leaf_size : int, default=40
        Leaves hold between ``leaf_size`` and ``2 * leaf_size`` points (all
        points if there are fewer), as in scikit-learn. Changes only the speed.

    metric : {"minkowski", "euclidean", "manhattan", "chebyshev"}, default="minkowski"
        Distance metric; the aliases "l2", "l1", "cityblock", "p" and "infinity"
        are accepted too.

    **kwargs : dict
        ``p`` (float >= 1, default=2): the power of the Minkowski metric.

    Attributes
    ----------
    data : memoryview of shape (n_samples, n_features)
        The training data.

    idx_array : memoryview of shape (n_samples,)
        Permutation of the training rows into node order.

    node_data : memoryview of shape (n_nodes,)
        Node records (``idx_start``, ``idx_end``, ``is_leaf``, ``radius``).

    node_bounds : memoryview of shape (1, n_nodes, n_features)
        Centroid of every node.

    See Also
    --------
    KDTree : The same interface with box-shaped nodes.

    Examples
    --------
    >>> import numpy as np
    >>> from skml.neighbors import BallTree
    >>> X = np.random.default_rng(0).random((100, 3))
    >>> tree = BallTree(X, leaf_size=10)
    >>> dist, ind = tree.query(X[:2], k=3)
    >>> ind[:, 0]
    array([0, 1])
    """

    _kd = False
