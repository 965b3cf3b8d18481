# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""skml.svm against libsvm and liblinear (through scikit-learn) on the same problems."""

import warnings

import numpy as np
import pytest
import sklearn.svm as sk
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from skml._distances import kernel_matrix
from skml._distances._kernels import _py_kernel_row
from skml.svm import SVC, SVR, LinearSVC, LinearSVR
from skml.svm._platt import pairwise_coupling, sigmoid_predict, sigmoid_train


def _data(seed, n=120, n_classes=2, d=5):
    X, y = make_classification(
        n_samples=n, n_features=d, n_informative=3, n_redundant=0,
        n_classes=n_classes, n_clusters_per_class=1, random_state=seed,
    )
    return StandardScaler().fit_transform(X), y


def _assert_same_svc(a, b, X, atol):
    assert_array_equal(a.support_, b.support_)
    assert_array_equal(a.n_support_, b.n_support_)
    # libsvm solves with a float32 kernel cache: its duals carry that rounding,
    # amplified by the conditioning; relative to the bound C they stay below 1e-4.
    assert_allclose(a.dual_coef_, b.dual_coef_, atol=1e-4 * max(a.C, 1.0))
    assert_allclose(a.decision_function(X), b.decision_function(X), atol=atol)
    assert_array_equal(a.predict(X), b.predict(X))


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"kernel": "linear", "C": 0.5},
        {"kernel": "poly", "degree": 2, "coef0": 1.0},
        {"gamma": "auto", "C": 10.0},
        {"class_weight": "balanced", "C": 3.0},
        {"class_weight": {0: 2.0}},
        {"shrinking": False},
    ],
)
@pytest.mark.parametrize("n_classes", [2, 3])
def test_svc_matches_libsvm(global_random_seed, params, n_classes):
    X, y = _data(global_random_seed, n_classes=n_classes)
    kw = {"tol": 1e-8, **params}
    a = SVC(**kw).fit(X, y)
    b = sk.SVC(**kw).fit(X, y)
    _assert_same_svc(a, b, X, atol=1e-5)
    assert_allclose(a.intercept_, b.intercept_, atol=1e-5)


def test_svc_rbf_larger_fit_matches_libsvm(global_random_seed):
    # Enough samples for shrinking and a cache smaller than the kernel matrix,
    # so rows come from the array exp both whole and on the active set only.
    X, y = _data(global_random_seed, n=600, d=8)
    kw = {"tol": 1e-6, "cache_size": 1}
    a = SVC(**kw).fit(X, y)
    b = sk.SVC(**kw).fit(X, y)
    _assert_same_svc(a, b, X, atol=1e-4)
    assert_allclose(a.intercept_, b.intercept_, atol=1e-4)


def test_svc_sigmoid_kernel_close_to_libsvm(global_random_seed):
    # The sigmoid kernel is not positive semi-definite: the dual is not convex
    # and SMO's path (libsvm keeps its kernel in float32) picks the local
    # optimum. The decisions still agree closely.
    X, y = _data(global_random_seed)
    kw = {"kernel": "sigmoid", "gamma": 0.05, "coef0": 0.1, "tol": 1e-8}
    a = SVC(**kw).fit(X, y)
    b = sk.SVC(**kw).fit(X, y)
    assert np.mean(a.predict(X) == b.predict(X)) >= 0.97
    assert_allclose(a.decision_function(X), b.decision_function(X), atol=0.05)
    K = kernel_matrix(X, kernel="sigmoid", gamma=0.05, coef0=0.1)
    pre = SVC(kernel="precomputed", tol=1e-8).fit(K, y)
    assert_allclose(pre.decision_function(K), a.decision_function(X), atol=1e-8)


@pytest.mark.parametrize("shape", ["ovr", "ovo"])
def test_svc_decision_shapes_match_libsvm(global_random_seed, shape):
    X, y = _data(global_random_seed, n_classes=4, n=160)
    a = SVC(tol=1e-8, decision_function_shape=shape).fit(X, y)
    b = sk.SVC(tol=1e-8, decision_function_shape=shape).fit(X, y)
    assert a.decision_function(X).shape == b.decision_function(X).shape
    assert_allclose(a.decision_function(X), b.decision_function(X), atol=1e-5)
    assert_array_equal(a.predict(X), b.predict(X))


def test_svc_sample_weight_matches_libsvm(global_random_seed):
    X, y = _data(global_random_seed)
    sw = np.random.RandomState(global_random_seed).uniform(0.2, 3.0, X.shape[0])
    sw[:5] = 0.0
    # gamma given: with weights, skml's "scale" uses the weighted variance.
    a = SVC(tol=1e-8, gamma=0.3).fit(X, y, sample_weight=sw)
    b = sk.SVC(tol=1e-8, gamma=0.3).fit(X, y, sample_weight=sw)
    # libsvm drops zero-weight samples and numbers support vectors in what is
    # left; skml's support_ indexes the training set given.
    assert_array_equal(a.support_, np.flatnonzero(sw > 0)[b.support_])
    assert_allclose(a.dual_coef_, b.dual_coef_, atol=1e-4)
    assert_allclose(a.decision_function(X), b.decision_function(X), atol=1e-5)


