# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""A corrupt or malicious model file raises ValueError on load, never crashes.

Every compiled object a fitted estimator holds (``Tree``, ``KDTree``,
``BallTree``) checks the state pickle or skops.io restores it from. Each case
corrupts the state of a real fitted model in one way and loads it three ways:
through the object's own reconstructor and ``__setstate__``, through
``pickle.loads`` of a crafted payload, and through ``skops.io.loads`` of a file
whose arrays or values were edited inside its zip archive. Without the checks,
the first cases segfault, hang or read outside the arrays.
"""

import copy
import io
import json
import pickle
import sys
import zipfile

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from scipy import sparse
from sklearn.base import BaseEstimator
from sklearn.datasets import make_classification

from skml.ensemble import (
    ExtraTreesClassifier,
    ExtraTreesRegressor,
    GradientBoostingClassifier,
    RandomForestClassifier,
    RandomForestRegressor,
)
from skml.neighbors import (
    BallTree,
    KDTree,
    KNeighborsClassifier,
    KNeighborsRegressor,
    NearestNeighbors,
)
from skml.tree import DecisionTreeClassifier, DecisionTreeRegressor
from skml.utils._test_common import FAST_PARAMS, library_available
from skml.utils.discovery import all_estimators

# --------------------------------------------------------------------------
# Models, and the three ways of loading a corrupted state
# --------------------------------------------------------------------------


def _data(seed, nan=True):
    X, y = make_classification(
        n_samples=200, n_features=6, n_informative=4, n_classes=3, random_state=seed
    )
    if nan:
        X[np.random.RandomState(seed).rand(*X.shape) < 0.05] = np.nan
    return X, y


# name -> (fit(seed) -> model, path from the model to its compiled object).
def _tree_clf(seed):
    return DecisionTreeClassifier(random_state=seed).fit(*_data(seed))


def _tree_reg(seed):
    X, y = _data(seed)
    return DecisionTreeRegressor(random_state=seed).fit(X, y + np.arange(200) / 50)


def _forest(seed):
    return RandomForestClassifier(n_estimators=3, random_state=seed).fit(*_data(seed))


def _boosting(seed):
    return GradientBoostingClassifier(
        n_estimators=3, max_leaf_nodes=7, early_stopping=False, random_state=seed
    ).fit(*_data(seed))


def _knn(algorithm):
    def fit(seed):
        return KNeighborsClassifier(algorithm=algorithm, leaf_size=5).fit(
            *_data(seed, nan=False)
        )

    return fit


TREE_MODELS = {
    "DecisionTreeClassifier": (_tree_clf, ("tree_",)),
    "DecisionTreeRegressor": (_tree_reg, ("tree_",)),
    "RandomForestClassifier": (_forest, ("estimators_", 1, "tree_")),
    # Iteration 1, the tree of class 2.
    "GradientBoostingClassifier": (_boosting, ("_predictors", 1, 2)),
}
BINARY_TREE_MODELS = {
    "KDTree": (lambda seed: KDTree(_data(seed, nan=False)[0], leaf_size=5), ()),
    "BallTree": (lambda seed: BallTree(_data(seed, nan=False)[0], leaf_size=5), ()),
    "KNeighborsClassifier-kd_tree": (_knn("kd_tree"), ("_tree",)),
    "KNeighborsClassifier-ball_tree": (_knn("ball_tree"), ("_tree",)),
}
ROUTES = ["reduce", "pickle", "skops"]


def _get(obj, path):
    for key in path:
        obj = obj[key] if isinstance(key, int) else getattr(obj, key)
    return obj


def _replaced(obj, path, new):
    # A shallow copy of obj with the object at path replaced by new.
    if not path:
        return new
    key, rest = path[0], path[1:]
    if isinstance(key, int):
        out = list(obj)
        out[key] = _replaced(obj[key], rest, new)
        return out
    out = copy.copy(obj)
    setattr(out, key, _replaced(getattr(obj, key), rest, new))
    return out


class _Forged:
    """Pickles as ``cls(*args)`` restored from ``state``: what a crafted file
    holds in place of the compiled object."""

    def __init__(self, cls, args, state):
        self.reduced = (cls, args, state)

    def __reduce__(self):
        return self.reduced


def _differs(a, b):
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return not (
            isinstance(a, np.ndarray)
            and isinstance(b, np.ndarray)
            and a.dtype == b.dtype
            and a.shape == b.shape
            and a.tobytes() == b.tobytes()
        )
    return type(a) is not type(b) or a != b


def _skops_node(schema, path):
    node = schema
    for key in path:
        while node["__loader__"] == "ObjectNode":
            node = node["content"]
        node = node["content"][key]
    return node


def _skops_edited(data, path, edits):
    """The skops file ``data`` with the entries ``edits`` ({key: value}) of the
    state of the object at ``path`` replaced, in the zip archive itself: an
    array by a new .npy file, a scalar or string in schema.json."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    schema = json.loads(archive.read("schema.json"))
    files = {n: archive.read(n) for n in archive.namelist() if n != "schema.json"}
    for i, (key, value) in enumerate(edits.items()):
        node = _skops_node(schema, [*path, key])
        node["__id__"] = 10**15 + i  # skops memoises nodes by id
        if isinstance(value, np.ndarray):
            assert node["__loader__"] == "NdArrayNode"
            buffer = io.BytesIO()
            np.save(buffer, value, allow_pickle=False)
            node["file"] = f"edited_{i}.npy"
            files[node["file"]] = buffer.getvalue()
        else:
            assert node["__loader__"] == "JsonNode"
            node["content"] = json.dumps(value)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as edited:
        edited.writestr("schema.json", json.dumps(schema))
        for name, content in files.items():
            edited.writestr(name, content)
    return out.getvalue()


