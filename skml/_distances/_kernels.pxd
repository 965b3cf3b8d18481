# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
# Kernel functions for SVMs: whole matrices (``_kernel_matrix``) and, for solvers
# that compute kernel rows on demand (SMO), ``kernel_row``.

from cython cimport floating

from skml.utils._typedefs cimport float64_t, intp_t


cdef enum KernelKind:
    LINEAR = 0   # x.y
    RBF = 1      # exp(-gamma ||x - y||^2)
    POLY = 2     # (gamma x.y + coef0) ** degree
    SIGMOID = 3  # tanh(gamma x.y + coef0)


cdef struct KernelSpec:
    int kind          # a KernelKind
    float64_t gamma   # scale of x.y or of ||x - y||^2 (unused by LINEAR)
    float64_t coef0   # offset of POLY and SIGMOID
    float64_t degree  # exponent of POLY


cdef void kernel_row(
    const floating[::1] x,
    const floating[:, ::1] Y,
    KernelSpec spec,
    float64_t[::1] out,
) noexcept nogil


cdef void kernel_row_indexed(
    const floating[::1] x,
    const floating[:, ::1] Y,
    const intp_t[::1] rows,
    KernelSpec spec,
    float64_t[::1] out,
) noexcept nogil
