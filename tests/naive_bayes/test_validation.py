# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Bad input and bad parameters give clear errors that name the problem."""

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import NotFittedError

from skml.naive_bayes import BernoulliNB, ComplementNB, GaussianNB, MultinomialNB

ALL_MODELS = [GaussianNB, MultinomialNB, BernoulliNB, ComplementNB]
COUNT_MODELS = [MultinomialNB, BernoulliNB, ComplementNB]
NON_NEGATIVE_MODELS = [MultinomialNB, ComplementNB]

X = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [0.0, 1.0]])
y = np.array([0, 1, 1, 0])


@pytest.mark.parametrize("Model", ALL_MODELS)
@pytest.mark.parametrize(
    "value, message", [(np.nan, "Input X contains NaN"), (np.inf, "infinity")]
)
def test_nb_rejects_non_finite_input(Model, value, message):
    bad = X.copy()
    bad[1, 1] = value
    with pytest.raises(ValueError, match=message):
        Model().fit(bad, y)
    model = Model().fit(X, y)
    with pytest.raises(ValueError, match=message):
        model.partial_fit(bad, y)
    with pytest.raises(ValueError, match=message):
        model.predict(bad)


@pytest.mark.parametrize("Model", ALL_MODELS)
def test_nb_rejects_wrong_number_of_features(Model):
    model = Model().fit(X, y)
    wide = np.hstack([X, X])
    message = "X has 4 features, but .* is expecting 2 features"
    for method in (
        "predict",
        "predict_proba",
        "predict_log_proba",
        "predict_joint_log_proba",
    ):
        with pytest.raises(ValueError, match=message):
            getattr(model, method)(wide)
    with pytest.raises(ValueError, match=message):
        model.partial_fit(wide, y)


@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("Model", ALL_MODELS)
def test_nb_one_class_is_a_constant_model_like_sklearn(Model, sparse):
    # scikit-learn 1.9 fits every naive Bayes model on a single class: its
    # probabilities are all one, and the statistics and joint log-likelihoods
    # are those of the one class.
    import sklearn.naive_bayes

    if sparse and Model is GaussianNB:
        pytest.skip("GaussianNB needs dense input")
    rng = np.random.RandomState(0)
    X_train = rng.randint(0, 5, size=(12, 4)).astype(float)
    X_test = rng.randint(0, 5, size=(5, 4)).astype(float)
    if sparse:
        X_train, X_test = sp.csr_matrix(X_train), sp.csr_matrix(X_test)
    y_one = np.full(12, 3)
    weight = rng.uniform(0.5, 2, 12)
    ref_class = getattr(sklearn.naive_bayes, Model.__name__)
    for fit in ("fit", "partial_fit"):
        kwargs = {"classes": [3]} if fit == "partial_fit" else {}
        ours = getattr(Model(), fit)(X_train, y_one, sample_weight=weight, **kwargs)
        ref = getattr(ref_class(), fit)(X_train, y_one, sample_weight=weight, **kwargs)
        assert_array_equal(ours.classes_, [3])
        assert_array_equal(ours.predict(X_test), np.full(5, 3))
        assert_array_equal(ours.predict_proba(X_test), np.ones((5, 1)))
        assert_array_equal(ours.predict_log_proba(X_test), np.zeros((5, 1)))
        assert_allclose(
            ours.predict_joint_log_proba(X_test),
            ref.predict_joint_log_proba(X_test),
            rtol=1e-10,
        )
        for name in ("class_count_", "class_prior_", "class_log_prior_", "theta_"):
            if hasattr(ref, name):
                assert_allclose(getattr(ours, name), getattr(ref, name), rtol=1e-10)
        if hasattr(ref, "var_"):
            assert_allclose(ours.var_, ref.var_, rtol=1e-8)
        if hasattr(ref, "feature_log_prob_"):
            assert_allclose(ours.feature_log_prob_, ref.feature_log_prob_, rtol=1e-10)


@pytest.mark.parametrize("Model", ALL_MODELS)
def test_nb_partial_fit_rejects_empty_classes(Model):
    with pytest.raises(ValueError, match="at least one class in `classes`"):
        Model().partial_fit(X, y, classes=[])


@pytest.mark.parametrize("Model", ALL_MODELS)
def test_nb_partial_fit_accepts_batch_of_one_class(Model):
    model = Model().partial_fit(X[y == 0], y[y == 0], classes=[0, 1])
    model.partial_fit(X[y == 1], y[y == 1])
    # GaussianNB's epsilon_ follows each batch's variance: compare with atol.
    expected = Model().fit(X, y).predict_proba(X)
    assert_allclose(model.predict_proba(X), expected, atol=1e-8)


