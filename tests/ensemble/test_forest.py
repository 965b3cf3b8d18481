# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Tests for skml.ensemble random forests and extra trees against scikit-learn:
without bootstrap the forests are scikit-learn's, tree for tree; with bootstrap
each tree is scikit-learn's tree fitted on the drawn counts, and the draws are
checked against their closed-form distribution."""

import pickle
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.stats import chisquare
from sklearn import ensemble as sk_ensemble
from sklearn import tree as sk_tree
from sklearn.datasets import (
    load_diabetes,
    load_digits,
    load_iris,
    make_classification,
    make_multilabel_classification,
    make_regression,
)
from sklearn.metrics import accuracy_score, r2_score
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
SK = {
    RandomForestClassifier: sk_ensemble.RandomForestClassifier,
    ExtraTreesClassifier: sk_ensemble.ExtraTreesClassifier,
    RandomForestRegressor: sk_ensemble.RandomForestRegressor,
    ExtraTreesRegressor: sk_ensemble.ExtraTreesRegressor,
}


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


def _sk_tree_class(Forest):
    if Forest in CLASSIFIERS:
        return sk_tree.DecisionTreeClassifier
    return sk_tree.DecisionTreeRegressor


def _method(Forest):
    return "predict_proba" if Forest in CLASSIFIERS else "predict"


def _assert_same_tree(a, b):
    """skml fitted tree ``a`` is scikit-learn fitted tree ``b``, node for node."""
    assert_array_equal(a.tree_.children_left, b.tree_.children_left)
    assert_array_equal(a.tree_.children_right, b.tree_.children_right)
    assert_array_equal(a.tree_.feature, b.tree_.feature)
    assert_array_equal(a.tree_.threshold, b.tree_.threshold)
    assert_array_equal(a.tree_.n_node_samples, b.tree_.n_node_samples)
    assert_allclose(a.tree_.value, b.tree_.value, rtol=1e-9, atol=1e-12)


def _assert_same_trees(ours, theirs):
    assert len(ours.estimators_) == len(theirs.estimators_)
    for a, b in zip(ours.estimators_, theirs.estimators_):
        _assert_same_tree(a, b)


def _sampler(forest, X, y, sample_weight=None):
    """The bootstrap sampler the forest drew its trees' rows from."""
    y2 = np.asarray(y).reshape(len(y), -1)
    if forest.__class__ in CLASSIFIERS:
        y2 = np.column_stack([np.unique(c, return_inverse=True)[1] for c in y2.T])
    n_draws = _n_samples_bootstrap(len(y), sample_weight, forest.max_samples)
    return _BootstrapSampler(X, y2.astype(np.float64), sample_weight, n_draws)


@pytest.mark.parametrize("Forest", FORESTS)
@pytest.mark.parametrize("max_features", [None, "sqrt"])
def test_forest_without_bootstrap_same_as_sklearn(
    Forest, max_features, global_random_seed
):
    X, y = _data(Forest, global_random_seed)
    params = dict(
        n_estimators=5,
        bootstrap=False,
        max_features=max_features,
        random_state=global_random_seed,
    )
    ours = Forest(**params).fit(X, y)
    theirs = SK[Forest](**params).fit(X, y)
    _assert_same_trees(ours, theirs)
    method = _method(Forest)
    assert_allclose(
        getattr(ours, method)(X), getattr(theirs, method)(X), rtol=1e-12, atol=1e-12
    )
    assert_array_equal(ours.predict(X), theirs.predict(X))


