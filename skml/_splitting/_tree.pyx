# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""The fitted tree: node array, value array, nogil traversal, pickling."""

import numpy as np
from scipy.sparse import csr_matrix, issparse
from scipy.sparse import vstack as sparse_vstack

from libc.stdlib cimport calloc, free, realloc
from libc.string cimport memcpy, memset
from libc.math cimport INFINITY, isnan

from skml.utils._state import bad_state, state_array, state_int, state_items
from skml.utils._typedefs cimport float32_t, float64_t, intp_t, uint8_t, uint32_t

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


# The entries of a tree's state (``Tree.__getstate__``) and the kind of each
# node field.
_STATE_KEYS = (
    ("n_features", "n_classes", "n_outputs", "max_depth", "node_count", "value")
    + _FIELDS
)
_FIELD_KINDS = {
    "left_child": "int",
    "right_child": "int",
    "feature": "int",
    "threshold": "float",
    "impurity": "float",
    "n_node_samples": "int",
    "weighted_n_node_samples": "float",
    "missing_go_to_left": "flag",
}


# Problems _scan_nodes reports (0: none).
cdef enum:
    _ONE_CHILD = 1          # one child TREE_LEAF, the other not
    _BAD_LEFT = 2           # left child not after its parent, or >= node_count
    _BAD_RIGHT = 3          # same for the right child
    _TWO_PARENTS = 4        # a node is the child of two splits (or twice of one)
    _NO_PARENT = 5          # a node other than the root is no split's child
    _BAD_FEATURE = 6        # a split's feature outside [0, n_features)
    _BAD_THRESHOLD = 7      # a split's threshold NaN or -inf
    _BAD_LEAF = 8           # a leaf's feature, threshold, missing_go_to_left
    #                         not (TREE_UNDEFINED, TREE_UNDEFINED, 0)


cdef int _scan_nodes(const intp_t[::1] left, const intp_t[::1] right,
                     const intp_t[::1] feature, const float64_t[::1] threshold,
                     const uint8_t[::1] missing, intp_t n_features,
                     intp_t[::1] depth, intp_t* where) noexcept nogil:
    # One pass over the nodes, in id order: whether they form a binary tree
    # rooted at node 0 with every child after its parent (so any traversal
    # ends at a leaf within depth + 1 steps, inside the array), reading
    # features below n_features. ``depth`` (all -1 on entry) receives each
    # node's depth; returns a problem code and its node in ``where``, or 0
    # and the depth of the tree in ``where``.
    cdef intp_t n = left.shape[0], i, d, deepest = 0
    depth[0] = 0
    for i in range(n):
        where[0] = i
        if depth[i] < 0:
            return _NO_PARENT
        if left[i] == TREE_LEAF or right[i] == TREE_LEAF:
            if left[i] != right[i]:
                return _ONE_CHILD
            if (feature[i] != TREE_UNDEFINED or threshold[i] != TREE_UNDEFINED
                    or missing[i] != 0):
                return _BAD_LEAF
            continue
        if left[i] <= i or left[i] >= n:
            return _BAD_LEFT
        if right[i] <= i or right[i] >= n:
            return _BAD_RIGHT
        if feature[i] < 0 or feature[i] >= n_features:
            return _BAD_FEATURE
        # A split's threshold is a number or +inf (every value left, NaN by
        # missing_go_to_left).
        if not threshold[i] > -INFINITY:
            return _BAD_THRESHOLD
        d = depth[i] + 1
        if depth[left[i]] >= 0:
            where[0] = left[i]
            return _TWO_PARENTS
        depth[left[i]] = d
        if depth[right[i]] >= 0:
            where[0] = right[i]
            return _TWO_PARENTS
        depth[right[i]] = d
        if d > deepest:
            deepest = d
    where[0] = deepest
    return 0


