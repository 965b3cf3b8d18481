# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""LinearRegression and Ridge against scikit-learn and closed forms."""

import warnings

import numpy as np
import pytest
import sklearn.linear_model as sk
from numpy.testing import assert_allclose
from sklearn.exceptions import ConvergenceWarning

from skml.linear_model import LinearRegression, Ridge


def _data(seed, n_samples=60, n_features=5, n_targets=None):
    rng = np.random.RandomState(seed)
    X = rng.randn(n_samples, n_features) + rng.randn(n_features)
    shape = (n_features,) if n_targets is None else (n_features, n_targets)
    y = X @ rng.randn(*shape) + 0.3 * rng.randn(n_samples, *shape[1:]) + 2.0
    return X, y, rng.uniform(0.2, 3.0, n_samples)


@pytest.mark.parametrize("solver", ["lstsq", "normal", "gd"])
@pytest.mark.parametrize("n_targets", [None, 3])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_linear_regression_matches_sklearn(
    solver, n_targets, fit_intercept, global_random_seed
):
    X, y, sw = _data(global_random_seed, n_targets=n_targets)
    ours = LinearRegression(
        solver=solver, fit_intercept=fit_intercept, tol=1e-12, max_iter=100_000
    ).fit(X, y, sample_weight=sw)
    ref = sk.LinearRegression(fit_intercept=fit_intercept).fit(X, y, sample_weight=sw)
    assert ours.coef_.shape == ref.coef_.shape
    assert_allclose(ours.coef_, ref.coef_, atol=1e-6)
    assert_allclose(ours.intercept_, ref.intercept_, atol=1e-6)


def test_linear_regression_solves_the_normal_equations(global_random_seed):
    X, y, sw = _data(global_random_seed)
    reg = LinearRegression(solver="normal").fit(X, y, sample_weight=sw)
    A = np.column_stack([X, np.ones(len(X))])
    residual = y - A @ np.r_[reg.coef_, reg.intercept_]
    # Weighted residuals are orthogonal to every column (and to the intercept).
    assert_allclose(A.T @ (sw * residual), 0.0, atol=1e-8)


@pytest.mark.parametrize("solver", ["lstsq", "gd"])
def test_linear_regression_positive_matches_sklearn(solver, global_random_seed):
    X, y, _ = _data(global_random_seed)
    ours = LinearRegression(
        solver=solver, positive=True, tol=1e-12, max_iter=100_000
    ).fit(X, y)
    ref = sk.LinearRegression(positive=True).fit(X, y)
    assert np.all(ours.coef_ >= 0)
    assert_allclose(ours.coef_, ref.coef_, atol=1e-6)
    assert_allclose(ours.intercept_, ref.intercept_, atol=1e-6)


def test_linear_regression_sample_weight_is_repetition(global_random_seed):
    X, y, _ = _data(global_random_seed, n_samples=30)
    counts = np.random.RandomState(global_random_seed).randint(0, 4, len(X))
    for solver in ("lstsq", "normal"):
        weighted = LinearRegression(solver=solver).fit(X, y, sample_weight=counts)
        repeated = LinearRegression(solver=solver).fit(
            np.repeat(X, counts, axis=0), np.repeat(y, counts)
        )
        assert_allclose(weighted.coef_, repeated.coef_, atol=1e-10)
        assert_allclose(weighted.intercept_, repeated.intercept_, atol=1e-10)


def test_normal_solver_rejects_singular_equations():
    rng = np.random.RandomState(0)
    X = rng.randn(20, 3)
    X = np.column_stack([X, X[:, 0] + X[:, 1]])
    with pytest.raises(ValueError, match="normal equations are singular"):
        LinearRegression(solver="normal").fit(X, rng.randn(20))
    # A constant column is singular once centred.
    X = np.column_stack([rng.randn(20), np.ones(20)])
    with pytest.raises(ValueError, match="normal equations are singular"):
        LinearRegression(solver="normal").fit(X, rng.randn(20))
    # lstsq handles it: minimum-norm solution.
    LinearRegression().fit(X, rng.randn(20))