@pytest.mark.parametrize("Forest", [RandomForestClassifier, RandomForestRegressor])
@pytest.mark.parametrize("weighted", [False, True])
def test_bootstrap_tree_is_sklearn_tree_on_the_counts(
    Forest, weighted, global_random_seed
):
    # Each bootstrap tree is scikit-learn's tree fitted with the drawn counts as
    # sample weights (the draws themselves are checked below, in closed form).
    X, y = _data(Forest, global_random_seed)
    sw = None
    if weighted:
        sw = np.random.RandomState(global_random_seed).rand(len(y)) + 0.2
    forest = Forest(n_estimators=5, random_state=global_random_seed)
    forest.fit(X, y, sample_weight=sw)
    sampler = _sampler(forest, X, y, sw)
    for tree in forest.estimators_:
        counts = sampler.counts(tree.random_state)
        ref = _sk_tree_class(Forest)(
            max_features=forest.max_features, random_state=tree.random_state
        )
        ref.fit(X, y, sample_weight=counts)
        _assert_same_tree(tree, ref)


@pytest.mark.parametrize("weighted", [False, True])
def test_bootstrap_counts_are_multinomial(weighted, global_random_seed):
    # Closed form: n draws, row i drawn with probability w_i / sum(w), so the
    # counts of one tree are Multinomial(n, w / sum(w)).
    n, n_trees = 200, 400
    rng = np.random.RandomState(global_random_seed)
    X = rng.normal(size=(n, 3))
    w = rng.rand(n) + 0.1 if weighted else None
    sampler = _BootstrapSampler(X, np.zeros((n, 1)), w, n)
    seeds = global_random_seed * n_trees + np.arange(n_trees)
    counts = np.array([sampler.counts(s) for s in seeds])
    assert (counts.sum(axis=1) == n).all()
    p = np.full(n, 1 / n) if w is None else w / w.sum()
    # Fraction of (tree, row) cells left out: mean of (1 - p_i)^n (0.3670 when
    # uniform); its sd over 400 * 200 cells is ~0.002.
    assert abs((counts == 0).mean() - np.mean((1 - p) ** n)) < 0.01
    # Per-row totals over the trees ~ Multinomial(n * n_trees, p): chi-square.
    totals = counts.sum(axis=0)
    assert chisquare(totals, n * n_trees * p).pvalue > 1e-4
    # Draws of different seeds are independent: the covariance of two trees'
    # counts of the same row is 0 (sd of its estimate ~0.005).
    centred = counts - n * p
    assert abs(np.mean(centred[0::2] * centred[1::2])) < 0.03


def _brute_force_oob(forest, X, y, sampler):
    """Average over the trees that did not draw a row; 0 where none did (as
    scikit-learn does)."""
    classifier = forest.__class__ in CLASSIFIERS
    total, n_trees = 0.0, np.zeros(len(y))
    for tree in forest.estimators_:
        out = sampler.counts(tree.random_state) == 0
        pred = tree.predict_proba(X) if classifier else tree.predict(X)
        mask = out.reshape((-1,) + (1,) * (np.ndim(pred) - 1))
        total = total + np.where(mask, pred, 0.0)
        n_trees += out
    n_trees = np.maximum(n_trees, 1).reshape((-1,) + (1,) * (np.ndim(total) - 1))
    return total / n_trees


@pytest.mark.filterwarnings("ignore:Some inputs do not have OOB scores")
@pytest.mark.parametrize("Forest", [RandomForestClassifier, RandomForestRegressor])
def test_oob_matches_brute_force(Forest, global_random_seed):
    X, y = _data(Forest, global_random_seed, n_samples=150)
    forest = Forest(n_estimators=15, oob_score=True, random_state=global_random_seed)
    forest.fit(X, y)
    expected = _brute_force_oob(forest, X, y, _sampler(forest, X, y))
    if Forest in CLASSIFIERS:
        assert_allclose(forest.oob_decision_function_, expected, rtol=1e-12)
        accuracy = np.mean(forest.classes_[expected.argmax(axis=1)] == y)
        assert forest.oob_score_ == pytest.approx(accuracy, rel=1e-12)
    else:
        assert_allclose(forest.oob_prediction_, expected, rtol=1e-12)
        assert forest.oob_score_ == pytest.approx(r2_score(y, expected), rel=1e-12)


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
# sd 0.0045; make_regression R^2: sd 0.008; OOB: see its test).
# ExtraTrees (no bootstrap) draws exactly as scikit-learn does: the same trees.
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
def test_extra_trees_same_as_sklearn(load, global_random_seed):
    X, y = load(return_X_y=True)  # ties in X included
    params = dict(n_estimators=10, random_state=global_random_seed)
    ours = ExtraTreesClassifier(**params).fit(X, y)
    theirs = sk_ensemble.ExtraTreesClassifier(**params).fit(X, y)
    _assert_same_trees(ours, theirs)
    assert_allclose(
        ours.predict_proba(X), theirs.predict_proba(X), rtol=1e-12, atol=1e-12
    )


