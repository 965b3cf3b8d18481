# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Meta-learners that need no cross-fitting: S, T, class transformation and
transformed outcome.

Each takes any scikit-learn estimator as its base model, clones it for every
model it fits and never changes the object it was given.
"""

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, is_classifier

from skml.uplift._base import (
    CONTROL_CONSTRAINT,
    UpliftMixin,
    as_propensity,
    check_outcome,
    check_sample_weight_support,
    fit_clone,
    hstack,
    predict_each,
    predict_outcome,
    squeeze_effects,
)
from skml.utils._sklearn import HasMethods, _fit_context


def _required(estimator, learner, role="estimator"):
    if estimator is None:
        raise ValueError(
            f"{learner} needs a base model: pass {role}= (any scikit-learn "
            "classifier or regressor)."
        )
    return estimator


def _weights(sample_weight, rows):
    return None if sample_weight is None else sample_weight[rows]


class SLearner(UpliftMixin, BaseEstimator):
    """S-learner: one outcome model with the treatment group as a feature.

    Fits ``estimator`` on ``X`` extended by a one-hot column per treatment group
    (and, with ``interactions=True``, the products of ``X`` with each of those
    columns, so that a linear model can give every group its own slopes). The
    uplift of group ``k`` is the model's outcome with the row set to group ``k``
    minus its outcome with the row set to control. With a classifier the outcome is
    the probability of ``y = 1``.

    Read more in the :ref:`User Guide <uplift>`.

    Parameters
    ----------
    estimator : estimator object
        Outcome model: a regressor, or a classifier with ``predict_proba`` for a
        binary outcome. It is cloned, never changed.
    interactions : bool, default=False
        Add the products of ``X`` with the treatment indicators.
    control : int, float or str, default=0
        Label of the control group in ``treatment``.

    Attributes
    ----------
    estimator_ : estimator object
        The fitted outcome model.
    treatment_groups_ : ndarray of shape (n_treatments,)
        Labels of the treatment groups, sorted; ``predict``'s columns follow them.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    TLearner : One outcome model per group.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LinearRegression
    >>> from skml.uplift import SLearner
    >>> rng = np.random.default_rng(0)
    >>> X, t = rng.normal(size=(200, 2)), rng.integers(0, 2, 200)
    >>> y = X[:, 0] + t * (1 + X[:, 1])
    >>> model = SLearner(LinearRegression(), interactions=True)
    >>> uplift = model.fit(X, y, treatment=t).predict(X)
    >>> bool(np.allclose(uplift, 1 + X[:, 1]))  # the true effect
    True
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "interactions": ["boolean"],
        "control": CONTROL_CONSTRAINT,
    }

    def __init__(self, estimator=None, *, interactions=False, control=0):
        self.estimator = estimator
        self.interactions = interactions
        self.control = control

    def _design(self, X, codes):
        # X with one-hot treatment columns (and their products with X).
        n_groups = self.treatment_groups_.shape[0]
        onehot = np.zeros((X.shape[0], n_groups))
        treated = codes > 0
        onehot[np.flatnonzero(treated), codes[treated] - 1] = 1.0
        blocks = [X, onehot]
        if self.interactions:
            for k in range(n_groups):
                column = onehot[:, k : k + 1]
                if sparse.issparse(X):
                    blocks.append(X.multiply(column).tocsr())
                else:
                    blocks.append(X * column)
        return hstack(blocks)

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, *, treatment=None, sample_weight=None):
        """Fit the outcome model on ``X`` and the treatment indicators.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Outcomes: real values, or 0/1 when ``estimator`` is a classifier.
        treatment : array-like of shape (n_samples,)
            Group label of each row; ``control`` names the control group.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights, passed to the outcome model.

        Returns
        -------
        self : object
            Fitted learner.
        """
        X, y, codes, sample_weight = self._validate_fit(X, y, treatment, sample_weight)
        estimator = _required(self.estimator, "SLearner")
        check_outcome(estimator, y)
        check_sample_weight_support(estimator, sample_weight, "estimator")
        self.estimator_ = fit_clone(estimator, self._design(X, codes), y, sample_weight)
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
        n_groups = self.treatment_groups_.shape[0]
        return np.column_stack(
            [
                predict_outcome(
                    self.estimator_,
                    self._design(X, np.full(X.shape[0], g, dtype=np.intp)),
                )
                for g in range(n_groups + 1)
            ]
        )

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
        outcomes = self.predict_outcomes(X)
        return squeeze_effects(outcomes[:, 1:] - outcomes[:, :1])


