# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Boosting prediction (``_gb_kernels.predict_raw``, which copies trees to a
compact breadth-first layout) against a walk of every fitted tree on its own
node array (``Tree.apply``), on rows that sit on the split thresholds, next to
them, at +-inf and NaN."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from skml.ensemble import (
    GradientBoostingClassifier,
    GradientBoostingRegressor,
    _gb_kernels,
)

SETTINGS = dict(early_stopping=False, n_threads=1, random_state=0)


def _data(rng, n, n_features=6, missing=0.1):
    X = rng.normal(size=(n, n_features)).astype(np.float32)
    y = X[:, 0] + np.sin(2 * X[:, 1]) - 0.5 * X[:, 2] * X[:, 3]
    X[rng.uniform(size=X.shape) < missing] = np.nan
    return X, y


def _edge_rows(model, X, rng):
    # Rows whose values are the float32 neighbours of every split threshold
    # (the float32 at or below it, and the next one up), plus inf, -inf, NaN,
    # mixed into copies of training rows.
    values = [np.inf, -np.inf, np.nan]
    for trees in model._predictors:
        for tree in trees:
            split = tree.children_left >= 0
            for t in tree.threshold[split]:
                t32 = np.float32(t)
                if t32 > t:
                    t32 = np.nextafter(t32, np.float32(-np.inf))
                values += [t32, np.nextafter(t32, np.float32(np.inf))]
    values = np.asarray(values, dtype=np.float32)
    rows = X[rng.integers(0, len(X), size=4 * len(values))].copy()
    mask = rng.uniform(size=rows.shape) < 0.5
    rows[mask] = rng.choice(values, size=mask.sum())
    return np.ascontiguousarray(rows)


def _predict(model, X):
    # The estimators' path, without their input validation (which rejects inf).
    raw = np.repeat(model._baseline[:, None], len(X), axis=1).astype(np.float64)
    trees = [tree for trees in model._predictors[: model.n_iter_] for tree in trees]
    _gb_kernels.predict_raw(trees, len(model._baseline), X, raw, 1)
    return raw


def _walk(model, X, baseline=True):
    # Raw predictions by each tree's own traversal, added in the same order
    # (baseline, then the trees of each iteration).
    raw = np.zeros((len(model._baseline), len(X)))
    if baseline:
        raw += model._baseline[:, None]
    for trees in model._predictors[: model.n_iter_]:
        for k, tree in enumerate(trees):
            raw[k] += tree.value[tree.apply(X), 0, 0]
    return raw


@pytest.mark.parametrize(
    "growth", [dict(max_leaf_nodes=31), dict(max_depth=4, max_leaf_nodes=None)]
)
@pytest.mark.parametrize("n_classes", [0, 2, 3])
def test_predict_routes_rows_as_the_trees_do(global_random_seed, growth, n_classes):
    rng = np.random.default_rng(global_random_seed)
    X, y = _data(rng, 3000)
    if n_classes:
        y = np.digitize(y, np.quantile(y, np.linspace(0, 1, n_classes + 1)[1:-1]))
        model = GradientBoostingClassifier(n_estimators=15, **growth, **SETTINGS)
    else:
        model = GradientBoostingRegressor(n_estimators=15, **growth, **SETTINGS)
    model.fit(X, y)
    rows = _edge_rows(model, X, rng)
    assert_array_equal(_predict(model, rows), _walk(model, rows))
    # The rows did reach the thresholds' both sides and the missing routes.
    assert np.isnan(rows).any() and np.isinf(rows).any()


def test_predict_mixes_categorical_and_flat_trees_in_order(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    X, y = _data(rng, 4000, missing=0.05)
    codes = rng.integers(0, 12, size=len(X))
    X[:, 5] = codes
    # The category effect is weak next to the numeric ones, so that some trees
    # have categorical nodes and others do not.
    y = y + 0.3 * (codes % 3 == 0)
    model = GradientBoostingRegressor(
        n_estimators=30, categorical_features=[5], max_leaf_nodes=7, **SETTINGS
    ).fit(X, y)
    has_categorical = [
        tree.categorical_bitsets is not None
        for trees in model._predictors
        for tree in trees
    ]
    assert any(has_categorical) and not all(has_categorical)
    rows = _edge_rows(model, X, rng)
    # Codes seen at fit, unseen ones (12, 13) and invalid ones (-1), NaN.
    codes = rng.integers(-1, 14, len(rows)).astype(np.float32)
    rows[:, 5] = np.where(np.isnan(rows[:, 5]), np.nan, codes)
    assert_array_equal(_predict(model, rows), _walk(model, rows))


def test_predict_does_not_depend_on_threads_or_blocks(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    X, y = _data(rng, 5000)
    model = GradientBoostingRegressor(n_estimators=20, **SETTINGS).fit(X, y)
    # Row counts around the block size and enough rows for two threads.
    for n in (1, 63, 64, 65, 20_000):
        rows = X[rng.integers(0, len(X), size=n)]
        trees = [tree for trees in model._predictors for tree in trees]
        raws = []
        for n_threads in (1, 2):
            raw = np.zeros((1, n))
            _gb_kernels.predict_raw(trees, 1, rows, raw, n_threads)
            raws.append(raw)
        assert_array_equal(raws[0], raws[1])
        assert_array_equal(raws[0][0], _walk(model, rows, baseline=False)[0])


def test_predict_raw_checks_its_arguments():
    rng = np.random.default_rng(0)
    X, y = _data(rng, 500)
    model = GradientBoostingRegressor(n_estimators=3, **SETTINGS).fit(X, y)
    trees = [tree for trees in model._predictors for tree in trees]
    with pytest.raises(ValueError, match="out must have shape"):
        _gb_kernels.predict_raw(trees, 1, X, np.zeros((2, len(X))))
    with pytest.raises(ValueError, match="Tree 0 of the model has 6 features; X has 2"):
        _gb_kernels.predict_raw(trees, 1, X[:, :2].copy(), np.zeros((1, len(X))))


def test_model_does_not_depend_on_random_state_without_sampling(global_random_seed):
    # Small nodes often have several features cutting their samples apart the
    # same way (equal scores): the split goes to the lowest feature, as in
    # HistGradientBoosting, not to the first feature drawn, so random_state
    # only matters through subsampling and column sampling.
    from sklearn.datasets import make_classification

    X, y = make_classification(
        1000, 10, n_informative=6, random_state=global_random_seed
    )
    models = [
        GradientBoostingClassifier(
            n_estimators=20, early_stopping=False, n_threads=1, random_state=seed
        ).fit(X, y)
        for seed in (0, 1, 2)
    ]
    raws = [_predict(model, X.astype(np.float32)) for model in models]
    assert_array_equal(raws[0], raws[1])
    assert_array_equal(raws[0], raws[2])
    # With column sampling per node, the seed picks the features.
    sampled = [
        GradientBoostingClassifier(
            n_estimators=20,
            early_stopping=False,
            n_threads=1,
            colsample_bynode=0.5,
            random_state=seed,
        ).fit(X, y)
        for seed in (0, 1)
    ]
    assert not np.array_equal(
        _predict(sampled[0], X.astype(np.float32)),
        _predict(sampled[1], X.astype(np.float32)),
    )


def test_ties_to_lowest_feature_is_for_the_hist_splitter():
    from skml._splitting import build_tree

    X = np.zeros((10, 2), dtype=np.float32, order="F")
    with pytest.raises(ValueError, match="hist_ties_to_lowest_feature is for"):
        build_tree(
            X,
            np.zeros((10, 1)),
            np.ones(10),
            criterion="squared_error",
            hist_ties_to_lowest_feature=True,
        )
