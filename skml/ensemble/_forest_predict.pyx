# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Sum of the leaf values of many trees, without the GIL.

Rows are split into blocks run in parallel; within a block each tree is visited
in the forest's order, so every row's sum is the same for any number of threads.
Rows are read from a dense C-contiguous array or from CSR arrays; a sparse row
is scattered once into a per-thread buffer and then goes through every tree,
which beats densifying blocks of rows (a wide dense row costs a cache miss per
node, and trees grown on sparse data are deep).
"""

from cython.parallel cimport prange
from libc.stdlib cimport free, malloc

from skml._splitting._tree cimport DenseRows, Node, Rows, SparseRows, Tree, leaf_of_row
from skml.utils._typedefs cimport float32_t, float64_t, int32_t, intp_t


cdef inline void _add_leaves(const Node** nodes, const float64_t** values,
                             intp_t n_trees, const Rows* rows, intp_t i,
                             float64_t* out_row, intp_t stride) noexcept nogil:
    cdef intp_t t, k
    cdef const float64_t* value
    for t in range(n_trees):
        value = values[t] + leaf_of_row(nodes[t], rows, i) * stride
        for k in range(stride):
            out_row[k] += value[k]


cdef void _accumulate_dense(const Node** nodes, const float64_t** values,
                            intp_t n_trees, const DenseRows* rows,
                            intp_t n_samples, float64_t[:, ::1] out,
                            int n_threads, intp_t block) noexcept nogil:
    # Within a block, tree by tree: the tree's nodes stay in cache.
    cdef intp_t stride = out.shape[1]
    cdef intp_t n_blocks = (n_samples + block - 1) // block
    cdef intp_t b, t, i, start, stop
    for b in prange(n_blocks, schedule="static", num_threads=n_threads):
        start = b * block
        stop = min(start + block, n_samples)
        for t in range(n_trees):
            for i in range(start, stop):
                _add_leaves(&nodes[t], &values[t], 1, rows, i, &out[i, 0], stride)


cdef int _accumulate_sparse(const Node** nodes, const float64_t** values,
                            intp_t n_trees, const SparseRows* shared,
                            intp_t n_samples, float64_t[:, ::1] out,
                            int n_threads, intp_t block) except -1 nogil:
    # Row by row: a row is scattered once into a dense buffer, then goes
    # through every tree with O(1) lookups.
    cdef intp_t stride = out.shape[1]
    cdef intp_t n_blocks = (n_samples + block - 1) // block
    cdef intp_t b, i, f, k, start, stop
    cdef SparseRows rows
    cdef intp_t n_failed = 0
    for b in prange(n_blocks, schedule="static", num_threads=n_threads):
        rows = shared[0]
        rows.value = <float32_t*> malloc(max(rows.n_features, 1) * sizeof(float32_t))
        rows.owner = <intp_t*> malloc(max(rows.n_features, 1) * sizeof(intp_t))
        if rows.value == NULL or rows.owner == NULL:
            n_failed += 1  # a reduction: seen after the loop
        else:
            for f in range(rows.n_features):
                rows.owner[f] = -1
            start = b * block
            stop = min(start + block, n_samples)
            for i in range(start, stop):
                for k in range(rows.indptr[i], rows.indptr[i + 1]):
                    rows.value[rows.indices[k]] = rows.data[k]
                    rows.owner[rows.indices[k]] = i
                _add_leaves(nodes, values, n_trees, &rows, i, &out[i, 0], stride)
        free(rows.value)
        free(rows.owner)
    if n_failed:
        with gil:
            raise MemoryError()
    return 0


def accumulate_leaf_values(list trees, X, float64_t[:, ::1] out, int n_threads,
                           intp_t block=0):
    """Add to ``out[i]`` the value of row ``i``'s leaf in every tree.

    ``trees`` are fitted :class:`skml._splitting.Tree` objects with the same
    value shape; ``X`` is a C-contiguous float32 array or a float32 CSR matrix
    with int32 indices and intp row starts; ``out`` has shape (n_samples,
    n_outputs * max_n_classes). Rows are split in blocks of ``block`` rows run
    in parallel (0: one block per thread); dense rows go through one tree
    before the next within a block (small blocks keep wide rows in cache).
    """
    cdef intp_t n_trees = len(trees)
    cdef intp_t n_samples = X.shape[0]
    cdef intp_t t
    cdef Tree tree
    cdef DenseRows dense
    cdef SparseRows sparse
    cdef const float32_t[:, ::1] values_mv
    cdef const float32_t[::1] data_mv
    cdef const int32_t[::1] indices_mv
    cdef const intp_t[::1] indptr_mv
    if n_trees == 0 or n_samples == 0:
        return
    if block <= 0:
        block = max(1, (n_samples + n_threads - 1) // n_threads)
    cdef bint is_sparse = hasattr(X, "indptr")
    if is_sparse:
        data_mv = X.data
        indices_mv = X.indices
        indptr_mv = X.indptr
        # A row without stored values has no data to point at.
        sparse.data = &data_mv[0] if data_mv.shape[0] else NULL
        sparse.indices = &indices_mv[0] if indices_mv.shape[0] else NULL
        sparse.indptr = &indptr_mv[0]
        sparse.n_features = X.shape[1]
    else:
        values_mv = X
        dense.values = &values_mv[0, 0] if values_mv.shape[1] else NULL
        dense.n_features = values_mv.shape[1]
    cdef const Node** nodes = <const Node**> malloc(n_trees * sizeof(Node*))
    cdef const float64_t** leaf_values = <const float64_t**> malloc(
        n_trees * sizeof(float64_t*))
    if nodes == NULL or leaf_values == NULL:
        free(nodes)
        free(leaf_values)
        raise MemoryError()
    for t in range(n_trees):
        tree = trees[t]
        nodes[t] = tree.nodes
        leaf_values[t] = tree.value_ptr
    try:
        with nogil:
            if is_sparse:
                _accumulate_sparse(nodes, leaf_values, n_trees, &sparse, n_samples,
                                   out, n_threads, block)
            else:
                _accumulate_dense(nodes, leaf_values, n_trees, &dense, n_samples,
                                  out, n_threads, block)
    finally:
        free(nodes)
        free(leaf_values)