def _load(route, model, path, state):
    """Load ``model`` with the state of its compiled object at ``path``
    replaced by ``state``, by ``route``."""
    compiled = _get(model, path)
    cls, args, original = compiled.__reduce__()
    if route == "reduce":
        restored = cls(*args)
        restored.__setstate__(state)
        return restored
    if route == "pickle":
        forged = _replaced(model, path, _Forged(cls, args, state))
        return pickle.loads(pickle.dumps(forged))
    sio = pytest.importorskip("skops.io")
    if isinstance(original, tuple):
        keys = range(len(original))
    else:
        keys = original
    edits = {k: state[k] for k in keys if _differs(state[k], original[k])}
    assert edits, "the case changes nothing"
    data = _skops_edited(sio.dumps(model), path, edits)
    return sio.loads(data, trusted=sio.get_untrusted_types(data=data))


def _fresh_state(compiled):
    # A state whose arrays may be modified in place.
    state = compiled.__getstate__()
    if isinstance(state, dict):
        return {
            k: v.copy() if isinstance(v, np.ndarray) else v for k, v in state.items()
        }
    return [v.copy() if isinstance(v, np.ndarray) else v for v in state]


# --------------------------------------------------------------------------
# Corruptions of a Tree state
# --------------------------------------------------------------------------

# name -> (corrupt(state) -> state or None to keep it, error regex, via skops)
TREE_CASES = {}


def _tree_case(match, skops=True):
    def register(corrupt):
        TREE_CASES[corrupt.__name__] = (corrupt, match, skops)
        return corrupt

    return register


def _splits(state):
    return np.flatnonzero(state["left_child"] != -1)


def _leaf(state):
    return int(np.flatnonzero(state["left_child"] == -1)[0])


@_tree_case(r"left_child\[0\] = 1000000000 is not a node after node 0")
def child_out_of_range(state):
    state["left_child"][0] = 10**9


@_tree_case(r"right_child\[\d+\] = \d+ is not a node after node")
def child_at_node_count(state):
    state["right_child"][_splits(state)[1]] = state["node_count"]


@_tree_case(r"left_child\[\d+\] = 0 is not a node after node")
def child_cycles_to_root(state):
    state["left_child"][_splits(state)[1]] = 0


@_tree_case(r"right_child\[(\d+)\] = \1 is not a node after node \1")
def child_is_its_parent(state):
    i = _splits(state)[1]
    state["right_child"][i] = i


@_tree_case(r"left_child\[\d+\] = 1 is not a node after node")
def child_before_parent(state):
    i = _splits(state)[-1]
    assert i > 1
    state["left_child"][i] = 1


@_tree_case(r"node \d+ is (a child twice|the child of no node)")
def child_of_two_splits(state):
    state["right_child"][0] = state["left_child"][_splits(state)[1]]


