# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Forests predicting rows with missing values (NaN), against scikit-learn.

scikit-learn's rule (sklearn/tree/_splitter.pyx): a split learns where NaN goes
when its node saw missing values of its feature in training; otherwise NaN goes
to the child with more training samples (``n_left > n_right``, so ties go
right). Without bootstrap skml's forests are scikit-learn's tree for tree, so
their ``missing_go_to_left`` and their predictions on NaN rows must agree.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.sparse import csr_matrix
from sklearn import ensemble as sk_ensemble
from sklearn.datasets import make_classification, make_regression

from skml.ensemble import (
    ExtraTreesClassifier,
    ExtraTreesRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)

CLASSIFIERS = [RandomForestClassifier, ExtraTreesClassifier]
FORESTS = CLASSIFIERS + [RandomForestRegressor, ExtraTreesRegressor]
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


def _fresh_rows_with_nan(Forest, seed):
    """New rows with NaN in every feature, some rows entirely NaN."""
    X = _data(Forest, seed + 1000, n_samples=150)[0]
    rng = np.random.RandomState(seed)
    X[rng.rand(*X.shape) < 0.3] = np.nan
    X[:5] = np.nan
    return X


def _outputs(forest, X):
    if hasattr(forest, "predict_proba"):
        return forest.predict_proba(X)
    return forest.predict(X)


def _walk(tree, x):
    """The leaf of row ``x``, by walking the tree's arrays."""
    node = 0
    while tree.children_left[node] != -1:
        value = x[tree.feature[node]]
        if np.isnan(value):
            left = tree.missing_go_to_left[node]
        else:
            left = value <= tree.threshold[node]
        node = tree.children_left[node] if left else tree.children_right[node]
    return node


def _brute_force_mean(forest, X):
    """Mean over the trees of the leaf values (class fractions or means)."""
    total = 0.0
    for tree in forest.estimators_:
        leaves = [_walk(tree.tree_, x) for x in X]
        total = total + tree.tree_.value[leaves][:, 0, :]
    mean = total / len(forest.estimators_)
    return mean if hasattr(forest, "predict_proba") else mean[:, 0]


@pytest.mark.parametrize("Forest", FORESTS)
@pytest.mark.parametrize("nan_features", [0, 3], ids=["no-nan", "nan-in-3"])
def test_nan_rows_predicted_as_sklearn(Forest, nan_features, global_random_seed):
    # Trained without NaN, or with NaN in the first 3 features only: the rows
    # predicted have NaN in every feature, including those that saw none.
    X, y = _data(Forest, global_random_seed)
    rng = np.random.RandomState(global_random_seed)
    X[:, :nan_features][rng.rand(len(y), nan_features) < 0.15] = np.nan
    params = dict(n_estimators=5, bootstrap=False, random_state=global_random_seed)
    ours = Forest(**params).fit(X, y)
    theirs = SK[Forest](**params).fit(X, y)
    X_new = _fresh_rows_with_nan(Forest, global_random_seed)
    for a, b in zip(ours.estimators_, theirs.estimators_):
        assert_array_equal(a.tree_.feature, b.tree_.feature)
        assert_array_equal(a.tree_.threshold, b.tree_.threshold)
        internal = a.tree_.children_left != -1
        assert_array_equal(
            a.tree_.missing_go_to_left[internal], b.tree_.missing_go_to_left[internal]
        )
        assert_array_equal(a.apply(X_new), b.apply(X_new))
    assert_allclose(_outputs(ours, X_new), _outputs(theirs, X_new), rtol=1e-12)
    assert_array_equal(ours.predict(X_new), theirs.predict(X_new))
    assert_array_equal(ours.apply(X_new), theirs.apply(X_new))


@pytest.mark.parametrize("Forest", FORESTS)
def test_nan_goes_to_the_child_with_more_samples(Forest, global_random_seed):
    # Trained without NaN (bootstrap forests too: their trees differ from
    # scikit-learn's), every split sends NaN to the child with more training
    # samples, ties to the right; the forest's prediction kernel follows it,
    # on dense and sparse rows alike.
    X, y = _data(Forest, global_random_seed)
    forest = Forest(n_estimators=5, bootstrap=True, random_state=global_random_seed)
    forest.fit(X, y)
    for tree in forest.estimators_:
        t = tree.tree_
        internal = np.flatnonzero(t.children_left != -1)
        n_left = t.n_node_samples[t.children_left[internal]]
        n_right = t.n_node_samples[t.children_right[internal]]
        assert_array_equal(t.missing_go_to_left[internal], n_left > n_right)
    X_new = _fresh_rows_with_nan(Forest, global_random_seed)
    expected = _brute_force_mean(forest, X_new)
    assert_allclose(_outputs(forest, X_new), expected, rtol=1e-12, atol=1e-15)
    assert_allclose(
        _outputs(forest, csr_matrix(X_new)), expected, rtol=1e-12, atol=1e-15
    )
