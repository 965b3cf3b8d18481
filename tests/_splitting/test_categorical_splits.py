# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Native categorical splits of the histogram splitter against NumPy
references: the best bipartition of a node's categories by brute force, leaf
values in closed form, the routing of missing and unseen values, whole trees
(depth first and best first) against a Python traversal of their bitsets,
thread-count invariance, pickling and the validation of bad states and
arguments."""

import copy
import pickle

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import xlogy

from skml._splitting import (
    Tree,
    bin_features,
    build_tree,
    prune_tree,
    pruning_path,
)

FIELDS = (
    "children_left",
    "children_right",
    "feature",
    "threshold",
    "missing_go_to_left",
    "impurity",
    "n_node_samples",
    "weighted_n_node_samples",
    "value",
)
MISSING = 255  # bin code of a missing value
MARKER_WORD, MARKER_BIT = 7, 31  # bit 255 of a bitset marks a categorical node
# Values that are no category code: they go the way of the missing values.
NON_CODES = (np.nan, -1.0, -0.5, 0.5, 1.5, 255.0, 256.0, 300.0, 1e9, np.inf, -np.inf)

# --------------------------------------------------------------------------
# Helpers


def _bins(X, n_categories):
    """The ``bins`` of ``X`` for build_tree: bin_features' for the numeric
    features (n_categories[f] == 0), the category codes themselves (NaN ->
    255) for the categorical ones, with n_categories[f] bins."""
    codes, thresholds, n_bins = bin_features(X)
    for f, m in enumerate(n_categories):
        if not m:
            continue
        column = X[:, f]
        codes[:, f] = np.where(np.isnan(column), MISSING, np.nan_to_num(column))
        thresholds[f] = np.inf
        thresholds[f, : m - 1] = np.arange(m - 1) + 0.5
        n_bins[f] = m
    return codes, thresholds, n_bins


def _fit(X, y, w, n_categories, criterion="squared_error", *, h=None, l2=0.0, **kw):
    """A tree of build_tree on X, each feature f categorical with
    n_categories[f] categories (0: numeric)."""
    n_categories = np.asarray(n_categories)
    if criterion == "newton":
        kw.update(hessians=h, l2_regularization=l2)
    return build_tree(
        X,
        y,
        w,
        criterion=criterion,
        splitter="hist",
        bins=_bins(X, n_categories),
        categorical=n_categories > 0,
        **kw,
    )


def _one_feature(codes, missing=None):
    """X (float32, one column) of category codes, NaN where ``missing``."""
    X = codes.astype(np.float32).reshape(-1, 1)
    if missing is not None:
        X[missing, 0] = np.nan
    return X


def _targets(criterion, rng, means):
    """(y, h) around ``means`` (one per sample) for ``criterion``."""
    n = len(means)
    if criterion == "poisson":
        return rng.poisson(np.exp(0.5 * means + 1.0)).astype(float), None
    y = means + rng.normal(size=n)
    if criterion == "newton":
        return y, rng.uniform(0.5, 1.5, size=n)
    return y, None


def _split_loss(criterion, y, w, h, l2, left):
    """Loss of the split of the samples into ``left`` and the others (to
    minimise): weighted sum of squares, Poisson deviance, or minus the Newton
    score G_L^2 / (H_L + l2) + G_R^2 / (H_R + l2)."""
    total = 0.0
    for side in (left, ~left):
        ws, ys = w[side], y[side]
        if criterion == "newton":
            G, H = ws @ ys, ws @ h[side]
            total -= G * G / (H + l2)
        elif criterion == "poisson":
            s = ws @ ys
            if s <= 0:
                return np.inf  # a child of zero mean has an infinite loss
            total += np.sum(ws * xlogy(ys, ys * ws.sum() / s))
        else:
            mean = ws @ ys / ws.sum()
            total += ws @ (ys - mean) ** 2
    return total


def _items(X_column):
    """Each sample's item of a partition: its category code, -1 for missing."""
    return np.where(np.isnan(X_column), -1, np.nan_to_num(X_column)).astype(int)


def _all_bipartitions(item, y, w, h=None, l2=0.0, criterion="squared_error"):
    """Loss of every bipartition of the items (categories, and missing as one
    more item): {frozenset of the items of the side without the last item:
    loss}. 2^(k-1) - 1 bipartitions of k items."""
    items = np.unique(item)
    losses = {}
    for mask in range(1, 2 ** (len(items) - 1)):
        side = frozenset(int(items[b]) for b in range(len(items)) if mask >> b & 1)
        left = np.isin(item, list(side))
        losses[side] = _split_loss(criterion, y, w, h, l2, left)
    return losses


def _tree_side(tree, X, item):
    """The root split of ``tree`` as a key of _all_bipartitions: the items on
    the side of the split without the last item (each item wholly on one
    side)."""
    left = tree.apply(X) == tree.children_left[0]
    left_items, right_items = set(item[left]), set(item[~left])
    assert left_items and right_items
    assert left_items.isdisjoint(right_items), "an item on both sides"
    last = int(np.max(item))
    return frozenset(
        int(i) for i in (right_items if last in left_items else left_items)
    )


