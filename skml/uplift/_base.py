# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""What every uplift estimator shares: the mixin, treatment checks, base models.

An uplift estimator fits ``fit(X, y, *, treatment, sample_weight=None)``, where
``treatment`` holds a group label per row and the ``control`` parameter names the
control group. Internally the groups are coded ``0`` (control) and ``1..K`` (the
treatment groups in sorted order); ``predict`` returns the effect of each treatment
group against control, of shape ``(n_samples,)`` for one group and
``(n_samples, K)`` for several.
"""

from numbers import Integral, Real

import numpy as np
from scipy import sparse
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.utils.validation import has_fit_parameter

from skml.utils._sklearn import _check_sample_weight, check_is_fitted, validate_data
from skml.utils._treatment import check_treatment_labels

_ROUTING_HINT = (
    "Inside GridSearchCV, cross_validate or a Pipeline, pass it as metadata with "
    "routing enabled: sklearn.set_config(enable_metadata_routing=True), then "
    "e.g. GridSearchCV(...).fit(X, y, treatment=t) or "
    "cross_validate(..., params={'treatment': t})."
)


def _missing_treatment(estimator, method):
    return ValueError(
        f"{type(estimator).__name__}.{method} needs treatment=, the group label of "
        f"every row. {_ROUTING_HINT}"
    )


class UpliftMixin:
    """Mixin class for uplift (treatment-effect) estimators.

    Requests ``treatment`` for ``fit`` and ``score`` by default, so that with
    scikit-learn's metadata routing enabled, meta-estimators such as
    :class:`~sklearn.model_selection.GridSearchCV` and
    :func:`~sklearn.model_selection.cross_validate` pass each fold its slice of
    ``treatment``. :meth:`score` is the normalised Qini AUC of :meth:`predict`.

    Examples
    --------
    >>> from sklearn.linear_model import LinearRegression
    >>> from skml.uplift import TLearner, UpliftMixin
    >>> isinstance(TLearner(LinearRegression()), UpliftMixin)
    True
    """

    __metadata_request__fit = {"treatment": True}
    __metadata_request__score = {"treatment": True}

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        tags.input_tags.allow_nan = True
        return tags

    def score(self, X, y, *, treatment=None, sample_weight=None):
        """Normalised Qini AUC of the predicted uplift.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Samples.
        y : array-like of shape (n_samples,)
            Observed outcomes.
        treatment : array-like of shape (n_samples,)
            Group label of each row; the ``control`` parameter names the control
            group.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            :func:`skml.metrics.qini_auc_score`; with several treatment groups,
            the mean of the groups' scores.
        """
        if treatment is None:
            raise _missing_treatment(self, "score")
        from skml.metrics import qini_auc_score

        scores = qini_auc_score(
            y,
            self.predict(X),
            treatment,
            control=self.control,
            sample_weight=sample_weight,
        )
        return float(np.mean(scores))

    def _validate_fit(self, X, y, treatment, sample_weight):
        # X, y, treatment codes (0 = control) and weights; sets the groups.
        if treatment is None:
            raise _missing_treatment(self, "fit")
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            ensure_all_finite="allow-nan",
            y_numeric=True,
        )
        codes, self.treatment_groups_ = check_treatment(
            treatment, X.shape[0], self.control
        )
        if sample_weight is not None:
            sample_weight = _check_sample_weight(
                sample_weight, X, ensure_non_negative=True
            )
        return X, np.asarray(y, dtype=np.float64), codes, sample_weight

    def _validate_predict(self, X):
        check_is_fitted(self)
        return validate_data(
            self,
            X,
            accept_sparse=["csr", "csc"],
            ensure_all_finite="allow-nan",
            reset=False,
        )


def check_treatment(treatment, n_samples, control):
    """Validate ``treatment`` and code it as 0 (control) and 1..K.

    Parameters
    ----------
    treatment : array-like of shape (n_samples,)
        Group labels.
    n_samples : int
        Rows of ``X``.
    control : int, float or str
        Label of the control group.

    Returns
    -------
    codes : ndarray of shape (n_samples,), intp
        0 for control, ``k`` for the ``k``-th treatment group.
    groups : ndarray of shape (K,)
        The treatment groups' labels, sorted.
    """
    if treatment is None:
        raise ValueError("treatment is required: the group label of every row.")
    labels = np.asarray(treatment)
    if labels.ndim >= 1 and labels.shape[0] != n_samples:
        raise ValueError(
            f"treatment has {labels.shape[0]} labels but X has {n_samples} rows."
        )
    labels, is_control, groups = check_treatment_labels(labels, control)
    codes = np.zeros(n_samples, dtype=np.intp)
    codes[~is_control] = np.searchsorted(groups, labels[~is_control]) + 1
    return codes, groups


def check_outcome(estimator, y):
    """Check that ``y`` suits a classifier base model (binary 0/1 outcomes)."""
    if is_classifier(estimator):
        values = np.unique(y)
        if not np.all(np.isin(values, (0, 1))):
            raise ValueError(
                f"{type(estimator).__name__} is a classifier: the outcome must be "
                f"binary (0/1); got values {values[:5].tolist()}"
                + ("..." if values.shape[0] > 5 else "")
                + ". Use a regressor for a continuous outcome."
            )


def check_sample_weight_support(estimator, sample_weight, role):
    """Raise if weights are given but ``estimator`` cannot take them."""
    if sample_weight is not None and not has_fit_parameter(estimator, "sample_weight"):
        raise ValueError(
            f"sample_weight was given but the {role} {type(estimator).__name__} does "
            "not accept sample_weight in fit."
        )


def fit_clone(estimator, X, y, sample_weight=None):
    """Fit a clone of ``estimator``; ``sample_weight`` only when given."""
    model = clone(estimator)
    if sample_weight is None:
        return model.fit(X, y)
    return model.fit(X, y, sample_weight=sample_weight)


def predict_outcome(model, X):
    """Expected outcome: P(y = 1) for a classifier, the prediction otherwise."""
    if not is_classifier(model):
        return np.asarray(model.predict(X), dtype=np.float64)
    classes = model.classes_
    if classes.shape[0] == 1:  # trained on one outcome only: a constant
        return np.full(X.shape[0], float(classes[0]))
    return np.asarray(model.predict_proba(X)[:, 1], dtype=np.float64)


def regressor_for_effects(estimator, effect_estimator, learner):
    """The model of imputed effects: ``effect_estimator``, else ``estimator``
    itself when it is a regressor."""
    if effect_estimator is not None:
        if is_classifier(effect_estimator):
            raise ValueError(
                f"{learner}'s effect_estimator models a real-valued effect: it must "
                f"be a regressor, not the classifier {type(effect_estimator).__name__}."
            )
        return effect_estimator
    if is_regressor(estimator):
        return estimator
    raise ValueError(
        f"{learner} models real-valued effects: give effect_estimator (a regressor) "
        f"when estimator ({type(estimator).__name__}) is a classifier."
    )


def hstack(blocks):
    """Stack columns of dense or sparse blocks (sparse if any block is)."""
    if any(sparse.issparse(b) for b in blocks):
        return sparse.hstack(blocks, format="csr")
    return np.hstack(blocks)


def as_propensity(propensity, n_samples, n_groups):
    """Validate given propensities: shape (n_samples, n_groups), in (0, 1)."""
    propensity = np.asarray(propensity, dtype=np.float64)
    if propensity.ndim == 1:
        propensity = propensity.reshape(-1, 1)
    if propensity.shape != (n_samples, n_groups):
        raise ValueError(
            f"propensity must have shape ({n_samples},) for one treatment group or "
            f"({n_samples}, {n_groups}) for {n_groups}; got {propensity.shape}."
        )
    if not np.all(np.isfinite(propensity)) or np.any(
        (propensity <= 0) | (propensity >= 1)
    ):
        raise ValueError("propensity must hold probabilities strictly between 0 and 1.")
    return propensity


def propensity_model(propensity_estimator):
    """The propensity classifier to clone (logistic regression by default)."""
    if propensity_estimator is None:
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(max_iter=1000)
    if not is_classifier(propensity_estimator) or not hasattr(
        propensity_estimator, "predict_proba"
    ):
        raise ValueError(
            "propensity_estimator must be a classifier with predict_proba; got "
            f"{type(propensity_estimator).__name__}."
        )
    return propensity_estimator


def predict_each(models, X):
    """One column of predicted effects per model (one per treatment group),
    squeezed to a vector for one group."""
    return squeeze_effects(
        np.column_stack([np.asarray(m.predict(X), dtype=np.float64) for m in models])
    )


def squeeze_effects(effects):
    """(n, 1) effects of one treatment group as (n,), as every learner returns."""
    return effects[:, 0] if effects.shape[1] == 1 else effects


# The ``control`` parameter: any label type a treatment array can hold.
CONTROL_CONSTRAINT = [Integral, Real, str]
