# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""LogisticRegression against scikit-learn, optimality conditions and bad input."""

import warnings

import numpy as np
import pytest
import sklearn.linear_model as sk
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import expit
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning

from skml.linear_model import LogisticRegression


def _data(seed, n_classes=2, n_samples=150, n_features=6):
    X, y = make_classification(
        n_samples=n_samples,
        n_features=n_features,
        n_informative=4,
        n_redundant=0,
        n_classes=n_classes,
        flip_y=0.15,
        random_state=seed,
    )
    sw = np.random.RandomState(seed).uniform(0.3, 2.0, n_samples)
    return X, y, sw


def _sklearn(C, l1_ratio, X, y, sw, fit_intercept=True, class_weight=None):
    solver = "lbfgs" if l1_ratio == 0 or np.isinf(C) else "saga"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return sk.LogisticRegression(
            C=C,
            l1_ratio=l1_ratio,
            solver=solver,
            tol=1e-10,
            max_iter=20_000,
            fit_intercept=fit_intercept,
            class_weight=class_weight,
        ).fit(X, y, sample_weight=sw)


@pytest.mark.parametrize("solver", ["lbfgs", "newton-cd"])
@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("C", [0.3, np.inf])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_l2_and_unpenalised_match_sklearn(
    solver, n_classes, C, fit_intercept, global_random_seed
):
    X, y, sw = _data(global_random_seed, n_classes)
    ours = LogisticRegression(
        C=C, solver=solver, tol=1e-10, max_iter=1000, fit_intercept=fit_intercept
    ).fit(X, y, sample_weight=sw)
    ref = _sklearn(C, 0.0, X, y, sw, fit_intercept)
    assert ours.coef_.shape == ref.coef_.shape
    assert_allclose(ours.coef_, ref.coef_, atol=1e-4)
    assert_allclose(ours.intercept_, ref.intercept_, atol=1e-4)
    assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-5)


@pytest.mark.parametrize("l1_ratio", [1.0, 0.5])
@pytest.mark.parametrize("n_classes", [2, 3])
def test_l1_and_elastic_net_match_sklearn(l1_ratio, n_classes, global_random_seed):
    X, y, sw = _data(global_random_seed, n_classes, n_samples=100)
    ours = LogisticRegression(C=0.5, l1_ratio=l1_ratio, tol=1e-10, max_iter=1000)
    ours.fit(X, y, sample_weight=sw)
    assert ours.solver_ == "newton-cd"
    ref = _sklearn(0.5, l1_ratio, X, y, sw)
    # Probabilities are the identifiable quantity (a multinomial L1 model may
    # shift a feature's coefficients across classes at no cost).
    assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-4)
    if n_classes == 2:
        assert_allclose(ours.coef_, ref.coef_, atol=1e-4)
        assert_allclose(ours.intercept_, ref.intercept_, atol=1e-4)


def test_l1_kkt_conditions(global_random_seed):
    X, y, _ = _data(global_random_seed, n_features=10)
    C = 0.05
    clf = LogisticRegression(C=C, l1_ratio=1.0, tol=1e-12, max_iter=1000).fit(X, y)
    w = clf.coef_[0]
    grad = C * X.T @ (expit(clf.decision_function(X)) - y)
    zero = w == 0
    assert zero.any() and (~zero).any()
    # Optimality of C * sum(loss) + ||w||_1: |grad_j| <= 1 at zeros, -sign(w_j)
    # elsewhere; the unpenalised intercept has zero gradient.
    assert np.all(np.abs(grad[zero]) <= 1 + 1e-8)
    assert_allclose(grad[~zero], -np.sign(w[~zero]), atol=1e-7)
    assert abs((expit(clf.decision_function(X)) - y).sum()) < 1e-7


def test_class_weight_matches_sklearn_and_sample_weight(global_random_seed):
    X, y, _ = _data(global_random_seed, 3)
    for class_weight in ("balanced", {0: 1.0, 1: 3.0, 2: 0.5}):
        ours = LogisticRegression(class_weight=class_weight, tol=1e-10).fit(X, y)
        ref = _sklearn(1.0, 0.0, X, y, None, class_weight=class_weight)
        assert_allclose(ours.coef_, ref.coef_, atol=1e-4)
    weights = np.array([1.0, 3.0, 0.5])[y]
    by_sample = LogisticRegression(tol=1e-10).fit(X, y, sample_weight=weights)
    by_class = LogisticRegression(tol=1e-10, class_weight={0: 1.0, 1: 3.0, 2: 0.5}).fit(
        X, y
    )
    assert_allclose(by_class.coef_, by_sample.coef_, atol=1e-8)