def _ordered_cuts(item, y, w, h=None, l2=0.0, criterion="squared_error", msl=1):
    """Loss of every candidate of the documented search: the categories
    ordered by mean target (Newton: G / (H + l2)), ties by code, cut after each
    position, missing values on the right then on the left; candidates with a
    child of fewer than ``msl`` samples are left out. {left mask bytes: loss}."""
    cats = np.unique(item[item >= 0])
    keys = []
    for c in cats:
        rows = item == c
        if criterion == "newton":
            keys.append(w[rows] @ y[rows] / (w[rows] @ h[rows] + l2))
        else:
            keys.append(w[rows] @ y[rows] / w[rows].sum())
    order = cats[np.lexsort((cats, keys))]
    has_missing = bool(np.any(item < 0))
    out = {}
    for u in range(1, len(order) + 1):
        base = np.isin(item, order[:u])
        for left in (base, base | (item < 0)) if has_missing else (base,):
            n_left = int(left.sum())
            if n_left < msl or len(item) - n_left < msl:
                continue
            out[left.tobytes()] = _split_loss(criterion, y, w, h, l2, left)
    return out


def _left_set(tree, node):
    """Categories that go left at categorical node ``node`` (marker left
    out)."""
    bits = tree.categorical_bitsets[node]
    return {c for c in range(255) if bits[c >> 5] >> (c & 31) & 1}


def _goes_left(tree, node, x, bitsets, categorical):
    # The documented routing of value x at node: a categorical node sends an
    # integer code in [0, 255) the way of its bit and anything else the way
    # of the missing values; a numeric node compares with its threshold.
    v = float(x[tree.feature[node]])
    if categorical[node]:
        if not (0.0 <= v < 255.0) or v != np.floor(v):
            return bool(tree.missing_go_to_left[node])
        c = int(v)
        return bool(bitsets[node, c >> 5] >> (c & 31) & 1)
    if np.isnan(v):
        return bool(tree.missing_go_to_left[node])
    return v <= tree.threshold[node]


def _python_paths(tree, X):
    """Nodes each row of X visits, root to leaf, by the documented rules."""
    bitsets = tree.categorical_bitsets
    categorical = tree.is_categorical
    left, right = tree.children_left, tree.children_right
    paths = []
    for x in X:
        node, path = 0, [0]
        while left[node] != -1:
            go_left = _goes_left(tree, node, x, bitsets, categorical)
            node = left[node] if go_left else right[node]
            path.append(node)
        paths.append(path)
    return paths


def _assert_same_tree(a, b):
    assert a.node_count == b.node_count
    for name in FIELDS:
        assert_array_equal(getattr(a, name), getattr(b, name), name)
    if a.categorical_bitsets is None:
        assert b.categorical_bitsets is None
    else:
        assert_array_equal(a.categorical_bitsets, b.categorical_bitsets)
    assert_array_equal(a.is_categorical, b.is_categorical)


def _mixed_problem(criterion, rng, n=1500):
    """Two numeric and two categorical features (6 and 12 categories), all with
    missing values, a target depending on all of them, weights with zeros."""
    n_categories = np.array([0, 6, 0, 12])
    X = np.empty((n, 4), dtype=np.float32)
    X[:, 0] = rng.normal(size=n)
    X[:, 2] = rng.uniform(-2, 2, size=n)
    X[:, 1] = rng.randint(6, size=n)
    X[:, 3] = rng.randint(12, size=n)
    effect1, effect3 = rng.normal(size=6) * 2, rng.normal(size=12) * 2
    means = (
        X[:, 0]
        + np.sin(2 * X[:, 2])
        + effect1[X[:, 1].astype(int)]
        + effect3[X[:, 3].astype(int)]
    )
    X[rng.rand(n, 4) < 0.05] = np.nan
    y, h = _targets(criterion, rng, 0.5 * means)
    w = rng.uniform(0.5, 2.0, size=n) * (rng.rand(n) < 0.9)
    return X, y, w, h, n_categories


def _categorical_problem(criterion, rng, m, n_per=30, missing=False):
    """One categorical feature of m categories with random effects (and a
    missing group with its own effect): X, y, w, h."""
    n = n_per * m
    codes = rng.permutation(np.arange(n) % m)
    effects = rng.normal(size=m) * 2
    means = effects[codes]
    nan = None
    if missing:
        nan = rng.rand(n) < 0.15
        means = np.where(nan, rng.normal() * 2, means)
    y, h = _targets(criterion, rng, means)
    w = rng.uniform(0.5, 2.0, size=n)
    return _one_feature(codes, nan), y, w, h


# --------------------------------------------------------------------------
# The root split: best bipartition of the categories


