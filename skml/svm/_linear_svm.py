# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Linear SVMs by dual coordinate descent: LinearSVC and LinearSVR."""

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets

from skml.svm._linear import (
    crammer_singer_cd,
    dual_cd_svc,
    dual_cd_svr,
    primal_cd_l1_svc,
)
from skml.svm._primal import primal_newton_svc
from skml.utils._sklearn import (
    Interval,
    StrOptions,
    _check_sample_weight,
    _fit_context,
    check_is_fitted,
    validate_data,
)

_COMMON = {
    "tol": [Interval(Real, 0.0, None, closed="neither")],
    "C": [Interval(Real, 0.0, None, closed="neither")],
    "fit_intercept": ["boolean"],
    "intercept_scaling": [Interval(Real, 0, None, closed="neither")],
    "dual": ["boolean", StrOptions({"auto"})],
    "random_state": ["random_state"],
    "max_iter": [Interval(Integral, 1, None, closed="left")],
}


def _augment(X, fit_intercept, intercept_scaling):
    if not fit_intercept:
        return np.ascontiguousarray(X)
    return np.ascontiguousarray(
        np.hstack([X, np.full((X.shape[0], 1), float(intercept_scaling))])
    )


def _split(w, fit_intercept, intercept_scaling):
    if fit_intercept:
        return w[:-1], w[-1] * intercept_scaling
    return w, 0.0


def _primal_tol_factor(ys):
    # liblinear scales the tolerance of its primal solvers by the share of the
    # smaller class, so that ``tol`` means the same as in scikit-learn.
    n_pos = np.count_nonzero(ys > 0)
    return max(min(n_pos, ys.shape[0] - n_pos), 1) / ys.shape[0]


def _warn(n_iter, max_iter, solver="Dual coordinate descent"):
    if n_iter >= max_iter:
        warnings.warn(
            f"{solver} did not converge in max_iter={max_iter} "
            "passes; increase max_iter or scale the data.",
            ConvergenceWarning,
            stacklevel=3,
        )


