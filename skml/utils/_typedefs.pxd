# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
# The only fixed-width types skml's Cython code uses (STYLE.md, "Naming").

from libc.stdint cimport int32_t, int64_t, uint8_t, uint32_t

ctypedef double float64_t
ctypedef float float32_t
ctypedef Py_ssize_t intp_t
ctypedef int32_t int32_t
ctypedef int64_t int64_t
ctypedef uint8_t uint8_t
ctypedef uint32_t uint32_t
