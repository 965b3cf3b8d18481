# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Tests for skml.tree.DecisionTreeClassifier/Regressor, mostly against
scikit-learn's trees (which grow the same tree on data without ties)."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import tree as sk_tree
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from skml.tree import DecisionTreeClassifier, DecisionTreeRegressor

CLF_PARAMS = [
    {},
    {"max_depth": 3},
    {"min_samples_leaf": 5},
    {"min_samples_leaf": 0.05},
    {"min_samples_split": 12},
    {"min_samples_split": 0.1},
    {"min_weight_fraction_leaf": 0.05},
    {"max_features": "sqrt"},
    {"max_features": 0.5},
    {"splitter": "random"},
    {"splitter": "random", "max_features": 2},
    {"max_leaf_nodes": 8},
    {"max_leaf_nodes": 20, "max_depth": 4},
    {"min_impurity_decrease": 0.01},
    {"ccp_alpha": 0.01},
]


def _clf_data(seed, n=150, n_features=5, n_outputs=1, n_classes=3):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, n_features)).astype(np.float32)
    score = X[:, :1] + 0.5 * X[:, 1:2] + rng.normal(scale=0.7, size=(n, n_outputs))
    y = np.digitize(score, np.quantile(score, np.linspace(0, 1, n_classes + 1)[1:-1]))
    return X, (y[:, 0] if n_outputs == 1 else y)


def _reg_data(seed, n=150, n_features=5, n_outputs=1):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, n_features)).astype(np.float32)
    y = np.exp(0.5 * X[:, :1] + 0.3 * X[:, 1:2]) + rng.rand(n, n_outputs)
    return X, (y[:, 0] if n_outputs == 1 else y)


def assert_same_tree(ours, theirs):
    a, b = ours.tree_, theirs.tree_
    assert a.node_count == b.node_count
    assert a.max_depth == b.max_depth
    assert a.n_leaves == b.n_leaves
    assert_array_equal(a.children_left, b.children_left)
    assert_array_equal(a.children_right, b.children_right)
    assert_array_equal(a.feature, b.feature)
    assert_array_equal(a.threshold, b.threshold)
    assert_array_equal(a.n_node_samples, b.n_node_samples)
    assert_allclose(a.weighted_n_node_samples, b.weighted_n_node_samples)
    assert_allclose(a.impurity, b.impurity, rtol=1e-7, atol=1e-9)
    assert_allclose(a.value, b.value, rtol=1e-9, atol=1e-12)
    internal = a.children_left != -1
    assert_array_equal(a.missing_go_to_left[internal], b.missing_go_to_left[internal])


@pytest.mark.parametrize("criterion", ["gini", "entropy", "log_loss"])
@pytest.mark.parametrize("params", CLF_PARAMS, ids=str)
def test_classifier_same_tree_as_sklearn(criterion, params, global_random_seed):
    X, y = _clf_data(global_random_seed)
    kwargs = dict(criterion=criterion, random_state=global_random_seed, **params)
    ours = DecisionTreeClassifier(**kwargs).fit(X, y)
    theirs = sk_tree.DecisionTreeClassifier(**kwargs).fit(X, y)
    assert_same_tree(ours, theirs)
    X_test = _clf_data(global_random_seed + 1)[0]
    assert_array_equal(ours.predict(X_test), theirs.predict(X_test))
    assert_allclose(ours.predict_proba(X_test), theirs.predict_proba(X_test))
    assert_array_equal(ours.apply(X_test), theirs.apply(X_test))
    assert_array_equal(
        ours.decision_path(X_test).toarray(), theirs.decision_path(X_test).toarray()
    )
    assert_allclose(ours.feature_importances_, theirs.feature_importances_, atol=1e-12)
    assert ours.get_depth() == theirs.get_depth()
    assert ours.get_n_leaves() == theirs.get_n_leaves()
    assert ours.max_features_ == theirs.max_features_