@pytest.mark.parametrize("dataset", ["diabetes", "make_regression"])
def test_extra_trees_regressor_same_as_sklearn(dataset, global_random_seed):
    if dataset == "diabetes":
        X, y = load_diabetes(return_X_y=True)
    else:
        X, y = _regression_data()
    params = dict(n_estimators=10, random_state=global_random_seed)
    ours = ExtraTreesRegressor(**params).fit(X, y)
    theirs = sk_ensemble.ExtraTreesRegressor(**params).fit(X, y)
    _assert_same_trees(ours, theirs)
    assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-12, atol=1e-12)


def _rows_without_oob(forest, n_samples):
    """Rows that every tree drew: no tree predicts them out of bag."""
    in_every_bag = np.ones(n_samples, dtype=bool)
    for indices in forest.estimators_samples_:
        in_every_bag &= np.bincount(indices, minlength=n_samples) > 0
    return in_every_bag


def _fit_recording_oob_warning(forest, X, y):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        forest.fit(X, y)
    return any("Some inputs do not have OOB scores" in str(w.message) for w in caught)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore:Some inputs do not have OOB scores")
def test_oob_score_close_to_sklearn(global_random_seed):
    # Means over seeds (the bootstraps differ). Over 104 seeds the OOB score of
    # one fit has sd 0.0046 on digits and 0.0088 on make_regression, with no
    # bias between the libraries (mean differences 0.0001 +- 0.0007 and
    # 0.002 +- 0.001): the mean difference over 15 seeds (digits) has sd 0.0017
    # and over 5 seeds (regression) sd 0.0055, below a third of the tolerances.
    def mean_oob(Forest, X, y, n_seeds):
        seeds = range(global_random_seed, global_random_seed + n_seeds)
        return np.mean(
            [
                Forest(n_estimators=20, oob_score=True, random_state=s)
                .fit(X, y)
                .oob_score_
                for s in seeds
            ]
        )

    X, y = load_digits(return_X_y=True)
    ours = mean_oob(RandomForestClassifier, X, y, 15)
    assert abs(ours - mean_oob(sk_ensemble.RandomForestClassifier, X, y, 15)) <= 0.006
    X, y = _regression_data()
    ours = mean_oob(RandomForestRegressor, X, y, 5)
    assert abs(ours - mean_oob(sk_ensemble.RandomForestRegressor, X, y, 5)) <= 0.02


@pytest.mark.parametrize("Forest", [RandomForestClassifier, RandomForestRegressor])
@pytest.mark.parametrize("n_estimators", [3, 60])
def test_oob_rows_without_prediction_as_in_sklearn(
    Forest, n_estimators, global_random_seed
):
    # A row that every tree drew has no OOB prediction (likely with 3 trees:
    # each row with probability 0.25; with 60 trees, 1e-12). scikit-learn warns
    # and leaves its OOB row at zero (it still counts in the score); so does
    # skml. The other rows of the decision function sum to 1.
    X, y = _data(Forest, global_random_seed, n_samples=150)
    for forest_class in (Forest, SK[Forest]):
        forest = forest_class(
            n_estimators=n_estimators, oob_score=True, random_state=global_random_seed
        )
        warned = _fit_recording_oob_warning(forest, X, y)
        no_oob = _rows_without_oob(forest, len(y))
        assert warned == no_oob.any()
        if Forest in CLASSIFIERS:
            decision = forest.oob_decision_function_
            assert decision.shape == (len(y), 3)
            assert_array_equal(decision[no_oob], 0.0)
            assert_allclose(decision[~no_oob].sum(axis=1), 1.0)
        else:
            assert forest.oob_prediction_.shape == (len(y),)
            assert_array_equal(forest.oob_prediction_[no_oob], 0.0)
        assert no_oob.any() == (n_estimators == 3)