class LinearSVC(ClassifierMixin, BaseEstimator):
    """Linear support vector classification (liblinear's formulations).

    With ``penalty="l2"``, minimises ``0.5 ||w||^2 + C sum_i loss(y_i w.x_i)``
    with the hinge or squared hinge loss, one-vs-rest over classes, by the dual
    coordinate descent of Hsieh et al. (2008) with shrinking, or by primal
    Newton steps. With ``penalty="l1"``, minimises
    ``||w||_1 + C sum_i max(0, 1 - y_i w.x_i)^2`` by primal coordinate descent
    (Yuan et al. 2010), which sets weights exactly to zero. With
    ``multi_class="crammer_singer"``, solves the joint multi-class problem of
    Crammer and Singer (2001) in the dual. The intercept is learnt as the weight
    of a constant feature ``intercept_scaling`` and is therefore regularised
    (with the L1 norm under ``penalty="l1"``), as in liblinear.

    Read more in the :ref:`User Guide <svm>`.

    Parameters
    ----------
    penalty : {"l1", "l2"}, default="l2"
        Norm of the penalty. "l1" gives sparse weights; it needs
        ``loss="squared_hinge"`` and ``dual=False`` (or "auto"), and other
        combinations raise a ``ValueError``.

    loss : {"hinge", "squared_hinge"}, default="squared_hinge"
        Loss function. "hinge" needs ``penalty="l2"`` and the dual.

    dual : "auto" or bool, default="auto"
        For ``penalty="l2"``: solve the dual by coordinate descent (True) or the
        primal by Newton's method (False; squared hinge only). "auto" picks the
        primal for the squared hinge when ``n_samples > n_features``, as
        scikit-learn does; both reach the same solution. ``penalty="l1"`` is
        solved in the primal only; "auto" picks it and True raises.

    tol : float, default=1e-4
        Stopping tolerance, as in liblinear: on the spread of the projected
        gradient (dual "l2"), on the gradient norm relative to the first one
        (primal "l2" and "l1", scaled by the share of the smaller class), on
        the largest violation of the optimality conditions of a sample
        ("crammer_singer").

    C : float, default=1.0
        Inverse regularisation strength. Must be positive.

    multi_class : {"ovr", "crammer_singer"}, default="ovr"
        "ovr" trains one binary problem per class against the rest (a single
        one for two classes). "crammer_singer" trains all classes jointly,
        ``0.5 sum_m ||w_m||^2 + sum_i C_i max(0, 1 + max_{m != y_i} w_m.x_i -
        w_{y_i}.x_i)``, by block coordinate descent on its dual (each sample's
        block solved exactly); ``penalty``, ``loss`` and ``dual`` are then
        ignored, as in scikit-learn. With two classes it keeps the difference
        of the two weight vectors.

    fit_intercept : bool, default=True
        Learn an intercept.

    intercept_scaling : float, default=1.0
        Value of the constant feature whose weight becomes the intercept.

    class_weight : dict or "balanced", default=None
        Multiplies ``C`` for the positive class of each one-vs-rest problem (and
        for both classes of a binary problem, and for each sample's own class
        under "crammer_singer"), as liblinear does.

    random_state : int, RandomState instance or None, default=None
        Seeds the order in which coordinates are visited.

    max_iter : int, default=1000
        Maximum number of passes over the data (over the features for
        ``penalty="l1"``, Newton steps for the primal ``"l2"`` solver); a
        ``ConvergenceWarning`` says when it is reached.

    Attributes
    ----------
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
        Weights; exactly zero for the features ``penalty="l1"`` drops.

    intercept_ : ndarray of shape (1,) or (n_classes,)
        Intercepts.

    classes_ : ndarray of shape (n_classes,)
        Class labels.

    n_iter_ : int
        Largest number of passes over the one-vs-rest problems.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    SVC : Kernel support vector classification.

    References
    ----------
    .. [1] C.-J. Hsieh, K.-W. Chang, C.-J. Lin, S. S. Keerthi and S. Sundararajan,
       "A dual coordinate descent method for large-scale linear SVM", ICML 2008.
    .. [2] G.-X. Yuan, K.-W. Chang, C.-J. Hsieh and C.-J. Lin, "A comparison of
       optimization methods and software for large-scale L1-regularized linear
       classification", JMLR 11, 2010.
    .. [3] K. Crammer and Y. Singer, "On the algorithmic implementation of
       multiclass kernel-based vector machines", JMLR 2, 2001; S. S. Keerthi,
       S. Sundararajan, K.-W. Chang, C.-J. Hsieh and C.-J. Lin, "A sequential
       dual method for large scale multi-class linear SVMs", KDD 2008.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skml.svm import LinearSVC
    >>> X, y = load_iris(return_X_y=True)
    >>> X = StandardScaler().fit_transform(X)
    >>> clf = LinearSVC(random_state=0).fit(X, y)
    >>> round(clf.score(X, y), 2)
    0.95
    """

    _parameter_constraints: dict = {
        **_COMMON,
        "penalty": [StrOptions({"l1", "l2"})],
        "loss": [StrOptions({"hinge", "squared_hinge"})],
        "multi_class": [StrOptions({"ovr", "crammer_singer"})],
        "class_weight": [StrOptions({"balanced"}), dict, None],
    }

    def __init__(
        self,
        penalty="l2",
        loss="squared_hinge",
        *,
        dual="auto",
        tol=1e-4,
        C=1.0,
        multi_class="ovr",
        fit_intercept=True,
        intercept_scaling=1.0,
        class_weight=None,
        random_state=None,
        max_iter=1000,
    ):
        self.penalty = penalty
        self.loss = loss
        self.dual = dual
        self.tol = tol
        self.C = C
        self.multi_class = multi_class
        self.fit_intercept = fit_intercept
        self.intercept_scaling = intercept_scaling
        self.class_weight = class_weight
        self.random_state = random_state
        self.max_iter = max_iter

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the one-vs-rest or Crammer-Singer linear SVMs.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training samples.
        y : array-like of shape (n_samples,)
            Class labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample multipliers of ``C``; samples of weight 0 are left out.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        primal = self._resolve_solver(X)
        X, y = validate_data(self, X, y, dtype=np.float64, order="C")
        check_classification_targets(y)
        self.classes_, y_enc = np.unique(y, return_inverse=True)
        n_classes = self.classes_.shape[0]
        if n_classes < 2:
            raise ValueError(
                "LinearSVC needs samples of at least 2 classes in the data; got 1 "
                f"class ({self.classes_[0]!r})."
            )
        sw = _check_sample_weight(sample_weight, X, dtype=np.float64)
        cw = compute_class_weight(self.class_weight, classes=self.classes_, y=y)
        keep = sw > 0
        if not np.any(keep):
            raise ValueError("Every sample has zero weight; nothing to fit.")
        Xa = _augment(X[keep], self.fit_intercept, self.intercept_scaling)
        y_enc, sw = y_enc[keep], sw[keep]
        if primal is None:
            primal = X.shape[0] > X.shape[1]
        rng = check_random_state(self.random_state)
        if self.multi_class == "crammer_singer":
            W, n_iter = self._fit_crammer_singer(Xa, y_enc, sw * cw[y_enc], rng)
            coef, intercept = [], []
            for row in W:
                c, b = _split(row, self.fit_intercept, self.intercept_scaling)
                coef.append(c)
                intercept.append(b)
            if n_classes == 2:
                coef = [coef[1] - coef[0]]
                intercept = [intercept[1] - intercept[0]]
            _warn(n_iter, self.max_iter, "Crammer-Singer dual coordinate descent")
            self.coef_ = np.array(coef)
            self.intercept_ = np.array(intercept, dtype=np.float64)
            self.n_iter_ = int(n_iter)
            return self
        l1 = self.penalty == "l1"
        if l1:
            # One row per feature, for the feature-wise coordinate descent.
            Xt = np.ascontiguousarray(Xa.T)
            index = np.empty(Xa.shape[1], dtype=np.intp)
            b = np.empty(Xa.shape[0])
        else:
            alpha = np.empty(Xa.shape[0])
            index = np.empty(Xa.shape[0], dtype=np.intp)
        targets = [1] if n_classes == 2 else range(n_classes)
        coef, intercept, n_iter = [], [], 0
        w = np.empty(Xa.shape[1])
        for k in targets:
            pos = y_enc == k
            ys = np.where(pos, 1.0, -1.0)
            if n_classes == 2:
                bound = self.C * sw * cw[y_enc]
            else:
                bound = self.C * sw * np.where(pos, cw[k], 1.0)
            seed = int(rng.randint(np.iinfo(np.int32).max))
            if l1:
                it = primal_cd_l1_svc(
                    Xt * ys, np.ascontiguousarray(bound),
                    float(self.tol) * _primal_tol_factor(ys), int(self.max_iter),
                    seed, w, b, index,
                )
            elif primal:
                w, it = primal_newton_svc(
                    Xa, ys, bound, float(self.tol), int(self.max_iter)
                )
            else:
                it = dual_cd_svc(
                    Xa, ys, np.ascontiguousarray(bound),
                    self.loss == "squared_hinge", float(self.tol),
                    int(self.max_iter), seed, w, alpha, index,
                )
            n_iter = max(n_iter, it)
            c, b0 = _split(w.copy(), self.fit_intercept, self.intercept_scaling)
            coef.append(c)
            intercept.append(b0)
        if l1:
            _warn(n_iter, self.max_iter, "Primal coordinate descent")
        elif primal:
            _warn(n_iter, self.max_iter, "Primal Newton")
        else:
            _warn(n_iter, self.max_iter)
        self.coef_ = np.array(coef)
        self.intercept_ = np.array(intercept, dtype=np.float64)
        self.n_iter_ = int(n_iter)
        return self

    def _resolve_solver(self, X):
        """Check the parameter combination; return True (primal), False or None.

        None means ``dual="auto"`` with the choice left to the data shape.
        Crammer-Singer ignores ``penalty``, ``loss`` and ``dual``.
        """
        if self.multi_class == "crammer_singer":
            return False
        args = (
            f"Parameters: penalty={self.penalty!r}, loss={self.loss!r}, "
            f"dual={self.dual!r}."
        )
        if self.penalty == "l1":
            if self.loss == "hinge":
                raise ValueError(
                    "Unsupported set of arguments: penalty='l1' with loss='hinge' "
                    "is not supported; penalty='l1' needs loss='squared_hinge' "
                    f"and dual=False (or 'auto'). {args}"
                )
            if self.dual is True:
                raise ValueError(
                    "Unsupported set of arguments: penalty='l1' with "
                    "loss='squared_hinge' is not supported when dual=True; use "
                    f"dual=False or 'auto'. {args}"
                )
            return True
        if self.loss == "hinge":
            if self.dual is False:
                raise ValueError(
                    "Unsupported set of arguments: loss='hinge' is solved in the "
                    "dual only; use dual=True or 'auto', or loss='squared_hinge' "
                    f"with dual=False. {args}"
                )
            return False
        if self.dual == "auto":
            return None
        return not self.dual

    def _fit_crammer_singer(self, Xa, y_enc, weight, rng):
        n_classes = self.classes_.shape[0]
        W = np.empty((n_classes, Xa.shape[1]))
        alpha = np.empty((Xa.shape[0], n_classes))
        index = np.empty(Xa.shape[0], dtype=np.intp)
        n_iter = crammer_singer_cd(
            Xa, np.ascontiguousarray(y_enc, dtype=np.intp),
            np.ascontiguousarray(self.C * weight), float(self.tol),
            int(self.max_iter), int(rng.randint(np.iinfo(np.int32).max)),
            W, alpha, index,
        )
        return W, n_iter

    def decision_function(self, X):
        """Signed distances to the hyperplanes.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        scores : ndarray of shape (n_samples,) or (n_samples, n_classes)
            For two classes, positive means ``classes_[1]``.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
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
        if scores.ndim == 1:
            return self.classes_[(scores > 0).astype(np.intp)]
        return self.classes_[np.argmax(scores, axis=1)]


class LinearSVR(RegressorMixin, BaseEstimator):
    """Linear support vector regression by dual coordinate descent.

    Minimises ``0.5 ||w||^2 + C sum_i loss(y_i - w.x_i)`` with the
    epsilon-insensitive loss or its square, by the dual coordinate descent of Ho
    and Lin (2012). The intercept is the weight of a constant feature, as in
    liblinear (regularised).

    Read more in the :ref:`User Guide <svm>`.

    Parameters
    ----------
    epsilon : float, default=0.0
        Half-width of the insensitive tube.

    tol : float, default=1e-4
        Stop when the summed violation falls below ``tol`` times that of the
        first pass.

    C : float, default=1.0
        Inverse regularisation strength. Must be positive.

    loss : {"epsilon_insensitive", "squared_epsilon_insensitive"}, \
            default="epsilon_insensitive"
        Loss function.

    fit_intercept : bool, default=True
        Learn an intercept.

    intercept_scaling : float, default=1.0
        Value of the constant feature whose weight becomes the intercept.

    dual : "auto" or bool, default="auto"
        Kept for compatibility; the problem is always solved in the dual.

    random_state : int, RandomState instance or None, default=None
        Seeds the order in which coordinates are visited.

    max_iter : int, default=1000
        Maximum number of passes over the data.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
        Weights.

    intercept_ : ndarray of shape (1,)
        Intercept.

    n_iter_ : int
        Passes over the data.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    SVR : Kernel support vector regression.

    Examples
    --------
    >>> import numpy as np
    >>> from skml.svm import LinearSVR
    >>> X = np.arange(20.0).reshape(-1, 1)
    >>> reg = LinearSVR(C=10.0, random_state=0, max_iter=10000).fit(X, 2 * X.ravel())
    >>> round(float(reg.coef_[0]), 2)
    2.0
    """

    _parameter_constraints: dict = {
        **_COMMON,
        "epsilon": [Interval(Real, 0.0, None, closed="left")],
        "loss": [StrOptions({"epsilon_insensitive", "squared_epsilon_insensitive"})],
    }

    def __init__(
        self,
        *,
        epsilon=0.0,
        tol=1e-4,
        C=1.0,
        loss="epsilon_insensitive",
        fit_intercept=True,
        intercept_scaling=1.0,
        dual="auto",
        random_state=None,
        max_iter=1000,
    ):
        self.epsilon = epsilon
        self.tol = tol
        self.C = C
        self.loss = loss
        self.fit_intercept = fit_intercept
        self.intercept_scaling = intercept_scaling
        self.dual = dual
        self.random_state = random_state
        self.max_iter = max_iter

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the linear SVR.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training samples.
        y : array-like of shape (n_samples,)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample multipliers of ``C``; samples of weight 0 are left out.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        X, y = validate_data(self, X, y, dtype=np.float64, order="C", y_numeric=True)
        y = np.asarray(y, dtype=np.float64)
        sw = _check_sample_weight(sample_weight, X, dtype=np.float64)
        keep = sw > 0
        if not np.any(keep):
            raise ValueError("Every sample has zero weight; nothing to fit.")
        Xa = _augment(X[keep], self.fit_intercept, self.intercept_scaling)
        rng = check_random_state(self.random_state)
        w = np.empty(Xa.shape[1])
        beta = np.empty(Xa.shape[0])
        index = np.empty(Xa.shape[0], dtype=np.intp)
        it = dual_cd_svr(
            Xa, np.ascontiguousarray(y[keep]),
            np.ascontiguousarray(self.C * sw[keep]),
            self.loss == "squared_epsilon_insensitive", float(self.epsilon),
            float(self.tol), int(self.max_iter),
            int(rng.randint(np.iinfo(np.int32).max)), w, beta, index,
        )
        _warn(it, self.max_iter)
        coef, b = _split(w, self.fit_intercept, self.intercept_scaling)
        self.coef_ = coef.copy()
        self.intercept_ = np.array([b], dtype=np.float64)
        self.n_iter_ = int(it)
        return self

    def predict(self, X):
        """Predict targets.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predictions.
        """
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return X @ self.coef_ + self.intercept_[0]
