# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Behaviour of the naive Bayes models: batches, weights, sparse input, dtypes."""

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import logsumexp
from scipy.stats import norm

from skml.naive_bayes import BernoulliNB, ComplementNB, GaussianNB, MultinomialNB

ALL_MODELS = [GaussianNB, MultinomialNB, BernoulliNB, ComplementNB]
COUNT_MODELS = [MultinomialNB, BernoulliNB, ComplementNB]
STATISTICS = (
    "theta_",
    "var_",
    "class_count_",
    "feature_count_",
    "feature_all_",
    "feature_log_prob_",
    "class_log_prior_",
)


def _data(model, seed, n_samples=300, n_features=12, n_classes=3):
    """Class-dependent data: Poisson counts for count models, normal otherwise."""
    rng = np.random.default_rng(seed)
    y = rng.integers(n_classes, size=n_samples)
    if model is GaussianNB:
        centers = 2.0 * rng.standard_normal((n_classes, n_features))
        return rng.standard_normal((n_samples, n_features)) + centers[y], y
    rates = rng.uniform(0.2, 4.0, size=(n_classes, n_features))
    return rng.poisson(rates[y]).astype(np.float64), y


def _exact(Model):
    """The model with nothing that depends on how the data are split or weighted.

    GaussianNB's epsilon_ is var_smoothing times the largest *unweighted*
    variance of the last batch, so it changes with batching and with weights
    (as in scikit-learn); without it the statistics must agree exactly.
    """
    return Model(var_smoothing=0.0) if Model is GaussianNB else Model()


def _assert_same_fit(a, b, X):
    """Same fitted statistics and probabilities."""
    assert_array_equal(a.classes_, b.classes_)
    for attribute in STATISTICS:
        if hasattr(a, attribute):
            assert_allclose(getattr(a, attribute), getattr(b, attribute), rtol=1e-7)
    assert_allclose(a.predict_proba(X), b.predict_proba(X), atol=1e-8)


@pytest.mark.parametrize("Model", ALL_MODELS)
@pytest.mark.parametrize("weighted", [False, True])
def test_nb_partial_fit_in_batches_equals_fit(Model, weighted, global_random_seed):
    X, y = _data(Model, global_random_seed)
    rng = np.random.default_rng(global_random_seed)
    weights = rng.uniform(0.1, 2.0, size=len(y)) if weighted else None
    full = _exact(Model).fit(X, y, sample_weight=weights)
    batched = _exact(Model)
    for batch in np.array_split(np.arange(len(y)), 5):
        batched.partial_fit(
            X[batch],
            y[batch],
            classes=[0, 1, 2],
            sample_weight=None if weights is None else weights[batch],
        )
    _assert_same_fit(full, batched, X)


@pytest.mark.parametrize("Model", ALL_MODELS)
def test_nb_partial_fit_accepts_batches_missing_classes(Model, global_random_seed):
    X, y = _data(Model, global_random_seed)
    order = np.argsort(y, kind="stable")  # each batch holds one or two classes
    model = _exact(Model)
    for batch in np.array_split(order, 4):
        model.partial_fit(X[batch], y[batch], classes=[0, 1, 2])
    _assert_same_fit(_exact(Model).fit(X, y), model, X)


@pytest.mark.parametrize("Model", ALL_MODELS)
def test_nb_sample_weight_equals_repetition(Model, global_random_seed):
    # Weights 0 to 3: a weight of 0 drops the sample.
    X, y = _data(Model, global_random_seed, n_samples=120)
    repeats = np.random.default_rng(global_random_seed).integers(0, 4, size=len(y))
    weighted = _exact(Model).fit(X, y, sample_weight=repeats)
    repeated = _exact(Model).fit(np.repeat(X, repeats, axis=0), np.repeat(y, repeats))
    _assert_same_fit(weighted, repeated, X)


@pytest.mark.parametrize("Model", COUNT_MODELS)
def test_count_nb_dense_and_sparse_agree(Model, global_random_seed):
    X, y = _data(Model, global_random_seed)
    X_csr = sp.csr_matrix(X)
    weights = np.random.default_rng(global_random_seed).uniform(size=len(y))
    dense = Model().fit(X, y, sample_weight=weights)
    sparse = Model().fit(X_csr, y, sample_weight=weights)
    _assert_same_fit(dense, sparse, X)
    assert_allclose(
        dense.predict_joint_log_proba(X), sparse.predict_joint_log_proba(X_csr)
    )
    batched = Model()
    for batch in np.array_split(np.arange(len(y)), 3):
        batched.partial_fit(X_csr[batch], y[batch], classes=[0, 1, 2])
    _assert_same_fit(Model().fit(X, y), batched, X)