@_tree_case(r"node \d+ has children \(-1, \d+\): a leaf has both children")
def split_with_one_child(state):
    state["left_child"][0] = -1


@_tree_case(r"node \d+ has children \(-1, \d+\): a leaf has both children")
def leaf_with_one_child(state):
    state["right_child"][_leaf(state)] = state["node_count"] - 1


@_tree_case(r"feature\[0\] = 1000000 is not a feature index in \[0, n_features=6\)")
def feature_out_of_range(state):
    state["feature"][0] = 10**6


@_tree_case(r"feature\[\d+\] = -1 is not a feature index")
def negative_feature(state):
    state["feature"][_splits(state)[1]] = -1


@_tree_case(r"feature\[0\] = -2 is not a feature index")
def split_with_undefined_feature(state):
    state["feature"][0] = -2


@_tree_case(r"feature\[\d+\] = \d+ is not a feature index in \[0, n_features=\d+\)")
def n_features_below_a_feature(state):
    state["n_features"] = int(state["feature"].max())


@_tree_case(r"threshold\[0\] = nan: a split's threshold must be a number or \+inf")
def nan_threshold(state):
    state["threshold"][0] = np.nan


@_tree_case(r"threshold\[\d+\] = -inf: a split's threshold must be a number")
def minus_inf_threshold(state):
    state["threshold"][_splits(state)[1]] = -np.inf


@_tree_case(r"leaf \d+ has feature 0, threshold -2.0 and missing_go_to_left 0, not")
def leaf_with_feature(state):
    state["feature"][_leaf(state)] = 0


@_tree_case(r"leaf \d+ has feature -2, threshold 0.5 and missing_go_to_left 0")
def leaf_with_threshold(state):
    state["threshold"][_leaf(state)] = 0.5


@_tree_case(r"leaf \d+ has feature -2, threshold -2.0 and missing_go_to_left 1")
def leaf_with_missing_flag(state):
    state["missing_go_to_left"][_leaf(state)] = 1


@_tree_case(r"missing_go_to_left\[0\] = 2 must be 0 or 1")
def missing_flag_not_binary(state):
    state["missing_go_to_left"][0] = 2


@_tree_case(r"left_child must have an integer dtype, got dtype float64")
def float_children(state):
    state["left_child"] = state["left_child"].astype(np.float64)


@_tree_case(r"threshold must have a floating-point dtype, got dtype int64")
def integer_thresholds(state):
    state["threshold"] = np.arange(state["node_count"])


@_tree_case(r"value must have a floating-point dtype, got dtype <U")
def string_values(state):
    state["value"] = state["value"].astype(str)


@_tree_case(r"n_classes must have an integer dtype")
def float_n_classes(state):
    state["n_classes"] = state["n_classes"].astype(np.float64)


@_tree_case(r"feature must have shape \(\d+,\), got shape \(\d+,\)")
def short_feature(state):
    state["feature"] = state["feature"][:-1]


@_tree_case(r"left_child must have shape \((\d+),\), got shape \(\1, 1\)")
def two_dimensional_children(state):
    state["left_child"] = state["left_child"].reshape(-1, 1)


@_tree_case(r"value must have shape \(\d+, 1, (\d+)\), got shape \(\d+, 1, (?!\1)")
def value_with_an_extra_class(state):
    value = state["value"]
    state["value"] = np.concatenate([value, value[:, :, :1]], axis=2)


@_tree_case(r"value must have shape \(\d+, 1, \d+\), got shape \(\d+, \d+\)")
def two_dimensional_value(state):
    state["value"] = state["value"][:, 0, :]


@_tree_case(r"must have shape \((\d+), .*got shape \((?!\1)")
def node_count_too_large(state):
    state["node_count"] += 1


@_tree_case(r"node_count = 0 must be in \[1, ")
def node_count_zero(state):
    state["node_count"] = 0


@_tree_case(r"node_count must be an integer, got str")
def node_count_string(state):
    state["node_count"] = str(state["node_count"])


@_tree_case(r"node_count must be an integer, got float")
def node_count_float(state):
    state["node_count"] = float(state["node_count"])


@_tree_case(r"n_outputs must be an integer, got bool")
def n_outputs_bool(state):
    state["n_outputs"] = True


@_tree_case(r"max_depth = 0, but the tree has depth [1-9]")
def max_depth_too_small(state):
    state["max_depth"] = 0


