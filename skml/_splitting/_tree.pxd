# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
# The fitted tree: a compact node array plus a value array.

from skml.utils._typedefs cimport float32_t, float64_t, int32_t, intp_t, uint8_t

cdef enum:
    TREE_LEAF = -1          # child id of a leaf
    TREE_UNDEFINED = -2     # feature and threshold of a leaf; parent of the root

cdef struct Node:
    intp_t left_child               # id of the left child, TREE_LEAF for a leaf
    intp_t right_child              # id of the right child, TREE_LEAF for a leaf
    intp_t feature                  # feature split on, TREE_UNDEFINED for a leaf
    float64_t threshold             # samples with X[:, feature] <= threshold go left
    float64_t impurity              # impurity of the node's training samples
    intp_t n_node_samples           # training samples (nonzero weight) in the node
    float64_t weighted_n_node_samples   # their total weight
    uint8_t missing_go_to_left      # whether NaN in ``feature`` goes left


# Rows of X as the traversals read them: dense (C-contiguous) or CSR, a sparse
# row being first scattered into a per-thread buffer.

cdef struct DenseRows:
    const float32_t* values     # (n_rows, n_features) C-contiguous
    intp_t n_features


cdef struct SparseRows:
    const float32_t* data       # CSR values
    const int32_t* indices      # CSR column indices
    const intp_t* indptr        # CSR row starts
    intp_t n_features
    # The current row, scattered (one per thread): value[f] holds X[i, f] when
    # owner[f] == i, else X[i, f] is zero.
    float32_t* value
    intp_t* owner


ctypedef fused Rows:
    DenseRows
    SparseRows


cdef inline float32_t row_value(const Rows* rows, intp_t i,
                                intp_t feature) noexcept nogil:
    # X[i, feature].
    if Rows is DenseRows:
        return rows.values[i * rows.n_features + feature]
    else:
        if rows.owner[feature] == i:
            return rows.value[feature]
        return 0.0


cdef inline intp_t leaf_of_row(const Node* root, const Rows* rows,
                               intp_t i) noexcept nogil:
    # Index of row i's leaf; NaN goes where the node says.
    cdef const Node* node = root
    cdef float32_t x
    while node.left_child != TREE_LEAF:
        x = row_value(rows, i, node.feature)
        if x <= node.threshold:
            node = &root[node.left_child]
        elif x > node.threshold or not node.missing_go_to_left:
            node = &root[node.right_child]
        else:  # NaN
            node = &root[node.left_child]
    return node - root


cdef class Tree:
    cdef readonly intp_t n_features         # number of features of X
    cdef readonly object n_classes          # ndarray (n_outputs,) of class counts
    cdef readonly intp_t n_outputs          # number of outputs
    cdef readonly intp_t max_n_classes      # largest entry of n_classes
    cdef readonly intp_t max_depth          # depth of the deepest leaf
    cdef readonly intp_t node_count         # number of nodes in use
    cdef readonly intp_t capacity           # number of nodes allocated
    cdef Node* nodes                        # (capacity,) node array
    cdef float64_t* value_ptr               # (capacity, n_outputs, max_n_classes)
    cdef intp_t value_stride                # n_outputs * max_n_classes

    cdef int _set_capacity(self, intp_t capacity) except -1 nogil
    cdef int _resize(self, intp_t capacity) except -1 nogil
    cdef int _shrink_to_fit(self) except -1 nogil
    cdef intp_t _add_node(self, intp_t parent, bint is_left, bint is_leaf,
                          intp_t feature, float64_t threshold,
                          float64_t impurity, intp_t n_node_samples,
                          float64_t weighted_n_node_samples,
                          uint8_t missing_go_to_left) except -1 nogil
    cdef void _apply(self, const float32_t[:, ::1] X,
                     intp_t[::1] out) noexcept nogil
    # Traversals of dense rows; X must have n_features columns (``_check_X``).
    cdef object _apply_dense(self, const float32_t[:, ::1] X)
    cdef object _decision_path_dense(self, const float32_t[:, ::1] X)
