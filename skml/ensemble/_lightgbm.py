# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""LightGBMClassifier and LightGBMRegressor: LightGBM's native training API
behind a scikit-learn estimator.

The data goes to ``lightgbm.train`` as a ``lightgbm.Dataset`` and predictions
come from ``Booster.predict``, the calls ``lightgbm.LGBMClassifier`` makes, so the
wrappers predict what LightGBM's own estimators predict at the same settings.
"""

import re
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

__all__ = ["LightGBMClassifier", "LightGBMRegressor"]

# LightGBM's own names of the objective (docs: Parameters, "objective").
_OBJECTIVE_KEYS = ("objective", "objective_type", "app", "application", "loss")


def _key_values(block):
    """The ``key=value`` lines of a block of LightGBM's model text."""
    values = {}
    for line in block.split("\n"):
        key, sep, value = line.partition("=")
        if sep:
            values[key] = value
    return values


def _numbers(values, key, count, kind=float):
    try:
        numbers = [kind(token) for token in values.get(key, "").split()]
    except ValueError:
        raise ValueError(f"{key} holds a value that is not a number.") from None
    if len(numbers) != count:
        raise ValueError(f"{key} has {len(numbers)} entries, expected {count}.")
    return numbers


def _check_tree(block, index, n_features):
    """Refuse a tree whose arrays disagree with its leaf count, whose nodes do
    not form a tree (each node reached once, children after parents), or whose
    features or categorical thresholds are out of range."""
    values = _key_values(block)
    if values.get("Tree") != str(index):
        raise ValueError(f"tree {index} does not start where tree_sizes says.")
    (n_leaves,) = _numbers(values, "num_leaves", 1, int)
    (n_cat,) = _numbers(values, "num_cat", 1, int)
    if n_leaves < 1 or n_cat < 0:
        raise ValueError(f"tree {index} has {n_leaves} leaves, {n_cat} categories.")
    n_nodes = n_leaves - 1
    # LightGBM reads each array by the leaf count, without checking its length.
    for key, count in (
        ("leaf_value", n_leaves),
        ("leaf_weight", n_leaves),
        ("leaf_count", n_leaves),
        ("split_gain", n_nodes),
        ("internal_value", n_nodes),
        ("internal_weight", n_nodes),
        ("internal_count", n_nodes),
    ):
        # A one-leaf tree has only its value (LightGBM reads nothing else).
        if key == "leaf_value" or (key in values and n_nodes):
            _numbers(values, key, count)
    if n_nodes == 0:
        return
    features = _numbers(values, "split_feature", n_nodes, int)
    if min(features) < 0 or max(features) >= n_features:
        raise ValueError(f"tree {index} splits on a feature out of range.")
    threshold = _numbers(values, "threshold", n_nodes)
    decision = _numbers(values, "decision_type", n_nodes, int)
    left = _numbers(values, "left_child", n_nodes, int)
    right = _numbers(values, "right_child", n_nodes, int)
    internal, leaves = [], []
    for node, children in enumerate(zip(left, right)):
        for child in children:
            if child >= 0:
                if not node < child < n_nodes:
                    raise ValueError(f"tree {index} has a child before its parent.")
                internal.append(child)
            else:
                leaves.append(~child)
    if sorted(internal) != list(range(1, n_nodes)) or sorted(leaves) != list(
        range(n_leaves)
    ):
        raise ValueError(f"tree {index}: the nodes do not form a tree.")
    if n_cat:
        bounds = _numbers(values, "cat_boundaries", n_cat + 1, int)
        if bounds[0] != 0 or any(b > a for a, b in zip(bounds[1:], bounds)):
            raise ValueError(f"tree {index} has invalid cat_boundaries.")
        _numbers(values, "cat_threshold", bounds[-1], int)
    for kind, value in zip(decision, threshold):
        if kind & 1 and not (0 <= value < n_cat and value == int(value)):
            raise ValueError(f"tree {index} has a categorical split out of range.")
    if values.get("is_linear", "0") != "0":
        raise ValueError(f"tree {index} is a linear tree, which skml does not load.")


