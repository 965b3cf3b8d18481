# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""The engine of KDTree and BallTree: node bounds, build and queries (all nogil).

Layout (as scikit-learn's trees): a complete binary tree of ``n_nodes = 2 **
n_levels - 1`` nodes stored in arrays, node ``i`` having children ``2i + 1`` and
``2i + 2``. Every node owns a contiguous range of ``idx_array``; a node is split
on the dimension of widest spread, at the median. The training rows are also kept
permuted into node order, so that a node's rows are contiguous in memory. The
two trees differ only in their node bound (``TreeView.kd``): a box or a ball.

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

from cython.parallel cimport prange, threadid
from libc.math cimport INFINITY, exp, fmax, fmin, log, pow, sqrt
from libc.stdlib cimport qsort

from skml._distances._argkmin cimport heap_replace_top, heap_sort
from skml._distances._base cimport (
    CHEBYSHEV,
    MINKOWSKI,
    fast_distance,
    sqeuclidean_direct,
)

# Deep enough for any tree (a node is pushed per level plus one sibling).
DEF _MAX_STACK = 160
# Relative slack of ball bounds (rounding of the centroid distances).
cdef float64_t _BALL_SLACK = 1e-12
# Relative slack on squared radii: a candidate just above r ** 2 is square-rooted
# and compared with r itself.
cdef float64_t _SQ_SLACK = 1.0 + 1e-14


# ---------------------------------------------------------------------------
# Distances and node bounds (nogil)
# ---------------------------------------------------------------------------

cdef inline float64_t _rdist(
    const TreeView* t, const float64_t* x, const float64_t* y
) noexcept nogil:
    # Reduced distance between two rows (squared for the Euclidean metric).
    if t.euclid:
        return sqeuclidean_direct(x, y, t.n_features)
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

cdef inline void _swap(Pair* a, intp_t i, intp_t j) noexcept nogil:
    cdef Pair t = a[i]
    a[i] = a[j]
    a[j] = t


cdef void _select(Pair* a, intp_t left, intp_t right, intp_t kth) noexcept nogil:
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
    Pair* pos,
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
    # its child: [lo1, hi1] for [s, mid), [lo2, hi2] for [mid, e), so no separate
    # pass is needed for them.
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
    Pair* pos,
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
    Pair* pos,
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


cdef void build_tree(
    float64_t[:, ::1] W,
    intp_t[::1] idx,
    NodeData[::1] nodes,
    float64_t[:, ::1] lower,
    float64_t[:, ::1] upper,
    Pair* pos,
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
            c[j] = (w1 * c1[j] if n1 > 0 else 0.0) + (
                w2 * c2[j] if n2 > 0 else 0.0
            )
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


cdef void finish_nodes(
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
    cdef const Pair* pa = <const Pair*> a
    cdef const Pair* pb = <const Pair*> b
    if pa.dist < pb.dist:
        return -1
    if pa.dist > pb.dist:
        return 1
    return (pa.index > pb.index) - (pa.index < pb.index)


cdef void _sort_pairs(
    float64_t* dist, intp_t* ind, intp_t m, Pair* buf
) noexcept nogil:
    # Sort (dist, ind) of length m by (distance, index), using buf as scratch.
    cdef intp_t a
    for a in range(m):
        buf[a].dist = dist[a]
        buf[a].index = ind[a]
    qsort(buf, m, sizeof(Pair), _cmp_pairs)
    for a in range(m):
        dist[a] = buf[a].dist
        ind[a] = buf[a].index


cdef void knn_query(
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


cdef void radius_query(
    const TreeView* t,
    const float64_t[:, ::1] X,
    const float64_t[::1] r,
    const intp_t[::1] offsets,
    intp_t[::1] counts,
    intp_t* ind,
    float64_t* dist,
    Pair* scratch,
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
