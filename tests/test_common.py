# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""scikit-learn's estimator checks on every public skml estimator.

Estimators are discovered, never listed by hand. The table of fast parameters and
of expected failures lives in ``skml.utils._test_common``; classical estimators have
no expected failures.
"""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skml.utils._test_common import (
    EXPECTED_FAILED_CHECKS,
    FAST_PARAMS,
    estimator_instances,
    expected_failed_checks,
)
from skml.utils.discovery import all_estimators


def test_all_estimators_discovers_every_family():
    names = {name for name, _ in all_estimators()}
    expected = {"GaussianNB", "MultinomialNB", "BernoulliNB", "ComplementNB", "PCA"}
    assert expected <= names, f"not discovered: {sorted(expected - names)}"


def test_fast_params_name_existing_estimators():
    names = {name for name, _ in all_estimators()}
    assert set(FAST_PARAMS) <= names


def test_classical_estimators_have_no_expected_failures():
    # Every estimator so far is classical: each must pass every check.
    assert EXPECTED_FAILED_CHECKS == {}


@parametrize_with_checks(
    estimator_instances(), expected_failed_checks=expected_failed_checks
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
