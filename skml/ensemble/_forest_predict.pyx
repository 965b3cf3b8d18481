# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Sum of the leaf values of many trees, without the GIL.

Rows are split into blocks run in parallel; within a block each tree is visited
in the forest's order, so every row's sum is the same for any number of threads.
"""

from cython.parallel cimport prange
from libc.stdlib cimport free, malloc

from skml._splitting._tree cimport Node, TREE_LEAF, Tree
from skml.utils._typedefs cimport float32_t, float64_t, intp_t


def accumulate_leaf_values(list trees, const float32_t[:, ::1] X,
                           float64_t[:, ::1] out, int n_threads,
                           intp_t block=0):
    """Add to ``out[i]`` the value of row ``i``'s leaf in every tree.

    ``trees`` are fitted :class:`skml._splitting.Tree` objects with the same
    value shape; ``out`` has shape (n_samples, n_outputs * max_n_classes).
    ``block`` rows go through one tree before the next (0: one block per
    thread, which keeps each tree's nodes in cache longest).
    """
    cdef intp_t n_trees = len(trees)
    cdef intp_t n_samples = X.shape[0]
    cdef intp_t stride = out.shape[1]
    if block <= 0:
        block = max(1, (n_samples + n_threads - 1) // n_threads)
    cdef intp_t n_blocks = (n_samples + block - 1) // block
    cdef intp_t b, t, i, k, start, stop
    cdef Tree tree
    cdef const Node* root
    cdef const Node* node
    cdef const float32_t* row
    cdef const float64_t* value
    cdef float32_t x
    if n_trees == 0 or n_samples == 0:
        return
    cdef const Node** nodes = <const Node**> malloc(n_trees * sizeof(Node*))
    cdef const float64_t** values = <const float64_t**> malloc(
        n_trees * sizeof(float64_t*))
    if nodes == NULL or values == NULL:
        free(nodes)
        free(values)
        raise MemoryError()
    for t in range(n_trees):
        tree = trees[t]
        nodes[t] = tree.nodes
        values[t] = tree.value_ptr
    with nogil:
        for b in prange(n_blocks, schedule="static", num_threads=n_threads):
            start = b * block
            stop = min(start + block, n_samples)
            for t in range(n_trees):
                root = nodes[t]
                for i in range(start, stop):
                    row = &X[i, 0]
                    node = root
                    while node.left_child != TREE_LEAF:
                        x = row[node.feature]
                        if x <= node.threshold:
                            node = &root[node.left_child]
                        elif x > node.threshold or not node.missing_go_to_left:
                            node = &root[node.right_child]
                        else:  # NaN
                            node = &root[node.left_child]
                    value = values[t] + (node - root) * stride
                    for k in range(stride):
                        out[i, k] += value[k]
    free(nodes)
    free(values)
