# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""KNeighborsRegressor against scikit-learn."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn import neighbors as sk_neighbors
from sklearn.datasets import make_regression
from sklearn.model_selection import GridSearchCV, cross_val_score

from skml.neighbors import KNeighborsRegressor

ALGORITHMS = ["brute", "kd_tree", "ball_tree"]


def _inverse_square(dist):
    return 1.0 / (1.0 + dist**2)


WEIGHTS = ["uniform", "distance", _inverse_square]
# Distance-weighted predictions inherit the relative error of brute-force
# euclidean distances, which skml's core keeps below ~1e-10 (GEMM expansion,
# recomputed where it cancels); scikit-learn's trees sum distances directly.
RTOL = 1e-9


@pytest.mark.parametrize("algorithm", ALGORITHMS)
@pytest.mark.parametrize("weights", WEIGHTS)
@pytest.mark.parametrize("metric", ["minkowski", "manhattan", "cosine"])
def test_regressor_matches_sklearn(algorithm, weights, metric, global_random_seed):
    X, y = make_regression(
        n_samples=250, n_features=5, noise=0.5, random_state=global_random_seed
    )
    X_train, X_test, y_train = X[:200], X[200:], y[:200]
    params = dict(n_neighbors=6, weights=weights, algorithm=algorithm, metric=metric)
    if metric == "cosine" and algorithm != "brute":
        # Not a valid combination, in scikit-learn either: both refuse it.
        with pytest.raises(ValueError, match="Metric 'cosine' not valid"):
            sk_neighbors.KNeighborsRegressor(**params).fit(X_train, y_train)
        with pytest.raises(ValueError, match=f"not valid for algorithm='{algorithm}'"):
            KNeighborsRegressor(**params).fit(X_train, y_train)
        return
    ours = KNeighborsRegressor(**params).fit(X_train, y_train)
    ref = sk_neighbors.KNeighborsRegressor(**params).fit(X_train, y_train)
    assert_allclose(ours.predict(X_test), ref.predict(X_test), rtol=RTOL)
    assert_allclose(ours.predict(None), ref.predict(None), rtol=RTOL)
    assert ours.score(X_test, y[200:]) == pytest.approx(ref.score(X_test, y[200:]))


@pytest.mark.parametrize("weights", WEIGHTS)
def test_regressor_multi_output(weights, global_random_seed):
    X, Y = make_regression(
        n_samples=150, n_features=4, n_targets=3, random_state=global_random_seed
    )
    ours = KNeighborsRegressor(n_neighbors=4, weights=weights).fit(X[:100], Y[:100])
    ref = sk_neighbors.KNeighborsRegressor(n_neighbors=4, weights=weights)
    ref.fit(X[:100], Y[:100])
    pred = ours.predict(X[100:])
    assert pred.shape == (50, 3)
    assert_allclose(pred, ref.predict(X[100:]), rtol=RTOL)


def test_regressor_distance_weights_exact_match():
    X = np.array([[0.0], [0.0], [1.0], [2.0]])
    y = np.array([1.0, 3.0, 10.0, 20.0])
    reg = KNeighborsRegressor(n_neighbors=4, weights="distance").fit(X, y)
    # Coincident training points share all the weight: mean of 1 and 3.
    assert_allclose(reg.predict([[0.0]]), [2.0])
    ref = sk_neighbors.KNeighborsRegressor(n_neighbors=4, weights="distance")
    assert_allclose(reg.predict([[0.0], [0.7]]), ref.fit(X, y).predict([[0.0], [0.7]]))


def test_regressor_in_grid_search(global_random_seed):
    X, y = make_regression(
        n_samples=200, n_features=4, noise=1.0, random_state=global_random_seed
    )
    grid = {"n_neighbors": [2, 8], "weights": ["uniform", "distance"]}
    ours = GridSearchCV(KNeighborsRegressor(), grid, cv=3).fit(X, y)
    ref = GridSearchCV(sk_neighbors.KNeighborsRegressor(), grid, cv=3).fit(X, y)
    assert ours.best_params_ == ref.best_params_
    assert_allclose(
        ours.cv_results_["mean_test_score"], ref.cv_results_["mean_test_score"]
    )
    assert_allclose(
        cross_val_score(KNeighborsRegressor(n_jobs=1), X, y, cv=3),
        cross_val_score(sk_neighbors.KNeighborsRegressor(), X, y, cv=3),
    )