def _check_nodes(f, intp_t n_features):
    # The node fields ``f`` (validated arrays of shape (n,)) must form a tree
    # (see _scan_nodes); returns its depth.
    cdef intp_t where = 0
    cdef int problem = _scan_nodes(
        f["left_child"], f["right_child"], f["feature"], f["threshold"],
        f["missing_go_to_left"], n_features,
        np.full(f["left_child"].shape[0], -1, dtype=np.intp), &where,
    )
    if problem == 0:
        return where
    i = where
    left, right = f["left_child"][i], f["right_child"][i]
    if problem == _NO_PARENT:
        message = f"node {i} is the child of no node"
    elif problem == _TWO_PARENTS:
        message = f"node {i} is a child twice"
    elif problem == _ONE_CHILD:
        message = (
            f"node {i} has children ({left}, {right}): a leaf has both children "
            f"TREE_LEAF ({TREE_LEAF}), a split node neither"
        )
    elif problem == _BAD_LEAF:
        message = (
            f"leaf {i} has feature {f['feature'][i]}, threshold "
            f"{f['threshold'][i]} and missing_go_to_left "
            f"{f['missing_go_to_left'][i]}, not TREE_UNDEFINED ({TREE_UNDEFINED}), "
            f"TREE_UNDEFINED and 0"
        )
    elif problem in (_BAD_LEFT, _BAD_RIGHT):
        name, child = ("left_child", left) if problem == _BAD_LEFT else (
            "right_child", right)
        message = (
            f"{name}[{i}] = {child} is not a node after node {i} (children come "
            f"after their parent, below node_count={f['left_child'].shape[0]})"
        )
    elif problem == _BAD_FEATURE:
        message = (
            f"feature[{i}] = {f['feature'][i]} is not a feature index in "
            f"[0, n_features={n_features})"
        )
    else:
        message = (
            f"threshold[{i}] = {f['threshold'][i]}: a split's threshold must be a "
            "number or +inf"
        )
    raise bad_state("Tree", message)


def _split_categorical_state(state):
    # The state without its optional "categorical_bitsets" entry, and that
    # entry (None when absent).
    if isinstance(state, dict) and "categorical_bitsets" in state:
        state = dict(state)
        return state, state.pop("categorical_bitsets")
    return state, None


def _checked_bitsets(bitsets, f, intp_t n):
    # The categorical bitsets of a state, (n, CAT_WORDS) uint32 values, whose
    # marker bit is set on split nodes only and on one node at least.
    if (not isinstance(bitsets, np.ndarray) or bitsets.dtype.kind not in "iu"
            or bitsets.shape != (n, CAT_WORDS)):
        raise bad_state(
            "Tree", f"categorical_bitsets must be an integer ndarray of shape "
            f"({n}, {CAT_WORDS})")
    if bitsets.size and (bitsets.min() < 0 or bitsets.max() > 0xFFFFFFFF):
        raise bad_state("Tree", "categorical_bitsets must hold 32-bit words")
    bitsets = np.ascontiguousarray(bitsets, dtype=np.uint32)
    marked = (bitsets[:, CAT_MARKER_WORD] >> CAT_MARKER_BIT).astype(bool)
    if not marked.any():
        raise bad_state("Tree", "categorical_bitsets mark no categorical node")
    if np.any(marked & (f["left_child"] == TREE_LEAF)):
        raise bad_state("Tree", "categorical_bitsets mark a leaf as categorical")
    if np.any(bitsets[~marked] != 0):
        raise bad_state("Tree", "a numeric node has categorical bits set")
    return bitsets


def _checked_state(state):
    """Check a tree's state and return it as ``(fields, value, n_features,
    n_classes, n_outputs, max_depth)``: ``fields`` maps each node field to a
    C-contiguous array of shape (node_count,) of the ``Node`` member's type,
    ``value`` is C-contiguous float64 of shape (node_count, n_outputs,
    max_n_classes).

    Raises ValueError naming the first problem found.
    """
    entries = dict(zip(_STATE_KEYS, state_items(state, "Tree", _STATE_KEYS)))
    n_features = state_int(entries["n_features"], "Tree", "n_features", low=1)
    n_outputs = state_int(entries["n_outputs"], "Tree", "n_outputs", low=1)
    n = state_int(entries["node_count"], "Tree", "node_count", low=1)
    max_depth = state_int(entries["max_depth"], "Tree", "max_depth")
    n_classes = state_array(
        entries["n_classes"], "Tree", "n_classes", "int", (n_outputs,)
    )
    if np.any(n_classes < 1):
        raise bad_state("Tree", f"n_classes {n_classes} must be >= 1")
    value = state_array(
        entries["value"], "Tree", "value", "float",
        (n, n_outputs, int(n_classes.max())),
    )
    f = {name: state_array(entries[name], "Tree", name, _FIELD_KINDS[name], (n,))
         for name in _FIELDS}
    depth = _check_nodes(f, n_features)
    if max_depth != depth:
        raise bad_state(
            "Tree", f"max_depth = {max_depth}, but the tree has depth {depth}"
        )
    if f["n_node_samples"].min() < 0:
        raise bad_state("Tree", "n_node_samples must be >= 0")
    weights = f["weighted_n_node_samples"]
    if not np.all(np.isfinite(weights)) or weights.min() < 0:
        raise bad_state("Tree", "weighted_n_node_samples must be finite and >= 0")
    return f, value, n_features, n_classes, n_outputs, max_depth


