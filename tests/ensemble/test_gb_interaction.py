# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Interaction constraints of GradientBoosting*: the features of every
root-to-leaf path of every fitted tree checked, by brute force, to lie in one
allowed group (and the unconstrained model checked to break that), an additive
model for "no_interactions", held-out scores against scikit-learn's
HistGradientBoosting* with the same constraints, None and one group of every
feature equal to no constraint bit for bit, and bad input."""

import itertools

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
)
from sklearn.metrics import log_loss, r2_score
from threadpoolctl import threadpool_limits

from skml._splitting import build_tree
from skml.ensemble import GradientBoostingClassifier, GradientBoostingRegressor
from skml.ensemble._gb_interactions import _resolve_interaction_cst

NO_ES = dict(early_stopping=False, n_threads=1)


@pytest.fixture(autouse=True)
def _one_openmp_thread():
    with threadpool_limits(limits=1, user_api="openmp"):
        yield


def _interacting_data(seed, n=800, n_features=5, classification=False):
    # Strong interactions between every pair of the first four features, that
    # an unconstrained model uses.
    rng = np.random.RandomState(seed)
    X = rng.uniform(-1, 1, size=(n, n_features))
    f = (
        X[:, 0] * X[:, 1]
        + 2 * X[:, 1] * X[:, 2]
        + np.sin(3 * X[:, 0] * X[:, 3])
        + X[:, 2] * X[:, 3]
        + 0.5 * X[:, 4]
    )
    noise = rng.normal(scale=0.2, size=n)
    if classification:
        return X, (f + noise > 0).astype(int)
    return X, f + noise


def _path_feature_sets(tree):
    # The set of features split on along every root-to-leaf path of a Tree.
    left, right, feature = tree.children_left, tree.children_right, tree.feature
    paths = []
    stack = [(0, frozenset())]
    while stack:
        node, used = stack.pop()
        if left[node] < 0:
            paths.append(used)
            continue
        used = used | {int(feature[node])}
        stack.append((left[node], used))
        stack.append((right[node], used))
    return paths


def _violations(model, groups):
    # Paths (of every tree) whose features lie in no group.
    groups = [frozenset(g) for g in groups]
    bad = 0
    for trees in model._predictors:
        for tree in trees:
            for used in _path_feature_sets(tree):
                bad += not any(used <= g for g in groups)
    return bad


def _n_paths(model):
    return sum(
        len(_path_feature_sets(tree)) for trees in model._predictors for tree in trees
    )


@pytest.mark.parametrize(
    "params",
    [
        dict(),
        dict(max_leaf_nodes=None, max_depth=5),  # depth-first growth
        dict(colsample_bytree=0.8, colsample_bynode=0.6, subsample=0.8),
        dict(n_threads=2),
    ],
)
@pytest.mark.parametrize(
    "interaction_cst", [[{0, 1}, {1, 2}, [2, 3, 4]], "pairwise", [(0,), (1, 2, 3)]]
)
@pytest.mark.parametrize("kind", ["regressor", "classifier"])
def test_gb_interaction_cst_paths_in_one_group(
    global_random_seed, kind, interaction_cst, params
):
    classification = kind == "classifier"
    X, y = _interacting_data(global_random_seed, classification=classification)
    make = GradientBoostingClassifier if classification else GradientBoostingRegressor
    common = dict(n_estimators=15, random_state=global_random_seed, **NO_ES)
    common.update(params)
    groups = _resolve_interaction_cst(interaction_cst, X.shape[1])
    # Brute-force reference of the groups (features in no group: one more).
    if interaction_cst == "pairwise":
        expected = [set(p) for p in itertools.combinations(range(5), 2)]
    else:
        expected = [set(g) for g in interaction_cst]
        rest = set(range(5)) - set().union(*expected)
        expected += [rest] if rest else []
    assert sorted(map(sorted, expected)) == sorted(map(list, groups))

    constrained = make(interaction_cst=interaction_cst, **common).fit(X, y)
    assert _n_paths(constrained) > 15
    assert _violations(constrained, expected) == 0
    free = make(**common).fit(X, y)
    assert _violations(free, expected) > 0


def _multiclass_data(seed, n=900):
    X, f = _interacting_data(seed, n=n)
    return X, np.digitize(f, np.quantile(f, [1 / 3, 2 / 3]))


def test_gb_interaction_cst_multiclass(global_random_seed):
    X, y = _multiclass_data(global_random_seed)
    common = dict(n_estimators=10, random_state=global_random_seed, **NO_ES)
    groups = [{0, 1}, {2, 3}, {4}]
    model = GradientBoostingClassifier(interaction_cst=groups, **common).fit(X, y)
    assert model.n_trees_per_iteration_ == 3
    assert _violations(model, groups) == 0
    free = GradientBoostingClassifier(**common).fit(X, y)
    assert _violations(free, groups) > 0


@pytest.mark.parametrize("max_leaf_nodes", [31, None])
def test_gb_interaction_cst_no_interactions_is_additive(
    global_random_seed, max_leaf_nodes
):
    # An additive model: f(a, b) - f(a', b) does not depend on b, for any
    # pair of features, whatever the other features.
    X, y = _interacting_data(global_random_seed)
    common = dict(
        n_estimators=30,
        max_leaf_nodes=max_leaf_nodes,
        max_depth=None if max_leaf_nodes else 4,
        random_state=global_random_seed,
        **NO_ES,
    )
    model = GradientBoostingRegressor(interaction_cst="no_interactions", **common)
    model.fit(X, y)
    free = GradientBoostingRegressor(**common).fit(X, y)
    rng = np.random.RandomState(global_random_seed)
    grid = np.linspace(-1, 1, 9)
    deviation = {"constrained": 0.0, "free": 0.0}
    for a, b in [(0, 1), (1, 2), (0, 3), (2, 3)]:
        base = rng.uniform(-1, 1, size=(1, 5))
        points = np.repeat(base, len(grid) ** 2, axis=0)
        points[:, a] = np.repeat(grid, len(grid))
        points[:, b] = np.tile(grid, len(grid))
        for name, m in (("constrained", model), ("free", free)):
            f = m.predict(points).reshape(len(grid), len(grid))
            # Differences along a, one column per value of b.
            step = f - f[:1, :]
            deviation[name] = max(
                deviation[name], np.ptp(step - step[:, :1], axis=None)
            )
    assert deviation["constrained"] < 1e-10
    assert deviation["free"] > 0.1


@pytest.mark.parametrize("kind", ["regressor", "classifier"])
@pytest.mark.parametrize("interaction_cst", [None, [list(range(5))]])
@pytest.mark.parametrize("params", [dict(), dict(max_leaf_nodes=None, max_depth=4)])
def test_gb_interaction_cst_unconstrained_bitwise(
    global_random_seed, kind, interaction_cst, params
):
    # None, and one group of every feature (the masked path, all allowed),
    # give the trees of no constraint bit for bit.
    classification = kind == "classifier"
    X, y = _interacting_data(global_random_seed, classification=classification)
    make = GradientBoostingClassifier if classification else GradientBoostingRegressor
    common = dict(
        n_estimators=15,
        random_state=global_random_seed,
        colsample_bynode=0.6,
        colsample_bytree=0.8,
        **NO_ES,
        **params,
    )
    free = make(**common).fit(X, y)
    other = make(interaction_cst=interaction_cst, **common).fit(X, y)
    for trees_a, trees_b in zip(free._predictors, other._predictors, strict=True):
        for a, b in zip(trees_a, trees_b, strict=True):
            assert_array_equal(a.feature, b.feature)
            assert_array_equal(a.threshold, b.threshold)
            assert_array_equal(a.value, b.value)
    method = "decision_function" if classification else "predict"
    assert_array_equal(getattr(free, method)(X), getattr(other, method)(X))


@pytest.mark.parametrize("max_leaf_nodes", [31, None])
def test_gb_interaction_cst_same_trees_for_any_thread_count(max_leaf_nodes):
    X, y = _interacting_data(0, n=3000, n_features=8)
    common = dict(
        n_estimators=10,
        max_leaf_nodes=max_leaf_nodes,
        max_depth=None if max_leaf_nodes else 6,
        interaction_cst="pairwise",
        colsample_bynode=0.5,
        random_state=0,
        early_stopping=False,
    )
    one = GradientBoostingRegressor(n_threads=1, **common).fit(X, y)
    with threadpool_limits(limits=2, user_api="openmp"):
        two = GradientBoostingRegressor(n_threads=2, **common).fit(X, y)
    assert_array_equal(one.predict(X), two.predict(X))


def test_gb_interaction_cst_with_monotonic_cst(global_random_seed):
    X, y = _interacting_data(global_random_seed)
    y = y + 3 * X[:, 4]
    groups = [{0, 1}, {2, 3, 4}]
    model = GradientBoostingRegressor(
        interaction_cst=groups,
        monotonic_cst=[0, 0, 0, 0, 1],
        n_estimators=30,
        random_state=global_random_seed,
        **NO_ES,
    ).fit(X, y)
    assert _violations(model, groups) == 0
    rows = np.repeat(X[:30], 40, axis=0)
    rows[:, 4] = np.tile(np.linspace(-1.5, 1.5, 40), 30)
    steps = np.diff(model.predict(rows).reshape(30, 40), axis=1)
    assert np.all(steps >= 0)


def _score_data(seed, n, classification=False):
    # Additive in (x0, x1) and (x2, x3) blocks, plus a free x4.
    rng = np.random.RandomState(seed)
    X = rng.uniform(-1, 1, size=(n, 5))
    f = 2 * X[:, 0] * X[:, 1] + np.sin(3 * X[:, 2]) * X[:, 3] + X[:, 4] ** 2
    noise = rng.normal(scale=0.3, size=n)
    if classification:
        return X, (f + noise > 0).astype(int)
    return X, f + noise


@pytest.mark.parametrize("interaction_cst", [[{0, 1}, {2, 3}], "no_interactions"])
@pytest.mark.parametrize("kind", ["regressor", "classifier"])
def test_gb_interaction_cst_score_close_to_hgb(
    global_random_seed, kind, interaction_cst
):
    classification = kind == "classifier"
    X, y = _score_data(global_random_seed, 3000, classification)
    X_test, y_test = _score_data(global_random_seed + 1000, 2000, classification)
    common = dict(min_samples_leaf=20, max_leaf_nodes=31, learning_rate=0.1)
    cst = dict(interaction_cst=interaction_cst)
    if classification:
        ours = GradientBoostingClassifier(
            n_estimators=100, random_state=0, **cst, **common, **NO_ES
        ).fit(X, y)
        ref = HistGradientBoostingClassifier(
            max_iter=100, early_stopping=False, random_state=0, **cst, **common
        ).fit(X, y)
        ours_loss = log_loss(y_test, ours.predict_proba(X_test))
        ref_loss = log_loss(y_test, ref.predict_proba(X_test))
        assert ours_loss <= ref_loss + 0.01
    else:
        ours = GradientBoostingRegressor(
            n_estimators=100, random_state=0, **cst, **common, **NO_ES
        ).fit(X, y)
        ref = HistGradientBoostingRegressor(
            max_iter=100, early_stopping=False, random_state=0, **cst, **common
        ).fit(X, y)
        ours_r2 = r2_score(y_test, ours.predict(X_test))
        ref_r2 = r2_score(y_test, ref.predict(X_test))
        assert ours_r2 >= ref_r2 - 0.01


@pytest.mark.parametrize("splitter", ["best", "random", "hist"])
@pytest.mark.parametrize("max_leaf_nodes", [None, 12])
def test_build_tree_interaction_cst_paths(splitter, max_leaf_nodes):
    # The core on its own, exact and histogram splitters (and the exact
    # splitter below hist_exact_below), with a decision-tree criterion.
    X, y = _interacting_data(0, n=600)
    X = np.asfortranarray(X, dtype=np.float32)
    groups = [(0, 1), (1, 2), (3,), (4,)]
    for exact_below in (0, 200):
        extra = {"hist_exact_below": exact_below} if splitter == "hist" else {}
        tree = build_tree(
            X,
            y,
            np.ones(len(y)),
            criterion="squared_error",
            splitter=splitter,
            max_depth=6,
            max_leaf_nodes=max_leaf_nodes,
            interaction_cst=groups,
            **extra,
        )
        paths = _path_feature_sets(tree)
        assert len(paths) > 4
        assert all(any(p <= set(g) for g in groups) for p in paths)


def test_gb_interaction_cst_bad_input():
    X, y = _interacting_data(0, n=200)
    reg = GradientBoostingRegressor
    with pytest.raises(ValueError, match="interaction_cst"):
        reg(interaction_cst="all_pairs").fit(X, y)
    with pytest.raises(ValueError, match="interaction_cst"):
        reg(interaction_cst=np.array([[0, 1]])).fit(X, y)
    with pytest.raises(ValueError, match="must be a sequence of tuples or lists"):
        reg(interaction_cst=[0, 1]).fit(X, y)
    message = r"integer indices in \[0, n_features - 1\] = \[0, 4\]"
    for bad in ([{0, 5}], [{-1, 2}], [(0, 1.5)], [("a", 1)]):
        with pytest.raises(ValueError, match=message):
            reg(interaction_cst=bad, n_estimators=2).fit(X, y)
    # The same inputs that scikit-learn's HistGradientBoosting refuses.
    for bad in ("all_pairs", [0, 1], [{0, 5}], [(0, 1.5)]):
        with pytest.raises(ValueError):
            HistGradientBoostingRegressor(interaction_cst=bad, max_iter=2).fit(X, y)


@pytest.mark.parametrize(
    "interaction_cst, expected",
    [
        (None, None),
        ([{0, 1}], [(0, 1), (2, 3, 4)]),
        ([{0, 1}, {0, 1, 2, 3, 4}], [(0, 1), (0, 1, 2, 3, 4)]),
        ("no_interactions", [(0,), (1,), (2,), (3,), (4,)]),
        ([[1], (np.int64(3), 0)], [(1,), (0, 3), (2, 4)]),
    ],
)
def test_gb_interaction_cst_resolved_groups(interaction_cst, expected):
    assert _resolve_interaction_cst(interaction_cst, 5) == expected


def test_gb_interaction_cst_bytree_groups_are_cut():
    # colsample_bytree: a tree grown on some columns keeps, of each group,
    # its columns (brute force: the group's features that are columns).
    from skml.ensemble._gb_interactions import _column_groups

    rng = np.random.RandomState(0)
    groups = _resolve_interaction_cst("pairwise", 6) + [(0, 2, 5)]
    columns = np.sort(rng.choice(6, 4, replace=False))
    cut = _column_groups(groups, columns, 6)
    expected = []
    for g in groups:
        local = [int(np.flatnonzero(columns == f)[0]) for f in g if f in columns]
        if local:
            expected.append(tuple(local))
    assert cut == expected


@pytest.mark.parametrize("max_leaf_nodes", [31, None])
def test_gb_interaction_cst_many_groups(global_random_seed, max_leaf_nodes):
    # More than 64 groups: bitsets of several words (and, best first, a pool
    # of them). 18 features, pairwise plus some triples: 156 groups.
    rng = np.random.RandomState(global_random_seed)
    X = rng.uniform(-1, 1, size=(1500, 18))
    y = 3.0 * ((X[:, 0] > 0) & (X[:, 9] > 0) & (X[:, 17] > 0)) + X[:, 3] * X[:, 12]
    groups = [set(p) for p in itertools.combinations(range(18), 2)]
    groups += [{0, 9, 17}, {1, 2, 3}, {16, 15, 14}]
    common = dict(
        n_estimators=10,
        max_leaf_nodes=max_leaf_nodes,
        max_depth=None if max_leaf_nodes else 5,
        random_state=global_random_seed,
        **NO_ES,
    )
    model = GradientBoostingRegressor(interaction_cst=groups, **common).fit(X, y)
    assert _violations(model, groups) == 0
    used = [p for trees in model._predictors for p in _path_feature_sets(trees[0])]
    assert any(p == {0, 9, 17} for p in used)  # a triple is used
    free = GradientBoostingRegressor(**common).fit(X, y)
    assert _violations(free, groups) > 0


def test_build_tree_interaction_cst_bad_index():
    X, y = _interacting_data(0, n=100)
    X = np.asfortranarray(X, dtype=np.float32)
    with pytest.raises(ValueError, match=r"interaction_cst group 1 .* \[0, 4\]"):
        build_tree(
            X, y, np.ones(len(y)), criterion="squared_error", interaction_cst=[[0], [7]]
        )


@pytest.mark.parametrize("splitter", ["best", "hist"])
@pytest.mark.parametrize("max_leaf_nodes", [None, 12])
def test_build_tree_interaction_cst_draws_among_allowed(splitter, max_leaf_nodes):
    # max_features=1 under "no_interactions": the root tries one feature f;
    # below it only f is allowed, and drawn among the allowed features it is
    # always the one tried. So the tree is the tree grown on column f alone
    # (drawn among all features, most nodes would try a forbidden one and
    # stay leaves).
    X, y = _interacting_data(0, n=800)
    X = np.asfortranarray(X, dtype=np.float32)
    common = dict(
        criterion="squared_error",
        splitter=splitter,
        max_depth=4,
        min_samples_leaf=5,
        max_leaf_nodes=max_leaf_nodes,
        max_features=1,
    )
    if splitter == "hist":
        common["hist_exact_below"] = 0
    roots = set()
    for seed in range(6):
        tree = build_tree(
            X,
            y,
            np.ones(len(y)),
            seed=seed,
            interaction_cst=[(f,) for f in range(5)],
            **common,
        )
        f = int(tree.feature[0])
        roots.add(f)
        alone = build_tree(
            np.asfortranarray(X[:, [f]]), y, np.ones(len(y)), seed=seed, **common
        )
        assert tree.node_count == alone.node_count > 7
        assert_array_equal(tree.feature[tree.feature >= 0], f)
        assert_array_equal(tree.threshold, alone.threshold)
        assert_array_equal(tree.n_node_samples, alone.n_node_samples)
        assert_array_equal(tree.value, alone.value)
    assert len(roots) > 1