@pytest.mark.parametrize("missing", [False, True])
@pytest.mark.parametrize("m", [2, 5, 9])
@pytest.mark.parametrize(
    "criterion", ["squared_error", "friedman_mse", "poisson", "newton"]
)
def test_categorical_root_split_is_the_best_bipartition(
    criterion, m, missing, global_random_seed
):
    # Fisher (1958): for these losses (Newton without l2), the best cut of the
    # categories ordered by their mean target is the best of all
    # bipartitions. With missing values, they are one more item of the
    # bipartitions (tried on the left and on the right of every cut).
    rng = np.random.RandomState(global_random_seed)
    l2 = 0.0
    X, y, w, h = _categorical_problem(criterion, rng, m, missing=missing)
    tree = _fit(X, y, w, [m], criterion, h=h, l2=l2, max_depth=1)
    assert tree.node_count == 3
    assert_array_equal(tree.is_categorical, [True, False, False])
    assert tree.threshold[0] == np.inf
    item = _items(X[:, 0])
    ref = "squared_error" if criterion == "friedman_mse" else criterion
    losses = _all_bipartitions(item, y, w, h, l2, ref)
    best = min(losses.values())
    side = _tree_side(tree, X, item)
    scale = max(abs(best), 1.0)
    assert_allclose(losses[side], best, rtol=0, atol=1e-9 * scale)
    # The bitset holds the categories of the left child, and only them.
    left_rows = tree.apply(X) == tree.children_left[0]
    coded = item >= 0
    assert _left_set(tree, 0) == set(item[left_rows & coded])
    if missing:
        # The training NaN rows went the way missing_go_to_left says, which is
        # no worse than the other way.
        nan_rows = item < 0
        assert np.all(left_rows[nan_rows] == bool(tree.missing_go_to_left[0]))
        flipped = left_rows ^ nan_rows
        if 0 < flipped.sum() < len(flipped):  # else the NaN rows were a side
            flipped_loss = _split_loss(ref, y, w, h, l2, flipped)
            assert losses[side] <= flipped_loss + 1e-9 * scale


@pytest.mark.parametrize("m", [2, 5, 9])
@pytest.mark.parametrize("missing", [False, True])
def test_categorical_newton_l2_split_is_the_best_cut_of_the_key_order(
    m, missing, global_random_seed
):
    # With l2 > 0 the categories are ordered by G / (H + l2): the split is the
    # best cut of that order, missing values on either side. (Not always the
    # best of all bipartitions, as build_tree documents.)
    rng = np.random.RandomState(global_random_seed)
    X, g, w, h = _categorical_problem("newton", rng, m, n_per=8, missing=missing)
    l2 = 3.0
    tree = _fit(X, g, w, [m], "newton", h=h, l2=l2, max_depth=1)
    item = _items(X[:, 0])
    cuts = _ordered_cuts(item, g, w, h, l2, "newton")
    best = min(cuts.values())
    parent = -((w @ g) ** 2) / (w @ h + l2)
    if best >= parent - 1e-9 * abs(parent):
        # With l2 > 0 a split can lower the score: no gain, no split.
        assert tree.node_count == 1
        return
    assert tree.node_count == 3
    left = tree.apply(X) == tree.children_left[0]
    mine = _split_loss("newton", g, w, h, l2, left)
    assert_allclose(mine, best, rtol=0, atol=1e-9 * abs(best))
    # Its gain is that of build_tree's impurities: S_L + S_R - S_parent.
    nodes = tree.children_left[0], tree.children_right[0]
    assert_allclose(-tree.impurity[nodes[0]] - tree.impurity[nodes[1]], -mine)


@pytest.mark.parametrize("criterion", ["squared_error", "newton"])
def test_categorical_split_respects_min_samples_leaf(criterion, global_random_seed):
    # Unbalanced categories: the best admissible cut of the order, each child
    # of at least min_samples_leaf samples.
    rng = np.random.RandomState(global_random_seed)
    m = 6
    sizes = np.array([3, 40, 5, 25, 2, 30])
    codes = rng.permutation(np.repeat(np.arange(m), sizes))
    y, h = _targets(criterion, rng, (rng.normal(size=m) * 3)[codes])
    w = rng.uniform(0.5, 2.0, size=len(codes))
    X = _one_feature(codes)
    msl = 20
    tree = _fit(X, y, w, [m], criterion, h=h, min_samples_leaf=msl, max_depth=1)
    assert tree.node_count == 3
    left = tree.apply(X) == tree.children_left[0]
    assert min(left.sum(), (~left).sum()) >= msl
    cuts = _ordered_cuts(_items(X[:, 0]), y, w, h, 0.0, criterion, msl=msl)
    best = min(cuts.values())
    mine = _split_loss(criterion, y, w, h, 0.0, left)
    assert_allclose(mine, best, rtol=0, atol=1e-9 * abs(best))


# --------------------------------------------------------------------------
# Leaf values and what categories buy


@pytest.mark.parametrize("criterion", ["squared_error", "poisson", "newton"])
def test_categorical_leaf_values_are_the_child_means(criterion, global_random_seed):
    rng = np.random.RandomState(global_random_seed)
    X, y, w, h = _categorical_problem(criterion, rng, 7, missing=True)
    l2 = 0.5 if criterion == "newton" else 0.0
    tree = _fit(X, y, w, [7], criterion, h=h, l2=l2, max_depth=1)
    assert tree.node_count == 3
    leaves = tree.apply(X)
    expected = np.empty(len(y))
    for leaf in (tree.children_left[0], tree.children_right[0]):
        rows = leaves == leaf
        if criterion == "newton":
            expected[rows] = -(w[rows] @ y[rows]) / (w[rows] @ h[rows] + l2)
        else:
            expected[rows] = w[rows] @ y[rows] / w[rows].sum()
        assert tree.n_node_samples[leaf] == rows.sum()
        assert_allclose(tree.weighted_n_node_samples[leaf], w[rows].sum())
    assert_allclose(tree.predict(X)[:, 0, 0], expected, rtol=1e-12)


