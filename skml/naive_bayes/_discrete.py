# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Naive Bayes models of count and binary features.

:class:`MultinomialNB`, :class:`ComplementNB` and :class:`BernoulliNB` share one
sufficient statistic: the weighted sum of each feature over the samples of each
class (``feature_count_``) and the weighted number of samples of each class
(``class_count_``). Both come from one product of ``X`` with the weighted
class-indicator matrix, which for CSR input is a single pass over the stored
values. The models differ only in how they smooth those counts into
log-probabilities, written out in each class below.
"""

import warnings
from numbers import Real

import numpy as np
import scipy.sparse as sp

from skml.naive_bayes._base import _BaseNB, check_priors
from skml.utils._sklearn import Interval, check_non_negative, validate_data

# force_alpha=False raises smaller smoothing values to this floor.
_ALPHA_FLOOR = 1e-10

_DISCRETE_CONSTRAINTS = {
    "alpha": [Interval(Real, 0, None, closed="left"), "array-like"],
    "force_alpha": ["boolean"],
    "fit_prior": ["boolean"],
    "class_prior": ["array-like", None],
}


def _validate_count_data(estimator, X, y, reset, non_negative):
    X, y = validate_data(
        estimator,
        X,
        y,
        accept_sparse="csr",
        dtype=[np.float64, np.float32],
        reset=reset,
    )
    if non_negative:
        check_non_negative(X, f"{type(estimator).__name__} (input X)")
    return X, y


def _check_count_X(estimator, X, non_negative):
    X = validate_data(
        estimator, X, accept_sparse="csr", dtype=[np.float64, np.float32], reset=False
    )
    if non_negative:
        check_non_negative(X, f"{type(estimator).__name__} (input X)")
    return X


def _binarize(X, threshold):
    """Map values above ``threshold`` to 1 and the others to 0 (a new array)."""
    if sp.issparse(X):
        if threshold < 0:
            raise ValueError(
                f"Cannot binarize a sparse matrix with binarize={threshold} < 0: "
                "its implicit zeros would all become ones. Pass a dense array or "
                "a threshold >= 0."
            )
        X = X.copy()
        X.data = (X.data > threshold).astype(X.dtype)
        X.eliminate_zeros()
        return X
    return (X > threshold).astype(X.dtype)


def _class_indicator(y_index, n_classes, sample_weight):
    """Return the (n_samples, n_classes) weighted one-hot encoding of the labels."""
    indicator = np.zeros((y_index.shape[0], n_classes))
    values = 1.0 if sample_weight is None else sample_weight
    indicator[np.arange(y_index.shape[0]), y_index] = values
    return indicator


def _count_by_class(X, y_index, n_classes, sample_weight):
    """Weighted number of samples and sum of each feature, per class (float64)."""
    indicator = _class_indicator(y_index, n_classes, sample_weight)
    if sp.issparse(X):
        # CSR^T is CSC: one pass over the stored values, scattering into classes.
        feature_count = np.ascontiguousarray((X.T @ indicator).T)
    else:
        feature_count = indicator.T @ X
    if sample_weight is None:
        class_count = np.bincount(y_index, minlength=n_classes).astype(np.float64)
    else:
        class_count = np.bincount(y_index, weights=sample_weight, minlength=n_classes)
    return class_count, np.asarray(feature_count, dtype=np.float64)


def _init_counts(estimator, X, n_classes):
    _check_class_prior(estimator, n_classes)
    estimator.class_count_ = np.zeros(n_classes)
    estimator.feature_count_ = np.zeros((n_classes, X.shape[1]))


def _accumulate_counts(estimator, X, y_index, sample_weight):
    """Add this batch's counts to the running sums; return the smoothing to use.

    ``alpha`` and ``class_prior`` are checked first, so that a bad value leaves
    the counts as they were.
    """
    alpha = _effective_alpha(estimator)
    _check_class_prior(estimator, len(estimator.classes_))
    class_count, feature_count = _count_by_class(
        X, y_index, len(estimator.classes_), sample_weight
    )
    estimator.class_count_ += class_count
    estimator.feature_count_ += feature_count
    return alpha


def _effective_alpha(estimator):
    """Return the smoothing to use: a float or an array of shape (n_features,)."""
    alpha = estimator.alpha
    if not isinstance(alpha, Real):
        alpha = np.asarray(alpha, dtype=np.float64)
        if alpha.shape != (estimator.n_features_in_,):
            raise ValueError(
                "When alpha is an array, it should contain `n_features` "
                f"({estimator.n_features_in_}) elements; got shape {alpha.shape}."
            )
        if (alpha < 0).any():
            raise ValueError("All values in alpha must be greater than or equal to 0.")
    if np.min(alpha) < _ALPHA_FLOOR and not estimator.force_alpha:
        warnings.warn(
            f"alpha too small will result in numeric errors, setting alpha = "
            f"{_ALPHA_FLOOR:.1e}. Use `force_alpha=True` to keep alpha unchanged.",
            UserWarning,
            stacklevel=6,  # the caller of fit or partial_fit
        )
        return np.maximum(alpha, _ALPHA_FLOOR)
    return alpha


def _check_class_prior(estimator, n_classes):
    if estimator.class_prior is not None:
        check_priors(estimator.class_prior, n_classes)


def _class_log_prior(estimator):
    """Log prior of each class: given, empirical (weighted) or uniform."""
    n_classes = len(estimator.classes_)
    if estimator.class_prior is not None:
        with np.errstate(divide="ignore"):
            return np.log(np.asarray(estimator.class_prior, dtype=np.float64))
    if estimator.fit_prior:
        # A class not seen yet (partial_fit) has log-prior -inf.
        with np.errstate(divide="ignore"):
            return np.log(estimator.class_count_) - np.log(estimator.class_count_.sum())
    return np.full(n_classes, -np.log(n_classes))


def _log_ratio(numerator, denominator):
    """``log(numerator) - log(denominator)``; zero counts give -inf, not warnings."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(numerator) - np.log(denominator)


