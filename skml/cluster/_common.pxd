# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
# Pieces shared by the Lloyd and Elkan kernels: adding a sample to a partial sum
# and reducing per-group partial sums in a fixed order.
#
# Samples are split into ``n_groups`` contiguous groups whose boundaries depend on
# the problem shape only. Each group owns a float64 partial sum of its samples per
# cluster; groups are reduced in group order, so the centers are bit-identical for
# any number of threads.

from cython cimport floating

from skml.utils._typedefs cimport float64_t, intp_t


cdef extern from *:
    """
    #if defined(__GNUC__) || defined(__clang__)
    #define SKML_PREFETCH(p) __builtin_prefetch(p)
    #else
    #define SKML_PREFETCH(p) ((void) 0)
    #endif
    """
    # Hint the CPU to load the cache line holding ``p`` (a no-op elsewhere).
    void SKML_PREFETCH(const void* p) noexcept nogil


cdef inline void prefetch_rows(
    const char* start, intp_t n_bytes
) noexcept nogil:
    # Prefetch every cache line of ``n_bytes`` bytes from ``start``.
    cdef intp_t offset
    for offset in range(0, n_bytes, 64):
        SKML_PREFETCH(start + offset)


cdef inline void add_weighted(
    const floating* x, float64_t w, float64_t* acc, intp_t n
) noexcept nogil:
    # acc += w * x, in float64.
    cdef intp_t f
    for f in range(n):
        acc[f] += w * <float64_t> x[f]


cdef intp_t reduce_groups(
    const float64_t[:, :, ::1] group_sums,
    const float64_t[:, ::1] group_weights,
    float64_t[:, ::1] sums,
    float64_t[::1] weights,
) noexcept nogil