def test_oob_with_max_samples_and_regression_outputs(global_random_seed):
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
    sampler = _sampler(forest, X, y)
    assert sampler.n_draws == 75
    expected = _brute_force_oob(forest, X, y, sampler)
    assert_allclose(forest.oob_prediction_, expected, rtol=1e-12)
    assert forest.oob_score_ == pytest.approx(r2_score(y, expected), rel=1e-12)
    # Each ExtraTrees tree is scikit-learn's random-split tree on the counts.
    for tree in forest.estimators_[:5]:
        ref = sk_tree.ExtraTreeRegressor(
            max_features=1.0, random_state=tree.random_state
        )
        ref.fit(X, y, sample_weight=sampler.counts(tree.random_state))
        _assert_same_tree(tree, ref)


def _subset_accuracy(decision, classes, Y):
    """Brute force: the fraction of rows whose most probable class is the true
    label in every output; ``decision`` of shape (n, n_classes, n_outputs)."""
    pred = np.column_stack(
        [
            np.asarray(classes[k])[decision[:, :, k].argmax(axis=1)]
            for k in range(decision.shape[2])
        ]
    )
    return np.mean(np.all(pred == Y, axis=1))


def test_multi_output_oob_score_is_subset_accuracy_as_in_sklearn(
    global_random_seed,
):
    # scikit-learn's OOB score of a multi-output classifier is the subset
    # accuracy of the OOB decision function, the quantity ``score`` computes on
    # other data (the bootstraps differ, so the definitions are compared).
    X, Y = make_multilabel_classification(
        n_samples=300, random_state=global_random_seed
    )
    Xtr, Xte, Ytr, Yte = train_test_split(
        X, Y, test_size=0.5, random_state=global_random_seed
    )
    params = dict(n_estimators=40, oob_score=True, random_state=global_random_seed)
    ours = RandomForestClassifier(**params).fit(Xtr, Ytr)
    theirs = sk_ensemble.RandomForestClassifier(**params).fit(Xtr, Ytr)
    for forest in (ours, theirs):
        decision = forest.oob_decision_function_
        assert decision.shape == (len(Ytr), 2, Y.shape[1])
        expected = _subset_accuracy(decision, forest.classes_, Ytr)
        assert forest.oob_score_ == pytest.approx(expected, rel=1e-12)
        proba = np.stack(forest.predict_proba(Xte), axis=2)
        assert forest.score(Xte, Yte) == pytest.approx(
            _subset_accuracy(proba, forest.classes_, Yte), rel=1e-12
        )


def _recording_score():
    calls = []

    def score(y_true, y_pred):
        calls.append((np.array(y_true), np.array(y_pred)))
        return 0.25

    return score, calls