def test_categorical_split_fits_a_non_contiguous_set_that_ordinal_cannot(
    global_random_seed,
):
    # y depends only on whether the code is in {0, 3, 5}: one categorical split
    # fits it exactly; thresholds on the codes need four (seven leaves).
    rng = np.random.RandomState(global_random_seed)
    m = 7
    codes = rng.permutation(np.arange(350) % m)
    member = np.isin(codes, [0, 3, 5])
    y = np.where(member, 2.0, -1.0)
    w = rng.uniform(0.5, 2.0, size=len(y))
    X = _one_feature(codes)
    tree = _fit(X, y, w, [m], max_depth=1)
    assert_allclose(tree.predict(X)[:, 0, 0], y)
    assert _left_set(tree, 0) in ({0, 3, 5}, {1, 2, 4, 6})
    for depth in (1, 2):
        ordinal = _fit(X, y, w, [0], max_depth=depth)
        assert ordinal.categorical_bitsets is None
        residual = y - ordinal.predict(X)[:, 0, 0]
        assert w @ residual**2 > 1.0


def test_categorical_predictions_do_not_depend_on_the_labels(global_random_seed):
    # Relabelling the categories (a permutation of the codes) gives the same
    # tree up to the labels: the same training predictions.
    rng = np.random.RandomState(global_random_seed)
    m = 10
    X, y, w, _ = _categorical_problem("squared_error", rng, m, missing=True)
    perm = rng.permutation(m)
    X2 = X.copy()
    coded = ~np.isnan(X[:, 0])
    X2[coded, 0] = perm[X[coded, 0].astype(int)]
    a = _fit(X, y, w, [m], max_depth=3)
    b = _fit(X2, y, w, [m], max_depth=3)
    assert a.node_count == b.node_count
    assert_allclose(b.predict(X2), a.predict(X), rtol=1e-12)
    for node in np.flatnonzero(a.is_categorical):
        assert {int(perm[c]) for c in _left_set(a, node)} == _left_set(b, node)


def test_categorical_split_of_all_255_codes(global_random_seed):
    # Codes 0..254 use every bit below the marker: the odd codes (lower
    # target) go left, the even ones right, and 255.0 (no code, whose bit would
    # be the marker) goes the way of the missing values: right, to the larger
    # child (128 even codes against 127 odd).
    rng = np.random.RandomState(global_random_seed)
    codes = rng.permutation(np.arange(255 * 4) % 255)
    y = 1.0 - codes % 2 + 0.01 * rng.normal(size=len(codes))
    X = _one_feature(codes)
    tree = _fit(X, y, np.ones(len(y)), [255], max_depth=1)
    assert _left_set(tree, 0) == set(range(1, 255, 2))
    assert tree.missing_go_to_left[0] == 0
    right = tree.children_right[0]
    assert_array_equal(tree.apply(_one_feature(np.array([254, 255, 256]))), right)
    assert_array_equal(tree.apply(_one_feature(np.array([253]))), tree.children_left[0])


def test_categorical_feature_with_one_category_and_missing_values():
    # One category and missing values: the only split sends the category left.
    codes = np.full(40, 2)
    missing = np.arange(40) % 4 == 0
    y = np.where(missing, 5.0, 1.0)
    X = _one_feature(codes, missing)
    tree = _fit(X, y, np.ones(40), [3], max_depth=1)
    assert tree.node_count == 3
    assert _left_set(tree, 0) == {2}
    assert tree.missing_go_to_left[0] == 0
    assert_allclose(tree.predict(X)[:, 0, 0], y)
    # Without missing values the feature is constant: no split.
    tree = _fit(_one_feature(codes), y, np.ones(40), [3], max_depth=1)
    assert tree.node_count == 1
    assert tree.categorical_bitsets is None


# --------------------------------------------------------------------------
# Missing and unseen values at predict time


def test_categorical_nan_goes_to_the_larger_child_without_missing_at_fit(
    global_random_seed,
):
    rng = np.random.RandomState(global_random_seed)
    m = 6
    sizes = rng.randint(5, 60, size=m)
    codes = rng.permutation(np.repeat(np.arange(m), sizes))
    y = (rng.normal(size=m) * 3)[codes] + rng.normal(size=len(codes))
    X = _one_feature(codes)
    tree = _fit(X, y, np.ones(len(y)), [m], max_depth=1)
    left, right = tree.children_left[0], tree.children_right[0]
    n_left, n_right = tree.n_node_samples[left], tree.n_node_samples[right]
    if n_left != n_right:
        bigger = left if n_left > n_right else right
        assert tree.missing_go_to_left[0] == (bigger == left)
        assert_array_equal(tree.apply(_one_feature(np.array([np.nan]))), [bigger])


