# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Lasso, ElasticNet and their paths against scikit-learn, KKT and the duality gap."""

import numpy as np
import pytest
import sklearn.linear_model as sk
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import ConvergenceWarning

from skml.linear_model import ElasticNet, Lasso, enet_path, lasso_path


def _data(seed, n_samples=80, n_features=12, n_targets=None):
    rng = np.random.RandomState(seed)
    X = rng.randn(n_samples, n_features) + rng.randn(n_features)
    coef = np.zeros(n_features)
    coef[:4] = rng.uniform(1, 3, 4) * rng.choice([-1, 1], 4)
    y = X @ coef + 0.5 * rng.randn(n_samples) + 1.5
    if n_targets is not None:
        y = np.column_stack([y + k * rng.randn(n_samples) for k in range(n_targets)])
    return X, y, rng.uniform(0.2, 3.0, n_samples)


@pytest.mark.parametrize("precompute", [False, True])
@pytest.mark.parametrize("positive", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("l1_ratio", [1.0, 0.5, 0.1])
def test_enet_matches_sklearn(
    precompute, positive, fit_intercept, l1_ratio, global_random_seed
):
    X, y, sw = _data(global_random_seed)
    params = dict(
        alpha=0.2,
        l1_ratio=l1_ratio,
        fit_intercept=fit_intercept,
        tol=1e-10,
        positive=positive,
    )
    ours = ElasticNet(precompute=precompute, **params).fit(X, y, sample_weight=sw)
    ref = sk.ElasticNet(**params).fit(X, y, sample_weight=sw)
    assert_allclose(ours.coef_, ref.coef_, atol=1e-6)
    assert_allclose(ours.intercept_, ref.intercept_, atol=1e-6)


def test_lasso_matches_sklearn_multi_target(global_random_seed):
    X, y, _ = _data(global_random_seed, n_targets=3)
    ours = Lasso(alpha=0.1, tol=1e-10).fit(X, y)
    ref = sk.Lasso(alpha=0.1, tol=1e-10).fit(X, y)
    assert ours.coef_.shape == (3, X.shape[1])
    assert_allclose(ours.coef_, ref.coef_, atol=1e-6)
    assert_allclose(ours.intercept_, ref.intercept_, atol=1e-6)
    assert ours.n_iter_.shape == ours.dual_gap_.shape == (3,)


@pytest.mark.parametrize("precompute", [False, True])
def test_random_selection_reaches_the_same_optimum(precompute, global_random_seed):
    X, y, _ = _data(global_random_seed)
    ref = Lasso(alpha=0.1, tol=1e-12).fit(X, y)
    a = Lasso(
        alpha=0.1,
        tol=1e-12,
        selection="random",
        random_state=0,
        precompute=precompute,
    ).fit(X, y)
    b = Lasso(
        alpha=0.1,
        tol=1e-12,
        selection="random",
        random_state=0,
        precompute=precompute,
    ).fit(X, y)
    assert_array_equal(a.coef_, b.coef_)  # same seed, same path
    assert_allclose(a.coef_, ref.coef_, atol=1e-6)


def test_lasso_kkt_conditions(global_random_seed):
    X, y, _ = _data(global_random_seed)
    n = X.shape[0]
    alpha = 0.15
    reg = Lasso(alpha=alpha, tol=1e-12).fit(X, y)
    r = y - reg.predict(X)
    corr = (X - X.mean(axis=0)).T @ r / n
    zero = reg.coef_ == 0
    assert zero.any() and (~zero).any()
    # |X_j^T r| / n <= alpha where w_j = 0, = alpha * sign(w_j) elsewhere.
    assert np.all(np.abs(corr[zero]) <= alpha + 1e-8)
    assert_allclose(corr[~zero], alpha * np.sign(reg.coef_[~zero]), atol=1e-8)


def test_duality_gap_is_below_tolerance(global_random_seed):
    X, y, _ = _data(global_random_seed)
    tol = 1e-6
    reg = ElasticNet(alpha=0.3, l1_ratio=0.6, tol=tol).fit(X, y)
    yc = y - y.mean()
    assert 0 <= reg.dual_gap_ <= tol * (yc @ yc) / len(y)
    # Recompute primal - dual by hand at the returned coefficients.
    n = len(y)
    l1, l2 = 0.3 * 0.6 * n, 0.3 * 0.4 * n
    Xc = X - X.mean(axis=0)
    R = yc - Xc @ reg.coef_
    primal = (
        0.5 * R @ R + l1 * np.abs(reg.coef_).sum() + 0.5 * l2 * reg.coef_ @ reg.coef_
    )
    XtA = Xc.T @ R - l2 * reg.coef_
    scale = min(1.0, l1 / np.abs(XtA).max())
    theta = scale * R
    dual = (
        -0.5 * theta @ theta
        + theta @ yc
        - 0.5 * l2 * (scale * reg.coef_) @ (scale * reg.coef_)
    )
    assert_allclose((primal - dual) / n, reg.dual_gap_, rtol=1e-6, atol=1e-12)


def test_sample_weight_is_repetition(global_random_seed):
    X, y, _ = _data(global_random_seed, n_samples=40)
    counts = np.random.RandomState(global_random_seed).randint(0, 4, len(X))
    weighted = ElasticNet(alpha=0.05, tol=1e-12).fit(X, y, sample_weight=counts)
    repeated = ElasticNet(alpha=0.05, tol=1e-12).fit(
        np.repeat(X, counts, axis=0), np.repeat(y, counts)
    )
    assert_allclose(weighted.coef_, repeated.coef_, atol=1e-8)
    assert_allclose(weighted.intercept_, repeated.intercept_, atol=1e-8)


def test_warm_start_starts_from_the_previous_solution(global_random_seed):
    X, y, _ = _data(global_random_seed)
    reg = Lasso(alpha=0.1, tol=1e-8, warm_start=True).fit(X, y)
    cold_iter = reg.n_iter_
    reg.fit(X, y)
    assert reg.n_iter_ <= 1 < cold_iter
    reg.set_params(alpha=0.09).fit(X, y)
    cold = Lasso(alpha=0.09, tol=1e-8).fit(X, y)
    assert reg.n_iter_ <= cold.n_iter_
    assert_allclose(reg.coef_, cold.coef_, atol=1e-5)


def test_max_iter_warns():
    X, y, _ = _data(0)
    with pytest.warns(ConvergenceWarning, match="duality gap"):
        reg = Lasso(alpha=1e-4, tol=1e-14, max_iter=2).fit(X, y)
    assert reg.n_iter_ == 2


def test_given_gram_matrix_is_used():
    X, y, _ = _data(0)
    gram = X.T @ X
    a = Lasso(alpha=0.1, fit_intercept=False, precompute=gram, tol=1e-10).fit(X, y)
    b = Lasso(alpha=0.1, fit_intercept=False, tol=1e-10).fit(X, y)
    assert_allclose(a.coef_, b.coef_, atol=1e-8)
    with pytest.raises(ValueError, match="Gram matrix of shape"):
        Lasso(precompute=gram[:3]).fit(X, y)
    with pytest.warns(UserWarning, match="computing the Gram matrix"):
        Lasso(precompute=gram).fit(X, y)


def test_negative_alpha_is_rejected():
    X, y, _ = _data(0)
    with pytest.raises(ValueError, match="alpha"):
        Lasso(alpha=-1.0).fit(X, y)


@pytest.mark.parametrize("precompute", [False, True])
def test_lasso_path_matches_sklearn(precompute, global_random_seed):
    X, y, _ = _data(global_random_seed)
    X, y = X - X.mean(axis=0), y - y.mean()
    alphas, coefs, gaps = lasso_path(X, y, alphas=20, tol=1e-10, precompute=precompute)
    ref_alphas, ref_coefs, _ = sk.lasso_path(X, y, alphas=20, tol=1e-10)
    assert_allclose(alphas, ref_alphas, rtol=1e-12)
    assert_allclose(coefs, ref_coefs, atol=1e-6)
    assert coefs.shape == (X.shape[1], 20) and gaps.shape == (20,)
    # The first alpha is the smallest with all-zero coefficients.
    assert np.all(coefs[:, 0] == 0)
    assert np.any(lasso_path(X, y, alphas=[alphas[0] * 0.99], tol=1e-14)[1] != 0)


def test_enet_path_matches_sklearn(global_random_seed):
    X, y, _ = _data(global_random_seed)
    alphas, coefs, _, n_iter = enet_path(
        X, y, l1_ratio=0.4, eps=1e-2, alphas=15, tol=1e-10, return_n_iter=True
    )
    ref_alphas, ref_coefs, _ = sk.enet_path(
        X, y, l1_ratio=0.4, eps=1e-2, alphas=15, tol=1e-10
    )
    assert_allclose(alphas, ref_alphas, rtol=1e-12)
    assert_allclose(coefs, ref_coefs, atol=1e-6)
    assert n_iter.shape == (15,)


def test_lasso_path_sparsity_decreases_with_alpha(global_random_seed):
    # On an orthogonal design the lasso is soft-thresholding: the support only
    # grows as alpha decreases.
    rng = np.random.RandomState(global_random_seed)
    Q, _ = np.linalg.qr(rng.randn(50, 10))
    y = Q @ rng.randn(10) + 0.1 * rng.randn(50)
    X = Q * np.sqrt(50)
    alphas, coefs, _ = lasso_path(X, y, alphas=30, tol=1e-12)
    n_nonzero = (coefs != 0).sum(axis=0)
    assert np.all(np.diff(n_nonzero) >= 0)
    assert n_nonzero[0] == 0
    # X^T X = n I, so the solution is the soft-thresholded X^T y / n.
    z = X.T @ y / 50
    expected = np.sign(z)[:, None] * np.maximum(np.abs(z)[:, None] - alphas, 0)
    assert_allclose(coefs, expected, atol=1e-8)


def test_path_given_alphas_and_multi_target(global_random_seed):
    X, y, _ = _data(global_random_seed, n_targets=2)
    alphas, coefs, gaps = lasso_path(X, y, alphas=[0.1, 1.0], tol=1e-10)
    assert_array_equal(alphas, [1.0, 0.1])
    assert coefs.shape == (2, X.shape[1], 2) and gaps.shape == (2, 2)
    for k in range(2):
        ref = Lasso(alpha=0.1, fit_intercept=False, tol=1e-10).fit(X, y[:, k])
        assert_allclose(coefs[k, :, 1], ref.coef_, atol=1e-7)
    with pytest.raises(ValueError, match="alphas"):
        lasso_path(X, y, alphas=[-1.0])