@pytest.mark.filterwarnings("ignore:Some inputs do not have OOB scores")
@pytest.mark.parametrize("Forest", [RandomForestClassifier, RandomForestRegressor])
@pytest.mark.parametrize("n_outputs", [1, 2])
def test_oob_score_callable_gets_what_sklearn_passes(
    Forest, n_outputs, global_random_seed
):
    X, y = _data(Forest, global_random_seed, n_samples=120)
    if Forest in CLASSIFIERS:
        names = np.array(["a", "b", "c"])
        Y = names[y] if n_outputs == 1 else np.column_stack([y % 2, X[:, 0] > 0])
        default_score = accuracy_score
    else:
        Y = y if n_outputs == 1 else np.column_stack([y, X[:, 0]])
        default_score = r2_score
    params = dict(n_estimators=10, random_state=global_random_seed)
    score, ours_calls = _recording_score()
    ours = Forest(oob_score=score, **params).fit(X, Y)
    score, sk_calls = _recording_score()
    SK[Forest](oob_score=score, **params).fit(X, Y)
    assert len(ours_calls) == len(sk_calls) == 1
    assert ours.oob_score_ == 0.25
    (y_true, y_pred), (sk_true, sk_pred) = ours_calls[0], sk_calls[0]
    # y_true: the (encoded) targets of fit, 2-D; y_pred: class indices for a
    # classifier, the OOB prediction for a regressor.
    assert y_true.dtype == sk_true.dtype
    assert_array_equal(y_true, sk_true)
    assert y_pred.shape == sk_pred.shape
    assert y_pred.dtype.kind == sk_pred.dtype.kind
    if Forest in CLASSIFIERS:
        assert_array_equal(y_pred, ours.oob_decision_function_.argmax(axis=1))
    else:
        assert_array_equal(y_pred, ours.oob_prediction_)
    # The default metric as a callable: the default score.
    with_metric = Forest(oob_score=default_score, **params).fit(X, Y)
    default = Forest(oob_score=True, **params).fit(X, Y)
    assert with_metric.oob_score_ == default.oob_score_


def test_oob_score_of_multiclass_multioutput_needs_a_callable(global_random_seed):
    X, y = _data(RandomForestClassifier, global_random_seed, n_samples=150)
    Y = np.column_stack([y, X[:, 0] > 0])  # 3 classes and 2 classes
    for Forest in (RandomForestClassifier, sk_ensemble.RandomForestClassifier):
        with pytest.raises(ValueError, match="multiclass-multioutput"):
            Forest(n_estimators=5, oob_score=True).fit(X, Y)

    # scikit-learn refuses any OOB score here; skml scores with a callable.
    def subset_accuracy(y_true, y_pred):
        return np.mean(np.all(y_true == y_pred, axis=1))

    forest = RandomForestClassifier(
        n_estimators=20, oob_score=subset_accuracy, random_state=global_random_seed
    ).fit(X, Y)
    decision = forest.oob_decision_function_
    assert decision.shape == (len(y), 3, 2)
    assert_array_equal(decision[:, 2, 1], 0.0)  # output 1 has 2 classes
    expected = _subset_accuracy(decision, forest.classes_, Y)
    assert forest.oob_score_ == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("Forest", FORESTS)
def test_forest_is_a_sequence_of_its_trees(Forest, global_random_seed):
    X, y = _data(Forest, global_random_seed, n_samples=100)
    forest = Forest(n_estimators=4, random_state=global_random_seed)
    with pytest.raises(AttributeError):  # as scikit-learn's, before fit
        len(forest)
    forest.fit(X, y)
    assert len(forest) == 4
    assert forest[1] is forest.estimators_[1]
    assert forest[-1] is forest.estimators_[-1]
    assert forest[1:3] == forest.estimators_[1:3]
    assert list(forest) == forest.estimators_
    assert [type(tree) for tree in forest] == [_tree_class(Forest)] * 4


