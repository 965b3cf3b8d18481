# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""KNeighborsClassifier against scikit-learn."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import neighbors as sk_neighbors
from sklearn.datasets import load_digits, load_iris, make_classification
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skml.neighbors import KNeighborsClassifier

ALGORITHMS = ["brute", "kd_tree", "ball_tree"]


def _inverse_square(dist):
    return 1.0 / (1.0 + dist**2)


WEIGHTS = ["uniform", "distance", _inverse_square]


def _split(X, y, seed):
    rng = np.random.default_rng(seed)
    order = rng.permutation(X.shape[0])
    n_test = X.shape[0] // 4
    return X[order[n_test:]], X[order[:n_test]], y[order[n_test:]]


def _compare(params, X_train, X_test, y_train, rtol=1e-9):
    """Compare with scikit-learn; brute force against its exact kd-tree distances.

    Brute-force euclidean distances come from the GEMM expansion: skml's core
    keeps their relative error below ~1e-10 (it recomputes pairs where the
    expansion cancels), scikit-learn's brute force does not correct them, so
    the reference for distance-weighted values is scikit-learn's kd-tree,
    which sums the distances directly.
    """
    ours = KNeighborsClassifier(**params).fit(X_train, y_train)
    ref_params = dict(params)
    if params.get("algorithm", "brute") == "brute" and params.get(
        "metric", "minkowski"
    ) in ("minkowski", "euclidean", "manhattan", "chebyshev"):
        ref_params["algorithm"] = "kd_tree"
    ref = sk_neighbors.KNeighborsClassifier(**ref_params).fit(X_train, y_train)
    assert_array_equal(ours.predict(X_test), ref.predict(X_test))
    assert_allclose(
        ours.predict_proba(X_test), ref.predict_proba(X_test), rtol=rtol, atol=1e-15
    )
    assert_array_equal(ours.classes_, ref.classes_)
    return ours


@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize("weights", WEIGHTS)
def test_classifier_matches_sklearn_on_iris(algorithm, weights, global_random_seed):
    X, y = load_iris(return_X_y=True)
    # Jitter breaks iris' many exact distance ties, which scikit-learn orders
    # arbitrarily while skml orders them by index.
    X = X + np.random.default_rng(global_random_seed).normal(0, 1e-3, X.shape)
    X_train, X_test, y_train = _split(X, y, global_random_seed)
    params = dict(n_neighbors=7, weights=weights, algorithm=algorithm)
    _compare(params, X_train, X_test, y_train)


@pytest.mark.parametrize("weights", WEIGHTS)
def test_classifier_matches_sklearn_on_digits(weights, global_random_seed):
    X, y = load_digits(return_X_y=True)
    X = X + np.random.default_rng(global_random_seed).normal(0, 1e-3, X.shape)
    X_train, X_test, y_train = _split(X, y, global_random_seed)
    ours = _compare(dict(n_neighbors=5, weights=weights), X_train, X_test, y_train)
    assert ours._fit_method == "brute"  # 64 features


@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize("weights", WEIGHTS)
@pytest.mark.parametrize("metric", ["euclidean", "manhattan", "chebyshev"])
def test_classifier_matches_sklearn_on_random_data(
    algorithm, weights, metric, global_random_seed
):
    X, y = make_classification(
        n_samples=300,
        n_features=6,
        n_informative=4,
        n_classes=4,
        random_state=global_random_seed,
    )
    X_train, X_test, y_train = _split(X, y, global_random_seed)
    params = dict(n_neighbors=9, weights=weights, algorithm=algorithm, metric=metric)
    _compare(params, X_train, X_test, y_train)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_classifier_string_labels_and_dtypes(dtype, global_random_seed):
    X, y = make_classification(
        n_samples=120,
        n_features=4,
        n_informative=3,
        n_redundant=0,
        n_classes=3,
        random_state=global_random_seed,
    )
    labels = np.array(["ant", "bee", "cat"])[y]
    rng = np.random.default_rng(global_random_seed)
    X = X.astype(dtype)
    Q = (X[:30] + rng.normal(0, 0.5, (30, 4))).astype(dtype)
    params = dict(n_neighbors=4, weights="distance", algorithm="brute")
    # float32 distances carry float32 rounding, in both libraries alike.
    _compare(params, X, Q, labels, rtol=1e-5 if dtype == np.float32 else 1e-9)


