# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Gaussian naive Bayes.

Fitting reads ``X`` once, in row blocks small enough to stay in cache: per block,
the per-class weighted sums come from one matrix product with the (weighted)
class-indicator matrix, the centred sums of squares from a second product on the
still-cached block, and blocks are merged with the pairwise update of Chan,
Golub and LeVeque. ``partial_fit`` merges batches with the same update.

Prediction expands ``sum_j (x_j - theta_j)^2 / var_j`` into two matrix products
(``x^2 @ (1/var)`` and ``x @ (theta/var)``) on ``x`` centred at the mean of the
class means, which keeps the cancellation error far below ``1e-6``.
"""

from numbers import Real

import numpy as np

from skml.naive_bayes._base import _BaseNB, check_priors
from skml.utils._sklearn import Interval, validate_data

# Row-block size, in elements, of the blocked fit and prediction loops (2**16
# float64 values = 512 KiB, which stays in a core's L2 cache). A block's row
# width is the larger of n_features (the block of X) and n_classes (the block of
# class weights or of log-likelihoods), so many classes do not blow up memory.
_BLOCK_ELEMENTS = 1 << 16


def _block_rows(width):
    return max(1, _BLOCK_ELEMENTS // max(width, 1))


def _row_blocks(n_samples, width):
    step = _block_rows(width)
    for start in range(0, n_samples, step):
        yield slice(start, min(start + step, n_samples))


def _merge_moments(count_a, mean_a, ssd_a, count_b, mean_b, ssd_b):
    """Merge per-class (count, mean, sum of squared deviations) of two sample sets.

    ``count_*`` have shape (n_classes,), ``mean_*`` and ``ssd_*`` shape
    (n_classes, n_features). A class whose count is zero in one set takes the
    other set's moments unchanged.
    """
    total = count_a + count_b
    only_b = count_a == 0
    both = ~only_b & (count_b != 0)
    mean = mean_a.copy()
    ssd = ssd_a.copy()
    mean[only_b] = mean_b[only_b]
    ssd[only_b] = ssd_b[only_b]
    if both.any():
        n_a = count_a[both, None]
        n_b = count_b[both, None]
        n = total[both, None]
        delta = mean_b[both] - mean_a[both]
        mean[both] = mean_a[both] + delta * (n_b / n)
        ssd[both] = ssd_a[both] + ssd_b[both] + delta**2 * (n_a * n_b / n)
    return total, mean, ssd


def _class_moments(X, y_index, n_classes, sample_weight):
    """Weighted count, mean and sum of squared deviations of each class.

    Computed in float64 whatever the dtype of ``X``, in one pass over ``X``.
    Classes whose total weight in this batch is (close to) zero get count 0,
    mean 0 and ssd 0, as scikit-learn skips them.
    """
    n_samples, n_features = X.shape
    width = max(n_features, n_classes)
    count = np.zeros(n_classes)
    mean = np.zeros((n_classes, n_features))
    ssd = np.zeros((n_classes, n_features))
    buffer = np.empty((min(n_samples, _block_rows(width)), n_features))
    for rows in _row_blocks(n_samples, width):
        block = X[rows]
        index = y_index[rows]
        weights = np.zeros((block.shape[0], n_classes))
        if sample_weight is None:
            weights[np.arange(block.shape[0]), index] = 1.0
        else:
            weights[np.arange(block.shape[0]), index] = sample_weight[rows]
        block_count = weights.sum(axis=0)
        present = block_count != 0.0
        divisor = np.where(present, block_count, 1.0)[:, None]
        block_mean = (weights.T @ block) / divisor
        block_mean[~present] = 0.0
        # Centre each row on its own class mean (into the cached buffer), square.
        deviations = buffer[: block.shape[0]]
        np.subtract(block, block_mean[index], out=deviations)
        np.multiply(deviations, deviations, out=deviations)
        block_ssd = weights.T @ deviations
        block_ssd[~present] = 0.0
        count, mean, ssd = _merge_moments(
            count, mean, ssd, block_count, block_mean, block_ssd
        )
    # Decide on the batch total, not per block, so the result does not depend
    # on the block size.
    absent = np.isclose(count, 0.0)
    count[absent] = 0.0
    mean[absent] = 0.0
    ssd[absent] = 0.0
    return count, mean, ssd


class GaussianNB(_BaseNB):
    """Gaussian naive Bayes classifier.

    Models each feature, within each class, as an independent normal
    distribution with the class's mean and variance. The class means and
    variances are exact weighted statistics; :meth:`partial_fit` merges batches
    with the pairwise update of Chan, Golub and LeVeque, so fitting in batches
    gives the same model as fitting at once. Probabilities are computed in log
    space.

    Read more in the :ref:`User Guide <naive_bayes>`.

    Parameters
    ----------
    priors : array-like of shape (n_classes,), default=None
        Prior probabilities of the classes, in the order of the sorted class
        labels: non-negative and summing to one. If given, they are used as
        they are and not estimated from the data.

    var_smoothing : float, default=1e-9
        Fraction of the largest feature variance (over all samples of the last
        batch) added to every variance, for numerical stability.

    Attributes
    ----------
    class_count_ : ndarray of shape (n_classes,)
        Number of training samples seen in each class (the sum of their weights
        when ``sample_weight`` is given).

    class_prior_ : ndarray of shape (n_classes,)
        Probability of each class.

    classes_ : ndarray of shape (n_classes,)
        Class labels known to the classifier.

    epsilon_ : float
        Absolute value added to the variances.

    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit``. Defined only when `X` has
        feature names that are all strings.

    var_ : ndarray of shape (n_classes, n_features)
        Variance of each feature in each class, ``epsilon_`` included.

    theta_ : ndarray of shape (n_classes, n_features)
        Mean of each feature in each class.

    See Also
    --------
    MultinomialNB : Naive Bayes classifier for multinomial (count) models.
    BernoulliNB : Naive Bayes classifier for binary features.
    ComplementNB : Complement naive Bayes classifier for imbalanced text data.

    Notes
    -----
    ``theta_``, ``var_`` and the probabilities keep the dtype of a float32
    ``X``; the statistics are accumulated in float64 in any case.

    References
    ----------
    T. F. Chan, G. H. Golub and R. J. LeVeque (1979). Updating formulae and a
    pairwise algorithm for computing sample variances. Stanford technical report
    STAN-CS-79-773.

    Examples
    --------
    >>> import numpy as np
    >>> from skml.naive_bayes import GaussianNB
    >>> X = np.array([[-1, -1], [-2, -1], [-3, -2], [1, 1], [2, 1], [3, 2]])
    >>> y = np.array([1, 1, 1, 2, 2, 2])
    >>> clf = GaussianNB().fit(X, y)
    >>> clf.predict([[-0.8, -1]])
    array([1])
    """

    _parameter_constraints: dict = {
        "priors": ["array-like", None],
        "var_smoothing": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(self, *, priors=None, var_smoothing=1e-9):
        self.priors = priors
        self.var_smoothing = var_smoothing

    def _validate_train_X(self, X, y, reset):
        return validate_data(self, X, y, dtype=[np.float64, np.float32], reset=reset)

    def _check_X(self, X):
        return validate_data(self, X, dtype=[np.float64, np.float32], reset=False)

    def _init_state(self, X, n_classes):
        n_features = X.shape[1]
        dtype = X.dtype
        if self.priors is None:
            class_prior = np.zeros(n_classes, dtype=dtype)
        else:
            priors = check_priors(self.priors, n_classes)
            class_prior = priors.astype(dtype)
        self.theta_ = np.zeros((n_classes, n_features), dtype=dtype)
        self.var_ = np.zeros((n_classes, n_features), dtype=dtype)
        self.class_count_ = np.zeros(n_classes, dtype=dtype)
        self.epsilon_ = dtype.type(0.0)
        self.class_prior_ = class_prior

    def _output_dtype(self, X):
        return np.result_type(X.dtype, self.theta_.dtype)

    def _update_state(self, X, y_index, sample_weight):
        n_classes = len(self.classes_)
        dtype = self.theta_.dtype
        count, mean, ssd = _class_moments(X, y_index, n_classes, sample_weight)

        # var_smoothing is relative to the largest (unweighted) feature variance
        # of this batch. Without weights it follows from the class moments.
        if sample_weight is None:
            # Law of total variance: within-class plus between-class parts.
            grand_mean = (count @ mean) / count.sum()
            total_ssd = ssd.sum(axis=0) + count @ (mean - grand_mean) ** 2
            largest_var = total_ssd.max() / X.shape[0]
        else:
            largest_var = np.var(X, axis=0, dtype=np.float64).max()
        old_epsilon = float(self.epsilon_)
        epsilon = self.var_smoothing * largest_var

        past_count = self.class_count_.astype(np.float64)
        past_ssd = (self.var_.astype(np.float64) - old_epsilon) * past_count[:, None]
        past_ssd[past_count == 0] = 0.0
        total, theta, ssd = _merge_moments(
            past_count, self.theta_.astype(np.float64), past_ssd, count, mean, ssd
        )
        var = ssd / np.where(total == 0, 1.0, total)[:, None]
        self.theta_ = theta.astype(dtype)
        self.var_ = (var + epsilon).astype(dtype)
        self.class_count_ = total.astype(dtype)
        self.epsilon_ = dtype.type(epsilon)
        if self.priors is None:
            self.class_prior_ = (total / total.sum()).astype(dtype)

    def _joint_log_likelihood(self, X):
        theta = self.theta_.astype(np.float64)
        var = self.var_.astype(np.float64)
        with np.errstate(divide="ignore"):
            log_prior = np.log(self.class_prior_.astype(np.float64))
        # Centre on the mean of the class means: the expansion below then adds
        # terms of the size of the spread of the data, not of its offset.
        center = theta.mean(axis=0)
        offset = theta - center
        precision = 1.0 / var
        linear = np.ascontiguousarray((offset * precision).T)
        quadratic = np.ascontiguousarray((-0.5 * precision).T)
        constant = log_prior - 0.5 * (
            np.log(2.0 * np.pi * var).sum(axis=1) + (offset**2 * precision).sum(axis=1)
        )
        n_samples, n_features = X.shape
        n_classes = len(self.classes_)
        jll = np.empty((n_samples, n_classes))
        for rows in _row_blocks(n_samples, max(n_features, n_classes)):
            block = np.subtract(X[rows], center, dtype=np.float64)
            out = jll[rows]
            np.matmul(block, linear, out=out)
            np.multiply(block, block, out=block)
            out += block @ quadratic
        jll += constant
        return jll
