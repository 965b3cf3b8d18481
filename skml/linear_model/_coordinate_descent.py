# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Lasso and elastic net by coordinate descent, and their regularisation paths."""

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_array, check_random_state

from skml.linear_model._base import (
    LinearPredictorMixin,
    center_data,
    rescale_rows,
    set_coef,
)
from skml.linear_model._cd_fast import enet_cd, enet_cd_gram
from skml.utils._sklearn import (
    Interval,
    StrOptions,
    _check_sample_weight,
    _fit_context,
    validate_data,
    validate_params,
)

_SEED_MAX = 2**31 - 1


def _solve(w, l1, l2, X, y, gram, Xy, max_iter, tol, random, seed, positive):
    """Run one compiled coordinate descent; return ``(gap, tol_abs, n_iter)``."""
    if gram is not None:
        return enet_cd_gram(
            w, l1, l2, gram, Xy, float(y @ y), max_iter, tol, random, seed, positive
        )
    return enet_cd(w, l1, l2, X, y, max_iter, tol, random, seed, positive)


def _warn_not_converged(gap, tol_abs, alpha):
    message = (
        "Coordinate descent did not converge: the duality gap "
        f"{gap:.3e} is above the tolerance {tol_abs:.3e}. Increase max_iter, "
        "increase tol or scale the features."
    )
    if alpha == 0:
        message += " With alpha=0 the problem is least squares: use LinearRegression."
    warnings.warn(message, ConvergenceWarning, stacklevel=3)


class _BaseElasticNet(LinearPredictorMixin, RegressorMixin, BaseEstimator):
    """Shared fit of Lasso and ElasticNet (subclasses define ``_l1_ratio``)."""

    _parameter_constraints = {
        "alpha": [Interval(Real, 0, None, closed="left")],
        "fit_intercept": ["boolean"],
        "precompute": ["boolean", StrOptions({"auto"}), np.ndarray],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "warm_start": ["boolean"],
        "positive": ["boolean"],
        "random_state": ["random_state"],
        "selection": [StrOptions({"cyclic", "random"})],
    }

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the model by coordinate descent.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.

        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Target values; several targets are fitted independently.

        sample_weight : array-like of shape (n_samples,), default=None
            Individual weights for each sample. They are rescaled to sum to
            ``n_samples``, so they weight the mean squared error.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        weighted = sample_weight is not None
        # One column-major copy, centred and rescaled in place: coordinate
        # descent reads columns, and the data are never copied twice.
        X, y = validate_data(
            self,
            X,
            y,
            dtype=np.float64,
            order="F",
            copy=self.fit_intercept or weighted,
            multi_output=True,
            y_numeric=True,
        )
        y_ndim = y.ndim
        n_samples, n_features = X.shape
        sw = None
        if weighted:
            sw = _check_sample_weight(sample_weight, X, dtype=np.float64)
            sw = sw * (n_samples / sw.sum())
        Xc, yc, X_offset, y_offset = center_data(
            X, y, self.fit_intercept, sw, inplace_X=True
        )
        if weighted:
            Xc, yc = rescale_rows(Xc, yc, sw, inplace_X=True)
        Y = np.ascontiguousarray(yc.reshape(n_samples, -1).T)
        n_targets = Y.shape[0]

        gram = self._gram(Xc, n_samples, n_features, weighted)
        l1_ratio = self._l1_ratio()
        l1 = self.alpha * l1_ratio * n_samples
        l2 = self.alpha * (1.0 - l1_ratio) * n_samples

        if (
            self.warm_start
            and hasattr(self, "coef_")
            and np.size(self.coef_) == n_targets * n_features
        ):
            W = np.array(self.coef_, dtype=np.float64).reshape(n_targets, n_features)
        else:
            W = np.zeros((n_targets, n_features))
        rng = check_random_state(self.random_state)
        random = self.selection == "random"
        n_iter, gaps = [], []
        for k in range(n_targets):
            w = np.ascontiguousarray(W[k])
            Xy = None if gram is None else Xc.T @ Y[k]
            gap, tol_abs, it = _solve(
                w,
                l1,
                l2,
                Xc,
                Y[k],
                gram,
                Xy,
                self.max_iter,
                self.tol,
                random,
                int(rng.randint(1, _SEED_MAX)),
                self.positive,
            )
            if gap > tol_abs:
                _warn_not_converged(gap, tol_abs, self.alpha)
            W[k] = w
            n_iter.append(it)
            gaps.append(gap / n_samples)
        set_coef(self, W, X_offset, y_offset, self.fit_intercept, y_ndim)
        self.n_iter_ = n_iter[0] if y_ndim == 1 else np.array(n_iter)
        self.dual_gap_ = gaps[0] if y_ndim == 1 else np.array(gaps)
        return self

    def _gram(self, Xc, n_samples, n_features, weighted):
        precompute = self.precompute
        if isinstance(precompute, np.ndarray):
            if precompute.shape != (n_features, n_features):
                raise ValueError(
                    f"precompute has shape {precompute.shape}; a Gram matrix of "
                    f"shape ({n_features}, {n_features}) is expected."
                )
            if self.fit_intercept or weighted:
                warnings.warn(
                    "A Gram matrix was given but X is centred (fit_intercept=True) "
                    "or weighted; computing the Gram matrix of the transformed X "
                    "instead.",
                    UserWarning,
                    stacklevel=3,
                )
                return np.asfortranarray(Xc.T @ Xc)
            gram = check_array(precompute, dtype=np.float64, order="F")
            return gram
        if precompute == "auto":
            precompute = n_samples > n_features
        return np.asfortranarray(Xc.T @ Xc) if precompute else None

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags


_SHARED_DOC = """
    fit_intercept : bool, default=True
        Whether to fit an intercept. If False, the data are assumed centred.

    precompute : bool, "auto" or array-like of shape (n_features, n_features), \
            default=False
        Whether to run coordinate descent on the Gram matrix ``X^T X`` (each
        update costs ``n_features`` instead of ``n_samples`` operations, after a
        one-off ``O(n_samples n_features^2)`` product); ``"auto"`` uses it when
        ``n_samples > n_features``. An array is used as the Gram matrix (only
        when ``fit_intercept=False`` and without ``sample_weight``; otherwise it
        is recomputed with a warning).

    max_iter : int, default=1000
        Maximum number of epochs (passes over the features).

    tol : float, default=1e-4
        The solver stops when the duality gap is below ``tol * ||y||^2`` (of
        the centred, weighted targets), as in scikit-learn. The gap is checked
        after an epoch whose largest coefficient change is below ``tol`` times
        the largest coefficient.

    warm_start : bool, default=False
        Start from the previous ``coef_`` instead of zeros.

    positive : bool, default=False
        Constrain the coefficients to be non-negative.

    random_state : int, RandomState instance or None, default=None
        Seed of the feature order when ``selection="random"``.

    selection : {"cyclic", "random"}, default="cyclic"
        Update the features in order, or a random feature at each step (often
        faster to converge when ``tol`` is small).

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        Estimated coefficients.

    intercept_ : float or ndarray of shape (n_targets,)
        Independent term.

    n_iter_ : int or ndarray of shape (n_targets,)
        Epochs run by coordinate descent.

    dual_gap_ : float or ndarray of shape (n_targets,)
        Duality gap at the end, divided by ``n_samples`` (the scale of the
        objective above).

    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit``, if ``X`` had string column names.
"""


