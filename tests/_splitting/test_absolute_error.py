# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""The absolute-error criterion against NumPy references and scikit-learn.

Its node value is a weighted median and its impurity the mean absolute
deviation from it; both are computed here by sorting, and splits by trying
every threshold.
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.tree import DecisionTreeRegressor as SklearnTree

from skml._splitting import build_tree
from skml.ensemble import ExtraTreesRegressor, RandomForestRegressor
from skml.tree import DecisionTreeRegressor


def weighted_median(y, w):
    """Weighted median; the midpoint when the cumulative weight hits half."""
    order = np.argsort(y, kind="stable")
    y, w = y[order], w[order]
    cum = np.cumsum(w)
    half = cum[-1] / 2
    lo = np.searchsorted(cum, half, side="left")  # first cum >= half
    if cum[lo] == half and lo + 1 < len(y):
        return (y[lo] + y[lo + 1]) / 2
    return y[lo]


def abs_loss(y, w):
    """Sum over outputs of the weighted absolute deviations from the median."""
    y = y.reshape(len(w), -1)
    return sum(
        np.sum(w * np.abs(y[:, o] - weighted_median(y[:, o], w)))
        for o in range(y.shape[1])
    )


def best_split_loss(X, y, w, min_samples_leaf=1):
    """Smallest children loss over every split of the root (NaN either side)."""
    keep = w != 0
    X, y, w = X[keep], y[keep], w[keep]
    best = np.inf
    for f in range(X.shape[1]):
        x = X[:, f]
        missing = np.isnan(x)
        values = np.unique(x[~missing])
        masks = [x <= t for t in values[:-1]]
        if missing.any():
            masks.append(~missing)
            masks += [(x <= t) | missing for t in values[:-1]]
        for left in masks:
            if min(left.sum(), (~left).sum()) < min_samples_leaf:
                continue
            best = min(best, abs_loss(y[left], w[left]) + abs_loss(y[~left], w[~left]))
    return best


def _data(rng, n=40, n_features=3, n_outputs=1):
    X = rng.normal(size=(n, n_features)).astype(np.float32)
    # Heavy tails: the median and the mean disagree.
    y = rng.standard_t(2, size=(n, n_outputs)) + 2 * X[:, :1]
    return X, y


def _children_loss(tree):
    left, right = tree.children_left[0], tree.children_right[0]
    w = tree.weighted_n_node_samples
    n_outputs = tree.value.shape[1]
    return (w[left] * tree.impurity[left] + w[right] * tree.impurity[right]) * n_outputs


@pytest.mark.parametrize("n_outputs", [1, 3])
@pytest.mark.parametrize("weights", ["ones", "integers", "floats"])
@pytest.mark.parametrize("min_samples_leaf", [1, 5])
def test_root_split_is_the_brute_force_best(
    n_outputs, weights, min_samples_leaf, global_random_seed
):
    rng = np.random.RandomState(global_random_seed)
    X, y = _data(rng, n_outputs=n_outputs)
    w = {
        "ones": np.ones(len(y)),
        "integers": rng.randint(0, 4, len(y)).astype(float),
        "floats": rng.rand(len(y)) + 0.1,
    }[weights]
    tree = build_tree(
        X,
        y,
        w,
        criterion="absolute_error",
        max_depth=1,
        min_samples_leaf=min_samples_leaf,
    )
    assert tree.node_count == 3
    expected = best_split_loss(X, y, w, min_samples_leaf)
    assert_allclose(_children_loss(tree), expected, rtol=1e-9)
    keep = w != 0
    assert_allclose(
        tree.impurity[0], abs_loss(y[keep], w[keep]) / (w.sum() * n_outputs)
    )
    for o in range(n_outputs):
        assert tree.value[0, o, 0] == pytest.approx(
            weighted_median(y[keep, o], w[keep]), rel=1e-12
        )


def test_root_split_with_missing_values_is_the_brute_force_best(global_random_seed):
    rng = np.random.RandomState(global_random_seed)
    X, y = _data(rng, n=50)
    X[rng.rand(*X.shape) < 0.25] = np.nan
    w = rng.rand(len(y)) + 0.5
    tree = build_tree(X, y, w, criterion="absolute_error", max_depth=1)
    assert_allclose(_children_loss(tree), best_split_loss(X, y, w), rtol=1e-9)
    x = X[:, tree.feature[0]]
    go_left = np.where(
        np.isnan(x), bool(tree.missing_go_to_left[0]), x <= tree.threshold[0]
    )
    left = tree.children_left[0]
    assert tree.n_node_samples[left] == go_left.sum()
    assert_allclose(
        tree.impurity[left], abs_loss(y[go_left], w[go_left]) / w[go_left].sum()
    )


