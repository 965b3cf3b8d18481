# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Plot a fitted decision tree with matplotlib."""

from numbers import Integral

import numpy as np
from sklearn.base import is_classifier

from skml.utils._sklearn import Interval, check_is_fitted, validate_params

__all__ = ["plot_tree"]


def _layout(left, right, max_depth):
    """x (leaf order, parents centred over children) and depth of shown nodes."""
    x, depth = {}, {0: 0}
    next_leaf = [0.0]

    def place(node):
        # Iterative post-order: children before parents.
        stack = [(node, False)]
        while stack:
            node, done = stack.pop()
            shown_leaf = left[node] == -1 or depth[node] == max_depth
            if shown_leaf:
                x[node] = next_leaf[0]
                next_leaf[0] += 1.0
            elif done:
                x[node] = (x[left[node]] + x[right[node]]) / 2
            else:
                depth[left[node]] = depth[right[node]] = depth[node] + 1
                stack.append((node, True))
                stack.append((right[node], False))
                stack.append((left[node], False))

    place(0)
    return x, depth, max(next_leaf[0], 1.0)


@validate_params(
    {
        "decision_tree": [object],
        "max_depth": [Interval(Integral, 0, None, closed="left"), None],
        "feature_names": ["array-like", None],
        "class_names": ["array-like", "boolean", None],
        "filled": ["boolean"],
        "impurity": ["boolean"],
        "node_ids": ["boolean"],
        "proportion": ["boolean"],
        "precision": [Interval(Integral, 0, None, closed="left")],
        "ax": "no_validation",
        "fontsize": [Integral, None],
    },
    prefer_skip_nested_validation=True,
)
def plot_tree(
    decision_tree,
    *,
    max_depth=None,
    feature_names=None,
    class_names=None,
    filled=False,
    impurity=True,
    node_ids=False,
    proportion=False,
    precision=3,
    ax=None,
    fontsize=None,
):
    """Plot a decision tree with matplotlib.

    Each node shows its split rule, impurity, number of samples and value;
    leaves are spread evenly and every parent is centred over its children.

    Read more in the :ref:`User Guide <tree>`.

    Parameters
    ----------
    decision_tree : DecisionTreeClassifier or DecisionTreeRegressor
        The fitted tree to plot.

    max_depth : int, default=None
        Deepest level drawn; None draws the whole tree.

    feature_names : array-like of str, default=None
        Names of the features; "x[i]" when None.

    class_names : array-like of str or True, default=None
        Names of the classes (classifiers); True uses the tree's ``classes_``.
        When None, the majority class is not shown.

    filled : bool, default=False
        Colour nodes by their majority class (classifiers) or their value
        (regressors).

    impurity : bool, default=True
        Show the impurity of each node.

    node_ids : bool, default=False
        Show the id of each node.

    proportion : bool, default=False
        Show values and sample counts as fractions of the total.

    precision : int, default=3
        Number of digits of impurities, thresholds and values.

    ax : matplotlib Axes, default=None
        Axes to draw on; the current axes when None.

    fontsize : int, default=None
        Font size of the text; matplotlib's default when None.

    Returns
    -------
    annotations : list of matplotlib Annotation
        The node boxes, in node order.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_iris
    >>> from skml.tree import DecisionTreeClassifier, plot_tree
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = DecisionTreeClassifier(max_depth=2, random_state=0).fit(X, y)
    >>> len(plot_tree(clf))
    5
    """
    import matplotlib.pyplot as plt

    check_is_fitted(decision_tree)
    tree = decision_tree.tree_
    classifier = is_classifier(decision_tree)
    if class_names is True:
        class_names = list(np.atleast_1d(decision_tree.classes_))
    if ax is None:
        ax = plt.gca()
    left, right = tree.children_left, tree.children_right
    feature, threshold = tree.feature, tree.threshold
    impurities, values = tree.impurity, tree.value
    n_samples, weights = tree.n_node_samples, tree.weighted_n_node_samples
    criterion = getattr(decision_tree, "criterion", "impurity")
    shown_depth = np.iinfo(np.int32).max if max_depth is None else max_depth
    x, depth, width = _layout(left, right, shown_depth)
    height = max(depth.values()) + 1

    def colour(node):
        if not filled:
            return "white"
        cmap = plt.get_cmap("tab10")
        value = values[node][0]
        if classifier:
            k = int(np.argmax(value))
            alpha = 0.0
            if len(value) > 1:
                top = np.sort(value)[::-1]
                alpha = (top[0] - top[1]) / max(1.0 - top[1], 1e-12)
            rgb = np.array(cmap(k % 10)[:3])
        else:
            lo, hi = values[:, 0, 0].min(), values[:, 0, 0].max()
            alpha = 0.0 if hi == lo else (value[0] - lo) / (hi - lo)
            rgb = np.array(cmap(1)[:3])
        return tuple(alpha * rgb + (1 - alpha) * np.ones(3))

    def text(node):
        lines = []
        if node_ids:
            lines.append(f"node #{node}")
        if left[node] != -1:
            name = (
                feature_names[feature[node]]
                if feature_names is not None
                else f"x[{feature[node]}]"
            )
            lines.append(f"{name} <= {threshold[node]:.{precision}g}")
        if impurity:
            lines.append(f"{criterion} = {impurities[node]:.{precision}g}")
        if proportion:
            lines.append(f"samples = {100 * weights[node] / weights[0]:.1f}%")
        else:
            lines.append(f"samples = {n_samples[node]}")
        value = values[node] if tree.n_outputs > 1 else values[node][0]
        if classifier and not proportion:
            value = value * weights[node]
        shown = np.array2string(np.round(np.asarray(value), precision), separator=", ")
        lines.append(f"value = {shown}")
        if classifier and class_names is not None and tree.n_outputs == 1:
            lines.append(f"class = {class_names[int(np.argmax(values[node][0]))]}")
        return "\n".join(lines)

    ax.set_axis_off()
    kwargs = dict(
        ha="center",
        va="center",
        xycoords="axes fraction",
        textcoords="axes fraction",
        fontsize=fontsize,
    )
    annotations = []

    def position(node):
        return ((x[node] + 0.5) / width, 1.0 - (depth[node] + 0.5) / height)

    for node in sorted(x):
        box = dict(boxstyle="round", fc=colour(node), ec="black")
        annotation = ax.annotate(
            text(node),
            position(node),
            xytext=position(node),
            bbox=box,
            zorder=3,
            **kwargs,
        )
        annotations.append(annotation)
        if left[node] != -1 and depth[node] < shown_depth:
            for child in (left[node], right[node]):
                ax.annotate(
                    "",
                    xy=position(child),
                    xytext=position(node),
                    arrowprops=dict(arrowstyle="-", color="grey"),
                    zorder=1,
                    **{k: v for k, v in kwargs.items() if k != "fontsize"},
                )
    return annotations
