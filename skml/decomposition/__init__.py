# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Matrix decomposition: principal component analysis."""

from skml.decomposition._pca import PCA

__all__ = ["PCA"]
