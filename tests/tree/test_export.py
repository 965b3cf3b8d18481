# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Tests for skml.tree.export_text and plot_tree."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
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


def _parse_box(text):
    """Fields of a plot_tree box: {"node", "feature", "threshold", impurity
    name, "samples", "value", "class"} as written."""
    fields = {}
    for line in text.split("\n"):
        if line.startswith("node #"):
            fields["node"] = int(line[len("node #") :])
        elif " <= " in line:
            name, threshold = line.split(" <= ")
            fields["feature"], fields["threshold"] = name, float(threshold)
        elif line.startswith("value = "):
            body = line[len("value = ") :].replace("[", " ").replace("]", " ")
            fields["value"] = np.array(body.replace(",", " ").split(), dtype=float)
        elif line.startswith("samples = "):
            fields["samples"] = line[len("samples = ") :]
        else:
            key, value = line.split(" = ")
            fields[key] = value
    return fields


def _shown_nodes(tree, max_depth):
    """Nodes down to depth max_depth, in node order (depth first)."""
    shown, stack = [], [(0, 0)]
    while stack:
        node, depth = stack.pop()
        shown.append(node)
        if tree.children_left[node] != -1 and depth < max_depth:
            stack.append((tree.children_right[node], depth + 1))
            stack.append((tree.children_left[node], depth + 1))
    return sorted(shown)


def _check_boxes(
    boxes,
    est,
    max_depth=100,
    feature_names=None,
    node_ids=False,
    impurity=True,
    proportion=False,
    class_names=None,
    precision=3,
):
    # Every box shows its node's split, impurity, samples, value and class, as
    # documented, read back from the tree's arrays.
    t = est.tree_
    nodes = _shown_nodes(t, max_depth)
    assert len(boxes) == len(nodes)
    rel = 10.0 ** (1 - precision)  # rounding to ``precision`` digits
    for box, node in zip(boxes, nodes):
        fields = _parse_box(box.get_text())
        if node_ids:
            assert fields.pop("node") == node
        if t.children_left[node] != -1:
            f = t.feature[node]
            name = feature_names[f] if feature_names is not None else f"x[{f}]"
            assert fields.pop("feature") == name
            assert fields.pop("threshold") == pytest.approx(t.threshold[node], rel=rel)
        if impurity:
            assert float(fields.pop(est.criterion)) == pytest.approx(
                t.impurity[node], rel=rel, abs=10.0**-precision
            )
        samples = fields.pop("samples")
        w = t.weighted_n_node_samples
        if proportion:
            assert float(samples.rstrip("%")) == pytest.approx(
                100 * w[node] / w[0], abs=0.05
            )
        else:
            assert int(samples) == t.n_node_samples[node]
        value = t.value[node, 0]
        if hasattr(est, "classes_") and not proportion:
            value = value * w[node]  # class weights, not fractions
        assert_allclose(fields.pop("value"), value, rtol=rel, atol=10.0**-precision)
        if class_names is not None:
            assert fields.pop("class") == str(class_names[np.argmax(t.value[node, 0])])
        assert fields == {}


def test_plot_tree(global_random_seed):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from skml.tree import plot_tree

    X, y = load_iris(return_X_y=True)
    clf = DecisionTreeClassifier(max_depth=3, random_state=global_random_seed)
    clf.fit(X, y)
    fig, ax = plt.subplots()
    opts = dict(filled=True, class_names=True, node_ids=True)
    _check_boxes(
        plot_tree(clf, ax=ax, **opts),
        clf,
        node_ids=True,
        class_names=clf.classes_,
    )
    names = list("abcd")
    _check_boxes(
        plot_tree(
            clf, ax=ax, max_depth=1, feature_names=names, class_names=["u", "v", "w"]
        ),
        clf,
        max_depth=1,
        feature_names=names,
        class_names=["u", "v", "w"],
    )
    _check_boxes(
        plot_tree(clf, ax=ax, proportion=True, precision=2),
        clf,
        proportion=True,
        precision=2,
    )
    reg = DecisionTreeRegressor(max_depth=2).fit(X, y.astype(float))
    _check_boxes(
        plot_tree(reg, ax=ax, filled=True, proportion=True, impurity=False),
        reg,
        impurity=False,
        proportion=True,
    )
    _check_boxes(plot_tree(reg, ax=ax), reg)
    plt.close(fig)