@pytest.mark.parametrize("nan_target", [-3.0, 3.0])
def test_categorical_non_codes_go_with_the_missing_values(
    nan_target, global_random_seed
):
    # Two groups of categories, of targets -3 (the left side: the low keys)
    # and 3; NaN rows at fit with the target of one group join it. NaN and
    # every value that is no code of [0, 255) then go that way at predict time.
    rng = np.random.RandomState(global_random_seed)
    m = 5
    codes = rng.permutation(np.arange(200) % m)
    missing = rng.rand(200) < 0.2
    effects = rng.permutation([-3.0, -3.0, 3.0, 3.0, 3.0])
    y = np.where(missing, nan_target, effects[codes]) + 0.1 * rng.normal(size=200)
    X = _one_feature(codes, missing)
    tree = _fit(X, y, np.ones(200), [m], max_depth=1)
    assert bool(tree.missing_go_to_left[0]) == (nan_target < 0)
    nan_leaf = tree.children_left[0] if nan_target < 0 else tree.children_right[0]
    assert_array_equal(tree.apply(X)[missing], nan_leaf)
    weird = np.array(NON_CODES, dtype=np.float32).reshape(-1, 1)
    assert_array_equal(tree.apply(weird), nan_leaf)
    path = tree.decision_path(weird).toarray()
    assert_array_equal(path[:, nan_leaf], 1)
    # The categories seen at fit go the way of their bits.
    seen = np.arange(m, dtype=np.float32).reshape(-1, 1)
    left = np.isin(np.arange(m), list(_left_set(tree, 0)))
    expected = np.where(left, tree.children_left[0], tree.children_right[0])
    assert_array_equal(tree.apply(seen), expected)


def test_categorical_codes_unseen_at_fit_go_right():
    # 4 of the 7 codes (0..6) are seen, 0 and 3 (low target, many samples) go
    # left, and so does NaN (no missing values at fit: the larger child). A
    # code whose bit is clear goes right, seen at fit or not (the boosting
    # estimators map unseen categories to NaN before the trees see them).
    codes = np.repeat([0, 3, 5, 6], [60, 60, 10, 10])
    y = np.where(np.isin(codes, [0, 3]), 0.0, 1.0)
    X = _one_feature(codes)
    tree = _fit(X, y, np.ones(len(y)), [7], max_depth=1)
    assert _left_set(tree, 0) == {0, 3}
    assert tree.missing_go_to_left[0] == 1
    unseen = _one_feature(np.array([1, 2, 4, 7, 100, 254]))
    assert_array_equal(tree.apply(unseen), tree.children_right[0])


# --------------------------------------------------------------------------
# Whole trees


@pytest.mark.parametrize("criterion", ["squared_error", "poisson", "newton"])
@pytest.mark.parametrize("max_leaf_nodes", [None, 15])
def test_categorical_tree_routing_leaves_and_sample_leaf(
    criterion, max_leaf_nodes, global_random_seed
):
    rng = np.random.RandomState(global_random_seed)
    X, y, w, h, n_categories = _mixed_problem(criterion, rng)
    n = len(y)
    sample_leaf = np.full(n, -1, dtype=np.intp)
    l2 = 1.0 if criterion == "newton" else 0.0
    tree = _fit(
        X,
        y,
        w,
        n_categories,
        criterion,
        h=h,
        l2=l2,
        max_depth=6 if max_leaf_nodes is None else None,
        max_leaf_nodes=max_leaf_nodes,
        min_samples_leaf=5,
        sample_leaf=sample_leaf,
        seed=global_random_seed,
    )
    assert tree.node_count >= 15
    is_split = tree.children_left != -1
    categorical = tree.is_categorical
    bitsets = tree.categorical_bitsets
    assert categorical.any() and (is_split & ~categorical).any()
    # Categorical nodes split categorical features, the others numeric ones;
    # only categorical nodes have bits (and the marker), with threshold +inf.
    assert np.all(n_categories[tree.feature[categorical]] > 0)
    assert np.all(n_categories[tree.feature[is_split & ~categorical]] == 0)
    assert not np.any(categorical & ~is_split)
    assert_array_equal(bitsets[~categorical], 0)
    assert_array_equal(bitsets[:, MARKER_WORD] >> MARKER_BIT, categorical)
    assert np.all(tree.threshold[categorical] == np.inf)

    leaves = tree.apply(X)
    used = w != 0
    assert_array_equal(sample_leaf[used], leaves[used])
    assert_array_equal(sample_leaf[~used], -1)
    # Node counts and weights are those of the training rows routed by X.
    path = tree.decision_path(X).toarray().astype(bool)
    assert_array_equal(tree.n_node_samples, path[used].sum(axis=0))
    assert_allclose(tree.weighted_n_node_samples, w @ path)
    for node in np.flatnonzero(categorical):
        # The left set is among the node's categories (codes < n_categories).
        here = path[:, node] & used & ~np.isnan(X[:, tree.feature[node]])
        present = set(X[here, tree.feature[node]].astype(int))
        assert _left_set(tree, node) <= present
        assert max(_left_set(tree, node)) < n_categories[tree.feature[node]]
    # Leaf values are the closed forms of the leaves' training rows.
    for leaf in np.flatnonzero(~is_split):
        rows = (leaves == leaf) & used
        if criterion == "newton":
            expected = -(w[rows] @ y[rows]) / (w[rows] @ h[rows] + l2)
        else:
            expected = w[rows] @ y[rows] / w[rows].sum()
        assert_allclose(tree.value[leaf, 0, 0], expected, rtol=1e-10)

    # The documented routing, on the training rows and on rows of any codes,
    # missing and unseen values included.
    X_test = np.concatenate([X, X[:300]])
    X_test[n:, 1] = rng.choice(np.r_[np.arange(6), NON_CODES], size=300)
    X_test[n:, 3] = rng.choice(np.r_[np.arange(12), NON_CODES], size=300)
    X_test = X_test.astype(np.float32)
    paths = _python_paths(tree, X_test)
    assert_array_equal(tree.apply(X_test), [p[-1] for p in paths])
    dp = tree.decision_path(X_test)
    for i in range(0, len(X_test), 7):
        assert_array_equal(np.sort(dp[i].indices), paths[i])


