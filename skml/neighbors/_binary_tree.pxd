# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
# The base class of KDTree and BallTree: the arrays of a built tree. The build and
# query engine is skml/neighbors/_binary_tree_core.pyx.

from skml.neighbors._binary_tree_core cimport NodeData, TreeView
from skml.utils._typedefs cimport float64_t, intp_t


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
