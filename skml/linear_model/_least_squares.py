# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Ordinary least squares and ridge regression."""

import warnings
from numbers import Integral, Real

import numpy as np
from scipy import linalg, optimize
from scipy.sparse.linalg import lsqr
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.exceptions import ConvergenceWarning

from skml.linear_model._base import (
    LinearPredictorMixin,
    center_data,
    rescale_rows,
    set_coef,
)
from skml.utils._sklearn import (
    Interval,
    StrOptions,
    _check_sample_weight,
    _fit_context,
    validate_data,
)


def _prepare(estimator, X, y, sample_weight, *, normalize_weights):
    """Validate, centre and rescale; return what every least-squares solver needs.

    Returns ``Xs, Ys, X_offset, y_offset, sw_sum, y_ndim`` where ``Ys`` is 2-D of
    shape (n_samples, n_targets) and ``Xs``/``Ys`` are centred (when fitting an
    intercept) and multiplied row-wise by ``sqrt(sample_weight)``.
    """
    X, y = validate_data(
        estimator, X, y, dtype=np.float64, multi_output=True, y_numeric=True
    )
    y_ndim = y.ndim
    sw = _check_sample_weight(sample_weight, X, dtype=np.float64)
    if normalize_weights:
        sw = sw * (X.shape[0] / sw.sum())
    Xc, yc, X_offset, y_offset = center_data(X, y, estimator.fit_intercept, sw)
    Xs, Ys = rescale_rows(Xc, yc, sw)
    if Ys.ndim == 1:
        Ys = Ys[:, None]
    return Xs, Ys, X_offset, y_offset, float(sw.sum()), y_ndim


