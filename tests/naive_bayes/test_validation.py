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


@pytest.mark.parametrize("Model", ALL_MODELS)
def test_nb_rejects_one_class(Model):
    message = "needs samples of at least 2 classes, but y contains only one class, 3"
    with pytest.raises(ValueError, match=message):
        Model().fit(X, [3, 3, 3, 3])
    with pytest.raises(ValueError, match="but classes contains only one class, 3"):
        Model().partial_fit(X, [3, 3, 3, 3], classes=[3])


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


@pytest.mark.parametrize(
    "priors, message",
    [
        ([0.5, 0.3, 0.2], "Number of priors must match number of classes"),
        ([0.5, 0.6], "The sum of the priors should be 1"),
        ([1.5, -0.5], "Priors must be non-negative"),
    ],
)
def test_gaussian_nb_rejects_bad_priors(priors, message):
    with pytest.raises(ValueError, match=message):
        GaussianNB(priors=priors).fit(X, y)


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
