# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Whether this build has OpenMP, and how many threads OpenMP would use.

The C block guards ``omp.h`` so that a build without OpenMP still compiles: the
kernels' ``prange`` loops then run serially.
"""

cdef extern from *:
    """
    #ifdef _OPENMP
    #include <omp.h>
    #define SKML_OPENMP_SUPPORTED 1
    #else
    #define SKML_OPENMP_SUPPORTED 0
    static int omp_get_max_threads(void) { return 1; }
    #endif
    """
    bint SKML_OPENMP_SUPPORTED
    int omp_get_max_threads() noexcept nogil


def openmp_supported():
    """Return True if skml's compiled modules were built with OpenMP."""
    return SKML_OPENMP_SUPPORTED


def openmp_max_threads():
    """Return ``omp_get_max_threads()`` (1 without OpenMP).

    It honours ``OMP_NUM_THREADS`` and threadpoolctl limits.
    """
    return omp_get_max_threads()