@pytest.mark.parametrize("criterion", ["squared_error", "newton"])
def test_categorical_tree_sparse_input_and_gb_predict(criterion, global_random_seed):
    # Sparse rows (category 0 stored or not) are routed as the dense ones; the
    # boosting kernel adds the leaf values of categorical trees as predict.
    from skml.ensemble._gb_kernels import predict_raw

    rng = np.random.RandomState(global_random_seed)
    X, y, w, h, n_categories = _mixed_problem(criterion, rng, n=800)
    tree = _fit(X, y, w, n_categories, criterion, h=h, max_depth=5)
    assert tree.is_categorical.any()
    X = np.ascontiguousarray(X)
    assert_array_equal(
        tree.apply(sp.csr_matrix(np.nan_to_num(X))), tree.apply(np.nan_to_num(X))
    )
    if criterion == "newton":
        out = np.zeros((1, len(X)))
        predict_raw([tree, tree], 1, X, out)
        assert_allclose(out[0], 2 * tree.predict(X)[:, 0, 0], rtol=1e-12)


def test_categorical_tree_sparse_fit_is_the_dense_tree(global_random_seed):
    rng = np.random.RandomState(global_random_seed)
    X, y, w, _, n_categories = _mixed_problem("squared_error", rng, n=800)
    X = np.nan_to_num(X)  # zeros stored or not: the same codes
    dense = _fit(X, y, w, n_categories, max_depth=5)
    sparse = build_tree(
        sp.csc_matrix(X),
        y,
        w,
        criterion="squared_error",
        splitter="hist",
        bins=_bins(X, n_categories),
        categorical=n_categories > 0,
        max_depth=5,
    )
    _assert_same_tree(sparse, dense)


@pytest.mark.parametrize("criterion", ["squared_error", "newton"])
@pytest.mark.parametrize("max_leaf_nodes", [None, 10])
def test_categorical_tree_is_the_same_for_any_thread_count(
    monkeypatch, criterion, max_leaf_nodes, global_random_seed
):
    # Every fill, scan and partition pass parallel (the root's partition is
    # cut in several chunks: more than 8192 samples).
    import skml._splitting._hist as hist

    monkeypatch.setattr(hist, "PARALLEL_MIN_WORK", 0)
    rng = np.random.RandomState(global_random_seed)
    n, n_features = 9000, 8
    n_categories = np.array([0, 5, 0, 17, 3, 40, 0, 9])
    X = rng.normal(size=(n, n_features)).astype(np.float32)
    means = X[:, 0].astype(float)
    for f in np.flatnonzero(n_categories):
        X[:, f] = rng.randint(n_categories[f], size=n)
        means += rng.normal(size=n_categories[f])[X[:, f].astype(int)]
    X[rng.rand(n, n_features) < 0.05] = np.nan
    y, h = _targets(criterion, rng, means)
    w = rng.uniform(0.2, 2.0, size=n) * (rng.rand(n) < 0.9)
    kwargs = dict(
        h=h,
        l2=0.5,
        max_depth=4 if max_leaf_nodes is None else None,
        max_leaf_nodes=max_leaf_nodes,
        max_features=5,
        min_samples_leaf=3,
        seed=global_random_seed,
    )
    trees = [
        _fit(X, y, w, n_categories, criterion, n_threads=t, **kwargs) for t in (1, 2)
    ]
    assert trees[0].is_categorical.sum() >= 3
    for tree in trees[1:]:
        _assert_same_tree(tree, trees[0])


# --------------------------------------------------------------------------
# Numeric trees are unchanged


@pytest.mark.parametrize("criterion", ["squared_error", "gini", "newton"])
@pytest.mark.parametrize("splitter", ["hist", "best"])
def test_all_false_mask_is_no_categorical_feature(
    criterion, splitter, global_random_seed
):
    # An all-False mask is no mask: the same tree bit for bit (the exact
    # splitter of small nodes kept), any criterion and splitter, no bitsets.
    rng = np.random.RandomState(global_random_seed)
    n = 1200
    X = rng.normal(size=(n, 3)).astype(np.float32)
    X[rng.rand(n, 3) < 0.05] = np.nan
    y = np.nan_to_num(X[:, 0]) + rng.normal(size=n)
    w = rng.uniform(0.5, 2.0, size=n)
    kwargs = dict(criterion=criterion, splitter=splitter, max_depth=8)
    if criterion == "gini":
        y = (y > 0).astype(float)
        kwargs["n_classes"] = np.array([2])
    elif criterion == "newton":
        kwargs["hessians"] = rng.uniform(0.5, 1.5, size=n)
    if splitter == "hist":
        kwargs["bins"] = bin_features(X)
    trees = [
        build_tree(X, y, w, **kwargs),
        build_tree(X, y, w, categorical=None, **kwargs),
        build_tree(X, y, w, categorical=np.zeros(3, dtype=bool), **kwargs),
        build_tree(X, y, w, categorical=[False] * 3, **kwargs),
    ]
    assert trees[0].node_count > 31
    for tree in trees:
        assert tree.categorical_bitsets is None
        assert_array_equal(tree.is_categorical, np.zeros(tree.node_count, bool))
        assert "categorical_bitsets" not in tree.__getstate__()
        _assert_same_tree(tree, trees[0])