@pytest.mark.parametrize("Model", ALL_MODELS)
def test_nb_rejects_empty_input(Model):
    with pytest.raises(ValueError, match="Found array with 0 sample"):
        Model().fit(np.empty((0, 2)), [])
    with pytest.raises(ValueError, match="Found array with 0 feature"):
        Model().fit(np.empty((4, 0)), y)
    with pytest.raises(ValueError, match="Found array with 0 sample"):
        Model().fit(X, y).predict(np.empty((0, 2)))


@pytest.mark.parametrize("Model", ALL_MODELS)
def test_nb_rejects_one_dimensional_input(Model):
    with pytest.raises(ValueError, match="Expected 2D array, got 1D array"):
        Model().fit(X[:, 0], y)
    with pytest.raises(ValueError, match="Expected 2D array, got 1D array"):
        Model().fit(X, y).predict(X[0])


@pytest.mark.parametrize("Model", ALL_MODELS)
def test_nb_rejects_inconsistent_lengths(Model):
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        Model().fit(X, y[:3])


@pytest.mark.parametrize("Model", ALL_MODELS)
def test_nb_rejects_non_numeric_data(Model):
    text = [["a", "b"], ["c", "d"], ["e", "f"], ["g", "h"]]
    with pytest.raises(ValueError, match="could not convert string to float: 'a'"):
        Model().fit(text, y)
    with pytest.raises(ValueError, match="could not convert string to float: 'a'"):
        Model().fit(X, y).predict(text)


@pytest.mark.parametrize("Model", ALL_MODELS)
def test_nb_rejects_continuous_targets(Model):
    with pytest.raises(ValueError, match="Unknown label type: continuous"):
        Model().fit(X, [0.5, 1.2, 3.3, 0.1])


@pytest.mark.parametrize("Model", ALL_MODELS)
def test_nb_predict_before_fit_raises(Model):
    with pytest.raises(NotFittedError, match="not fitted yet"):
        Model().predict(X)


@pytest.mark.parametrize("Model", NON_NEGATIVE_MODELS)
@pytest.mark.parametrize("container", [np.asarray, sp.csr_matrix])
def test_count_nb_rejects_negative_counts(Model, container):
    message = f"Negative values in data passed to {Model.__name__}"
    with pytest.raises(ValueError, match=message):
        Model().fit(container(-X), y)
    model = Model().fit(container(X), y)
    with pytest.raises(ValueError, match=message):
        model.predict(container(-X))
    with pytest.raises(ValueError, match=message):
        model.partial_fit(container(-X), y)


def test_bernoulli_nb_binarizes_negative_values_to_zero():
    model = BernoulliNB().fit(-X, y)
    assert_array_equal(model.feature_count_, 0.0)
    assert_array_equal(model.class_count_, [2.0, 2.0])


def test_bernoulli_nb_rejects_negative_threshold_on_sparse_input():
    with pytest.raises(ValueError, match="Cannot binarize a sparse matrix"):
        BernoulliNB(binarize=-1.0).fit(sp.csr_matrix(X), y)


def test_gaussian_nb_rejects_sparse_input():
    with pytest.raises(TypeError, match="Sparse data was passed"):
        GaussianNB().fit(sp.csr_matrix(X), y)


@pytest.mark.parametrize("Model", ALL_MODELS)
def test_nb_partial_fit_requires_classes_on_first_call(Model):
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        Model().partial_fit(X, y)


@pytest.mark.parametrize("Model", ALL_MODELS)
def test_nb_partial_fit_rejects_unknown_labels_and_new_classes(Model):
    with pytest.raises(ValueError, match=r"label\(s\) \[5\] in y do not exist"):
        Model().partial_fit(X, [0, 1, 5, 0], classes=[0, 1])
    model = Model().partial_fit(X, y, classes=[0, 1])
    with pytest.raises(ValueError, match=r"label\(s\) \[7\] in y do not exist"):
        model.partial_fit(X, [0, 1, 7, 0])
    with pytest.raises(ValueError, match="is not the same as on the first call"):
        model.partial_fit(X, y, classes=[0, 1, 2])


@pytest.mark.parametrize("Model", ALL_MODELS)
def test_nb_rejects_wrong_sample_weight_shape(Model):
    with pytest.raises(ValueError, match="sample_weight.shape"):
        Model().fit(X, y, sample_weight=[1.0, 2.0])