def test_normal_solver_rejects_positive():
    X, y, _ = _data(0)
    with pytest.raises(ValueError, match="positive=True is not available"):
        LinearRegression(solver="normal", positive=True).fit(X, y)


def test_gradient_descent_warns_at_max_iter():
    X, y, _ = _data(0)
    X[:, 0] *= 30  # ill-conditioned: slow
    with pytest.warns(ConvergenceWarning, match="did not converge"):
        reg = LinearRegression(solver="gd", max_iter=5).fit(X, y)
    assert reg.n_iter_ == 5


def test_gradient_descent_diverges_with_a_large_step():
    X, y, _ = _data(0)
    with pytest.raises(ValueError, match="diverged"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            LinearRegression(solver="gd", learning_rate=1e3, max_iter=2000).fit(X, y)


def test_gradient_descent_wide_data_matches_lstsq(global_random_seed):
    # More features than samples: the gradient goes through X, not the Gram
    # matrix, and from zero it converges to the minimum-norm solution.
    X, y, _ = _data(global_random_seed, n_samples=8, n_features=20)
    gd = LinearRegression(solver="gd", tol=1e-12, max_iter=200_000).fit(X, y)
    ls = LinearRegression().fit(X, y)
    assert_allclose(gd.predict(X), y, atol=1e-6)
    assert_allclose(gd.coef_, ls.coef_, atol=1e-5)


@pytest.mark.parametrize("solver", ["auto", "cholesky", "svd", "lsqr"])
@pytest.mark.parametrize("n_targets", [None, 2])
@pytest.mark.parametrize("shape", [(60, 5), (10, 25)])
def test_ridge_matches_sklearn(solver, n_targets, shape, global_random_seed):
    X, y, sw = _data(global_random_seed, *shape, n_targets=n_targets)
    alpha = 0.7 if n_targets is None else np.array([0.3, 4.0])
    ours = Ridge(alpha=alpha, solver=solver, tol=1e-12).fit(X, y, sample_weight=sw)
    ref_solver = "cholesky" if solver == "auto" else solver
    ref = sk.Ridge(alpha=alpha, solver=ref_solver, tol=1e-12).fit(
        X, y, sample_weight=sw
    )
    assert_allclose(ours.coef_, ref.coef_, atol=1e-6)
    assert_allclose(ours.intercept_, ref.intercept_, atol=1e-6)


def test_ridge_closed_form(global_random_seed):
    X, y, _ = _data(global_random_seed)
    alpha = 2.5
    reg = Ridge(alpha=alpha, fit_intercept=False).fit(X, y)
    expected = np.linalg.solve(X.T @ X + alpha * np.eye(X.shape[1]), X.T @ y)
    assert_allclose(reg.coef_, expected, rtol=1e-10)


def test_ridge_singular_cholesky_falls_back_to_svd():
    rng = np.random.RandomState(0)
    X = rng.randn(20, 2)
    X = np.column_stack([X, X[:, 0]])
    y = rng.randn(20)
    with pytest.warns(Warning, match="Singular matrix"):
        reg = Ridge(alpha=0.0, solver="cholesky").fit(X, y)
    assert reg.solver_ == "svd"
    assert_allclose(reg.coef_, LinearRegression().fit(X, y).coef_, atol=1e-8)


@pytest.mark.parametrize("alpha", [-1.0, [1.0, -0.5], [1.0, 2.0, 3.0]])
def test_ridge_rejects_bad_alpha(alpha):
    X, y, _ = _data(0, n_targets=2)
    with pytest.raises(ValueError, match="alpha"):
        Ridge(alpha=alpha).fit(X, y)


@pytest.mark.parametrize("Estimator", [LinearRegression, Ridge])
def test_non_finite_input_is_rejected(Estimator):
    X, y, _ = _data(0)
    X[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        Estimator().fit(X, y)
    X[3, 1] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        Estimator().fit(X, y)