class TLearner(UpliftMixin, BaseEstimator):
    """T-learner: one outcome model per group.

    Fits a clone of ``estimator`` on the control rows and one on each treatment
    group's rows; the uplift of group ``k`` is the difference of their predicted
    outcomes (probabilities of ``y = 1`` for a classifier).

    Read more in the :ref:`User Guide <uplift>`.

    Parameters
    ----------
    estimator : estimator object
        Outcome model: a regressor, or a classifier with ``predict_proba`` for a
        binary outcome. It is cloned, never changed.
    control : int, float or str, default=0
        Label of the control group in ``treatment``.

    Attributes
    ----------
    estimators_ : list of estimator objects
        The fitted outcome models: control first, then one per treatment group.
    treatment_groups_ : ndarray of shape (n_treatments,)
        Labels of the treatment groups, sorted; ``predict``'s columns follow them.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    SLearner : One outcome model with the treatment as a feature.
    XLearner : T-learner outcome models, then models of the imputed effects.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LinearRegression
    >>> from skml.uplift import TLearner
    >>> rng = np.random.default_rng(0)
    >>> X, t = rng.normal(size=(200, 2)), rng.integers(0, 2, 200)
    >>> y = X[:, 0] + t * (1 + X[:, 1])
    >>> uplift = TLearner(LinearRegression()).fit(X, y, treatment=t).predict(X)
    >>> bool(np.allclose(uplift, 1 + X[:, 1]))  # the true effect
    True
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "control": CONTROL_CONSTRAINT,
    }

    def __init__(self, estimator=None, *, control=0):
        self.estimator = estimator
        self.control = control

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, *, treatment=None, sample_weight=None):
        """Fit one outcome model per group.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Outcomes: real values, or 0/1 when ``estimator`` is a classifier.
        treatment : array-like of shape (n_samples,)
            Group label of each row; ``control`` names the control group.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights, passed to the outcome models.

        Returns
        -------
        self : object
            Fitted learner.
        """
        X, y, codes, sample_weight = self._validate_fit(X, y, treatment, sample_weight)
        estimator = _required(self.estimator, "TLearner")
        check_outcome(estimator, y)
        check_sample_weight_support(estimator, sample_weight, "estimator")
        self.estimators_ = []
        for g in range(self.treatment_groups_.shape[0] + 1):
            rows = np.flatnonzero(codes == g)
            self.estimators_.append(
                fit_clone(estimator, X[rows], y[rows], _weights(sample_weight, rows))
            )
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
        return np.column_stack([predict_outcome(m, X) for m in self.estimators_])

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
        outcomes = self.predict_outcomes(X)
        return squeeze_effects(outcomes[:, 1:] - outcomes[:, :1])


class ClassTransformation(UpliftMixin, BaseEstimator):
    """Class transformation: one classifier of ``z = 1[y == treated]``.

    For a binary outcome, ``z`` is 1 for treated responders and control
    non-responders. When treated and control rows weigh the same in total,
    ``P(z = 1 | x) = (1 + uplift(x)) / 2`` (Jaskowski and Jaroszewicz, 2012), so
    the uplift is ``2 P(z = 1 | x) - 1``. For unequal group shares the rows are
    reweighted so that both groups weigh half of the total (the correction for an
    unbalanced design); the classifier must then accept ``sample_weight``. Several
    treatment groups get one classifier each, against control.

    Read more in the :ref:`User Guide <uplift>`.

    Parameters
    ----------
    estimator : estimator object
        A classifier with ``predict_proba``. It is cloned, never changed.
    control : int, float or str, default=0
        Label of the control group in ``treatment``.

    Attributes
    ----------
    estimators_ : list of estimator objects
        One fitted classifier per treatment group.
    treatment_groups_ : ndarray of shape (n_treatments,)
        Labels of the treatment groups, sorted; ``predict``'s columns follow them.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    TransformedOutcome : The same idea for any outcome, by regression.

    References
    ----------
    M. Jaskowski and S. Jaroszewicz, "Uplift modeling for clinical trial data",
    ICML Workshop on Clinical Data Analysis, 2012.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skml.uplift import ClassTransformation
    >>> rng = np.random.default_rng(0)
    >>> X, t = rng.integers(0, 2, size=(400, 1)), rng.integers(0, 2, 400)
    >>> y = (rng.random(400) < 0.3 + 0.4 * t * X[:, 0]).astype(int)
    >>> model = ClassTransformation(DecisionTreeClassifier(max_depth=1))
    >>> model.fit(X, y, treatment=t).predict([[0], [1]]).round(2)  # truth: 0, 0.4
    array([0.03, 0.49])
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict_proba"]), None],
        "control": CONTROL_CONSTRAINT,
    }

    def __init__(self, estimator=None, *, control=0):
        self.estimator = estimator
        self.control = control

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, *, treatment=None, sample_weight=None):
        """Fit one classifier of the transformed class per treatment group.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Binary outcomes (0/1).
        treatment : array-like of shape (n_samples,)
            Group label of each row; ``control`` names the control group.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights, multiplied into the balancing weights.

        Returns
        -------
        self : object
            Fitted learner.
        """
        X, y, codes, sample_weight = self._validate_fit(X, y, treatment, sample_weight)
        estimator = _required(self.estimator, "ClassTransformation")
        if not is_classifier(estimator):
            raise ValueError(
                "ClassTransformation needs a classifier; got "
                f"{type(estimator).__name__}."
            )
        check_outcome(estimator, y)
        self.estimators_ = []
        for k in range(1, self.treatment_groups_.shape[0] + 1):
            rows = np.flatnonzero((codes == 0) | (codes == k))
            treated = codes[rows] == k
            z = (y[rows] == treated).astype(np.intp)
            w = np.ones(rows.shape[0]) if sample_weight is None else sample_weight[rows]
            w_treated, w_total = w[treated].sum(), w.sum()
            if w_treated <= 0 or w_treated >= w_total:
                raise ValueError(
                    f"treatment group {self.treatment_groups_[k - 1]!r} or control "
                    "has zero total weight."
                )
            # Both groups weigh half of the total.
            balance = np.where(
                treated,
                w_total / (2 * w_treated),
                w_total / (2 * (w_total - w_treated)),
            )
            balanced = np.allclose(balance, 1.0) and sample_weight is None
            if not balanced:
                check_sample_weight_support(
                    estimator, w, "estimator (needed to balance the groups)"
                )
            self.estimators_.append(
                fit_clone(estimator, X[rows], z, None if balanced else w * balance)
            )
        return self

    def predict(self, X):
        """Estimated effect of each treatment group against control.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Samples.

        Returns
        -------
        uplift : ndarray of shape (n_samples,) or (n_samples, n_treatments)
            ``2 P(z = 1 | x) - 1`` per treatment group (a vector for one group).
        """
        X = self._validate_predict(X)
        return squeeze_effects(
            np.column_stack([2 * predict_outcome(m, X) - 1 for m in self.estimators_])
        )


