# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Logistic regression: L-BFGS for L2, proximal Newton coordinate descent for L1."""

import warnings
from numbers import Integral, Real

import numpy as np
from scipy import optimize
from scipy.special import expit, log_expit, log_softmax, softmax
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import LabelEncoder
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets

from skml.linear_model._cd_fast import quadratic_cd
from skml.utils._sklearn import (
    Interval,
    StrOptions,
    _check_sample_weight,
    _fit_context,
    check_is_fitted,
    validate_data,
)

# Armijo constant and the most halvings of the proximal Newton line search.
_ARMIJO = 0.01
_MAX_HALVINGS = 40
# Inner coordinate descent: stop once the largest curvature-scaled step is
# below a fraction of the current optimality violation, or after a cap of
# epochs that starts small (early Newton models need only a rough solve) and
# doubles, up to the maximum, each time an inner solve reaches it.
_FIRST_INNER_EPOCHS = 5
_MAX_INNER_EPOCHS = 100
_INNER_FRACTION = 0.1


def _binary_loss(z, y, sw):
    """Sum of (weighted) log-losses for scores ``z`` and 0/1 targets ``y``."""
    loss = np.logaddexp(0.0, z) - y * z
    return float(loss.sum() if sw is None else sw @ loss)


def _multinomial_loss(Z, y_idx, sw):
    rows = np.arange(Z.shape[0])
    m = Z.max(axis=1)
    lse = np.log(np.exp(Z - m[:, None]).sum(axis=1)) + m
    loss = lse - Z[rows, y_idx]
    return float(loss.sum() if sw is None else sw @ loss)


def _lbfgs(X, y_idx, n_classes, sw, C, fit_intercept, coef0, max_iter, tol):
    """Minimise ``mean_s(log-loss) + 1 / (2 C sum(s)) ||W||^2`` with L-BFGS-B.

    The scaling is scikit-learn's, so both stop at the same iteration. Returns
    ``(coef, intercept, n_iter, converged)``.
    """
    n_samples, n_features = X.shape
    sw_sum = float(n_samples if sw is None else sw.sum())
    l2 = 0.0 if np.isinf(C) else 1.0 / (C * sw_sum)
    n_rows = 1 if n_classes == 2 else n_classes
    width = n_features + int(fit_intercept)

    if n_classes == 2:
        y = (y_idx == 1).astype(np.float64)

        def fun(x):
            w = x[:n_features]
            z = X @ w
            if fit_intercept:
                z += x[-1]
            e = np.exp(-np.abs(z))
            loss = np.log1p(e) + np.maximum(z, 0.0) - y * z
            g = np.where(z >= 0, 1.0, e) / (1.0 + e) - y
            if sw is not None:
                loss_sum = sw @ loss
                g *= sw
            else:
                loss_sum = loss.sum()
            grad = np.empty_like(x)
            grad[:n_features] = X.T @ g / sw_sum + l2 * w
            if fit_intercept:
                grad[-1] = g.sum() / sw_sum
            return loss_sum / sw_sum + 0.5 * l2 * (w @ w), grad

    else:
        rows = np.arange(n_samples)

        def fun(x):
            W = x.reshape(n_rows, width)
            Z = X @ W[:, :n_features].T
            if fit_intercept:
                Z += W[:, -1]
            m = Z.max(axis=1, keepdims=True)
            E = np.exp(Z - m)
            s = E.sum(axis=1, keepdims=True)
            loss = (np.log(s) + m)[:, 0] - Z[rows, y_idx]
            E /= s
            E[rows, y_idx] -= 1.0
            if sw is not None:
                loss_sum = sw @ loss
                E *= sw[:, None]
            else:
                loss_sum = loss.sum()
            grad = np.empty((n_rows, width))
            Wf = W[:, :n_features]
            grad[:, :n_features] = E.T @ X / sw_sum + l2 * Wf
            if fit_intercept:
                grad[:, -1] = E.sum(axis=0) / sw_sum
            return loss_sum / sw_sum + 0.5 * l2 * float((Wf * Wf).sum()), grad.ravel()

    result = optimize.minimize(
        fun,
        coef0.ravel(),
        method="L-BFGS-B",
        jac=True,
        options={
            "maxiter": max_iter,
            "maxls": 50,
            "gtol": tol,
            "ftol": 64 * np.finfo(float).eps,
        },
    )
    W = result.x.reshape(n_rows, width)
    n_iter = min(int(result.nit), max_iter)
    return W, n_iter, result.status == 0