class _CountDataMixin:
    """Input handling shared by the three count models.

    ``_non_negative`` says whether negative values are an error (multinomial and
    complement counts) or merely binarised away (Bernoulli); ``_prepare`` is the
    hook for any per-model transform of validated X.
    """

    _non_negative = True

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.input_tags.positive_only = self._non_negative
        tags.classifier_tags.poor_score = True
        return tags

    def _prepare(self, X):
        return X

    def _validate_train_X(self, X, y, reset):
        X, y = _validate_count_data(self, X, y, reset, non_negative=self._non_negative)
        return self._prepare(X), y

    def _check_X(self, X):
        X = _check_count_X(self, X, non_negative=self._non_negative)
        return self._prepare(X)

    def _init_state(self, X, n_classes):
        _init_counts(self, X, n_classes)


class MultinomialNB(_CountDataMixin, _BaseNB):
    """Naive Bayes classifier for multinomial models.

    Suited to count features such as word counts in text classification: each
    class draws features from its own multinomial distribution, estimated from
    smoothed feature counts. Fractional counts (for example tf-idf) work in
    practice too. Dense and sparse CSR input are accepted.

    Read more in the :ref:`User Guide <naive_bayes>`.

    Parameters
    ----------
    alpha : float or array-like of shape (n_features,), default=1.0
        Additive (Laplace/Lidstone) smoothing parameter; 0 means no smoothing
        (with ``force_alpha=True``).

    force_alpha : bool, default=True
        If False, an ``alpha`` below 1e-10 is raised to 1e-10 with a warning.
        If True, ``alpha`` is used unchanged, which may give infinite
        log-probabilities when ``alpha`` is 0.

    fit_prior : bool, default=True
        Whether to learn the class prior probabilities from the data. If False,
        a uniform prior is used.

    class_prior : array-like of shape (n_classes,), default=None
        Prior probabilities of the classes, non-negative and summing to one.
        If given, they are not estimated from the data.

    Attributes
    ----------
    class_count_ : ndarray of shape (n_classes,)
        Number of samples seen in each class (weighted by ``sample_weight``).

    class_log_prior_ : ndarray of shape (n_classes,)
        Log prior probability of each class.

    classes_ : ndarray of shape (n_classes,)
        Class labels known to the classifier.

    feature_count_ : ndarray of shape (n_classes, n_features)
        Sum of each feature over the samples of each class (weighted by
        ``sample_weight``).

    feature_log_prob_ : ndarray of shape (n_classes, n_features)
        Smoothed empirical log probability of each feature given a class,
        ``log P(x_i | y)``.

    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit``. Defined only when `X` has
        feature names that are all strings.

    See Also
    --------
    ComplementNB : Complement naive Bayes, often better on imbalanced text.
    BernoulliNB : Naive Bayes classifier for binary features.
    GaussianNB : Gaussian naive Bayes for continuous features.

    Notes
    -----
    ``X`` must be non-negative; a negative value raises a ``ValueError`` in
    ``fit``, ``partial_fit`` and the prediction methods.

    References
    ----------
    C. D. Manning, P. Raghavan and H. Schuetze (2008). Introduction to
    Information Retrieval. Cambridge University Press, pp. 234-265.

    Examples
    --------
    >>> import numpy as np
    >>> from skml.naive_bayes import MultinomialNB
    >>> rng = np.random.RandomState(1)
    >>> X = rng.randint(5, size=(6, 100))
    >>> y = np.array([1, 2, 3, 4, 5, 6])
    >>> clf = MultinomialNB().fit(X, y)
    >>> clf.predict(X[2:3])
    array([3])
    """

    _parameter_constraints: dict = {**_DISCRETE_CONSTRAINTS}

    def __init__(
        self, *, alpha=1.0, force_alpha=True, fit_prior=True, class_prior=None
    ):
        self.alpha = alpha
        self.force_alpha = force_alpha
        self.fit_prior = fit_prior
        self.class_prior = class_prior

    def _update_state(self, X, y_index, sample_weight):
        alpha = _accumulate_counts(self, X, y_index, sample_weight)
        smoothed = self.feature_count_ + alpha
        self.feature_log_prob_ = _log_ratio(
            smoothed, smoothed.sum(axis=1, keepdims=True)
        )
        self.class_log_prior_ = _class_log_prior(self)

    def _joint_log_likelihood(self, X):
        jll = np.asarray(X @ self.feature_log_prob_.T, dtype=np.float64)
        jll += self.class_log_prior_
        return jll


