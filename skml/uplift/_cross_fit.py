# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Meta-learners with a propensity model: X, R and DR.

X models the effects imputed by a T-learner and weighs them by the propensity.
R and DR regress a pseudo-outcome built from nuisance models (outcome and
propensity) that are cross-fitted: every row's nuisance predictions come from
models that did not see it, so their errors do not leak into the effect model.
Each treatment group is fitted against control, on the rows of those two groups.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.model_selection import StratifiedKFold
from sklearn.utils.validation import has_fit_parameter

from skml.uplift._base import (
    CONTROL_CONSTRAINT,
    UpliftMixin,
    as_propensity,
    check_outcome,
    check_sample_weight_support,
    fit_clone,
    predict_each,
    predict_outcome,
    propensity_model,
    regressor_for_effects,
    squeeze_effects,
)
from skml.uplift._meta import _required, _weights
from skml.utils._sklearn import HasMethods, Interval, _fit_context

_LEARNER_CONSTRAINTS = {
    "estimator": [HasMethods(["fit", "predict"]), None],
    "effect_estimator": [HasMethods(["fit", "predict"]), None],
    "propensity_estimator": [HasMethods(["fit", "predict_proba"]), None],
    "control": CONTROL_CONSTRAINT,
}
_CROSS_FIT_CONSTRAINTS = {
    **_LEARNER_CONSTRAINTS,
    "cv": [Interval(Integral, 2, None, closed="left")],
    "propensity_clip": [Interval(Real, 0, 0.5, closed="neither")],
    "random_state": ["random_state"],
}


def _group_rows(codes, k):
    # Rows of control and of group k, and which of them are treated.
    rows = np.flatnonzero((codes == 0) | (codes == k))
    return rows, codes[rows] == k


def _folds(treated, cv, random_state, label):
    # Cross-fitting folds stratified on treatment; every training part must hold
    # both groups.
    n_treated = int(treated.sum())
    smallest = min(n_treated, treated.shape[0] - n_treated)
    if smallest < cv:
        raise ValueError(
            f"cross-fitting with cv={cv} needs at least {cv} rows in each group; "
            f"treatment group {label!r} and control have {n_treated} and "
            f"{treated.shape[0] - n_treated}. Use a smaller cv."
        )
    splitter = StratifiedKFold(n_splits=cv, shuffle=True, random_state=random_state)
    return list(splitter.split(np.zeros((treated.shape[0], 1)), treated))


class _CrossFitLearner(UpliftMixin, BaseEstimator):
    # The parameters, their checks and the out-of-fold nuisance predictions of
    # R and DR.

    _parameter_constraints = dict(_CROSS_FIT_CONSTRAINTS)

    def __init__(
        self,
        estimator=None,
        *,
        effect_estimator=None,
        propensity_estimator=None,
        cv=5,
        propensity_clip=0.01,
        random_state=None,
        control=0,
    ):
        self.estimator = estimator
        self.effect_estimator = effect_estimator
        self.propensity_estimator = propensity_estimator
        self.cv = cv
        self.propensity_clip = propensity_clip
        self.random_state = random_state
        self.control = control


    def _resolve(self, y, sample_weight, learner):
        estimator = _required(self.estimator, learner)
        check_outcome(estimator, y)
        check_sample_weight_support(estimator, sample_weight, "estimator")
        effect = regressor_for_effects(estimator, self.effect_estimator, learner)
        return estimator, effect, propensity_model(self.propensity_estimator)

    def _out_of_fold_propensity(self, X, treated, w, folds, propensity_estimator):
        e = np.empty(treated.shape[0])
        for train, test in folds:
            model = fit_clone(
                propensity_estimator,
                X[train],
                treated[train].astype(np.intp),
                None if w is None else w[train],
            )
            e[test] = predict_outcome(model, X[test])
        return e

    def _clip(self, e):
        return np.clip(e, self.propensity_clip, 1 - self.propensity_clip)

    def predict(self, X):
        """Estimated effect of each treatment group against control.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        uplift : ndarray of shape (n_samples,) or (n_samples, n_treatments)
            One column per treatment group (a vector for one group).
        """
        X = self._validate_predict(X)
        return predict_each(self.effect_estimators_, X)


