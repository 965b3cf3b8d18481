# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""The histogram splitter grows the same tree, bit for bit, on any number of
threads: each bin's sums are accumulated over a node's samples in the same
order, and the split kept is the first in draw order of the best ones."""

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_array_equal

from skml._splitting import build_tree

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


def _problem(criterion, rng, n=3000, n_features=11):
    X = rng.normal(size=(n, n_features)).astype(np.float32)
    X[rng.rand(n, n_features) < 0.05] = np.nan
    # Non-integer targets and weights: sums round, so a different order of
    # accumulation would show in the impurities and values.
    w = rng.uniform(0.2, 2.0, size=n) * (rng.rand(n) < 0.9)
    kwargs = dict(criterion=criterion)
    if criterion == "gini":
        y = (X[:, :2].sum(axis=1) + rng.normal(size=n) > 0).astype(float)
        y += rng.rand(n) < 0.2  # three classes
        kwargs["n_classes"] = np.array([3])
    elif criterion == "squared_error":
        y = np.nan_to_num(X[:, 0]) * 2 + rng.normal(size=n)
    else:
        y = rng.normal(size=(n, 2)) + np.nan_to_num(X[:, :2])  # gradients
        kwargs.update(hessians=rng.uniform(0.1, 1.0, size=(n, 2)))
        kwargs.update(l2_regularization=0.5, min_child_weight=1.0)
    return X, y, w, kwargs


@pytest.mark.parametrize("criterion", ["gini", "squared_error", "newton"])
@pytest.mark.parametrize("sparse", [False, True])
@pytest.mark.parametrize("max_leaf_nodes", [None, 12])
@pytest.mark.parametrize("hist_exact_below", [0, 256])
@pytest.mark.parametrize("every_pass_parallel", [False, True])
def test_hist_tree_is_the_same_for_any_thread_count(
    monkeypatch,
    criterion,
    sparse,
    max_leaf_nodes,
    hist_exact_below,
    every_pass_parallel,
    global_random_seed,
):
    # By default only the passes of large nodes run in parallel (the root's
    # fill, here); with every_pass_parallel, every node's fill, scan and
    # subtraction does.
    import skml._splitting._hist as hist

    if every_pass_parallel:
        monkeypatch.setattr(hist, "PARALLEL_MIN_WORK", 0)
    rng = np.random.RandomState(global_random_seed)
    X, y, w, kwargs = _problem(criterion, rng)
    if sparse:
        X = sp.csc_matrix(np.where(rng.rand(*X.shape) < 0.5, 0.0, np.nan_to_num(X)))
    kwargs.update(
        splitter="hist",
        max_leaf_nodes=max_leaf_nodes,
        max_depth=6 if max_leaf_nodes is None else None,
        max_features=5,  # drawn features, some found constant deeper down
        min_samples_leaf=3,
        hist_exact_below=hist_exact_below,
        seed=global_random_seed,
    )
    trees = [build_tree(X, y, w, n_threads=t, **kwargs) for t in (1, 2, 3)]
    assert trees[0].node_count >= 15
    for tree in trees[1:]:
        assert tree.node_count == trees[0].node_count
        for name in FIELDS:
            assert_array_equal(getattr(tree, name), getattr(trees[0], name), name)


@pytest.mark.parametrize("n_threads", [0, -1, 1.5])
def test_build_tree_rejects_bad_n_threads(n_threads):
    X = np.zeros((4, 1), np.float32)
    with pytest.raises(ValueError, match="n_threads"):
        build_tree(
            X, np.zeros(4), np.ones(4), criterion="squared_error", n_threads=n_threads
        )