class ElasticNet(_BaseElasticNet):
    __doc__ = (
        """Linear regression with combined L1 and L2 penalties (elastic net).

    Minimises ``1 / (2 n) ||y - X w - b||^2 + alpha * l1_ratio * ||w||_1
    + alpha * (1 - l1_ratio) / 2 * ||w||^2`` by compiled coordinate descent with
    duality-gap stopping and Gap Safe screening.

    Read more in the :ref:`User Guide <linear_model>`.

    Parameters
    ----------
    alpha : float, default=1.0
        Overall penalty strength, non-negative.

    l1_ratio : float, default=0.5
        Mixing parameter in [0, 1]: 1 is the lasso, 0 a pure L2 penalty.
"""
        + _SHARED_DOC
        + """
    See Also
    --------
    Lasso : The L1-only special case.
    enet_path : Coefficients along a grid of ``alpha``.

    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from skml.linear_model import ElasticNet
    >>> X, y = make_regression(n_features=5, n_informative=2, random_state=0)
    >>> reg = ElasticNet(alpha=10.0, l1_ratio=0.9).fit(X, y)
    >>> int((reg.coef_ != 0).sum())
    2
    """
    )

    _parameter_constraints = {
        **_BaseElasticNet._parameter_constraints,
        "l1_ratio": [Interval(Real, 0, 1, closed="both")],
    }

    def __init__(
        self,
        alpha=1.0,
        *,
        l1_ratio=0.5,
        fit_intercept=True,
        precompute=False,
        max_iter=1000,
        tol=1e-4,
        warm_start=False,
        positive=False,
        random_state=None,
        selection="cyclic",
    ):
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.positive = positive
        self.random_state = random_state
        self.selection = selection

    def _l1_ratio(self):
        return float(self.l1_ratio)


class Lasso(_BaseElasticNet):
    __doc__ = (
        """Linear regression with an L1 penalty (the lasso).

    Minimises ``1 / (2 n) ||y - X w - b||^2 + alpha * ||w||_1`` by compiled
    coordinate descent with duality-gap stopping and Gap Safe screening.

    Read more in the :ref:`User Guide <linear_model>`.

    Parameters
    ----------
    alpha : float, default=1.0
        Penalty strength, non-negative; larger values give sparser
        coefficients.
"""
        + _SHARED_DOC
        + """
    See Also
    --------
    ElasticNet : Adds an L2 penalty.
    lasso_path : Coefficients along a grid of ``alpha``.

    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from skml.linear_model import Lasso
    >>> X, y = make_regression(n_features=5, n_informative=2, random_state=0)
    >>> reg = Lasso(alpha=1.0).fit(X, y)
    >>> int((reg.coef_ != 0).sum())
    2
    """
    )

    def __init__(
        self,
        alpha=1.0,
        *,
        fit_intercept=True,
        precompute=False,
        max_iter=1000,
        tol=1e-4,
        warm_start=False,
        positive=False,
        random_state=None,
        selection="cyclic",
    ):
        self.alpha = alpha
        self.fit_intercept = fit_intercept
        self.precompute = precompute
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start
        self.positive = positive
        self.random_state = random_state
        self.selection = selection

    def _l1_ratio(self):
        return 1.0


def _alpha_grid(Xy, n_samples, l1_ratio, eps, n_alphas, positive):
    """Log-spaced ``alpha`` from the smallest one giving all-zero coefficients
    down to ``eps`` times it (scikit-learn's grid)."""
    if positive:
        alpha_max = max(0.0, float(np.max(Xy))) / (n_samples * l1_ratio)
    else:
        alpha_max = float(np.sqrt(np.max(np.sum(Xy**2, axis=1)))) / (
            n_samples * l1_ratio
        )
    tiny = np.finfo(np.float64).resolution
    if alpha_max <= tiny:
        return np.full(n_alphas, tiny)
    return np.geomspace(alpha_max, alpha_max * eps, num=n_alphas)


