# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""The base class of every naive Bayes classifier: label handling and prediction.

A naive Bayes model is a set of per-class sufficient statistics (counts, sums,
sums of squares) plus a rule that turns them into the joint log-likelihood
``log P(y) + log P(x | y)``. :class:`_BaseNB` owns everything the models share:

* ``fit`` and ``partial_fit``: validate, encode the labels as integer class
  indices, then hand ``(X, y_index, sample_weight)`` to the model's
  ``_update_state``. ``fit`` is ``partial_fit`` from an empty state, so the two
  always agree.
* ``predict*``: validate, ask the model for its joint log-likelihood and
  normalise it in log space.

A subclass provides ``_validate_train_X``, ``_check_X``, ``_init_state``,
``_update_state`` and ``_joint_log_likelihood``. The joint log-likelihood is
float64; it is normalised in float64 and cast to ``_output_dtype`` last.
"""

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.multiclass import check_classification_targets, unique_labels

from skml.utils._sklearn import _check_sample_weight, _fit_context, check_is_fitted

# Labels that are integers spanning at most this many values are encoded with a
# lookup table (linear time) instead of a sort.
_MAX_LOOKUP_RANGE = 1 << 16


def _encode_labels(y):
    """Return the sorted distinct labels of ``y`` and each sample's class index."""
    if y.dtype.kind in "iub" and y.size:
        low, high = int(y.min()), int(y.max())
        if high - low < _MAX_LOOKUP_RANGE:
            offset = y.astype(np.intp, copy=False) - low
            present = np.bincount(offset, minlength=high - low + 1) > 0
            lookup = np.cumsum(present, dtype=np.intp) - 1
            classes = (np.flatnonzero(present) + low).astype(y.dtype, copy=False)
            return classes, lookup[offset]
    classes, y_index = np.unique(y, return_inverse=True)
    return classes, y_index.reshape(-1)


def _encode_with_classes(y, classes):
    """Map ``y`` onto indices into the sorted ``classes``; raise on unknown labels."""
    try:
        known = np.isin(y, classes)
    except TypeError:  # labels of incomparable types
        known = np.zeros(y.shape, dtype=bool)
    if not known.all():
        unknown = np.unique(np.asarray(y)[~known])
        raise ValueError(
            f"The target label(s) {unknown} in y do not exist in the initial "
            f"classes {classes}; pass every label to the first call of "
            "partial_fit through `classes`."
        )
    return np.searchsorted(classes, y)


def _log_normalize(jll):
    """Return ``jll - logsumexp(jll, axis=1)`` computed stably, as a new array.

    The largest term of each row is kept out of the sum: the normaliser is
    ``max + log1p(sum of the other exp(jll - max))``, so the log-probability of
    a dominant class keeps its relative precision (``-1e-30`` does not round to
    0). A row without a finite maximum (impossible under every class) gives nan,
    as in scikit-learn.
    """
    rows = np.arange(jll.shape[0])
    top = np.argmax(jll, axis=1)
    shift = jll[rows, top][:, None]
    with np.errstate(invalid="ignore"):
        out = np.subtract(jll, shift)
        rest = np.exp(out)
    rest[rows, top] = 0.0
    out -= np.log1p(rest.sum(axis=1, keepdims=True))
    out[~np.isfinite(shift[:, 0])] = np.nan
    return out


def _check_some_class(estimator, classes):
    """Raise a ValueError if ``classes`` (of ``partial_fit``) names no class.

    A single class is accepted, as in scikit-learn: the model is then constant
    (every probability is one).
    """
    if len(classes) < 1:
        raise ValueError(
            f"{type(estimator).__name__}.partial_fit needs at least one class in "
            "`classes`, got none."
        )


def check_priors(priors, n_classes):
    """Return ``priors`` as float64 after checking them like scikit-learn.

    One value per class (1-D), summing to one (up to ``np.isclose``),
    non-negative, checked in this order. scikit-learn checks the sum and the
    sign for
    ``GaussianNB`` only; the count models check them here too, since priors
    that do not sum to one, or are negative, give log-priors that are not log
    probabilities (or NaN).
    """
    priors = np.asarray(priors, dtype=np.float64)
    if priors.ndim != 1 or priors.shape[0] != n_classes:
        raise ValueError(
            f"Number of priors must match number of classes: got "
            f"{priors.reshape(-1).shape[0]} priors for {n_classes} classes."
        )
    if not np.isclose(priors.sum(), 1.0):
        raise ValueError(f"The sum of the priors should be 1, got {priors.sum()}.")
    if (priors < 0).any():
        raise ValueError(f"Priors must be non-negative, got {priors.tolist()}.")
    return priors