@pytest.mark.parametrize("class_weight", ["balanced", {0: 1.0, 1: 3.0, 2: 0.5}])
def test_classifier_class_and_sample_weight_same_tree(class_weight, global_random_seed):
    X, y = _clf_data(global_random_seed)
    rng = np.random.RandomState(global_random_seed)
    sample_weight = rng.randint(0, 4, size=len(y)).astype(float)
    for sw in (None, sample_weight):
        kwargs = dict(class_weight=class_weight, random_state=0, max_depth=5)
        ours = DecisionTreeClassifier(**kwargs).fit(X, y, sample_weight=sw)
        theirs = sk_tree.DecisionTreeClassifier(**kwargs).fit(X, y, sample_weight=sw)
        assert_same_tree(ours, theirs)


@pytest.mark.parametrize("criterion", ["squared_error", "friedman_mse", "poisson"])
@pytest.mark.parametrize("params", CLF_PARAMS, ids=str)
def test_regressor_same_tree_as_sklearn(criterion, params, global_random_seed):
    X, y = _reg_data(global_random_seed)
    kwargs = dict(random_state=global_random_seed, **params)
    ours = DecisionTreeRegressor(criterion=criterion, **kwargs)
    if criterion == "friedman_mse":
        with pytest.warns(FutureWarning, match="friedman_mse"):
            ours.fit(X, y)
    else:
        ours.fit(X, y)
    # scikit-learn 1.9 maps the deprecated friedman_mse to squared_error.
    sk_criterion = "squared_error" if criterion == "friedman_mse" else criterion
    theirs = sk_tree.DecisionTreeRegressor(criterion=sk_criterion, **kwargs).fit(X, y)
    assert_same_tree(ours, theirs)
    X_test = _reg_data(global_random_seed + 1)[0]
    assert_allclose(ours.predict(X_test), theirs.predict(X_test))
    assert_allclose(ours.feature_importances_, theirs.feature_importances_, atol=1e-12)


def test_regressor_sample_weight_same_tree(global_random_seed):
    X, y = _reg_data(global_random_seed)
    sw = np.random.RandomState(global_random_seed).rand(len(y)) * 2
    sw[::7] = 0.0
    for params in ({}, {"min_weight_fraction_leaf": 0.1}, {"max_leaf_nodes": 6}):
        ours = DecisionTreeRegressor(random_state=0, **params).fit(X, y, sw)
        theirs = sk_tree.DecisionTreeRegressor(random_state=0, **params).fit(X, y, sw)
        assert_same_tree(ours, theirs)


@pytest.mark.parametrize("splitter", ["best", "random"])
def test_missing_values_same_tree_as_sklearn(splitter, global_random_seed):
    rng = np.random.RandomState(global_random_seed)
    X, y = _clf_data(global_random_seed)
    X[rng.rand(*X.shape) < 0.15] = np.nan
    ours = DecisionTreeClassifier(splitter=splitter, random_state=0).fit(X, y)
    theirs = sk_tree.DecisionTreeClassifier(splitter=splitter, random_state=0).fit(X, y)
    assert_same_tree(ours, theirs)
    X_test = _clf_data(global_random_seed + 1)[0]
    X_test[rng.rand(*X_test.shape) < 0.15] = np.nan
    assert_allclose(ours.predict_proba(X_test), theirs.predict_proba(X_test))
    Xr, yr = _reg_data(global_random_seed)
    Xr[rng.rand(*Xr.shape) < 0.15] = np.nan
    ours = DecisionTreeRegressor(splitter=splitter, random_state=0).fit(Xr, yr)
    theirs = sk_tree.DecisionTreeRegressor(splitter=splitter, random_state=0).fit(
        Xr, yr
    )
    assert_same_tree(ours, theirs)


