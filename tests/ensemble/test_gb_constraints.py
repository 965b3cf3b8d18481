# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Monotonic constraints of GradientBoosting*: predictions checked monotone
by brute force on a grid, against scikit-learn's HistGradientBoosting* (same
monotonicity, close scores), all-zero constraints equal to none bit for bit,
and bad input."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
)
from sklearn.metrics import log_loss, r2_score
from threadpoolctl import threadpool_limits

from skml.ensemble import GradientBoostingClassifier, GradientBoostingRegressor

NO_ES = dict(early_stopping=False, n_threads=1)


@pytest.fixture(autouse=True)
def _one_openmp_thread():
    with threadpool_limits(limits=1, user_api="openmp"):
        yield


def _wiggly_data(seed, n=600, classification=False):
    # Increasing in x0, decreasing in x1, with wiggles and noise that an
    # unconstrained model follows (so it is not monotone), and a free x2.
    rng = np.random.RandomState(seed)
    X = rng.uniform(-1, 1, size=(n, 3))
    f = (
        2 * X[:, 0]
        - 2 * X[:, 1]
        + 0.8 * np.sin(12 * X[:, 0])
        + 0.8 * np.cos(12 * X[:, 1])
        + X[:, 2] ** 2
    )
    noise = rng.normal(scale=0.5, size=n)
    if classification:
        return X, (f + noise > 0).astype(int)
    return X, f + noise


def _grid_predictions(predict, X, feature, n_rows=40, n_grid=60):
    # predict() of n_rows rows of X with `feature` set to each point of a grid
    # that spans (and overshoots) its range: shape (n_rows, n_grid).
    rows = X[:n_rows]
    grid = np.linspace(X[:, feature].min() - 0.5, X[:, feature].max() + 0.5, n_grid)
    grid_X = np.repeat(rows, n_grid, axis=0)
    grid_X[:, feature] = np.tile(grid, n_rows)
    return predict(grid_X).reshape(n_rows, n_grid)


def _is_monotone(predict, X, feature, sign):
    steps = np.diff(_grid_predictions(predict, X, feature), axis=1)
    return bool(np.all(steps * sign >= 0))


def _regressor_predict(model):
    return model.predict


def _classifier_predict(model):
    return lambda X: model.predict_proba(X)[:, 1]


@pytest.mark.parametrize(
    "params",
    [
        dict(),
        dict(max_leaf_nodes=None, max_depth=4),  # depth-first growth
        dict(colsample_bytree=0.7, colsample_bynode=0.7, subsample=0.8),
        dict(l1_regularization=0.5, l2_regularization=1.0),
    ],
)
@pytest.mark.parametrize("kind", ["regressor", "classifier"])
def test_gb_monotonic_cst_monotone_predictions(global_random_seed, kind, params):
    classification = kind == "classifier"
    X, y = _wiggly_data(global_random_seed, classification=classification)
    if classification:
        make = GradientBoostingClassifier
        reference = HistGradientBoostingClassifier
        as_predict = _classifier_predict
    else:
        make = GradientBoostingRegressor
        reference = HistGradientBoostingRegressor
        as_predict = _regressor_predict
    common = dict(n_estimators=60, min_samples_leaf=5, random_state=0)
    constrained = make(monotonic_cst=[1, -1, 0], **common, **params, **NO_ES).fit(X, y)
    free = make(**common, **params, **NO_ES).fit(X, y)
    hgb = reference(
        monotonic_cst=[1, -1, 0],
        max_iter=60,
        min_samples_leaf=5,
        early_stopping=False,
        random_state=0,
    ).fit(X, y)
    # The brute-force check tells a free model from a constrained one...
    assert not (
        _is_monotone(as_predict(free), X, 0, 1)
        and _is_monotone(as_predict(free), X, 1, -1)
    )
    # ...and accepts scikit-learn's constrained model, the reference.
    assert _is_monotone(as_predict(hgb), X, 0, 1)
    assert _is_monotone(as_predict(hgb), X, 1, -1)
    assert _is_monotone(as_predict(constrained), X, 0, 1)
    assert _is_monotone(as_predict(constrained), X, 1, -1)
    if classification:  # and the raw log-odds as well
        assert _is_monotone(constrained.decision_function, X, 0, 1)
        assert _is_monotone(constrained.decision_function, X, 1, -1)


@pytest.mark.parametrize(
    "loss, extra",
    [
        ("absolute_error", {}),
        ("quantile", {"quantile": 0.7}),
        ("huber", {}),
        ("poisson", {}),
    ],
)
def test_gb_monotonic_cst_other_losses(global_random_seed, loss, extra):
    # Re-fit leaves (absolute error, quantile, huber) are clipped to the
    # leaves' bounds; a log link (poisson) keeps the raw order.
    X, y = _wiggly_data(global_random_seed)
    if loss == "poisson":
        y = np.exp(y / 2)
    model = GradientBoostingRegressor(
        loss=loss,
        monotonic_cst=[1, -1, 0],
        n_estimators=40,
        min_samples_leaf=5,
        random_state=0,
        **extra,
        **NO_ES,
    ).fit(X, y)
    assert _is_monotone(model.predict, X, 0, 1)
    assert _is_monotone(model.predict, X, 1, -1)


