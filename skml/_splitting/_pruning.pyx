# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Minimal cost-complexity pruning of a fitted tree.

The weakest link (the internal node of smallest effective alpha
``(R(node) - R(branch)) / (n_leaves(branch) - 1)``) is pruned repeatedly, as in
Breiman et al. (1984) and scikit-learn; ``R`` is the weighted impurity of a
node over the total weight.
"""

import numpy as np

from libc.string cimport memcpy
from libcpp.vector cimport vector

from skml._splitting._tree cimport (
    CAT_WORDS, TREE_LEAF, TREE_UNDEFINED, Node, Tree, is_categorical_node,
)
from skml.utils._typedefs cimport float64_t, intp_t, uint8_t


cdef intp_t _prune(Tree tree, float64_t ccp_alpha, uint8_t[::1] leaves,
                   float64_t[::1] alphas, float64_t[::1] impurities) noexcept nogil:
    # Prune while the weakest link's alpha is <= ccp_alpha (ccp_alpha < 0: to
    # the root). ``leaves`` marks the leaves of the pruned tree; the path is
    # saved to alphas/impurities. Returns the number of path entries.
    cdef intp_t n = tree.node_count, i, node, parent_i, best = 0, n_pruned
    cdef intp_t count = 0
    cdef const Node* nodes = tree.nodes
    cdef float64_t total = nodes[0].weighted_n_node_samples
    cdef float64_t alpha, effective, r_diff
    cdef vector[float64_t] r_node
    cdef vector[float64_t] r_branch
    cdef vector[intp_t] n_leaves
    cdef vector[intp_t] parent
    cdef vector[uint8_t] candidate
    cdef vector[uint8_t] in_subtree
    cdef vector[intp_t] stack
    r_node.resize(n)
    r_branch.resize(n, 0.0)
    n_leaves.resize(n, 0)
    parent.resize(n, TREE_UNDEFINED)
    candidate.resize(n, 0)
    in_subtree.resize(n, 1)
    for i in range(n):
        r_node[i] = nodes[i].weighted_n_node_samples * nodes[i].impurity / total
        leaves[i] = nodes[i].left_child == TREE_LEAF
        if not leaves[i]:
            parent[nodes[i].left_child] = i
            parent[nodes[i].right_child] = i
            candidate[i] = 1
    for i in range(n):
        if leaves[i]:
            r_branch[i] = r_node[i]
            node = i
            while node != 0:
                parent_i = parent[node]
                r_branch[parent_i] += r_node[i]
                n_leaves[parent_i] += 1
                node = parent_i
    alphas[count] = 0.0
    impurities[count] = r_branch[0]
    count += 1
    while candidate[0]:
        effective = 1.7976931348623157e308
        for i in range(n):
            if candidate[i]:
                alpha = (r_node[i] - r_branch[i]) / (n_leaves[i] - 1)
                if alpha < effective:
                    effective = alpha
                    best = i
        if ccp_alpha >= 0 and ccp_alpha < effective:
            break
        stack.push_back(best)
        while not stack.empty():
            node = stack.back()
            stack.pop_back()
            if not in_subtree[node]:
                continue
            candidate[node] = 0
            leaves[node] = 0
            in_subtree[node] = 0
            if nodes[node].left_child != TREE_LEAF:
                stack.push_back(nodes[node].left_child)
                stack.push_back(nodes[node].right_child)
        leaves[best] = 1
        in_subtree[best] = 1
        n_pruned = n_leaves[best] - 1
        n_leaves[best] = 0
        r_diff = r_node[best] - r_branch[best]
        r_branch[best] = r_node[best]
        node = parent[best]
        while node != TREE_UNDEFINED:
            n_leaves[node] -= n_pruned
            r_branch[node] += r_diff
            node = parent[node]
        alphas[count] = effective
        impurities[count] = r_branch[0]
        count += 1
    return count


def pruning_path(Tree tree):
    """Effective alphas and total leaf impurities along the pruning path.

    Returns a Bunch with ``ccp_alphas`` and ``impurities``.
    """
    from sklearn.utils import Bunch

    n = tree.node_count
    leaves = np.zeros(n, dtype=np.uint8)
    alphas = np.zeros(n + 1)
    impurities = np.zeros(n + 1)
    count = _prune(tree, -1.0, leaves, alphas, impurities)
    return Bunch(ccp_alphas=alphas[:count], impurities=impurities[:count])


def prune_tree(Tree tree, float64_t ccp_alpha):
    """A copy of ``tree`` pruned with complexity parameter ``ccp_alpha``."""
    cdef intp_t n = tree.node_count
    leaves_array = np.zeros(n, dtype=np.uint8)
    cdef uint8_t[::1] leaves = leaves_array
    _prune(tree, ccp_alpha, leaves, np.zeros(n + 1), np.zeros(n + 1))
    cdef Tree pruned = Tree(tree.n_features, tree.n_classes, tree.n_outputs)
    cdef vector[intp_t] stack  # (original id, depth, parent, is_left) quadruples
    cdef intp_t node, depth, parent, new_id, max_depth_seen = 0
    cdef bint is_left, is_leaf
    cdef const Node* orig
    pruned._resize(int(leaves_array.sum()) * 2)
    stack.push_back(0)
    stack.push_back(0)
    stack.push_back(TREE_UNDEFINED)
    stack.push_back(0)
    while not stack.empty():
        is_left = stack.back()
        stack.pop_back()
        parent = stack.back()
        stack.pop_back()
        depth = stack.back()
        stack.pop_back()
        node = stack.back()
        stack.pop_back()
        orig = &tree.nodes[node]
        is_leaf = leaves[node]
        new_id = pruned._add_node(parent, is_left, is_leaf, orig.feature,
                                  orig.threshold, orig.impurity,
                                  orig.n_node_samples, orig.weighted_n_node_samples,
                                  orig.missing_go_to_left)
        if not is_leaf and tree.cat_bits != NULL and is_categorical_node(
                tree.cat_bits, node):
            pruned._set_categorical(new_id, tree.cat_bits + node * CAT_WORDS)
        memcpy(pruned.value_ptr + new_id * pruned.value_stride,
               tree.value_ptr + node * tree.value_stride,
               tree.value_stride * sizeof(float64_t))
        if not is_leaf:
            for child, left in ((orig.right_child, 0), (orig.left_child, 1)):
                stack.push_back(child)
                stack.push_back(depth + 1)
                stack.push_back(new_id)
                stack.push_back(left)
        if depth > max_depth_seen:
            max_depth_seen = depth
    pruned.max_depth = max_depth_seen
    pruned._shrink_to_fit()
    return pruned
