# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Helpers for k-means on sparse CSR data that SciPy's products express.

The iterations themselves are compiled (``_csr.pyx``); what is left here are
the squared row norms, the distance matrix of :meth:`KMeans.transform` (one
sparse-dense product, ``||x||^2 - 2 x.c + ||c||^2``) and the tolerance. Sparse
data are not centred (as in scikit-learn).
"""

import numpy as np


def squared_row_norms(X):
    """Squared norm of each row of a CSR matrix, in float64."""
    squares = X.copy()
    squares.data = squares.data.astype(np.float64) ** 2
    return np.asarray(squares.sum(axis=1)).ravel()


def squared_distances(X, centers, x_squared_norms):
    """``(n_samples, n_centers)`` squared distances, float64, clipped at 0."""
    dot = np.asarray(X @ centers.T, dtype=np.float64)
    c_norms = np.einsum("ij,ij->i", centers, centers, dtype=np.float64)
    dist = x_squared_norms[:, None] - 2.0 * dot + c_norms[None, :]
    np.maximum(dist, 0.0, out=dist)
    return dist


def tolerance(X, tol):
    """``tol`` times the mean variance of the columns of a CSR matrix."""
    if tol == 0:
        return 0.0
    mean = np.asarray(X.mean(axis=0), dtype=np.float64).ravel()
    squares = X.copy()
    squares.data = squares.data.astype(np.float64) ** 2
    mean_sq = np.asarray(squares.mean(axis=0)).ravel()
    return float(np.mean(mean_sq - mean**2) * tol)
