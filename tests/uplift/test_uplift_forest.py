# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Uplift random forests: bagging, threads, effect recovery, bad input."""

import pickle

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skml.datasets import make_uplift_classification, make_uplift_regression
from skml.uplift import (
    UpliftRandomForestClassifier,
    UpliftRandomForestRegressor,
    UpliftTreeClassifier,
)
from skml.uplift._forest import stratified_bootstrap


def test_forest_is_mean_of_its_trees(global_random_seed):
    X, y, t, _ = make_uplift_classification(
        n_samples=1500, n_treatments=2, random_state=global_random_seed
    )
    forest = UpliftRandomForestClassifier(n_estimators=7, random_state=0)
    forest.fit(X, y, treatment=t)
    assert all(isinstance(e, UpliftTreeClassifier) for e in forest.estimators_)
    outcomes = np.mean([e.predict_outcomes(X) for e in forest.estimators_], axis=0)
    assert_allclose(forest.predict_outcomes(X), outcomes)
    assert_allclose(forest.predict(X), outcomes[:, 1:] - outcomes[:, :1])


@pytest.mark.parametrize("splitter", ["best", "hist"])
def test_same_forest_for_any_n_jobs(splitter, global_random_seed):
    X, y, t, _ = make_uplift_classification(
        n_samples=1500, random_state=global_random_seed
    )
    params = dict(n_estimators=6, splitter=splitter, random_state=global_random_seed)
    one = UpliftRandomForestClassifier(n_jobs=1, **params).fit(X, y, treatment=t)
    two = UpliftRandomForestClassifier(n_jobs=2, **params).fit(X, y, treatment=t)
    assert_array_equal(one.predict(X), two.predict(X))


@pytest.mark.parametrize("splitter", ["best", "hist"])
def test_classifier_forest_recovers_effect(splitter, global_random_seed):
    X, y, t, tau = make_uplift_classification(
        n_samples=4000, random_state=global_random_seed
    )
    forest = UpliftRandomForestClassifier(
        n_estimators=20, splitter=splitter, random_state=0
    )
    pred = forest.fit(X, y, treatment=t).predict(X)
    single = UpliftTreeClassifier(random_state=0).fit(X, y, treatment=t).predict(X)
    assert np.corrcoef(pred, tau)[0, 1] > 0.6
    # Averaging trees smooths the step function of a single tree.
    assert np.unique(pred).shape[0] > 5 * np.unique(single).shape[0]


def test_regressor_forest_recovers_effect(global_random_seed):
    X, y, t, tau = make_uplift_regression(
        n_samples=3000, n_treatments=2, random_state=global_random_seed
    )
    forest = UpliftRandomForestRegressor(n_estimators=15, random_state=0)
    pred = forest.fit(X, y, treatment=t).predict(X)
    assert pred.shape == (3000, 2)
    for k in range(2):
        assert np.corrcoef(pred[:, k], tau[:, k])[0, 1] > 0.7


def test_bootstrap_keeps_every_group(global_random_seed):
    rng = np.random.RandomState(global_random_seed)
    groups = [np.arange(0, 500), np.arange(500, 503)]  # a tiny treatment group
    for seed in range(20):
        counts = stratified_bootstrap(groups, 503, seed + global_random_seed)
        assert counts[:500].sum() == 500 and counts[500:].sum() == 3
    X = rng.normal(size=(503, 3))
    t = np.r_[np.zeros(500, int), np.ones(3, int)]
    y = (rng.uniform(size=503) > 0.5).astype(float)
    forest = UpliftRandomForestClassifier(
        n_estimators=10, min_samples_leaf=5, min_samples_treatment=0, random_state=0
    ).fit(X, y, treatment=t)
    assert np.all(np.isfinite(forest.predict(X)))
    for tree in forest.estimators_:
        assert tree.tree_.value[0, 0, 5] == 3  # the treated weight at the root


def test_without_bootstrap_trees_see_all_rows(global_random_seed):
    X, y, t, _ = make_uplift_classification(
        n_samples=800, random_state=global_random_seed
    )
    forest = UpliftRandomForestClassifier(
        n_estimators=3, bootstrap=False, random_state=0
    ).fit(X, y, treatment=t)
    for tree in forest.estimators_:
        assert tree.tree_.weighted_n_node_samples[0] == 800


def test_feature_importances(global_random_seed):
    X, y, t, _ = make_uplift_classification(
        n_samples=3000, n_uplift=2, random_state=global_random_seed
    )
    forest = UpliftRandomForestClassifier(n_estimators=10, random_state=0)
    imp = forest.fit(X, y, treatment=t).feature_importances_
    assert imp.shape == (X.shape[1],)
    assert np.all(imp >= 0) and imp.sum() == pytest.approx(1.0)


def test_honest_forest(global_random_seed):
    X, y, t, tau = make_uplift_classification(
        n_samples=3000, random_state=global_random_seed
    )
    forest = UpliftRandomForestClassifier(
        n_estimators=10, honesty=True, random_state=0
    ).fit(X, y, treatment=t)
    assert np.corrcoef(forest.predict(X), tau)[0, 1] > 0.4


def test_sparse_matches_dense(global_random_seed):
    from scipy.sparse import csr_matrix

    X, y, t, _ = make_uplift_classification(
        n_samples=800, random_state=global_random_seed
    )
    X = np.where(np.abs(X) < 0.7, 0.0, X)
    params = dict(n_estimators=4, random_state=0)
    dense = UpliftRandomForestClassifier(**params).fit(X, y, treatment=t)
    sparse = UpliftRandomForestClassifier(**params).fit(csr_matrix(X), y, treatment=t)
    assert_allclose(dense.predict(X), sparse.predict(csr_matrix(X)))


def test_pickle_round_trip(global_random_seed):
    X, y, t, _ = make_uplift_classification(
        n_samples=800, random_state=global_random_seed
    )
    forest = UpliftRandomForestClassifier(n_estimators=3, random_state=0)
    forest.fit(X, y, treatment=t)
    assert_array_equal(pickle.loads(pickle.dumps(forest)).predict(X), forest.predict(X))


def test_continuous_outcome_needs_regressor():
    X, y, t, _ = make_uplift_regression(n_samples=300, random_state=0)
    with pytest.raises(ValueError, match="binary"):
        UpliftRandomForestClassifier(n_estimators=2).fit(X, y, treatment=t)
