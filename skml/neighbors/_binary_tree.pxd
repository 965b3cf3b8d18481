# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
# One binary space-partitioning tree for KDTree and BallTree.
#
# Both trees share the node layout (a complete binary tree stored in arrays, node i
# having children 2i+1 and 2i+2, every node owning a contiguous range of the
# permuted training rows), the build (split on the widest dimension at the median)
# and the query engine. They differ only in the bound a node keeps: an
# axis-aligned box (KDTree) or a centroid and a radius (BallTree).

from skml._distances._base cimport Metric
from skml.utils._typedefs cimport float64_t, intp_t


# One node; the same record (and field names) as scikit-learn's trees.
cdef struct NodeData:
    intp_t idx_start  # first position of the node's rows in ``idx_array``
    intp_t idx_end  # one past its last position
    intp_t is_leaf  # 1 for a leaf, 0 for an internal node
    float64_t radius  # ball radius (BallTree) or half box diagonal (KDTree)


# Raw, read-only view of a built tree handed to the nogil query code.
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


cdef class BinaryTree:
    # Training data as given (float64, C-contiguous), in original row order.
    cdef readonly const float64_t[:, ::1] data
    # Training data permuted into node order (row i is data[idx_array[i]]).
    cdef const float64_t[:, ::1] _data_r
    # Original index of every permuted row.
    cdef readonly const intp_t[::1] idx_array
    # Node records.
    cdef readonly const NodeData[::1] node_data
    # KD: (2, n_nodes, d) lower and upper box corners; ball: (1, n_nodes, d)
    # centroids.
    cdef readonly const float64_t[:, :, ::1] node_bounds
    # Leaves hold leaf_size to 2 * leaf_size rows (as in scikit-learn).
    cdef readonly intp_t leaf_size
    # Number of levels and nodes of the complete binary tree.
    cdef readonly intp_t n_levels
    cdef readonly intp_t n_nodes
    # Metric name as resolved ("euclidean", "manhattan", "chebyshev",
    # "minkowski") and the Minkowski power.
    cdef readonly str metric
    cdef readonly float64_t p
    # Raw view for the nogil code; refreshed whenever the arrays are set.
    cdef TreeView _view

    cdef void _set_view(self)