class XLearner(UpliftMixin, BaseEstimator):
    """X-learner: imputed effects, modelled per group and weighed by propensity.

    A T-learner's outcome models ``mu_0`` (control) and ``mu_k`` impute each
    row's effect: ``y - mu_0(x)`` for rows of group ``k`` and ``mu_k(x) - y`` for
    control rows. ``effect_estimator`` models each set (``tau_1``, ``tau_0``), and
    the uplift is ``e(x) tau_0(x) + (1 - e(x)) tau_1(x)``, with ``e`` the
    propensity of group ``k`` against control (Kunzel et al., 2019).

    Read more in the :ref:`User Guide <uplift>`.

    Parameters
    ----------
    estimator : estimator object
        Outcome model: a regressor, or a classifier with ``predict_proba`` for a
        binary outcome. It is cloned, never changed.
    effect_estimator : estimator object, default=None
        Regressor of the imputed effects; ``None`` uses ``estimator``, which must
        then be a regressor.
    propensity_estimator : estimator object, default=None
        Classifier of group ``k`` against control; ``None`` is
        :class:`~sklearn.linear_model.LogisticRegression`.
    control : int, float or str, default=0
        Label of the control group in ``treatment``.

    Attributes
    ----------
    outcome_estimators_ : list of estimator objects
        Fitted outcome models: control first, then one per treatment group.
    effect_estimators_ : list of (estimator, estimator) tuples
        Per treatment group, the models of the effects imputed on its rows
        (``tau_1``) and on the control rows (``tau_0``).
    propensity_estimators_ : list of estimator objects or None
        Per treatment group, the fitted propensity model; ``None`` when
        propensities were given to ``fit``.
    propensity_mean_ : ndarray of shape (n_treatments,)
        Mean propensity of each group; :meth:`predict` uses it when propensities
        were given to ``fit`` and are not given to ``predict``.
    treatment_groups_ : ndarray of shape (n_treatments,)
        Labels of the treatment groups, sorted; ``predict``'s columns follow them.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    TLearner : The outcome models alone.
    DRLearner : Doubly robust pseudo-outcomes, cross-fitted.

    References
    ----------
    S. Kunzel, J. Sekhon, P. Bickel and B. Yu, "Metalearners for estimating
    heterogeneous treatment effects using machine learning", PNAS 116 (10), 2019.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LinearRegression
    >>> from skml.uplift import XLearner
    >>> rng = np.random.default_rng(0)
    >>> X, t = rng.normal(size=(300, 2)), rng.integers(0, 2, 300)
    >>> y = X[:, 0] + t * (1 + X[:, 1])
    >>> uplift = XLearner(LinearRegression()).fit(X, y, treatment=t).predict(X)
    >>> bool(np.allclose(uplift, 1 + X[:, 1]))  # the true effect
    True
    """

    _parameter_constraints = dict(_LEARNER_CONSTRAINTS)

    def __init__(
        self,
        estimator=None,
        *,
        effect_estimator=None,
        propensity_estimator=None,
        control=0,
    ):
        self.estimator = estimator
        self.effect_estimator = effect_estimator
        self.propensity_estimator = propensity_estimator
        self.control = control

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, *, treatment=None, propensity=None, sample_weight=None):
        """Fit the outcome, effect and propensity models.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Outcomes: real values, or 0/1 when ``estimator`` is a classifier.
        treatment : array-like of shape (n_samples,)
            Group label of each row; ``control`` names the control group.
        propensity : array-like of shape (n_samples,) or (n_samples, \
                n_treatments), default=None
            Known probability that a row gets treatment group ``k`` rather than
            control; ``None`` learns it with ``propensity_estimator``.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights, passed to every model.

        Returns
        -------
        self : object
            Fitted learner.
        """
        X, y, codes, sample_weight = self._validate_fit(X, y, treatment, sample_weight)
        estimator = _required(self.estimator, "XLearner")
        check_outcome(estimator, y)
        check_sample_weight_support(estimator, sample_weight, "estimator")
        effect = regressor_for_effects(estimator, self.effect_estimator, "XLearner")
        check_sample_weight_support(effect, sample_weight, "effect_estimator")
        n_groups = self.treatment_groups_.shape[0]
        if propensity is not None:
            propensity = as_propensity(propensity, X.shape[0], n_groups)
        else:
            propensity_estimator = propensity_model(self.propensity_estimator)
        self.outcome_estimators_ = []
        for g in range(n_groups + 1):
            rows = np.flatnonzero(codes == g)
            self.outcome_estimators_.append(
                fit_clone(estimator, X[rows], y[rows], _weights(sample_weight, rows))
            )
        control = np.flatnonzero(codes == 0)
        mu_0 = self.outcome_estimators_[0]
        self.effect_estimators_ = []
        self.propensity_estimators_ = []
        self.propensity_mean_ = np.empty(n_groups)
        for k in range(1, n_groups + 1):
            group = np.flatnonzero(codes == k)
            imputed_1 = y[group] - predict_outcome(mu_0, X[group])
            imputed_0 = (
                predict_outcome(self.outcome_estimators_[k], X[control]) - y[control]
            )
            self.effect_estimators_.append(
                (
                    fit_clone(
                        effect, X[group], imputed_1, _weights(sample_weight, group)
                    ),
                    fit_clone(
                        effect, X[control], imputed_0, _weights(sample_weight, control)
                    ),
                )
            )
            rows, treated = _group_rows(codes, k)
            if propensity is None:
                model = fit_clone(
                    propensity_estimator,
                    X[rows],
                    treated.astype(np.intp),
                    _weights(sample_weight, rows),
                )
                self.propensity_estimators_.append(model)
                self.propensity_mean_[k - 1] = np.mean(predict_outcome(model, X[rows]))
            else:
                self.propensity_estimators_.append(None)
                self.propensity_mean_[k - 1] = np.mean(propensity[rows, k - 1])
        return self

    def predict_outcomes(self, X):
        """Expected outcome of every row under control and under each group.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        outcomes : ndarray of shape (n_samples, 1 + n_treatments)
            Column 0 under control, column ``k`` under ``treatment_groups_[k - 1]``.
        """
        X = self._validate_predict(X)
        return np.column_stack(
            [predict_outcome(m, X) for m in self.outcome_estimators_]
        )

    def predict(self, X, propensity=None):
        """Estimated effect of each treatment group against control.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.
        propensity : array-like of shape (n_samples,) or (n_samples, \
                n_treatments), default=None
            Propensities of the rows of ``X``; ``None`` uses the fitted
            propensity models (or, when propensities were given to ``fit``,
            their mean per group).

        Returns
        -------
        uplift : ndarray of shape (n_samples,) or (n_samples, n_treatments)
            One column per treatment group (a vector for one group).
        """
        X = self._validate_predict(X)
        n_groups = self.treatment_groups_.shape[0]
        if propensity is not None:
            propensity = as_propensity(propensity, X.shape[0], n_groups)
        effects = np.empty((X.shape[0], n_groups))
        for k, (tau_1, tau_0) in enumerate(self.effect_estimators_):
            if propensity is not None:
                e = propensity[:, k]
            elif self.propensity_estimators_[k] is not None:
                e = predict_outcome(self.propensity_estimators_[k], X)
            else:
                e = np.full(X.shape[0], self.propensity_mean_[k])
            effects[:, k] = e * np.asarray(tau_0.predict(X), float) + (1 - e) * (
                np.asarray(tau_1.predict(X), float)
            )
        return squeeze_effects(effects)