@pytest.mark.parametrize("Model", COUNT_MODELS)
def test_count_nb_accepts_other_sparse_formats(Model, global_random_seed):
    X, y = _data(Model, global_random_seed)
    expected = Model().fit(X, y).predict_proba(X)
    model = Model().fit(sp.csc_matrix(X), y)
    assert_allclose(model.predict_proba(sp.coo_matrix(X)), expected)


def test_gaussian_nb_keeps_float32(global_random_seed):
    X, y = _data(GaussianNB, global_random_seed)
    model64 = GaussianNB().fit(X, y)
    model32 = GaussianNB().fit(X.astype(np.float32), y)
    for attribute in ("theta_", "var_", "class_count_", "class_prior_"):
        assert getattr(model32, attribute).dtype == np.float32
        assert_allclose(
            getattr(model32, attribute), getattr(model64, attribute), rtol=1e-5
        )
    proba = model32.predict_proba(X.astype(np.float32))
    assert proba.dtype == np.float32
    assert_allclose(proba, model64.predict_proba(X), atol=1e-5)
    assert_array_equal(model32.predict(X.astype(np.float32)), model64.predict(X))
    # A float64 X on a float32 model gives float64 output, as in scikit-learn.
    assert model32.predict_proba(X).dtype == np.float64


@pytest.mark.parametrize("Model", COUNT_MODELS)
def test_count_nb_float32_input_gives_float64_model(Model, global_random_seed):
    X, y = _data(Model, global_random_seed)
    model64 = Model().fit(X, y)
    model32 = Model().fit(X.astype(np.float32), y)
    assert model32.feature_log_prob_.dtype == np.float64
    assert_allclose(model32.feature_log_prob_, model64.feature_log_prob_)
    X32 = sp.csr_matrix(X.astype(np.float32))
    assert_allclose(model32.predict_proba(X32), model64.predict_proba(X), rtol=1e-6)


def test_gaussian_nb_joint_log_proba_matches_scipy_stats(global_random_seed):
    X, y = _data(GaussianNB, global_random_seed, n_samples=200, n_features=5)
    model = GaussianNB().fit(X, y)
    expected = np.log(model.class_prior_) + np.stack(
        [
            norm.logpdf(X, model.theta_[k], np.sqrt(model.var_[k])).sum(axis=1)
            for k in range(3)
        ],
        axis=1,
    )
    jll = model.predict_joint_log_proba(X)
    assert_allclose(jll, expected, rtol=1e-10)
    # The reference's own rounding is ~1e-15 in absolute terms, which is far
    # from relative precision for log-probabilities near 0.
    assert_allclose(
        model.predict_log_proba(X),
        expected - logsumexp(expected, 1)[:, None],
        rtol=1e-10,
        atol=1e-13,
    )


def test_gaussian_nb_partial_fit_epsilon_follows_last_batch(global_random_seed):
    X, y = _data(GaussianNB, global_random_seed)
    first, last = slice(0, 200), slice(200, None)
    model = GaussianNB(var_smoothing=1e-3)
    model.partial_fit(X[first], y[first], classes=[0, 1, 2])
    model.partial_fit(X[last], y[last])
    epsilon = 1e-3 * np.var(X[last], axis=0).max()
    assert_allclose(model.epsilon_, epsilon)
    pooled = [np.var(X[y == k], axis=0) for k in range(3)]
    assert_allclose(model.var_, np.add(pooled, epsilon))


def test_nb_log_proba_of_dominant_class_keeps_relative_precision():
    # Two classes whose joint log-likelihoods differ by d: the winner has
    # log-probability -log1p(exp(-d)), about -exp(-d), far below 1e-16.
    X = np.array([[0.0], [1.0], [10.0], [11.0]])
    model = GaussianNB().fit(X, [0, 0, 1, 1])
    query = np.array([[1.0], [4.0], [7.0]])  # gaps of about 180, 60 and 60
    jll = model.predict_joint_log_proba(query)
    gap = np.abs(jll[:, 0] - jll[:, 1])
    winner = jll.argmax(axis=1)
    log_proba = model.predict_log_proba(query)
    assert_allclose(log_proba[np.arange(3), winner], -np.log1p(np.exp(-gap)))
    assert np.all(log_proba[np.arange(3), winner] < 0)