def test_classifier_multi_output(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    X = rng.standard_normal((150, 4))
    Y = np.column_stack([X[:, 0] > 0, (X[:, 1] > 0.3).astype(int) + (X[:, 2] > 0)])
    Q = rng.standard_normal((30, 4))
    for weights in WEIGHTS:
        ours = KNeighborsClassifier(n_neighbors=5, weights=weights).fit(X, Y)
        ref = sk_neighbors.KNeighborsClassifier(n_neighbors=5, weights=weights)
        ref.fit(X, Y)
        assert ours.outputs_2d_ and isinstance(ours.classes_, list)
        assert_array_equal(ours.predict(Q), ref.predict(Q))
        for p, rp in zip(ours.predict_proba(Q), ref.predict_proba(Q)):
            assert_allclose(p, rp)
    assert ours.predict(Q).shape == (30, 2)


def test_classifier_distance_weights_exact_match():
    # A query that coincides with training points takes their vote only.
    X = np.array([[0.0], [0.0], [1.0], [1.1], [1.2]])
    y = np.array([0, 0, 1, 1, 1])
    clf = KNeighborsClassifier(n_neighbors=5, weights="distance").fit(X, y)
    assert_array_equal(clf.predict([[0.0]]), [0])
    assert_allclose(clf.predict_proba([[0.0]]), [[1.0, 0.0]])
    ref = sk_neighbors.KNeighborsClassifier(n_neighbors=5, weights="distance")
    assert_allclose(
        clf.predict_proba([[0.0], [0.5]]), ref.fit(X, y).predict_proba([[0.0], [0.5]])
    )


def test_classifier_zero_weights_error():
    X = np.array([[0.0], [1.0], [2.0]])
    clf = KNeighborsClassifier(n_neighbors=2, weights=np.zeros_like).fit(X, [0, 1, 1])
    with pytest.raises(ValueError, match="zero weight"):
        clf.predict(X)


def test_classifier_predict_none_excludes_self(global_random_seed):
    X, y = make_classification(
        n_samples=80, n_features=4, random_state=global_random_seed
    )
    ours = KNeighborsClassifier(n_neighbors=3).fit(X, y)
    ref = sk_neighbors.KNeighborsClassifier(n_neighbors=3).fit(X, y)
    assert_array_equal(ours.predict(None), ref.predict(None))
    assert_allclose(ours.predict_proba(None), ref.predict_proba(None))


def test_classifier_score_and_ties_go_to_first_class():
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    clf = KNeighborsClassifier(n_neighbors=2).fit(X, ["b", "a", "b", "a"])
    # Neighbours of 0.4: 0 ("b") and 1 ("a"): a 1-1 tie goes to "a".
    assert_array_equal(clf.predict([[0.4]]), ["a"])
    assert clf.score(X, ["b", "a", "b", "a"]) == pytest.approx(
        sk_neighbors.KNeighborsClassifier(n_neighbors=2)
        .fit(X, ["b", "a", "b", "a"])
        .score(X, ["b", "a", "b", "a"])
    )


def test_classifier_in_grid_search_and_pipeline(global_random_seed):
    X, y = load_iris(return_X_y=True)
    X = X + np.random.default_rng(global_random_seed).normal(0, 1e-3, X.shape)
    grid = {
        "kneighborsclassifier__n_neighbors": [1, 5, 15],
        "kneighborsclassifier__weights": ["uniform", "distance"],
    }
    results = []
    for cls in (KNeighborsClassifier, sk_neighbors.KNeighborsClassifier):
        search = GridSearchCV(make_pipeline(StandardScaler(), cls()), grid, cv=3)
        results.append(search.fit(X, y))
    assert results[0].best_params_ == results[1].best_params_
    assert_allclose(
        results[0].cv_results_["mean_test_score"],
        results[1].cv_results_["mean_test_score"],
    )
    assert_array_equal(results[0].predict(X), results[1].predict(X))
