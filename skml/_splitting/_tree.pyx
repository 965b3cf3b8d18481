# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""The fitted tree: node array, value array, nogil traversal, pickling."""

import numpy as np
from scipy.sparse import csr_matrix, issparse
from scipy.sparse import vstack as sparse_vstack

from libc.stdlib cimport free, realloc
from libc.string cimport memcpy, memset
from libc.math cimport isnan

from skml.utils._typedefs cimport float32_t, float64_t, intp_t, uint8_t

cdef Node _dummy
NODE_DTYPE = np.dtype({
    "names": [
        "left_child", "right_child", "feature", "threshold", "impurity",
        "n_node_samples", "weighted_n_node_samples", "missing_go_to_left",
    ],
    "formats": [
        np.intp, np.intp, np.intp, np.float64, np.float64, np.intp, np.float64,
        np.uint8,
    ],
    "offsets": [
        <intp_t> &_dummy.left_child - <intp_t> &_dummy,
        <intp_t> &_dummy.right_child - <intp_t> &_dummy,
        <intp_t> &_dummy.feature - <intp_t> &_dummy,
        <intp_t> &_dummy.threshold - <intp_t> &_dummy,
        <intp_t> &_dummy.impurity - <intp_t> &_dummy,
        <intp_t> &_dummy.n_node_samples - <intp_t> &_dummy,
        <intp_t> &_dummy.weighted_n_node_samples - <intp_t> &_dummy,
        <intp_t> &_dummy.missing_go_to_left - <intp_t> &_dummy,
    ],
    "itemsize": sizeof(Node),
})

_FIELDS = (
    "left_child",
    "right_child",
    "feature",
    "threshold",
    "impurity",
    "n_node_samples",
    "weighted_n_node_samples",
    "missing_go_to_left",
)


# Rows of sparse X are densified in blocks of at most this many bytes.
DENSE_BLOCK_BYTES = 1 << 24