@pytest.mark.parametrize("kind", ["regressor", "classifier"])
def test_gb_monotonic_cst_all_zero_is_unconstrained(global_random_seed, kind):
    classification = kind == "classifier"
    X, y = _wiggly_data(global_random_seed, classification=classification)
    make = GradientBoostingClassifier if classification else GradientBoostingRegressor
    common = dict(n_estimators=20, random_state=global_random_seed, **NO_ES)
    free = make(**common).fit(X, y)
    for cst in ([0, 0, 0], {0: 0}):
        zero = make(monotonic_cst=cst, **common).fit(X, y)
        for trees_free, trees_zero in zip(free._predictors, zero._predictors):
            for a, b in zip(trees_free, trees_zero):
                assert_array_equal(a.feature, b.feature)
                assert_array_equal(a.threshold, b.threshold)
                assert_array_equal(a.value, b.value)
                assert_array_equal(a.impurity, b.impurity)
        method = "decision_function" if classification else "predict"
        assert_array_equal(getattr(free, method)(X), getattr(zero, method)(X))


def _monotone_data(seed, n, classification=False):
    # A function increasing in x0 and x1 and decreasing in x2, plus noise.
    rng = np.random.RandomState(seed)
    X = rng.uniform(-1, 1, size=(n, 4))
    f = 1.5 * X[:, 0] + np.tanh(3 * X[:, 1]) - X[:, 2] ** 3 + 0.5 * X[:, 3] ** 2
    noise = rng.normal(scale=0.3, size=n)
    if classification:
        return X, (f + noise > 0).astype(int)
    return X, f + noise


@pytest.mark.parametrize("kind", ["regressor", "classifier"])
def test_gb_monotonic_cst_score_close_to_hgb(global_random_seed, kind):
    classification = kind == "classifier"
    X, y = _monotone_data(global_random_seed, 3000, classification)
    X_test, y_test = _monotone_data(global_random_seed + 1000, 2000, classification)
    cst = [1, 1, -1, 0]
    common = dict(min_samples_leaf=20, max_leaf_nodes=31, learning_rate=0.1)
    if classification:
        ours = GradientBoostingClassifier(
            monotonic_cst=cst, n_estimators=100, random_state=0, **common, **NO_ES
        ).fit(X, y)
        ref = HistGradientBoostingClassifier(
            monotonic_cst=cst,
            max_iter=100,
            early_stopping=False,
            random_state=0,
            **common,
        ).fit(X, y)
        ours_loss = log_loss(y_test, ours.predict_proba(X_test))
        ref_loss = log_loss(y_test, ref.predict_proba(X_test))
        assert ours_loss <= ref_loss + 0.01
    else:
        ours = GradientBoostingRegressor(
            monotonic_cst=cst, n_estimators=100, random_state=0, **common, **NO_ES
        ).fit(X, y)
        ref = HistGradientBoostingRegressor(
            monotonic_cst=cst,
            max_iter=100,
            early_stopping=False,
            random_state=0,
            **common,
        ).fit(X, y)
        ours_r2 = r2_score(y_test, ours.predict(X_test))
        ref_r2 = r2_score(y_test, ref.predict(X_test))
        assert ours_r2 >= ref_r2 - 0.01


def test_gb_monotonic_cst_dict_forms(global_random_seed):
    pd = pytest.importorskip("pandas")
    X, y = _wiggly_data(global_random_seed, n=300)
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    common = dict(n_estimators=10, random_state=0, **NO_ES)
    by_array = GradientBoostingRegressor(monotonic_cst=[1, -1, 0], **common)
    by_name = GradientBoostingRegressor(monotonic_cst={"a": 1, "b": -1}, **common)
    by_index = GradientBoostingRegressor(monotonic_cst={0: 1, 1: -1}, **common)
    expected = by_array.fit(frame, y).predict(frame)
    assert_array_equal(by_name.fit(frame, y).predict(frame), expected)
    assert_array_equal(by_index.fit(X, y).predict(X), expected)


def test_gb_monotonic_cst_bad_input():
    pd = pytest.importorskip("pandas")
    X, y = _wiggly_data(0, n=200)
    reg = GradientBoostingRegressor
    with pytest.raises(ValueError, match=r"monotonic_cst has shape \(2,\)"):
        reg(monotonic_cst=[1, 0]).fit(X, y)
    with pytest.raises(ValueError, match="must be an array-like of -1, 0 or 1"):
        reg(monotonic_cst=[2, 0, 0]).fit(X, y)
    with pytest.raises(ValueError, match=r"monotonic_cst\['a'\] must be either"):
        reg(monotonic_cst={"a": 2}).fit(pd.DataFrame(X, columns=["a", "b", "c"]), y)
    with pytest.raises(ValueError, match="unexpected feature names"):
        reg(monotonic_cst={"zz": 1}).fit(pd.DataFrame(X, columns=["a", "b", "c"]), y)
    with pytest.raises(ValueError, match="unexpected feature names or indices"):
        reg(monotonic_cst={5: 1}).fit(X, y)
    with pytest.raises(ValueError, match="not fitted on data with feature names"):
        reg(monotonic_cst={"a": 1}).fit(X, y)
    three = np.digitize(y, np.quantile(y, [1 / 3, 2 / 3]))
    with pytest.raises(ValueError, match="not supported for multiclass"):
        GradientBoostingClassifier(monotonic_cst=[1, 0, 0]).fit(X, three)