@pytest.mark.parametrize("Forest", FORESTS)
def test_estimator_is_the_template_of_the_trees(Forest, global_random_seed):
    X, y = _data(Forest, global_random_seed, n_samples=100)
    params = dict(max_depth=3, min_samples_leaf=2, ccp_alpha=0.001)
    forest = Forest(n_estimators=3, random_state=global_random_seed, **params)
    # ``estimator``: the kind of tree, with its defaults, as scikit-learn's
    # (whose extra-trees grow ExtraTree*, whose splitter is "random").
    expected_splitter = SK[Forest]().estimator.splitter
    for template in (forest.estimator, forest.fit(X, y).estimator):
        assert type(template) is _tree_class(Forest)
        assert (
            template.get_params()
            == _tree_class(Forest)(splitter=expected_splitter).get_params()
        )
    # ``estimator_``: unfitted, with the forest's tree parameters; each tree is
    # a copy of it with its own seed.
    template = forest.estimator_
    assert type(template) is _tree_class(Forest)
    assert not hasattr(template, "tree_")
    assert template.splitter == expected_splitter
    for name, value in params.items():
        assert getattr(template, name) == value
    for tree in forest:
        tree_params = tree.get_params()
        assert isinstance(tree_params.pop("random_state"), int)
        expected = template.get_params()
        expected.pop("random_state")
        assert tree_params == expected


@pytest.mark.parametrize("Forest", FORESTS)
@pytest.mark.parametrize("max_samples", [None, 0.5, 40])
def test_estimators_samples_are_the_trees_draws(
    Forest, max_samples, global_random_seed
):
    # scikit-learn's definition: the indices drawn for each tree (with
    # repetitions), int32, the tree being fitted with their counts as weights;
    # all the rows in order without bootstrap.
    X, y = _data(Forest, global_random_seed, n_samples=120)
    random_forest = Forest in (RandomForestClassifier, RandomForestRegressor)
    bootstrap = random_forest or max_samples is not None
    params = dict(
        n_estimators=4,
        bootstrap=bootstrap,
        max_samples=max_samples,
        random_state=global_random_seed,
    )
    ours = Forest(**params).fit(X, y)
    theirs = SK[Forest](**params).fit(X, y)
    samples = ours.estimators_samples_
    sk_samples = theirs.estimators_samples_
    assert len(samples) == len(sk_samples) == 4
    for indices, sk_indices, tree in zip(samples, sk_samples, ours.estimators_):
        assert indices.dtype == sk_indices.dtype == np.int32
        assert indices.shape == sk_indices.shape
        if not bootstrap:
            assert_array_equal(indices, np.arange(len(y)))
            assert_array_equal(indices, sk_indices)
            continue
        assert 0 <= indices.min() and indices.max() < len(y)
        counts = np.bincount(indices, minlength=len(y))
        ref = _sk_tree_class(Forest)(
            max_features=ours.max_features,
            splitter=tree.splitter,
            random_state=tree.random_state,
        ).fit(X, y, sample_weight=counts)
        _assert_same_tree(tree, ref)
    # Regenerated alike at each access, and after a pickle round trip.
    for a, b in zip(samples, pickle.loads(pickle.dumps(ours)).estimators_samples_):
        assert_array_equal(a, b)


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


def test_hist_forest_splits_like_sklearn_when_every_value_has_its_bin(
    global_random_seed,
):
    # Digits have at most 17 distinct values per feature: every value has its
    # own bin, so a hist tree partitions the rows it was grown on exactly as
    # scikit-learn's exact tree on the same counts (only the thresholds differ:
    # bin edges, not midpoints; out-of-bag rows may fall in between).
    X, y = load_digits(return_X_y=True)
    params = dict(n_estimators=5, splitter="hist", random_state=global_random_seed)
    hist = RandomForestClassifier(**params).fit(X, y)
    assert hist.estimators_[0].splitter == "hist"
    sampler = _sampler(hist, X, y)
    for tree in hist.estimators_:
        counts = sampler.counts(tree.random_state)
        ref = sk_tree.DecisionTreeClassifier(
            max_features="sqrt", random_state=tree.random_state
        ).fit(X, y, sample_weight=counts)
        assert_array_equal(tree.tree_.feature, ref.tree_.feature)
        in_bag = counts > 0
        assert_array_equal(tree.apply(X[in_bag]), ref.apply(X[in_bag]))
        assert_allclose(tree.tree_.value, ref.tree_.value, rtol=1e-9, atol=1e-12)
    # Threads do not change the hist forest.
    hist_2 = RandomForestClassifier(n_jobs=2, **params).fit(X, y)
    assert_array_equal(hist_2.predict_proba(X), hist.predict_proba(X))


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
    # Without bootstrap, balanced_subsample is balanced.
    no_boot = dict(n_estimators=5, bootstrap=False, random_state=global_random_seed)
    assert_allclose(
        RandomForestClassifier(class_weight="balanced_subsample", **no_boot)
        .fit(X, y)
        .predict_proba(X),
        RandomForestClassifier(class_weight="balanced", **no_boot)
        .fit(X, y)
        .predict_proba(X),
    )


