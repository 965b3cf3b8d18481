# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
# Dense pairwise distances. ``euclidean_tile`` is the GEMM block that KMeans and
# other Cython callers reuse: squared distances of a block of rows of X against a
# block of rows of Y, corrected where the expansion is inaccurate.

from cython cimport floating

from skml.utils._typedefs cimport float64_t, intp_t


cdef void euclidean_tile(
    const floating[:, ::1] X,
    const floating[:, ::1] Y,
    const float64_t[:, ::1] X64,
    const float64_t[:, ::1] Y64,
    const float64_t[::1] xx,
    const float64_t[::1] yy,
    intp_t i0,
    intp_t i1,
    intp_t j0,
    intp_t j1,
    float64_t* D,
) noexcept nogil
