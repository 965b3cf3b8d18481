# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Solvers behind :class:`skml.decomposition.PCA`.

Each solver receives validated data and returns the decomposition of the
column-centred data as ``(U, S, Vt)`` (``U`` may be ``None`` when the solver never
forms it), with singular values in decreasing order and deterministic signs.
"""

from math import lgamma, log

import numpy as np
import scipy.sparse as sp
from scipy import linalg
from scipy.sparse.linalg import LinearOperator, svds


def flip_signs(U, Vt):
    """Make the largest-magnitude entry of every row of ``Vt`` positive.

    The columns of ``U`` are flipped with the rows of ``Vt`` so that ``U S Vt`` is
    unchanged. This is the convention of scikit-learn's PCA, so that both
    libraries return the same components. Works in place; returns ``(U, Vt)``.
    """
    if Vt.shape[0] == 0:
        return U, Vt
    rows = np.arange(Vt.shape[0])
    pivots = Vt[rows, np.argmax(np.abs(Vt), axis=1)]
    signs = np.where(pivots < 0, -1, 1).astype(Vt.dtype)
    Vt *= signs[:, np.newaxis]
    if U is not None:
        U *= signs
    return U, Vt


def column_mean(X):
    """Column means of a dense or sparse 2-D array, as a 1-D array of X's dtype."""
    if sp.issparse(X):
        return np.asarray(X.mean(axis=0), dtype=X.dtype).ravel()
    # A matrix-vector product is one multithreaded pass over X.
    return (np.ones(X.shape[0], dtype=X.dtype) @ X) / X.shape[0]


def full_svd(X_centered, overwrite=False):
    """Exact thin SVD of centred dense data (LAPACK ``gesdd``).

    SciPy's ``gesdd`` rather than NumPy's: NumPy's wrapper was 2-3x slower on
    float32 (100k x 100), and the data are already validated as finite. With
    ``overwrite``, LAPACK may use ``X_centered`` as workspace (pass it only for a
    private copy).
    """
    U, S, Vt = linalg.svd(
        X_centered,
        full_matrices=False,
        lapack_driver="gesdd",
        check_finite=False,
        overwrite_a=overwrite,
    )
    return flip_signs(U, Vt)[0], S, Vt


def covariance_eigh(X, mean):
    """Eigen-decomposition of the covariance matrix of ``X``.

    ``X`` is not centred: the Gram matrix ``X.T @ X`` is corrected by the rank-one
    term ``n_samples * outer(mean, mean)``, so that dense data are never copied and
    sparse data stay sparse. Returns ``(eigenvalues, Vt)`` in decreasing order, the
    eigenvalues being variances (``ddof=1``), clipped at zero.
    """
    n_samples = X.shape[0]
    gram = X.T @ X
    if sp.issparse(gram):
        gram = gram.toarray()
    gram = np.asarray(gram)
    # Solve in float64 whatever the input: the matrix is small and the extra
    # precision is free.
    cov = gram.astype(np.float64)
    mean64 = mean.astype(np.float64)
    cov -= n_samples * np.outer(mean64, mean64)
    cov /= n_samples - 1
    # NumPy's LAPACK, not SciPy's: NumPy and SciPy may each bundle an OpenBLAS
    # whose idle threads spin and slow down the other's next product.
    eigenvalues, eigenvectors = np.linalg.eigh(cov)
    eigenvalues = eigenvalues[::-1]
    np.maximum(eigenvalues, 0.0, out=eigenvalues)
    Vt = np.ascontiguousarray(eigenvectors[:, ::-1].T)
    flip_signs(None, Vt)
    return eigenvalues.astype(X.dtype), Vt.astype(X.dtype)


class CenteredOperator(LinearOperator):
    """``X - 1 mean^T`` as a linear operator, without forming it (sparse data)."""

    def __init__(self, X, mean):
        self.X = X
        self.mean = mean
        super().__init__(dtype=X.dtype, shape=X.shape)

    def _matvec(self, v):
        return self._matmat(np.asarray(v).reshape(-1, 1)).ravel()

    def _matmat(self, V):
        return np.asarray(self.X @ V) - self.mean @ V

    def _rmatvec(self, v):
        return self._rmatmat(np.asarray(v).reshape(-1, 1)).ravel()

    def _rmatmat(self, V):
        return np.asarray(self.X.T @ V) - np.outer(self.mean, V.sum(axis=0))

    def _adjoint(self):
        return _TransposedCenteredOperator(self)


class _TransposedCenteredOperator(LinearOperator):
    def __init__(self, op):
        self.op = op
        super().__init__(dtype=op.dtype, shape=op.shape[::-1])

    def _matvec(self, v):
        return self.op._rmatvec(v)

    def _matmat(self, V):
        return self.op._rmatmat(V)

    def _rmatvec(self, v):
        return self.op._matvec(v)

    def _rmatmat(self, V):
        return self.op._matmat(V)


def arpack_svd(A, n_components, tol, random_state):
    """Truncated SVD by ARPACK (``scipy.sparse.linalg.svds``) of a centred matrix.

    ``A`` is a dense centred array or a :class:`CenteredOperator`. The start
    vector is drawn from ``random_state`` (uniform on [-1, 1]), as scikit-learn
    does, so that both return the same result for the same seed.
    """
    v0 = random_state.uniform(-1, 1, size=min(A.shape))
    U, S, Vt = svds(A, k=n_components, tol=tol, v0=v0)
    # svds returns increasing singular values.
    order = np.argsort(S)[::-1]
    U = np.ascontiguousarray(U[:, order])
    Vt = np.ascontiguousarray(Vt[order])
    return flip_signs(U, Vt)[0], S[order], Vt


