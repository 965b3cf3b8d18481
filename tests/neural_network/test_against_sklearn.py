# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Test accuracy of skml's MLPClassifier next to scikit-learn's at matching settings.

One fit's test accuracy varies by about half a percent with the seed, so each
comparison averages a few seeds of both libraries. Matching settings include
scikit-learn's initialisation (Glorot uniform, ``weight_init="xavier"``): skml's
default He initialisation of ReLU layers trains to a different network, whose
test accuracy at these short budgets differs by up to about 1% (lower on Higgs).
"""

import warnings

import numpy as np
import pytest
import sklearn.neural_network as sk_nn
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

import skml.neural_network as nn


def _split(X, y, seed):
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.3, random_state=seed, stratify=y
    )
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


def _mean_accuracies(data, seeds, params, skml_params=None):
    X_train, X_test, y_train, y_test = data
    scores = {"skml": [], "sklearn": []}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for seed in seeds:
            for name, module, extra in [("skml", nn, skml_params or {}),
                                        ("sklearn", sk_nn, {})]:
                clf = module.MLPClassifier(random_state=seed, **params, **extra)
                scores[name].append(clf.fit(X_train, y_train).score(X_test, y_test))
    return np.mean(scores["skml"]), np.mean(scores["sklearn"])


@pytest.mark.slow
def test_digits_accuracy_within_one_percent_of_sklearn(global_random_seed):
    X, y = load_digits(return_X_y=True)
    data = _split(X, y, global_random_seed)
    params = dict(hidden_layer_sizes=(64,), batch_size=64, max_iter=30,
                  learning_rate_init=1e-3, alpha=1e-4)
    seeds = [global_random_seed * 10 + k for k in range(3)]
    ours, theirs = _mean_accuracies(data, seeds, params, {"weight_init": "xavier"})
    assert theirs > 0.95
    assert abs(ours - theirs) <= 0.01


@pytest.mark.slow
def test_higgs_accuracy_within_one_percent_of_sklearn(shared_data, global_random_seed):
    pd = pytest.importorskip("pandas")
    path = shared_data / "higgs" / "higgs_sas_subset.csv"
    if not path.exists():
        pytest.skip(f"{path} is not available")
    frame = pd.read_csv(path)
    y = frame.pop("label").to_numpy()
    X = frame.to_numpy(dtype=float)
    data = _split(X, y, global_random_seed)
    params = dict(hidden_layer_sizes=(64,), batch_size=200, max_iter=20)
    seeds = [global_random_seed * 10 + k for k in range(3)]
    ours, theirs = _mean_accuracies(data, seeds, params, {"weight_init": "xavier"})
    assert theirs > 0.6
    assert abs(ours - theirs) <= 0.01


def test_small_problem_matches_sklearn_quality(global_random_seed):
    # A fast check at default settings on an easy problem: both libraries fit
    # the training data equally well.
    X, y = load_digits(n_class=4, return_X_y=True)
    data = _split(X[:300], y[:300], global_random_seed)
    params = dict(hidden_layer_sizes=(32,), max_iter=40, learning_rate_init=1e-2)
    ours, theirs = _mean_accuracies(data, [global_random_seed], params)
    assert ours > 0.95
    assert ours >= theirs - 0.02