def test_categorical_mask_as_list_is_the_array_mask(global_random_seed):
    rng = np.random.RandomState(global_random_seed)
    X, y, w, _, n_categories = _mixed_problem("squared_error", rng, n=600)
    a = _fit(X, y, w, n_categories, max_depth=4)
    b = build_tree(
        X,
        y,
        w,
        criterion="squared_error",
        splitter="hist",
        bins=_bins(X, n_categories),
        categorical=[bool(m) for m in n_categories],
        max_depth=4,
    )
    _assert_same_tree(a, b)


# --------------------------------------------------------------------------
# Pickling, pruning and bad states


def _categorical_tree(seed):
    # A tree with categorical and numeric splits.
    rng = np.random.RandomState(seed)
    X, y, w, _, n_categories = _mixed_problem("squared_error", rng, n=600)
    tree = _fit(X, y, w, n_categories, max_depth=4)
    assert tree.is_categorical.any()
    assert ((tree.children_left != -1) & ~tree.is_categorical).any()
    return tree, np.ascontiguousarray(X)


def test_categorical_tree_pickle_and_deepcopy(global_random_seed):
    tree, X = _categorical_tree(global_random_seed)
    state = tree.__getstate__()
    assert_array_equal(state["categorical_bitsets"], tree.categorical_bitsets)
    X_odd = np.array([NON_CODES] * 4, dtype=np.float32).T.copy()
    for restored in (pickle.loads(pickle.dumps(tree)), copy.deepcopy(tree)):
        assert isinstance(restored, Tree)
        _assert_same_tree(restored, tree)
        assert_array_equal(restored.apply(X), tree.apply(X))
        assert_array_equal(restored.apply(X_odd), tree.apply(X_odd))
    # Bitsets of any integer dtype that holds them restore the same tree.
    for dtype in (np.int64, np.uint64):
        restored = Tree()
        restored.__setstate__(
            dict(state, categorical_bitsets=state["categorical_bitsets"].astype(dtype))
        )
        _assert_same_tree(restored, tree)


def test_numeric_tree_state_has_no_bitsets(global_random_seed):
    rng = np.random.RandomState(global_random_seed)
    X = rng.normal(size=(300, 2)).astype(np.float32)
    y = X[:, 0] + rng.normal(size=300)
    tree = build_tree(X, y, np.ones(300), criterion="squared_error", splitter="hist")
    assert "categorical_bitsets" not in tree.__getstate__()
    restored = pickle.loads(pickle.dumps(tree))
    assert restored.categorical_bitsets is None
    _assert_same_tree(restored, tree)


