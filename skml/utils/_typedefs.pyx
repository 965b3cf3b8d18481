# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Fixed-width types shared by skml's Cython modules (declarations in the .pxd)."""

import numpy as np

# Python-side dtypes that match the ctypedefs in _typedefs.pxd.
FLOAT64 = np.float64
FLOAT32 = np.float32
INTP = np.intp