cdef void _fill_nodes(Node* nodes, const intp_t[::1] left,
                      const intp_t[::1] right, const intp_t[::1] feature,
                      const float64_t[::1] threshold,
                      const float64_t[::1] impurity,
                      const intp_t[::1] n_node_samples,
                      const float64_t[::1] weighted_n_node_samples,
                      const uint8_t[::1] missing) noexcept nogil:
    cdef intp_t i
    for i in range(left.shape[0]):
        nodes[i].left_child = left[i]
        nodes[i].right_child = right[i]
        nodes[i].feature = feature[i]
        nodes[i].threshold = threshold[i]
        nodes[i].impurity = impurity[i]
        nodes[i].n_node_samples = n_node_samples[i]
        nodes[i].weighted_n_node_samples = weighted_n_node_samples[i]
        nodes[i].missing_go_to_left = missing[i]


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

    def __cinit__(self, n_features=0, n_classes=None, n_outputs=1):
        self.nodes = NULL
        self.value_ptr = NULL
        self.cat_bits = NULL
        self._set_shape(n_features, n_classes, n_outputs)

    def _set_shape(self, n_features, n_classes, n_outputs):
        # (Re)initialise an empty tree.
        n_features = state_int(n_features, "Tree", "n_features")
        n_outputs = state_int(n_outputs, "Tree", "n_outputs", low=1)
        if n_classes is None:
            n_classes = np.ones(n_outputs, dtype=np.intp)
        n_classes = state_array(
            np.asarray(n_classes), "Tree", "n_classes", "int", (n_outputs,)
        )
        if np.any(n_classes < 1):
            raise bad_state("Tree", f"n_classes {n_classes} must be >= 1")
        free(self.nodes)
        free(self.value_ptr)
        free(self.cat_bits)
        self.nodes = NULL
        self.value_ptr = NULL
        self.cat_bits = NULL
        self.n_features = n_features
        self.n_outputs = n_outputs
        self.n_classes = n_classes
        self.max_n_classes = int(n_classes.max())
        self.value_stride = n_outputs * self.max_n_classes
        self.max_depth = 0
        self.node_count = 0
        self.capacity = 0

    def __dealloc__(self):
        free(self.nodes)
        free(self.value_ptr)
        free(self.cat_bits)

    def __reduce__(self):
        return (Tree, (self.n_features, self.n_classes, self.n_outputs),
                self.__getstate__())

    def __getstate__(self):
        state = {"n_features": self.n_features, "n_classes": self.n_classes,
                 "n_outputs": self.n_outputs, "max_depth": self.max_depth,
                 "node_count": self.node_count, "value": self.value}
        for name in _FIELDS:
            state[name] = getattr(self, name)
        if self.cat_bits != NULL:
            # Only trees with categorical splits have the entry, so the state
            # of the others is what it always was.
            state["categorical_bitsets"] = self.categorical_bitsets
        return state

    def __setstate__(self, state):
        """Restore a pickled tree, after checking it (see ``_checked_state``):
        a corrupt or malicious state raises ValueError, so that no traversal
        can leave the node array, loop or read outside a row."""
        state, bitsets = _split_categorical_state(state)
        f, value, n_features, n_classes, n_outputs, max_depth = (
            _checked_state(state)
        )
        cdef intp_t n = value.shape[0]
        if bitsets is not None:
            bitsets = _checked_bitsets(bitsets, f, n)
        self._set_shape(n_features, n_classes, n_outputs)
        self._resize(n)
        _fill_nodes(self.nodes, f["left_child"], f["right_child"], f["feature"],
                    f["threshold"], f["impurity"], f["n_node_samples"],
                    f["weighted_n_node_samples"], f["missing_go_to_left"])
        cdef const float64_t[::1] flat = value.reshape(-1)
        if flat.shape[0]:
            memcpy(self.value_ptr, &flat[0], flat.shape[0] * sizeof(float64_t))
        self.node_count = n
        self.max_depth = max_depth
        cdef const uint32_t[:, ::1] bits
        cdef intp_t i
        if bitsets is not None:
            bits = bitsets
            for i in range(n):
                if bitsets[i, CAT_MARKER_WORD] >> CAT_MARKER_BIT:
                    self._set_categorical(i, &bits[i, 0])

    def _check_X(self, X):
        # Traversals read X[i, feature] for the tree's features.
        if self.node_count == 0:
            raise ValueError("The tree has no nodes.")
        if X.ndim != 2 or X.shape[1] != self.n_features:
            raise ValueError(
                f"X has shape {X.shape}; the tree expects {self.n_features} "
                "features."
            )

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
        if self.cat_bits != NULL:
            ptr = realloc(self.cat_bits, capacity * CAT_WORDS * sizeof(uint32_t))
            if ptr == NULL:
                with gil:
                    raise MemoryError()
            self.cat_bits = <uint32_t*> ptr
            if capacity > self.capacity:
                memset(self.cat_bits + self.capacity * CAT_WORDS, 0,
                       (capacity - self.capacity) * CAT_WORDS * sizeof(uint32_t))
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
        if self.cat_bits != NULL:
            memset(self.cat_bits + node_id * CAT_WORDS, 0,
                   CAT_WORDS * sizeof(uint32_t))
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

    cdef int _set_categorical(self, intp_t node_id,
                              const uint32_t* bits) except -1 nogil:
        """Make split node ``node_id`` categorical: category c goes left when
        bit c of ``bits`` (CAT_WORDS words) is set; its threshold becomes
        +inf (a traversal unaware of categories sends every value left)."""
        cdef intp_t k
        if self.cat_bits == NULL:
            self.cat_bits = <uint32_t*> calloc(self.capacity * CAT_WORDS,
                                               sizeof(uint32_t))
            if self.cat_bits == NULL:
                with gil:
                    raise MemoryError()
        for k in range(CAT_WORDS):
            self.cat_bits[node_id * CAT_WORDS + k] = bits[k]
        self.cat_bits[node_id * CAT_WORDS + CAT_MARKER_WORD] |= (
            (<uint32_t> 1) << CAT_MARKER_BIT)
        self.nodes[node_id].threshold = INFINITY
        return 0

    cdef void _apply(self, const float32_t[:, ::1] X,
                     intp_t[::1] out) noexcept nogil:
        cdef intp_t i
        cdef DenseRows rows
        rows.n_features = X.shape[1]
        rows.values = &X[0, 0] if X.shape[0] and X.shape[1] else NULL
        if self.cat_bits == NULL:
            for i in range(X.shape[0]):
                out[i] = leaf_of_row(self.nodes, &rows, i)
        else:
            for i in range(X.shape[0]):
                out[i] = leaf_of_row_cat(self.nodes, self.cat_bits, &rows, i)

    def apply(self, X):
        """Index of the leaf each row of ``X`` lands in.

        ``X``: a C-contiguous float32 array, or a sparse matrix (float32),
        densified a block of rows at a time.
        """
        self._check_X(X)
        if issparse(X):
            return np.concatenate(
                [self._apply_dense(block) for block in dense_row_blocks(X)]
            )
        return self._apply_dense(X)

    cdef object _apply_dense(self, const float32_t[:, ::1] X):
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
        self._check_X(X)
        if issparse(X):
            return sparse_vstack(
                [self._decision_path_dense(block) for block in dense_row_blocks(X)],
                format="csr",
            )
        return self._decision_path_dense(X)

    cdef object _decision_path_dense(self, const float32_t[:, ::1] X):
        cdef intp_t i, n = X.shape[0], k
        cdef const Node* node
        cdef float32_t x
        cdef bint left
        cdef const uint32_t* cat = self.cat_bits
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
                    if cat != NULL and is_categorical_node(cat, node - self.nodes):
                        left = goes_left_categorical(
                            cat + (node - self.nodes) * CAT_WORDS, x,
                            node.missing_go_to_left)
                    elif isnan(x):
                        left = node.missing_go_to_left
                    else:
                        left = x <= node.threshold
                    if left:
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
    def categorical_bitsets(self):
        """Bitsets of the categorical split nodes, ndarray of shape
        (node_count, 8) uint32 (bit c of row i: category c goes left at node
        i; the last bit marks node i as categorical), or None when no node
        splits on a category."""
        if self.cat_bits == NULL:
            return None
        cdef intp_t n = self.node_count
        out = np.empty((n, CAT_WORDS), dtype=np.uint32)
        cdef uint32_t[:, ::1] mv = out
        if n:
            memcpy(&mv[0, 0], self.cat_bits, n * CAT_WORDS * sizeof(uint32_t))
        return out

    @property
    def is_categorical(self):
        """Whether each node is a categorical split, bool ndarray (node_count,)."""
        bitsets = self.categorical_bitsets
        if bitsets is None:
            return np.zeros(self.node_count, dtype=bool)
        return (bitsets[:, CAT_MARKER_WORD] >> CAT_MARKER_BIT).astype(bool)

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
