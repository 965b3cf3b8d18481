# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Principal component analysis."""

from math import log, sqrt
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import (
    BaseEstimator,
    ClassNamePrefixFeaturesOutMixin,
    TransformerMixin,
)
from sklearn.utils import assert_all_finite, check_array, check_random_state

from skml.decomposition._svd import (
    CenteredOperator,
    arpack_svd,
    column_mean,
    covariance_eigh,
    full_svd,
    minka_dimension,
    randomized_svd,
)
from skml.utils._sklearn import (
    Interval,
    RealNotInt,
    StrOptions,
    _fit_context,
    check_is_fitted,
    validate_data,
)

_SPARSE_SOLVERS = ("auto", "arpack", "covariance_eigh")


class PCA(ClassNamePrefixFeaturesOutMixin, TransformerMixin, BaseEstimator):
    """Principal component analysis (PCA).

    Linear dimensionality reduction by a singular value decomposition of the
    centred data, keeping the directions of largest variance. The data are
    centred column-wise but not scaled. Four solvers are available; the default
    picks one from the shape of the data and ``n_components``, with the same
    policy as scikit-learn, so both libraries return the same components (up to
    floating-point error, with the same sign convention).

    Read more in the :ref:`User Guide <decomposition>`.

    Parameters
    ----------
    n_components : int, float or "mle", default=None
        Number of components to keep.

        - ``None``: ``min(n_samples, n_features)`` components
          (``min(n_samples, n_features) - 1`` with ``svd_solver="arpack"``).
        - int: that many components.
        - float in (0, 1): the smallest number of components whose explained
          variance ratios add up to more than ``n_components``; needs
          ``svd_solver`` "full" or "covariance_eigh" (or "auto").
        - ``"mle"``: Minka's maximum-evidence choice of dimension; needs
          ``n_samples >= n_features`` and ``svd_solver`` "full" or
          "covariance_eigh" (or "auto").

    copy : bool, default=True
        If False, the "full", "randomized" and "arpack" solvers centre dense
        training data in place, overwriting what was passed to ``fit``, to
        save memory.

    whiten : bool, default=False
        If True, scale the projected data to unit variance per component
        (divide by the square root of ``explained_variance_``). This loses the
        relative variance scales but can help a downstream model that assumes
        isotropic features.

    svd_solver : {"auto", "full", "covariance_eigh", "arpack", "randomized"}, \
            default="auto"
        The decomposition to use.

        - ``"auto"``: ``"covariance_eigh"`` if ``n_features <= 1000`` and
          ``n_samples >= 10 * n_features``; else ``"full"`` if both dimensions
          are at most 500 or ``n_components="mle"``; else ``"randomized"`` if
          ``1 <= n_components < 0.8 * min(n_samples, n_features)``; else
          ``"full"``. Sparse input uses ``"arpack"``.
        - ``"full"``: exact thin SVD of the centred data (LAPACK ``gesdd``).
        - ``"covariance_eigh"``: eigen-decomposition of the
          ``(n_features, n_features)`` covariance matrix, computed without
          centring or copying the data. Fastest for many samples and few
          features; squares the condition number, so small components are less
          accurate.
        - ``"arpack"``: truncated SVD by ARPACK (``scipy.sparse.linalg.svds``);
          ``n_components`` must be less than ``min(n_samples, n_features)``.
        - ``"randomized"``: truncated SVD by random projection and power
          iterations (Halko et al.).

    tol : float, default=0.0
        Convergence tolerance of ARPACK (``svd_solver="arpack"``); 0 means
        machine precision.

    iterated_power : int or "auto", default="auto"
        Number of power iterations of the randomized solver; ``"auto"`` means 7
        if ``n_components < 0.1 * min(X.shape)`` and 4 otherwise.

    n_oversamples : int, default=10
        Extra random vectors of the randomized solver's sketch beyond
        ``n_components``; more improves accuracy on slowly decaying spectra.

    power_iteration_normalizer : {"auto", "QR", "LU", "none"}, default="auto"
        How the randomized solver re-orthonormalises between power iterations;
        ``"QR"`` and ``"LU"`` re-normalise after every matrix product;
        ``"auto"`` means ``"none"`` for at most 2 iterations and otherwise one QR
        of the short ``(min(X.shape), n_components + n_oversamples)`` sketch per
        iteration, which is cheaper and loses only directions below
        ``sqrt(eps)`` times the largest singular value. All span the same
        subspace in exact arithmetic.

    random_state : int, RandomState instance or None, default=None
        Seed of the "arpack" start vector and the "randomized" sketch. Pass an
        int for reproducible results.

    Attributes
    ----------
    components_ : ndarray of shape (n_components, n_features)
        Principal axes, unit vectors sorted by decreasing explained variance.
        The entry of largest magnitude of each axis is positive.

    explained_variance_ : ndarray of shape (n_components,)
        Variance (``ddof=1``) of the data along each component.

    explained_variance_ratio_ : ndarray of shape (n_components,)
        Fraction of the total variance explained by each component.

    singular_values_ : ndarray of shape (n_components,)
        Singular values of the centred data for the kept components (their
        squares divided by ``n_samples - 1`` are ``explained_variance_``).

    mean_ : ndarray of shape (n_features,)
        Per-feature mean of the training data.

    n_components_ : int
        Number of components kept.

    noise_variance_ : float
        Noise variance of the probabilistic PCA model (Tipping and Bishop): the
        mean of the discarded eigenvalues of the covariance, 0 when nothing is
        discarded.

    n_samples_ : int
        Number of training samples.

    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit``. Defined only when ``X``
        has feature names that are all strings.

    See Also
    --------
    sklearn.decomposition.PCA : The scikit-learn estimator this one matches.
    sklearn.decomposition.TruncatedSVD : Truncated SVD without centring.

    Notes
    -----
    Dense and sparse (CSR, CSC) input are accepted; sparse input needs the
    "arpack" or "covariance_eigh" solver (or "auto", which picks "arpack"), and
    is centred implicitly, never densified. Float32 input is decomposed and
    returned in float32. Fitting needs at least two samples.

    The probabilistic PCA model behind :meth:`score_samples` is
    ``x = W z + mean + noise`` with isotropic Gaussian noise of variance
    ``noise_variance_``.

    References
    ----------
    .. [1] M. E. Tipping and C. M. Bishop, "Probabilistic principal component
       analysis", Journal of the Royal Statistical Society B, 61(3), 1999.
    .. [2] T. P. Minka, "Automatic choice of dimensionality for PCA", NIPS 2000.
    .. [3] N. Halko, P.-G. Martinsson and J. A. Tropp, "Finding structure with
       randomness: probabilistic algorithms for constructing approximate matrix
       decompositions", SIAM Review, 53(2), 2011.

    Examples
    --------
    >>> import numpy as np
    >>> from skml.decomposition import PCA
    >>> X = np.array([[-1, -1], [-2, -1], [-3, -2], [1, 1], [2, 1], [3, 2]])
    >>> pca = PCA(n_components=2).fit(X)
    >>> pca.explained_variance_ratio_.round(4)
    array([0.9924, 0.0076])
    >>> pca.singular_values_.round(4)
    array([6.3006, 0.5498])
    """

    _parameter_constraints: dict = {
        "n_components": [
            Interval(Integral, 0, None, closed="left"),
            Interval(RealNotInt, 0, 1, closed="neither"),
            StrOptions({"mle"}),
            None,
        ],
        "copy": ["boolean"],
        "whiten": ["boolean"],
        "svd_solver": [
            StrOptions({"auto", "full", "covariance_eigh", "arpack", "randomized"})
        ],
        "tol": [Interval(Real, 0, None, closed="left")],
        "iterated_power": [
            StrOptions({"auto"}),
            Interval(Integral, 0, None, closed="left"),
        ],
        "n_oversamples": [Interval(Integral, 1, None, closed="left")],
        "power_iteration_normalizer": [StrOptions({"auto", "QR", "LU", "none"})],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        n_components=None,
        *,
        copy=True,
        whiten=False,
        svd_solver="auto",
        tol=0.0,
        iterated_power="auto",
        n_oversamples=10,
        power_iteration_normalizer="auto",
        random_state=None,
    ):
        self.n_components = n_components
        self.copy = copy
        self.whiten = whiten
        self.svd_solver = svd_solver
        self.tol = tol
        self.iterated_power = iterated_power
        self.n_oversamples = n_oversamples
        self.power_iteration_normalizer = power_iteration_normalizer
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Fit the model with X.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.

        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        self._fit(X)
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def fit_transform(self, X, y=None):
        """Fit the model with X and return X projected on the components.

        For the "full", "randomized" and "arpack" solvers the projection is
        read off the SVD (``U * S``) instead of being recomputed.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.

        y : None
            Ignored.

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_components)
            Projected data.
        """
        U, S, X = self._fit(X)
        if U is None:
            return self._project(X)
        k = self.n_components_
        X_new = np.array(U[:, :k], order="C")
        if self.whiten:
            # X V / sqrt(S^2 / (n - 1)) = U sqrt(n - 1)
            X_new *= sqrt(X.shape[0] - 1)
        else:
            X_new *= S[:k]
        return X_new

    def _resolve_solver(self, X, n_components):
        solver = self.svd_solver
        if solver != "auto":
            return solver
        if sp.issparse(X):
            return "arpack"
        n_samples, n_features = X.shape
        if n_features <= 1000 and n_samples >= 10 * n_features:
            return "covariance_eigh"
        if max(X.shape) <= 500 or n_components == "mle":
            return "full"
        if n_components is None:
            n_components = min(X.shape)
        if 1 <= n_components < 0.8 * min(X.shape):
            return "randomized"
        return "full"

    def _check_n_components(self, solver, n_samples, n_features):
        """Validate ``n_components`` against the data and solver; return it."""
        rank = min(n_samples, n_features)
        n_components = self.n_components
        if solver in ("full", "covariance_eigh"):
            if n_components is None:
                return rank
            if n_components == "mle":
                if n_samples < n_features:
                    raise ValueError(
                        "n_components='mle' needs n_samples >= n_features; got "
                        f"n_samples={n_samples}, n_features={n_features}."
                    )
            elif n_components > rank:
                raise ValueError(
                    f"n_components={n_components} must be between 0 and "
                    f"min(n_samples, n_features)={rank} with svd_solver={solver!r}; "
                    f"got n_samples={n_samples}, n_features={n_features}."
                )
            return n_components
        # Truncated solvers: arpack or randomized.
        if n_components is None:
            n_components = rank if solver == "randomized" else rank - 1
        if isinstance(n_components, str) or not isinstance(n_components, Integral):
            raise ValueError(
                f"n_components={n_components!r} is not supported with "
                f"svd_solver={solver!r}: pass an int number of components, or "
                "use svd_solver='full' or 'covariance_eigh' for a variance "
                "fraction or 'mle'."
            )
        upper = rank if solver == "randomized" else rank - 1
        if not 1 <= n_components <= upper:
            bound = "<=" if solver == "randomized" else "<"
            raise ValueError(
                f"n_components={n_components} must be between 1 and "
                f"min(n_samples, n_features)={rank} (1 <= n_components {bound} "
                f"{rank}) with svd_solver={solver!r}; got n_samples={n_samples}, "
                f"n_features={n_features}."
            )
        return n_components

    def _fit(self, X):
        """Fit the model; return ``(U, S, X)`` where ``U`` may be None."""
        if sp.issparse(X) and self.svd_solver not in _SPARSE_SOLVERS:
            raise TypeError(
                "PCA supports sparse input only with svd_solver='arpack', "
                f"'covariance_eigh' or 'auto'; got svd_solver={self.svd_solver!r}. "
                "Densify X or use sklearn.decomposition.TruncatedSVD."
            )
        # Finiteness is checked below, on the column sums, to save a pass over X.
        X = validate_data(
            self,
            X,
            dtype=[np.float64, np.float32],
            accept_sparse=("csr", "csc"),
            ensure_min_samples=2,
            ensure_all_finite=False,
            copy=False,
        )
        n_samples, n_features = X.shape
        self.mean_ = column_mean(X)
        if not np.isfinite(self.mean_).all():
            # Names NaN or infinity in the error; an overflow of a finite input
            # passes and is left to the solver.
            assert_all_finite(X.data if sp.issparse(X) else X, input_name="X")

        solver = self._resolve_solver(X, self.n_components)
        n_components = self._check_n_components(solver, n_samples, n_features)
        self._fit_svd_solver = solver

        if solver == "covariance_eigh":
            variances, Vt = covariance_eigh(X, self.mean_)
            self._set_exact(variances, Vt, n_components, n_samples)
            return None, None, X

        random_state = check_random_state(self.random_state)
        if sp.issparse(X):
            X_centered = CenteredOperator(X, self.mean_)
        else:
            if self.copy:
                X_centered = np.subtract(X, self.mean_)
            else:
                if not X.flags.writeable:
                    X = X.copy()
                X -= self.mean_
                X_centered = X

        if solver == "full":
            # Only a private centred copy may serve LAPACK as workspace.
            U, S, Vt = full_svd(X_centered, overwrite=self.copy)
            variances = S**2 / (n_samples - 1)
            self._set_exact(variances, Vt, n_components, n_samples)
            return U, S, X

        if solver == "arpack":
            U, S, Vt = arpack_svd(X_centered, n_components, self.tol, random_state)
        else:
            U, S, Vt = randomized_svd(
                X_centered,
                n_components,
                n_oversamples=self.n_oversamples,
                n_iter=self.iterated_power,
                normalizer=self.power_iteration_normalizer,
                random_state=random_state,
            )
        total_var = self._total_variance(X, X_centered)
        self.n_samples_ = n_samples
        self.n_components_ = n_components
        self.components_ = Vt
        self.explained_variance_ = (S**2 / (n_samples - 1)).astype(X.dtype)
        self.explained_variance_ratio_ = (self.explained_variance_ / total_var).astype(
            X.dtype
        )
        self.singular_values_ = S.copy()
        rank = min(n_samples, n_features)
        if n_components < rank:
            remaining = total_var - float(np.sum(self.explained_variance_))
            self.noise_variance_ = X.dtype.type(remaining / (rank - n_components))
        else:
            self.noise_variance_ = 0.0
        return U, S, X

    def _total_variance(self, X, X_centered):
        """Sum of the column variances (``ddof=1``) of the training data."""
        n_samples = X.shape[0]
        if sp.issparse(X):
            coo = X.tocoo()
            residuals = coo.data.astype(np.float64) - self.mean_[coo.col]
            n_stored = np.bincount(coo.col, minlength=X.shape[1])
            mean64 = self.mean_.astype(np.float64)
            squares = residuals @ residuals + (n_samples - n_stored) @ mean64**2
        elif X_centered.dtype == np.float64 and X_centered.flags.c_contiguous:
            flat = X_centered.ravel()
            squares = flat @ flat
        else:
            squares = np.square(X_centered).sum(dtype=np.float64)
        return float(squares) / (n_samples - 1)

    def _set_exact(self, variances, Vt, n_components, n_samples):
        """Store the attributes of an exact (full or covariance) decomposition."""
        n_features = Vt.shape[1]
        dtype = Vt.dtype
        ratios = variances / variances.sum(dtype=np.float64)
        if n_components == "mle":
            n_components = minka_dimension(variances, n_samples)
        elif 0 < n_components < 1:
            # Smallest k whose cumulated ratio exceeds the requested fraction.
            cumulated = np.cumsum(ratios)
            n_components = int(np.searchsorted(cumulated, n_components, "right") + 1)
            n_components = min(n_components, variances.shape[0])
        rank = min(n_samples, n_features)
        if n_components < rank:
            self.noise_variance_ = dtype.type(np.mean(variances[n_components:]))
        else:
            self.noise_variance_ = 0.0
        self.n_samples_ = n_samples
        self.n_components_ = int(n_components)
        self.components_ = np.ascontiguousarray(Vt[:n_components])
        self.explained_variance_ = variances[:n_components].astype(dtype)
        self.explained_variance_ratio_ = ratios[:n_components].astype(dtype)
        self.singular_values_ = np.sqrt(
            self.explained_variance_ * dtype.type(n_samples - 1)
        )

    def _project(self, X):
        """Project validated X (dense or sparse, not centred) on the components."""
        X_new = np.asarray(X @ self.components_.T)
        X_new -= self.mean_ @ self.components_.T
        if self.whiten:
            scale = np.sqrt(self.explained_variance_)
            # Components of (numerically) zero variance would blow up.
            np.maximum(scale, np.finfo(scale.dtype).eps, out=scale)
            X_new /= scale
        return X_new

    def transform(self, X):
        """Project X on the principal components.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Data to project, with the features seen in :meth:`fit`.

        Returns
        -------
        X_new : ndarray of shape (n_samples, n_components)
            Projected data (divided by the component standard deviations when
            ``whiten=True``).
        """
        check_is_fitted(self)
        X = validate_data(
            self,
            X,
            dtype=[np.float64, np.float32],
            accept_sparse=("csr", "csc"),
            reset=False,
        )
        return self._project(X)

    def inverse_transform(self, X):
        """Map projected data back to the original feature space.

        The exact inverse of :meth:`transform` (including whitening) when all
        components are kept; otherwise the reconstruction from the kept ones.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_components)
            Data in the component space.

        Returns
        -------
        X_original : ndarray of shape (n_samples, n_features)
            Reconstructed data.
        """
        check_is_fitted(self)
        X = check_array(X, dtype=[np.float64, np.float32], input_name="X")
        if X.shape[1] != self.n_components_:
            raise ValueError(
                f"X has {X.shape[1]} features, but PCA.inverse_transform expects "
                f"n_components_={self.n_components_} features."
            )
        components = self.components_
        if self.whiten:
            components = np.sqrt(self.explained_variance_)[:, np.newaxis] * components
        return X @ components + self.mean_

    def _scaled_components(self):
        """Components and their variances above the noise level."""
        components = self.components_
        variances = self.explained_variance_
        if self.whiten:
            components = components * np.sqrt(variances)[:, np.newaxis]
        excess = np.maximum(variances - self.noise_variance_, 0.0)
        return components, excess

    def get_covariance(self):
        """Covariance of the data under the probabilistic PCA model.

        ``components_.T @ diag(explained_variance_ - noise_variance_) @
        components_ + noise_variance_ * I``.

        Returns
        -------
        cov : ndarray of shape (n_features, n_features)
            Estimated covariance of the data.
        """
        check_is_fitted(self)
        components, excess = self._scaled_components()
        cov = (components.T * excess) @ components
        cov.flat[:: cov.shape[0] + 1] += self.noise_variance_
        return cov

    def get_precision(self):
        """Precision (inverse covariance) under the probabilistic PCA model.

        Computed with the Woodbury identity, which inverts only an
        ``(n_components_, n_components_)`` matrix.

        Returns
        -------
        precision : ndarray of shape (n_features, n_features)
            Estimated precision of the data.
        """
        check_is_fitted(self)
        n_features = self.components_.shape[1]
        noise = self.noise_variance_
        if self.n_components_ == 0:
            return np.eye(n_features) / noise
        if noise == 0.0:
            return np.linalg.inv(self.get_covariance())
        components, excess = self._scaled_components()
        # (W D W^T + s I)^-1 = I/s - W^T (D^-1 + W W^T / s)^-1 W / s^2
        with np.errstate(divide="ignore"):
            inner = components @ components.T / noise
            inner.flat[:: inner.shape[0] + 1] += 1.0 / excess
        precision = components.T @ np.linalg.inv(inner) @ components
        precision /= -(noise**2)
        precision.flat[:: n_features + 1] += 1.0 / noise
        return precision

    def score_samples(self, X):
        """Log-likelihood of each sample under the probabilistic PCA model.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The data.

        Returns
        -------
        log_likelihood : ndarray of shape (n_samples,)
            Log-likelihood of each sample.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
        residuals = X - self.mean_
        precision = self.get_precision()
        sign, logdet = np.linalg.slogdet(precision)
        if sign <= 0:
            logdet = -np.inf
        log_likelihood = -0.5 * np.sum(residuals * (residuals @ precision), axis=1)
        log_likelihood -= 0.5 * (X.shape[1] * log(2.0 * np.pi) - logdet)
        return log_likelihood

    def score(self, X, y=None):
        """Average log-likelihood of the samples under the probabilistic PCA model.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The data.

        y : None
            Ignored.

        Returns
        -------
        log_likelihood : float
            Mean log-likelihood of the samples.
        """
        return float(np.mean(self.score_samples(X)))

    @property
    def _n_features_out(self):
        """Number of output features, for :meth:`get_feature_names_out`."""
        return self.components_.shape[0]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        tags.input_tags.sparse = self.svd_solver in _SPARSE_SOLVERS
        return tags
