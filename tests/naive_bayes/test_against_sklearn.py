# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""skml's naive Bayes models give scikit-learn's probabilities and statistics."""

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn.naive_bayes as sk_nb
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_digits, load_iris

import skml.naive_bayes as nb

ALL_MODELS = ["GaussianNB", "MultinomialNB", "BernoulliNB", "ComplementNB"]
COUNT_MODELS = ["MultinomialNB", "BernoulliNB", "ComplementNB"]
FITTED_ATTRIBUTES = [
    "class_count_",
    "class_prior_",
    "class_log_prior_",
    "theta_",
    "var_",
    "epsilon_",
    "feature_count_",
    "feature_all_",
    "feature_log_prob_",
]


def _pair(name, **params):
    return getattr(nb, name)(**params), getattr(sk_nb, name)(**params)


def _assert_same_model(ours, theirs, X):
    """Same fitted statistics, joint log-likelihoods, probabilities, labels."""
    assert_array_equal(ours.classes_, theirs.classes_)
    assert ours.n_features_in_ == theirs.n_features_in_
    compared = [a for a in FITTED_ATTRIBUTES if hasattr(theirs, a)]
    assert compared, "no fitted attribute compared"
    for attribute in compared:
        assert_allclose(
            getattr(ours, attribute),
            getattr(theirs, attribute),
            rtol=1e-7,
            atol=1e-12,
            err_msg=attribute,
        )
    assert_allclose(
        ours.predict_joint_log_proba(X),
        theirs.predict_joint_log_proba(X),
        rtol=1e-7,
        atol=1e-6,
    )
    assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-6)
    assert_allclose(
        np.exp(ours.predict_log_proba(X)), theirs.predict_proba(X), atol=1e-6
    )
    assert_array_equal(ours.predict(X), theirs.predict(X))


def _sparse_counts(n_samples, n_features, seed, n_classes=4, density=0.005):
    """Poisson counts in CSR format with class-dependent feature rates."""
    rng = np.random.default_rng(seed)
    y = rng.integers(n_classes, size=n_samples)
    X = sp.random(
        n_samples,
        n_features,
        density=density,
        format="csr",
        rng=rng,
        data_rvs=lambda n: rng.poisson(2.0, size=n) + 1.0,
    )
    # Scale each stored count by a class- and feature-dependent factor, in
    # place: a dense boost[y] would take n_samples * n_features floats.
    boost = rng.integers(1, 4, size=(n_classes, n_features)).astype(float)
    X.data *= boost[np.repeat(y, np.diff(X.indptr)), X.indices]
    return X, y


def _iris(kind):
    """Iris as measured, as non-negative integer counts, or as binary features."""
    X, y = load_iris(return_X_y=True)
    if kind == "counts":
        X = np.floor(2 * X)
    elif kind == "binary":
        X = (X > 3).astype(float)
    return X, y


def test_gaussian_nb_matches_sklearn_on_iris():
    X, y = load_iris(return_X_y=True)
    ours, theirs = _pair("GaussianNB")
    _assert_same_model(ours.fit(X, y), theirs.fit(X, y), X)


@pytest.mark.parametrize("name", ALL_MODELS)
def test_nb_matches_sklearn_on_digits(name):
    X, y = load_digits(return_X_y=True)
    ours, theirs = _pair(name)
    _assert_same_model(ours.fit(X, y), theirs.fit(X, y), X)


@pytest.mark.parametrize("name", COUNT_MODELS)
def test_count_nb_matches_sklearn_on_sparse_counts(name, global_random_seed):
    X, y = _sparse_counts(5_000, 2_000, global_random_seed)
    ours, theirs = _pair(name)
    _assert_same_model(ours.fit(X, y), theirs.fit(X, y), X[:1000])


@pytest.mark.slow
@pytest.mark.parametrize("name", COUNT_MODELS)
def test_count_nb_matches_sklearn_on_large_sparse_counts(name, global_random_seed):
    X, y = _sparse_counts(100_000, 20_000, global_random_seed)
    ours, theirs = _pair(name)
    _assert_same_model(ours.fit(X, y), theirs.fit(X, y), X)


