# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Tree builders: depth-first (explicit stack) and best-first (max_leaf_nodes).

Both ask the splitter for the statistics and the split of a node and store the
criterion's node value; they never know which problem they solve: whether a node
is a leaf before any split is tried (``crit_is_leaf``), and whether its best
split is made (``crit_accept_split``, on the split's gain), are the criterion's
decisions. Before evaluating a node they give the criterion its statistics and
its parent's value (``crit_begin_node``: uplift criteria regularise toward the
parent) and the bounds of its value. Once a split is made, the criterion
gives the bounds of the children's values (``crit_child_bounds``: monotonic
constraints cut them at the split; else the node's pass down); a pending node
(a stack record, or a frontier record for its children) carries them until its
children are evaluated. They tell the
splitter what becomes of a node (split: ``node_children``, leaf: ``node_leaf``),
so that the histogram splitter keeps a histogram exactly as long as it can be
subtracted from, in either visiting order. The whole build runs without the GIL.

A splitter may know a split's children's statistics already (``children_stats``:
the histogram splitter sums them while it partitions); the builder then carries
them to the children (a stack beside the depth-first stack; for the best-first
frontier, a block of the PendingStore) instead of summing them again with
``node_stats``.

Both optionally apply interaction constraints (``feature_groups``, scikit-
learn HistGradientBoosting's ``interaction_cst``): a pending node carries the
set of groups it may still use, a bitset of ``n_words`` words (the depth-first
builder on a stack beside its stack, the best-first one in the same
PendingStore block as the children's statistics); before its ``node_split``
the builder gives the splitter the node's allowed features
(``Splitter.allowed``: the features of its groups), and a split's children
keep the groups that hold its feature. The root has every group, hence every
feature. Without constraints ``allowed`` is NULL and nothing else changes.

Both optionally record the leaf of every sample they grow on (``sample_leaf``,
indexed by sample, untouched for samples of weight zero): gradient boosting
updates its raw predictions from it without traversing the new tree.
"""

import numpy as np

from libc.math cimport INFINITY
from libc.stdint cimport uint64_t
from libc.string cimport memset
from libcpp.algorithm cimport pop_heap, push_heap
from libcpp.vector cimport vector

from skml._splitting._criterion cimport (
    Criterion,
    crit_accept_split,
    crit_begin_node,
    crit_child_bounds,
    crit_has_bounds,
    crit_impurity,
    crit_is_leaf,
    crit_value,
)
from skml._splitting._splitter cimport SplitRecord, Splitter
from skml._splitting._tree cimport CAT_WORDS, TREE_UNDEFINED, TREE_LEAF, Node, Tree
from skml.utils._typedefs cimport float64_t, intp_t, uint8_t, uint32_t


cdef struct StackRecord:
    intp_t start                # first sample of the node
    intp_t end                  # one past its last sample
    intp_t depth                # depth of the node
    intp_t parent               # id of its parent, TREE_UNDEFINED for the root
    bint is_left                # whether it is its parent's left child
    float64_t impurity          # its impurity, computed by the parent's split
    intp_t n_constant_features  # features known constant in it
    float64_t lower             # lower bound of its value (crit_child_bounds)
    float64_t upper             # upper bound of its value
    bint carried                # its statistics are on the carried stack


cdef struct FrontierRecord:
    intp_t node_id              # id of the node in the tree
    intp_t start                # first sample of the node
    intp_t end                  # one past its last sample
    intp_t pos                  # split position (end for a leaf)
    intp_t depth                # depth of the node
    bint is_leaf                # whether it cannot be split
    float64_t impurity          # impurity of the node
    float64_t impurity_left     # impurity of the left child of its split
    float64_t impurity_right    # impurity of the right child of its split
    float64_t improvement       # impurity decrease of its split (priority)
    float64_t bounds[4]         # value bounds (lower, upper) of its left child,
    #                             then of its right child (crit_child_bounds)
    intp_t block                # block of the PendingStore holding what its
    #                             children get from it, -1 if none
    bint carried                # the block holds its children's statistics


cdef inline bint _compare_records(const FrontierRecord& a,
                                  const FrontierRecord& b) noexcept nogil:
    return a.improvement < b.improvement


cdef struct BuildParams:
    intp_t min_samples_split            # fewest samples to split a node
    intp_t min_samples_leaf             # fewest samples in a leaf
    float64_t min_weight_leaf           # least weight in a leaf
    intp_t max_depth                    # deepest allowed node
    float64_t min_impurity_decrease     # least improvement of a split


cdef struct Interactions:
    # Interaction constraints of a build; n_words == 0: none.
    const uint64_t* feature_groups  # (n_features, n_words) groups holding
    #                                 each feature, one bit per group
    intp_t n_words                  # words of a group bitset
    intp_t n_features               # features of the tree
    uint8_t* mask                   # (n_features,) allowed features of the
    #                                 node being split (Splitter.allowed)
    uint64_t* current               # (n_words,) groups of the node popped
    uint64_t* children              # (n_words,) groups of its children


cdef inline void _allow(Splitter splitter, Interactions* ic,
                        const uint64_t* groups) noexcept nogil:
    # Give the splitter the features of ``groups`` (NULL mask: unconstrained).
    cdef intp_t f, w, n_words = ic.n_words
    cdef const uint64_t* fg
    cdef uint64_t hit
    if n_words == 0:
        splitter.allowed = NULL
        return
    for f in range(ic.n_features):
        fg = ic.feature_groups + f * n_words
        hit = 0
        for w in range(n_words):
            hit |= fg[w] & groups[w]
        ic.mask[f] = hit != 0
    splitter.allowed = ic.mask


cdef inline void _child_groups(Interactions* ic, const uint64_t* groups,
                               intp_t feature, uint64_t* out) noexcept nogil:
    # The groups of ``groups`` that hold ``feature``: those of a split's
    # children.
    cdef intp_t w
    cdef const uint64_t* fg = ic.feature_groups + feature * ic.n_words
    for w in range(ic.n_words):
        out[w] = groups[w] & fg[w]


cdef void _setup_interactions(Interactions* ic, Splitter splitter, object arrays,
                              const uint64_t[:, ::1] feature_groups):
    # ``arrays`` keeps the NumPy buffers of ``ic`` alive.
    cdef uint8_t[::1] mask
    cdef uint64_t[::1] words
    ic.n_words = 0
    ic.n_features = splitter.n_features
    ic.feature_groups = NULL
    ic.mask = NULL
    ic.current = NULL
    ic.children = NULL
    if feature_groups is None or feature_groups.shape[1] == 0:
        return
    ic.n_words = feature_groups.shape[1]
    ic.feature_groups = &feature_groups[0, 0]
    mask = np.ones(ic.n_features, dtype=np.uint8)
    words = np.full(2 * ic.n_words, np.iinfo(np.uint64).max, dtype=np.uint64)
    arrays.extend((mask, words))
    ic.mask = &mask[0]
    ic.current = &words[0]
    ic.children = &words[ic.n_words]


cdef object _check_feature_groups(Splitter splitter, object feature_groups):
    # feature_groups as a (n_features, n_words) uint64 array, checked.
    if feature_groups is None:
        return None
    feature_groups = np.asarray(feature_groups)
    if (feature_groups.dtype != np.uint64 or feature_groups.ndim != 2
            or feature_groups.shape[0] != splitter.n_features
            or not feature_groups.flags.c_contiguous):
        raise ValueError("feature_groups must be a C-contiguous uint64 array of "
                         "shape (n_features, n_words).")
    return feature_groups


cdef inline const float64_t* _parent_value(Tree tree, intp_t parent) noexcept nogil:
    # The value of node ``parent``, NULL for the root's parent (for
    # crit_begin_node, which reads it before the next _add_node).
    if parent == TREE_UNDEFINED:
        return NULL
    return tree.value_ptr + parent * tree.value_stride

cdef inline void _child_bounds(Splitter splitter, const float64_t* stats,
                               float64_t* left, bint known, intp_t start,
                               intp_t pos, intp_t feature, float64_t lower,
                               float64_t upper, float64_t* bounds) noexcept nogil:
    # Bounds of the children's values of the split of samples[start:end] (of
    # statistics ``stats``) at ``pos`` on ``feature``. ``left`` holds the left
    # child's statistics when ``known`` (children_stats), else is scratch for
    # them, summed only when the criterion reads them.
    cdef float64_t wl
    if crit_has_bounds(splitter.crit) and not known:
        splitter.node_stats(start, pos, left, &wl)
    crit_child_bounds(splitter.crit, feature, stats, left, lower, upper, bounds)


cdef inline void _push_carried(vector[float64_t]& carried, const float64_t* values,
                               intp_t n) noexcept nogil:
    cdef intp_t k
    for k in range(n):
        carried.push_back(values[k])


cdef inline void _pop_carried(vector[float64_t]& carried, float64_t* stats,
                              float64_t* wn, intp_t n_stats) noexcept nogil:
    # The statistics and weight on top of the carried stack, popped.
    cdef intp_t k, at = carried.size() - n_stats - 1
    for k in range(n_stats):
        stats[k] = carried[at + k]
    wn[0] = carried[at + n_stats]
    carried.resize(at)


cdef inline void _record_leaf(Splitter splitter, intp_t* sample_leaf,
                              intp_t start, intp_t end,
                              intp_t node_id) noexcept nogil:
    # sample_leaf[i] = node_id for the samples of a leaf (NULL: not recorded).
    cdef intp_t p
    if sample_leaf != NULL:
        for p in range(start, end):
            sample_leaf[splitter.samples[p]] = node_id


cdef intp_t* _leaf_output(intp_t[::1] sample_leaf, Splitter splitter) except? NULL:
    # Pointer to the optional per-sample leaf output, checked to cover the rows.
    if sample_leaf is None:
        return NULL
    cdef intp_t p, n = sample_leaf.shape[0]
    for p in range(splitter.n_samples):
        if splitter.samples[p] >= n:
            raise ValueError("sample_leaf is shorter than the training rows.")
    return &sample_leaf[0]


def build_depth_first(Tree tree, Splitter splitter, intp_t min_samples_split,
                      intp_t min_samples_leaf, float64_t min_weight_leaf,
                      intp_t max_depth, float64_t min_impurity_decrease,
                      intp_t[::1] sample_leaf=None, feature_groups=None):
    """Grow ``tree`` depth first; nodes are numbered in pre-order. When given,
    ``sample_leaf[i]`` is set to the leaf of every grown-on sample ``i``;
    ``feature_groups`` (uint64, (n_features, n_words): bit ``g`` of row ``f``
    set when group ``g`` holds feature ``f``) are interaction constraints."""
    cdef intp_t* leaf_out = _leaf_output(sample_leaf, splitter)
    cdef Interactions ic
    keep = []
    _setup_interactions(&ic, splitter, keep,
                        _check_feature_groups(splitter, feature_groups))
    # The allowed groups of the stack records (n_words each), in the same
    # order; the root's are all.
    cdef vector[uint64_t] group_stack
    cdef intp_t w
    cdef const Criterion* c = splitter.crit
    cdef intp_t n_stats = c.n_stats
    stats_array = np.zeros(max(n_stats, 1))
    cdef float64_t[::1] stats = stats_array
    # The children's statistics and weights (children_stats), or scratch.
    child_array = np.zeros(2 * (n_stats + 1))
    cdef float64_t[::1] child = child_array
    cdef float64_t bounds[4]
    cdef vector[StackRecord] stack
    # Statistics and weight of the stack records that carry them, in the same
    # order (a record's are on top when it is popped).
    cdef vector[float64_t] carried
    cdef StackRecord rec
    cdef SplitRecord split
    cdef intp_t n_node_samples, node_id, n_constant, max_depth_seen = 0
    cdef float64_t wn, impurity
    cdef bint is_leaf, known, first = 1
    cdef intp_t capacity = 2047
    if max_depth <= 10:
        capacity = (1 << (max_depth + 1)) - 1
    tree._resize(capacity)
    with nogil:
        stack.push_back(StackRecord(0, splitter.n_samples, 0, TREE_UNDEFINED, 0,
                                    INFINITY, 0, -INFINITY, INFINITY, 0))
        for w in range(ic.n_words):
            group_stack.push_back(ic.current[w])
        while not stack.empty():
            rec = stack.back()
            stack.pop_back()
            if ic.n_words:
                for w in range(ic.n_words):
                    ic.current[w] = group_stack[group_stack.size() - ic.n_words + w]
                group_stack.resize(group_stack.size() - ic.n_words)
            n_node_samples = rec.end - rec.start
            if rec.carried:
                _pop_carried(carried, &stats[0], &wn, n_stats)
            else:
                splitter.node_stats(rec.start, rec.end, &stats[0], &wn)
            crit_begin_node(<Criterion*> c, &stats[0], _parent_value(tree, rec.parent),
                            rec.lower, rec.upper)
            is_leaf = (rec.depth >= max_depth
                       or n_node_samples < min_samples_split
                       or n_node_samples < 2 * min_samples_leaf
                       or wn < 2 * min_weight_leaf)
            if first:
                impurity = crit_impurity(c, &stats[0], wn)
                first = 0
            else:
                impurity = rec.impurity
            is_leaf = is_leaf or crit_is_leaf(c, &stats[0], wn, impurity)
            n_constant = rec.n_constant_features
            if not is_leaf:
                _allow(splitter, &ic, ic.current)
                splitter.node_split(rec.start, rec.end, &stats[0], wn, impurity,
                                    &n_constant, &split)
                is_leaf = (split.pos >= rec.end
                           or not crit_accept_split(c, split.improvement,
                                                    min_impurity_decrease))
            node_id = tree._add_node(rec.parent, rec.is_left, is_leaf, split.feature,
                                     split.threshold, impurity, n_node_samples, wn,
                                     split.missing_go_to_left)
            if not is_leaf and split.categorical:
                tree._set_categorical(node_id, split.cat_bits)
            crit_value(c, &stats[0], wn, tree.value_ptr + node_id * tree.value_stride)
            if is_leaf:
                splitter.node_leaf(rec.start, rec.end)
                _record_leaf(splitter, leaf_out, rec.start, rec.end, node_id)
            else:
                known = splitter.children_stats(&child[0], &child[n_stats + 1])
                _child_bounds(splitter, &stats[0], &child[0], known, rec.start,
                              split.pos, split.feature, rec.lower, rec.upper, bounds)
                splitter.node_children(rec.start, split.pos, rec.end)
                if known:
                    _push_carried(carried, &child[n_stats + 1], n_stats + 1)
                    _push_carried(carried, &child[0], n_stats + 1)
                if ic.n_words:
                    _child_groups(&ic, ic.current, split.feature, ic.children)
                    for w in range(2 * ic.n_words):
                        group_stack.push_back(ic.children[w % ic.n_words])
                stack.push_back(StackRecord(split.pos, rec.end, rec.depth + 1,
                                            node_id, 0, split.impurity_right,
                                            n_constant, bounds[2], bounds[3], known))
                stack.push_back(StackRecord(rec.start, split.pos, rec.depth + 1,
                                            node_id, 1, split.impurity_left,
                                            n_constant, bounds[0], bounds[1], known))
            if rec.depth > max_depth_seen:
                max_depth_seen = rec.depth
        splitter.allowed = NULL
    tree.max_depth = max_depth_seen
    tree._shrink_to_fit()


cdef struct PendingStore:
    # Best first: what a frontier record keeps for its children until it is
    # popped (their statistics, from children_stats, and their interaction
    # groups), in blocks reused once released.
    vector[float64_t] stats         # blocks of stats_width values
    vector[uint64_t] groups         # blocks of n_words words
    vector[intp_t] free_blocks
    intp_t stats_width              # 2 * (n_stats + 1): both children's
    intp_t n_words                  # words of a group bitset (0: none)


cdef inline intp_t _take_block(PendingStore* store) noexcept nogil:
    # A free block of ``store``, grown by one if none is.
    cdef intp_t block
    if store.free_blocks.empty():
        block = store.stats.size() // store.stats_width
        store.stats.resize(store.stats.size() + store.stats_width)
        store.groups.resize(store.groups.size() + store.n_words)
    else:
        block = store.free_blocks.back()
        store.free_blocks.pop_back()
    return block


cdef int _add_split_node(
    Tree tree, Splitter splitter, float64_t* stats, float64_t* child,
    const float64_t* given, PendingStore* store, Interactions* ic,
    const uint64_t* groups,
    intp_t start, intp_t end, bint is_first, bint is_left, intp_t parent,
    intp_t depth, float64_t impurity, float64_t lower, float64_t upper,
    const BuildParams* params, FrontierRecord* res,
) except -1 nogil:
    # Add node samples[start:end] (value bounds [lower, upper]) to the tree
    # and find its split. ``given``: its statistics and weight if known (its
    # parent's children_stats), else NULL; ``child`` is scratch of
    # 2 * (n_stats + 1) values. ``groups``: its allowed interaction groups
    # (when ic.n_words). A split's children's statistics, when the splitter
    # knows them (res.carried), and their groups go to a block of ``store``
    # (res.block).
    cdef const Criterion* c = splitter.crit
    cdef SplitRecord split
    cdef intp_t n_node_samples = end - start, n_constant = 0, node_id, k
    cdef intp_t n_stats = c.n_stats, block
    cdef float64_t wn
    cdef bint is_leaf, known
    if given != NULL:
        for k in range(n_stats):
            stats[k] = given[k]
        wn = given[n_stats]
    else:
        splitter.node_stats(start, end, stats, &wn)
    crit_begin_node(<Criterion*> c, stats, _parent_value(tree, parent), lower, upper)
    if is_first:
        impurity = crit_impurity(c, stats, wn)
    is_leaf = (depth >= params.max_depth
               or n_node_samples < params.min_samples_split
               or n_node_samples < 2 * params.min_samples_leaf
               or wn < 2 * params.min_weight_leaf
               or crit_is_leaf(c, stats, wn, impurity))
    if not is_leaf:
        _allow(splitter, ic, groups)
        splitter.node_split(start, end, stats, wn, impurity, &n_constant, &split)
        is_leaf = (split.pos >= end
                   or not crit_accept_split(c, split.improvement,
                                            params.min_impurity_decrease))
    node_id = tree._add_node(parent, is_left, is_leaf, split.feature,
                             split.threshold, impurity, n_node_samples, wn,
                             split.missing_go_to_left)
    if not is_leaf and split.categorical:
        tree._set_categorical(node_id, split.cat_bits)
    crit_value(c, stats, wn, tree.value_ptr + node_id * tree.value_stride)
    if is_leaf:
        splitter.node_leaf(start, end)
    res.node_id = node_id
    res.start = start
    res.end = end
    res.depth = depth
    res.impurity = impurity
    res.block = -1
    res.carried = 0
    if is_leaf:
        res.pos = end
        res.is_leaf = 1
        res.improvement = 0.0
        res.impurity_left = impurity
        res.impurity_right = impurity
    else:
        res.pos = split.pos
        res.is_leaf = 0
        known = splitter.children_stats(child, child + n_stats + 1)
        _child_bounds(splitter, stats, child, known, start, split.pos,
                      split.feature, lower, upper, res.bounds)
        if known or ic.n_words:
            block = _take_block(store)
            res.block = block
            res.carried = known
            if known:
                for k in range(store.stats_width):
                    store.stats[block * store.stats_width + k] = child[k]
            if ic.n_words:
                _child_groups(ic, groups, split.feature,
                              &store.groups[block * ic.n_words])
        res.improvement = split.improvement
        res.impurity_left = split.impurity_left
        res.impurity_right = split.impurity_right
    return 0


def build_best_first(Tree tree, Splitter splitter, intp_t min_samples_split,
                     intp_t min_samples_leaf, float64_t min_weight_leaf,
                     intp_t max_depth, float64_t min_impurity_decrease,
                     intp_t max_leaf_nodes, intp_t[::1] sample_leaf=None,
                     feature_groups=None):
    """Grow ``tree`` best first: expand the leaf of largest improvement. When
    given, ``sample_leaf[i]`` is set to the leaf of every grown-on sample
    ``i``; ``feature_groups`` as for :func:`build_depth_first`."""
    cdef intp_t* leaf_out = _leaf_output(sample_leaf, splitter)
    cdef Interactions ic
    keep = []
    _setup_interactions(&ic, splitter, keep,
                        _check_feature_groups(splitter, feature_groups))
    cdef intp_t w
    cdef BuildParams params
    cdef intp_t n_stats = splitter.crit.n_stats, k
    params.min_samples_split = min_samples_split
    params.min_samples_leaf = min_samples_leaf
    params.min_weight_leaf = min_weight_leaf
    params.max_depth = max_depth
    params.min_impurity_decrease = min_impurity_decrease
    stats_array = np.zeros(max(n_stats, 1))
    cdef float64_t[::1] stats = stats_array
    child_array = np.zeros(2 * (n_stats + 1))
    cdef float64_t[::1] child = child_array
    # The popped record's children's statistics, out of the store (which its
    # children's blocks may reallocate).
    given_array = np.zeros(2 * (n_stats + 1))
    cdef float64_t[::1] given = given_array
    cdef PendingStore store
    store.stats_width = 2 * (n_stats + 1)
    store.n_words = ic.n_words
    cdef vector[FrontierRecord] frontier
    cdef FrontierRecord record, left, right
    cdef intp_t max_split_nodes = max_leaf_nodes - 1, max_depth_seen = 0
    cdef Node* node
    # Grown by doubling from at most 2047 nodes: max_leaf_nodes may be far
    # more than the data can split into.
    tree._resize(min(max_split_nodes + max_leaf_nodes, 2047))
    with nogil:
        _add_split_node(tree, splitter, &stats[0], &child[0], NULL, &store, &ic,
                        ic.current, 0, splitter.n_samples, 1, 1, TREE_UNDEFINED,
                        0, INFINITY, -INFINITY, INFINITY, &params, &record)
        frontier.push_back(record)
        push_heap(frontier.begin(), frontier.end(), &_compare_records)
        while not frontier.empty():
            pop_heap(frontier.begin(), frontier.end(), &_compare_records)
            record = frontier.back()
            frontier.pop_back()
            node = &tree.nodes[record.node_id]
            if record.block >= 0:
                # Out of the store, which the children's blocks may reallocate.
                if record.carried:
                    for k in range(store.stats_width):
                        given[k] = store.stats[record.block * store.stats_width + k]
                for w in range(ic.n_words):
                    ic.current[w] = store.groups[record.block * ic.n_words + w]
                store.free_blocks.push_back(record.block)
            if record.is_leaf or max_split_nodes <= 0:
                splitter.node_leaf(record.start, record.end)
                _record_leaf(splitter, leaf_out, record.start, record.end,
                             record.node_id)
                node.left_child = TREE_LEAF
                node.right_child = TREE_LEAF
                node.feature = TREE_UNDEFINED
                node.threshold = TREE_UNDEFINED
                node.missing_go_to_left = 0
                if tree.cat_bits != NULL:
                    memset(tree.cat_bits + record.node_id * CAT_WORDS, 0,
                           CAT_WORDS * sizeof(uint32_t))
            else:
                max_split_nodes -= 1
                # Popped long after its node_split: its histogram, if still
                # kept, becomes its children's.
                splitter.node_children(record.start, record.pos, record.end)
                _add_split_node(tree, splitter, &stats[0], &child[0],
                                &given[0] if record.carried else NULL, &store,
                                &ic, ic.current, record.start, record.pos, 0, 1,
                                record.node_id,
                                record.depth + 1, record.impurity_left,
                                record.bounds[0], record.bounds[1], &params, &left)
                _add_split_node(tree, splitter, &stats[0], &child[0],
                                &given[n_stats + 1] if record.carried else NULL,
                                &store, &ic, ic.current, record.pos, record.end,
                                0, 0, record.node_id,
                                record.depth + 1, record.impurity_right,
                                record.bounds[2], record.bounds[3], &params, &right)
                frontier.push_back(left)
                push_heap(frontier.begin(), frontier.end(), &_compare_records)
                frontier.push_back(right)
                push_heap(frontier.begin(), frontier.end(), &_compare_records)
            if record.depth > max_depth_seen:
                max_depth_seen = record.depth
        splitter.allowed = NULL
    tree.max_depth = max_depth_seen
    tree._shrink_to_fit()
