# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Text export of a fitted decision tree."""

from numbers import Integral

import numpy as np
from sklearn.base import is_classifier

from skml.utils._sklearn import Interval, check_is_fitted, validate_params

__all__ = ["export_text"]

_LEAF = -1


def _subtree_depth(left, right, node):
    """Depth of the subtree rooted at ``node`` (1 for a leaf)."""
    depth, stack = 0, [(node, 1)]
    while stack:
        node, d = stack.pop()
        depth = max(depth, d)
        if left[node] != _LEAF:
            stack.append((left[node], d + 1))
            stack.append((right[node], d + 1))
    return depth


@validate_params(
    {
        "decision_tree": [object],
        "feature_names": ["array-like", None],
        "class_names": ["array-like", None],
        "max_depth": [Interval(Integral, 0, None, closed="left"), None],
        "spacing": [Interval(Integral, 1, None, closed="left"), None],
        "decimals": [Interval(Integral, 0, None, closed="left"), None],
        "show_weights": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def export_text(
    decision_tree,
    *,
    feature_names=None,
    class_names=None,
    max_depth=10,
    spacing=3,
    decimals=2,
    show_weights=False,
):
    """Build a text report showing the rules of a decision tree.

    The format is that of scikit-learn's ``export_text``.

    Read more in the :ref:`User Guide <tree>`.

    Parameters
    ----------
    decision_tree : DecisionTreeClassifier or DecisionTreeRegressor
        The fitted tree to export.

    feature_names : array-like of shape (n_features,), default=None
        Names of the features; "feature_{i}" when None.

    class_names : array-like of shape (n_classes,), default=None
        Names of the classes in ascending order (classifiers only); the
        ``classes_`` of the tree when None.

    max_depth : int, default=10
        Deepest level shown; deeper branches are marked as truncated.

    spacing : int, default=3
        Width of an indentation level.

    decimals : int, default=2
        Number of decimals of thresholds and values.

    show_weights : bool, default=False
        Show the weighted class counts of each leaf (classifiers).

    Returns
    -------
    report : str
        Text summary of all the rules in the decision tree.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skml.tree import DecisionTreeClassifier, export_text
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = DecisionTreeClassifier(max_depth=1, random_state=0).fit(X, y)
    >>> print(export_text(clf))
    |--- feature_3 <= 0.80
    |   |--- class: 0
    |--- feature_3 >  0.80
    |   |--- class: 1
    <BLANKLINE>
    """
    check_is_fitted(decision_tree)
    tree = decision_tree.tree_
    classifier = is_classifier(decision_tree)
    if classifier:
        if class_names is None:
            class_names = decision_tree.classes_
        elif len(class_names) != len(decision_tree.classes_):
            raise ValueError(
                "When `class_names` is an array, it should contain as many items "
                f"as `decision_tree.classes_`. Got {len(class_names)} while the "
                f"tree was fitted with {len(decision_tree.classes_)} classes."
            )
    if feature_names is not None and len(feature_names) != tree.n_features:
        raise ValueError(
            f"feature_names must contain {tree.n_features} elements, got "
            f"{len(feature_names)}"
        )
    left, right = tree.children_left, tree.children_right
    feature, threshold = tree.feature, tree.threshold
    values, weights = tree.value, tree.weighted_n_node_samples
    names = [
        None
        if f < 0
        else (feature_names[f] if feature_names is not None else f"feature_{f}")
        for f in feature
    ]
    lines = []

    def leaf(node, indent):
        value = values[node][0] if tree.n_outputs == 1 else values[node].T[0]
        if classifier:
            klass = np.argmax(value)
            if tree.n_outputs == 1:
                klass = class_names[klass]
            text = ""
            if show_weights:
                counts = ", ".join(f"{v * weights[node]:.{decimals}f}" for v in value)
                text = f" weights: [{counts}]"
            lines.append(f"{indent}{text} class: {klass}")
        else:
            shown = ", ".join(f"{v:.{decimals}f}" for v in value)
            lines.append(f"{indent} value: [{shown}]")

    # (node, depth, text before the node's subtree or None)
    stack = [(0, 1, None)]
    while stack:
        node, depth, text = stack.pop()
        if text is not None:
            lines.append(text)
            continue
        indent = ("|" + " " * spacing) * depth
        indent = indent[:-spacing] + "-" * spacing
        if depth <= max_depth + 1:
            if left[node] != _LEAF:
                thr = f"{threshold[node]:.{decimals}f}"
                stack.append((right[node], depth + 1, None))
                stack.append((-1, 0, f"{indent} {names[node]} >  {thr}"))
                stack.append((left[node], depth + 1, None))
                stack.append((-1, 0, f"{indent} {names[node]} <= {thr}"))
            else:
                leaf(node, indent)
        else:
            sub_depth = _subtree_depth(left, right, node)
            if sub_depth == 1:
                leaf(node, indent)
            else:
                lines.append(f"{indent} truncated branch of depth {sub_depth}")
    return "\n".join(lines) + "\n"