@_tree_case(r"max_depth = 1000000000000, but the tree has depth")
def max_depth_too_large(state):
    # decision_path allocates n_samples * (1 + max_depth) node ids.
    state["max_depth"] = 10**12


@_tree_case(r"n_features = 0 must be in \[1, ")
def n_features_zero(state):
    state["n_features"] = 0


@_tree_case(r"n_classes must have shape \(2,\), got shape \(1,\)")
def n_outputs_mismatch(state):
    state["n_outputs"] = 2


@_tree_case(r"n_classes \[0\] must be >= 1")
def n_classes_zero(state):
    state["n_classes"] = np.zeros(1, dtype=np.intp)


@_tree_case(r"weighted_n_node_samples must be finite and >= 0")
def negative_weight(state):
    state["weighted_n_node_samples"][0] = -1.0


@_tree_case(r"weighted_n_node_samples must be finite and >= 0")
def nan_weight(state):
    state["weighted_n_node_samples"][1] = np.nan


@_tree_case(r"n_node_samples must be >= 0")
def negative_sample_count(state):
    state["n_node_samples"][0] = -5


@_tree_case(r"missing entries \['threshold'\]", skops=False)
def missing_entry(state):
    del state["threshold"]


@_tree_case(r"unexpected entries \['junk'\]", skops=False)
def extra_entry(state):
    state["junk"] = 1


@_tree_case(r"expected a dict, got list", skops=False)
def not_a_dict(state):
    return list(state.items())


@_tree_case(r"left_child must be an ndarray, got list", skops=False)
def children_as_list(state):
    state["left_child"] = state["left_child"].tolist()


def _corrupt(cases, name, compiled):
    # The state of ``compiled`` corrupted by case ``name``, its error regex and
    # whether skops.io can hold it.
    corrupt, match, skops = cases[name]
    state = _fresh_state(compiled)
    replaced = corrupt(state)
    if replaced is not None:
        return replaced, match, skops
    if isinstance(state, list):  # a tuple state, made editable
        state = tuple(state)
    return state, match, skops


# --------------------------------------------------------------------------
# Corruptions of a KDTree / BallTree state (a 10-tuple, see __getstate__)
# --------------------------------------------------------------------------

DATA, DATA_R, IDX, NODES, BOUNDS, LEAF_SIZE, N_LEVELS, N_NODES, METRIC, P = range(10)
BT_CASES = {}


def _bt_case(match, skops=True):
    def register(corrupt):
        BT_CASES[corrupt.__name__] = (corrupt, match, skops)
        return corrupt

    return register


@_bt_case(r"node_bounds must have shape \(\d, 63, 6\), got shape \(\d, 63, 6\)")
def bounds_of_the_other_kind(state):
    # A KDTree with one slice of bounds read a NULL upper corner.
    bounds = state[BOUNDS]
    state[BOUNDS] = bounds[:1] if len(bounds) == 2 else np.concatenate([bounds] * 2)


@_bt_case(r"node_bounds must have shape \(\d, 63, 6\), got shape \(\d, 63, 5\)")
def bounds_too_narrow(state):
    state[BOUNDS] = np.ascontiguousarray(state[BOUNDS][:, :, :-1])


@_bt_case(r"node_bounds must have a floating-point dtype, got dtype int64")
def integer_bounds(state):
    state[BOUNDS] = state[BOUNDS].astype(np.int64)


@_bt_case(r"idx_array must be a permutation of the 200 row indices")
def index_out_of_range(state):
    state[IDX][0] = 10**9


@_bt_case(r"idx_array must be a permutation of the 200 row indices")
def negative_index(state):
    state[IDX][3] = -1


@_bt_case(r"idx_array must be a permutation of the 200 row indices")
def repeated_index(state):
    state[IDX][1] = state[IDX][0]


@_bt_case(r"idx_array must have an integer dtype, got dtype float64")
def float_indices(state):
    state[IDX] = state[IDX].astype(np.float64)


@_bt_case(r"idx_array must have shape \(200,\), got shape \(199,\)")
def short_indices(state):
    state[IDX] = state[IDX][:-1]


@_bt_case(r"data_r must be the rows of data in idx_array order")
def permuted_rows_differ(state):
    state[DATA_R][0, 0] += 1.0


