# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Text export of a fitted uplift tree."""

from numbers import Integral

import numpy as np

from skml.utils._sklearn import Interval, check_is_fitted, validate_params

__all__ = ["export_text"]

_LEAF = -1


def _format_effects(effects, decimals):
    values = [f"{e:.{decimals}f}" for e in effects]
    return values[0] if len(values) == 1 else "[" + ", ".join(values) + "]"


@validate_params(
    {
        "uplift_tree": [object],
        "feature_names": ["array-like", None],
        "max_depth": [Interval(Integral, 0, None, closed="left"), None],
        "spacing": [Interval(Integral, 1, None, closed="left")],
        "decimals": [Interval(Integral, 0, None, closed="left")],
        "show_groups": ["boolean"],
    },
    prefer_skip_nested_validation=True,
)
def export_text(
    uplift_tree,
    *,
    feature_names=None,
    max_depth=10,
    spacing=3,
    decimals=2,
    show_groups=False,
):
    """Build a text report of the rules and leaf uplifts of an uplift tree.

    The layout is that of :func:`skml.tree.export_text`; each leaf shows its
    uplift (the treated groups' mean outcome minus the control mean), and with
    ``show_groups`` every group's mean outcome and weight.

    Read more in the :ref:`User Guide <uplift_trees>`.

    Parameters
    ----------
    uplift_tree : UpliftTreeClassifier or UpliftTreeRegressor
        The fitted tree to export (for a forest, one of its ``estimators_``).
    feature_names : array-like of shape (n_features,), default=None
        Names of the features; ``feature_names_in_`` when the tree was fitted
        on named columns, else "feature_{i}".
    max_depth : int or None, default=10
        Deepest level shown; deeper branches are marked as truncated. None
        for all.
    spacing : int, default=3
        Width of an indentation level.
    decimals : int, default=2
        Number of decimals of thresholds and values.
    show_groups : bool, default=False
        Show each group's mean outcome and weight in every leaf.

    Returns
    -------
    report : str
        The rules of the tree, one node per line.

    Examples
    --------
    >>> from skml.datasets import make_uplift_classification
    >>> from skml.uplift import UpliftTreeClassifier, export_text
    >>> X, y, t, _ = make_uplift_classification(n_samples=2000, random_state=0)
    >>> tree = UpliftTreeClassifier(max_depth=1, random_state=0).fit(X, y, treatment=t)
    >>> print(export_text(tree).splitlines()[0])
    |--- feature_... <= ...
    """
    check_is_fitted(uplift_tree, "tree_")
    tree = uplift_tree.tree_
    groups = ["control"] + [str(g) for g in uplift_tree.treatment_groups_]
    n_groups = len(groups)
    if feature_names is None:
        names = getattr(uplift_tree, "feature_names_in_", None)
        if names is None:
            names = [f"feature_{i}" for i in range(tree.n_features)]
    else:
        names = list(feature_names)
        if len(names) != tree.n_features:
            raise ValueError(
                f"feature_names has {len(names)} names; the tree has "
                f"{tree.n_features} features."
            )
    max_depth = np.inf if max_depth is None else max_depth
    left, right = tree.children_left, tree.children_right
    feature, threshold = tree.feature, tree.threshold
    value = tree.value[:, 0, :]
    lines = []
    # Items: (node, depth) to expand, or (None, depth, text) a line to print.
    stack = [(0, 0)]
    while stack:
        item = stack.pop()
        depth = item[1]
        pad = ("|" + " " * spacing) * depth + "|" + "-" * spacing + " "
        if item[0] is None:
            lines.append(pad + item[2])
            continue
        node = item[0]
        if left[node] == _LEAF:
            means = value[node, :n_groups]
            text = "uplift: " + _format_effects(means[1:] - means[0], decimals)
            if show_groups:
                weights = value[node, 2 * n_groups : 3 * n_groups]
                parts = [
                    f"{g}: {m:.{decimals}f}, n={w:g}"
                    for g, m, w in zip(groups, means, weights)
                ]
                text += " (" + "; ".join(parts) + ")"
            lines.append(pad + text)
            continue
        if depth >= max_depth:
            lines.append(pad + f"truncated branch of depth {_depth(left, right, node)}")
            continue
        name = names[feature[node]]
        t = f"{threshold[node]:.{decimals}f}"
        stack.append((right[node], depth + 1))
        stack.append((None, depth, f"{name} >  {t}"))
        stack.append((left[node], depth + 1))
        stack.append((None, depth, f"{name} <= {t}"))
    return "\n".join(lines) + "\n"


def _depth(left, right, node):
    # Depth of the subtree rooted at node (1 for a leaf).
    best, stack = 0, [(node, 1)]
    while stack:
        node, d = stack.pop()
        best = max(best, d)
        if left[node] != _LEAF:
            stack.append((left[node], d + 1))
            stack.append((right[node], d + 1))
    return best
