# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""KDTree and BallTree: one binary tree, two kinds of node bound.

This module is the Python layer: validation, the public classes and pickling.
The engine (build and queries, nogil) is ``skml.neighbors._binary_tree_core``.
"""

import inspect
import numbers

import numpy as np

from cpython.pyport cimport PY_SSIZE_T_MAX

from skml._distances._base cimport CHEBYSHEV, MANHATTAN, MINKOWSKI, SQEUCLIDEAN
from skml.neighbors._binary_tree_core cimport (
    Pair,
    build_tree,
    finish_nodes,
    knn_query,
    radius_query,
)
from skml.utils._openmp import effective_n_threads
from skml.utils._state import bad_state, first, state_array, state_float, state_int
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

# The index of an empty heap slot (paired with an infinite distance).
cdef intp_t _EMPTY = PY_SSIZE_T_MAX


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
        self.n_levels = _n_levels(n_samples, self.leaf_size)
        self.n_nodes = (<intp_t> 1 << self.n_levels) - 1
        idx = np.arange(n_samples, dtype=np.intp)
        nodes = np.zeros(self.n_nodes, dtype=NodeData_dt)
        bounds = np.empty((2, self.n_nodes, n_features), dtype=np.float64)
        data_r = np.array(X, dtype=np.float64, order="C", copy=True)
        cdef NodeData[::1] nodes_mv = nodes
        cdef float64_t[:, :, ::1] bounds_mv = bounds
        cdef intp_t[::1] idx_mv = idx
        # Scratch Pair records (float64 + intp: 16 bytes each).
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
            build_tree(
                data_r_mv, idx_mv, nodes_mv, bounds_mv[0], bounds_mv[1],
                <Pair*> &pairs_mv[0], rows_mv, n_threads,
            )
        self._set_arrays(X, data_r, idx, nodes, bounds)
        cdef float64_t[:, ::1] centroids = None
        if not self._kd:
            centroids = np.empty((self.n_nodes, n_features), dtype=np.float64)
        with nogil:
            finish_nodes(
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
        """Restore a pickled tree, after checking it (see ``_checked_state``):
        a corrupt or malicious state raises ValueError, so that no query can
        read outside the arrays."""
        data, data_r, idx, nodes, bounds, leaf_size, n_levels, metric, p = (
            _checked_state(type(self).__name__, self._kd, state)
        )
        self.leaf_size = leaf_size
        self.n_levels = n_levels
        self.n_nodes = nodes.shape[0]
        self.metric = metric
        self.p = p
        self._set_arrays(data, data_r, idx, nodes, bounds)

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
                knn_query(&self._view, X_mv, dist_mv, ind_mv, nt)
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
        cdef Pair* scratch = NULL
        cdef int nt = n_threads
        if n_queries > 0:
            with nogil:
                radius_query(
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
            scratch = <Pair*> &buf_mv[0]
        if n_queries > 0:
            with nogil:
                radius_query(
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


def _n_levels(n_samples, leaf_size):
    """Levels of the tree on n_samples rows: as scikit-learn, leaves of
    leaf_size to 2 * leaf_size rows."""
    return int(np.log2(max(1.0, (n_samples - 1) / leaf_size)) + 1)


def _node_layout(n_samples, n_nodes):
    """``(idx_start, idx_end, is_leaf)`` of every node as ``build_tree`` sets
    them: node i has children 2i + 1 and 2i + 2, which split its range at the
    middle; nodes without children are leaves."""
    start = np.zeros(n_nodes, dtype=np.intp)
    end = np.zeros(n_nodes, dtype=np.intp)
    end[0] = n_samples
    level = 0  # first node of the level
    while 2 * level + 1 < n_nodes:
        parents = np.arange(level, 2 * level + 1)
        s, e = start[parents], end[parents]
        mid = (s + e) // 2
        start[2 * parents + 1] = s
        end[2 * parents + 1] = mid
        start[2 * parents + 2] = mid
        end[2 * parents + 2] = e
        level = 2 * level + 1
    is_leaf = (2 * np.arange(n_nodes) + 1 >= n_nodes).astype(np.intp)
    return start, end, is_leaf


def _checked_state(owner, kd, state):
    """Check the state of a KDTree (``kd``) or BallTree and return it as
    ``(data, data_r, idx_array, node_data, node_bounds, leaf_size, n_levels,
    metric, p)``, the arrays C-contiguous of the types the queries read.

    The layout of a tree is implicit (see ``_binary_tree_core``): the node
    ranges and leaf flags must be the ones the build writes, ``idx_array`` a
    permutation of the rows and ``data_r`` the rows in that order. Raises
    ValueError naming the first problem found.
    """
    if not isinstance(state, tuple) or len(state) != 10:
        raise bad_state(owner, "expected a tuple of 10 entries")
    data, data_r, idx, nodes, bounds, leaf_size, n_levels, n_nodes, metric, p = (
        state
    )
    if not isinstance(data, np.ndarray) or data.ndim != 2:
        raise bad_state(owner, "data must be a 2-D ndarray")
    data = state_array(data, owner, "data", "float", data.shape)
    n_samples, n_features = data.shape
    if n_samples < 1 or n_features < 1:
        raise bad_state(owner, f"data of shape {data.shape} is empty")
    if not np.all(np.isfinite(data)):
        raise bad_state(owner, "data must be finite")
    leaf_size = state_int(leaf_size, owner, "leaf_size", low=1)
    n_levels = state_int(n_levels, owner, "n_levels", low=1)
    expected = _n_levels(n_samples, leaf_size)
    if n_levels != expected:
        raise bad_state(owner, (
            f"n_levels = {n_levels}, but a tree on {n_samples} rows with "
            f"leaf_size={leaf_size} has {expected} levels"
        ))
    n_nodes = state_int(n_nodes, owner, "n_nodes", low=1)
    if n_nodes != 2 ** n_levels - 1:
        raise bad_state(owner, (
            f"n_nodes = {n_nodes}, but a tree of {n_levels} levels has "
            f"{2 ** n_levels - 1} nodes"
        ))
    idx = state_array(idx, owner, "idx_array", "int", (n_samples,))
    if idx.min() < 0 or idx.max() >= n_samples or not np.all(
        np.bincount(idx, minlength=n_samples) == 1
    ):
        raise bad_state(owner, (
            f"idx_array must be a permutation of the {n_samples} row indices"
        ))
    data_r = state_array(data_r, owner, "data_r", "float", data.shape)
    if not np.array_equal(data_r, data[idx]):
        raise bad_state(owner, "data_r must be the rows of data in idx_array order")
    if not isinstance(nodes, np.ndarray) or nodes.dtype.names != NodeData_dt.names:
        raise bad_state(owner, (
            f"node_data must be an ndarray with fields {NodeData_dt.names}"
        ))
    node_data = np.empty(n_nodes, dtype=NodeData_dt)
    for name in NodeData_dt.names:
        kind = "float" if name == "radius" else "int"
        node_data[name] = state_array(
            nodes[name], owner, f"node_data[{name!r}]", kind, (n_nodes,)
        )
    for name, expected in zip(
        ("idx_start", "idx_end", "is_leaf"), _node_layout(n_samples, n_nodes)
    ):
        mask = node_data[name] != expected
        if mask.any():
            i = first(mask)
            raise bad_state(owner, (
                f"node {i} has {name} {node_data[name][i]}; the layout of a "
                f"tree of {n_nodes} nodes on {n_samples} rows gives {expected[i]}"
            ))
    if not np.all(node_data["radius"] >= 0):
        raise bad_state(owner, "node radii must be >= 0")
    bounds = state_array(
        bounds, owner, "node_bounds", "float", (2 if kd else 1, n_nodes, n_features)
    )
    if not isinstance(metric, str) or metric not in _REDUCED_CODES:
        raise bad_state(owner, (
            f"metric {metric!r} is not one of {sorted(_REDUCED_CODES)}"
        ))
    p = state_float(p, owner, "p")
    if metric == "minkowski" and not 1.0 <= p < np.inf:
        raise bad_state(owner, f"p = {p} must be in [1, inf) for the minkowski metric")
    return data, data_r, idx, node_data, bounds, leaf_size, n_levels, metric, p


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