class RLearner(_CrossFitLearner):
    """R-learner: outcome residuals explained by treatment residuals.

    The R-learner of Nie and Wager (2021). Cross-fitted nuisance models give
    every row an out-of-fold expected outcome ``m(x)`` (treatment ignored) and
    propensity ``e(x)`` of its group against control. The effect minimises
    ``sum ((y - m) - (t - e) tau(x))^2``, which ``effect_estimator`` fits as a
    weighted regression of ``(y - m) / (t - e)`` with weights ``(t - e)^2``.

    Read more in the :ref:`User Guide <uplift>`.

    Parameters
    ----------
    estimator : estimator object
        Outcome model ``m``: a regressor, or a classifier with ``predict_proba``
        for a binary outcome. It is cloned, never changed.
    effect_estimator : estimator object, default=None
        Regressor of the effect, which must accept ``sample_weight``; ``None`` uses
        ``estimator``, which must then be a regressor.
    propensity_estimator : estimator object, default=None
        Classifier of group ``k`` against control; ``None`` is
        :class:`~sklearn.linear_model.LogisticRegression`.
    cv : int, default=5
        Folds of the cross-fitting, stratified on treatment.
    propensity_clip : float, default=0.01
        Propensities are clipped to ``[propensity_clip, 1 - propensity_clip]``.
    random_state : int, RandomState instance or None, default=None
        Seeds the shuffling of the cross-fitting folds.
    control : int, float or str, default=0
        Label of the control group in ``treatment``.

    Attributes
    ----------
    effect_estimators_ : list of estimator objects
        One fitted effect model per treatment group.
    treatment_groups_ : ndarray of shape (n_treatments,)
        Labels of the treatment groups, sorted; ``predict``'s columns follow them.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    DRLearner : Doubly robust pseudo-outcomes, cross-fitted.

    References
    ----------
    X. Nie and S. Wager, "Quasi-oracle estimation of heterogeneous treatment
    effects", Biometrika 108 (2), 2021.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LinearRegression
    >>> from skml.uplift import RLearner
    >>> rng = np.random.default_rng(0)
    >>> X, t = rng.normal(size=(2000, 2)), rng.integers(0, 2, 2000)
    >>> y = X[:, 0] + t * (1 + X[:, 1]) + rng.normal(size=2000)
    >>> model = RLearner(LinearRegression(), random_state=0).fit(X, y, treatment=t)
    >>> model.predict([[0.0, 0.0], [0.0, 1.0]]).round(1)  # the true effects: 1, 2
    array([1.1, 2. ])
    """

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, *, treatment=None, propensity=None, sample_weight=None):
        """Cross-fit the nuisance models, then fit the effect models.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Outcomes: real values, or 0/1 when ``estimator`` is a classifier.
        treatment : array-like of shape (n_samples,)
            Group label of each row; ``control`` names the control group.
        propensity : array-like of shape (n_samples,) or (n_samples, \
                n_treatments), default=None
            Known probability that a row gets treatment group ``k`` rather than
            control; ``None`` cross-fits ``propensity_estimator``.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights, passed to every model.

        Returns
        -------
        self : object
            Fitted learner.
        """
        X, y, codes, sample_weight = self._validate_fit(X, y, treatment, sample_weight)
        estimator, effect, propensity_estimator = self._resolve(
            y, sample_weight, "RLearner"
        )
        if not has_fit_parameter(effect, "sample_weight"):
            raise ValueError(
                "RLearner fits the effect by weighted regression: effect_estimator "
                f"({type(effect).__name__}) must accept sample_weight in fit."
            )
        n_groups = self.treatment_groups_.shape[0]
        if propensity is not None:
            propensity = as_propensity(propensity, X.shape[0], n_groups)
        self.effect_estimators_ = []
        for k in range(1, n_groups + 1):
            rows, treated = _group_rows(codes, k)
            Xk, yk, wk = X[rows], y[rows], _weights(sample_weight, rows)
            folds = _folds(
                treated, self.cv, self.random_state, self.treatment_groups_[k - 1]
            )
            m = np.empty(rows.shape[0])
            for train, test in folds:
                model = fit_clone(
                    estimator, Xk[train], yk[train], None if wk is None else wk[train]
                )
                m[test] = predict_outcome(model, Xk[test])
            if propensity is None:
                e = self._out_of_fold_propensity(
                    Xk, treated, wk, folds, propensity_estimator
                )
            else:
                e = propensity[rows, k - 1]
            residual_t = treated - self._clip(e)
            weight = residual_t**2 if wk is None else wk * residual_t**2
            self.effect_estimators_.append(
                fit_clone(effect, Xk, (yk - m) / residual_t, weight)
            )
        return self