@_bt_case(r"data_r must have shape \(200, 6\), got shape \(100, 6\)")
def permuted_rows_short(state):
    state[DATA_R] = state[DATA_R][:100]


@_bt_case(r"data must be finite")
def nan_data(state):
    state[DATA][5, 2] = np.nan


@_bt_case(r"data must be a 2-D ndarray")
def one_dimensional_data(state):
    state[DATA] = state[DATA].ravel()


@_bt_case(r"data must have a floating-point dtype, got dtype int64")
def integer_data(state):
    state[DATA] = state[DATA].astype(np.int64)


@_bt_case(r"node 62 has idx_end 10000000; the layout of a tree of 63 nodes")
def node_range_past_the_data(state):
    state[NODES]["idx_end"][-1] = 10**7


@_bt_case(r"node 0 has idx_start -1; the layout")
def negative_node_start(state):
    state[NODES]["idx_start"][0] = -1


@_bt_case(r"node 62 has is_leaf 0; the layout of a tree of 63 nodes on 200 rows")
def last_leaf_marked_split(state):
    # A leaf marked split sent queries to children 125 and 126 of 63 nodes.
    state[NODES]["is_leaf"][-1] = 0


@_bt_case(r"node 0 has is_leaf 1; the layout")
def root_marked_leaf(state):
    state[NODES]["is_leaf"][0] = 1


@_bt_case(r"node radii must be >= 0")
def nan_radius(state):
    state[NODES]["radius"][3] = np.nan


@_bt_case(r"node radii must be >= 0")
def negative_radius(state):
    state[NODES]["radius"][0] = -1.0


@_bt_case(r"node_data must be an ndarray with fields")
def plain_node_array(state):
    state[NODES] = state[NODES]["radius"].copy()


@_bt_case(r"node_data must be an ndarray with fields")
def node_field_missing(state):
    nodes = state[NODES]
    state[NODES] = np.ascontiguousarray(nodes[["idx_start", "idx_end", "is_leaf"]])


@_bt_case(r"node_data\['is_leaf'\] must have an integer dtype, got dtype float64")
def float_leaf_flags(state):
    nodes = state[NODES]
    dtype = [
        (n, np.float64 if n == "is_leaf" else nodes.dtype[n]) for n in nodes.dtype.names
    ]
    state[NODES] = nodes.astype(dtype)


@_bt_case(r"node_data\['idx_start'\] must have shape \(63,\), got shape \(62,\)")
def short_node_array(state):
    state[NODES] = state[NODES][:-1].copy()


@_bt_case(r"leaf_size = 0 must be in \[1, ")
def leaf_size_zero(state):
    state[LEAF_SIZE] = 0


@_bt_case(r"n_levels = 7, but a tree on 200 rows with leaf_size=5 has 6 levels")
def one_level_too_many(state):
    state[N_LEVELS] += 1


@_bt_case(r"n_levels = 200, but a tree on 200 rows")
def huge_n_levels(state):
    state[N_LEVELS] = 200


@_bt_case(r"n_nodes = 65, but a tree of 6 levels has 63 nodes")
def n_nodes_inconsistent(state):
    state[N_NODES] += 2


@_bt_case(r"metric 'cosine' is not one of")
def unknown_metric(state):
    state[METRIC] = "cosine"


@_bt_case(r"metric 3 is not one of")
def metric_not_a_string(state):
    state[METRIC] = 3


@_bt_case(r"p = 0.5 must be in \[1, inf\) for the minkowski metric")
def minkowski_power_below_one(state):
    state[METRIC] = "minkowski"
    state[P] = 0.5


@_bt_case(r"p must not be NaN")
def nan_power(state):
    state[P] = float("nan")


@_bt_case(r"p must be a number, got str")
def string_power(state):
    state[P] = "2"


@_bt_case(r"expected a tuple of 10 entries", skops=False)
def short_state(state):
    return tuple(state[:9])


@_bt_case(r"expected a tuple of 10 entries", skops=False)
def state_as_dict(state):
    return dict(enumerate(state))


# --------------------------------------------------------------------------
# Every corruption raises ValueError naming the problem, by every route
# --------------------------------------------------------------------------


def _check_case(models, cases, model_name, case_name, route, seed):
    fit, path = models[model_name]
    model = fit(seed)
    state, match, _ = _corrupt(cases, case_name, _get(model, path))
    with pytest.raises(ValueError, match=match):
        _load(route, model, path, state)