def dense_row_blocks(X, block_bytes=DENSE_BLOCK_BYTES):
    """Yield C-contiguous float32 blocks of consecutive rows of sparse ``X``.

    At least one block (possibly empty); each holds at most ``block_bytes``
    (or one row).
    """
    X = X.tocsr()
    n_rows, n_features = X.shape
    step = max(1, block_bytes // (4 * max(n_features, 1)))
    for start in range(0, max(n_rows, 1), step):
        block = X[start:start + step].toarray()
        yield np.ascontiguousarray(block, dtype=np.float32)


cdef class Tree:
    """Array-based binary decision tree.

    Node ``i`` is ``nodes[i]`` (see ``Node`` in ``_tree.pxd``); its value is
    ``value[i]``, of shape (n_outputs, max_n_classes): class fractions for
    classification, output means for regression. Node 0 is the root. Arrays
    exposed as attributes (``children_left``, ``threshold``, ``value``...) are
    copies.

    Parameters
    ----------
    n_features : int
        Number of features.
    n_classes : ndarray of shape (n_outputs,)
        Number of classes of each output (1 for regression).
    n_outputs : int
        Number of outputs.
    """

    def __cinit__(self, intp_t n_features=0, n_classes=None, intp_t n_outputs=1):
        self.nodes = NULL
        self.value_ptr = NULL
        self._set_shape(n_features, n_classes, n_outputs)

    def _set_shape(self, intp_t n_features, n_classes, intp_t n_outputs):
        # (Re)initialise an empty tree.
        free(self.nodes)
        free(self.value_ptr)
        self.nodes = NULL
        self.value_ptr = NULL
        if n_classes is None:
            n_classes = np.ones(n_outputs, dtype=np.intp)
        self.n_features = n_features
        self.n_outputs = n_outputs
        self.n_classes = np.array(n_classes, dtype=np.intp).reshape(n_outputs)
        self.max_n_classes = int(self.n_classes.max()) if n_outputs else 1
        self.value_stride = n_outputs * self.max_n_classes
        self.max_depth = 0
        self.node_count = 0
        self.capacity = 0

    def __dealloc__(self):
        free(self.nodes)
        free(self.value_ptr)

    def __reduce__(self):
        return (Tree, (self.n_features, self.n_classes, self.n_outputs),
                self.__getstate__())

    def __getstate__(self):
        state = {"n_features": self.n_features, "n_classes": self.n_classes,
                 "n_outputs": self.n_outputs, "max_depth": self.max_depth,
                 "node_count": self.node_count, "value": self.value}
        for name in _FIELDS:
            state[name] = getattr(self, name)
        return state

    def __setstate__(self, state):
        cdef intp_t n = int(state["node_count"])
        self._set_shape(int(state["n_features"]), np.asarray(state["n_classes"]),
                        int(state["n_outputs"]))
        self._resize(max(n, 1))
        arrays = {name: np.asarray(state[name]) for name in _FIELDS}
        for name in _FIELDS:
            if arrays[name].shape != (n,):
                raise ValueError(f"Bad tree state: {name} must have shape ({n},)")
        value = np.ascontiguousarray(state["value"], dtype=np.float64)
        if value.shape != (n, self.n_outputs, self.max_n_classes):
            raise ValueError("Bad tree state: wrong value shape")
        nodes = np.zeros(n, dtype=NODE_DTYPE)
        for name in _FIELDS:
            nodes[name] = arrays[name]
        cdef const unsigned char[::1] raw = nodes.view(np.uint8)
        if n:
            memcpy(self.nodes, &raw[0], n * sizeof(Node))
        cdef const float64_t[::1] flat = value.ravel()
        if n:
            memcpy(self.value_ptr, &flat[0], n * self.value_stride * sizeof(float64_t))
        self.node_count = n
        self.max_depth = state["max_depth"]

    cdef int _set_capacity(self, intp_t capacity) except -1 nogil:
        # Reallocate the node and value arrays to ``capacity`` nodes (new
        # values zeroed).
        cdef void* ptr
        ptr = realloc(self.nodes, capacity * sizeof(Node))
        if ptr == NULL:
            with gil:
                raise MemoryError()
        self.nodes = <Node*> ptr
        ptr = realloc(self.value_ptr, capacity * self.value_stride * sizeof(float64_t))
        if ptr == NULL:
            with gil:
                raise MemoryError()
        self.value_ptr = <float64_t*> ptr
        if capacity > self.capacity:
            memset(self.value_ptr + self.capacity * self.value_stride, 0,
                   (capacity - self.capacity) * self.value_stride * sizeof(float64_t))
        self.capacity = capacity
        return 0

    cdef int _resize(self, intp_t capacity) except -1 nogil:
        """Grow the arrays to hold at least ``capacity`` nodes."""
        if capacity <= self.capacity:
            return 0
        return self._set_capacity(capacity)

    cdef int _shrink_to_fit(self) except -1 nogil:
        """Release the capacity beyond ``node_count`` (builds grow it by
        doubling; a forest keeps many trees)."""
        if self.node_count >= self.capacity or self.capacity <= 1:
            return 0
        return self._set_capacity(max(self.node_count, 1))

    cdef intp_t _add_node(self, intp_t parent, bint is_left, bint is_leaf,
                          intp_t feature, float64_t threshold,
                          float64_t impurity, intp_t n_node_samples,
                          float64_t weighted_n_node_samples,
                          uint8_t missing_go_to_left) except -1 nogil:
        """Append a node, register it with its parent and return its id."""
        cdef intp_t node_id = self.node_count
        if node_id >= self.capacity:
            self._resize(2 * self.capacity if self.capacity else 3)
        cdef Node* node = &self.nodes[node_id]
        node.impurity = impurity
        node.n_node_samples = n_node_samples
        node.weighted_n_node_samples = weighted_n_node_samples
        node.missing_go_to_left = 0
        if parent != TREE_UNDEFINED:
            if is_left:
                self.nodes[parent].left_child = node_id
            else:
                self.nodes[parent].right_child = node_id
        if is_leaf:
            node.left_child = TREE_LEAF
            node.right_child = TREE_LEAF
            node.feature = TREE_UNDEFINED
            node.threshold = TREE_UNDEFINED
        else:
            node.left_child = TREE_LEAF
            node.right_child = TREE_LEAF
            node.feature = feature
            node.threshold = threshold
            node.missing_go_to_left = missing_go_to_left
        self.node_count += 1
        return node_id

    cdef void _apply(self, const float32_t[:, ::1] X,
                     intp_t[::1] out) noexcept nogil:
        cdef intp_t i
        cdef DenseRows rows
        rows.n_features = X.shape[1]
        rows.values = &X[0, 0] if X.shape[0] and X.shape[1] else NULL
        for i in range(X.shape[0]):
            out[i] = leaf_of_row(self.nodes, &rows, i)

    def apply(self, X):
        """Index of the leaf each row of ``X`` lands in.

        ``X``: a C-contiguous float32 array, or a sparse matrix (float32),
        densified a block of rows at a time.
        """
        if issparse(X):
            return np.concatenate(
                [self._apply_dense(block) for block in dense_row_blocks(X)]
            )
        return self._apply_dense(X)

    def _apply_dense(self, const float32_t[:, ::1] X):
        out = np.empty(X.shape[0], dtype=np.intp)
        cdef intp_t[::1] out_mv = out
        if self.node_count:
            with nogil:
                self._apply(X, out_mv)
        return out

    def predict(self, X):
        """Values of the leaves the rows of ``X`` land in.

        Returns an array of shape (n_samples, n_outputs, max_n_classes).
        """
        return self.value.take(self.apply(X), axis=0, mode="clip")

    def decision_path(self, X):
        """CSR indicator matrix (n_samples, node_count) of the nodes visited.

        ``X`` as in :meth:`apply`.
        """
        if issparse(X):
            return sparse_vstack(
                [self._decision_path_dense(block) for block in dense_row_blocks(X)],
                format="csr",
            )
        return self._decision_path_dense(X)

    def _decision_path_dense(self, const float32_t[:, ::1] X):
        cdef intp_t i, n = X.shape[0], k
        cdef const Node* node
        cdef float32_t x
        indptr = np.zeros(n + 1, dtype=np.intp)
        indices = np.empty(n * (1 + self.max_depth), dtype=np.intp)
        cdef intp_t[::1] indptr_mv = indptr
        cdef intp_t[::1] indices_mv = indices
        with nogil:
            k = 0
            for i in range(n):
                node = self.nodes
                while True:
                    indices_mv[k] = node - self.nodes
                    k += 1
                    if node.left_child == TREE_LEAF:
                        break
                    x = X[i, node.feature]
                    if isnan(x):
                        if node.missing_go_to_left:
                            node = &self.nodes[node.left_child]
                        else:
                            node = &self.nodes[node.right_child]
                    elif x <= node.threshold:
                        node = &self.nodes[node.left_child]
                    else:
                        node = &self.nodes[node.right_child]
                indptr_mv[i + 1] = k
        indices = indices[:k]
        data = np.ones(k, dtype=np.intp)
        return csr_matrix((data, indices, indptr), shape=(n, self.node_count))

    def compute_feature_importances(self, normalize=True):
        """Total weighted impurity decrease brought by each feature."""
        importances = np.zeros(self.n_features)
        cdef float64_t[::1] imp = importances
        cdef intp_t i
        cdef const Node* node
        cdef const Node* left
        cdef const Node* right
        for i in range(self.node_count):
            node = &self.nodes[i]
            if node.left_child != TREE_LEAF:
                left = &self.nodes[node.left_child]
                right = &self.nodes[node.right_child]
                imp[node.feature] += (
                    node.weighted_n_node_samples * node.impurity
                    - left.weighted_n_node_samples * left.impurity
                    - right.weighted_n_node_samples * right.impurity)
        if self.node_count:
            importances /= self.nodes[0].weighted_n_node_samples
        if normalize:
            total = importances.sum()
            if total > 0.0:
                importances /= total
        return importances

    def _nodes_array(self):
        # A structured copy of the node array.
        cdef intp_t n = self.node_count
        out = np.empty(n, dtype=NODE_DTYPE)
        cdef unsigned char[::1] raw = out.view(np.uint8)
        if n:
            memcpy(&raw[0], self.nodes, n * sizeof(Node))
        return out

    def _field(self, name):
        return np.ascontiguousarray(self._nodes_array()[name])

    @property
    def children_left(self):
        return self._field("left_child")

    @property
    def left_child(self):
        return self._field("left_child")

    @property
    def children_right(self):
        return self._field("right_child")

    @property
    def right_child(self):
        return self._field("right_child")

    @property
    def feature(self):
        return self._field("feature")

    @property
    def threshold(self):
        return self._field("threshold")

    @property
    def impurity(self):
        return self._field("impurity")

    @property
    def n_node_samples(self):
        return self._field("n_node_samples")

    @property
    def weighted_n_node_samples(self):
        return self._field("weighted_n_node_samples")

    @property
    def missing_go_to_left(self):
        return self._field("missing_go_to_left")

    @property
    def n_leaves(self):
        return int(np.sum(self.children_left == TREE_LEAF))

    @property
    def value(self):
        cdef intp_t n = self.node_count
        out = np.empty((n, self.n_outputs, self.max_n_classes), dtype=np.float64)
        cdef float64_t[:, :, ::1] mv = out
        if n:
            memcpy(&mv[0, 0, 0], self.value_ptr,
                   n * self.value_stride * sizeof(float64_t))
        return out
