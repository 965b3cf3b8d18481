# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Kernel support vector machines: SVC (one-vs-one C-SVC) and SVR (epsilon-SVR)."""

from numbers import Real

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.utils import check_random_state
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets

from skml.svm._kernel_base import _BaseSVM
from skml.svm._platt import pairwise_coupling, platt_cv, sigmoid_predict
from skml.utils._sklearn import (
    Interval,
    StrOptions,
    _check_sample_weight,
    _fit_context,
)


def _ovr_from_ovo(dec, n_classes):
    """One-vs-rest scores from one-vs-one decisions: votes plus bounded confidence.

    Each pair (i, j) votes for i when its decision is positive; the summed
    decisions, squashed into (-1/3, 1/3), only break ties between vote counts.
    """
    votes = np.zeros((dec.shape[0], n_classes))
    conf = np.zeros((dec.shape[0], n_classes))
    k = 0
    for i in range(n_classes):
        for j in range(i + 1, n_classes):
            conf[:, i] += dec[:, k]
            conf[:, j] -= dec[:, k]
            votes[dec[:, k] > 0, i] += 1
            votes[dec[:, k] <= 0, j] += 1
            k += 1
    return votes + conf / (3 * (np.abs(conf) + 1))


class SVC(ClassifierMixin, _BaseSVM):
    """C-support vector classification, solved by SMO.

    The dual problem of the soft-margin SVM is solved by sequential minimal
    optimisation with second-order working-set selection, shrinking and an LRU
    cache of kernel rows (the method of libsvm); kernel rows come from skml's
    compiled distance core. Several classes are handled one-vs-one.

    Read more in the :ref:`User Guide <svm>`.

    Parameters
    ----------
    C : float, default=1.0
        Inverse regularisation strength; the upper bound of each dual variable is
        ``C * class_weight[y_i] * sample_weight_i``. Must be positive.

    kernel : {"linear", "poly", "rbf", "sigmoid", "precomputed"} or callable, \
            default="rbf"
        Kernel. With "precomputed", ``X`` is the kernel matrix (square in ``fit``,
        ``(n_queries, n_train)`` in prediction); a callable ``kernel(X, Y)``
        returns that matrix.

    degree : int, default=3
        Degree of the "poly" kernel.

    gamma : {"scale", "auto"} or float, default="scale"
        Kernel coefficient of "rbf", "poly" and "sigmoid": "scale" is
        ``1 / (n_features * X.var())`` (the variance weighted by
        ``sample_weight`` when given), "auto" ``1 / n_features``.

    coef0 : float, default=0.0
        Offset of the "poly" and "sigmoid" kernels.

    shrinking : bool, default=True
        Use the shrinking heuristic.

    probability : bool, default=False
        Fit Platt sigmoids on 5-fold cross-validated decision values, enabling
        :meth:`predict_proba`. Slows ``fit`` about five-fold.

    tol : float, default=1e-3
        Stopping tolerance on the maximal KKT violation.

    cache_size : float, default=200
        Size of the kernel-row cache, in MB.

    class_weight : dict or "balanced", default=None
        Multiplies ``C`` per class; "balanced" uses
        ``n_samples / (n_classes * np.bincount(y))``.

    max_iter : int, default=-1
        Cap on SMO iterations per binary problem; -1 means no cap other than a
        safety limit of ``max(10**7, 100 * n_samples)``. Reaching it raises a
        :class:`~sklearn.exceptions.ConvergenceWarning`.

    decision_function_shape : {"ovo", "ovr"}, default="ovr"
        Shape of :meth:`decision_function` with more than two classes: one
        column per pair of classes, or one per class (votes plus confidences).

    break_ties : bool, default=False
        With "ovr" and more than two classes, predict the argmax of the decision
        function instead of the one-vs-one vote.

    random_state : int, RandomState instance or None, default=None
        Seeds the cross-validation folds of ``probability=True``.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.

    support_ : ndarray of shape (n_SV,)
        Indices of the support vectors, grouped by class.

    support_vectors_ : ndarray of shape (n_SV, n_features)
        Support vectors (empty with a precomputed kernel).

    n_support_ : ndarray of shape (n_classes,)
        Number of support vectors per class.

    dual_coef_ : ndarray of shape (n_classes - 1, n_SV)
        ``y_i * alpha_i`` of the support vectors in each one-vs-one problem, in
        libsvm's layout.

    intercept_ : ndarray of shape (n_classes * (n_classes - 1) / 2,)
        Constants of the one-vs-one decision functions.

    fit_status_ : int
        0 when every problem converged, 1 when one stopped at ``max_iter``.

    n_iter_ : ndarray of shape (n_classes * (n_classes - 1) / 2,)
        SMO iterations of each problem.

    probA_ : ndarray of shape (n_classes * (n_classes - 1) / 2,)
        Slope of each Platt sigmoid (empty without ``probability``).

    probB_ : ndarray of shape (n_classes * (n_classes - 1) / 2,)
        Offset of each Platt sigmoid (empty without ``probability``).

    shape_fit_ : tuple of int
        Shape of the training ``X``.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    SVR : Epsilon support vector regression.
    LinearSVC : Linear SVM by dual coordinate descent, for many samples.

    References
    ----------
    .. [1] R.-E. Fan, P.-H. Chen and C.-J. Lin, "Working set selection using
       second order information for training SVM", JMLR 6, 2005.
    .. [2] C.-C. Chang and C.-J. Lin, "LIBSVM: a library for support vector
       machines", ACM TIST 2(3), 2011.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skml.svm import SVC
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = SVC().fit(X, y)
    >>> clf.n_support_
    array([ 7, 29, 24], dtype=int32)
    >>> round(clf.score(X, y), 3)
    0.973
    """

    _parameter_constraints: dict = {
        **_BaseSVM._parameter_constraints,
        "probability": ["boolean"],
        "class_weight": [StrOptions({"balanced"}), dict, None],
        "decision_function_shape": [StrOptions({"ovr", "ovo"})],
        "break_ties": ["boolean"],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        *,
        C=1.0,
        kernel="rbf",
        degree=3,
        gamma="scale",
        coef0=0.0,
        shrinking=True,
        probability=False,
        tol=1e-3,
        cache_size=200,
        class_weight=None,
        max_iter=-1,
        decision_function_shape="ovr",
        break_ties=False,
        random_state=None,
    ):
        self.C = C
        self.kernel = kernel
        self.degree = degree
        self.gamma = gamma
        self.coef0 = coef0
        self.shrinking = shrinking
        self.probability = probability
        self.tol = tol
        self.cache_size = cache_size
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.decision_function_shape = decision_function_shape
        self.break_ties = break_ties
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the one-vs-one SVMs.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, n_samples)
            Training samples, or the training kernel matrix when
            ``kernel="precomputed"``.
        y : array-like of shape (n_samples,)
            Class labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample multipliers of ``C``; samples of weight 0 are left out.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        X, y = self._validate_fit_X(X, y)
        check_classification_targets(y)
        self.classes_, y_enc = np.unique(y, return_inverse=True)
        n_classes = self.classes_.shape[0]
        if n_classes < 2:
            raise ValueError(
                "SVC needs samples of at least 2 classes in the data; got 1 class "
                f"({self.classes_[0]!r})."
            )
        if self.break_ties and self.decision_function_shape == "ovo":
            raise ValueError(
                "break_ties must be False when decision_function_shape is 'ovo'."
            )
        sw = _check_sample_weight(sample_weight, X, dtype=np.float64)
        cw = compute_class_weight(self.class_weight, classes=self.classes_, y=y)
        self.class_weight_ = cw
        bound = self.C * cw[y_enc] * sw
        keep = bound > 0
        if not np.any(keep):
            raise ValueError("Every sample has zero weight; nothing to fit.")
        present = np.unique(y_enc[keep])
        if present.shape[0] < 2:
            raise ValueError(
                "SVC needs samples of at least 2 classes with positive weight."
            )
        self.shape_fit_ = X.shape
        self._gamma = self._resolve_gamma(X, np.where(keep, sw, 0.0))
        K = self._train_kernel(X)

        members = [np.flatnonzero((y_enc == c) & keep) for c in range(n_classes)]
        pairs = [(a, b) for a in range(n_classes) for b in range(a + 1, n_classes)]
        problems = []
        for a, b in pairs:
            rows = np.concatenate([members[a], members[b]])
            ysub = np.r_[np.ones(len(members[a])), -np.ones(len(members[b]))]
            problems.append(
                (X, K, rows, ysub, -np.ones(len(rows)), bound[rows],
                 np.arange(len(rows)))
            )
        results = self._solve_many(problems)
        self._warn_convergence(results)
        self._collect(pairs, problems, results, members, X, n_classes)
        self.probA_ = np.empty(0)
        self.probB_ = np.empty(0)
        if self.probability:
            rng = check_random_state(self.random_state)
            A, B = [], []
            for prob in problems:
                a, b = platt_cv(self, prob, rng)
                A.append(a)
                B.append(b)
            self.probA_ = np.array(A)
            self.probB_ = np.array(B)
        return self

    def _collect(self, pairs, problems, results, members, X, n_classes):
        """Support set and libsvm-layout dual coefficients from the pair duals."""
        is_sv = np.zeros(X.shape[0], dtype=bool)
        for prob, (alpha, _, _, _) in zip(problems, results):
            is_sv[prob[2][alpha > 0]] = True
        support = [m[is_sv[m]] for m in members]
        self.n_support_ = np.array([len(s) for s in support], dtype=np.int32)
        self.support_ = np.concatenate(support).astype(np.int32)
        position = np.full(X.shape[0], -1, dtype=np.intp)
        position[self.support_] = np.arange(self.support_.shape[0])
        dual = np.zeros((n_classes - 1, self.support_.shape[0]))
        intercept = np.empty(len(pairs))
        for k, ((a, b), prob, (alpha, rho, _, _)) in enumerate(
            zip(pairs, problems, results)
        ):
            rows, ysub = prob[2], prob[3]
            coef = ysub * alpha
            na = len(members[a])
            dual[b - 1, position[rows[:na]][alpha[:na] > 0]] = coef[:na][alpha[:na] > 0]
            dual[a, position[rows[na:]][alpha[na:] > 0]] = coef[na:][alpha[na:] > 0]
            intercept[k] = -rho
        if n_classes == 2:  # sklearn's sign convention: positive means classes_[1]
            dual, intercept = -dual, -intercept
        self.dual_coef_ = dual
        self.intercept_ = intercept
        if self.kernel == "precomputed":
            self.support_vectors_ = np.empty((0, 0))
        else:
            self.support_vectors_ = np.ascontiguousarray(X[self.support_])

    def _ovo_decision(self, X):
        """Raw decisions: (n, 1) in sklearn's binary sign, else libsvm's pairs."""
        n_classes = self.classes_.shape[0]
        n_pairs = n_classes * (n_classes - 1) // 2
        n_sv = self.n_support_.astype(np.intp)
        if self.support_.shape[0] != n_sv.sum() or self.dual_coef_.shape != (
            n_classes - 1, n_sv.sum()
        ):
            raise ValueError("Inconsistent fitted SVC attributes.")
        start = np.r_[0, np.cumsum(n_sv)]
        dec = np.empty((X.shape[0], n_pairs))
        for lo, hi, Kb in self._kernel_blocks(X):
            if n_classes == 2:
                dec[lo:hi, 0] = Kb @ self.dual_coef_[0] + self.intercept_[0]
                continue
            k = 0
            for a in range(n_classes):
                sa = slice(start[a], start[a + 1])
                for b in range(a + 1, n_classes):
                    sb = slice(start[b], start[b + 1])
                    dec[lo:hi, k] = (
                        Kb[:, sa] @ self.dual_coef_[b - 1, sa]
                        + Kb[:, sb] @ self.dual_coef_[a, sb]
                        + self.intercept_[k]
                    )
                    k += 1
        return dec

    def decision_function(self, X):
        """Signed distance to the separating surfaces.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples (or their kernel against the training samples).

        Returns
        -------
        dec : ndarray of shape (n_samples,) or (n_samples, n_classes) or \
                (n_samples, n_classes * (n_classes - 1) / 2)
            For two classes, positive means ``classes_[1]``. Otherwise one column
            per class ("ovr") or per pair of classes ("ovo", positive means the
            first class of the pair).
        """
        X = self._validate_predict_X(X)
        dec = self._ovo_decision(X)
        if self.classes_.shape[0] == 2:
            return dec[:, 0]
        if self.decision_function_shape == "ovr":
            return _ovr_from_ovo(dec, self.classes_.shape[0])
        return dec

    def predict(self, X):
        """Predict class labels by the one-vs-one vote.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples (or their kernel against the training samples).

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predicted labels.
        """
        X = self._validate_predict_X(X)
        dec = self._ovo_decision(X)
        n_classes = self.classes_.shape[0]
        if n_classes == 2:
            return self.classes_[(dec[:, 0] > 0).astype(np.intp)]
        if self.break_ties and self.decision_function_shape == "ovr":
            return self.classes_[np.argmax(_ovr_from_ovo(dec, n_classes), axis=1)]
        votes = np.zeros((X.shape[0], n_classes), dtype=np.intp)
        k = 0
        for a in range(n_classes):
            for b in range(a + 1, n_classes):
                win = dec[:, k] > 0
                votes[win, a] += 1
                votes[~win, b] += 1
                k += 1
        return self.classes_[np.argmax(votes, axis=1)]

    def _check_proba(self):
        if not self.probability:
            raise AttributeError(
                "predict_proba is available only when SVC is fitted with "
                "probability=True."
            )
        return True

    @available_if(_check_proba)
    def predict_proba(self, X):
        """Class probabilities from the Platt sigmoids and pairwise coupling.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples (or their kernel against the training samples).

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities, columns in ``classes_`` order.
        """
        X = self._validate_predict_X(X)
        if self.probA_.shape[0] == 0:
            raise AttributeError("This SVC was fitted with probability=False.")
        dec = self._ovo_decision(X)
        n_classes = self.classes_.shape[0]
        if n_classes == 2:  # the sigmoid was fitted on libsvm's sign
            r = sigmoid_predict(-dec[:, 0], self.probA_[0], self.probB_[0])
            return np.column_stack([r, 1 - r])
        r = sigmoid_predict(dec, self.probA_, self.probB_)
        return pairwise_coupling(r, n_classes)

    @available_if(_check_proba)
    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples (or their kernel against the training samples).

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probabilities, columns in ``classes_`` order.
        """
        return np.log(self.predict_proba(X))


class SVR(RegressorMixin, _BaseSVM):
    """Epsilon-support vector regression, solved by SMO.

    Errors below ``epsilon`` cost nothing; larger ones cost linearly, traded
    against the flatness of the function by ``C``. The dual has two variables per
    sample and is solved by the same SMO as :class:`SVC`.

    Read more in the :ref:`User Guide <svm>`.

    Parameters
    ----------
    kernel : {"linear", "poly", "rbf", "sigmoid", "precomputed"} or callable, \
            default="rbf"
        Kernel; see :class:`SVC`.

    degree : int, default=3
        Degree of the "poly" kernel.

    gamma : {"scale", "auto"} or float, default="scale"
        Kernel coefficient; see :class:`SVC`.

    coef0 : float, default=0.0
        Offset of the "poly" and "sigmoid" kernels.

    tol : float, default=1e-3
        Stopping tolerance on the maximal KKT violation.

    C : float, default=1.0
        Inverse regularisation strength, multiplied by ``sample_weight``.

    epsilon : float, default=0.1
        Half-width of the insensitive tube. Must be non-negative.

    shrinking : bool, default=True
        Use the shrinking heuristic.

    cache_size : float, default=200
        Size of the kernel-row cache, in MB.

    max_iter : int, default=-1
        Cap on SMO iterations; see :class:`SVC`.

    Attributes
    ----------
    support_ : ndarray of shape (n_SV,)
        Indices of the support vectors.

    support_vectors_ : ndarray of shape (n_SV, n_features)
        Support vectors (empty with a precomputed kernel).

    n_support_ : ndarray of shape (1,)
        Number of support vectors.

    dual_coef_ : ndarray of shape (1, n_SV)
        ``alpha_i - alpha_i*`` of the support vectors.

    intercept_ : ndarray of shape (1,)
        Constant of the decision function.

    fit_status_ : int
        0 when SMO converged, 1 when it stopped at ``max_iter``.

    n_iter_ : ndarray of shape (1,)
        SMO iterations.

    shape_fit_ : tuple of int
        Shape of the training ``X``.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    SVC : Support vector classification.
    LinearSVR : Linear SVR by dual coordinate descent.

    Examples
    --------
    >>> import numpy as np
    >>> from skml.svm import SVR
    >>> X = np.linspace(0, 6, 40).reshape(-1, 1)
    >>> reg = SVR(C=10.0).fit(X, np.sin(X).ravel())
    >>> print(round(float(reg.predict([[1.5]])[0]), 2))
    0.9
    """

    _parameter_constraints: dict = {
        **_BaseSVM._parameter_constraints,
        "epsilon": [Interval(Real, 0.0, None, closed="left")],
    }

    def __init__(
        self,
        *,
        kernel="rbf",
        degree=3,
        gamma="scale",
        coef0=0.0,
        tol=1e-3,
        C=1.0,
        epsilon=0.1,
        shrinking=True,
        cache_size=200,
        max_iter=-1,
    ):
        self.kernel = kernel
        self.degree = degree
        self.gamma = gamma
        self.coef0 = coef0
        self.tol = tol
        self.C = C
        self.epsilon = epsilon
        self.shrinking = shrinking
        self.cache_size = cache_size
        self.max_iter = max_iter

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the epsilon-SVR.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or (n_samples, n_samples)
            Training samples, or the training kernel matrix when
            ``kernel="precomputed"``.
        y : array-like of shape (n_samples,)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample multipliers of ``C``; samples of weight 0 are left out.

        Returns
        -------
        self : object
            Fitted estimator.
        """
        X, y = self._validate_fit_X(X, y, y_numeric=True)
        y = np.asarray(y, dtype=np.float64)
        sw = _check_sample_weight(sample_weight, X, dtype=np.float64)
        bound = self.C * sw
        rows = np.flatnonzero(bound > 0)
        if rows.shape[0] == 0:
            raise ValueError("Every sample has zero weight; nothing to fit.")
        self.shape_fit_ = X.shape
        self._gamma = self._resolve_gamma(X, np.where(bound > 0, sw, 0.0))
        K = self._train_kernel(X)
        m = rows.shape[0]
        ysub = y[rows]
        problem = (
            X, K, rows, np.r_[np.ones(m), -np.ones(m)],
            np.r_[self.epsilon - ysub, self.epsilon + ysub],
            np.r_[bound[rows], bound[rows]], np.r_[np.arange(m), np.arange(m)],
        )
        results = self._solve_many([problem])
        self._warn_convergence(results)
        alpha, rho = results[0][0], results[0][1]
        coef = alpha[:m] - alpha[m:]
        sv = coef != 0
        self.support_ = rows[sv].astype(np.int32)
        self.n_support_ = np.array([self.support_.shape[0]], dtype=np.int32)
        self.dual_coef_ = coef[sv].reshape(1, -1)
        self.intercept_ = np.array([-rho])
        if self.kernel == "precomputed":
            self.support_vectors_ = np.empty((0, 0))
        else:
            self.support_vectors_ = np.ascontiguousarray(X[self.support_])
        return self

    def predict(self, X):
        """Predict targets.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples (or their kernel against the training samples).

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predictions.
        """
        X = self._validate_predict_X(X)
        if self.dual_coef_.shape != (1, self.support_.shape[0]):
            raise ValueError("Inconsistent fitted SVR attributes.")
        out = np.empty(X.shape[0])
        for lo, hi, Kb in self._kernel_blocks(X):
            out[lo:hi] = Kb @ self.dual_coef_[0] + self.intercept_[0]
        return out