def _min_norm_subgradient(grad, w, lam1):
    """Largest entry of the minimum-norm subgradient of ``f + lam1 ||w||_1``."""
    viol = np.where(
        w > 0,
        np.abs(grad + lam1),
        np.where(w < 0, np.abs(grad - lam1), np.maximum(np.abs(grad) - lam1, 0.0)),
    )
    return float(viol.max()) if viol.size else 0.0


def _newton_cd(
    X, y_idx, n_classes, sw, C, l1_ratio, fit_intercept, coef0, max_iter, tol
):
    """Proximal Newton with coordinate descent on each quadratic model.

    Minimises ``sum_i s_i loss_i + (1 - l1_ratio) / (2 C) ||W||^2
    + l1_ratio / C ||W||_1`` (scikit-learn's objective divided by ``C``). For
    the multinomial loss it cycles over the classes, taking one proximal Newton
    step on each class's coefficients with the others fixed (block coordinate
    descent, as in GLMNET); each step ends with an Armijo backtracking line
    search, so the objective decreases monotonically.

    Stops when the largest entry of the minimum-norm subgradient falls below
    ``tol`` times its value at zero coefficients. Returns
    ``(coef, n_iter, converged)`` with the intercept as the last column.
    """
    n_samples, n_features = X.shape
    binary = n_classes == 2
    n_rows = 1 if binary else n_classes
    lam1 = 0.0 if np.isinf(C) else l1_ratio / C
    lam2 = 0.0 if np.isinf(C) else (1.0 - l1_ratio) / C
    s = np.ones(n_samples) if sw is None else sw
    Y = (y_idx == 1)[:, None] if binary else y_idx[:, None] == np.arange(n_classes)
    Y = Y.astype(np.float64)
    W = np.ascontiguousarray(coef0[:, :n_features], dtype=np.float64)
    b = coef0[:, n_features].copy() if fit_intercept else np.zeros(n_rows)
    Z = X @ W.T + b

    def probabilities(Z):
        return expit(Z) if binary else softmax(Z, axis=1)

    def objective(Z, W):
        data = (
            _binary_loss(Z[:, 0], Y[:, 0], sw)
            if binary
            else _multinomial_loss(Z, y_idx, sw)
        )
        return data + 0.5 * lam2 * float((W * W).sum()) + lam1 * np.abs(W).sum()

    # Scale of the stopping rule: the violation at zero coefficients.
    P0 = np.full((n_samples, n_rows), 0.5 if binary else 1.0 / n_classes)
    grad0 = X.T @ (s[:, None] * (P0 - Y))
    scale = max(
        _min_norm_subgradient(grad0.ravel(), np.zeros(grad0.size), lam1),
        np.abs((s[:, None] * (P0 - Y)).sum(axis=0)).max() if fit_intercept else 0.0,
    )
    threshold = tol * max(scale, np.finfo(np.float64).tiny)

    u = np.empty(n_samples)
    hess = np.empty(n_features)
    z_b = np.zeros(1)
    converged = False
    n_iter = 0
    inner_cap = _FIRST_INNER_EPOCHS
    for it in range(max_iter):
        n_iter = it + 1
        violation = 0.0
        for k in range(n_rows):
            p = probabilities(Z)[:, k]
            r = s * (p - Y[:, k])
            h = s * p * (1.0 - p)
            grad = X.T @ r
            grad_b = float(r.sum())
            viol_k = _min_norm_subgradient(grad + lam2 * W[k], W[k], lam1)
            if fit_intercept:
                viol_k = max(viol_k, abs(grad_b))
            violation = max(violation, viol_k)
            if viol_k <= 0.1 * threshold:
                continue
            z = W[k].copy()
            z_b[0] = 0.0
            u[:] = 0.0
            epochs = quadratic_cd(
                z,
                z_b,
                X,
                grad,
                grad_b,
                h,
                u,
                hess,
                lam1,
                lam2,
                fit_intercept,
                inner_cap,
                max(_INNER_FRACTION * viol_k, 0.1 * threshold),
            )
            if epochs >= inner_cap:
                inner_cap = min(2 * inner_cap, _MAX_INNER_EPOCHS)
            d = z - W[k]
            d_b = z_b[0]
            if not d.any() and d_b == 0.0:
                continue
            Xd = X @ d + d_b
            pen_w = 0.5 * lam2 * W[k] @ W[k] + lam1 * np.abs(W[k]).sum()
            pen_z = 0.5 * lam2 * z @ z + lam1 * np.abs(z).sum()
            decrease = grad @ d + grad_b * d_b + pen_z - pen_w
            f0 = objective(Z, W)
            t = 1.0
            zk = Z[:, k].copy()
            w_k = W[k].copy()
            # Near the optimum the predicted decrease drops below the rounding
            # error of the objective; the full Newton step is then taken.
            roundoff = 64 * np.finfo(np.float64).eps * max(abs(f0), 1.0)
            for _ in range(_MAX_HALVINGS):
                Z[:, k] = zk + t * Xd
                W[k] = w_k + t * d
                f_t = objective(Z, W)
                if f_t <= f0 + _ARMIJO * t * decrease or (
                    t == 1.0 and -decrease <= roundoff and f_t <= f0 + roundoff
                ):
                    break
                t *= 0.5
            else:  # no decrease possible at this precision: keep the old point
                Z[:, k] = zk
                W[k] = w_k
                continue
            b[k] += t * d_b
        if not binary:
            _recentre_classes(W, lam1, lam2)
        if violation <= threshold:
            converged = True
            break
    if not binary:
        # The softmax is unchanged by adding a constant to every class: report
        # the representative with zero sum over classes (the one L-BFGS reaches
        # from zero), for the unpenalised intercepts and, without a penalty,
        # for the coefficients.
        b -= b.mean()
        if lam1 == 0.0 and lam2 == 0.0:
            W -= W.mean(axis=0)
    coef = np.column_stack([W, b]) if fit_intercept else W
    return coef, n_iter, converged


