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
    # A tight tol: the sample-weight equivalence check compares to 1e-7, which
    # holds at the optimum only (SVM weights are exact multiplicities of C).
    "SVC": {"tol": 1e-10}, "SVR": {"tol": 1e-10},
    "LinearSVC": {"tol": 1e-10, "max_iter": 100_000},
    "LinearSVR": {"tol": 1e-10, "max_iter": 100_000},
}

# name -> {check name: reason}. Classical estimators must stay out of this table.
EXPECTED_FAILED_CHECKS = {}


def estimator_instances():
    """Return one instance of every classical public estimator (uplift ones aside),
    with ``FAST_PARAMS`` applied."""
    from skml.uplift import UpliftMixin

    return [
        cls(**FAST_PARAMS.get(name, {}))
        for name, cls in all_estimators()
        if not issubclass(cls, UpliftMixin)
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
    ]


def expected_failed_checks(estimator):
    """Return ``{check name: reason}`` expected to fail for ``estimator``."""
    return EXPECTED_FAILED_CHECKS.get(type(estimator).__name__, {})
