# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
# The fitted tree: a compact node array plus a value array.

from skml.utils._typedefs cimport (
    float32_t, float64_t, int32_t, intp_t, uint8_t, uint32_t,
)

cdef enum:
    TREE_LEAF = -1          # child id of a leaf
    TREE_UNDEFINED = -2     # feature and threshold of a leaf; parent of the root

# A categorical split node has a bitset of CAT_WORDS 32-bit words over the
# category codes 0..254 (max_bins <= 255): bit c set sends category c left.
# Code 255 is the missing bin, never a category, so its bit (the last one)
# marks the node as categorical.
cdef enum:
    CAT_WORDS = 8
    CAT_CODES = 255             # category codes 0..CAT_CODES - 1
    CAT_MARKER_WORD = 7         # word and bit of the categorical marker
    CAT_MARKER_BIT = 31

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


cdef inline bint goes_left_categorical(const uint32_t* bits, float32_t x,
                                       bint missing_go_to_left) noexcept nogil:
    # A categorical node's direction for value x: its category's bit; NaN and
    # values that are no category code (negative, too large, fractional) go
    # with the missing values.
    cdef intp_t code
    if not (x >= 0.0 and x < CAT_CODES):
        return missing_go_to_left
    code = <intp_t> x
    if code != x:
        return missing_go_to_left
    return (bits[code >> 5] >> (code & 31)) & 1


cdef inline bint is_categorical_node(const uint32_t* cat_bits,
                                     intp_t node_id) noexcept nogil:
    return (cat_bits[node_id * CAT_WORDS + CAT_MARKER_WORD]
            >> CAT_MARKER_BIT) & 1


cdef inline intp_t leaf_of_row_cat(const Node* root, const uint32_t* cat_bits,
                                   const Rows* rows, intp_t i) noexcept nogil:
    # leaf_of_row for a tree with categorical nodes (``cat_bits``: CAT_WORDS
    # words per node, see Tree.cat_bits).
    cdef const Node* node = root
    cdef float32_t x
    cdef intp_t node_id = 0
    cdef bint left
    while node.left_child != TREE_LEAF:
        x = row_value(rows, i, node.feature)
        if is_categorical_node(cat_bits, node_id):
            left = goes_left_categorical(cat_bits + node_id * CAT_WORDS, x,
                                         node.missing_go_to_left)
        elif x <= node.threshold:
            left = 1
        elif x > node.threshold:
            left = 0
        else:  # NaN
            left = node.missing_go_to_left
        node_id = node.left_child if left else node.right_child
        node = &root[node_id]
    return node_id


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
    cdef uint32_t* cat_bits                 # (capacity, CAT_WORDS) bitsets of
    #                                         the categorical nodes; NULL
    #                                         while the tree has none

    cdef int _set_capacity(self, intp_t capacity) except -1 nogil
    cdef int _resize(self, intp_t capacity) except -1 nogil
    cdef int _shrink_to_fit(self) except -1 nogil
    cdef intp_t _add_node(self, intp_t parent, bint is_left, bint is_leaf,
                          intp_t feature, float64_t threshold,
                          float64_t impurity, intp_t n_node_samples,
                          float64_t weighted_n_node_samples,
                          uint8_t missing_go_to_left) except -1 nogil
    cdef int _set_categorical(self, intp_t node_id,
                              const uint32_t* bits) except -1 nogil
    cdef void _apply(self, const float32_t[:, ::1] X,
                     intp_t[::1] out) noexcept nogil
    # Traversals of dense rows; X must have n_features columns (``_check_X``).
    cdef object _apply_dense(self, const float32_t[:, ::1] X)
    cdef object _decision_path_dense(self, const float32_t[:, ::1] X)