@pytest.mark.slow
def test_gaussian_nb_matches_sklearn_on_large_dense_data(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    y = rng.integers(5, size=200_000)
    X = rng.standard_normal((200_000, 50)) + rng.standard_normal((5, 50))[y]
    ours, theirs = _pair("GaussianNB")
    _assert_same_model(ours.fit(X, y), theirs.fit(X, y), X)


@pytest.mark.parametrize(
    "name, params, data",
    [
        ("GaussianNB", {}, "raw"),
        ("GaussianNB", {"priors": [0.2, 0.5, 0.3]}, "raw"),
        ("GaussianNB", {"var_smoothing": 1e-3}, "raw"),
        ("GaussianNB", {"var_smoothing": 0.0}, "raw"),
        ("MultinomialNB", {}, "counts"),
        ("MultinomialNB", {"alpha": 0.3, "fit_prior": False}, "counts"),
        ("MultinomialNB", {"class_prior": [0.5, 0.3, 0.2]}, "counts"),
        ("MultinomialNB", {"alpha": np.linspace(0.1, 2.0, 4)}, "counts"),
        ("BernoulliNB", {}, "counts"),
        ("BernoulliNB", {"binarize": 2.5, "alpha": 0.5}, "counts"),
        ("BernoulliNB", {"binarize": None, "fit_prior": False}, "binary"),
        ("BernoulliNB", {"class_prior": [0.1, 0.1, 0.8]}, "counts"),
        ("ComplementNB", {}, "counts"),
        ("ComplementNB", {"norm": True}, "counts"),
        ("ComplementNB", {"alpha": 0.1, "fit_prior": False}, "counts"),
    ],
)
def test_nb_parameters_and_sample_weight_match_sklearn(
    name, params, data, global_random_seed
):
    X, y = _iris(data)
    sample_weight = np.random.default_rng(global_random_seed).uniform(0.5, 2, len(y))
    ours, theirs = _pair(name, **params)
    ours.fit(X, y, sample_weight=sample_weight)
    theirs.fit(X, y, sample_weight=sample_weight)
    _assert_same_model(ours, theirs, X)


@pytest.mark.parametrize("name", ALL_MODELS)
def test_nb_partial_fit_matches_sklearn(name, global_random_seed):
    # GaussianNB without var_smoothing, on iris: on later calls scikit-learn
    # subtracts the *new* batch's epsilon_ from the stored variances, skml the
    # one it added, so that var_ - epsilon_ stays the exact pooled variance
    # (see test_gaussian_nb_partial_fit_epsilon_follows_last_batch). The
    # difference is of the order of epsilon_.
    if name == "GaussianNB":
        X, y = load_iris(return_X_y=True)
        ours, theirs = _pair(name, var_smoothing=0.0)
    else:
        X, y = load_digits(return_X_y=True)
        ours, theirs = _pair(name)
    rng = np.random.default_rng(global_random_seed)
    weights = rng.uniform(0.1, 3.0, size=len(y))
    for batch in np.array_split(rng.permutation(len(y)), 4):
        for model in (ours, theirs):
            model.partial_fit(
                X[batch], y[batch], classes=np.unique(y), sample_weight=weights[batch]
            )
    _assert_same_model(ours, theirs, X)


@pytest.mark.parametrize("name", COUNT_MODELS)
def test_count_nb_small_alpha_warns_like_sklearn(name):
    X, y = _iris("counts")
    ours, theirs = _pair(name, alpha=0.0, force_alpha=False)
    with pytest.warns(UserWarning, match="alpha too small") as record:
        ours.fit(X, y)
    # The warning points at the caller of fit, not at skml's internals.
    assert record[0].filename == __file__
    with pytest.warns(UserWarning, match="alpha too small"):
        theirs.fit(X, y)
    _assert_same_model(ours, theirs, X)


def test_gaussian_nb_matches_sklearn_on_offset_data(global_random_seed):
    # Large offsets relative to the spread: the expanded quadratic form must not
    # lose accuracy (it works on data centred at the mean of the class means).
    rng = np.random.default_rng(global_random_seed)
    y = rng.integers(3, size=600)
    X = 1e6 + rng.standard_normal((600, 8)) + 2.0 * rng.standard_normal((3, 8))[y]
    ours, theirs = _pair("GaussianNB")
    _assert_same_model(ours.fit(X, y), theirs.fit(X, y), X)