def test_svc_precomputed_and_callable_equal_builtin(global_random_seed):
    X, y = _data(global_random_seed, n_classes=3)
    Xt = X[:30] + 0.1
    ref = SVC(kernel="rbf", gamma=0.4, tol=1e-8).fit(X, y)
    K = kernel_matrix(X, kernel="rbf", gamma=0.4)
    pre = SVC(kernel="precomputed", tol=1e-8).fit(K, y)
    Kt = kernel_matrix(Xt, X, kernel="rbf", gamma=0.4)
    assert_array_equal(pre.support_, ref.support_)
    assert pre.support_vectors_.shape == (0, 0)
    assert_allclose(pre.decision_function(Kt), ref.decision_function(Xt), atol=1e-8)

    def rbf(A, B):
        return kernel_matrix(np.ascontiguousarray(A), np.ascontiguousarray(B),
                             kernel="rbf", gamma=0.4)

    cal = SVC(kernel=rbf, tol=1e-8).fit(X, y)
    assert_allclose(cal.decision_function(Xt), ref.decision_function(Xt), atol=1e-8)


@pytest.mark.parametrize(
    "params", [{}, {"kernel": "linear"}, {"epsilon": 0.5, "C": 5.0},
               {"kernel": "poly", "degree": 2, "coef0": 1.0}]
)
def test_svr_matches_libsvm(global_random_seed, params):
    X, y = make_regression(n_samples=100, n_features=4, noise=10.0,
                           random_state=global_random_seed)
    X = StandardScaler().fit_transform(X)
    y = y / y.std()
    kw = {"tol": 1e-8, **params}
    a = SVR(**kw).fit(X, y)
    b = sk.SVR(**kw).fit(X, y)
    assert_array_equal(a.support_, b.support_)
    assert_allclose(a.dual_coef_, b.dual_coef_, atol=1e-4)
    assert_allclose(a.intercept_, b.intercept_, atol=1e-5)
    assert_allclose(a.predict(X), b.predict(X), atol=1e-5)


def test_svr_sample_weight_matches_libsvm(global_random_seed):
    X, y = make_regression(n_samples=80, n_features=3, noise=5.0,
                           random_state=global_random_seed)
    y = y / y.std()
    sw = np.random.RandomState(global_random_seed).uniform(0.1, 2.0, X.shape[0])
    a = SVR(tol=1e-8, gamma=0.2).fit(X, y, sample_weight=sw)
    b = sk.SVR(tol=1e-8, gamma=0.2).fit(X, y, sample_weight=sw)
    assert_array_equal(a.support_, b.support_)
    assert_allclose(a.predict(X), b.predict(X), atol=1e-5)


@pytest.mark.parametrize("cache_size", [0.01, 0.05, 200])
def test_cache_size_does_not_change_the_result(global_random_seed, cache_size):
    # 0.01 MB holds two rows of 300 samples: every row is evicted and recomputed.
    X, y = _data(global_random_seed, n=300)
    ref = SVC(cache_size=200, tol=1e-6).fit(X, y)
    a = SVC(cache_size=cache_size, tol=1e-6).fit(X, y)
    assert_array_equal(a.support_, ref.support_)
    assert_array_equal(a.dual_coef_, ref.dual_coef_)
    assert_array_equal(a.intercept_, ref.intercept_)


def test_shrinking_reaches_the_same_optimum(global_random_seed):
    X, y = _data(global_random_seed, n=300)
    a = SVC(shrinking=True, tol=1e-8).fit(X, y)
    b = SVC(shrinking=False, tol=1e-8).fit(X, y)
    assert_array_equal(a.support_, b.support_)
    assert_allclose(a.decision_function(X), b.decision_function(X), atol=1e-6)


def test_max_iter_warns_and_stops():
    X, y = _data(0, n=200)
    with pytest.warns(ConvergenceWarning, match="max_iter=3"):
        clf = SVC(max_iter=3).fit(X, y)
    assert clf.fit_status_ == 1
    assert_array_equal(clf.n_iter_, [3])
    with pytest.warns(ConvergenceWarning):
        LinearSVC(max_iter=1, tol=1e-12).fit(X, y)