BAD_PRIORS = [
    ([0.5, 0.3, 0.2], "Number of priors must match number of classes"),
    ([1.0], "Number of priors must match number of classes"),
    ([[0.5, 0.5]], "Number of priors must match number of classes"),
    ([0.5, 0.6], "The sum of the priors should be 1"),
    ([0.1, 0.1], "The sum of the priors should be 1"),
    ([1.5, -0.5], "Priors must be non-negative"),
]


@pytest.mark.parametrize("priors, message", BAD_PRIORS)
def test_gaussian_nb_rejects_bad_priors_like_sklearn(priors, message):
    # scikit-learn's conditions and messages (ours add the values).
    import sklearn.naive_bayes

    with pytest.raises(ValueError, match=message):
        sklearn.naive_bayes.GaussianNB(priors=priors).fit(X, y)
    with pytest.raises(ValueError, match=message):
        GaussianNB(priors=priors).fit(X, y)
    with pytest.raises(ValueError, match=message):
        GaussianNB(priors=priors).partial_fit(X, y, classes=[0, 1])


@pytest.mark.parametrize("Model", COUNT_MODELS)
@pytest.mark.parametrize("priors, message", BAD_PRIORS)
def test_count_nb_rejects_bad_class_prior(Model, priors, message):
    # The length check is scikit-learn's; unlike scikit-learn (which takes the
    # log of whatever it is given, NaN for a negative value), priors that do
    # not sum to one or are negative are rejected, with GaussianNB's messages.
    with pytest.raises(ValueError, match=message):
        Model(class_prior=priors).fit(X, y)
    with pytest.raises(ValueError, match=message):
        Model(class_prior=priors).partial_fit(X, y, classes=[0, 1])


@pytest.mark.parametrize("Model", ALL_MODELS)
def test_nb_accepts_priors_summing_to_one_up_to_rounding(Model):
    name = "priors" if Model is GaussianNB else "class_prior"
    priors = [0.1 + 0.2, 0.7]  # 1.0000000000000002 in floating point
    model = Model(**{name: priors}).fit(X, y)
    log_prior = (
        np.log(model.class_prior_) if Model is GaussianNB else model.class_log_prior_
    )
    assert_allclose(log_prior, np.log(priors))


@pytest.mark.parametrize("Model", COUNT_MODELS)
@pytest.mark.parametrize(
    "params, message",
    [
        ({"alpha": [1.0, 2.0, 3.0]}, r"it should contain `n_features` \(2\)"),
        ({"alpha": [1.0, -2.0]}, "All values in alpha must be greater"),
        ({"alpha": -1.0}, "'alpha' parameter"),
        ({"class_prior": [1.0]}, "Number of priors must match"),
    ],
)
def test_count_nb_rejects_bad_alpha_and_class_prior(Model, params, message):
    with pytest.raises(ValueError, match=message):
        Model(**params).fit(X, y)


@pytest.mark.parametrize(
    "model, message",
    [
        (GaussianNB(var_smoothing=-1.0), "'var_smoothing' parameter"),
        (ComplementNB(norm="yes"), "'norm' parameter"),
        (BernoulliNB(binarize="half"), "'binarize' parameter"),
        (MultinomialNB(force_alpha="no"), "'force_alpha' parameter"),
    ],
)
def test_nb_rejects_bad_parameter_types(model, message):
    with pytest.raises(ValueError, match=message):
        model.fit(X, y)


@pytest.mark.parametrize(
    "model, bad_params, good_params",
    [
        (GaussianNB(), {"priors": [1.0]}, {"priors": None}),
        (MultinomialNB(), {"class_prior": [1.0]}, {"class_prior": None}),
        (BernoulliNB(), {"alpha": [1.0]}, {"alpha": 1.0}),
    ],
)
def test_nb_failed_partial_fit_leaves_no_partial_state(model, bad_params, good_params):
    # An error in the first call must not leave classes_ without statistics (or
    # counts from the rejected batch) behind.
    model.set_params(**bad_params)
    for _ in range(2):
        with pytest.raises(ValueError):
            model.partial_fit(X, y, classes=[0, 1])
    model.set_params(**good_params)
    model.partial_fit(X, y, classes=[0, 1])
    expected = type(model)(**good_params).fit(X, y)
    assert_allclose(model.predict_proba(X), expected.predict_proba(X))


@pytest.mark.parametrize("Model", ALL_MODELS)
def test_nb_fit_discards_partial_fit_state(Model):
    model = Model().partial_fit(X, y, classes=[0, 1, 2])
    model.fit(X, y)
    assert_array_equal(model.classes_, [0, 1])
    assert_array_equal(model.predict_proba(X), Model().fit(X, y).predict_proba(X))
