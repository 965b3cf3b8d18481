# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""XGBoostClassifier and XGBoostRegressor: XGBoost's native training API behind
a scikit-learn estimator.

The data goes to ``xgboost.train`` as a ``QuantileDMatrix`` (a ``DMatrix`` for
the exact and approx tree methods) and predictions come from
``Booster.inplace_predict``, the same calls ``xgboost.XGBClassifier`` makes, so
the wrappers predict what XGBoost's own estimators predict at the same settings.
"""

import json
from numbers import Integral

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin

from skml.ensemble._booster_wrapper import (
    ATTRIBUTES_DOC,
    CLASSES_DOC,
    PARAMETERS_DOC,
    _BoosterWrapper,
    import_library,
    predict_proba_doc,
)
from skml.utils._sklearn import Interval

__all__ = ["XGBoostClassifier", "XGBoostRegressor"]


_INVALID_NODE = 2147483647  # XGBoost's parent of the root


def _int_list(tree, key, count, low, high):
    values = tree.get(key)
    if not isinstance(values, list) or len(values) != count:
        raise ValueError(f"{key} must be a list of {count} entries.")
    if any(type(v) is not int or not low <= v < high for v in values):
        raise ValueError(f"{key} holds entries outside [{low}, {high}).")
    return values


def _check_tree(tree, n_features):
    """Refuse a tree whose arrays disagree with its node count, whose nodes do
    not form a tree (children after their parent, each reached once) or that
    splits on a feature or category out of range."""
    param = tree.get("tree_param", {})
    n_nodes = int(param.get("num_nodes", -1))
    if n_nodes < 1 or param.get("size_leaf_vector", "1") not in ("0", "1"):
        raise ValueError("a tree has no nodes or vector leaves.")
    left = _int_list(tree, "left_children", n_nodes, -1, n_nodes)
    right = _int_list(tree, "right_children", n_nodes, -1, n_nodes)
    parents = _int_list(tree, "parents", n_nodes, 0, _INVALID_NODE + 1)
    features = _int_list(tree, "split_indices", n_nodes, 0, max(n_features, 1))
    split_type = _int_list(tree, "split_type", n_nodes, 0, 2)
    _int_list(tree, "default_left", n_nodes, 0, 2)
    for key in ("split_conditions", "base_weights", "loss_changes", "sum_hessian"):
        values = tree.get(key)
        if not isinstance(values, list) or len(values) != n_nodes or not all(
            isinstance(v, float | int) for v in values
        ):
            raise ValueError(f"{key} must be a list of {n_nodes} numbers.")
    reached = [0] * n_nodes
    for node in range(n_nodes):
        children = (left[node], right[node])
        if children == (-1, -1):
            continue
        if min(children) <= node or features[node] >= n_features:
            raise ValueError("a tree has a child before its parent.")
        for child in children:
            reached[child] += 1
            if parents[child] != node:
                raise ValueError("a tree's parents disagree with its children.")
    if reached != [0] + [1] * (n_nodes - 1):
        raise ValueError("the nodes of a tree do not form a tree.")
    cat_nodes = _int_list(tree, "categories_nodes",
                          len(tree.get("categories_nodes", [])), 0, n_nodes)
    n_cat = len(_int_list(tree, "categories", len(tree.get("categories", [])), 0,
                          2**31))
    segments = _int_list(tree, "categories_segments", len(cat_nodes), 0, n_cat + 1)
    sizes = _int_list(tree, "categories_sizes", len(cat_nodes), 0, n_cat + 1)
    if any(a + b > n_cat for a, b in zip(segments, sizes)) or sorted(
        cat_nodes
    ) != [i for i in range(n_nodes) if split_type[i] == 1]:
        raise ValueError("the categorical splits of a tree are inconsistent.")


def check_model(model):
    """Check the structure of a parsed XGBoost JSON model before XGBoost loads
    it (XGBoost trusts the node indices and array lengths it reads)."""
    learner = model["learner"]
    param = learner["learner_model_param"]
    n_features = int(param["num_feature"])
    n_groups = max(int(param.get("num_class", "0")), 1)
    booster = learner["gradient_booster"]
    name = booster["name"]
    if name == "dart":
        booster = booster["gbtree"]
    elif name == "gblinear":
        weights = booster["model"]["weights"]
        if len(weights) != (n_features + 1) * n_groups:
            raise ValueError("the linear weights do not match the features.")
        return
    elif name != "gbtree":
        raise ValueError(f"unknown booster {name!r}.")
    gbtree = booster["model"]
    trees = gbtree["trees"]
    n_trees = int(gbtree["gbtree_model_param"]["num_trees"])
    if len(trees) != n_trees:
        raise ValueError("num_trees does not match the trees.")
    _int_list(gbtree, "tree_info", n_trees, 0, n_groups)
    indptr = _int_list(gbtree, "iteration_indptr", len(gbtree["iteration_indptr"]),
                       0, n_trees + 1)
    if not indptr or indptr[0] != 0 or indptr[-1] != n_trees or any(
        b < a for a, b in zip(indptr, indptr[1:])
    ):
        raise ValueError("iteration_indptr does not index the trees.")
    cats = gbtree.get("cats", {})
    if any(cats.get(key) for key in cats) and not any(
        1 in tree.get("split_type", []) for tree in trees
    ):
        raise ValueError("categories are stored but no tree splits on them.")
    for index, tree in enumerate(trees):
        if tree.get("id") != index:
            raise ValueError("the trees are not numbered in order.")
        _check_tree(tree, n_features)


class _XGBoostBackend:
    """What is XGBoost-specific: parameter names, training, prediction and the
    model format. Imports xgboost only when called."""

    name = "xgboost"
    leaves_param = "max_leaves"
    # skml name -> the other keys XGBoost reads it from.
    aliases = {
        "n_estimators": {"num_boost_round", "num_round"},
        "learning_rate": {"eta"},
        "max_depth": set(),
        "max_leaves": set(),
        "subsample": set(),
        "colsample_bytree": set(),
        "reg_alpha": {"alpha"},
        "reg_lambda": {"lambda"},
        "min_child_weight": set(),
        "random_state": {"seed"},
        "n_jobs": {"nthread"},
    }

    @staticmethod
    def library():
        return import_library("xgboost")

    @staticmethod
    def managed_keys(is_classifier):
        managed = {
            "num_class": "it is the number of classes in y.",
            "early_stopping_rounds": "use n_iter_no_change (and early_stopping).",
        }
        if is_classifier:
            managed["objective"] = (
                "the classifier trains binary:logistic or multi:softprob; use "
                "XGBoostRegressor for other objectives."
            )
        return managed

    @staticmethod
    def classifier_objective(n_classes):
        return "binary:logistic" if n_classes == 2 else "multi:softprob"

    @staticmethod
    def resolve_params(explicit, params, objective, is_classifier, classes):
        resolved = {
            "eta": explicit["learning_rate"],
            "max_depth": 0 if explicit["max_depth"] is None else explicit["max_depth"],
            "max_leaves": 0
            if explicit["max_leaves"] is None
            else explicit["max_leaves"],
            "subsample": explicit["subsample"],
            "colsample_bytree": explicit["colsample_bytree"],
            "alpha": explicit["reg_alpha"],
            "lambda": explicit["reg_lambda"],
            "min_child_weight": explicit["min_child_weight"],
            "seed": explicit["random_state"],
            "nthread": explicit["n_jobs"],
        }
        if objective is None:
            objective = params.pop("objective", "reg:squarederror")
        elif len(classes) > 2:
            resolved["num_class"] = len(classes)
        resolved["objective"] = objective
        resolved.update(params)
        return resolved, objective

    @staticmethod
    def _data(xgb, params, X, y, w, n_threads, ref=None):
        if params.get("tree_method") in (None, "hist", "auto") and params.get(
            "booster"
        ) != "gblinear":
            kwargs = {"max_bin": params["max_bin"]} if "max_bin" in params else {}
            return xgb.QuantileDMatrix(
                X, label=y, weight=w, nthread=n_threads, ref=ref, **kwargs
            )
        return xgb.DMatrix(X, label=y, weight=w, nthread=n_threads)

    @classmethod
    def train(cls, xgb, params, train, validation, *, n_estimators,
              n_iter_no_change, tol, n_threads):
        dtrain = cls._data(xgb, params, *train, n_threads)
        evals, callbacks = [], []
        if validation is not None:
            evals = [(cls._data(xgb, params, *validation, n_threads, ref=dtrain),
                      "validation")]
            callbacks = [
                xgb.callback.EarlyStopping(
                    rounds=n_iter_no_change, min_delta=tol, save_best=False
                )
            ]
        booster = xgb.train(
            params,
            dtrain,
            num_boost_round=n_estimators,
            evals=evals,
            callbacks=callbacks,
            verbose_eval=False,
        )
        best = None if validation is None else int(booster.best_iteration)
        return booster, best

    @staticmethod
    def predict(booster, X, n_iter, n_threads):
        booster.set_param({"nthread": n_threads})
        pred = booster.inplace_predict(
            X, iteration_range=(0, n_iter), missing=np.nan, validate_features=False
        )
        return np.asarray(pred, dtype=np.float64)

    @staticmethod
    def gain_importances(booster, n_features, n_iter):
        gains = np.zeros(n_features)
        try:
            scores = booster[0:n_iter].get_score(importance_type="total_gain")
        except ValueError:  # XGBoostError: gblinear has no tree gains
            return gains
        for key, value in scores.items():
            gains[int(key[1:])] = value
        return gains

    @staticmethod
    def dump(booster):
        return bytes(booster.save_raw(raw_format="json"))

    @staticmethod
    def load(raw, n_threads):
        xgb = import_library("xgboost")
        if not isinstance(raw, bytes):
            raise ValueError("An XGBoost model must be stored as bytes.")
        try:
            model = json.loads(raw)
            check_model(model)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"Invalid XGBoost model: {exc!r}") from None
        booster = xgb.Booster(params={"nthread": n_threads})
        try:
            # Re-encoded from what was checked, so XGBoost parses valid JSON.
            booster.load_model(bytearray(json.dumps(model).encode()))
        except xgb.core.XGBoostError as exc:
            raise ValueError(f"Invalid XGBoost model: {exc}") from exc
        return booster


_CONSTRAINTS = {
    **_BoosterWrapper._parameter_constraints,
    "max_leaves": [Interval(Integral, 2, None, closed="left"), None],
}

_DOC_FIELDS = {
    "library": "XGBoost",
    "learning_rate": "0.3",
    "lr_name": "eta",
    "max_depth": "6",
    "leaves_doc": """\
    max_leaves : int or None, default=None
        Maximum number of leaves of a tree; ``None`` sets no limit.""",
    "reg_lambda": "1.0",
    "min_child_weight": "1.0",
    "metric_key": "eval_metric",
    "example": '{"max_bin": 63, "gamma": 0.1}',
    "alias_example": "eta, seed, nthread, alpha, lambda",
    "managed_example": "num_class, early_stopping_rounds",
}


class XGBoostClassifier(ClassifierMixin, _BoosterWrapper):
    __doc__ = (
        """XGBoost gradient-boosted trees as a scikit-learn classifier.

    Trains with ``xgboost.train`` (objective ``binary:logistic`` for two
    classes, ``multi:softprob`` for more) on labels of any type, with internal
    early stopping that needs nothing passed to ``fit``, so it works inside
    ``GridSearchCV`` and ``Pipeline``. Needs ``pip install "skml[xgboost]"``;
    xgboost is imported when the model is fitted or loaded, not with skml.

    Read more in the :ref:`User Guide <booster_wrappers>`.

    Parameters
    ----------