def test_platt_probabilities_are_sane(global_random_seed):
    X, y = _data(global_random_seed, n=150, n_classes=3)
    clf = SVC(probability=True, random_state=global_random_seed).fit(X, y)
    P = clf.predict_proba(X)
    assert_allclose(P.sum(axis=1), 1.0)
    assert np.all((P > 0) & (P < 1))
    # Probabilities agree with the decision most of the time and are calibrated
    # like libsvm's (same method, different folds).
    assert np.mean(P.argmax(axis=1) == clf.predict(X)) > 0.9
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # probability deprecation
        ref = sk.SVC(probability=True, random_state=0).fit(X, y).predict_proba(X)
    assert np.abs(P - ref).mean() < 0.05
    assert_allclose(np.exp(clf.predict_log_proba(X)), P)
    assert not hasattr(SVC(), "predict_proba")


def test_binary_probabilities_follow_the_decision(global_random_seed):
    X, y = _data(global_random_seed, n=150)
    clf = SVC(probability=True, random_state=0).fit(X, y)
    P = clf.predict_proba(X)[:, 1]
    order = np.argsort(clf.decision_function(X))
    assert np.all(np.diff(P[order]) >= -1e-12)  # monotone in the decision


def test_sigmoid_train_recovers_a_known_sigmoid():
    rng = np.random.RandomState(0)
    f = rng.normal(size=20000)
    p = sigmoid_predict(f, -2.0, 0.5)
    label = np.where(rng.uniform(size=f.shape[0]) < p, 1, -1)
    A, B = sigmoid_train(f, label)
    assert_allclose([A, B], [-2.0, 0.5], atol=0.1)


def test_pairwise_coupling_recovers_consistent_probabilities():
    rng = np.random.RandomState(0)
    p = rng.dirichlet(np.ones(4), size=10)
    r = np.column_stack([p[:, i] / (p[:, i] + p[:, j])
                         for i in range(4) for j in range(i + 1, 4)])
    assert_allclose(pairwise_coupling(r, 4), p, atol=1e-3)


@pytest.mark.parametrize("loss", ["hinge", "squared_hinge"])
@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("class_weight", [None, "balanced"])
def test_linear_svc_matches_liblinear(global_random_seed, loss, n_classes,
                                      class_weight):
    X, y = _data(global_random_seed, n=150, n_classes=n_classes)
    kw = {"loss": loss, "tol": 1e-10, "max_iter": 100_000,
          "class_weight": class_weight, "C": 0.7}
    a = LinearSVC(random_state=0, **kw).fit(X, y)
    b = sk.LinearSVC(random_state=0, **kw).fit(X, y)
    assert_allclose(a.coef_, b.coef_, atol=1e-6)
    assert_allclose(a.intercept_, b.intercept_, atol=1e-6)
    assert_allclose(a.decision_function(X), b.decision_function(X), atol=1e-5)


@pytest.mark.parametrize("class_weight", [None, "balanced"])
def test_linear_svc_primal_and_dual_agree(global_random_seed, class_weight):
    X, y = _data(global_random_seed, n=200, n_classes=3)
    kw = {"tol": 1e-10, "max_iter": 100_000, "class_weight": class_weight}
    primal = LinearSVC(dual=False, **kw).fit(X, y)
    dual = LinearSVC(dual=True, **kw).fit(X, y)
    ref = sk.LinearSVC(dual=False, **kw).fit(X, y)
    assert_allclose(primal.coef_, dual.coef_, atol=1e-6)
    assert_allclose(primal.coef_, ref.coef_, atol=1e-6)
    assert_allclose(primal.intercept_, ref.intercept_, atol=1e-6)


def test_linear_svc_sample_weight_and_no_intercept(global_random_seed):
    X, y = _data(global_random_seed, n=150)
    sw = np.random.RandomState(global_random_seed).uniform(0.5, 2.0, X.shape[0])
    kw = {"tol": 1e-10, "max_iter": 100_000, "fit_intercept": False}
    a = LinearSVC(**kw).fit(X, y, sample_weight=sw)
    b = sk.LinearSVC(**kw).fit(X, y, sample_weight=sw)
    assert_allclose(a.coef_, b.coef_, atol=1e-6)
    assert_array_equal(a.intercept_, [0.0])


@pytest.mark.parametrize("loss", ["epsilon_insensitive", "squared_epsilon_insensitive"])
def test_linear_svr_matches_liblinear(global_random_seed, loss):
    X, y = make_regression(n_samples=150, n_features=5, noise=5.0,
                           random_state=global_random_seed)
    y = y / y.std()
    kw = {"loss": loss, "tol": 1e-10, "max_iter": 100_000, "epsilon": 0.1}
    a = LinearSVR(**kw).fit(X, y)
    b = sk.LinearSVR(**kw).fit(X, y)
    assert_allclose(a.coef_, b.coef_, atol=1e-5)
    assert_allclose(a.intercept_, b.intercept_, atol=1e-5)


