# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
# The only fixed-width types skml's Cython code uses (STYLE.md, "Naming").
# Declared from C base types so that every module agrees on them.

ctypedef double float64_t
ctypedef float float32_t
ctypedef Py_ssize_t intp_t
ctypedef signed int int32_t
ctypedef signed long long int64_t
ctypedef unsigned char uint8_t
ctypedef unsigned int uint32_t