def test_multi_output_same_tree_as_sklearn(global_random_seed):
    X, y = _clf_data(global_random_seed, n_outputs=2)
    y[:, 1] = y[:, 1] % 2  # outputs with different class counts
    ours = DecisionTreeClassifier(random_state=0, max_depth=6).fit(X, y)
    theirs = sk_tree.DecisionTreeClassifier(random_state=0, max_depth=6).fit(X, y)
    assert_same_tree(ours, theirs)
    assert_array_equal(ours.predict(X), theirs.predict(X))
    for p, q in zip(ours.predict_proba(X), theirs.predict_proba(X)):
        assert_allclose(p, q)
    for p, q in zip(ours.predict_log_proba(X), theirs.predict_log_proba(X)):
        assert_allclose(p, q)
    assert [list(c) for c in ours.classes_] == [list(c) for c in theirs.classes_]
    assert_array_equal(ours.n_classes_, theirs.n_classes_)

    X, y = _reg_data(global_random_seed, n_outputs=3)
    for criterion in ("squared_error", "poisson"):
        ours = DecisionTreeRegressor(criterion=criterion, random_state=0).fit(X, y)
        theirs = sk_tree.DecisionTreeRegressor(criterion=criterion, random_state=0)
        theirs.fit(X, y)
        assert_same_tree(ours, theirs)
        assert_allclose(ours.predict(X), theirs.predict(X))


def test_string_labels_same_as_sklearn(global_random_seed):
    X, y = _clf_data(global_random_seed)
    labels = np.array(["a", "b", "c"])[y]
    ours = DecisionTreeClassifier(random_state=0, max_depth=3).fit(X, labels)
    theirs = sk_tree.DecisionTreeClassifier(random_state=0, max_depth=3).fit(X, labels)
    assert_same_tree(ours, theirs)
    assert_array_equal(ours.classes_, theirs.classes_)
    assert_array_equal(ours.predict(X), theirs.predict(X))
    with np.errstate(divide="ignore"):
        assert_allclose(ours.predict_log_proba(X), theirs.predict_log_proba(X))


def test_cost_complexity_pruning_path_same_as_sklearn(global_random_seed):
    X, y = _clf_data(global_random_seed)
    ours = DecisionTreeClassifier(random_state=0).cost_complexity_pruning_path(X, y)
    theirs = sk_tree.DecisionTreeClassifier(random_state=0)
    theirs = theirs.cost_complexity_pruning_path(X, y)
    assert_allclose(ours.ccp_alphas, theirs.ccp_alphas, atol=1e-12)
    assert_allclose(ours.impurities, theirs.impurities, atol=1e-12)
    X, y = _reg_data(global_random_seed)
    ours = DecisionTreeRegressor(random_state=0).cost_complexity_pruning_path(X, y)
    theirs = sk_tree.DecisionTreeRegressor(random_state=0)
    theirs = theirs.cost_complexity_pruning_path(X, y)
    assert_allclose(ours.ccp_alphas, theirs.ccp_alphas, atol=1e-12)
    assert_allclose(ours.impurities, theirs.impurities, atol=1e-12)


def test_check_input_false_gives_the_same_model(global_random_seed):
    X, y = _clf_data(global_random_seed)
    a = DecisionTreeClassifier(random_state=0).fit(X, y)
    b = DecisionTreeClassifier(random_state=0).fit(X, y, check_input=False)
    assert_same_tree(a, b)
    assert_array_equal(a.predict(X), b.predict(X, check_input=False))
    assert_array_equal(a.apply(X), b.apply(X, check_input=False))


def test_zero_weights_are_left_out(global_random_seed):
    X, y = _reg_data(global_random_seed)
    sw = np.ones(len(y))
    sw[:30] = 0.0
    a = DecisionTreeRegressor(random_state=0).fit(X, y, sample_weight=sw)
    b = DecisionTreeRegressor(random_state=0).fit(X[30:], y[30:])
    assert a.tree_.n_node_samples[0] == len(y) - 30
    assert_allclose(a.predict(X), b.predict(X))


# Bad input ----------------------------------------------------------------


