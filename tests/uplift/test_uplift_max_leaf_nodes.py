# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Uplift trees and forests grown best first (``max_leaf_nodes``): the leaf
bound, the depth-first partition when the bound does not bind, the best-first
order against a brute-force expansion of the unconstrained tree, forests, and
bad values."""

import pickle

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skml.datasets import make_uplift_classification, make_uplift_regression
from skml.uplift import (
    UpliftRandomForestClassifier,
    UpliftRandomForestRegressor,
    UpliftTreeClassifier,
    UpliftTreeRegressor,
)

CLASSIFIER_CRITERIA = ["KL", "ED", "Chi", "CTS", "DDP"]
# (estimator class, criterion): both families.
TREES = [(UpliftTreeClassifier, c) for c in CLASSIFIER_CRITERIA] + [
    (UpliftTreeRegressor, "squared_effect")
]
_LEAF = -1


def _data(est_class, seed, n_samples=1500, n_treatments=1):
    """(X, y, treatment, sample_weight). The weights are continuous so that no
    two candidate splits of a node have exactly the same gain, as they often
    do with unit weights and a binary outcome (the same group counts): between
    tied splits the splitter's random feature order decides, and the two
    builders visit the nodes, hence draw the orders, in different sequences."""
    if est_class in (UpliftTreeClassifier, UpliftRandomForestClassifier):
        X, y, t, _ = make_uplift_classification(
            n_samples=n_samples, n_treatments=n_treatments, random_state=seed
        )
    else:
        X, y, t, _ = make_uplift_regression(
            n_samples=n_samples, n_treatments=n_treatments, random_state=seed
        )
    w = np.random.RandomState(seed).uniform(0.5, 2.0, size=n_samples)
    return X, y, t, w


def _tree(est_class, criterion, seed, **params):
    params = {
        "criterion": criterion,
        "max_depth": 4,
        "min_samples_leaf": 40,
        "n_reg": 10,
        "random_state": seed,
        **params,
    }
    return est_class(**params)


# ---------------------------------------------------------------- brute force


def _kl(p, q):
    if q == 0:
        return 0.0
    q = min(max(q, 1e-6), 1 - 1e-6)
    if p == 0:
        return -np.log(1 - q)
    if p == 1:
        return -np.log(q)
    return p * np.log(p / q) + (1 - p) * np.log((1 - p) / (1 - q))


def _h(p, q):
    return -p * np.log(q) if q > 0 else 0.0


def _norm(n, n_right):
    # Rzepakowski-Jaroszewicz normalisation (causalml's form), control at 0.
    n_c, n_c_r = n[0], n_right[0]
    n_t, n_t_r = n[1:].sum(), n_right[1:].sum()
    tot = n_t + n_c
    pc_a = n_c_r / (n_c + 0.1)
    out = 0.9 * _h(n_t / tot, n_c / tot) * _kl(n_t_r / (n_t + 0.1), pc_a)
    for g in range(1, len(n)):
        p_g = n_right[g] / (n[g] + 0.1)
        out += 0.1 * _h(n[g] / (n[g] + n_c), n_c / (n[g] + n_c)) * _kl(p_g, pc_a)
        out += n[g] / tot * _h(p_g, p_g)
    return out + n_c / tot * _h(pc_a, pc_a) + 0.5


def _split_gains(est, criterion):
    """The gain of every split of a fitted tree (-inf at a leaf), from its arrays.

    As the user guide defines it: the node's gain, for KL, ED, Chi and CTS
    ``(w_L / w) D(L) + (w_R / w) D(R) - D(node)``, with ``D = -impurity`` (as
    ``uplift_feature_importances`` reads it), divided by the normalisation for
    KL, ED and Chi; for DDP and the regressor, from the children's regularised
    group means in ``value``; times the node's share ``w / w_root`` of the
    weight.
    """
    tree = est.tree_
    n_groups = est.treatment_groups_.shape[0] + 1
    left, right = tree.children_left, tree.children_right
    w, imp = tree.weighted_n_node_samples, tree.impurity
    means = tree.value[:, 0, n_groups : 2 * n_groups]
    weights = tree.value[:, 0, 2 * n_groups :]
    gains = np.full(tree.node_count, -np.inf)
    for node in np.flatnonzero(left != _LEAF):
        lo, ro = left[node], right[node]
        pl = w[lo] / w[node]
        if criterion in ("DDP", "squared_effect"):
            d = (means[lo, 1:] - means[lo, 0]) - (means[ro, 1:] - means[ro, 0])
            gain = abs(d.sum()) if criterion == "DDP" else pl * (1 - pl) * d @ d
        else:
            gain = imp[node] - pl * imp[lo] - (1 - pl) * imp[ro]
            if criterion != "CTS" and getattr(est, "normalization", False):
                gain /= _norm(weights[node], weights[ro])
        gains[node] = gain * w[node] / w[0]
    return gains


def _best_first_frontier(est, criterion, max_leaf_nodes):
    """Leaves of the unconstrained tree ``est`` expanded best first: from the
    root, split the leaf of largest gain until there are ``max_leaf_nodes``."""
    tree = est.tree_
    gains = _split_gains(est, criterion)
    frontier = [0]
    while len(frontier) < max_leaf_nodes:
        node = max(frontier, key=lambda k: gains[k])
        if gains[node] == -np.inf:
            break
        frontier.remove(node)
        frontier += [tree.children_left[node], tree.children_right[node]]
    return np.array(frontier)


def _truncated_outcomes(est, X, frontier):
    # Group means of each row's node among ``frontier`` (nodes hold their
    # group means whether or not they are split).
    n_groups = est.treatment_groups_.shape[0] + 1
    paths = est.tree_.decision_path(np.asarray(X, dtype=np.float32)).toarray()
    node = frontier[np.argmax(paths[:, frontier], axis=1)]
    assert (paths[:, frontier].sum(axis=1) == 1).all()
    return est.tree_.value[node, 0, :n_groups]


# ---------------------------------------------------------------- trees


@pytest.mark.parametrize("splitter", ["best", "hist"])
@pytest.mark.parametrize("est_class, criterion", TREES)
def test_tree_has_at_most_max_leaf_nodes_leaves(
    est_class, criterion, splitter, global_random_seed
):
    X, y, t, w = _data(est_class, global_random_seed)
    params = dict(splitter=splitter, max_depth=None, min_samples_leaf=30)
    full = _tree(est_class, criterion, global_random_seed, **params)
    n_full = full.fit(X, y, treatment=t, sample_weight=w).get_n_leaves()
    for max_leaf_nodes in (2, 3, 5, 8):
        est = _tree(
            est_class,
            criterion,
            global_random_seed,
            max_leaf_nodes=max_leaf_nodes,
            **params,
        ).fit(X, y, treatment=t, sample_weight=w)
        n_leaves = est.get_n_leaves()
        assert n_leaves <= max_leaf_nodes
        assert n_leaves == min(max_leaf_nodes, n_full)
        assert n_leaves == np.unique(est.apply(X)).shape[0]


@pytest.mark.parametrize("honesty", [False, True])
@pytest.mark.parametrize("splitter", ["best", "hist"])
@pytest.mark.parametrize("est_class, criterion", TREES)
def test_large_max_leaf_nodes_grows_the_depth_first_tree(
    est_class, criterion, splitter, honesty, global_random_seed
):
    X, y, t, w = _data(est_class, global_random_seed)
    params = dict(splitter=splitter, honesty=honesty, max_features=None)
    full = _tree(est_class, criterion, global_random_seed, **params)
    full.fit(X, y, treatment=t, sample_weight=w)
    for max_leaf_nodes in (full.get_n_leaves(), 10_000):
        est = _tree(
            est_class,
            criterion,
            global_random_seed,
            max_leaf_nodes=max_leaf_nodes,
            **params,
        ).fit(X, y, treatment=t, sample_weight=w)
        assert est.get_n_leaves() == full.get_n_leaves()
        assert est.get_depth() == full.get_depth()
        # The same partition of the rows (the trees number their nodes in
        # different orders) ...
        pairs = np.unique(np.c_[est.apply(X), full.apply(X)], axis=0)
        assert pairs.shape[0] == np.unique(full.apply(X)).shape[0]
        # ... hence the same predictions, to rounding: the builders leave a
        # node's samples in different orders (after the features' random visit
        # order), in which its weighted sums may round differently.
        assert_allclose(est.predict(X), full.predict(X), rtol=1e-12, atol=1e-13)
        assert_allclose(
            est.predict_outcomes(X), full.predict_outcomes(X), rtol=1e-12, atol=1e-13
        )


@pytest.mark.parametrize("splitter", ["best", "hist"])
@pytest.mark.parametrize("est_class, criterion", TREES)
def test_best_first_order_matches_brute_force(
    est_class, criterion, splitter, global_random_seed
):
    X, y, t, w = _data(est_class, global_random_seed, n_treatments=2)
    params = dict(splitter=splitter, max_features=None)
    full = _tree(est_class, criterion, global_random_seed, **params)
    full.fit(X, y, treatment=t, sample_weight=w)
    tree = full.tree_
    gains = _split_gains(full, criterion)
    if tree.children_left[0] == _LEAF:
        pytest.skip("the unconstrained tree has no split")

    # Two leaves: the root split of the unconstrained tree.
    two = _tree(est_class, criterion, global_random_seed, max_leaf_nodes=2, **params)
    two = two.fit(X, y, treatment=t, sample_weight=w).tree_
    assert two.node_count == 3
    assert two.feature[0] == tree.feature[0]
    assert two.threshold[0] == tree.threshold[0]

    # Three leaves: the root's child of the larger gain is split, as it is in
    # the unconstrained tree.
    three = _tree(est_class, criterion, global_random_seed, max_leaf_nodes=3, **params)
    three = three.fit(X, y, treatment=t, sample_weight=w)
    children = [tree.children_left[0], tree.children_right[0]]
    child_gains = gains[children]
    if child_gains.max() > -np.inf:
        assert not np.isclose(*child_gains, rtol=1e-9, atol=0)
        side = int(np.argmax(child_gains))  # 0: left, 1: right
        ours = three.tree_
        ours_children = [ours.children_left[0], ours.children_right[0]]
        split = ours_children[side]
        assert ours.children_left[ours_children[1 - side]] == _LEAF
        assert ours.children_left[split] != _LEAF
        assert ours.feature[split] == tree.feature[children[side]]
        assert ours.threshold[split] == tree.threshold[children[side]]

    # Any number of leaves: the partition of the brute-force expansion.
    for max_leaf_nodes in (2, 3, 4, 6, 9):
        frontier = _best_first_frontier(full, criterion, max_leaf_nodes)
        est = _tree(
            est_class,
            criterion,
            global_random_seed,
            max_leaf_nodes=max_leaf_nodes,
            **params,
        ).fit(X, y, treatment=t, sample_weight=w)
        assert est.get_n_leaves() == frontier.shape[0]
        assert_allclose(
            est.predict_outcomes(X),
            _truncated_outcomes(full, X, frontier),
            rtol=1e-12,
            atol=1e-12,
        )


# ---------------------------------------------------------------- forests


@pytest.mark.parametrize("splitter", ["best", "hist"])
@pytest.mark.parametrize(
    "forest_class", [UpliftRandomForestClassifier, UpliftRandomForestRegressor]
)
def test_forest_trees_have_at_most_max_leaf_nodes_leaves(
    forest_class, splitter, global_random_seed
):
    X, y, t, w = _data(forest_class, global_random_seed, n_samples=1200)
    params = dict(
        n_estimators=5,
        max_depth=None,
        min_samples_leaf=20,
        splitter=splitter,
        random_state=global_random_seed,
    )
    for max_leaf_nodes in (2, 4, 7):
        forest = forest_class(max_leaf_nodes=max_leaf_nodes, n_jobs=1, **params)
        forest.fit(X, y, treatment=t, sample_weight=w)
        for tree in forest.estimators_:
            assert tree.max_leaf_nodes == max_leaf_nodes
            assert 1 <= tree.get_n_leaves() <= max_leaf_nodes
        two = forest_class(max_leaf_nodes=max_leaf_nodes, n_jobs=2, **params)
        two.fit(X, y, treatment=t, sample_weight=w)
        assert_array_equal(forest.predict(X), two.predict(X))
    # The bound binds: the unconstrained trees are larger.
    full = forest_class(n_jobs=1, **params).fit(X, y, treatment=t, sample_weight=w)
    assert max(tree.get_n_leaves() for tree in full.estimators_) > 7


def test_forest_with_max_leaf_nodes_pickles_and_is_honest(global_random_seed):
    X, y, t, w = _data(UpliftRandomForestClassifier, global_random_seed, n_samples=1200)
    forest = UpliftRandomForestClassifier(
        n_estimators=4,
        max_leaf_nodes=4,
        min_samples_leaf=20,
        honesty=True,
        random_state=global_random_seed,
    ).fit(X, y, treatment=t, sample_weight=w)
    assert all(tree.get_n_leaves() <= 4 for tree in forest.estimators_)
    restored = pickle.loads(pickle.dumps(forest))
    assert restored.max_leaf_nodes == 4
    assert_array_equal(restored.predict(X), forest.predict(X))


# ---------------------------------------------------------------- bad values


@pytest.mark.parametrize(
    "est_class",
    [
        UpliftTreeClassifier,
        UpliftTreeRegressor,
        UpliftRandomForestClassifier,
        UpliftRandomForestRegressor,
    ],
)
@pytest.mark.parametrize("max_leaf_nodes", [1, 0, -1, 2.5, "a"])
def test_invalid_max_leaf_nodes_raises(est_class, max_leaf_nodes):
    X, y, t, w = _data(est_class, 0, n_samples=200)
    est = est_class(max_leaf_nodes=max_leaf_nodes)
    with pytest.raises(ValueError, match="'max_leaf_nodes' parameter") as error:
        est.fit(X, y, treatment=t, sample_weight=w)
    # scikit-learn's parameter validation (its private InvalidParameterError).
    assert type(error.value).__name__ == "InvalidParameterError"