def _recentre_classes(W, lam1, lam2):
    """Shift every feature's multinomial coefficients by the constant that
    minimises their penalty, in place.

    The softmax is unchanged by a common shift, so this never increases the
    objective; it moves along the direction block coordinate descent is slow
    on (the penalty alone determines it). With an L2 penalty the best shift is
    the mean; with an L1 part, the exact minimiser of the piecewise-quadratic
    penalty.
    """
    if lam1 == 0.0:
        W -= W.mean(axis=0)
        return
    # The penalty of a shift c is convex and piecewise quadratic with kinks at
    # the coefficients; its minimiser is a kink or the stationary point of the
    # piece with m coefficients below c.
    n_classes = W.shape[0]
    rows = [np.zeros(W.shape[1]), W]
    if lam2 > 0:
        total = W.sum(axis=0)
        rows += [
            (total - lam1 * (2 * m - n_classes) / lam2) / n_classes
            for m in range(n_classes + 1)
        ]
    candidates = np.vstack(rows)

    def penalty(c):
        shifted = W - c
        return 0.5 * lam2 * (shifted**2).sum(axis=0) + lam1 * np.abs(shifted).sum(0)

    costs = np.stack([penalty(c) for c in candidates])
    best = candidates[costs.argmin(axis=0), np.arange(W.shape[1])]
    W -= best