@pytest.mark.parametrize("Forest", CLASSIFIERS)
@pytest.mark.parametrize("class_weight", ["balanced", {0: 1.0, 1: 4.0}])
def test_class_weight_without_bootstrap_same_as_sklearn(
    Forest, class_weight, global_random_seed
):
    X, y = make_classification(
        n_samples=300, n_features=6, weights=[0.8, 0.2], random_state=global_random_seed
    )
    params = dict(
        n_estimators=5,
        bootstrap=False,
        class_weight=class_weight,
        random_state=global_random_seed,
    )
    _assert_same_trees(Forest(**params).fit(X, y), SK[Forest](**params).fit(X, y))


def test_balanced_subsample_is_balanced_weights_on_each_bootstrap(global_random_seed):
    X, y = make_classification(
        n_samples=300, n_features=6, weights=[0.8, 0.2], random_state=global_random_seed
    )
    forest = RandomForestClassifier(
        n_estimators=5,
        class_weight="balanced_subsample",
        random_state=global_random_seed,
    ).fit(X, y)
    sampler = _sampler(forest, X, y)
    for tree in forest.estimators_:
        indices = sampler.indices(tree.random_state)
        # scikit-learn's definition: the counts times the "balanced" weights of
        # the bootstrap sample.
        weight = np.bincount(indices, minlength=len(y)) * compute_sample_weight(
            "balanced", y, indices=indices
        )
        ref = sk_tree.DecisionTreeClassifier(
            max_features="sqrt", random_state=tree.random_state
        ).fit(X, y, sample_weight=weight)
        _assert_same_tree(tree, ref)


@pytest.mark.parametrize("Forest", FORESTS)
def test_sample_weight_without_bootstrap_same_as_sklearn(Forest, global_random_seed):
    X, y = _data(Forest, global_random_seed)
    rng = np.random.RandomState(global_random_seed)
    for sw in (rng.randint(0, 3, size=len(y)).astype(float), rng.rand(len(y))):
        params = dict(n_estimators=5, bootstrap=False, random_state=global_random_seed)
        ours = Forest(**params).fit(X, y, sample_weight=sw)
        theirs = SK[Forest](**params).fit(X, y, sample_weight=sw)
        _assert_same_trees(ours, theirs)


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
    for a, b in zip(weighted.estimators_, trimmed.estimators_):
        assert_array_equal(a.tree_.feature, b.tree_.feature)
        assert_array_equal(a.tree_.threshold, b.tree_.threshold)
        assert_allclose(a.tree_.value, b.tree_.value, rtol=1e-12)
    method = _method(Forest)
    assert_allclose(getattr(weighted, method)(X), getattr(trimmed, method)(X))


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