class ComplementNB(_CountDataMixin, _BaseNB):
    """Complement naive Bayes classifier, as described by Rennie et al. (2003).

    A variant of :class:`MultinomialNB` that estimates, for each class, the
    feature distribution of all the *other* classes (its complement) and scores
    a sample by how badly it fits the complement. It is more robust than the
    multinomial model on imbalanced classes and often better on text. Dense and
    sparse CSR input are accepted.

    Read more in the :ref:`User Guide <naive_bayes>`.

    Parameters
    ----------
    alpha : float or array-like of shape (n_features,), default=1.0
        Additive (Laplace/Lidstone) smoothing parameter; 0 means no smoothing
        (with ``force_alpha=True``).

    force_alpha : bool, default=True
        If False, an ``alpha`` below 1e-10 is raised to 1e-10 with a warning.
        If True, ``alpha`` is used unchanged.

    fit_prior : bool, default=True
        Whether ``class_log_prior_`` is learnt from the data (if False, it is
        uniform). The complement model's decision does not use the prior; the
        parameter is kept for compatibility with scikit-learn.

    class_prior : array-like of shape (n_classes,), default=None
        Prior probabilities of the classes (non-negative, summing to one),
        stored in ``class_log_prior_``; not used by the decision either (but
        for a single class).

    norm : bool, default=False
        Whether to normalise the weights of each class by their sum (the second
        normalisation of Rennie et al.).

    Attributes
    ----------
    class_count_ : ndarray of shape (n_classes,)
        Number of samples seen in each class (weighted by ``sample_weight``).

    class_log_prior_ : ndarray of shape (n_classes,)
        Log prior probability of each class; not used by the predictions.

    classes_ : ndarray of shape (n_classes,)
        Class labels known to the classifier.

    feature_all_ : ndarray of shape (n_features,)
        Sum of each feature over all samples (weighted by ``sample_weight``).

    feature_count_ : ndarray of shape (n_classes, n_features)
        Sum of each feature over the samples of each class (weighted by
        ``sample_weight``).

    feature_log_prob_ : ndarray of shape (n_classes, n_features)
        Weight of each feature for each class: the negated log probability of
        the feature in the class complement (normalised when ``norm=True``).

    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit``. Defined only when `X` has
        feature names that are all strings.

    See Also
    --------
    MultinomialNB : Naive Bayes classifier for multinomial (count) models.
    BernoulliNB : Naive Bayes classifier for binary features.
    GaussianNB : Gaussian naive Bayes for continuous features.

    Notes
    -----
    ``X`` must be non-negative. The class scores are not probabilities of a
    generative model; ``predict_proba`` normalises them with a softmax.

    References
    ----------
    J. D. M. Rennie, L. Shih, J. Teevan and D. R. Karger (2003). Tackling the
    poor assumptions of naive Bayes text classifiers. In ICML, pp. 616-623.

    Examples
    --------
    >>> import numpy as np
    >>> from skml.naive_bayes import ComplementNB
    >>> rng = np.random.RandomState(1)
    >>> X = rng.randint(5, size=(6, 100))
    >>> y = np.array([1, 2, 3, 4, 5, 6])
    >>> clf = ComplementNB().fit(X, y)
    >>> clf.predict(X[2:3])
    array([3])
    """

    _parameter_constraints: dict = {**_DISCRETE_CONSTRAINTS, "norm": ["boolean"]}

    def __init__(
        self,
        *,
        alpha=1.0,
        force_alpha=True,
        fit_prior=True,
        class_prior=None,
        norm=False,
    ):
        self.alpha = alpha
        self.force_alpha = force_alpha
        self.fit_prior = fit_prior
        self.class_prior = class_prior
        self.norm = norm

    def _update_state(self, X, y_index, sample_weight):
        alpha = _accumulate_counts(self, X, y_index, sample_weight)
        self.feature_all_ = self.feature_count_.sum(axis=0)
        complement = self.feature_all_ + alpha - self.feature_count_
        log_complement = _log_ratio(complement, complement.sum(axis=1, keepdims=True))
        if self.norm:
            self.feature_log_prob_ = log_complement / log_complement.sum(
                axis=1, keepdims=True
            )
        else:
            self.feature_log_prob_ = -log_complement
        self.class_log_prior_ = _class_log_prior(self)

    def _joint_log_likelihood(self, X):
        # Not a joint log-likelihood: the complement weights score each class
        # and no prior is added, except for a single class (as scikit-learn
        # does: its complement is empty, the prior is all there is).
        jll = np.asarray(X @ self.feature_log_prob_.T, dtype=np.float64)
        if len(self.classes_) == 1:
            jll += self.class_log_prior_
        return jll