"""
        + PARAMETERS_DOC.format(**_DOC_FIELDS)
        + """
    Attributes
    ----------
"""
        + CLASSES_DOC
        + "\n"
        + ATTRIBUTES_DOC.format(booster="xgboost.Booster", library="XGBoost")
        + """
    See Also
    --------
    XGBoostRegressor : The regressor.
    LightGBMClassifier : The same wrapper around LightGBM.

    Notes
    -----
    XGBoost reads the entries a sparse matrix does not store as missing
    values, not as zeros.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skml.ensemble import XGBoostClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = XGBoostClassifier(n_estimators=20, random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:1]).shape
    (1, 3)
    """
    )

    _backend = _XGBoostBackend
    _parameter_constraints = _CONSTRAINTS

    def __init__(
        self,
        *,
        n_estimators=100,
        learning_rate=0.3,
        max_depth=6,
        max_leaves=None,
        subsample=1.0,
        colsample_bytree=1.0,
        reg_alpha=0.0,
        reg_lambda=1.0,
        min_child_weight=1.0,
        early_stopping="auto",
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-7,
        random_state=None,
        n_jobs=None,
        params=None,
    ):
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.max_depth = max_depth
        self.max_leaves = max_leaves
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.reg_alpha = reg_alpha
        self.reg_lambda = reg_lambda
        self.min_child_weight = min_child_weight
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.params = params

    def predict_proba(self, X):
        return self._predict_proba(X)

    predict_proba.__doc__ = predict_proba_doc()


class XGBoostRegressor(RegressorMixin, _BoosterWrapper):
    __doc__ = (
        """XGBoost gradient-boosted trees as a scikit-learn regressor.

    Trains with ``xgboost.train`` (objective ``reg:squarederror`` unless
    ``params`` names another), with internal early stopping that needs
    nothing passed to ``fit``. Needs ``pip install "skml[xgboost]"``; xgboost
    is imported when the model is fitted or loaded, not with skml.

    Read more in the :ref:`User Guide <booster_wrappers>`.

    Parameters
    ----------
