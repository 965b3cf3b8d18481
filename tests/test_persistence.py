# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Every estimator round-trips through pickle, deepcopy and skops.io unchanged."""

import copy
import pickle

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.base import is_classifier, is_regressor
from sklearn.datasets import make_classification
from sklearn.utils import get_tags

from skml.utils._test_common import FAST_PARAMS
from skml.utils.discovery import all_estimators

skops_io = pytest.importorskip("skops.io")

OUTPUT_METHODS = (
    "predict",
    "predict_proba",
    "predict_log_proba",
    "decision_function",
    "transform",
    "score_samples",
    # NearestNeighbors has no predict/transform: its output is the neighbours.
    "kneighbors",
)

# The only types skops.io may report as untrusted in a skml model: skml's own
# estimator classes. The user guide (doc/persistence.rst) documents this.
TRUSTED_PREFIX = "skml."


def _fitted(cls, name, seed):
    estimator = cls(**FAST_PARAMS.get(name, {}))
    X, y = make_classification(
        n_samples=120, n_features=6, n_informative=4, n_classes=3, random_state=seed
    )
    if get_tags(estimator).input_tags.positive_only:
        X = np.floor(X - X.min())  # count-like, non-negative
    if is_regressor(estimator):
        y = X @ np.arange(X.shape[1]) + y
    if is_classifier(estimator) or is_regressor(estimator):
        return estimator.fit(X, y), X
    return estimator.fit(X), X


def _outputs(estimator, X):
    return {
        method: getattr(estimator, method)(X)
        for method in OUTPUT_METHODS
        if hasattr(estimator, method)
    }


def _assert_same_outputs(original, restored, X):
    expected = _outputs(original, X)
    assert expected, f"{type(original).__name__} exposes no output method"
    for method, value in _outputs(restored, X).items():
        assert_array_equal(value, expected[method], err_msg=method)


@pytest.mark.parametrize("name, cls", all_estimators(), ids=lambda x: str(x))
def test_estimator_pickle_and_deepcopy_round_trip(name, cls, global_random_seed):
    estimator, X = _fitted(cls, name, global_random_seed)
    _assert_same_outputs(estimator, pickle.loads(pickle.dumps(estimator)), X)
    _assert_same_outputs(estimator, copy.deepcopy(estimator), X)


@pytest.mark.parametrize("name, cls", all_estimators(), ids=lambda x: str(x))
def test_estimator_skops_round_trip(name, cls, global_random_seed):
    estimator, X = _fitted(cls, name, global_random_seed)
    data = skops_io.dumps(estimator)
    untrusted = skops_io.get_untrusted_types(data=data)
    unexpected = [t for t in untrusted if not t.startswith(TRUSTED_PREFIX)]
    assert not unexpected, f"skops reports untrusted non-skml types: {unexpected}"
    restored = skops_io.loads(data, trusted=untrusted)
    _assert_same_outputs(estimator, restored, X)