def test_prune_tree_keeps_the_categorical_splits(global_random_seed):
    rng = np.random.RandomState(global_random_seed)
    X, y, w, _, n_categories = _mixed_problem("squared_error", rng, n=600)
    tree = _fit(X, y, w, n_categories, max_depth=5)
    X = np.ascontiguousarray(X)
    _assert_same_tree(prune_tree(tree, 0.0), tree)
    # Each subtree of the pruning path keeps the splits of the nodes it keeps:
    # its node counts are those of the training rows it routes, and a node
    # keeps its bitset.
    kept = {
        (tree.n_node_samples[i], tree.impurity[i]): tree.categorical_bitsets[i]
        for i in range(tree.node_count)
    }
    used = w != 0
    alphas = pruning_path(tree).ccp_alphas
    for alpha in alphas[:: max(1, len(alphas) // 6)]:
        pruned = prune_tree(tree, alpha)
        path = pruned.decision_path(X).toarray().astype(bool)
        assert_array_equal(pruned.n_node_samples, path[used].sum(axis=0))
        paths = _python_paths(pruned, X)
        assert_array_equal(pruned.apply(X), [p[-1] for p in paths])
        if pruned.categorical_bitsets is None:
            assert not pruned.is_categorical.any()
            continue
        for i in range(pruned.node_count):
            if pruned.children_left[i] == -1:
                assert_array_equal(pruned.categorical_bitsets[i], 0)
            else:
                key = (pruned.n_node_samples[i], pruned.impurity[i])
                assert_array_equal(pruned.categorical_bitsets[i], kept[key])
    root_only = prune_tree(tree, np.inf)
    assert root_only.node_count == 1
    assert root_only.categorical_bitsets is None


def _corrupt_marked_leaf(bitsets, tree):
    leaf = np.flatnonzero(tree.children_left == -1)[0]
    bitsets[leaf, MARKER_WORD] |= np.uint32(1 << MARKER_BIT)
    return bitsets


def _corrupt_numeric_bits(bitsets, tree, node_kind):
    is_split = tree.children_left != -1
    pool = ~is_split if node_kind == "leaf" else is_split & ~tree.is_categorical
    bitsets[np.flatnonzero(pool)[0], 0] |= np.uint32(1)
    return bitsets


def _too_big(bitsets):
    bitsets = bitsets.astype(np.int64)
    bitsets[0, 0] = 2**32
    return bitsets


def _negative(bitsets):
    bitsets = bitsets.astype(np.int64)
    bitsets[-1, 0] = -1
    return bitsets


class _Forged:
    # Pickles as ``tree`` with ``state`` as its state.
    def __init__(self, tree, state):
        self.args = tree.__reduce__()[1]
        self.state = state

    def __reduce__(self):
        return Tree, self.args, self.state


BAD_BITSETS = {
    "short": (lambda b, t: b[:-1], "integer ndarray of shape"),
    "wide": (lambda b, t: np.hstack([b, b[:, :1]]), "integer ndarray of shape"),
    "float": (lambda b, t: b.astype(np.float64), "integer ndarray"),
    "bool": (lambda b, t: b.astype(bool), "integer ndarray"),
    "list": (lambda b, t: b.tolist(), "integer ndarray"),
    "too big": (lambda b, t: _too_big(b), "32-bit words"),
    "negative": (lambda b, t: _negative(b), "32-bit words"),
    "no marker": (lambda b, t: np.zeros_like(b), "mark no categorical node"),
    "marked leaf": (_corrupt_marked_leaf, "mark a leaf"),
    "bits on a leaf": (
        lambda b, t: _corrupt_numeric_bits(b, t, "leaf"),
        "numeric node has categorical bits",
    ),
    "bits on a numeric split": (
        lambda b, t: _corrupt_numeric_bits(b, t, "split"),
        "numeric node has categorical bits",
    ),
}


@pytest.mark.parametrize("case", list(BAD_BITSETS))
def test_tree_setstate_rejects_bad_categorical_bitsets(case, global_random_seed):
    tree, _ = _categorical_tree(global_random_seed)
    state = tree.__getstate__()
    corrupt, message = BAD_BITSETS[case]
    state["categorical_bitsets"] = corrupt(state["categorical_bitsets"].copy(), tree)
    with pytest.raises(ValueError, match=message):
        Tree().__setstate__(state)
    # Through pickle too.
    forged = pickle.dumps(_Forged(tree, state))
    with pytest.raises(ValueError, match=message):
        pickle.loads(forged)


# --------------------------------------------------------------------------
# Argument errors


def _small(n_outputs=1):
    rng = np.random.RandomState(0)
    n = 60
    X = np.stack([rng.randint(4, size=n), rng.normal(size=n)], axis=1)
    X = X.astype(np.float32)
    y = rng.randint(2, size=(n, n_outputs)).astype(float)
    return X, y, np.ones(n), _bins(X, [4, 0])


@pytest.mark.parametrize("criterion", ["gini", "entropy", "log_loss", "absolute_error"])
def test_categorical_rejects_criteria_without_a_category_order(criterion):
    X, y, w, bins = _small()
    kwargs = dict(n_classes=np.array([2])) if criterion != "absolute_error" else {}
    with pytest.raises(ValueError, match="categorical splits need one of the criteria"):
        build_tree(
            X,
            y,
            w,
            criterion=criterion,
            splitter="hist",
            bins=bins,
            categorical=np.array([True, False]),
            **kwargs,
        )


@pytest.mark.parametrize("criterion", ["squared_error", "poisson", "newton"])
def test_categorical_rejects_several_outputs(criterion):
    X, y, w, bins = _small(n_outputs=2)
    kwargs = dict(hessians=np.ones_like(y)) if criterion == "newton" else {}
    with pytest.raises(ValueError, match="with 2 outputs"):
        build_tree(
            X,
            y + 1.0,
            w,
            criterion=criterion,
            splitter="hist",
            bins=bins,
            categorical=np.array([True, False]),
            **kwargs,
        )


@pytest.mark.parametrize(
    "splitter, with_bins", [("best", True), ("random", True), ("hist", False)]
)
def test_categorical_needs_the_hist_splitter_and_bins(splitter, with_bins):
    X, y, w, bins = _small()
    with pytest.raises(ValueError, match="splitter='hist' and their category codes"):
        build_tree(
            X,
            y,
            w,
            criterion="squared_error",
            splitter=splitter,
            bins=bins if with_bins else None,
            categorical=np.array([True, False]),
        )


@pytest.mark.parametrize(
    "mask",
    [
        np.array([True]),
        np.array([True, False, False]),
        np.array([[True, False]]),
        np.array([1, 0]),
        np.array([1.0, 0.0]),
        np.array([0, 0]),
        "ab",
    ],
)
def test_categorical_rejects_a_bad_mask(mask):
    X, y, w, bins = _small()
    with pytest.raises(ValueError, match=r"boolean mask of shape \(2,\)"):
        build_tree(
            X,
            y,
            w,
            criterion="squared_error",
            splitter="hist",
            bins=bins,
            categorical=mask,
        )


def test_categorical_feature_cannot_have_a_monotonic_constraint():
    X, y, w, bins = _small()
    kwargs = dict(
        criterion="newton",
        hessians=np.ones(len(y)),
        splitter="hist",
        bins=bins,
        categorical=np.array([True, False]),
    )
    for cst in ([1, 0], [-1, 1]):
        with pytest.raises(ValueError, match="categorical feature cannot have a "):
            build_tree(X, y, w, monotonic_cst=cst, **kwargs)
    # A constraint on a numeric feature is allowed beside a categorical one.
    tree = build_tree(X, y, w, monotonic_cst=[0, 1], max_depth=3, **kwargs)
    assert tree.node_count >= 1