def test_gaussian_nb_statistics_are_weighted_moments(global_random_seed):
    X, y = _data(GaussianNB, global_random_seed)
    weights = np.random.default_rng(global_random_seed).uniform(0.1, 1.0, len(y))
    model = GaussianNB(var_smoothing=0.0).fit(X, y, sample_weight=weights)
    for k in range(3):
        w = weights[y == k]
        mean = np.average(X[y == k], axis=0, weights=w)
        var = np.average((X[y == k] - mean) ** 2, axis=0, weights=w)
        assert_allclose(model.theta_[k], mean)
        assert_allclose(model.var_[k], var)
        assert_allclose(model.class_count_[k], w.sum())
    assert model.epsilon_ == 0.0


def test_gaussian_nb_log_proba_does_not_underflow():
    X = np.array([[0.0], [0.1], [10.0], [10.1]])
    model = GaussianNB().fit(X, [0, 0, 1, 1])
    far = np.array([[1e4]])
    log_proba = model.predict_log_proba(far)
    # In linear space the losing class underflows to exactly 0; in log space it
    # keeps a finite, very negative value.
    assert np.all(np.isfinite(log_proba))
    assert log_proba[0, 0] < -1e5
    assert_allclose(model.predict_proba(far), [[0.0, 1.0]])


@pytest.mark.parametrize("Model", ALL_MODELS)
def test_nb_string_labels_give_integer_label_model(Model, global_random_seed):
    X, y = _data(Model, global_random_seed)
    names = np.array(["ham", "eggs", "spam"])
    by_name = Model().fit(X, names[y])
    by_index = Model().fit(X, y)
    # classes_ is sorted: eggs (1), ham (0), spam (2).
    assert_array_equal(by_name.classes_, ["eggs", "ham", "spam"])
    assert_allclose(by_name.predict_proba(X), by_index.predict_proba(X)[:, [1, 0, 2]])
    assert_array_equal(by_name.predict(X), names[by_index.predict(X)])


def test_bernoulli_nb_binarize_threshold(global_random_seed):
    X, y = _data(BernoulliNB, global_random_seed)
    model = BernoulliNB(binarize=2.0).fit(X, y)
    reference = BernoulliNB(binarize=None).fit((X > 2.0).astype(float), y)
    assert_allclose(model.feature_count_, reference.feature_count_)
    assert_allclose(model.predict_proba(X), reference.predict_proba(X > 2.0))


def test_bernoulli_nb_alpha_array_smooths_each_feature():
    X = np.array([[1, 0, 1], [1, 1, 0], [0, 0, 1]])
    alpha = np.array([0.5, 1.0, 2.0])
    model = BernoulliNB(alpha=alpha).fit(X, [0, 0, 1])
    expected = (np.array([[2, 1, 1], [0, 0, 1]]) + alpha) / (
        np.array([[2], [1]]) + 2 * alpha
    )
    assert_allclose(np.exp(model.feature_log_prob_), expected)


def test_complement_nb_weights_follow_rennie_et_al():
    X = np.array([[1, 1, 0, 0, 0, 0], [0, 1, 1, 0, 0, 0], [0, 0, 0, 1, 1, 0]])
    y = [0, 0, 1]
    model = ComplementNB(alpha=1.0).fit(X, y)
    # Complement of class 0 is class 1's counts, of class 1 class 0's counts.
    complement = np.array([[0, 0, 0, 1, 1, 0], [1, 2, 1, 0, 0, 0]]) + 1.0
    weights = np.log(complement / complement.sum(axis=1, keepdims=True))
    assert_allclose(model.feature_log_prob_, -weights)
    assert_allclose(model.feature_all_, [1, 2, 1, 1, 1, 0])
    normed = ComplementNB(norm=True).fit(X, y)
    assert_allclose(normed.feature_log_prob_, weights / weights.sum(1, keepdims=True))
    assert_array_equal(model.predict(X), y)