class LogisticRegression(ClassifierMixin, BaseEstimator):
    """Logistic regression with L2, L1 or elastic-net penalty.

    Minimises ``C * sum_i s_i loss_i + (1 - l1_ratio) / 2 * ||W||^2
    + l1_ratio * ||W||_1``, the log-loss of a sigmoid (two classes) or a
    softmax over all classes (multinomial), parameterised like scikit-learn
    1.8+: the penalty is chosen by ``l1_ratio`` and ``C=np.inf`` removes it. The
    intercept is not penalised.

    Read more in the :ref:`User Guide <linear_model>`.

    Parameters
    ----------
    C : float, default=1.0
        Inverse of the penalty strength, positive; ``np.inf`` fits without a
        penalty.

    l1_ratio : float, default=0.0
        Elastic-net mixing in [0, 1]: 0 is an L2 penalty, 1 an L1 penalty.

    fit_intercept : bool, default=True
        Whether to fit an (unpenalised) intercept per class.

    class_weight : dict, "balanced" or None, default=None
        Weights per class, multiplied into ``sample_weight``; ``"balanced"``
        weights classes inversely to their (weighted) frequency.

    solver : {"auto", "lbfgs", "newton-cd"}, default="auto"
        - ``"lbfgs"``: SciPy's L-BFGS-B on the smooth objective (L2 or no
          penalty), with scikit-learn's scaling and stopping rule
          (``gtol=tol``).
        - ``"newton-cd"``: compiled proximal Newton coordinate descent (the
          GLMNET / newGLMNET scheme of glmnet and liblinear), for any
          ``l1_ratio``. Each outer iteration builds the quadratic model of the
          loss and minimises it with the penalty by cyclic coordinate descent,
          then backtracks along the step. Multinomial models cycle over the
          classes. It stops when the largest entry of the minimum-norm
          subgradient is below ``tol`` times its value at zero coefficients.
        - ``"auto"``: ``"lbfgs"`` when ``l1_ratio == 0`` or ``C`` is infinite,
          else ``"newton-cd"``.

    max_iter : int, default=100
        Maximum number of (outer) iterations.

    tol : float, default=1e-4
        Stopping tolerance, as described for each solver.

    warm_start : bool, default=False
        Start from the previous ``coef_`` and ``intercept_`` when their shape
        fits.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.

    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
        Coefficients; one row (of the second class) for two classes.

    intercept_ : ndarray of shape (1,) or (n_classes,)
        Intercepts, zeros when ``fit_intercept=False``.

    n_iter_ : ndarray of shape (1,)
        Iterations run by the solver.

    solver_ : str
        The solver used.

    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit``, if ``X`` had string column names.

    See Also
    --------
    ElasticNet : The penalised least-squares counterpart.

    Notes
    -----
    There is no stochastic (SAG/SAGA) solver: L1 and elastic-net penalties are
    fitted by ``"newton-cd"``, which converges to the same optimum as
    scikit-learn's ``"saga"`` and ``"liblinear"`` (the tests compare against
    them).

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skml.linear_model import LogisticRegression
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = LogisticRegression(max_iter=500).fit(X, y)
    >>> clf.predict_proba(X[:1]).round(3)
    array([[0.982, 0.018, 0.   ]])
    """

    _parameter_constraints = {
        "C": [Interval(Real, 0, None, closed="right")],
        "l1_ratio": [Interval(Real, 0, 1, closed="both")],
        "fit_intercept": ["boolean"],
        "class_weight": [dict, StrOptions({"balanced"}), None],
        "solver": [StrOptions({"auto", "lbfgs", "newton-cd"})],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "warm_start": ["boolean"],
    }

    def __init__(
        self,
        C=1.0,
        *,
        l1_ratio=0.0,
        fit_intercept=True,
        class_weight=None,
        solver="auto",
        max_iter=100,
        tol=1e-4,
        warm_start=False,
    ):
        self.C = C
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.class_weight = class_weight
        self.solver = solver
        self.max_iter = max_iter
        self.tol = tol
        self.warm_start = warm_start

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the model.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.

        y : array-like of shape (n_samples,)
            Class labels (any hashable, sortable values).

        sample_weight : array-like of shape (n_samples,), default=None
            Individual weights for each sample.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        encoder = LabelEncoder().fit(y)
        classes = encoder.classes_
        if classes.size < 2:
            raise ValueError(
                "LogisticRegression needs samples of at least 2 classes in the "
                f"data, but the data contain only one class: {classes[0]!r}."
            )
        y_idx = encoder.transform(y)
        penalised = not np.isinf(self.C)
        solver = self.solver
        if solver == "auto":
            solver = "lbfgs" if self.l1_ratio == 0 or not penalised else "newton-cd"
        if solver == "lbfgs" and penalised and self.l1_ratio > 0:
            raise ValueError(
                "solver='lbfgs' supports only an L2 penalty (l1_ratio=0) or none "
                f"(C=np.inf); got l1_ratio={self.l1_ratio}. Use solver='newton-cd'."
            )
        sw = None
        if sample_weight is not None or self.class_weight is not None:
            sw = _check_sample_weight(sample_weight, X, dtype=np.float64, copy=True)
        if self.class_weight is not None:
            weights = compute_class_weight(
                self.class_weight, classes=classes, y=y, sample_weight=sw
            )
            sw *= weights[y_idx]

        n_classes, n_features = classes.size, X.shape[1]
        n_rows = 1 if n_classes == 2 else n_classes
        coef0 = np.zeros((n_rows, n_features + int(self.fit_intercept)))
        if (
            self.warm_start
            and hasattr(self, "coef_")
            and self.coef_.shape == (n_rows, n_features)
        ):
            coef0[:, :n_features] = self.coef_
            if self.fit_intercept:
                coef0[:, -1] = self.intercept_

        if solver == "lbfgs":
            coef, n_iter, converged = _lbfgs(
                X,
                y_idx,
                n_classes,
                sw,
                self.C,
                self.fit_intercept,
                coef0,
                self.max_iter,
                self.tol,
            )
        else:
            coef, n_iter, converged = _newton_cd(
                np.asfortranarray(X),
                y_idx,
                n_classes,
                sw,
                self.C,
                self.l1_ratio,
                self.fit_intercept,
                coef0,
                self.max_iter,
                self.tol,
            )
        if not converged:
            warnings.warn(
                f"LogisticRegression (solver={solver!r}) did not converge in "
                f"max_iter={self.max_iter} iterations; increase max_iter or scale "
                "the features.",
                ConvergenceWarning,
                stacklevel=2,
            )
        self.classes_ = classes
        self.coef_ = np.ascontiguousarray(coef[:, :n_features])
        self.intercept_ = (
            coef[:, n_features].copy() if self.fit_intercept else np.zeros(n_rows)
        )
        self.n_iter_ = np.array([n_iter], dtype=np.int32)
        self.solver_ = solver
        return self

    def decision_function(self, X):
        """Return the linear scores.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
            Score of the second class for two classes (positive means
            ``classes_[1]``), else one score per class.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=[np.float64, np.float32], reset=False)
        scores = X @ self.coef_.T + self.intercept_
        return scores[:, 0] if scores.shape[1] == 1 else scores

    def predict(self, X):
        """Predict class labels.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predicted labels.
        """
        scores = self.decision_function(X)
        index = (scores > 0).astype(int) if scores.ndim == 1 else scores.argmax(1)
        return self.classes_[index]

    def predict_log_proba(self, X):
        """Predict the log-probability of each class.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probabilities, columns in the order of ``classes_``.
        """
        scores = self.decision_function(X)
        if scores.ndim == 1:
            return np.column_stack([log_expit(-scores), log_expit(scores)])
        return log_softmax(scores, axis=1)

    def predict_proba(self, X):
        """Predict the probability of each class.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities, columns in the order of ``classes_``.
        """
        scores = self.decision_function(X)
        if scores.ndim == 1:
            p = expit(scores)
            return np.column_stack([1.0 - p, p])
        return softmax(scores, axis=1)
