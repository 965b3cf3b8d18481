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
}

# name -> {check name: reason}. Classical estimators must stay out of this table.
EXPECTED_FAILED_CHECKS = {}


def estimator_instances():
    """Return one instance of every public estimator, with ``FAST_PARAMS`` applied."""
    return [cls(**FAST_PARAMS.get(name, {})) for name, cls in all_estimators()]


def expected_failed_checks(estimator):
    """Return ``{check name: reason}`` expected to fail for ``estimator``."""
    return EXPECTED_FAILED_CHECKS.get(type(estimator).__name__, {})
