# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Tests for skml.ensemble random forests and extra trees, against their own
trees and against scikit-learn's forests."""

import pickle

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import ensemble as sk_ensemble
from sklearn.datasets import (
    load_diabetes,
    load_digits,
    load_iris,
    make_classification,
    make_regression,
)
from sklearn.model_selection import train_test_split
from sklearn.utils.class_weight import compute_sample_weight

from skml.ensemble import (
    ExtraTreesClassifier,
    ExtraTreesRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from skml.ensemble._bootstrap import _BootstrapSampler, _n_samples_bootstrap
from skml.tree import DecisionTreeClassifier, DecisionTreeRegressor

CLASSIFIERS = [RandomForestClassifier, ExtraTreesClassifier]
REGRESSORS = [RandomForestRegressor, ExtraTreesRegressor]
FORESTS = CLASSIFIERS + REGRESSORS


def _data(Forest, seed, n_samples=200):
    if Forest in CLASSIFIERS:
        return make_classification(
            n_samples=n_samples,
            n_features=8,
            n_informative=4,
            n_classes=3,
            random_state=seed,
        )
    return make_regression(
        n_samples=n_samples, n_features=8, noise=5.0, random_state=seed
    )


def _tree_class(Forest):
    return DecisionTreeClassifier if Forest in CLASSIFIERS else DecisionTreeRegressor


@pytest.mark.parametrize("Forest", FORESTS)
def test_forest_without_bootstrap_equals_its_trees(Forest, global_random_seed):
    X, y = _data(Forest, global_random_seed)
    forest = Forest(
        n_estimators=5,
        bootstrap=False,
        max_features=None,
        random_state=global_random_seed,
    ).fit(X, y)
    splitter = (
        "random" if Forest in (ExtraTreesClassifier, ExtraTreesRegressor) else "best"
    )
    predictions = []
    for tree in forest.estimators_:
        single = _tree_class(Forest)(
            splitter=splitter, random_state=tree.random_state
        ).fit(X, y)
        assert_array_equal(tree.tree_.feature, single.tree_.feature)
        assert_array_equal(tree.tree_.threshold, single.tree_.threshold)
        assert_allclose(tree.tree_.value, single.tree_.value)
        if Forest in CLASSIFIERS:
            predictions.append(single.predict_proba(X))
        else:
            predictions.append(single.predict(X))
    expected = np.mean(predictions, axis=0)
    if Forest in CLASSIFIERS:
        assert_allclose(forest.predict_proba(X), expected, atol=1e-12)
        assert_array_equal(forest.predict(X), forest.classes_[expected.argmax(1)])
    else:
        assert_allclose(forest.predict(X), expected, rtol=1e-12)


def _split(load):
    X, y = load(return_X_y=True)
    return train_test_split(X, y, random_state=0)


def _mean_score(Forest, seeds, Xtr, ytr, Xte, yte, **params):
    return np.mean(
        [
            Forest(random_state=seed, **params).fit(Xtr, ytr).score(Xte, yte)
            for seed in seeds
        ]
    )


# RandomForest draws its bootstraps from its own stream (weight-proportional
# along a canonical row order), so it is compared with scikit-learn as a
# distribution: the mean over 5 seeds. The tolerances are ~3 standard
# deviations of that mean difference, measured over 50 seeds (digits accuracy:
# sd 0.0045; make_regression R^2: sd 0.008; OOB: sd 0.0014 and 0.006).
# ExtraTrees (no bootstrap) draws exactly as scikit-learn does: one seed, tight.
def _regression_data():
    return make_regression(n_samples=600, n_features=10, noise=10.0, random_state=0)


def test_random_forest_accuracy_close_to_sklearn(global_random_seed):
    Xtr, Xte, ytr, yte = _split(load_digits)
    seeds = range(global_random_seed, global_random_seed + 5)
    ours = _mean_score(
        RandomForestClassifier, seeds, Xtr, ytr, Xte, yte, n_estimators=20
    )
    peer = _mean_score(
        sk_ensemble.RandomForestClassifier, seeds, Xtr, ytr, Xte, yte, n_estimators=20
    )
    assert abs(ours - peer) <= 0.015


def test_random_forest_r2_close_to_sklearn(global_random_seed):
    Xtr, Xte, ytr, yte = train_test_split(*_regression_data(), random_state=0)
    seeds = range(global_random_seed, global_random_seed + 5)
    ours = _mean_score(
        RandomForestRegressor, seeds, Xtr, ytr, Xte, yte, n_estimators=20
    )
    peer = _mean_score(
        sk_ensemble.RandomForestRegressor, seeds, Xtr, ytr, Xte, yte, n_estimators=20
    )
    assert abs(ours - peer) <= 0.025


@pytest.mark.parametrize("load", [load_iris, load_digits])
def test_extra_trees_accuracy_close_to_sklearn(load, global_random_seed):
    Xtr, Xte, ytr, yte = _split(load)
    params = dict(n_estimators=20, random_state=global_random_seed)
    ours = ExtraTreesClassifier(**params).fit(Xtr, ytr)
    peer = sk_ensemble.ExtraTreesClassifier(**params).fit(Xtr, ytr)
    assert abs(ours.score(Xte, yte) - peer.score(Xte, yte)) <= 0.005


@pytest.mark.parametrize("dataset", ["diabetes", "make_regression"])
def test_extra_trees_r2_close_to_sklearn(dataset, global_random_seed):
    if dataset == "diabetes":
        X, y = load_diabetes(return_X_y=True)
    else:
        X, y = _regression_data()
    Xtr, Xte, ytr, yte = train_test_split(X, y, random_state=0)
    params = dict(n_estimators=20, random_state=global_random_seed)
    ours = ExtraTreesRegressor(**params).fit(Xtr, ytr)
    peer = sk_ensemble.ExtraTreesRegressor(**params).fit(Xtr, ytr)
    assert abs(ours.score(Xte, yte) - peer.score(Xte, yte)) <= 0.01


@pytest.mark.filterwarnings("ignore:Some inputs do not have OOB scores")
def test_oob_score_close_to_sklearn(global_random_seed):
    seeds = range(global_random_seed, global_random_seed + 5)
    params = dict(n_estimators=20, oob_score=True)

    def mean_oob(Forest, X, y):
        return np.mean(
            [Forest(random_state=s, **params).fit(X, y).oob_score_ for s in seeds]
        )

    X, y = load_digits(return_X_y=True)
    ours = mean_oob(RandomForestClassifier, X, y)
    assert abs(ours - mean_oob(sk_ensemble.RandomForestClassifier, X, y)) <= 0.006
    forest = RandomForestClassifier(random_state=global_random_seed, **params).fit(X, y)
    assert forest.oob_decision_function_.shape == (len(y), 10)
    finite = ~np.isnan(forest.oob_decision_function_).any(axis=1)
    assert_allclose(forest.oob_decision_function_[finite].sum(axis=1), 1.0)

    X, y = _regression_data()
    ours = mean_oob(RandomForestRegressor, X, y)
    assert abs(ours - mean_oob(sk_ensemble.RandomForestRegressor, X, y)) <= 0.02
    forest = RandomForestRegressor(random_state=global_random_seed, **params).fit(X, y)
    assert forest.oob_prediction_.shape == (len(y),)


def test_oob_score_with_max_samples_and_regression_outputs(global_random_seed):
    X, y = make_regression(
        n_samples=150, n_features=5, n_targets=2, random_state=global_random_seed
    )
    forest = ExtraTreesRegressor(
        n_estimators=20,
        bootstrap=True,
        oob_score=True,
        max_samples=0.5,
        random_state=global_random_seed,
    ).fit(X, y)
    assert forest.oob_prediction_.shape == (150, 2)
    assert 0.3 < forest.oob_score_ <= 1.0


def test_warm_start_matches_one_shot_fit(global_random_seed):
    X, y = _data(RandomForestClassifier, global_random_seed)
    one_shot = RandomForestClassifier(n_estimators=10, random_state=global_random_seed)
    one_shot.fit(X, y)
    warm = RandomForestClassifier(
        n_estimators=4, warm_start=True, random_state=global_random_seed
    ).fit(X, y)
    first_trees = list(warm.estimators_)
    warm.set_params(n_estimators=10).fit(X, y)
    assert len(warm.estimators_) == 10
    assert warm.estimators_[:4] == first_trees
    assert [t.random_state for t in warm.estimators_] == [
        t.random_state for t in one_shot.estimators_
    ]
    assert_array_equal(warm.predict_proba(X), one_shot.predict_proba(X))
    with pytest.warns(UserWarning, match="without increasing"):
        warm.fit(X, y)
    with pytest.raises(ValueError, match="larger or equal"):
        warm.set_params(n_estimators=3).fit(X, y)


@pytest.mark.parametrize("Forest", FORESTS)
def test_n_jobs_invariance(Forest, global_random_seed):
    X, y = _data(Forest, global_random_seed, n_samples=300)
    fits = [
        Forest(n_estimators=8, n_jobs=n_jobs, random_state=global_random_seed).fit(X, y)
        for n_jobs in (1, 2, 3)
    ]
    method = "predict_proba" if Forest in CLASSIFIERS else "predict"
    reference = getattr(fits[0], method)(X)
    for forest in fits[1:]:
        assert_array_equal(getattr(forest, method)(X), reference)
        assert_array_equal(forest.apply(X), fits[0].apply(X))
    # Predicting with a different number of threads: the same numbers.
    for n_jobs in (1, 2, 4):
        fits[0].set_params(n_jobs=n_jobs)
        assert_array_equal(getattr(fits[0], method)(X), reference)


def test_hist_splitter_accuracy(global_random_seed):
    X, y = make_classification(
        n_samples=2000, n_features=10, n_informative=5, random_state=global_random_seed
    )
    Xtr, Xte, ytr, yte = train_test_split(X, y, random_state=0)
    best = RandomForestClassifier(n_estimators=20, random_state=0).fit(Xtr, ytr)
    hist = RandomForestClassifier(n_estimators=20, splitter="hist", random_state=0).fit(
        Xtr, ytr
    )
    assert hist.estimators_[0].splitter == "hist"
    hist_2 = RandomForestClassifier(
        n_estimators=20, splitter="hist", n_jobs=2, random_state=0
    ).fit(Xtr, ytr)
    assert_array_equal(hist_2.predict_proba(Xte), hist.predict_proba(Xte))
    assert abs(best.score(Xte, yte) - hist.score(Xte, yte)) <= 0.02
    reg = RandomForestRegressor(n_estimators=10, splitter="hist", random_state=0)
    Xr, yr = _regression_data()
    assert reg.fit(Xr, yr).score(Xr, yr) > 0.8


def test_class_weight_balanced_equals_sample_weight(global_random_seed):
    X, y = make_classification(
        n_samples=300, n_features=6, weights=[0.8, 0.2], random_state=global_random_seed
    )
    for Forest in CLASSIFIERS:
        params = dict(n_estimators=5, random_state=global_random_seed)
        weighted = Forest(class_weight="balanced", **params).fit(X, y)
        expanded = Forest(**params).fit(
            X, y, sample_weight=compute_sample_weight("balanced", y)
        )
        assert_allclose(weighted.predict_proba(X), expanded.predict_proba(X))
        as_dict = Forest(class_weight={0: 1.0, 1: 4.0}, **params).fit(X, y)
        sw = np.where(y == 1, 4.0, 1.0)
        assert_allclose(
            as_dict.predict_proba(X),
            Forest(**params).fit(X, y, sample_weight=sw).predict_proba(X),
        )
    # balanced_subsample: "balanced" weights on each bootstrap sample.
    params = dict(n_estimators=5, random_state=global_random_seed)
    subsample = RandomForestClassifier(class_weight="balanced_subsample", **params)
    balanced = RandomForestClassifier(class_weight="balanced", **params)
    p_sub = subsample.fit(X, y).predict_proba(X)
    assert not np.allclose(p_sub, balanced.fit(X, y).predict_proba(X))
    # Without bootstrap, balanced_subsample is balanced.
    no_boot = dict(params, bootstrap=False)
    assert_allclose(
        RandomForestClassifier(class_weight="balanced_subsample", **no_boot)
        .fit(X, y)
        .predict_proba(X),
        RandomForestClassifier(class_weight="balanced", **no_boot)
        .fit(X, y)
        .predict_proba(X),
    )


@pytest.mark.parametrize("Forest", FORESTS)
def test_zero_sample_weight_equals_removing_samples(Forest, global_random_seed):
    X, y = _data(Forest, global_random_seed)
    rng = np.random.RandomState(global_random_seed)
    sw = rng.randint(0, 3, size=len(y)).astype(float)
    params = dict(
        n_estimators=5,
        bootstrap=False,
        max_features=None,
        random_state=global_random_seed,
    )
    weighted = Forest(**params).fit(X, y, sample_weight=sw)
    kept = sw > 0
    trimmed = Forest(**params).fit(X[kept], y[kept], sample_weight=sw[kept])
    method = "predict_proba" if Forest in CLASSIFIERS else "predict"
    if Forest in (RandomForestClassifier, RandomForestRegressor):
        # Exact splitter: the same trees.
        assert_allclose(getattr(weighted, method)(X), getattr(trimmed, method)(X))
    # Weights change the forest.
    unweighted = Forest(**params).fit(X, y)
    assert not np.allclose(getattr(weighted, method)(X), getattr(unweighted, method)(X))


def test_bootstrap_uses_sample_weight(global_random_seed):
    X, y = _data(RandomForestRegressor, global_random_seed)
    sw = np.ones(len(y))
    params = dict(n_estimators=5, random_state=global_random_seed)
    a = RandomForestRegressor(**params).fit(X, y).predict(X)
    b = RandomForestRegressor(**params).fit(X, y, sample_weight=sw).predict(X)
    assert_allclose(a, b)
    # Equal non-integer weights are importances: same bootstrap as no weights.
    b = RandomForestRegressor(**params).fit(X, y, sample_weight=0.5 * sw).predict(X)
    assert_allclose(a, b)
    # Integer weights are frequencies: with weight 2 each row is drawn as often
    # as its two copies together are when the data is given twice, in any order.
    n = len(y)
    order = np.random.default_rng(global_random_seed).permutation(2 * n)
    X2, y2 = np.repeat(X, 2, axis=0)[order], np.repeat(y, 2)[order]
    weighted = _BootstrapSampler(
        X, y[:, None], 2 * sw, _n_samples_bootstrap(n, 2 * sw, None)
    )
    repeated = _BootstrapSampler(
        X2, y2[:, None], None, _n_samples_bootstrap(2 * n, None, None)
    )
    assert weighted.n_draws == repeated.n_draws == 2 * n
    counts = np.zeros(n, dtype=np.intp)
    np.add.at(counts, np.repeat(np.arange(n), 2)[order], repeated.counts(7))
    assert_array_equal(weighted.counts(7), counts)


@pytest.mark.parametrize("Forest", FORESTS)
def test_pickle_round_trip(Forest, global_random_seed):
    X, y = _data(Forest, global_random_seed)
    forest = Forest(n_estimators=5, random_state=global_random_seed).fit(X, y)
    restored = pickle.loads(pickle.dumps(forest))
    assert_array_equal(restored.predict(X), forest.predict(X))
    assert_array_equal(restored.apply(X), forest.apply(X))
    assert_allclose(restored.feature_importances_, forest.feature_importances_)


@pytest.mark.parametrize("Forest", FORESTS)
def test_attributes(Forest, global_random_seed):
    X, y = _data(Forest, global_random_seed)
    forest = Forest(n_estimators=4, max_depth=3, random_state=global_random_seed)
    forest.fit(X, y)
    assert len(forest.estimators_) == 4
    assert type(forest.estimator_) is _tree_class(Forest)
    assert forest.n_features_in_ == 8
    assert forest.n_outputs_ == 1
    expected = np.mean(
        [tree.feature_importances_ for tree in forest.estimators_], axis=0
    )
    assert_allclose(forest.feature_importances_, expected / expected.sum())
    assert_allclose(forest.feature_importances_.sum(), 1.0)
    leaves = forest.apply(X)
    assert leaves.shape == (len(y), 4)
    assert_array_equal(leaves[:, 1], forest.estimators_[1].apply(X))
    indicator, ptr = forest.decision_path(X)
    assert indicator.shape == (len(y), ptr[-1])
    assert_array_equal(
        indicator[:, ptr[2] : ptr[3]].toarray(),
        forest.estimators_[2].decision_path(X).toarray(),
    )
    if Forest in CLASSIFIERS:
        assert_array_equal(forest.classes_, [0, 1, 2])
        assert forest.n_classes_ == 3
        with np.errstate(divide="ignore"):
            expected_log = np.log(forest.predict_proba(X))
        assert_array_equal(forest.predict_log_proba(X), expected_log)


def test_string_labels_and_multi_output(global_random_seed):
    X, y = make_classification(n_samples=150, random_state=global_random_seed)
    labels = np.array(["no", "yes"])[y]
    forest = RandomForestClassifier(n_estimators=5, random_state=0).fit(X, labels)
    assert set(forest.predict(X)) <= {"no", "yes"}
    Y = np.column_stack([labels, y % 2 == 0, (X[:, 0] > 0).astype(int) * 2])
    forest = ExtraTreesClassifier(n_estimators=5, random_state=0).fit(X, Y)
    assert forest.predict(X).shape == (150, 3)
    proba = forest.predict_proba(X)
    assert len(proba) == 3 and proba[0].shape == (150, 2)
    Xr, Yr = make_regression(n_samples=100, n_targets=3, random_state=0)
    reg = RandomForestRegressor(n_estimators=5, random_state=0).fit(Xr, Yr)
    assert reg.predict(Xr).shape == (100, 3)


def test_nan_in_X_is_supported():
    X, y = load_iris(return_X_y=True)
    X = X.copy()
    X[::7, 2] = np.nan
    forest = RandomForestClassifier(n_estimators=10, random_state=0).fit(X, y)
    assert forest.score(X, y) > 0.9


def test_bad_input():
    X, y = load_iris(return_X_y=True)
    with pytest.raises(ValueError, match="n_estimators"):
        RandomForestClassifier(n_estimators=0).fit(X, y)
    with pytest.raises(ValueError, match="Out of bag estimation"):
        ExtraTreesClassifier(oob_score=True, n_estimators=2).fit(X, y)
    with pytest.raises(ValueError, match="max_samples"):
        RandomForestClassifier(max_samples=151, n_estimators=2).fit(X, y)
    with pytest.raises(ValueError, match="max_sample"):
        ExtraTreesRegressor(max_samples=0.5, n_estimators=2).fit(X, y)
    y_nan = y.astype(float)
    y_nan[3] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        RandomForestRegressor(n_estimators=2).fit(X, y_nan)
    with pytest.raises(ValueError, match="splitter"):
        RandomForestClassifier(splitter="random", n_estimators=2).fit(X, y)
    with pytest.raises(ValueError, match="max_features"):
        RandomForestClassifier(max_features=10, n_estimators=2).fit(X, y)
    with pytest.raises(ValueError, match="non-zero"):
        RandomForestClassifier(n_estimators=2).fit(X, y, sample_weight=np.zeros(150))


@pytest.mark.slow
def test_covtype_accuracy_close_to_sklearn(shared_data):
    import pandas as pd

    frame = pd.read_csv(shared_data / "covtype" / "covtype_sample15000.csv")
    X = frame.iloc[:, :-1].to_numpy(dtype=np.float64)
    y = frame.iloc[:, -1].to_numpy()
    Xtr, Xte, ytr, yte = train_test_split(X, y, random_state=0)
    params = dict(n_estimators=50, n_jobs=2, random_state=0)
    ours = RandomForestClassifier(**params).fit(Xtr, ytr).score(Xte, yte)
    peer = sk_ensemble.RandomForestClassifier(**params).fit(Xtr, ytr).score(Xte, yte)
    assert abs(ours - peer) <= 0.005
    hist = RandomForestClassifier(splitter="hist", **params).fit(Xtr, ytr)
    assert abs(hist.score(Xte, yte) - peer) <= 0.01


@pytest.mark.parametrize("Forest", FORESTS)
def test_tree_parameters_reach_the_trees(Forest, global_random_seed):
    X, y = _data(Forest, global_random_seed)
    params = dict(n_estimators=3, random_state=global_random_seed)
    shallow = Forest(max_depth=2, **params).fit(X, y)
    assert all(tree.get_depth() <= 2 for tree in shallow.estimators_)
    few = Forest(max_leaf_nodes=5, **params).fit(X, y)
    assert all(tree.get_n_leaves() <= 5 for tree in few.estimators_)
    full = Forest(**params).fit(X, y)
    alpha = 0.01 if Forest in CLASSIFIERS else 50.0
    pruned = Forest(ccp_alpha=alpha, **params).fit(X, y)
    for tree_pruned, tree_full in zip(pruned.estimators_, full.estimators_):
        assert tree_pruned.get_n_leaves() < tree_full.get_n_leaves()
    big_leaves = Forest(min_samples_leaf=10, **params).fit(X, y)
    for tree in big_leaves.estimators_:
        leaves = tree.tree_.children_left == -1
        assert tree.tree_.n_node_samples[leaves].min() >= 10
        assert tree.max_features_ == full.estimators_[0].max_features_