class DRLearner(_CrossFitLearner):
    """DR-learner: regression of doubly robust pseudo-outcomes (Kennedy, 2023).

    Cross-fitted outcome models ``mu_0`` (control) and ``mu_k`` (group ``k``),
    and a propensity ``e`` of group ``k`` against control, give every row the
    pseudo-outcome ``mu_k - mu_0 + t (y - mu_k) / e - (1 - t) (y - mu_0) / (1 - e)``,
    whose expectation is the effect when either the outcome models or the
    propensity are right. ``effect_estimator`` regresses it on ``X``.

    Read more in the :ref:`User Guide <uplift>`.

    Parameters
    ----------
    estimator : estimator object
        Outcome model: a regressor, or a classifier with ``predict_proba`` for a
        binary outcome. It is cloned, never changed.
    effect_estimator : estimator object, default=None
        Regressor of the pseudo-outcomes; ``None`` uses ``estimator``, which must
        then be a regressor.
    propensity_estimator : estimator object, default=None
        Classifier of group ``k`` against control; ``None`` is
        :class:`~sklearn.linear_model.LogisticRegression`.
    cv : int, default=5
        Folds of the cross-fitting, stratified on treatment.
    propensity_clip : float, default=0.01
        Propensities are clipped to ``[propensity_clip, 1 - propensity_clip]``,
        which bounds the inverse-propensity weights.
    random_state : int, RandomState instance or None, default=None
        Seeds the shuffling of the cross-fitting folds.
    control : int, float or str, default=0
        Label of the control group in ``treatment``.

    Attributes
    ----------
    effect_estimators_ : list of estimator objects
        One fitted effect model per treatment group.
    treatment_groups_ : ndarray of shape (n_treatments,)
        Labels of the treatment groups, sorted; ``predict``'s columns follow them.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    RLearner : Residual-on-residual effect estimation, cross-fitted.
    XLearner : Imputed effects weighed by propensity.

    References
    ----------
    E. Kennedy, "Towards optimal doubly robust estimation of heterogeneous causal
    effects", Electronic Journal of Statistics 17 (2), 2023.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LinearRegression
    >>> from skml.uplift import DRLearner
    >>> rng = np.random.default_rng(0)
    >>> X, t = rng.normal(size=(2000, 2)), rng.integers(0, 2, 2000)
    >>> y = X[:, 0] + t * (1 + X[:, 1]) + rng.normal(size=2000)
    >>> model = DRLearner(LinearRegression(), random_state=0).fit(X, y, treatment=t)
    >>> model.predict([[0.0, 0.0], [0.0, 1.0]]).round(1)  # the true effects: 1, 2
    array([1.1, 2. ])
    """

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, *, treatment=None, propensity=None, sample_weight=None):
        """Cross-fit the nuisance models, then fit the effect models.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Outcomes: real values, or 0/1 when ``estimator`` is a classifier.
        treatment : array-like of shape (n_samples,)
            Group label of each row; ``control`` names the control group.
        propensity : array-like of shape (n_samples,) or (n_samples, \
                n_treatments), default=None
            Known probability that a row gets treatment group ``k`` rather than
            control; ``None`` cross-fits ``propensity_estimator``.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights, passed to every model.

        Returns
        -------
        self : object
            Fitted learner.
        """
        X, y, codes, sample_weight = self._validate_fit(X, y, treatment, sample_weight)
        estimator, effect, propensity_estimator = self._resolve(
            y, sample_weight, "DRLearner"
        )
        check_sample_weight_support(effect, sample_weight, "effect_estimator")
        n_groups = self.treatment_groups_.shape[0]
        if propensity is not None:
            propensity = as_propensity(propensity, X.shape[0], n_groups)
        self.effect_estimators_ = []
        for k in range(1, n_groups + 1):
            rows, treated = _group_rows(codes, k)
            Xk, yk, wk = X[rows], y[rows], _weights(sample_weight, rows)
            folds = _folds(
                treated, self.cv, self.random_state, self.treatment_groups_[k - 1]
            )
            mu_0, mu_k = np.empty(rows.shape[0]), np.empty(rows.shape[0])
            for train, test in folds:
                for side, mu in ((False, mu_0), (True, mu_k)):
                    part = train[treated[train] == side]
                    model = fit_clone(
                        estimator, Xk[part], yk[part], None if wk is None else wk[part]
                    )
                    mu[test] = predict_outcome(model, Xk[test])
            if propensity is None:
                e = self._out_of_fold_propensity(
                    Xk, treated, wk, folds, propensity_estimator
                )
            else:
                e = propensity[rows, k - 1]
            e = self._clip(e)
            pseudo = (
                mu_k - mu_0 + np.where(treated, (yk - mu_k) / e, -(yk - mu_0) / (1 - e))
            )
            self.effect_estimators_.append(fit_clone(effect, Xk, pseudo, wk))
        return self
