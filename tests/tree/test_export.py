# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Tests for skml.tree.export_text and plot_tree."""

import numpy as np
import pytest
from sklearn import tree as sk_tree
from sklearn.datasets import load_diabetes, load_iris

from skml.tree import DecisionTreeClassifier, DecisionTreeRegressor, export_text


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"show_weights": True},
        {"max_depth": 1},
        {"decimals": 4, "spacing": 2},
        {"feature_names": ["a", "b", "c", "d"]},
        {"class_names": ["x", "y", "z"]},
    ],
    ids=str,
)
def test_export_text_same_as_sklearn_classifier(params, global_random_seed):
    X, y = load_iris(return_X_y=True)
    kwargs = dict(max_depth=4, random_state=global_random_seed)
    ours = DecisionTreeClassifier(**kwargs).fit(X, y)
    theirs = sk_tree.DecisionTreeClassifier(**kwargs).fit(X, y)
    assert export_text(ours, **params) == sk_tree.export_text(theirs, **params)


@pytest.mark.parametrize("params", [{}, {"max_depth": 2}, {"decimals": 0}], ids=str)
def test_export_text_same_as_sklearn_regressor(params):
    X, y = load_diabetes(return_X_y=True)
    ours = DecisionTreeRegressor(max_depth=5, random_state=0).fit(X, y)
    theirs = sk_tree.DecisionTreeRegressor(max_depth=5, random_state=0).fit(X, y)
    assert export_text(ours, **params) == sk_tree.export_text(theirs, **params)


def test_export_text_bad_names():
    X, y = load_iris(return_X_y=True)
    clf = DecisionTreeClassifier(max_depth=2).fit(X, y)
    with pytest.raises(ValueError, match="feature_names must contain 4"):
        export_text(clf, feature_names=["a"])
    with pytest.raises(ValueError, match="class_names"):
        export_text(clf, class_names=["a"])


def test_plot_tree(global_random_seed):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from skml.tree import plot_tree

    X, y = load_iris(return_X_y=True)
    clf = DecisionTreeClassifier(max_depth=3, random_state=global_random_seed)
    clf.fit(X, y)
    fig, ax = plt.subplots()
    boxes = plot_tree(clf, ax=ax, filled=True, class_names=True, node_ids=True)
    assert len(boxes) == clf.tree_.node_count
    assert "node #0" in boxes[0].get_text()
    assert f"x[{clf.tree_.feature[0]}] <=" in boxes[0].get_text()
    boxes = plot_tree(clf, ax=ax, max_depth=1, feature_names=list("abcd"))
    assert len(boxes) == 3
    reg = DecisionTreeRegressor(max_depth=2).fit(X, y.astype(float))
    boxes = plot_tree(reg, ax=ax, filled=True, proportion=True, impurity=False)
    assert len(boxes) == reg.tree_.node_count
    assert "squared_error" not in boxes[0].get_text()
    assert np.all([b.get_position() is not None for b in boxes])
    plt.close(fig)
