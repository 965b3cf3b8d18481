# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Histogram gradient boosting: kernels against NumPy closed forms, estimators
against scikit-learn's HistGradientBoosting*, early stopping, staging, warm
start, threads, NaN, float32 and bad input."""

import re

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import expit, logsumexp, softmax
from sklearn.datasets import make_classification, make_regression
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
)
from sklearn.metrics import log_loss, r2_score
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.utils.class_weight import compute_sample_weight
from threadpoolctl import threadpool_limits

from skml.ensemble import (
    GradientBoostingClassifier,
    GradientBoostingRegressor,
    _gb_kernels,
)
from skml.ensemble._gb_losses import weighted_quantile

# One thread unless a test is about threads: the results do not depend on it,
# and small fits are fastest on one.
NO_ES = dict(early_stopping=False, n_threads=1)


@pytest.fixture(autouse=True)
def _one_openmp_thread():
    # scikit-learn's HGB on one thread too (explicit n_threads still apply).
    with threadpool_limits(limits=1, user_api="openmp"):
        yield


def _closed_form(loss, y, r, param):
    # (pointwise loss, gradient, hessian) of one raw output, NumPy.
    one = np.ones_like(r)
    if loss == "squared_error":
        return 0.5 * (r - y) ** 2, r - y, one
    if loss == "absolute_error":
        return np.abs(r - y), np.sign(r - y), one
    if loss == "quantile":
        d = y - r
        return (
            np.where(d >= 0, param * d, (param - 1) * d),
            np.where(y < r, 1 - param, -param),
            one,
        )
    if loss == "huber":
        d = np.abs(y - r)
        value = np.where(d <= param, 0.5 * d**2, param * (d - 0.5 * param))
        return value, np.clip(r - y, -param, param), one
    if loss == "poisson":
        return np.exp(r) - y * r, np.exp(r) - y, np.exp(r)
    if loss == "gamma":
        return r + y * np.exp(-r), 1 - y * np.exp(-r), y * np.exp(-r)
    p = expit(r)
    return np.logaddexp(0, r) - y * r, p - y, p * (1 - p)


@pytest.mark.parametrize(
    "loss",
    [
        "squared_error",
        "absolute_error",
        "quantile",
        "huber",
        "poisson",
        "gamma",
        "binary_log_loss",
    ],
)
def test_gb_kernels_match_closed_forms(loss, global_random_seed):
    rng = np.random.RandomState(global_random_seed)
    n = 500
    raw = rng.normal(size=(1, n))
    y = rng.gamma(2.0, size=n) if loss in ("poisson", "gamma") else rng.normal(size=n)
    if loss == "binary_log_loss":
        y = (rng.uniform(size=n) < 0.4).astype(float)
    param = {"quantile": 0.3, "huber": 0.7}.get(loss, 0.0)
    code = _gb_kernels.LOSSES[loss]
    g, h, out = np.empty((1, n)), np.empty((1, n)), np.empty(n)
    _gb_kernels.gradient_hessian(code, y, raw, g, h, param, 2)
    _gb_kernels.pointwise_loss(code, y, raw, out, param, 2)
    value, grad, hess = _closed_form(loss, y, raw[0], param)
    assert_allclose(out, value, rtol=1e-12, atol=1e-12)
    assert_allclose(g[0], grad, rtol=1e-12, atol=1e-12)
    assert_allclose(h[0], np.maximum(hess, _gb_kernels.TINY_HESSIAN), rtol=1e-12)


def test_gb_kernels_multinomial(global_random_seed):
    rng = np.random.RandomState(global_random_seed)
    n, k = 300, 4
    raw = rng.normal(scale=3, size=(k, n))
    y = rng.randint(k, size=n).astype(float)
    g, h, out = np.empty((k, n)), np.empty((k, n)), np.empty(n)
    code = _gb_kernels.LOSSES["multinomial"]
    _gb_kernels.gradient_hessian(code, y, raw, g, h, 0.0, 2)
    _gb_kernels.pointwise_loss(code, y, raw, out, 0.0, 2)
    p = softmax(raw, axis=0)
    onehot = np.eye(k)[y.astype(int)].T
    assert_allclose(g, p - onehot, atol=1e-12)
    assert_allclose(h, p * (1 - p), atol=1e-12)
    expected = logsumexp(raw, axis=0) - raw[y.astype(int), np.arange(n)]
    assert_allclose(out, expected, atol=1e-12)


def test_weighted_quantile_matches_repetition(global_random_seed):
    rng = np.random.RandomState(global_random_seed)
    values = rng.normal(size=30)
    counts = rng.randint(1, 4, size=30)
    repeated = np.repeat(values, counts)
    for q in (0.1, 0.5, 0.9):
        expected = np.quantile(repeated, q, method="inverted_cdf")
        assert weighted_quantile(values, counts.astype(float), q) == expected


def _split(X, y, seed):
    return train_test_split(X, y, test_size=0.3, random_state=seed)


def test_classifier_matches_hgb_binary(global_random_seed):
    X, y = make_classification(
        2000, 10, n_informative=6, random_state=global_random_seed
    )
    Xt, Xs, yt, ys = _split(X, y, global_random_seed)
    ours = GradientBoostingClassifier(n_estimators=50, **NO_ES).fit(Xt, yt)
    hgb = HistGradientBoostingClassifier(max_iter=50, early_stopping=False).fit(Xt, yt)
    ll_ours = log_loss(ys, ours.predict_proba(Xs))
    ll_hgb = log_loss(ys, hgb.predict_proba(Xs))
    assert ll_ours < 1.05 * ll_hgb + 0.005
    assert ours.n_trees_per_iteration_ == 1 and ours.n_iter_ == 50


def test_first_tree_matches_hgb(global_random_seed):
    # Same bins (midpoints of at most 255 distinct float32 values), same gains
    # (up to HGB's float32 gradients), same best-first growth: the first
    # tree's splits and leaf values coincide.
    X, y = make_regression(1500, 5, noise=5.0, random_state=global_random_seed)
    X = np.round(X, 1).astype(np.float32).astype(np.float64)
    kw = dict(max_leaf_nodes=8, learning_rate=0.5, early_stopping=False)
    ours = GradientBoostingRegressor(n_estimators=1, n_threads=1, **kw).fit(X, y)
    hgb = HistGradientBoostingRegressor(max_iter=1, **kw).fit(X, y)
    tree = ours._predictors[0][0]
    nodes = hgb._predictors[0][0].nodes
    inner = tree.children_left >= 0
    ours_splits = sorted(zip(tree.feature[inner], tree.threshold[inner]))
    hgb_splits = sorted(
        (n["feature_idx"], n["num_threshold"]) for n in nodes if not n["is_leaf"]
    )
    assert len(ours_splits) == len(hgb_splits) == 7
    for (f1, t1), (f2, t2) in zip(ours_splits, hgb_splits):
        assert f1 == f2
        assert_allclose(t1, t2, rtol=1e-6)
    assert_allclose(
        np.sort(tree.value[~inner, 0, 0]),
        np.sort([n["value"] for n in nodes if n["is_leaf"]]),
        rtol=1e-4,
    )
    assert_allclose(ours.predict(X), hgb.predict(X), rtol=1e-4, atol=1e-3)


def test_classifier_matches_hgb_multiclass(global_random_seed):
    X, y = make_classification(
        1500, 10, n_informative=6, n_classes=3, random_state=global_random_seed
    )
    Xt, Xs, yt, ys = _split(X, y, global_random_seed)
    ours = GradientBoostingClassifier(n_estimators=30, **NO_ES).fit(Xt, yt)
    hgb = HistGradientBoostingClassifier(max_iter=30, early_stopping=False).fit(Xt, yt)
    proba = ours.predict_proba(Xs)
    assert_allclose(proba.sum(axis=1), 1.0)
    assert ours.n_trees_per_iteration_ == 3
    assert len(ours._predictors[0]) == 3
    assert log_loss(ys, proba) < 1.05 * log_loss(ys, hgb.predict_proba(Xs)) + 0.01
    assert ours.decision_function(Xs).shape == (len(Xs), 3)


@pytest.mark.parametrize(
    "loss", ["squared_error", "absolute_error", "quantile", "poisson", "gamma"]
)
def test_regressor_matches_hgb(loss, global_random_seed):
    X, y = make_regression(1500, 8, noise=10, random_state=global_random_seed)
    if loss in ("poisson", "gamma"):
        y = np.exp((y - y.mean()) / y.std()) + 0.01
    Xt, Xs, yt, ys = _split(X, y, global_random_seed)
    q = 0.5 if loss == "quantile" else None
    ours = GradientBoostingRegressor(loss, quantile=q, n_estimators=40, **NO_ES)
    hgb = HistGradientBoostingRegressor(
        loss=loss, quantile=q, max_iter=40, early_stopping=False
    )
    r2_ours = r2_score(ys, ours.fit(Xt, yt).predict(Xs))
    r2_hgb = r2_score(ys, hgb.fit(Xt, yt).predict(Xs))
    assert r2_ours > r2_hgb - 0.02


@pytest.mark.parametrize("loss", ["absolute_error", "quantile", "huber"])
def test_leaves_refit_to_residual_quantiles(loss, global_random_seed):
    # After one iteration, each leaf is lr times the loss's statistic of the
    # residuals y - baseline of its samples.
    rng = np.random.RandomState(global_random_seed)
    X = rng.normal(size=(600, 3))
    y = X[:, 0] + rng.standard_t(2, size=600)
    w = rng.uniform(0.5, 2, size=600)
    q = 0.8 if loss != "absolute_error" else None
    lr = 0.7
    reg = GradientBoostingRegressor(
        loss, quantile=q, n_estimators=1, learning_rate=lr, max_leaf_nodes=4, **NO_ES
    ).fit(X, y, sample_weight=w)
    tree = reg._predictors[0][0]
    leaves = tree.apply(X.astype(np.float32))
    residual = y - reg._baseline[0]
    if loss == "huber":
        delta = weighted_quantile(np.abs(residual), w, q)
    for leaf in np.unique(leaves):
        r, ww = residual[leaves == leaf], w[leaves == leaf]
        if loss == "huber":
            med = weighted_quantile(r, ww, 0.5)
            d = r - med
            expected = med + np.average(
                np.sign(d) * np.minimum(delta, np.abs(d)), weights=ww
            )
        else:
            expected = weighted_quantile(r, ww, 0.5 if q is None else q)
        assert_allclose(tree.value[leaf, 0, 0], lr * expected, rtol=1e-12)


def test_staged_predictions_end_at_predict(global_random_seed):
    X, y = make_classification(
        500, 6, n_classes=3, n_informative=4, random_state=global_random_seed
    )
    clf = GradientBoostingClassifier(n_estimators=8, **NO_ES).fit(X, y)
    staged = list(clf.staged_predict_proba(X))
    assert len(staged) == clf.n_iter_
    assert_array_equal(staged[-1], clf.predict_proba(X))
    assert_array_equal(list(clf.staged_predict(X))[-1], clf.predict(X))
    assert_array_equal(
        list(clf.staged_decision_function(X))[-1], clf.decision_function(X)
    )
    Xr, yr = make_regression(300, 4, random_state=global_random_seed)
    reg = GradientBoostingRegressor(n_estimators=6, **NO_ES).fit(Xr, yr)
    stages = list(reg.staged_predict(Xr))
    assert len(stages) == 6
    assert_array_equal(stages[-1], reg.predict(Xr))


def test_raw_updates_from_leaves_equal_traversal(global_random_seed):
    # The training raw predictions are updated from the builder's leaf of each
    # sample (and traversal for rows left out by subsample): the training loss
    # of early stopping equals the loss of predictions recomputed from X.
    X, y = make_classification(800, 6, random_state=global_random_seed)
    clf = GradientBoostingClassifier(
        n_estimators=10,
        early_stopping=True,
        validation_fraction=None,
        subsample=0.6,
        n_iter_no_change=100,
        random_state=0,
        n_threads=1,
    ).fit(X, y)
    p = clf.predict_proba(X)[:, 1]
    expected = -log_loss(y, p)
    assert_allclose(clf.train_score_[-1], expected, rtol=1e-10)


def test_early_stopping(global_random_seed):
    X, y = make_classification(3000, 10, flip_y=0.3, random_state=global_random_seed)
    clf = GradientBoostingClassifier(
        n_estimators=500,
        early_stopping=True,
        n_iter_no_change=5,
        learning_rate=0.5,
        random_state=global_random_seed,
        n_threads=1,
    ).fit(X, y)
    assert clf.n_iter_ < 500
    assert len(clf.validation_score_) == len(clf.train_score_) == clf.n_iter_ + 1
    best = np.max(clf.validation_score_[:-5])
    assert not np.any(clf.validation_score_[-5:] > best + clf.tol)
    # "auto": off up to 10k rows.
    auto = GradientBoostingClassifier(n_estimators=5, n_threads=1).fit(X, y)
    assert not auto.do_early_stopping_ and len(auto.train_score_) == 0


def test_user_validation_set(global_random_seed):
    X, y = make_regression(1200, 5, noise=30, random_state=global_random_seed)
    Xt, Xv, yt, yv = _split(X, y, global_random_seed)
    reg = GradientBoostingRegressor(n_estimators=300, n_iter_no_change=3, n_threads=1)
    reg.fit(Xt, yt, X_val=Xv, y_val=yv)
    assert reg.do_early_stopping_
    # The validation scores are the losses on (Xv, yv) of the staged models.
    stages = list(reg.staged_predict(Xv))
    assert_allclose(
        reg.validation_score_[1:],
        [-0.5 * np.mean((s - yv) ** 2) for s in stages],
        rtol=1e-10,
    )
    with pytest.raises(ValueError, match="early_stopping is False"):
        GradientBoostingRegressor(early_stopping=False).fit(Xt, yt, X_val=Xv, y_val=yv)
    with pytest.raises(ValueError, match="together"):
        GradientBoostingRegressor().fit(Xt, yt, X_val=Xv)


def test_early_stopping_with_scorer_in_grid_search(global_random_seed):
    X, y = make_classification(600, 5, random_state=global_random_seed)
    grid = GridSearchCV(
        GradientBoostingClassifier(
            n_estimators=20,
            early_stopping=True,
            scoring="accuracy",
            n_iter_no_change=3,
            n_threads=1,
        ),
        {"learning_rate": [0.1, 0.3]},
        cv=2,
    ).fit(X, y)
    assert grid.best_estimator_.n_iter_ <= 20
    assert 0 <= grid.best_estimator_.validation_score_[-1] <= 1


def test_warm_start_equals_one_fit(global_random_seed):
    X, y = make_classification(
        600, 6, n_classes=3, n_informative=4, random_state=global_random_seed
    )
    kw = dict(subsample=0.7, colsample_bytree=0.8, random_state=global_random_seed)
    one = GradientBoostingClassifier(n_estimators=12, **kw, **NO_ES).fit(X, y)
    warm = GradientBoostingClassifier(n_estimators=5, warm_start=True, **kw, **NO_ES)
    warm.fit(X, y).set_params(n_estimators=12).fit(X, y)
    assert warm.n_iter_ == 12
    assert_array_equal(warm.decision_function(X), one.decision_function(X))
    with pytest.raises(ValueError, match="n_estimators"):
        warm.set_params(n_estimators=3).fit(X, y)


def test_threads_do_not_change_the_model(global_random_seed):
    X, y = make_classification(3000, 8, random_state=global_random_seed)
    kw = dict(n_estimators=5, colsample_bynode=0.5, subsample=0.8, random_state=0)
    a = GradientBoostingClassifier(n_threads=1, early_stopping=False, **kw).fit(X, y)
    b = GradientBoostingClassifier(n_threads=2, early_stopping=False, **kw).fit(X, y)
    assert_array_equal(a.decision_function(X), b.decision_function(X))


def test_float32_and_float64_give_the_same_model(global_random_seed):
    X, y = make_regression(400, 5, random_state=global_random_seed)
    X32 = X.astype(np.float32)
    kw = dict(n_estimators=5, random_state=0, **NO_ES)
    a = GradientBoostingRegressor(**kw).fit(X32, y)
    b = GradientBoostingRegressor(**kw).fit(X32.astype(np.float64), y)
    assert_array_equal(a.predict(X32), b.predict(X32))


def test_missing_values_are_routed(global_random_seed):
    # The label is carried by whether x0 is missing: a model must route NaN.
    rng = np.random.RandomState(global_random_seed)
    X = rng.normal(size=(1000, 3))
    missing = rng.uniform(size=1000) < 0.3
    y = missing.astype(int)
    X[missing, 0] = np.nan
    clf = GradientBoostingClassifier(n_estimators=10, **NO_ES).fit(X, y)
    assert clf.score(X, y) == 1.0
    hgb = HistGradientBoostingClassifier(max_iter=10, early_stopping=False).fit(X, y)
    assert_allclose(clf.predict_proba(X), hgb.predict_proba(X), atol=1e-3)


def test_class_weight_is_sample_weight(global_random_seed):
    X, y = make_classification(400, 5, weights=[0.8], random_state=global_random_seed)
    # Same random_state: node features are drawn (their order breaks ties).
    a = GradientBoostingClassifier(
        n_estimators=5, class_weight="balanced", random_state=0, **NO_ES
    )
    b = GradientBoostingClassifier(n_estimators=5, random_state=0, **NO_ES)
    a.fit(X, y)
    b.fit(X, y, sample_weight=compute_sample_weight("balanced", y))
    assert_array_equal(a.decision_function(X), b.decision_function(X))


def test_feature_importances_are_gains(global_random_seed):
    X, y = make_classification(
        1000,
        8,
        n_informative=2,
        n_redundant=0,
        shuffle=False,
        random_state=global_random_seed,
    )
    clf = GradientBoostingClassifier(n_estimators=10, **NO_ES).fit(X, y)
    imp = clf.feature_importances_
    assert_allclose(imp.sum(), 1.0)
    assert set(np.argsort(imp)[-2:]) == {0, 1}


def test_column_sampling_uses_original_feature_indices(global_random_seed):
    X, y = make_regression(500, 10, n_informative=3, random_state=global_random_seed)
    reg = GradientBoostingRegressor(
        n_estimators=10, colsample_bytree=0.3, random_state=0, **NO_ES
    ).fit(X, y)
    used = set()
    for (tree,) in reg._predictors:
        features = tree.feature[tree.children_left >= 0]
        assert len(set(features)) <= 3
        used |= set(features)
    assert len(used) > 3  # different columns for different trees


def test_verbose_prints_one_line_per_iteration(capsys):
    X, y = make_regression(200, 3, random_state=0)
    GradientBoostingRegressor(n_estimators=3, verbose=1, **NO_ES).fit(X, y)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 4
    assert re.match(r"\[1/3\] train score: -?[\d.]+, in [\d.]+s", lines[0])


def test_bad_input():
    X = np.random.RandomState(0).normal(size=(50, 3))
    with pytest.raises(ValueError, match="one class"):
        GradientBoostingClassifier().fit(X, np.zeros(50))
    for bad in (np.nan, np.inf):
        y = np.arange(50.0)
        y[3] = bad
        with pytest.raises(ValueError, match="NaN|inf"):
            GradientBoostingRegressor().fit(X, y)
    with pytest.raises(ValueError, match="poisson"):
        GradientBoostingRegressor("poisson").fit(X, np.arange(50.0) - 1)
    with pytest.raises(ValueError, match="gamma"):
        GradientBoostingRegressor("gamma").fit(X, np.arange(50.0))
    with pytest.raises(ValueError, match="learning_rate"):
        GradientBoostingRegressor(learning_rate=0.0).fit(X, np.arange(50.0))
    with pytest.raises(ValueError, match="quantile"):
        GradientBoostingRegressor("quantile").fit(X, np.arange(50.0))
    with pytest.raises(ValueError, match="max_bins"):
        GradientBoostingRegressor(max_bins=256).fit(X, np.arange(50.0))
    clf = GradientBoostingClassifier(n_estimators=2).fit(X, np.arange(50) % 2)
    with pytest.raises(ValueError, match="not seen"):
        GradientBoostingClassifier(n_estimators=2).fit(
            X, np.arange(50) % 2, X_val=X, y_val=np.full(50, 7)
        )
    with pytest.raises(ValueError, match="features"):
        clf.predict(X[:, :2])


@pytest.mark.slow
def test_higgs_accuracy_close_to_lightgbm(shared_data):
    lightgbm = pytest.importorskip("lightgbm")
    pd = pytest.importorskip("pandas")
    df = pd.read_csv(shared_data / "higgs" / "higgs_sas_subset.csv")
    y = df.pop("label").to_numpy()
    Xt, Xs, yt, ys = train_test_split(df.to_numpy(), y, random_state=0)
    ours = GradientBoostingClassifier(**NO_ES, random_state=0).fit(Xt, yt)
    lgbm = lightgbm.LGBMClassifier(n_estimators=100, verbose=-1).fit(Xt, yt)
    assert ours.score(Xs, ys) > lgbm.score(Xs, ys) - 0.01
