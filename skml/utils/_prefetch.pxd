# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
# Software prefetch for loops that visit rows in a scattered order (a node's
# samples): prefetch(p) asks for the cache line of p, to be read a few
# iterations later.

cdef extern from *:
    # GCC/Clang builtin (a no-op elsewhere): start loading a cache line that
    # a later iteration reads. A node's samples are scattered over the rows, so
    # without it every sample waits for its row of codes and its statistics.
    """
    #if defined(__GNUC__) || defined(__clang__)
    #define SKML_PREFETCH(p) __builtin_prefetch((const void*)(p), 0, 1)
    #else
    #define SKML_PREFETCH(p) ((void)0)
    #endif
    """
    void prefetch "SKML_PREFETCH"(const void* p) noexcept nogil

cdef enum:
    # Iterations between a prefetch and the read it serves: enough to hide a
    # miss to memory behind the work of the iterations in between.
    PREFETCH_AHEAD = 16