@pytest.mark.parametrize("splitter", ["best", "random"])
@pytest.mark.parametrize("max_leaf_nodes", [None, 12])
def test_every_node_holds_the_median_and_deviation_of_its_samples(
    splitter, max_leaf_nodes, global_random_seed
):
    rng = np.random.RandomState(global_random_seed)
    X, y = _data(rng, n=300, n_features=4, n_outputs=2)
    X[rng.rand(*X.shape) < 0.1] = np.nan
    w = rng.randint(1, 4, len(y)).astype(float)
    est = DecisionTreeRegressor(
        criterion="absolute_error",
        splitter=splitter,
        max_leaf_nodes=max_leaf_nodes,
        random_state=global_random_seed,
    ).fit(X, y, sample_weight=w)
    tree = est.tree_
    paths = est.decision_path(X).tocsc()
    for node in range(tree.node_count):
        rows = paths[:, node].nonzero()[0]
        assert tree.n_node_samples[node] == len(rows)
        expected_loss = abs_loss(y[rows], w[rows]) / (w[rows].sum() * 2)
        assert_allclose(tree.impurity[node], expected_loss, rtol=1e-9, atol=1e-12)
        for o in range(2):
            assert tree.value[node, o, 0] == pytest.approx(
                weighted_median(y[rows, o], w[rows]), rel=1e-12
            )


def test_random_split_never_beats_the_best(global_random_seed):
    rng = np.random.RandomState(global_random_seed)
    X, y = _data(rng)
    w = np.ones(len(y))
    tree = build_tree(
        X,
        y,
        w,
        criterion="absolute_error",
        splitter="random",
        max_depth=1,
        seed=global_random_seed,
    )
    f, t = tree.feature[0], tree.threshold[0]
    assert X[:, f].min() <= t < X[:, f].max()
    assert _children_loss(tree) >= best_split_loss(X, y, w) - 1e-9
    # The children hold the loss of the drawn threshold's partition.
    assert_allclose(_children_loss(tree), _split_loss(X, y, w, f, t), rtol=1e-9)


def _walk_pairs(a, b):
    """Matching node pairs of two trees, and the first nodes where they part."""
    same, parted = [], []
    stack = [(0, 0)]
    while stack:
        i, j = stack.pop()
        if a.feature[i] != b.feature[j] or (
            a.feature[i] >= 0 and a.threshold[i] != pytest.approx(b.threshold[j])
        ):
            parted.append((i, j))
            continue
        same.append((i, j))
        if a.feature[i] >= 0:
            stack.append((a.children_left[i], b.children_left[j]))
            stack.append((a.children_right[i], b.children_right[j]))
    return same, parted


@pytest.mark.parametrize("weighted", [False, True])
def test_same_tree_as_scikit_learn_up_to_exact_ties(weighted, global_random_seed):
    # The absolute error ties exactly between different splits (its loss is
    # piecewise linear), even on tie-free X; which tied split wins depends on
    # rounding. So: walk both trees; where they agree, nodes must be equal;
    # where they part, both splits must have the same loss.
    rng = np.random.RandomState(global_random_seed)
    n = 300
    X = rng.rand(n, 5).astype(np.float32)
    y = rng.randn(n) + 3 * X[:, 0]
    w = rng.randint(1, 4, n).astype(float) if weighted else np.ones(n)
    params = dict(criterion="absolute_error", random_state=global_random_seed)
    ours = DecisionTreeRegressor(**params).fit(X, y, sample_weight=w)
    ref = SklearnTree(**params).fit(X, y, sample_weight=w)
    a, b = ref.tree_, ours.tree_
    same, parted = _walk_pairs(a, b)
    for i, j in same:
        assert a.n_node_samples[i] == b.n_node_samples[j]
        assert_allclose(b.impurity[j], a.impurity[i], rtol=1e-9, atol=1e-12)
        assert_allclose(b.value[j], a.value[i], rtol=1e-12)
    ref_paths = ref.decision_path(X).tocsc()
    for i, j in parted:
        rows = ref_paths[:, i].nonzero()[0]
        assert b.feature[j] >= 0 and a.feature[i] >= 0
        ours_loss = _split_loss(X[rows], y[rows], w[rows], b.feature[j], b.threshold[j])
        ref_loss = _split_loss(X[rows], y[rows], w[rows], a.feature[i], a.threshold[i])
        assert ours_loss == pytest.approx(ref_loss, rel=1e-9, abs=1e-12)