"""
        + PARAMETERS_DOC.format(**_DOC_FIELDS)
        + """
    Attributes
    ----------
"""
        + ATTRIBUTES_DOC.format(booster="xgboost.Booster", library="XGBoost")
        + """
    See Also
    --------
    XGBoostClassifier : The classifier.
    LightGBMRegressor : The same wrapper around LightGBM.

    Notes
    -----
    XGBoost reads the entries a sparse matrix does not store as missing
    values, not as zeros.

    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from skml.ensemble import XGBoostRegressor
    >>> X, y = make_regression(n_samples=200, n_features=5, random_state=0)
    >>> reg = XGBoostRegressor(n_estimators=50, random_state=0).fit(X, y)
    >>> reg.predict(X[:2]).shape
    (2,)
    """
    )

    _backend = _XGBoostBackend
    _parameter_constraints = _CONSTRAINTS

    def __init__(
        self,
        *,
        n_estimators=100,
        learning_rate=0.3,
        max_depth=6,
        max_leaves=None,
        subsample=1.0,
        colsample_bytree=1.0,
        reg_alpha=0.0,
        reg_lambda=1.0,
        min_child_weight=1.0,
        early_stopping="auto",
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-7,
        random_state=None,
        n_jobs=None,
        params=None,
    ):
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.max_depth = max_depth
        self.max_leaves = max_leaves
        self.subsample = subsample
        self.colsample_bytree = colsample_bytree
        self.reg_alpha = reg_alpha
        self.reg_lambda = reg_lambda
        self.min_child_weight = min_child_weight
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.params = params
