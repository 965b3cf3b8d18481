# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""LinearSVC with penalty="l1" and multi_class="crammer_singer" against liblinear.

Both problems have a unique solution on these well-conditioned data (the L1
problem is strictly convex on the span of its margin violators, the
Crammer-Singer primal is strictly convex in the weights), so two solvers that
stop at the same tight tolerance agree on it. At ``tol=1e-8`` the stopping
rules (a relative gradient norm for L1, the largest dual violation for
Crammer-Singer) leave both within about 1e-7 of the optimum relative to the
largest weight (the worst seen over seeds 0-19 was 5e-8); the tests ask for
1e-6 of that scale, which leaves room for the visiting order, not for a
different problem.
"""

import numpy as np
import pytest
import sklearn.svm as sk
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from skml.svm import LinearSVC

TIGHT = {"tol": 1e-8, "max_iter": 100_000}


def _data(seed, n=200, n_classes=2, d=8, n_informative=3):
    X, y = make_classification(
        n_samples=n, n_features=d, n_informative=n_informative, n_redundant=0,
        n_classes=n_classes, n_clusters_per_class=1, class_sep=0.8,
        random_state=seed,
    )
    return StandardScaler().fit_transform(X), y


def _assert_close(a, b, X):
    scale = max(np.abs(b.coef_).max(), np.abs(b.intercept_).max())
    assert_allclose(a.coef_, b.coef_, rtol=0, atol=1e-6 * scale)
    assert_allclose(a.intercept_, b.intercept_, rtol=0, atol=1e-6 * scale)
    # Predictions may differ only where liblinear's own decision is ~0.
    da, db = a.decision_function(X), b.decision_function(X)
    assert_allclose(da, db, rtol=0, atol=1e-5 * scale)
    if db.ndim == 1:
        margin = np.abs(db)
    else:
        top2 = np.sort(db, axis=1)[:, -2:]
        margin = top2[:, 1] - top2[:, 0]
    confident = margin > 1e-2 * scale
    assert_array_equal(a.predict(X)[confident], b.predict(X)[confident])


# --- penalty="l1" ------------------------------------------------------------


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("class_weight", [None, "balanced"])
def test_linear_svc_l1_matches_liblinear(global_random_seed, n_classes,
                                         fit_intercept, class_weight):
    X, y = _data(global_random_seed, n_classes=n_classes)
    kw = {"penalty": "l1", "dual": False, "C": 0.05, "fit_intercept": fit_intercept,
          "class_weight": class_weight, **TIGHT}
    a = LinearSVC(random_state=0, **kw).fit(X, y)
    b = sk.LinearSVC(random_state=0, **kw).fit(X, y)
    _assert_close(a, b, X)
    # Same features dropped; at C=0.05 a quarter to three quarters are.
    assert_array_equal(a.coef_ == 0, b.coef_ == 0)
    assert np.any(b.coef_ == 0) and np.any(b.coef_ != 0)
    if not fit_intercept:
        assert_array_equal(a.intercept_, 0.0)


def test_linear_svc_l1_sample_weight_and_intercept_scaling(global_random_seed):
    X, y = _data(global_random_seed, n_classes=3)
    sw = np.random.RandomState(global_random_seed).uniform(0.2, 3.0, X.shape[0])
    kw = {"penalty": "l1", "dual": False, "C": 0.2, "intercept_scaling": 3.0,
          **TIGHT}
    a = LinearSVC(**kw).fit(X, y, sample_weight=sw)
    b = sk.LinearSVC(**kw).fit(X, y, sample_weight=sw)
    _assert_close(a, b, X)
    assert_array_equal(a.coef_ == 0, b.coef_ == 0)


def test_linear_svc_l1_integer_weights_repeat_samples(global_random_seed):
    # A weight of k is k copies of the sample (C_i scales the loss term).
    X, y = _data(global_random_seed, n=120)
    sw = np.random.RandomState(global_random_seed).randint(0, 4, X.shape[0])
    kw = {"penalty": "l1", "dual": False, "C": 0.3, **TIGHT}
    a = LinearSVC(**kw).fit(X, y, sample_weight=sw)
    b = LinearSVC(**kw).fit(np.repeat(X, sw, axis=0), np.repeat(y, sw))
    scale = np.abs(b.coef_).max()
    assert_allclose(a.coef_, b.coef_, rtol=0, atol=1e-6 * scale)
    assert_allclose(a.intercept_, b.intercept_, rtol=0, atol=1e-6 * scale)


def test_linear_svc_l1_is_primal_for_auto_even_when_wide(global_random_seed):
    # n_samples < n_features: dual="auto" would pick the dual for "l2", but the
    # L1 problem has only a primal solver.
    X, y = _data(global_random_seed, n=40, d=60, n_informative=5)
    kw = {"penalty": "l1", "C": 0.5, "random_state": 0, **TIGHT}
    a = LinearSVC(**kw).fit(X, y)
    b = sk.LinearSVC(dual=False, **kw).fit(X, y)
    assert_allclose(a.coef_, LinearSVC(dual=False, **kw).fit(X, y).coef_)
    scale = np.abs(b.coef_).max()
    assert_allclose(a.coef_, b.coef_, rtol=0, atol=1e-5 * scale)
    assert_array_equal(a.coef_ == 0, b.coef_ == 0)


def test_linear_svc_l1_zero_solution_for_tiny_C(global_random_seed):
    # For C below 1 / max_j |gradient of the loss at w = 0|, w = 0 is optimal.
    X, y = _data(global_random_seed)
    ys = np.where(y == 1, 1.0, -1.0)
    Xa = np.hstack([X, np.ones((X.shape[0], 1))])
    C0 = 1.0 / np.abs(2.0 * Xa.T @ ys).max()
    clf = LinearSVC(penalty="l1", dual=False, C=0.9 * C0).fit(X, y)
    assert_array_equal(clf.coef_, 0.0)
    assert_array_equal(clf.intercept_, 0.0)
    clf = LinearSVC(penalty="l1", dual=False, C=1.5 * C0).fit(X, y)
    assert np.any(clf.coef_ != 0) or clf.intercept_[0] != 0


# --- multi_class="crammer_singer" --------------------------------------------


@pytest.mark.parametrize("n_classes", [2, 3, 4])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("class_weight", [None, "balanced"])
def test_linear_svc_crammer_singer_matches_liblinear(
    global_random_seed, n_classes, fit_intercept, class_weight
):
    X, y = _data(global_random_seed, n=150, n_classes=n_classes, d=5)
    kw = {"multi_class": "crammer_singer", "C": 0.5,
          "fit_intercept": fit_intercept, "class_weight": class_weight, **TIGHT}
    a = LinearSVC(random_state=0, **kw).fit(X, y)
    b = sk.LinearSVC(random_state=0, **kw).fit(X, y)
    assert a.coef_.shape == b.coef_.shape
    if fit_intercept:
        assert a.intercept_.shape == b.intercept_.shape
    else:  # scikit-learn stores the float 0.0
        assert_array_equal(a.intercept_, np.zeros(a.coef_.shape[0]))
    _assert_close(a, b, X)


def test_linear_svc_crammer_singer_sample_weight(global_random_seed):
    X, y = _data(global_random_seed, n=150, n_classes=3, d=5)
    sw = np.random.RandomState(global_random_seed).uniform(0.2, 3.0, X.shape[0])
    kw = {"multi_class": "crammer_singer", "C": 2.0, "intercept_scaling": 2.0,
          "class_weight": {0: 3.0}, **TIGHT}
    a = LinearSVC(**kw).fit(X, y, sample_weight=sw)
    b = sk.LinearSVC(**kw).fit(X, y, sample_weight=sw)
    _assert_close(a, b, X)


def test_linear_svc_crammer_singer_ignores_penalty_loss_dual(global_random_seed):
    # As in scikit-learn: the Crammer-Singer problem has one formulation.
    X, y = _data(global_random_seed, n=100, n_classes=3, d=4)
    kw = {"multi_class": "crammer_singer", "random_state": 0, **TIGHT}
    ref = LinearSVC(**kw).fit(X, y)
    other = LinearSVC(penalty="l1", loss="hinge", dual=True, **kw).fit(X, y)
    assert_array_equal(ref.coef_, other.coef_)


# --- bad arguments and convergence -------------------------------------------


@pytest.mark.parametrize(
    "params, match",
    [
        ({"penalty": "l1", "loss": "hinge"}, "penalty='l1' with loss='hinge'"),
        ({"penalty": "l1", "loss": "hinge", "dual": False},
         "penalty='l1' with loss='hinge'"),
        ({"penalty": "l1", "dual": True}, "not supported when dual=True"),
        ({"loss": "hinge", "dual": False}, "dual only"),
    ],
)
def test_linear_svc_unsupported_combinations(params, match):
    X, y = _data(0, n=30)
    with pytest.raises(ValueError, match="Unsupported set of arguments") as exc:
        LinearSVC(**params).fit(X, y)
    assert exc.match(match)
    # scikit-learn refuses the same combinations.
    with pytest.raises(ValueError, match="Unsupported set of arguments"):
        sk.LinearSVC(**params).fit(X, y)


@pytest.mark.parametrize(
    "params", [{"penalty": "l1", "dual": False}, {"multi_class": "crammer_singer"}]
)
def test_linear_svc_max_iter_warns(params):
    X, y = _data(0, n=200, n_classes=3)
    with pytest.warns(ConvergenceWarning, match="max_iter=1"):
        clf = LinearSVC(max_iter=1, **params).fit(X, y)
    assert clf.n_iter_ == 1