@pytest.mark.parametrize("solver", ["lbfgs", "newton-cd"])
def test_sample_weight_is_repetition(solver, global_random_seed):
    X, y, _ = _data(global_random_seed, 3, n_samples=60)
    counts = np.random.RandomState(global_random_seed).randint(0, 4, len(X))
    params = dict(solver=solver, tol=1e-10, max_iter=1000)
    weighted = LogisticRegression(**params).fit(X, y, sample_weight=counts)
    repeated = LogisticRegression(**params).fit(
        np.repeat(X, counts, axis=0), np.repeat(y, counts)
    )
    assert_allclose(weighted.predict_proba(X), repeated.predict_proba(X), atol=1e-6)


def test_probabilities_and_decision_function_agree(global_random_seed):
    X, y, _ = _data(global_random_seed, 3)
    clf = LogisticRegression().fit(X, y)
    proba = clf.predict_proba(X)
    assert_allclose(proba.sum(axis=1), 1.0)
    assert_allclose(np.exp(clf.predict_log_proba(X)), proba, rtol=1e-12)
    assert_array_equal(clf.predict(X), clf.classes_[proba.argmax(axis=1)])
    assert clf.decision_function(X).shape == (len(X), 3)
    X2, y2, _ = _data(global_random_seed)
    binary = LogisticRegression().fit(X2, y2)
    assert binary.decision_function(X2).shape == (len(X2),)
    assert_allclose(binary.predict_proba(X2)[:, 1], expit(binary.decision_function(X2)))


def test_any_labels(global_random_seed):
    X, y, _ = _data(global_random_seed, 3)
    labels = np.array(["cat", "dog", "eel"])[y]
    clf = LogisticRegression().fit(X, labels)
    assert_array_equal(clf.classes_, ["cat", "dog", "eel"])
    ref = LogisticRegression().fit(X, y)
    assert_array_equal(clf.predict(X), np.array(["cat", "dog", "eel"])[ref.predict(X)])


@pytest.mark.parametrize("solver", ["lbfgs", "newton-cd"])
def test_warm_start(solver, global_random_seed):
    X, y, _ = _data(global_random_seed, 3)
    clf = LogisticRegression(solver=solver, warm_start=True, tol=1e-8, max_iter=500)
    cold = clf.fit(X, y).n_iter_[0]
    warm = clf.fit(X, y).n_iter_[0]
    assert warm < cold
    assert warm <= 2


def test_max_iter_warns():
    X, y, _ = _data(0, 3)
    for solver in ("lbfgs", "newton-cd"):
        with pytest.warns(ConvergenceWarning, match="did not converge"):
            clf = LogisticRegression(solver=solver, max_iter=1, tol=1e-12).fit(X, y)
        assert clf.n_iter_[0] == 1


def test_bad_input():
    X, y, _ = _data(0)
    with pytest.raises(ValueError, match="only one class"):
        LogisticRegression().fit(X, np.zeros(len(X)))
    for C in (0.0, -1.0):
        with pytest.raises(ValueError, match="'C' parameter"):
            LogisticRegression(C=C).fit(X, y)
    with pytest.raises(ValueError, match="l1_ratio"):
        LogisticRegression(l1_ratio=1.5).fit(X, y)
    with pytest.raises(ValueError, match="supports only an L2 penalty"):
        LogisticRegression(solver="lbfgs", l1_ratio=0.5).fit(X, y)
    X_bad = X.copy()
    X_bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        LogisticRegression().fit(X_bad, y)
    with pytest.raises(ValueError, match="Unknown label type"):
        LogisticRegression().fit(X, np.linspace(0, 1, len(X)))


def test_auto_solver_choice():
    X, y, _ = _data(0)
    assert LogisticRegression().fit(X, y).solver_ == "lbfgs"
    assert LogisticRegression(l1_ratio=0.3).fit(X, y).solver_ == "newton-cd"
    assert LogisticRegression(l1_ratio=1.0, C=np.inf).fit(X, y).solver_ == "lbfgs"