@pytest.mark.parametrize("random_state", range(12))
def test_linear_svr_shrinking_does_not_stall(random_state):
    # At random_state=8 the shrunk dual once stalled with 7 samples active: it
    # ran all 100k passes and stopped 0.7% above liblinear's primal objective.
    # Every sample order must reach liblinear's optimum before max_iter.
    X, y = make_regression(n_samples=150, n_features=5, noise=5.0, random_state=14)
    y = y / y.std()
    kw = {"loss": "epsilon_insensitive", "tol": 1e-10, "max_iter": 100_000,
          "epsilon": 0.1}
    a = LinearSVR(random_state=random_state, **kw).fit(X, y)
    b = sk.LinearSVR(random_state=0, **kw).fit(X, y)

    def primal(m):
        r = np.maximum(np.abs(y - X @ m.coef_ - m.intercept_) - 0.1, 0.0)
        return 0.5 * (m.coef_ @ m.coef_ + m.intercept_[0] ** 2) + r.sum()

    assert a.n_iter_ < kw["max_iter"]
    assert primal(a) == pytest.approx(primal(b), rel=1e-8)
    assert_allclose(a.coef_, b.coef_, atol=1e-5)


def test_kernel_row_indexed_is_kernel_row_on_a_subset(global_random_seed):
    X = np.random.RandomState(global_random_seed).normal(size=(30, 4))
    out = np.zeros(30)
    _py_kernel_row(X[3], X, 1, 0.3, 0.0, 3.0, out)
    assert_allclose(out, kernel_matrix(X[3:4], X, kernel="rbf", gamma=0.3)[0])


# --- bad input ---------------------------------------------------------------


@pytest.mark.parametrize(
    "params, match",
    [
        ({"gamma": 0.0}, "gamma"),
        ({"gamma": -1.0}, "gamma"),
        ({"C": 0.0}, "C"),
        ({"C": -1.0}, "C"),
        ({"max_iter": 0}, "max_iter"),
        ({"kernel": "cosine"}, "kernel"),
    ],
)
@pytest.mark.parametrize("cls", [SVC, SVR])
def test_bad_parameters(cls, params, match):
    X, y = _data(0, n=20)
    with pytest.raises(ValueError, match=match):
        cls(**params).fit(X, y)


def test_bad_data():
    X, y = _data(0, n=20)
    with pytest.raises(ValueError, match="at least 2 classes"):
        SVC().fit(X, np.zeros(20))
    with pytest.raises(ValueError, match="at least 2 classes"):
        LinearSVC().fit(X, np.zeros(20))
    Xn = X.copy()
    Xn[0, 0] = np.nan
    for est in (SVC(), SVR(), LinearSVC(), LinearSVR()):
        with pytest.raises(ValueError, match="NaN"):
            est.fit(Xn, y)
    with pytest.raises(ValueError, match="square"):
        SVC(kernel="precomputed").fit(X, y)
    K = kernel_matrix(X)
    clf = SVC(kernel="precomputed").fit(K, y)
    with pytest.raises(ValueError, match="features"):
        clf.predict(K[:, :10])
    with pytest.raises(ValueError, match="shape"):
        SVC(kernel=lambda A, B: np.ones((2, 2))).fit(X, y)
    with pytest.raises(ValueError, match="non-zero"):
        SVC().fit(X, y, sample_weight=np.zeros(20))
    with pytest.raises(ValueError, match="supported"):
        LinearSVC(penalty="l1", loss="hinge").fit(X, y)
    with pytest.raises(ValueError, match="dual"):
        LinearSVC(loss="hinge", dual=False).fit(X, y)


@pytest.mark.slow
@pytest.mark.parametrize("shrinking", [True, False])
def test_svc_rbf_rows_do_not_depend_on_thread_count(shrinking):
    # 1500 x 700 rows are long enough (1.05M multiply-adds) for the SMO to
    # compute them on several threads; each entry is computed alone, so one
    # thread and two must give the same model bit for bit, and scikit-learn's
    # support set.
    from threadpoolctl import threadpool_limits

    X, y = make_classification(
        n_samples=1500, n_features=700, n_informative=10, random_state=3
    )
    X = StandardScaler().fit_transform(X)
    models = []
    for n_threads in (1, 2):
        with threadpool_limits(limits=n_threads, user_api="openmp"):
            models.append(SVC(shrinking=shrinking, cache_size=20).fit(X, y))
    assert_array_equal(models[0].support_, models[1].support_)
    assert_array_equal(models[0].dual_coef_, models[1].dual_coef_)
    assert_array_equal(models[0].intercept_, models[1].intercept_)
    ref = sk.SVC(shrinking=shrinking, cache_size=20).fit(X, y)
    assert_array_equal(models[0].support_, ref.support_)
