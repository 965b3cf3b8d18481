# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Bad parameters and bad data get clear errors."""

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression

from skml.neural_network import MLPClassifier, MLPRegressor

pytestmark = pytest.mark.filterwarnings(
    "ignore::sklearn.exceptions.ConvergenceWarning"
)


@pytest.fixture
def data(global_random_seed):
    return make_classification(n_samples=60, n_features=4, n_informative=3,
                               n_redundant=0, random_state=global_random_seed)


@pytest.mark.parametrize("cls", [MLPClassifier, MLPRegressor])
@pytest.mark.parametrize(
    "params, match",
    [
        ({"hidden_layer_sizes": 0}, "hidden_layer_sizes"),
        ({"hidden_layer_sizes": (10, 0)}, "positive integers"),
        ({"hidden_layer_sizes": (10, -3)}, "positive integers"),
        ({"hidden_layer_sizes": (2.5,)}, "positive integers"),
        ({"hidden_layer_sizes": [[4, 4]]}, "positive integers"),
        ({"hidden_layer_sizes": (True,)}, "positive integers"),
        ({"dropout": -0.1}, "dropout"),
        ({"dropout": 1.0}, "dropout"),
        ({"dropout": [0.1, 0.2]}, "one rate per hidden layer"),
        ({"hidden_layer_sizes": (3, 3), "dropout": [0.1, -0.2]}, r"in \[0, 1\)"),
        ({"solver": "lbfgs"}, "'solver' parameter"),
        ({"solver": object()}, "'solver' parameter"),
        ({"learning_rate": "linear"}, "'learning_rate' parameter"),
        ({"activation": "softplus"}, "'activation' parameter"),
        ({"weight_init": "orthogonal"}, "'weight_init' parameter"),
        ({"learning_rate_init": 0.0}, "'learning_rate_init' parameter"),
        ({"negative_slope": 1.5}, "'negative_slope' parameter"),
        ({"alpha": -1.0}, "'alpha' parameter"),
        ({"l1": -1.0}, "'l1' parameter"),
        ({"clip_norm": 0.0}, "'clip_norm' parameter"),
        ({"batch_size": 0}, "'batch_size' parameter"),
        ({"max_iter": 0}, "'max_iter' parameter"),
        ({"validation_fraction": 1.0}, "'validation_fraction' parameter"),
        ({"n_iter_no_change": 0}, "'n_iter_no_change' parameter"),
    ],
)
def test_bad_parameters(cls, params, match, data):
    X, y = data
    with pytest.raises(ValueError, match=match):
        cls(**params).fit(X, y)


def test_diverging_learning_rate_names_the_cause(global_random_seed):
    X, y = make_regression(n_samples=100, n_features=5, random_state=global_random_seed)
    reg = MLPRegressor(solver="sgd", learning_rate_init=10.0, max_iter=50,
                       random_state=global_random_seed)
    with pytest.raises(ValueError, match="non-finite.*diverged.*learning_rate_init"):
        reg.fit(X * 100, y * 100)


def test_gradient_clipping_tames_a_diverging_learning_rate(global_random_seed):
    X, y = make_regression(n_samples=100, n_features=5, random_state=global_random_seed)
    params = dict(solver="sgd", learning_rate_init=0.1, max_iter=20,
                  random_state=global_random_seed)
    with pytest.raises(ValueError, match="non-finite"):
        MLPRegressor(**params).fit(X, y)
    reg = MLPRegressor(clip_norm=10.0, **params).fit(X, y)
    assert np.isfinite(reg.loss_curve_).all()
    assert reg.loss_curve_[-1] < reg.loss_curve_[0]


def test_one_class_is_rejected(data):
    X, _ = data
    with pytest.raises(ValueError, match="at least two classes.*one class"):
        MLPClassifier().fit(X, np.zeros(len(X)))


def test_continuous_target_is_rejected_by_the_classifier(data):
    X, _ = data
    with pytest.raises(ValueError, match="Unknown label type"):
        MLPClassifier().fit(X, np.linspace(0, 1, len(X)))


def test_tiny_validation_set_is_rejected(data):
    X, y = data
    clf = MLPClassifier(early_stopping=True, validation_fraction=0.01)
    with pytest.raises(ValueError, match="validation set holds"):
        clf.fit(X[:20], y[:20])


def test_wrong_number_of_features_at_predict(data):
    X, y = data
    clf = MLPClassifier(hidden_layer_sizes=(3,), max_iter=2).fit(X, y)
    with pytest.raises(ValueError, match="features"):
        clf.predict(X[:, :3])


def test_nan_input_is_rejected(data):
    X, y = data
    X = X.copy()
    X[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        MLPClassifier().fit(X, y)


def test_regressor_output_count_must_stay(global_random_seed):
    X, y = make_regression(n_samples=50, n_features=3, random_state=global_random_seed)
    reg = MLPRegressor(hidden_layer_sizes=(3,), max_iter=2).partial_fit(X, y)
    with pytest.raises(ValueError, match="2 outputs, the model 1"):
        reg.partial_fit(X, np.column_stack([y, y]))


def test_multilabel_then_multiclass_is_rejected(data):
    X, y = data
    Y = np.column_stack([y, 1 - y])
    clf = MLPClassifier(hidden_layer_sizes=(3,)).partial_fit(X, Y, classes=[0, 1])
    with pytest.raises(ValueError, match="multilabel-indicator targets"):
        clf.partial_fit(X, y)


def test_large_batch_size_warns(data):
    X, y = data
    with pytest.warns(UserWarning, match="batch_size=1000 is larger"):
        MLPClassifier(batch_size=1000, max_iter=1).fit(X, y)