def check_model_string(model):
    """Check the structure of a LightGBM model string before LightGBM parses it
    (LightGBM reads past the end of a truncated or edited model)."""
    start = model.find("\nTree=0\n")
    end = model.find("\nend of trees\n")
    if not model.startswith("tree\n") or start < 0 or end < start:
        raise ValueError("not a LightGBM model string (no trees section).")
    header = _key_values(model[:start])
    header.setdefault("feature_names", "")
    (n_features,) = _numbers(header, "max_feature_idx", 1, int)
    n_features += 1
    (n_classes,) = _numbers(header, "num_class", 1, int)
    (per_iteration,) = _numbers(header, "num_tree_per_iteration", 1, int)
    sizes = [int(t) for t in header.get("tree_sizes", "x").split() if t.isdigit()]
    if (
        n_features < 1
        or n_classes < 1
        or per_iteration < 1
        or len(sizes) != len(header.get("tree_sizes", "").split())
        or len(sizes) % per_iteration
        or any(
            len(header[key].split()) != n_features
            for key in ("feature_names", "feature_infos", "monotone_constraints")
            if key in header or key == "feature_names"
        )
    ):
        raise ValueError("the header of the LightGBM model is inconsistent.")
    offset = start + 1
    for index, size in enumerate(sizes):
        _check_tree(model[offset:offset + size], index, n_features)
        offset += size
    if offset != end + 1:
        raise ValueError("tree_sizes does not match the trees section.")
    tail = model[end:]
    first, last = tail.find("\nparameters:\n"), tail.find("\nend of parameters\n")
    if first < 0 or last < first or not all(
        re.fullmatch(r"\[\w+: [^\[\]\n]*\]", line)
        for line in tail[first + len("\nparameters:\n"):last].split("\n")
        if line
    ):
        raise ValueError("the parameters section is missing or truncated.")


class _LightGBMBackend:
    """What is LightGBM-specific: parameter names and aliases, training,
    prediction and the model format. Imports lightgbm only when called."""

    name = "lightgbm"
    leaves_param = "num_leaves"
    # skml name -> the keys (LightGBM's name and its aliases) it is read from.
    aliases = {
        "n_estimators": {
            "num_iterations", "num_iteration", "n_iter", "num_tree", "num_trees",
            "num_round", "num_rounds", "nrounds", "num_boost_round", "max_iter",
        },
        "learning_rate": {"shrinkage_rate", "eta"},
        "max_depth": set(),
        "num_leaves": {"num_leaf", "max_leaves", "max_leaf", "max_leaf_nodes"},
        "subsample": {"bagging_fraction", "sub_row", "bagging"},
        "colsample_bytree": {"feature_fraction", "sub_feature"},
        "reg_alpha": {"lambda_l1", "l1_regularization"},
        "reg_lambda": {"lambda_l2", "lambda", "l2_regularization"},
        "min_child_weight": {
            "min_sum_hessian_in_leaf", "min_sum_hessian_per_leaf",
            "min_sum_hessian", "min_hessian",
        },
        "random_state": {"seed", "random_seed"},
        "n_jobs": {"num_threads", "num_thread", "nthread", "nthreads"},
    }

    @staticmethod
    def library():
        return import_library("lightgbm")

    @staticmethod
    def managed_keys(is_classifier):
        managed = dict.fromkeys(
            ("num_class", "num_classes"), "it is the number of classes in y."
        )
        managed.update(
            dict.fromkeys(
                ("early_stopping_round", "early_stopping_rounds", "early_stopping",
                 "n_iter_no_change"),
                "use n_iter_no_change (and early_stopping).",
            )
        )
        if is_classifier:
            managed.update(
                dict.fromkeys(
                    _OBJECTIVE_KEYS,
                    "the classifier trains binary or multiclass; use "
                    "LightGBMRegressor for other objectives.",
                )
            )
        return managed

    @staticmethod
    def classifier_objective(n_classes):
        return "binary" if n_classes == 2 else "multiclass"

    @staticmethod
    def resolve_params(explicit, params, objective, is_classifier, classes):
        resolved = {
            "learning_rate": explicit["learning_rate"],
            "max_depth": -1 if explicit["max_depth"] is None else explicit["max_depth"],
            "num_leaves": explicit["num_leaves"],
            "bagging_fraction": explicit["subsample"],
            "feature_fraction": explicit["colsample_bytree"],
            "lambda_l1": explicit["reg_alpha"],
            "lambda_l2": explicit["reg_lambda"],
            "min_sum_hessian_in_leaf": explicit["min_child_weight"],
            "seed": explicit["random_state"],
            "num_threads": explicit["n_jobs"],
        }
        # LightGBM bags rows only every bagging_freq rounds (0: never).
        if explicit["subsample"] < 1 and not {"bagging_freq", "subsample_freq"} & set(
            params
        ):
            resolved["bagging_freq"] = 1
        if not {"verbosity", "verbose"} & set(params):
            resolved["verbosity"] = -1
        if objective is None:
            objective = "regression"
            for key in _OBJECTIVE_KEYS:
                if key in params:
                    objective = params.pop(key)
        elif len(classes) > 2:
            resolved["num_class"] = len(classes)
        resolved["objective"] = objective
        resolved.update(params)
        return resolved, objective

    @staticmethod
    def train(lgb, params, train, validation, *, n_estimators, n_iter_no_change,
              tol, n_threads):
        X, y, w = train
        dtrain = lgb.Dataset(X, label=y, weight=w)
        valid_sets, callbacks = [], []
        if validation is not None:
            X_val, y_val, w_val = validation
            valid_sets = [lgb.Dataset(X_val, label=y_val, weight=w_val,
                                      reference=dtrain)]
            callbacks = [
                lgb.early_stopping(n_iter_no_change, verbose=False, min_delta=tol)
            ]
        booster = lgb.train(
            params,
            dtrain,
            num_boost_round=n_estimators,
            valid_sets=valid_sets,
            callbacks=callbacks,
        )
        # LightGBM counts the best iteration from 1.
        best = None if validation is None else int(booster.best_iteration) - 1
        return booster, best

    @staticmethod
    def predict(booster, X, n_iter, n_threads):
        pred = booster.predict(X, num_iteration=n_iter, num_threads=n_threads)
        return np.asarray(pred, dtype=np.float64)

    @staticmethod
    def gain_importances(booster, n_features, n_iter):
        gains = booster.feature_importance(importance_type="gain", iteration=n_iter)
        return np.asarray(gains, dtype=np.float64)

    @staticmethod
    def dump(booster):
        return booster.model_to_string(num_iteration=-1)

    @staticmethod
    def load(model, n_threads):
        lgb = import_library("lightgbm")
        if not isinstance(model, str):
            raise ValueError("A LightGBM model must be stored as a str.")
        try:
            check_model_string(model)
        except ValueError as exc:
            raise ValueError(f"Invalid LightGBM model: {exc}") from None
        try:
            return lgb.Booster(model_str=model)
        except lgb.basic.LightGBMError as exc:
            raise ValueError(f"Invalid LightGBM model: {exc}") from exc