def _lu_normalize(M):
    # The permuted lower factor spans the same space as M, at less cost than QR.
    return linalg.lu(M, permute_l=True, check_finite=False)[0]


def _qr_normalize(M):
    # NumPy's LAPACK, next to NumPy's matrix products (see covariance_eigh).
    return np.linalg.qr(M)[0]


def randomized_range_finder(A, size, n_iter, normalizer, random_state):
    """An orthonormal basis of ``size`` columns approximating the range of ``A``.

    Algorithm 4.4 of Halko, Martinsson and Tropp (2011): a Gaussian sketch
    ``A @ G`` refined by ``n_iter`` power iterations ``(A A^T)^q``. Between
    products the sketch is re-normalised so that small singular directions do
    not vanish in floating point:

    - ``"LU"`` or ``"QR"``: after every product, as scikit-learn does;
    - ``"subspace"``: QR after every ``A^T A`` product only, on the short side
      (``A`` is tall): classical orthogonal iteration, which keeps directions
      down to ``sqrt(eps)`` times the largest singular value at a fraction of
      the cost;
    - ``"none"``: never.

    The normaliser only changes the basis of the sketch, not the subspace it
    spans, so all agree in exact arithmetic.
    """
    sketch = random_state.normal(size=(A.shape[1], size)).astype(A.dtype, copy=False)
    if normalizer == "subspace":
        long_side, short_side = None, _qr_normalize
    else:
        long_side = short_side = {"LU": _lu_normalize, "QR": _qr_normalize}.get(
            normalizer
        )
    for _ in range(n_iter):
        sketch = A @ sketch
        if long_side is not None:
            sketch = long_side(sketch)
        sketch = A.T @ sketch
        if short_side is not None:
            sketch = short_side(sketch)
    return _qr_normalize(A @ sketch)


def randomized_svd(A, n_components, *, n_oversamples, n_iter, normalizer, random_state):
    """Truncated SVD by random projection of a dense centred matrix ``A``.

    Wide matrices are decomposed through their transpose, so that the sketch
    lives in the smaller dimension. ``n_iter="auto"`` uses 7 power iterations
    when fewer than a tenth of the singular values are wanted and 4 otherwise;
    ``normalizer="auto"`` uses no normalisation for at most 2 iterations and
    one QR per iteration (``"subspace"``, see ``randomized_range_finder``)
    otherwise.
    """
    if n_iter == "auto":
        n_iter = 7 if n_components < 0.1 * min(A.shape) else 4
    if normalizer == "auto":
        normalizer = "none" if n_iter <= 2 else "subspace"
    transpose = A.shape[0] < A.shape[1]
    if transpose:
        A = A.T
    Q = randomized_range_finder(
        A,
        size=n_components + n_oversamples,
        n_iter=n_iter,
        normalizer=normalizer,
        random_state=random_state,
    )
    # The small matrix Q^T A carries the leading singular triplets of A.
    U_small, S, Vt = np.linalg.svd(Q.T @ A, full_matrices=False)
    U = Q @ U_small[:, :n_components]
    S, Vt = S[:n_components], Vt[:n_components]
    if transpose:
        U, Vt = Vt.T, U.T
    U = np.ascontiguousarray(U)
    Vt = np.ascontiguousarray(Vt)
    return flip_signs(U, Vt)[0], S, Vt


def _log_evidence(spectrum, rank, n_samples):
    """Minka's Laplace approximation of the evidence for a rank-``rank`` model."""
    n_features = spectrum.shape[0]
    tiny = 1e-15
    if spectrum[rank - 1] < tiny:
        # Vanishing variance: the rank is not plausible (and logs would blow up).
        return -np.inf
    # Prior over the Stiefel manifold of the components.
    dims = n_features - np.arange(rank)
    log_prior = -rank * log(2.0) + sum(
        lgamma(d / 2.0) - log(np.pi) * d / 2.0 for d in dims
    )
    log_signal = -0.5 * n_samples * np.sum(np.log(spectrum[:rank]))
    noise = max(tiny, float(np.sum(spectrum[rank:])) / (n_features - rank))
    log_noise = -0.5 * n_samples * (n_features - rank) * log(noise)
    n_params = n_features * rank - rank * (rank + 1.0) / 2.0
    log_volume = 0.5 * log(2.0 * np.pi) * (n_params + rank)
    # Log-determinant of the Hessian: one term per pair (i < rank, j > i).
    fitted = spectrum.copy()
    fitted[rank:] = noise
    log_hessian = 0.0
    for i in range(rank):
        gaps = spectrum[i] - spectrum[i + 1 :]
        inv_gaps = 1.0 / fitted[i + 1 :] - 1.0 / fitted[i]
        log_hessian += np.sum(np.log(gaps * inv_gaps)) + gaps.size * log(n_samples)
    return (
        log_prior
        + log_signal
        + log_noise
        + log_volume
        - 0.5 * log_hessian
        - 0.5 * rank * log(n_samples)
    )


def minka_dimension(spectrum, n_samples):
    """The rank in ``[1, n_features - 1]`` with the largest Minka evidence."""
    spectrum = np.asarray(spectrum, dtype=np.float64)
    evidence = np.full(spectrum.shape[0], -np.inf)
    with np.errstate(divide="ignore", invalid="ignore"):
        for rank in range(1, spectrum.shape[0]):
            evidence[rank] = _log_evidence(spectrum, rank, n_samples)
    return int(np.argmax(evidence))
