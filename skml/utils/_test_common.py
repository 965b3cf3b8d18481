# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Instances of every public estimator for the common tests.

Kept in the package (not in tests/) so that test modules, which pytest imports in
importlib mode, and the later uplift compliance suite can share one table.
"""

from skml.utils.discovery import all_estimators

# name -> constructor parameters that make the checks faster without changing what
# they test. Keep it to iteration counts and ensemble sizes.
FAST_PARAMS = {
    "RandomForestClassifier": {"n_estimators": 5},
    "RandomForestRegressor": {"n_estimators": 5},
    "ExtraTreesClassifier": {"n_estimators": 5},
    "ExtraTreesRegressor": {"n_estimators": 5},
    "MLPClassifier": {"max_iter": 100},
    "MLPRegressor": {"max_iter": 100},
    # One thread: the checks do not depend on it, and the libraries' OpenMP
    # threads spin-wait badly on a loaded machine.
    "XGBoostClassifier": {"n_estimators": 20, "n_jobs": 1},
    "XGBoostRegressor": {"n_estimators": 20, "n_jobs": 1},
    "LightGBMClassifier": {"n_estimators": 20, "n_jobs": 1},
    "LightGBMRegressor": {"n_estimators": 20, "n_jobs": 1},
    # A tight tol: the sample-weight equivalence check compares to 1e-7, which
    # holds at the optimum only (SVM weights are exact multiplicities of C).
    "SVC": {"tol": 1e-10}, "SVR": {"tol": 1e-10},
    "LinearSVC": {"tol": 1e-10, "max_iter": 100_000},
    "LinearSVR": {"tol": 1e-10, "max_iter": 100_000},
}

# name -> {check name: reason}. Classical estimators must stay out of this table;
# the only entries are what a wrapped library's own arithmetic makes fail.
_XGB_FLOAT32 = (
    "XGBoost multiplies each float32 gradient by its weight in float32, so a "
    "weight of 3 and three copies of a row differ in the last bits; after 20 "
    "rounds the 3-class probabilities differ by ~3e-8, above the check's rtol of "
    "1e-7 (xgboost.XGBClassifier fails the same way)."
)
EXPECTED_FAILED_CHECKS = {
    "XGBoostClassifier": {
        "check_sample_weight_equivalence_on_dense_data": _XGB_FLOAT32,
        "check_sample_weight_equivalence_on_sparse_data": _XGB_FLOAT32,
    },
}

# Wrappers whose library is an optional dependency, and the module they need.
OPTIONAL_LIBRARY = {
    "XGBoostClassifier": "xgboost",
    "XGBoostRegressor": "xgboost",
    "LightGBMClassifier": "lightgbm",
    "LightGBMRegressor": "lightgbm",
}


def library_available(name):
    """Whether the optional library the estimator ``name`` needs is importable
    (True for estimators that need none)."""
    import importlib.util

    module = OPTIONAL_LIBRARY.get(name)
    return module is None or importlib.util.find_spec(module) is not None


def estimator_instances():
    """Return one instance of every classical public estimator (uplift ones aside),
    with ``FAST_PARAMS`` applied. Wrappers of an optional library that is not
    installed are left out."""
    from skml.uplift import UpliftMixin

    return [
        cls(**FAST_PARAMS.get(name, {}))
        for name, cls in all_estimators()
        if not issubclass(cls, UpliftMixin) and library_available(name)
    ]


def uplift_estimator_instances():
    """Return uplift estimators for the uplift checks, with base models of both
    kinds (skml's own trees and scikit-learn's linear models)."""
    from sklearn.linear_model import LinearRegression, LogisticRegression

    from skml.tree import DecisionTreeClassifier, DecisionTreeRegressor
    from skml.uplift import (
        ClassTransformation,
        DRLearner,
        RLearner,
        SLearner,
        TLearner,
        TransformedOutcome,
        UpliftRandomForestClassifier,
        UpliftRandomForestRegressor,
        UpliftTreeClassifier,
        UpliftTreeRegressor,
        XLearner,
    )

    tree = DecisionTreeRegressor(max_depth=3, min_samples_leaf=5, random_state=0)
    return [
        SLearner(LogisticRegression()),
        SLearner(LinearRegression(), interactions=True),
        TLearner(tree),
        TLearner(DecisionTreeClassifier(max_depth=3, random_state=0)),
        XLearner(LinearRegression()),
        XLearner(
            DecisionTreeClassifier(max_depth=3, random_state=0),
            effect_estimator=tree,
        ),
        RLearner(LinearRegression(), cv=3),
        DRLearner(tree, cv=3),
        ClassTransformation(DecisionTreeClassifier(max_depth=3, random_state=0)),
        TransformedOutcome(LinearRegression()),
        UpliftTreeClassifier(min_samples_leaf=10, max_depth=3),
        UpliftTreeClassifier(criterion="DDP", splitter="hist", min_samples_leaf=10),
        UpliftTreeRegressor(min_samples_leaf=10, honesty=True),
        UpliftRandomForestClassifier(n_estimators=5, min_samples_leaf=10),
        UpliftRandomForestRegressor(n_estimators=5, min_samples_leaf=10, n_jobs=2),
    ]


def expected_failed_checks(estimator):
    """Return ``{check name: reason}`` expected to fail for ``estimator``."""
    return EXPECTED_FAILED_CHECKS.get(type(estimator).__name__, {})
