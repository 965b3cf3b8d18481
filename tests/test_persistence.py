# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Every estimator round-trips through pickle, deepcopy and skops.io unchanged."""

import copy
import pickle

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from scipy.sparse import issparse
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.datasets import make_classification
from sklearn.utils import get_tags

from skml.uplift import UpliftMixin
from skml.utils._test_common import (
    FAST_PARAMS,
    library_available,
    uplift_estimator_instances,
)
from skml.utils.discovery import all_estimators

CLASSICAL = [(n, c) for n, c in all_estimators() if not issubclass(c, UpliftMixin)]
UPLIFT = uplift_estimator_instances()

# Public methods that return something computed from the fitted model, by what
# they are called with; every other public callable is named in NOT_OUTPUTS.
X_METHODS = (
    "predict",
    "predict_outcomes",
    "predict_proba",
    "predict_log_proba",
    "predict_joint_log_proba",
    "decision_function",
    "transform",
    "score_samples",
    "apply",
    "decision_path",
    "kneighbors",
    "kneighbors_graph",
    "radius_neighbors",
    "radius_neighbors_graph",
)
# Arguments beyond X (KNeighbors* have no default radius).
X_KWARGS = {
    "radius_neighbors": {"radius": 2.0},
    "radius_neighbors_graph": {"radius": 2.0},
}
XY_METHODS = ("score",)
NO_ARG_METHODS = (
    "get_depth",
    "get_n_leaves",
    "get_covariance",
    "get_precision",
    "get_feature_names_out",
)
# (Re)fitting or parameter methods; set_*_request and set_output are included by
# their prefix.
NOT_OUTPUTS = (
    "fit",
    "fit_predict",
    "fit_transform",
    "partial_fit",
    "cost_complexity_pruning_path",
    "get_params",
    "set_params",
    "get_metadata_routing",
)

# The only types skops.io may report as untrusted in a skml model: skml's own
# estimator classes. The user guide (doc/persistence.rst) documents this.
TRUSTED_PREFIX = "skml."


def _fitted(cls, name, seed):
    if not library_available(name):
        pytest.skip(f"{name} needs an optional library that is not installed")
    estimator = cls(**FAST_PARAMS.get(name, {}))
    X, y = make_classification(
        n_samples=120, n_features=6, n_informative=4, n_classes=3, random_state=seed
    )
    if get_tags(estimator).input_tags.positive_only:
        X = np.floor(X - X.min())  # count-like, non-negative
    if is_regressor(estimator):
        y = X @ np.arange(X.shape[1]) + y
    if is_classifier(estimator) or is_regressor(estimator):
        return estimator.fit(X, y), X, y
    return estimator.fit(X), X, y


def _public_callables(estimator):
    return {
        name
        for name in dir(estimator)
        if not name.startswith("_") and callable(getattr(estimator, name, None))
    }


def _call(method, *args, **kwargs):
    # The output of a method, or the error it raises (which the restored model
    # must raise too: PCA.get_precision on rank-deficient data, as
    # scikit-learn's).
    try:
        return method(*args, **kwargs)
    except Exception as exc:
        return _Raised(type(exc), str(exc))


class _Raised(tuple):
    """An error a method raised: (type, message)."""

    def __new__(cls, kind, message):
        return super().__new__(cls, (kind, message))


def _outputs(estimator, X, y, treatment=None):
    """What every public output method of ``estimator`` returns on X (and y)."""
    xy_kwargs = {} if treatment is None else {"treatment": treatment}
    outputs = {}
    for name in sorted(_public_callables(estimator)):
        if name in NOT_OUTPUTS or name.startswith("set_"):
            continue
        method = getattr(estimator, name)
        if name in X_METHODS:
            outputs[name] = _call(method, X, **X_KWARGS.get(name, {}))
        elif name.startswith("staged_"):
            # Generators (gradient boosting): every stage's output on X.
            outputs[name] = _call(lambda m=method: np.asarray(list(m(X))))
        elif name in XY_METHODS:
            outputs[name] = _call(method, X, y, **xy_kwargs)
        elif name in NO_ARG_METHODS:
            outputs[name] = _call(method)
        elif name == "inverse_transform":
            outputs[name] = _call(method, estimator.transform(X))
        else:
            raise AssertionError(
                f"{type(estimator).__name__}.{name} is not classified: add it to "
                "the output or non-output methods of this module."
            )
    return outputs


def _assert_same(value, expected, name):
    if isinstance(expected, _Raised):
        assert value == expected, name
    elif issparse(expected):
        assert issparse(value), name
        assert_array_equal(value.toarray(), expected.toarray(), err_msg=name)
    elif isinstance(expected, tuple | list) or (
        isinstance(expected, np.ndarray) and expected.dtype == object
    ):
        assert len(value) == len(expected), name
        for a, b in zip(value, expected):
            _assert_same(a, b, name)
    else:
        assert_array_equal(value, expected, err_msg=name)


def _assert_same_outputs(original, restored, X, y, treatment=None):
    assert _public_callables(restored) == _public_callables(original)
    expected = _outputs(original, X, y, treatment)
    computed = [v for v in expected.values() if not isinstance(v, _Raised)]
    assert computed, f"{type(original).__name__} exposes no working output method"
    got = _outputs(restored, X, y, treatment)
    assert got.keys() == expected.keys()
    for name, value in expected.items():
        _assert_same(got[name], value, name)


@pytest.mark.parametrize("name, cls", CLASSICAL, ids=lambda x: str(x))
def test_estimator_pickle_and_deepcopy_round_trip(name, cls, global_random_seed):
    estimator, X, y = _fitted(cls, name, global_random_seed)
    _assert_same_outputs(estimator, pickle.loads(pickle.dumps(estimator)), X, y)
    _assert_same_outputs(estimator, copy.deepcopy(estimator), X, y)


@pytest.mark.parametrize("name, cls", CLASSICAL, ids=lambda x: str(x))
def test_estimator_skops_round_trip(name, cls, global_random_seed):
    skops_io = pytest.importorskip("skops.io")
    estimator, X, y = _fitted(cls, name, global_random_seed)
    data = skops_io.dumps(estimator)
    untrusted = skops_io.get_untrusted_types(data=data)
    unexpected = [t for t in untrusted if not t.startswith(TRUSTED_PREFIX)]
    assert not unexpected, f"skops reports untrusted non-skml types: {unexpected}"
    restored = skops_io.loads(data, trusted=untrusted)
    _assert_same_outputs(estimator, restored, X, y)


def _fitted_uplift(estimator, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(150, 4))
    t = rng.integers(0, 3, 150)
    y = (X[:, 0] + 0.5 * t * (X[:, 1] > 0) + rng.normal(size=150) > 0).astype(float)
    return clone(estimator).fit(X, y, treatment=t), X, y, t


@pytest.mark.parametrize("estimator", UPLIFT, ids=lambda est: type(est).__name__)
def test_uplift_estimator_round_trips(estimator, global_random_seed):
    fitted, X, y, t = _fitted_uplift(estimator, global_random_seed)
    for restored in (pickle.loads(pickle.dumps(fitted)), copy.deepcopy(fitted)):
        _assert_same_outputs(fitted, restored, X, y, t)
    skops_io = pytest.importorskip("skops.io")
    data = skops_io.dumps(fitted)
    restored = skops_io.loads(data, trusted=skops_io.get_untrusted_types(data=data))
    _assert_same_outputs(fitted, restored, X, y, t)