class LinearRegression(LinearPredictorMixin, RegressorMixin, BaseEstimator):
    """Ordinary least squares linear regression.

    Fits ``y ~ X @ coef_ + intercept_`` by minimising the (weighted) residual sum
    of squares ``sum_i s_i (y_i - x_i @ w - b)^2``, with one of three solvers.

    Read more in the :ref:`User Guide <linear_model>`.

    Parameters
    ----------
    fit_intercept : bool, default=True
        Whether to fit an intercept. If False, the data are assumed centred.

    solver : {"lstsq", "normal", "gd"}, default="lstsq"
        How the least-squares problem is solved.

        - ``"lstsq"``: SciPy's SVD-based ``scipy.linalg.lstsq``; handles
          rank-deficient ``X`` (minimum-norm solution).
        - ``"normal"``: Cholesky factorisation of the normal equations
          ``X^T X w = X^T y``. Fastest for many samples and few features, but it
          squares the condition number. When ``X^T X`` is singular (or
          numerically so) a ``ValueError`` names the problem; use ``"lstsq"``
          then.
        - ``"gd"``: batch gradient descent on the mean squared error
          ``1 / (2 sum(s)) * sum_i s_i (y_i - x_i @ w)^2`` (on centred data, so
          the intercept is exact), with ``learning_rate``, ``max_iter`` and
          ``tol``.

    positive : bool, default=False
        Constrain the coefficients to be non-negative. With ``"lstsq"`` this
        solves a non-negative least-squares problem (``scipy.optimize.nnls``);
        with ``"gd"`` it projects every step onto the non-negative orthant. Not
        available with ``"normal"``.

    learning_rate : float or "auto", default="auto"
        Step size of ``"gd"``. ``"auto"`` uses ``1 / L`` where ``L`` is the
        largest eigenvalue of the Hessian ``X^T S X / sum(s)`` of the (centred)
        data, which guarantees monotone convergence.

    max_iter : int, default=1000
        Maximum number of gradient steps of ``"gd"``.

    tol : float, default=1e-6
        ``"gd"`` stops when the norm of the (projected) gradient falls below
        ``tol`` times its norm at the start. With ``"lstsq"``, singular values
        below ``tol`` times the largest are treated as zero (SciPy's ``cond``),
        as in scikit-learn.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        Estimated coefficients.

    intercept_ : float or ndarray of shape (n_targets,)
        Independent term; 0 when ``fit_intercept=False``.

    rank_ : int
        Rank of the (centred, weighted) ``X``; only with ``solver="lstsq"`` and
        ``positive=False``, else ``None``.

    singular_ : ndarray of shape (min(n_samples, n_features),) or None
        Singular values of the (centred, weighted) ``X`` with ``solver="lstsq"``
        and ``positive=False``, else ``None``.

    n_iter_ : int
        Number of gradient steps taken by ``"gd"``; 1 for the direct solvers.

    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit``, if ``X`` had string column names.

    See Also
    --------
    Ridge : Least squares with an L2 penalty.
    Lasso : Least squares with an L1 penalty.

    Examples
    --------
    >>> import numpy as np
    >>> from skml.linear_model import LinearRegression
    >>> X = np.array([[1.0, 1.0], [1.0, 2.0], [2.0, 2.0], [2.0, 3.0]])
    >>> y = X @ np.array([1.0, 2.0]) + 3.0
    >>> reg = LinearRegression().fit(X, y)
    >>> print(reg.coef_.round(6), round(reg.intercept_, 6))
    [1. 2.] 3.0
    """

    _parameter_constraints = {
        "fit_intercept": ["boolean"],
        "solver": [StrOptions({"lstsq", "normal", "gd"})],
        "positive": ["boolean"],
        "learning_rate": [
            Interval(Real, 0, None, closed="neither"),
            StrOptions({"auto"}),
        ],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(
        self,
        *,
        fit_intercept=True,
        solver="lstsq",
        positive=False,
        learning_rate="auto",
        max_iter=1000,
        tol=1e-6,
    ):
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.positive = positive
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.tol = tol

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the linear model.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.

        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Target values.

        sample_weight : array-like of shape (n_samples,), default=None
            Individual weights for each sample.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        if self.positive and self.solver == "normal":
            raise ValueError(
                "positive=True is not available with solver='normal'; use "
                "solver='lstsq' or solver='gd'."
            )
        Xs, Ys, X_offset, y_offset, sw_sum, y_ndim = _prepare(
            self, X, y, sample_weight, normalize_weights=False
        )
        self.rank_, self.singular_, self.n_iter_ = None, None, 1
        if self.solver == "gd":
            W = self._gradient_descent(Xs, Ys, sw_sum)
        elif self.positive:
            W = np.column_stack(
                [optimize.nnls(Xs, Ys[:, k])[0] for k in range(Ys.shape[1])]
            )
        elif self.solver == "lstsq":
            W, _, self.rank_, self.singular_ = linalg.lstsq(Xs, Ys, cond=self.tol)
        else:
            W = _solve_normal_equations(Xs, Ys)
        set_coef(self, W.T, X_offset, y_offset, self.fit_intercept, y_ndim)
        return self

    def _gradient_descent(self, Xs, Ys, sw_sum):
        n_samples, n_features = Xs.shape
        use_gram = n_samples >= n_features
        if use_gram:
            G = Xs.T @ Xs / sw_sum
            B = Xs.T @ Ys / sw_sum

            def gradient(W):
                return G @ W - B

        else:

            def gradient(W):
                return Xs.T @ (Xs @ W - Ys) / sw_sum

        if self.learning_rate == "auto":
            if use_gram:
                lipschitz = linalg.eigvalsh(G, subset_by_index=[n_features - 1] * 2)
                lipschitz = float(lipschitz[0])
            else:
                lipschitz = linalg.svdvals(Xs)[0] ** 2 / sw_sum
            step = 1.0 / lipschitz if lipschitz > 0 else 1.0
        else:
            step = float(self.learning_rate)
        W = np.zeros((n_features, Ys.shape[1]))

        def projected(W, grad):
            if not self.positive:
                return grad
            return W - np.maximum(W - grad, 0.0)

        grad = gradient(W)
        norm0 = np.linalg.norm(projected(W, grad))
        threshold = self.tol * norm0
        self.n_iter_ = 0
        if norm0 == 0.0:
            return W
        for it in range(1, self.max_iter + 1):
            W = W - step * grad
            if self.positive:
                np.maximum(W, 0.0, out=W)
            grad = gradient(W)
            norm = np.linalg.norm(projected(W, grad))
            if not np.isfinite(norm):
                raise ValueError(
                    f"Gradient descent diverged with learning_rate={step:.3g}; "
                    "use a smaller learning_rate or learning_rate='auto'."
                )
            self.n_iter_ = it
            if norm <= threshold:
                break
        else:
            warnings.warn(
                f"Gradient descent did not converge in max_iter={self.max_iter} "
                f"steps (gradient norm {norm:.3e} > tol * initial = "
                f"{threshold:.3e}); increase max_iter or scale the features.",
                ConvergenceWarning,
                stacklevel=3,
            )
        return W

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags


def _solve_normal_equations(Xs, Ys):
    """Solve ``Xs^T Xs W = Xs^T Ys`` by Cholesky; raise if it is singular."""
    gram = Xs.T @ Xs
    message = (
        "The normal equations are singular: X^T X (of the centred, weighted data) "
        "is not positive definite, so the columns of X are linearly dependent "
        "(or a column is constant). Use solver='lstsq' for the minimum-norm "
        "solution, or Ridge."
    )
    if gram.shape[0] == 0:
        return np.zeros((0, Ys.shape[1]))
    try:
        factor = linalg.cho_factor(gram, lower=False, check_finite=False)
    except linalg.LinAlgError:
        raise ValueError(message) from None
    diag = np.abs(np.diag(factor[0]))
    # The Cholesky diagonal squared bounds the pivots: a tiny one means X^T X is
    # numerically singular and the solution would be noise.
    if diag.min() <= np.sqrt(np.finfo(np.float64).eps * gram.shape[0]) * diag.max():
        raise ValueError(message)
    return linalg.cho_solve(factor, Xs.T @ Ys, check_finite=False)


class Ridge(LinearPredictorMixin, RegressorMixin, BaseEstimator):
    """Linear least squares with an L2 penalty (ridge regression, Tikhonov).

    Minimises ``sum_i s_i (y_i - x_i @ w - b)^2 + alpha * ||w||_2^2``; the
    intercept is not penalised.

    Read more in the :ref:`User Guide <linear_model>`.

    Parameters
    ----------
    alpha : float or array-like of shape (n_targets,), default=1.0
        Regularisation strength, non-negative; one value per target to
        regularise each target differently.

    fit_intercept : bool, default=True
        Whether to fit an intercept. If False, the data are assumed centred.

    solver : {"auto", "cholesky", "svd", "lsqr"}, default="auto"
        - ``"cholesky"``: Cholesky solve of ``(X^T X + alpha I) w = X^T y``, or
          of the dual ``(X X^T + alpha I)`` system when there are more features
          than samples. If the system is singular (``alpha=0`` and collinear
          ``X``) it warns and falls back to ``"svd"``.
        - ``"svd"``: singular value decomposition of ``X``; the most stable.
        - ``"lsqr"``: SciPy's iterative ``lsqr`` with damping ``sqrt(alpha)``;
          honours ``tol`` and ``max_iter``.
        - ``"auto"``: ``"cholesky"``.

    max_iter : int, default=None
        Maximum number of ``"lsqr"`` iterations; ``None`` uses SciPy's default.

    tol : float, default=1e-4
        Stopping tolerance of ``"lsqr"`` (its ``atol`` and ``btol``).

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        Estimated coefficients.

    intercept_ : float or ndarray of shape (n_targets,)
        Independent term; 0 when ``fit_intercept=False``.

    n_iter_ : ndarray of shape (n_targets,)
        Iterations of ``"lsqr"`` per target; ones for the direct solvers.

    solver_ : str
        The solver used.

    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit``, if ``X`` had string column names.

    See Also
    --------
    LinearRegression : No penalty.
    ElasticNet : L1 and L2 penalties.

    Examples
    --------
    >>> import numpy as np
    >>> from skml.linear_model import Ridge
    >>> rng = np.random.RandomState(0)
    >>> X, y = rng.randn(10, 3), rng.randn(10)
    >>> reg = Ridge(alpha=1.0).fit(X, y)
    >>> reg.coef_.shape
    (3,)
    """

    _parameter_constraints = {
        "alpha": [Interval(Real, 0, None, closed="left"), np.ndarray, list],
        "fit_intercept": ["boolean"],
        "solver": [StrOptions({"auto", "cholesky", "svd", "lsqr"})],
        "max_iter": [Interval(Integral, 1, None, closed="left"), None],
        "tol": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(
        self, alpha=1.0, *, fit_intercept=True, solver="auto", max_iter=None, tol=1e-4
    ):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.max_iter = max_iter
        self.tol = tol

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit ridge regression.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.

        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Target values.

        sample_weight : array-like of shape (n_samples,), default=None
            Individual weights for each sample.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        Xs, Ys, X_offset, y_offset, _, y_ndim = _prepare(
            self, X, y, sample_weight, normalize_weights=False
        )
        n_targets = Ys.shape[1]
        alpha = np.asarray(self.alpha, dtype=np.float64).ravel()
        if alpha.size == 1:
            alpha = np.full(n_targets, alpha[0])
        if alpha.size != n_targets:
            raise ValueError(
                f"alpha has {alpha.size} values but y has {n_targets} targets; "
                "give one alpha or one per target."
            )
        if not np.all(np.isfinite(alpha)) or np.any(alpha < 0):
            raise ValueError(f"alpha must be finite and non-negative; got {alpha}.")
        solver = "cholesky" if self.solver == "auto" else self.solver
        self.n_iter_ = np.ones(n_targets, dtype=np.int32)
        if solver == "cholesky":
            try:
                W = _ridge_cholesky(Xs, Ys, alpha)
            except linalg.LinAlgError:
                warnings.warn(
                    "Singular matrix in the ridge system (alpha is 0 or too small "
                    "for collinear X); using the SVD solution instead.",
                    linalg.LinAlgWarning,
                    stacklevel=2,
                )
                solver = "svd"
        if solver == "svd":
            W = _ridge_svd(Xs, Ys, alpha)
        elif solver == "lsqr":
            W = np.empty((Xs.shape[1], n_targets))
            for k in range(n_targets):
                result = lsqr(
                    Xs,
                    Ys[:, k],
                    damp=np.sqrt(alpha[k]),
                    atol=self.tol,
                    btol=self.tol,
                    iter_lim=self.max_iter,
                )
                W[:, k] = result[0]
                self.n_iter_[k] = result[2]
        self.solver_ = solver
        set_coef(self, W.T, X_offset, y_offset, self.fit_intercept, y_ndim)
        return self

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags


def _ridge_cholesky(Xs, Ys, alpha):
    n_samples, n_features = Xs.shape
    same_alpha = np.all(alpha == alpha[0])
    if n_features <= n_samples:
        gram = Xs.T @ Xs
        rhs = Xs.T @ Ys
        solve_one = lambda a, b: linalg.solve(  # noqa: E731
            gram + a * np.eye(n_features), b, assume_a="pos", check_finite=False
        )
        if same_alpha:
            return solve_one(alpha[0], rhs)
        return np.column_stack([solve_one(a, rhs[:, k]) for k, a in enumerate(alpha)])
    kernel = Xs @ Xs.T
    solve_one = lambda a, b: linalg.solve(  # noqa: E731
        kernel + a * np.eye(n_samples), b, assume_a="pos", check_finite=False
    )
    if same_alpha:
        dual = solve_one(alpha[0], Ys)
    else:
        dual = np.column_stack([solve_one(a, Ys[:, k]) for k, a in enumerate(alpha)])
    return Xs.T @ dual


def _ridge_svd(Xs, Ys, alpha):
    U, s, Vt = linalg.svd(Xs, full_matrices=False)
    keep = s > np.finfo(np.float64).eps * max(Xs.shape) * (s[0] if s.size else 0)
    UtY = U.T @ Ys
    denom = s[:, None] ** 2 + alpha[None, :]
    factor = np.where(keep[:, None], s[:, None] / np.where(denom == 0, 1, denom), 0.0)
    return Vt.T @ (factor * UtY)
