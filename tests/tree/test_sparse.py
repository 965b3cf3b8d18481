# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Sparse X in trees and forests: the same model as on the dense matrix."""

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal

from skml._splitting import build_tree
from skml.ensemble import (
    ExtraTreesClassifier,
    ExtraTreesRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from skml.ensemble._bootstrap import _row_hashes
from skml.tree import DecisionTreeClassifier, DecisionTreeRegressor


def _sparse_data(rng, n=600, n_features=25, density=0.1, nan=0.05):
    X = sp.random(n, n_features, density=density, random_state=rng, format="csc")
    X.data = rng.randn(X.nnz)
    X.data[rng.rand(X.nnz) < nan] = np.nan
    X.data[rng.rand(X.nnz) < 0.05] = 0.0  # explicit zeros
    return X.astype(np.float32)


def _assert_same_tree(a, b):
    assert a.node_count == b.node_count
    assert_array_equal(a.feature, b.feature)
    assert_array_equal(a.threshold, b.threshold)
    assert_array_equal(a.missing_go_to_left, b.missing_go_to_left)
    assert_array_equal(a.n_node_samples, b.n_node_samples)
    assert_allclose(a.value, b.value)
    assert_allclose(a.impurity, b.impurity)


# The first density makes the splitter scan the columns' entries, the last
# (in deep, small nodes) binary-search them.
@pytest.mark.parametrize("density", [0.02, 0.2, 0.8])
@pytest.mark.parametrize(
    "splitter, criterion",
    [
        (splitter, criterion)
        for splitter in ("best", "random", "hist")
        for criterion in ("gini", "entropy", "squared_error", "poisson")
    ]
    + [("best", "absolute_error"), ("random", "absolute_error")],
)
@pytest.mark.parametrize("max_leaf_nodes", [None, 20])
def test_sparse_grows_the_dense_tree(
    density, splitter, criterion, max_leaf_nodes, global_random_seed
):
    rng = np.random.RandomState(global_random_seed)
    X = _sparse_data(rng, density=density)
    dense = X.toarray()
    signal = np.nan_to_num(dense[:, 0]) - np.nan_to_num(dense[:, 1])
    if criterion in ("gini", "entropy"):
        y, n_classes = (signal > 0).astype(float)[:, None], [2]
    else:
        y, n_classes = (np.abs(signal) + rng.rand(len(signal)))[:, None], None
    w = rng.randint(0, 3, len(y)).astype(float)
    params = dict(
        criterion=criterion,
        splitter=splitter,
        n_classes=n_classes,
        max_features=8,
        max_leaf_nodes=max_leaf_nodes,
        min_samples_leaf=2,
        seed=global_random_seed,
    )
    _assert_same_tree(build_tree(dense, y, w, **params), build_tree(X, y, w, **params))


@pytest.mark.filterwarnings("ignore:Some inputs do not have OOB scores")
@pytest.mark.parametrize("fmt", ["csr", "csc", "coo"])
@pytest.mark.parametrize(
    "Estimator",
    [
        DecisionTreeClassifier,
        RandomForestClassifier,
        ExtraTreesClassifier,
    ],
)
def test_classifiers_on_sparse_match_dense(fmt, Estimator, global_random_seed):
    rng = np.random.RandomState(global_random_seed)
    X = _sparse_data(rng, nan=0.0)
    dense = X.toarray()
    y = (dense[:, 0] + dense[:, 1] - dense[:, 2] > 0).astype(int)
    params = dict(random_state=global_random_seed)
    if Estimator is not DecisionTreeClassifier:
        params.update(n_estimators=6, oob_score=Estimator is RandomForestClassifier)
    a = Estimator(**params).fit(dense, y)
    b = Estimator(**params).fit(X.asformat(fmt), y)
    X_test = X[:100].asformat(fmt)
    assert_allclose(b.predict_proba(X_test), a.predict_proba(dense[:100]))
    assert_array_equal(b.apply(X_test), a.apply(dense[:100]))
    assert_allclose(b.feature_importances_, a.feature_importances_)
    paths_a, paths_b = a.decision_path(dense[:100]), b.decision_path(X_test)
    if isinstance(paths_a, tuple):
        assert_array_equal(paths_a[1], paths_b[1])
        paths_a, paths_b = paths_a[0], paths_b[0]
    assert (paths_a != paths_b).nnz == 0
    if getattr(a, "oob_score", False):
        assert b.oob_score_ == a.oob_score_


@pytest.mark.parametrize(
    "Estimator", [DecisionTreeRegressor, RandomForestRegressor, ExtraTreesRegressor]
)
def test_regressors_on_sparse_match_dense(Estimator, global_random_seed):
    rng = np.random.RandomState(global_random_seed)
    X = _sparse_data(rng, nan=0.0).tocsr()
    dense = X.toarray()
    y = dense[:, 0] * 3 + dense[:, 1] + 0.1 * rng.randn(len(dense))
    params = dict(random_state=global_random_seed)
    if Estimator is not DecisionTreeRegressor:
        params.update(n_estimators=6)
    a = Estimator(**params).fit(dense, y)
    b = Estimator(**params).fit(X, y)
    assert_allclose(b.predict(X), a.predict(dense))


def test_tree_predicts_sparse_rows_in_blocks(monkeypatch):
    # Blocks of a few rows give the outputs of one dense pass.
    from skml._splitting import _tree

    rng = np.random.RandomState(0)
    X = _sparse_data(rng).tocsr()
    y = (np.nan_to_num(X.toarray()[:, 0]) > 0).astype(int)
    tree = DecisionTreeClassifier(random_state=0).fit(X, y)
    dense = X.toarray()
    expected = tree.apply(dense), tree.decision_path(dense)
    blocks = []
    original = _tree.dense_row_blocks

    def small_blocks(X, block_bytes=_tree.DENSE_BLOCK_BYTES):
        for block in original(X, block_bytes=7 * 4 * X.shape[1]):
            blocks.append(len(block))
            yield block

    monkeypatch.setattr(_tree, "dense_row_blocks", small_blocks)
    assert_array_equal(tree.apply(X), expected[0])
    assert (tree.decision_path(X) != expected[1]).nnz == 0
    assert blocks[:2] == [7, 7] and sum(blocks) == 2 * X.shape[0]


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_forest_predicts_sparse_rows_like_dense(n_jobs):
    # The CSR traversal: NaN and explicit zeros stored, empty rows, unsorted
    # indices, int64 index arrays.
    rng = np.random.RandomState(0)
    X = _sparse_data(rng, nan=0.1).tocsr()
    dense = X.toarray()
    y = (np.nan_to_num(dense[:, 0]) + np.nan_to_num(dense[:, 1]) > 0).astype(int)
    forest = RandomForestClassifier(n_estimators=10, random_state=0, n_jobs=n_jobs)
    forest.fit(X, y)
    X_test = X[:200].copy()
    X_test[::10] = 0.0  # empty rows
    X_test.eliminate_zeros()
    X_test.data[::7] = 0.0  # explicit zeros
    expected = forest.predict_proba(X_test.toarray())
    assert_allclose(forest.predict_proba(X_test), expected)
    shuffled = X_test.copy()
    for i in range(shuffled.shape[0]):  # unsorted column indices within rows
        start, stop = shuffled.indptr[i], shuffled.indptr[i + 1]
        order = rng.permutation(stop - start) + start
        shuffled.indices[start:stop] = shuffled.indices[order]
        shuffled.data[start:stop] = shuffled.data[order]
    shuffled.has_sorted_indices = False
    assert_allclose(forest.predict_proba(shuffled), expected)
    wide = sp.csr_matrix(
        (X_test.data, X_test.indices.astype(np.int64), X_test.indptr.astype(np.int64)),
        shape=X_test.shape,
    )
    assert_allclose(forest.predict_proba(wide), expected)


def test_row_hashes_of_sparse_and_dense_agree(global_random_seed):
    rng = np.random.RandomState(global_random_seed)
    X = _sparse_data(rng)
    dense = X.toarray()
    hashes = _row_hashes(dense)
    assert_array_equal(_row_hashes(X), hashes)
    # A hash depends on the row's contents only.
    perm = rng.permutation(len(dense))
    assert_array_equal(_row_hashes(dense[perm]), hashes[perm])
    distinct_rows = len(np.unique(np.nan_to_num(dense, nan=7.5), axis=0))
    assert len(np.unique(hashes)) == distinct_rows


def test_sparse_with_too_many_entries_is_rejected():
    X = sp.random(10, 3, density=0.5, format="csr", random_state=0)
    X.indices = X.indices.astype(np.int64)
    X.indptr = X.indptr.astype(np.int64)
    with pytest.raises(ValueError, match="int64"):
        DecisionTreeClassifier().fit(X, np.arange(10) % 2)


def test_forest_adds_up_duplicate_sparse_entries():
    # CSR may store one cell twice; the value is the sum, as for toarray().
    rng = np.random.RandomState(0)
    X = rng.rand(300, 4)
    y = (X[:, 0] > 0.5).astype(int)
    forest = RandomForestClassifier(n_estimators=5, random_state=0).fit(X, y)
    cols = np.zeros(100, dtype=int)
    values = np.tile([0.3, 0.4], 50)
    duplicated = sp.csr_matrix(
        (values, cols, np.arange(0, 101, 2)), shape=(50, 4)
    )  # two entries per row in column 0, not summed by construction
    assert not duplicated.has_canonical_format
    assert_allclose(
        forest.predict_proba(duplicated), forest.predict_proba(duplicated.toarray())
    )