def _routes(cases):
    # (case, route) pairs: skops.io only holds states of the original form.
    return [
        (case, route)
        for case, (_, _, skops) in cases.items()
        for route in ROUTES
        if skops or route != "skops"
    ]


@pytest.mark.parametrize("case, route", _routes(TREE_CASES))
@pytest.mark.parametrize("model", list(TREE_MODELS))
def test_corrupt_tree_state_raises(model, case, route, global_random_seed):
    _check_case(TREE_MODELS, TREE_CASES, model, case, route, global_random_seed)


@pytest.mark.parametrize("case, route", _routes(BT_CASES))
@pytest.mark.parametrize("model", list(BINARY_TREE_MODELS))
def test_corrupt_binary_tree_state_raises(model, case, route, global_random_seed):
    _check_case(BINARY_TREE_MODELS, BT_CASES, model, case, route, global_random_seed)


# --------------------------------------------------------------------------
# States valid on their own, inconsistent with their estimator or input
# --------------------------------------------------------------------------


def _with_tree_state(model, path, **entries):
    # ``model`` pickled with the tree at ``path`` restored from a state with
    # ``entries`` changed (a valid tree state).
    state = _fresh_state(_get(model, path))
    state.update(entries)
    return _load("pickle", model, path, state)


@pytest.mark.parametrize("model", list(TREE_MODELS))
def test_tree_wider_than_the_estimator_raises_on_predict(model, global_random_seed):
    # A valid tree over 10**7 features, splitting on feature 10**6, must not
    # read X[i, 10**6] of a narrower X (the estimator's n_features_in_ says 6).
    fit, path = TREE_MODELS[model]
    model = fit(global_random_seed)
    feature = _get(model, path).feature
    feature[0] = 10**6
    restored = _with_tree_state(model, path, n_features=10**7, feature=feature)
    X, _ = _data(global_random_seed)
    expected = (
        "tree expects 10000000 features|Tree 1 of the forest has 10000000"
        "|Tree 5 of the model has 10000000"
    )
    for method in ("predict", "apply", "decision_path"):
        if not hasattr(restored, method):
            continue
        with pytest.raises(ValueError, match=expected):
            getattr(restored, method)(X)


def test_forest_tree_with_other_classes_raises_on_predict(global_random_seed):
    # The compiled sum reads n_outputs * max_n_classes values per leaf of every
    # tree: a (valid) tree of two classes in a forest of three must not pass.
    forest = _forest(global_random_seed)
    value = _get(forest, TREE_MODELS["RandomForestClassifier"][1]).value
    restored = _with_tree_state(
        forest,
        TREE_MODELS["RandomForestClassifier"][1],
        n_classes=np.array([2]),
        value=np.ascontiguousarray(value[:, :, :2]),
    )
    X, _ = _data(global_random_seed)
    with pytest.raises(
        ValueError,
        match=r"Tree 1 of the forest has 6 features and "
        r"values of shape \(1, 2\); the forest expects 6 and \(1, 3\)",
    ):
        restored.predict_proba(X)


def test_empty_or_misbuilt_tree_raises():
    # A tree never built (a pickle holding no state) has no nodes: traversals
    # read uninitialised memory (decision_path crashed) before the check.
    from skml._splitting import Tree

    X = np.zeros((2, 3), dtype=np.float32)
    for method in ("apply", "decision_path", "predict"):
        with pytest.raises(ValueError, match="The tree has no nodes"):
            getattr(Tree(3), method)(X)
    with pytest.raises(ValueError, match=r"n_outputs = -3 must be in \[1, "):
        Tree(5, np.array([2, 2, 2]), -3)
    with pytest.raises(ValueError, match=r"n_classes must have shape \(2,\)"):
        Tree(5, np.array([2, 2, 2]), 2)


# --------------------------------------------------------------------------
# Legitimate models still load and predict identically
# --------------------------------------------------------------------------


def _legit_data(seed, kind):
    rng = np.random.RandomState(seed)
    X, y = make_classification(
        n_samples=300, n_features=5, n_informative=3, n_classes=3, random_state=seed
    )
    if kind == "nan":
        X[rng.rand(*X.shape) < 0.1] = np.nan
    if kind == "nan_column":
        # NaN in feature 0 is the class: the split sends every value left and
        # NaN right, with a threshold of +inf.
        X[:, 0][y == 1] = np.nan
    if kind == "sparse":
        X[rng.rand(*X.shape) < 0.6] = 0.0
        X = sparse.csr_matrix(X)
    return X, y