def test_string_labels_and_multi_output_same_as_sklearn(global_random_seed):
    X, y = make_classification(n_samples=150, random_state=global_random_seed)
    names = np.array(["no", "yes"])
    params = dict(n_estimators=5, random_state=0)
    as_int = RandomForestClassifier(**params).fit(X, y)
    as_str = RandomForestClassifier(**params).fit(X, names[y])
    assert_array_equal(as_str.classes_, names)
    assert_array_equal(as_str.predict(X), names[as_int.predict(X)])
    assert_allclose(as_str.predict_proba(X), as_int.predict_proba(X))
    Y = np.column_stack([names[y], y % 2 == 0, (X[:, 0] > 0).astype(int) * 2])
    ours = ExtraTreesClassifier(**params).fit(X, Y)
    theirs = sk_ensemble.ExtraTreesClassifier(**params).fit(X, Y)
    _assert_same_trees(ours, theirs)
    assert_array_equal(ours.predict(X), theirs.predict(X))
    for p, q in zip(ours.predict_proba(X), theirs.predict_proba(X)):
        assert_allclose(p, q, rtol=1e-12, atol=1e-12)
    Xr, Yr = make_regression(n_samples=100, n_targets=3, random_state=0)
    params = dict(n_estimators=5, bootstrap=False, random_state=0)
    ours = RandomForestRegressor(**params).fit(Xr, Yr)
    theirs = sk_ensemble.RandomForestRegressor(**params).fit(Xr, Yr)
    _assert_same_trees(ours, theirs)
    assert_allclose(ours.predict(Xr), theirs.predict(Xr), rtol=1e-12)


@pytest.mark.parametrize("Forest", FORESTS)
def test_nan_in_X_same_as_sklearn(Forest, global_random_seed):
    X, y = _data(Forest, global_random_seed)
    X[np.random.RandomState(global_random_seed).rand(*X.shape) < 0.1] = np.nan
    params = dict(n_estimators=5, bootstrap=False, random_state=global_random_seed)
    ours = Forest(**params).fit(X, y)
    theirs = SK[Forest](**params).fit(X, y)
    _assert_same_trees(ours, theirs)
    method = _method(Forest)
    assert_allclose(
        getattr(ours, method)(X), getattr(theirs, method)(X), rtol=1e-12, atol=1e-12
    )


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
    # Means over seeds: the forests draw different bootstraps (the seed-to-seed
    # spread of one accuracy is about 0.2%).
    scores = {"ours": [], "hist": [], "peer": []}
    for seed in range(3):
        params = dict(n_estimators=50, n_jobs=2, random_state=seed)
        models = {
            "ours": RandomForestClassifier(**params),
            "hist": RandomForestClassifier(splitter="hist", **params),
            "peer": sk_ensemble.RandomForestClassifier(**params),
        }
        for name, model in models.items():
            scores[name].append(model.fit(Xtr, ytr).score(Xte, yte))
    peer = np.mean(scores["peer"])
    assert abs(np.mean(scores["ours"]) - peer) <= 0.005
    assert abs(np.mean(scores["hist"]) - peer) <= 0.005


TREE_PARAMS = [
    {"max_depth": 2},
    {"max_leaf_nodes": 5},
    {"min_samples_leaf": 10},
    {"min_samples_split": 0.2},
    {"min_weight_fraction_leaf": 0.05},
    {"min_impurity_decrease": 0.02},
    {"max_features": 0.5},
    {"ccp_alpha": "alpha"},
]


@pytest.mark.parametrize("Forest", FORESTS)
@pytest.mark.parametrize("tree_params", TREE_PARAMS, ids=str)
def test_tree_parameters_reach_the_trees(Forest, tree_params, global_random_seed):
    X, y = _data(Forest, global_random_seed)
    if tree_params.get("ccp_alpha") == "alpha":
        tree_params = {"ccp_alpha": 0.01 if Forest in CLASSIFIERS else 50.0}
    params = dict(
        n_estimators=3, bootstrap=False, random_state=global_random_seed, **tree_params
    )
    ours = Forest(**params).fit(X, y)
    theirs = SK[Forest](**params).fit(X, y)
    _assert_same_trees(ours, theirs)
    for a, b in zip(ours.estimators_, theirs.estimators_):
        assert a.max_features_ == b.max_features_
        assert a.get_depth() == b.get_depth()
    if "max_depth" in tree_params:
        assert all(tree.get_depth() == 2 for tree in ours.estimators_)
