# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""scikit-learn's estimator checks on every public skml estimator.

Estimators are discovered, never listed by hand. The table of fast parameters and
of expected failures lives in ``skml.utils._test_common``; classical estimators have
no expected failures.
"""

import importlib
import inspect
from pathlib import Path

from sklearn.base import BaseEstimator
from sklearn.utils.estimator_checks import parametrize_with_checks

from skml.utils._test_common import (
    EXPECTED_FAILED_CHECKS,
    FAST_PARAMS,
    OPTIONAL_LIBRARY,
    estimator_instances,
    expected_failed_checks,
    uplift_estimator_instances,
)
from skml.utils.discovery import all_estimators
from skml.utils.estimator_checks import parametrize_uplift_checks


def _estimators_in_public_all():
    # Independent of skml.utils.discovery: read every public subpackage's
    # ``__all__`` from the installed files and keep the estimator classes.
    import skml

    found = set()
    for path in sorted(Path(skml.__file__).parent.iterdir()):
        name = path.stem
        is_package = path.is_dir() and (path / "__init__.py").exists()
        if name.startswith("_") or not (is_package or path.suffix == ".py"):
            continue
        module = importlib.import_module(f"skml.{name}")
        for public in getattr(module, "__all__", []):
            obj = getattr(module, public)
            if inspect.isclass(obj) and issubclass(obj, BaseEstimator):
                found.add((public, obj))
    return found


def test_all_estimators_discovers_every_family():
    expected = _estimators_in_public_all()
    families = {cls.__module__.split(".")[1] for _, cls in expected}
    # Every family that has landed is in the expectation (it cannot be empty).
    assert {"naive_bayes", "decomposition", "cluster", "neighbors", "tree",
            "ensemble", "uplift"} <= families
    assert set(all_estimators()) == expected


def test_fast_params_name_existing_estimators():
    names = {name for name, _ in all_estimators()}
    assert set(FAST_PARAMS) <= names


def test_classical_estimators_have_no_expected_failures():
    # Every estimator skml implements itself must pass every check; only a
    # wrapper of an optional library may fail one, for a stated reason that
    # lies in the library's arithmetic.
    assert set(EXPECTED_FAILED_CHECKS) <= set(OPTIONAL_LIBRARY)
    for checks in EXPECTED_FAILED_CHECKS.values():
        assert all(reason.strip() for reason in checks.values())


@parametrize_with_checks(
    estimator_instances(), expected_failed_checks=expected_failed_checks
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


def test_every_uplift_estimator_is_checked():
    checked = {type(est) for est in uplift_estimator_instances()}
    assert checked == {cls for _, cls in all_estimators("uplift")}


@parametrize_uplift_checks(uplift_estimator_instances())
def test_uplift_estimator(estimator, check):
    check(estimator)