_CONSTRAINTS = {
    **_BoosterWrapper._parameter_constraints,
    "num_leaves": [Interval(Integral, 2, None, closed="left")],
}

_DOC_FIELDS = {
    "library": "LightGBM",
    "learning_rate": "0.1",
    "lr_name": "learning_rate",
    "max_depth": "None",
    "leaves_doc": """\
    num_leaves : int, default=31
        Maximum number of leaves of a tree (trees grow leaf-wise, best
        first).""",
    "reg_lambda": "0.0",
    "min_child_weight": "1e-3",
    "metric_key": "metric",
    "example": '{"min_child_samples": 5, "max_bin": 63}',
    "alias_example": "num_iterations, seed, num_threads, bagging_fraction, "
    "lambda_l2",
    "managed_example": "num_class, early_stopping_round",
}


class LightGBMClassifier(ClassifierMixin, _BoosterWrapper):
    __doc__ = (
        """LightGBM gradient-boosted trees as a scikit-learn classifier.

    Trains with ``lightgbm.train`` (objective ``binary`` for two classes,
    ``multiclass`` for more) on labels of any type, with internal
    early stopping that needs nothing passed to ``fit``, so it works inside
    ``GridSearchCV`` and ``Pipeline``. Needs ``pip install "skml[lightgbm]"``;
    lightgbm is imported when the model is fitted or loaded, not with skml.

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
        + ATTRIBUTES_DOC.format(booster="lightgbm.Booster", library="LightGBM")
        + """
    See Also
    --------
    LightGBMRegressor : The regressor.
    XGBoostClassifier : The same wrapper around XGBoost.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skml.ensemble import LightGBMClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = LightGBMClassifier(n_estimators=20, random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:1]).shape
    (1, 3)
    """
    )

    _backend = _LightGBMBackend
    _parameter_constraints = _CONSTRAINTS

    def __init__(
        self,
        *,
        n_estimators=100,
        learning_rate=0.1,
        max_depth=None,
        num_leaves=31,
        subsample=1.0,
        colsample_bytree=1.0,
        reg_alpha=0.0,
        reg_lambda=0.0,
        min_child_weight=1e-3,
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
        self.num_leaves = num_leaves
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


class LightGBMRegressor(RegressorMixin, _BoosterWrapper):
    __doc__ = (
        """LightGBM gradient-boosted trees as a scikit-learn regressor.

    Trains with ``lightgbm.train`` (objective ``regression`` unless
    ``params`` names another), with internal early stopping that needs
    nothing passed to ``fit``. Needs ``pip install "skml[lightgbm]"``; lightgbm
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
        + ATTRIBUTES_DOC.format(booster="lightgbm.Booster", library="LightGBM")
        + """
    See Also
    --------
    LightGBMClassifier : The classifier.
    XGBoostRegressor : The same wrapper around XGBoost.

    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from skml.ensemble import LightGBMRegressor
    >>> X, y = make_regression(n_samples=200, n_features=5, random_state=0)
    >>> reg = LightGBMRegressor(n_estimators=50, random_state=0).fit(X, y)
    >>> reg.predict(X[:2]).shape
    (2,)
    """
    )

    _backend = _LightGBMBackend
    _parameter_constraints = _CONSTRAINTS

    def __init__(
        self,
        *,
        n_estimators=100,
        learning_rate=0.1,
        max_depth=None,
        num_leaves=31,
        subsample=1.0,
        colsample_bytree=1.0,
        reg_alpha=0.0,
        reg_lambda=0.0,
        min_child_weight=1e-3,
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
        self.num_leaves = num_leaves
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