class _BaseNB(ClassifierMixin, BaseEstimator):
    """Shared fitting driver and log-space predictions of the naive Bayes models.

    Subclasses implement ``_validate_train_X(X, y, reset)``, ``_check_X(X)``,
    ``_init_state(X, n_classes)`` (validate the class-dependent parameters, then
    set empty statistics), ``_update_state(X, y_index, sample_weight)`` and
    ``_joint_log_likelihood(X)`` (float64, shape (n_samples, n_classes)).
    """

    def _validate_sample_weight(self, sample_weight, X):
        if sample_weight is None:
            return None
        return _check_sample_weight(sample_weight, X, dtype=np.float64)

    def _output_dtype(self, X):
        """The dtype of the predicted (log-)probabilities for input ``X``."""
        return np.float64

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the naive Bayes classifier on ``X`` and ``y``.

        Any state from an earlier ``fit`` or ``partial_fit`` is discarded.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training vectors. Sparse (CSR) input is accepted by the count models
            :class:`MultinomialNB`, :class:`BernoulliNB` and
            :class:`ComplementNB`; :class:`GaussianNB` needs a dense array.

        y : array-like of shape (n_samples,)
            Target class labels. A single class gives a constant model whose
            probabilities are all one, as in scikit-learn.

        sample_weight : array-like of shape (n_samples,), default=None
            Weights applied to individual samples; ``None`` gives every sample
            weight one. An integer weight is equivalent to repeating the sample.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        X, y = self._validate_train_X(X, y, reset=True)
        check_classification_targets(y)
        sample_weight = self._validate_sample_weight(sample_weight, X)
        classes, y_index = _encode_labels(y)
        self._init_state(X, len(classes))
        self.classes_ = classes
        self._update_state(X, y_index, sample_weight)
        return self

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Update the model with one batch of samples (out-of-core learning).

        Call it repeatedly on consecutive chunks of a data set too large for
        memory. The statistics are merged exactly, so the fitted counts and
        means equal those of one ``fit`` on all the chunks together.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training vectors of this batch. Sparse (CSR) input is accepted by the
            count models only.

        y : array-like of shape (n_samples,)
            Target class labels of this batch; each must be one of ``classes``.
            A batch may hold a single class.

        classes : array-like of shape (n_classes,), default=None
            Every class label that can appear in any batch (one is enough: the
            model is then constant).
            Required on the first call, optional later (it must then equal the
            first one).

        sample_weight : array-like of shape (n_samples,), default=None
            Weights applied to individual samples; ``None`` gives every sample
            weight one.

        Returns
        -------
        self : object
            The updated estimator.
        """
        first_call = not hasattr(self, "classes_")
        if first_call and classes is None:
            raise ValueError(
                "classes must be passed on the first call to partial_fit: give "
                "every label that any batch may contain."
            )
        X, y = self._validate_train_X(X, y, reset=first_call)
        check_classification_targets(y)
        if first_call:
            known = unique_labels(classes)
            _check_some_class(self, known)
        else:
            known = self.classes_
            if classes is not None and not np.array_equal(
                known, unique_labels(classes)
            ):
                raise ValueError(
                    f"classes={classes!r} is not the same as on the first call to "
                    f"partial_fit, which was {known!r}."
                )
        sample_weight = self._validate_sample_weight(sample_weight, X)
        y_index = _encode_with_classes(y, known)
        if first_call:
            self._init_state(X, len(known))
            self.classes_ = known
        self._update_state(X, y_index, sample_weight)
        return self

    def _checked_jll(self, X):
        """Validate ``X``; return its float64 joint log-likelihood and out dtype."""
        check_is_fitted(self)
        X = self._check_X(X)
        return self._joint_log_likelihood(X), self._output_dtype(X)

    def predict_joint_log_proba(self, X):
        """Return the joint log-probability ``log P(x, y)`` of each sample and class.

        ``log P(x, y) = log P(y) + log P(x | y)``: the class log-prior plus the
        class-conditional log-likelihood, before normalisation over classes.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input samples.

        Returns
        -------
        joint_log_proba : ndarray of shape (n_samples, n_classes)
            Joint log-probability of each sample under each class, columns in the
            order of ``classes_``.
        """
        jll, dtype = self._checked_jll(X)
        return jll.astype(dtype, copy=False)

    def predict(self, X):
        """Predict the most probable class of each sample.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            The predicted class labels.
        """
        jll, _ = self._checked_jll(X)
        return self.classes_[np.argmax(jll, axis=1)]

    def predict_log_proba(self, X):
        """Return the log of the class probabilities of each sample.

        The joint log-probabilities are normalised with a log-sum-exp, so that
        no probability underflows before the logarithm is taken.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input samples.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probability of each class, columns in the order of
            ``classes_``.
        """
        jll, dtype = self._checked_jll(X)
        return _log_normalize(jll).astype(dtype, copy=False)

    def predict_proba(self, X):
        """Return the class probabilities of each sample.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probability of each class, columns in the order of
            ``classes_``; each row sums to one.
        """
        jll, dtype = self._checked_jll(X)
        out = _log_normalize(jll)
        return np.exp(out, out=out).astype(dtype, copy=False)