class BernoulliNB(_CountDataMixin, _BaseNB):
    """Naive Bayes classifier for multivariate Bernoulli models.

    Suited to binary (presence/absence) features: each class gives each feature
    its own probability of being present, and, unlike :class:`MultinomialNB`,
    an absent feature counts as evidence too. Inputs are binarised with the
    ``binarize`` threshold first. Dense and sparse CSR input are accepted.

    Read more in the :ref:`User Guide <naive_bayes>`.

    Parameters
    ----------
    alpha : float or array-like of shape (n_features,), default=1.0
        Additive (Laplace/Lidstone) smoothing parameter; 0 means no smoothing
        (with ``force_alpha=True``).

    force_alpha : bool, default=True
        If False, an ``alpha`` below 1e-10 is raised to 1e-10 with a warning.
        If True, ``alpha`` is used unchanged.

    binarize : float or None, default=0.0
        Threshold for mapping features to 0/1: values above it become 1. If
        None, the input is presumed to be binary already.

    fit_prior : bool, default=True
        Whether to learn the class prior probabilities from the data. If False,
        a uniform prior is used.

    class_prior : array-like of shape (n_classes,), default=None
        Prior probabilities of the classes, non-negative and summing to one.
        If given, they are not estimated from the data.

    Attributes
    ----------
    class_count_ : ndarray of shape (n_classes,)
        Number of samples seen in each class (weighted by ``sample_weight``).

    class_log_prior_ : ndarray of shape (n_classes,)
        Log prior probability of each class.

    classes_ : ndarray of shape (n_classes,)
        Class labels known to the classifier.

    feature_count_ : ndarray of shape (n_classes, n_features)
        Number of samples of each class in which each feature is present
        (weighted by ``sample_weight``).

    feature_log_prob_ : ndarray of shape (n_classes, n_features)
        Smoothed empirical log probability of each feature being present given
        a class, ``log P(x_i = 1 | y)``.

    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit``. Defined only when `X` has
        feature names that are all strings.

    See Also
    --------
    MultinomialNB : Naive Bayes classifier for multinomial (count) models.
    ComplementNB : Complement naive Bayes classifier for imbalanced text data.
    GaussianNB : Gaussian naive Bayes for continuous features.

    Notes
    -----
    With a sparse ``X``, ``binarize`` must be at least 0 so that the implicit
    zeros stay zeros.

    References
    ----------
    A. McCallum and K. Nigam (1998). A comparison of event models for naive
    Bayes text classification. Proc. AAAI/ICML-98 Workshop on Learning for Text
    Categorization, pp. 41-48.

    Examples
    --------
    >>> import numpy as np
    >>> from skml.naive_bayes import BernoulliNB
    >>> rng = np.random.RandomState(1)
    >>> X = rng.randint(5, size=(6, 100))
    >>> y = np.array([1, 2, 3, 4, 4, 5])
    >>> clf = BernoulliNB().fit(X, y)
    >>> clf.predict(X[2:3])
    array([3])
    """

    _parameter_constraints: dict = {
        **_DISCRETE_CONSTRAINTS,
        "binarize": [None, Interval(Real, None, None, closed="neither")],
    }

    def __init__(
        self,
        *,
        alpha=1.0,
        force_alpha=True,
        binarize=0.0,
        fit_prior=True,
        class_prior=None,
    ):
        self.alpha = alpha
        self.force_alpha = force_alpha
        self.binarize = binarize
        self.fit_prior = fit_prior
        self.class_prior = class_prior

    # Any real values are accepted: binarize maps them to 0/1.
    _non_negative = False

    def _prepare(self, X):
        return X if self.binarize is None else _binarize(X, self.binarize)

    def _update_state(self, X, y_index, sample_weight):
        alpha = _accumulate_counts(self, X, y_index, sample_weight)
        self.feature_log_prob_ = _log_ratio(
            self.feature_count_ + alpha, self.class_count_[:, None] + 2.0 * alpha
        )
        self.class_log_prior_ = _class_log_prior(self)

    def _joint_log_likelihood(self, X):
        # log P(x | y) = sum_i x_i log p_i + (1 - x_i) log(1 - p_i)
        #              = x @ (log p - log(1 - p)) + sum_i log(1 - p_i)
        with np.errstate(divide="ignore", invalid="ignore"):
            log_absent = np.log1p(-np.exp(self.feature_log_prob_))
            weights = self.feature_log_prob_ - log_absent
        jll = np.asarray(X @ weights.T, dtype=np.float64)
        jll += self.class_log_prior_ + log_absent.sum(axis=1)
        return jll
