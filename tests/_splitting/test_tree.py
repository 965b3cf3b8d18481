# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Tests for the fitted Tree of the split-finding core."""

import copy
import pickle

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skml._splitting import Tree, build_tree, prune_tree, pruning_path

FIELDS = [
    "children_left",
    "children_right",
    "feature",
    "threshold",
    "impurity",
    "n_node_samples",
    "weighted_n_node_samples",
    "missing_go_to_left",
    "value",
]


def _tree(seed, n_outputs=1):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(200, 4)).astype(np.float32)
    X[rng.rand(200, 4) < 0.05] = np.nan
    y = rng.randint(3, size=(200, n_outputs)).astype(float)
    tree = build_tree(
        X, y, np.ones(200), criterion="gini", n_classes=[3] * n_outputs, seed=seed
    )
    return tree, X, y


def _python_apply(tree, X):
    left, right = tree.children_left, tree.children_right
    feature, threshold = tree.feature, tree.threshold
    missing_left = tree.missing_go_to_left
    leaves = []
    for x in X:
        node = 0
        while left[node] != -1:
            v = x[feature[node]]
            if np.isnan(v):
                node = left[node] if missing_left[node] else right[node]
            else:
                node = left[node] if v <= threshold[node] else right[node]
        leaves.append(node)
    return np.array(leaves)


def test_tree_apply_matches_python_traversal(global_random_seed):
    tree, X, _ = _tree(global_random_seed)
    X = np.ascontiguousarray(X)
    assert_array_equal(tree.apply(X), _python_apply(tree, X))


def test_tree_fully_grown_leaves_are_pure(global_random_seed):
    # Fully grown on distinct points (NaN routed consistently): every training
    # sample reaches a leaf holding only its own class.
    tree, X, y = _tree(global_random_seed)
    proba = tree.predict(np.ascontiguousarray(X))
    assert proba.shape == (200, 1, 3)
    assert_allclose(proba[np.arange(200), 0, y[:, 0].astype(int)], 1.0)
    leaves = tree.children_left == -1
    assert_allclose(tree.impurity[leaves], 0.0, atol=1e-12)


def test_tree_decision_path(global_random_seed):
    tree, X, _ = _tree(global_random_seed)
    X = np.ascontiguousarray(X)
    path = tree.decision_path(X).toarray()
    leaves = tree.apply(X)
    assert_array_equal(path[np.arange(len(X)), leaves], 1)
    assert_array_equal(path[:, 0], 1)
    # The number of nodes visited is the depth of the leaf plus one.
    depth = np.zeros(tree.node_count, dtype=int)
    for node in range(tree.node_count):
        for child in (tree.children_left[node], tree.children_right[node]):
            if child != -1:
                depth[child] = depth[node] + 1
    assert_array_equal(path.sum(axis=1), depth[leaves] + 1)
    assert tree.max_depth == depth.max()


@pytest.mark.parametrize("n_outputs", [1, 2])
def test_tree_pickle_and_deepcopy(n_outputs, global_random_seed):
    tree, X, _ = _tree(global_random_seed, n_outputs)
    for restored in (pickle.loads(pickle.dumps(tree)), copy.deepcopy(tree)):
        assert isinstance(restored, Tree)
        assert restored.node_count == tree.node_count
        assert restored.max_depth == tree.max_depth
        assert restored.n_outputs == tree.n_outputs
        assert_array_equal(restored.n_classes, tree.n_classes)
        for name in FIELDS:
            assert_array_equal(getattr(restored, name), getattr(tree, name))
        Xc = np.ascontiguousarray(X)
        assert_array_equal(restored.predict(Xc), tree.predict(Xc))


def test_tree_setstate_rejects_bad_shapes(global_random_seed):
    tree, _, _ = _tree(global_random_seed)
    state = tree.__getstate__()
    state["feature"] = state["feature"][:-1]
    with pytest.raises(ValueError, match="feature"):
        Tree().__setstate__(state)


def test_tree_feature_importances(global_random_seed):
    tree, _, _ = _tree(global_random_seed)
    imp = tree.compute_feature_importances(normalize=False)
    expected = np.zeros(4)
    w, im = tree.weighted_n_node_samples, tree.impurity
    for node in range(tree.node_count):
        left, right = tree.children_left[node], tree.children_right[node]
        if left != -1:
            expected[tree.feature[node]] += (
                w[node] * im[node] - w[left] * im[left] - w[right] * im[right]
            )
    assert_allclose(imp, expected / w[0])
    assert_allclose(tree.compute_feature_importances().sum(), 1.0)


def test_pruning_path_is_increasing_and_prunes_to_the_root(global_random_seed):
    tree, X, _ = _tree(global_random_seed)
    path = pruning_path(tree)
    assert path.ccp_alphas[0] == 0.0
    assert np.all(np.diff(path.ccp_alphas) >= 0)
    assert np.all(np.diff(path.impurities) >= -1e-12)
    root = prune_tree(tree, path.ccp_alphas[-1])
    assert root.node_count == 1
    assert_allclose(path.impurities[-1], tree.impurity[0])
    unpruned = prune_tree(tree, 0.0)
    assert unpruned.node_count == tree.node_count
    Xc = np.ascontiguousarray(X)
    assert_array_equal(unpruned.predict(Xc), tree.predict(Xc))