LEGIT_MODELS = {
    "best": (DecisionTreeClassifier, {}, "nan"),
    "random": (DecisionTreeClassifier, {"splitter": "random"}, "nan"),
    "hist": (DecisionTreeClassifier, {"splitter": "hist"}, "nan"),
    "best-inf-threshold": (DecisionTreeClassifier, {}, "nan_column"),
    "hist-inf-threshold": (DecisionTreeClassifier, {"splitter": "hist"}, "nan_column"),
    "best-sparse": (DecisionTreeClassifier, {}, "sparse"),
    "hist-sparse": (DecisionTreeClassifier, {"splitter": "hist"}, "sparse"),
    "random-sparse": (DecisionTreeClassifier, {"splitter": "random"}, "sparse"),
    "max_leaf_nodes": (DecisionTreeClassifier, {"max_leaf_nodes": 9}, "nan"),
    "hist-max_leaf_nodes": (
        DecisionTreeClassifier,
        {"splitter": "hist", "max_leaf_nodes": 9},
        "nan",
    ),
    "pruned": (DecisionTreeClassifier, {"ccp_alpha": 0.01}, "nan"),
    "pruned-to-root": (DecisionTreeClassifier, {"ccp_alpha": 1.0}, "nan"),
    "max_depth": (DecisionTreeClassifier, {"max_depth": 3}, "nan"),
    "squared_error": (DecisionTreeRegressor, {}, "nan"),
    "absolute_error": (DecisionTreeRegressor, {"criterion": "absolute_error"}, "none"),
    "poisson": (DecisionTreeRegressor, {"criterion": "poisson"}, "nan"),
    "regressor-hist-sparse": (DecisionTreeRegressor, {"splitter": "hist"}, "sparse"),
    "random-forest": (RandomForestClassifier, {"n_estimators": 4}, "nan"),
    "random-forest-hist": (
        RandomForestClassifier,
        {"n_estimators": 4, "splitter": "hist"},
        "nan",
    ),
    "extra-trees": (ExtraTreesClassifier, {"n_estimators": 4}, "nan"),
    "forest-regressor-sparse": (RandomForestRegressor, {"n_estimators": 4}, "sparse"),
    "extra-trees-regressor": (ExtraTreesRegressor, {"n_estimators": 4}, "nan"),
    "kd_tree": (KNeighborsClassifier, {"algorithm": "kd_tree"}, "none"),
    "ball_tree": (KNeighborsClassifier, {"algorithm": "ball_tree"}, "none"),
    "kd_tree-minkowski": (
        KNeighborsRegressor,
        {"algorithm": "kd_tree", "p": 3, "leaf_size": 1},
        "none",
    ),
    "ball_tree-chebyshev": (
        KNeighborsRegressor,
        {"algorithm": "ball_tree", "metric": "chebyshev"},
        "none",
    ),
    "nearest-neighbors-manhattan": (
        NearestNeighbors,
        {"algorithm": "kd_tree", "metric": "manhattan"},
        "none",
    ),
}

OUTPUTS = ("predict", "predict_proba", "apply", "decision_path", "kneighbors")


def _outputs(model, X):
    out = {}
    for method in OUTPUTS:
        if hasattr(model, method):
            value = getattr(model, method)(X)
            if method == "decision_path" and isinstance(value, tuple):
                value = value[0]
            out[method] = value.toarray() if sparse.issparse(value) else value
    return out


def _fitted_legit(name, seed):
    cls, params, kind = LEGIT_MODELS[name]
    X, y = _legit_data(seed, kind)
    if "random_state" in cls().get_params():
        params = {**params, "random_state": seed}
    if cls is DecisionTreeRegressor or cls in (
        RandomForestRegressor,
        ExtraTreesRegressor,
    ):
        y = y + 1.0  # positive, for Poisson
    model = cls(**params)
    return (model.fit(X) if cls is NearestNeighbors else model.fit(X, y)), X


