# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
# The engine shared by KDTree and BallTree (skml/neighbors/_binary_tree.pyx): one
# node layout, one build and one query engine; the two trees differ only in the
# bound a node keeps, an axis-aligned box (KD) or a centroid and radius (ball).

from skml._distances._base cimport Metric
from skml.utils._typedefs cimport float64_t, intp_t


# One node; the same record (and field names) as scikit-learn's trees.
cdef struct NodeData:
    intp_t idx_start  # first position of the node's rows in ``idx_array``
    intp_t idx_end  # one past its last position
    intp_t is_leaf  # 1 for a leaf, 0 for an internal node
    float64_t radius  # ball radius (BallTree) or half box diagonal (KDTree)


# Raw, read-only view of a built tree handed to the nogil code.
cdef struct TreeView:
    const float64_t* data  # training rows permuted into node order, row-major
    const intp_t* idx  # original index of each permuted row
    const NodeData* nodes  # the n_nodes node records
    const float64_t* lower  # KD: box lower corners; ball: centroids (n_nodes x d)
    const float64_t* upper  # KD: box upper corners; ball: unused
    intp_t n_features  # d
    bint kd  # True for boxes, False for balls
    bint euclid  # reduced distance is the squared Euclidean distance
    Metric rmetric  # metric code of the reduced distance
    float64_t p  # Minkowski power


# A (value, index) pair: a sort key and a row position while building, a distance
# and a training index when sorting radius results.
cdef struct Pair:
    float64_t dist  # the value
    intp_t index  # the index


# Split the nodes top down and permute W (the training rows) and idx into node
# order; fill node ranges and boxes. ``pos`` is scratch of n_samples records,
# ``rows`` one row of scratch per thread.
cdef void build_tree(
    float64_t[:, ::1] W,
    intp_t[::1] idx,
    NodeData[::1] nodes,
    float64_t[:, ::1] lower,
    float64_t[:, ::1] upper,
    Pair* pos,
    float64_t[:, ::1] rows,
    int n_threads,
) noexcept nogil

# Node radii (and, for balls, centroids), from the leaves up.
cdef void finish_nodes(
    const TreeView* t,
    NodeData[::1] nodes,
    float64_t[:, ::1] centroids,
    const float64_t[:, ::1] lower,
    const float64_t[:, ::1] upper,
    int n_threads,
) noexcept nogil

# The k nearest training rows of every row of X, sorted by (distance, index);
# dist and ind must start full of (inf, max intp).
cdef void knn_query(
    const TreeView* t,
    const float64_t[:, ::1] X,
    float64_t[:, ::1] dist,
    intp_t[:, ::1] ind,
    int n_threads,
) noexcept nogil

# Radius neighbours: counts only (ind NULL) or the hits of query i written from
# offsets[i] (distances too unless dist is NULL; sorted if scratch is not NULL).
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
) noexcept nogil
