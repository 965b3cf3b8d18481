# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Uplift random forests: bagging, threads, effect recovery, bad input."""

import pickle

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skml.datasets import make_uplift_classification, make_uplift_regression
from skml.metrics import qini_auc_score
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


def _bootstrap_of(tree, t, groups):
    # The counts of the bootstrap a forest grew ``tree`` on (rows of each group
    # in the forest's group order: control first, then the sorted treatments).
    rows = [np.flatnonzero(t == g) for g in groups]
    return stratified_bootstrap(rows, t.shape[0], tree.random_state)


@pytest.mark.parametrize("n_treatments", [1, 2])
def test_oob_prediction_by_brute_force(n_treatments, global_random_seed):
    X, y, t, _ = make_uplift_classification(
        n_samples=1200, n_treatments=n_treatments, random_state=global_random_seed
    )
    labels = np.array(["control", "mail", "phone"])[t]
    forest = UpliftRandomForestClassifier(
        n_estimators=25,
        min_samples_leaf=30,
        oob_score=True,
        random_state=0,
        control="control",
    ).fit(X, y, treatment=labels)
    groups = ["control", *forest.treatment_groups_]
    total = np.zeros((X.shape[0], n_treatments + 1))
    count = np.zeros(X.shape[0])
    for tree in forest.estimators_:
        counts = _bootstrap_of(tree, labels, groups)
        # These counts are the tree's own bootstrap: the rows it drew and the
        # weights and outcome means of its root are theirs.
        assert tree.tree_.n_node_samples[0] == np.count_nonzero(counts)
        y_mean = [np.average(y, weights=counts * (labels == g)) for g in groups]
        weight = [counts[labels == g].sum() for g in groups]
        root = tree.tree_.value[0].ravel()
        assert_allclose(root[-len(groups) :], weight)
        assert_allclose(root[: len(groups)], y_mean)
        out = counts == 0
        total[out] += tree.predict_outcomes(X[out])
        count[out] += 1
    assert count.min() > 0
    outcomes = total / count[:, None]
    expected = outcomes[:, 1:] - outcomes[:, :1]
    assert_allclose(
        forest.oob_prediction_,
        expected.squeeze(axis=1) if n_treatments == 1 else expected,
    )
    assert forest.oob_score_ == pytest.approx(
        np.mean(qini_auc_score(y, forest.oob_prediction_, labels, control="control"))
    )


def test_oob_score_tracks_held_out_score():
    # Out-of-bag rows are unseen by the trees that score them, so the OOB Qini
    # estimates the held-out one, while the in-sample Qini is optimistic.
    X, y, t, _ = make_uplift_classification(n_samples=20000, random_state=0)
    train, test = slice(0, 10000), slice(10000, None)
    forest = UpliftRandomForestClassifier(
        n_estimators=40,
        min_samples_leaf=20,
        max_depth=None,
        oob_score=True,
        splitter="hist",
        random_state=0,
    ).fit(X[train], y[train], treatment=t[train])
    held_out = forest.score(X[test], y[test], treatment=t[test])
    in_sample = forest.score(X[train], y[train], treatment=t[train])
    assert abs(forest.oob_score_ - held_out) < 0.5 * abs(in_sample - held_out)


def test_oob_needs_bootstrap_and_warns_without_enough_trees():
    X, y, t, _ = make_uplift_classification(n_samples=600, random_state=0)
    forest = UpliftRandomForestClassifier(oob_score=True, bootstrap=False)
    with pytest.raises(ValueError, match="bootstrap=True"):
        forest.fit(X, y, treatment=t)
    forest = UpliftRandomForestClassifier(
        n_estimators=1, oob_score=True, random_state=0
    )
    with pytest.warns(UserWarning, match="no out-of-bag prediction"):
        forest.fit(X, y, treatment=t)
    unseen = np.isnan(forest.oob_prediction_)
    # With one tree, a row is out of bag exactly when its bootstrap count is 0.
    counts = _bootstrap_of(forest.estimators_[0], t, [0, 1])
    assert_array_equal(unseen, counts > 0)
    assert np.isfinite(forest.oob_score_)


def test_regressor_oob_score(global_random_seed):
    X, y, t, _ = make_uplift_regression(n_samples=1500, random_state=global_random_seed)
    forest = UpliftRandomForestRegressor(
        n_estimators=20, oob_score=True, random_state=0
    ).fit(X, y, treatment=t)
    assert forest.oob_prediction_.shape == (1500,)
    assert np.isfinite(forest.oob_prediction_).all()
    assert forest.oob_score_ == pytest.approx(
        qini_auc_score(y, forest.oob_prediction_, t)
    )