@pytest.mark.parametrize("route", ["pickle", "skops"])
@pytest.mark.parametrize("name", list(LEGIT_MODELS))
def test_legit_models_load_and_predict_identically(name, route, global_random_seed):
    model, X = _fitted_legit(name, global_random_seed)
    if name.endswith("inf-threshold"):
        assert np.isposinf(model.tree_.threshold).any()
    if route == "pickle":
        restored = pickle.loads(pickle.dumps(model))
    else:
        sio = pytest.importorskip("skops.io")
        data = sio.dumps(model)
        restored = sio.loads(data, trusted=sio.get_untrusted_types(data=data))
    expected = _outputs(model, X)
    got = _outputs(restored, X)
    assert got.keys() == expected.keys()
    for method, value in expected.items():
        if isinstance(value, tuple):
            for a, b in zip(got[method], value):
                assert_array_equal(a, b, err_msg=method)
        else:
            assert_array_equal(got[method], value, err_msg=method)


# --------------------------------------------------------------------------
# Every compiled object a fitted estimator holds is one of the checked kinds
# --------------------------------------------------------------------------

CHECKED_KINDS = {"Tree", "KDTree", "BallTree"}


def _compiled_objects(obj, found, depth=0):
    # Collect the types of skml's compiled (extension) objects reachable from
    # obj through estimators, lists, tuples and dicts.
    if depth > 6:
        return
    module = sys.modules.get(type(obj).__module__)
    if type(obj).__module__.startswith("skml.") and getattr(
        module, "__file__", ""
    ).endswith((".so", ".pyd")):
        found.add(type(obj).__name__)
    if isinstance(obj, BaseEstimator):
        children = vars(obj).values()
    elif isinstance(obj, list | tuple):
        children = obj
    elif isinstance(obj, dict):
        children = obj.values()
    else:
        children = ()
    for child in children:
        _compiled_objects(child, found, depth + 1)


def test_fitted_estimators_hold_only_checked_compiled_objects(global_random_seed):
    # A new compiled object on a fitted estimator needs the same load-time
    # checks (and cases in this file) before it joins CHECKED_KINDS.
    X, y = make_classification(
        n_samples=120,
        n_features=6,
        n_informative=4,
        n_classes=3,
        random_state=global_random_seed,
    )
    X = np.abs(X)  # non-negative, for the count models
    found = set()
    for name, cls in all_estimators(
        ["classifier", "regressor", "transformer", "cluster"]
    ):
        if not library_available(name):
            continue
        params = FAST_PARAMS.get(name, {})
        variants = [params]
        if "algorithm" in cls().get_params() and name.startswith(("KNeigh", "Near")):
            variants = [{**params, "algorithm": a} for a in ("kd_tree", "ball_tree")]
        for variant in variants:
            _compiled_objects(cls(**variant).fit(X, y), found)
    assert found == CHECKED_KINDS


def _narrow(array):
    return np.ascontiguousarray(array[:, :2])


@pytest.mark.parametrize("method", ["predict", "kneighbors", "radius_neighbors"])
def test_neighbors_with_a_narrower_fitted_matrix_raise(method, global_random_seed):
    # A brute-force index is a plain array: a file may hold one narrower than
    # n_features_in_; the distance core must refuse it, not read past its rows.
    from skml.neighbors import KNeighborsClassifier

    rng = np.random.default_rng(global_random_seed)
    X, y = rng.normal(size=(60, 5)), rng.integers(0, 2, 60)
    model = KNeighborsClassifier(algorithm="brute").fit(X, y)
    model._fit_X = _narrow(model._fit_X)
    restored = pickle.loads(pickle.dumps(model))
    kwargs = {"radius": 1.0} if method == "radius_neighbors" else {}
    with pytest.raises(ValueError, match="same number of columns"):
        getattr(restored, method)(X, **kwargs)


@pytest.mark.parametrize("method", ["predict", "transform", "score"])
@pytest.mark.parametrize("kind", ["KMeans", "MiniBatchKMeans"])
def test_kmeans_with_narrower_centres_raise(kind, method, global_random_seed):
    import skml.cluster

    X = np.random.default_rng(global_random_seed).normal(size=(60, 5))
    model = getattr(skml.cluster, kind)(3, n_init=1, random_state=0).fit(X)
    model.cluster_centers_ = _narrow(model.cluster_centers_)
    with pytest.raises(ValueError, match="cluster_centers_ must be"):
        getattr(pickle.loads(pickle.dumps(model)), method)(X)