class TransformedOutcome(UpliftMixin, BaseEstimator):
    """Transformed outcome: one regressor of ``y (t - e) / (e (1 - e))``.

    With ``e`` the probability of treatment (the propensity), the transformed
    outcome has expectation ``uplift(x)`` given ``x`` (Athey and Imbens, 2015), so
    any regressor of it estimates the uplift. The propensity is the treatment
    group's share of its rows and control's unless given per row as a fit
    parameter. Works for binary and continuous outcomes; several treatment groups
    get one regressor each, against control.

    Read more in the :ref:`User Guide <uplift>`.

    Parameters
    ----------
    estimator : estimator object
        A regressor. It is cloned, never changed.
    control : int, float or str, default=0
        Label of the control group in ``treatment``.

    Attributes
    ----------
    estimators_ : list of estimator objects
        One fitted regressor per treatment group.
    treatment_groups_ : ndarray of shape (n_treatments,)
        Labels of the treatment groups, sorted; ``predict``'s columns follow them.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    ClassTransformation : The binary-outcome special case, by classification.

    References
    ----------
    S. Athey and G. Imbens, "Machine learning methods for estimating
    heterogeneous causal effects", 2015. arXiv:1504.01132.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LinearRegression
    >>> from skml.uplift import TransformedOutcome
    >>> rng = np.random.default_rng(0)
    >>> X, t = rng.normal(size=(4000, 1)), rng.integers(0, 2, 4000)
    >>> y = t * (1 + X[:, 0]) + rng.normal(size=4000)
    >>> model = TransformedOutcome(LinearRegression()).fit(X, y, treatment=t)
    >>> model.predict([[0.0], [1.0]]).round(1)  # the true effects: 1 and 2
    array([1.1, 2.1])
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "control": CONTROL_CONSTRAINT,
    }

    def __init__(self, estimator=None, *, control=0):
        self.estimator = estimator
        self.control = control

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, *, treatment=None, propensity=None, sample_weight=None):
        """Fit one regressor of the transformed outcome per treatment group.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Outcomes.
        treatment : array-like of shape (n_samples,)
            Group label of each row; ``control`` names the control group.
        propensity : array-like of shape (n_samples,) or (n_samples, \
                n_treatments), default=None
            Probability that a row gets treatment group ``k`` rather than control
            (one column per treatment group); ``None`` uses the groups' shares.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights, passed to the regressors.

        Returns
        -------
        self : object
            Fitted learner.
        """
        X, y, codes, sample_weight = self._validate_fit(X, y, treatment, sample_weight)
        estimator = _required(self.estimator, "TransformedOutcome")
        if is_classifier(estimator):
            raise ValueError(
                "TransformedOutcome regresses a real-valued transformed outcome: "
                f"estimator must be a regressor, not {type(estimator).__name__}."
            )
        check_sample_weight_support(estimator, sample_weight, "estimator")
        n_groups = self.treatment_groups_.shape[0]
        if propensity is not None:
            propensity = as_propensity(propensity, X.shape[0], n_groups)
        self.estimators_ = []
        for k in range(1, n_groups + 1):
            rows = np.flatnonzero((codes == 0) | (codes == k))
            t = (codes[rows] == k).astype(np.float64)
            if propensity is None:
                w = (
                    np.ones(rows.shape[0])
                    if sample_weight is None
                    else sample_weight[rows]
                )
                e = np.full(rows.shape[0], np.sum(w * t) / np.sum(w))
            else:
                e = propensity[rows, k - 1]
            target = y[rows] * (t - e) / (e * (1 - e))
            self.estimators_.append(
                fit_clone(estimator, X[rows], target, _weights(sample_weight, rows))
            )
        return self

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
        return predict_each(self.estimators_, X)