@validate_params(
    {
        "X": ["array-like"],
        "y": ["array-like"],
        "l1_ratio": [Interval(Real, 0, 1, closed="right")],
        "eps": [Interval(Real, 0, None, closed="neither")],
        "alphas": [Interval(Integral, 1, None, closed="left"), "array-like"],
        "precompute": ["boolean", StrOptions({"auto"})],
        "coef_init": ["array-like", None],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "positive": ["boolean"],
        "return_n_iter": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def enet_path(
    X,
    y,
    *,
    l1_ratio=0.5,
    eps=1e-3,
    alphas=100,
    precompute="auto",
    coef_init=None,
    max_iter=1000,
    tol=1e-4,
    positive=False,
    return_n_iter=False,
):
    """Compute elastic-net coefficients along a grid of penalties.

    Solves the :class:`ElasticNet` problem (without intercept: centre ``X`` and
    ``y`` first to get one) for each ``alpha``, from the largest down, each fit
    warm-started from the previous one.

    Read more in the :ref:`User Guide <linear_model>`.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Training data.

    y : array-like of shape (n_samples,) or (n_samples, n_targets)
        Target values; several targets are solved independently.

    l1_ratio : float, default=0.5
        Mixing parameter in (0, 1]; 1 is the lasso.

    eps : float, default=1e-3
        Length of the automatic grid: ``alpha_min = eps * alpha_max``.

    alphas : int or array-like, default=100
        Number of values on the automatic log-spaced grid, from ``alpha_max``
        (the smallest penalty giving all-zero coefficients) down to
        ``eps * alpha_max``; or the penalties themselves (sorted decreasing).

    precompute : bool or "auto", default="auto"
        Whether to use the Gram matrix; ``"auto"`` when
        ``n_samples > n_features``.

    coef_init : array-like of shape (n_features,), default=None
        Starting coefficients for the first ``alpha``.

    max_iter : int, default=1000
        Maximum number of epochs per ``alpha``.

    tol : float, default=1e-4
        Duality-gap tolerance, relative to ``||y||^2`` as in :class:`ElasticNet`.

    positive : bool, default=False
        Constrain the coefficients to be non-negative.

    return_n_iter : bool, default=False
        Whether to also return the epochs run per ``alpha``.

    Returns
    -------
    alphas : ndarray of shape (n_alphas,)
        The penalties, decreasing.

    coefs : ndarray of shape (n_features, n_alphas) or \
            (n_targets, n_features, n_alphas)
        Coefficients along the path.

    dual_gaps : ndarray of shape (n_alphas,) or (n_targets, n_alphas)
        Duality gap at the end of each fit, divided by ``n_samples``.

    n_iters : ndarray of shape (n_alphas,) or (n_targets, n_alphas)
        Epochs per fit; only if ``return_n_iter`` is True.

    See Also
    --------
    lasso_path : The L1-only path.
    ElasticNet : One fit, with an intercept.

    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from skml.linear_model import enet_path
    >>> X, y = make_regression(n_features=4, random_state=0)
    >>> alphas, coefs, gaps = enet_path(X, y, alphas=5)
    >>> coefs.shape
    (4, 5)
    """
    X = np.asfortranarray(check_array(X, dtype=np.float64))
    y = check_array(y, dtype=np.float64, ensure_2d=False)
    if y.ndim > 2 or y.shape[0] != X.shape[0]:
        raise ValueError(
            f"y has shape {y.shape}; expected ({X.shape[0]},) or "
            f"({X.shape[0]}, n_targets) to match X."
        )
    y_ndim = y.ndim
    Y = np.ascontiguousarray(y.reshape(X.shape[0], -1).T)
    n_samples, n_features = X.shape
    Xy = X.T @ Y.T
    if isinstance(alphas, Integral):
        alphas = _alpha_grid(Xy, n_samples, l1_ratio, eps, alphas, positive)
    else:
        alphas = np.sort(np.asarray(alphas, dtype=np.float64).ravel())[::-1]
        if alphas.size == 0 or not np.all(np.isfinite(alphas)) or alphas[-1] < 0:
            raise ValueError("alphas must be finite non-negative penalties.")
    if precompute == "auto":
        precompute = n_samples > n_features
    gram = np.asfortranarray(X.T @ X) if precompute else None
    n_targets = Y.shape[0]
    coefs = np.empty((n_targets, n_features, alphas.size))
    gaps = np.empty((n_targets, alphas.size))
    n_iters = np.empty((n_targets, alphas.size), dtype=np.intp)
    for k in range(n_targets):
        if coef_init is None:
            w = np.zeros(n_features)
        else:
            w = np.array(coef_init, dtype=np.float64).reshape(n_targets, -1)[k].copy()
        for i, alpha in enumerate(alphas):
            gap, tol_abs, it = _solve(
                w,
                alpha * l1_ratio * n_samples,
                alpha * (1 - l1_ratio) * n_samples,
                X,
                Y[k],
                gram,
                np.ascontiguousarray(Xy[:, k]),
                max_iter,
                tol,
                False,
                1,
                positive,
            )
            if gap > tol_abs:
                _warn_not_converged(gap, tol_abs, alpha)
            coefs[k, :, i] = w
            gaps[k, i] = gap / n_samples
            n_iters[k, i] = it
    if y_ndim == 1:
        coefs, gaps, n_iters = coefs[0], gaps[0], n_iters[0]
    if return_n_iter:
        return alphas, coefs, gaps, n_iters
    return alphas, coefs, gaps


@validate_params(
    {
        "X": ["array-like"],
        "y": ["array-like"],
        "eps": [Interval(Real, 0, None, closed="neither")],
        "alphas": [Interval(Integral, 1, None, closed="left"), "array-like"],
        "precompute": ["boolean", StrOptions({"auto"})],
        "coef_init": ["array-like", None],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "positive": ["boolean"],
        "return_n_iter": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def lasso_path(
    X,
    y,
    *,
    eps=1e-3,
    alphas=100,
    precompute="auto",
    coef_init=None,
    max_iter=1000,
    tol=1e-4,
    positive=False,
    return_n_iter=False,
):
    """Compute lasso coefficients along a grid of penalties.

    :func:`enet_path` with ``l1_ratio=1``: solves the :class:`Lasso` problem
    (without intercept) for each ``alpha``, warm-starting along the grid.

    Read more in the :ref:`User Guide <linear_model>`.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Training data.

    y : array-like of shape (n_samples,) or (n_samples, n_targets)
        Target values.

    eps : float, default=1e-3
        Length of the automatic grid: ``alpha_min = eps * alpha_max``.

    alphas : int or array-like, default=100
        Number of values on the automatic grid, or the penalties themselves.

    precompute : bool or "auto", default="auto"
        Whether to use the Gram matrix; ``"auto"`` when
        ``n_samples > n_features``.

    coef_init : array-like of shape (n_features,), default=None
        Starting coefficients for the first ``alpha``.

    max_iter : int, default=1000
        Maximum number of epochs per ``alpha``.

    tol : float, default=1e-4
        Duality-gap tolerance, relative to ``||y||^2``.

    positive : bool, default=False
        Constrain the coefficients to be non-negative.

    return_n_iter : bool, default=False
        Whether to also return the epochs run per ``alpha``.

    Returns
    -------
    alphas : ndarray of shape (n_alphas,)
        The penalties, decreasing.

    coefs : ndarray of shape (n_features, n_alphas) or \
            (n_targets, n_features, n_alphas)
        Coefficients along the path.

    dual_gaps : ndarray of shape (n_alphas,) or (n_targets, n_alphas)
        Duality gap at the end of each fit, divided by ``n_samples``.

    n_iters : ndarray of shape (n_alphas,) or (n_targets, n_alphas)
        Epochs per fit; only if ``return_n_iter`` is True.

    See Also
    --------
    enet_path : The elastic-net path.
    Lasso : One fit, with an intercept.

    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from skml.linear_model import lasso_path
    >>> X, y = make_regression(n_features=4, random_state=0)
    >>> alphas, coefs, gaps = lasso_path(X, y, alphas=5)
    >>> (coefs[:, 0] == 0).all()
    np.True_
    """
    return enet_path(
        X,
        y,
        l1_ratio=1.0,
        eps=eps,
        alphas=alphas,
        precompute=precompute,
        coef_init=coef_init,
        max_iter=max_iter,
        tol=tol,
        positive=positive,
        return_n_iter=return_n_iter,
    )