def _split_loss(X, y, w, feature, threshold):
    left = X[:, feature] <= threshold
    return abs_loss(y[left], w[left]) + abs_loss(y[~left], w[~left])


@pytest.mark.parametrize("weighted", [False, True])
def test_every_split_is_the_brute_force_best_of_its_node(weighted, global_random_seed):
    # Complements the comparison above, which stops where the trees part on an
    # exact tie: every internal node, below a tie too, splits its own rows with
    # the smallest children loss over every threshold of every feature.
    rng = np.random.RandomState(global_random_seed)
    n = 120
    X = rng.rand(n, 4).astype(np.float32)
    y = rng.randn(n) + 3 * X[:, 0]
    w = rng.randint(1, 4, n).astype(float) if weighted else np.ones(n)
    est = DecisionTreeRegressor(
        criterion="absolute_error", max_depth=4, random_state=global_random_seed
    ).fit(X, y, sample_weight=w)
    tree = est.tree_
    paths = est.decision_path(X).tocsc()
    for node in np.flatnonzero(tree.children_left != -1):
        rows = paths[:, node].nonzero()[0]
        loss = _split_loss(
            X[rows], y[rows], w[rows], tree.feature[node], tree.threshold[node]
        )
        best = best_split_loss(X[rows], y[rows][:, None], w[rows])
        assert loss == pytest.approx(best, rel=1e-9, abs=1e-12)


def test_leaf_predicts_the_weighted_median():
    # Constant X: one leaf whose value is the weighted median (closed form).
    X = np.zeros((5, 1), dtype=np.float32)
    y = np.array([1.0, 2.0, 3.0, 4.0, 100.0])
    w = np.array([1.0, 1.0, 1.0, 1.0, 1.0])
    est = DecisionTreeRegressor(criterion="absolute_error").fit(X, y, sample_weight=w)
    assert est.tree_.node_count == 1
    assert est.predict(X[:1])[0] == 3.0
    assert_allclose(est.tree_.impurity[0], (2 + 1 + 0 + 1 + 97) / 5)
    # Weight exactly half on the lower values: the midpoint.
    est.fit(X[:4], y[:4])
    assert est.predict(X[:1])[0] == 2.5
    est.fit(X[:4], y[:4], sample_weight=[1.0, 1.0, 3.0, 1.0])
    assert est.predict(X[:1])[0] == 3.0


def test_hist_splitter_is_rejected():
    X = np.random.RandomState(0).rand(20, 2)
    y = X[:, 0]
    with pytest.raises(ValueError, match="absolute_error.*hist"):
        DecisionTreeRegressor(criterion="absolute_error", splitter="hist").fit(X, y)
    with pytest.raises(ValueError, match="absolute_error.*hist"):
        RandomForestRegressor(
            criterion="absolute_error", splitter="hist", n_estimators=2
        ).fit(X, y)


@pytest.mark.parametrize("Forest", [RandomForestRegressor, ExtraTreesRegressor])
def test_forest_is_robust_to_outliers_in_y(Forest):
    # Corrupt 5% of the targets; the median leaves of the absolute error keep
    # the clean signal better than the mean leaves of the squared error.
    rng = np.random.RandomState(0)
    X = rng.rand(1500, 3)
    signal = 4 * X[:, 0] + np.sin(6 * X[:, 1])
    y = signal + 0.1 * rng.randn(1500)
    y[rng.rand(1500) < 0.05] += 200.0
    X_test = rng.rand(500, 3)
    truth = 4 * X_test[:, 0] + np.sin(6 * X_test[:, 1])
    errors = {}
    for criterion in ("absolute_error", "squared_error"):
        model = Forest(
            n_estimators=20, criterion=criterion, min_samples_leaf=5, random_state=0
        ).fit(X, y)
        errors[criterion] = np.median(np.abs(model.predict(X_test) - truth))
    assert errors["absolute_error"] < 0.5 * errors["squared_error"]