@pytest.mark.parametrize("Tree", [DecisionTreeClassifier, DecisionTreeRegressor])
def test_bad_input(Tree):
    X, y = _reg_data(0, n=20)
    if Tree is DecisionTreeClassifier:
        y = (y > np.median(y)).astype(float)
    y_nan = y.copy()
    y_nan[3] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        Tree().fit(X, y_nan)
    with pytest.raises(ValueError, match="[Nn]egative"):
        Tree().fit(X, y, sample_weight=-np.ones(len(y)))
    with pytest.raises(ValueError, match="max_features"):
        Tree(max_features=6).fit(X, y)
    with pytest.raises(ValueError, match="non-zero"):
        Tree().fit(X, y, sample_weight=np.zeros(len(y)))
    X_inf = X.copy()
    X_inf[0, 0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        Tree().fit(X_inf, y)
    fitted = Tree().fit(X, y)
    with pytest.raises(ValueError, match="features"):
        fitted.predict(X[:, :3])


@pytest.mark.parametrize("Tree", [DecisionTreeClassifier, DecisionTreeRegressor])
def test_degenerate_inputs_give_a_single_leaf(Tree):
    X = np.ones((10, 3))
    y = np.arange(10) % 2
    tree = Tree().fit(X, y)
    assert tree.tree_.node_count == 1
    assert tree.get_depth() == 0 and tree.get_n_leaves() == 1
    assert_allclose(tree.feature_importances_, 0.0)
    one = Tree().fit([[1.0, 2.0]], [1])
    assert one.tree_.node_count == 1
    assert_array_equal(one.predict([[5.0, 6.0], [0.0, 0.0]]), [1, 1])


def test_poisson_rejects_bad_targets():
    X = np.arange(10, dtype=float).reshape(-1, 1)
    with pytest.raises(ValueError, match="negative"):
        DecisionTreeRegressor(criterion="poisson").fit(X, np.arange(10) - 3.0)
    with pytest.raises(ValueError, match="not positive"):
        DecisionTreeRegressor(criterion="poisson").fit(X, np.zeros(10))


# Accuracy on real data -----------------------------------------------------


def _accuracy_pair(X, y, seed, **params):
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=seed, stratify=y
    )
    ours = DecisionTreeClassifier(random_state=seed, **params).fit(X_train, y_train)
    theirs = sk_tree.DecisionTreeClassifier(random_state=seed, **params)
    theirs.fit(X_train, y_train)
    return ours.score(X_test, y_test), theirs.score(X_test, y_test)


def test_digits_accuracy_close_to_sklearn(global_random_seed):
    X, y = load_digits(return_X_y=True)
    ours, theirs = _accuracy_pair(X, y, global_random_seed)
    assert ours > 0.75
    assert abs(ours - theirs) <= 0.005


@pytest.mark.parametrize(
    "name, target",
    [("covtype/covtype_sample15000.csv", -1), ("higgs/higgs_sas_subset.csv", -1)],
)
def test_shared_data_accuracy_close_to_sklearn(shared_data, name, target):
    data = np.loadtxt(shared_data / name, delimiter=",", skiprows=1, max_rows=6000)
    X, y = data[:, :target], data[:, target]
    ours, theirs = _accuracy_pair(X, y, 0, max_depth=12)
    assert abs(ours - theirs) <= 0.005


def test_hist_splitter_on_digits(global_random_seed):
    # Digits have at most 17 distinct values per feature, so each value has its
    # own bin: the hist tree splits the training data exactly as the exact one
    # (thresholds are bin edges, not midpoints of the node's values).
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=global_random_seed, stratify=y
    )
    hist = DecisionTreeClassifier(splitter="hist", random_state=0)
    exact = DecisionTreeClassifier(random_state=0)
    hist.fit(X_train, y_train)
    exact.fit(X_train, y_train)
    assert_array_equal(hist.apply(X_train), exact.apply(X_train))
    assert_array_equal(hist.tree_.feature, exact.tree_.feature)
    assert hist.score(X_test, y_test) > 0.75


def _python_apply(tree, X):
    """Leaf of each row, by walking the tree's arrays (NaN follows
    missing_go_to_left)."""
    leaves = []
    for x in X:
        node = 0
        while tree.children_left[node] != -1:
            v = x[tree.feature[node]]
            if np.isnan(v):
                go_left = tree.missing_go_to_left[node]
            else:
                go_left = v <= tree.threshold[node]
            node = tree.children_left[node] if go_left else tree.children_right[node]
        leaves.append(node)
    return np.array(leaves)


def test_hist_splitter_regression_with_nan(global_random_seed):
    Xr, yr = _reg_data(global_random_seed, n=2000)
    Xr[::5, 0] = np.nan
    hist = DecisionTreeRegressor(splitter="hist", max_depth=8, random_state=0)
    hist.fit(Xr, yr)
    leaves = _python_apply(hist.tree_, Xr.astype(np.float32))
    assert_array_equal(hist.apply(Xr), leaves)
    # Each node holds its training rows: count, mean and squared error.
    paths = hist.decision_path(Xr).tocsc()
    for node in range(hist.tree_.node_count):
        rows = paths[:, node].nonzero()[0]
        assert hist.tree_.n_node_samples[node] == len(rows)
        assert_allclose(hist.tree_.value[node, 0, 0], yr[rows].mean(), rtol=1e-9)
        assert_allclose(
            hist.tree_.impurity[node], yr[rows].var(), rtol=1e-7, atol=1e-12
        )
    assert_allclose(hist.predict(Xr), hist.tree_.value[leaves, 0, 0])
    # The root split is the best one over the documented bin edges (quantiles
    # of each feature, averaged inverted CDF), with NaN sent either way.
    q = np.linspace(0, 100, 256)[1:-1]
    n, parent_loss = len(yr), yr.var() * len(yr)
    best = -np.inf
    for f in range(Xr.shape[1]):
        x = Xr[:, f]
        nan = np.isnan(x)
        edges = np.unique(np.percentile(x[~nan], q, method="averaged_inverted_cdf"))
        masks = [x <= t for t in edges] + [(x <= t) | nan for t in edges] + [~nan]
        for left in masks:
            if 0 < left.sum() < n:
                loss = yr[left].var() * left.sum() + yr[~left].var() * (~left).sum()
                best = max(best, (parent_loss - loss) / n)
    t = hist.tree_
    left, right = t.children_left[0], t.children_right[0]
    improvement = (
        t.impurity[0] * n
        - t.impurity[left] * t.n_node_samples[left]
        - t.impurity[right] * t.n_node_samples[right]
    ) / n
    assert_allclose(improvement, best, rtol=1e-9)


@pytest.mark.parametrize("n_outputs", [1, 2])
@pytest.mark.parametrize("class_weight", [None, "balanced"])
def test_fit_without_input_checks_on_encoded_classes(
    n_outputs, class_weight, global_random_seed
):
    # The ensembles' path: validated float32 X, y already encoded as class
    # indices into ``classes``. It grows scikit-learn's tree on the labels, and
    # the tree predicts the labels.
    X, y = _clf_data(global_random_seed, n_outputs=n_outputs)
    names = np.array(["ant", "bee", "cat"])
    labels = names[y]
    Y = labels.reshape(len(y), -1)
    classes = [np.unique(Y[:, k]) for k in range(n_outputs)]
    encoded = np.column_stack(
        [np.searchsorted(classes[k], Y[:, k]) for k in range(n_outputs)]
    ).astype(np.float64)
    params = dict(max_features=3, class_weight=class_weight, random_state=0)
    ours = DecisionTreeClassifier(**params)
    ours._fit(np.asfortranarray(X), encoded, None, check_input=False, classes=classes)
    theirs = sk_tree.DecisionTreeClassifier(**params).fit(X, labels)
    assert_same_tree(ours, theirs)
    assert_array_equal(ours.predict(X), theirs.predict(X))
    if n_outputs == 1:
        assert_array_equal(ours.classes_, theirs.classes_)
        assert ours.n_classes_ == theirs.n_classes_
    else:
        for a, b in zip(ours.classes_, theirs.classes_):
            assert_array_equal(a, b)
        assert_array_equal(ours.n_classes_, theirs.n_classes_)
    # Without ``classes`` the tree encodes the labels itself.
    own = DecisionTreeClassifier(**params).fit(X, labels, check_input=False)
    assert_same_tree(own, theirs)
