# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Forward and backward passes: finite-difference gradient checks (float64) and
the losses against independent formulas."""

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose
from scipy.special import expit, log_expit, log_softmax

from skml.neural_network._activations import ACTIVATIONS, get_activation
from skml.neural_network._network import BN_EPSILON, BN_MOMENTUM, _Network

N_SAMPLES, N_FEATURES = 9, 4


def _problem(seed, out_activation, n_outputs=3, weighted=False):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N_SAMPLES, N_FEATURES))
    if out_activation == "softmax":
        Y = np.eye(n_outputs)[rng.integers(n_outputs, size=N_SAMPLES)]
    elif out_activation == "logistic":
        Y = (rng.random((N_SAMPLES, n_outputs)) < 0.5).astype(float)
    else:
        Y = rng.standard_normal((N_SAMPLES, n_outputs))
    w = rng.uniform(0.2, 2.0, N_SAMPLES) if weighted else np.ones(N_SAMPLES)
    return rng, X, Y, w


def _network(rng, out_activation, activation="tanh", n_outputs=3, dropout=(0, 0),
             batch_norm=False, negative_slope=0.1, hidden=(5, 3)):
    net = _Network([N_FEATURES, *hidden, n_outputs], activation, negative_slope,
                   out_activation, list(dropout), batch_norm, np.float64)
    params, stats = net.init_params(np.random.RandomState(rng.integers(1000)))
    # Move every parameter off its initial value (zero intercepts, unit scales).
    params += 0.3 * rng.standard_normal(params.shape)
    grads = np.zeros_like(params)
    net.allocate(N_SAMPLES, params, grads, stats)
    return net


def _check_gradient(net, X, Y, w, alpha=0.0, l1=0.0, masks_rng=None):
    if masks_rng is not None:
        net.draw_masks(masks_rng, X.shape[0])  # fixed for every evaluation below

    def objective():
        return net.loss_grad(X, Y, w, alpha=alpha, l1=l1, update_stats=False)

    objective()
    analytic = net.grads.copy()
    numeric = np.empty_like(analytic)
    h = 1e-6
    for k in range(net.params.size):
        saved = net.params[k]
        net.params[k] = saved + h
        plus = objective()
        net.params[k] = saved - h
        minus = objective()
        net.params[k] = saved
        numeric[k] = (plus - minus) / (2 * h)
    assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-8)


OUTPUTS = [("softmax", 3), ("logistic", 1), ("logistic", 3), ("identity", 2)]


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("out_activation, n_outputs", OUTPUTS)
def test_gradient_every_activation_and_loss(activation, out_activation, n_outputs,
                                            global_random_seed):
    rng, X, Y, w = _problem(global_random_seed, out_activation, n_outputs, True)
    net = _network(rng, out_activation, activation, n_outputs)
    _check_gradient(net, X, Y, w)


@pytest.mark.parametrize("alpha, l1", [(0.7, 0.0), (0.0, 0.4), (0.5, 0.3)])
def test_gradient_l1_l2_penalties(alpha, l1, global_random_seed):
    rng, X, Y, w = _problem(global_random_seed, "softmax", weighted=True)
    net = _network(rng, "softmax", "relu")
    _check_gradient(net, X, Y, w, alpha=alpha, l1=l1)


def test_gradient_dropout_with_fixed_masks(global_random_seed):
    rng, X, Y, w = _problem(global_random_seed, "softmax")
    net = _network(rng, "softmax", "tanh", dropout=(0.3, 0.5))
    masks_rng = np.random.default_rng(global_random_seed)
    _check_gradient(net, X, Y, w, masks_rng=masks_rng)
    # The masks dropped some units and scaled the others.
    mask = net._masks[0][:N_SAMPLES]
    assert set(np.unique(mask)) <= {0.0, 1 / 0.7}


@pytest.mark.parametrize("activation", ["relu", "tanh"])
@pytest.mark.parametrize("weighted", [False, True])
def test_gradient_batch_norm(activation, weighted, global_random_seed):
    rng, X, Y, w = _problem(global_random_seed, "identity", 2, weighted)
    net = _network(rng, "identity", activation, 2, batch_norm=True)
    _check_gradient(net, X, Y, w, alpha=0.2)


def test_gradient_everything_together(global_random_seed):
    rng, X, Y, w = _problem(global_random_seed, "logistic", 3, True)
    net = _network(rng, "logistic", "leaky_relu", 3, dropout=(0.2, 0.0),
                   batch_norm=True)
    _check_gradient(net, X, Y, w, alpha=0.3, l1=0.1,
                    masks_rng=np.random.default_rng(global_random_seed))


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_activation_derivative_matches_finite_differences(activation,
                                                          global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    z = rng.uniform(-3, 3, (6, 5))
    z = z[np.abs(z) > 1e-3].reshape(-1)  # away from the rectifiers' kink
    act = get_activation(activation, negative_slope=0.2)
    h = 1e-6
    numeric = (act.forward(z + h, np.empty_like(z))
               - act.forward(z - h, np.empty_like(z))) / (2 * h)
    a = act.forward(z, np.empty_like(z))
    derivative = act.backward(a, np.ones_like(z))
    assert_allclose(derivative, numeric, rtol=1e-6, atol=1e-9)


def test_activation_forward_values(global_random_seed):
    z = np.random.default_rng(global_random_seed).uniform(-3, 3, 20)
    expected = {
        "identity": z,
        "logistic": 1 / (1 + np.exp(-z)),
        "tanh": np.tanh(z),
        "relu": np.where(z > 0, z, 0.0),
        "leaky_relu": np.where(z > 0, z, 0.2 * z),
    }
    for name, value in expected.items():
        act = get_activation(name, negative_slope=0.2)
        assert_allclose(act.forward(z.copy(), np.empty_like(z)), value, rtol=1e-12)
        # In place (out is the input) gives the same.
        zz = z.copy()
        assert_allclose(act.forward(zz, out=zz), value, rtol=1e-12)


# ------------------------------------------------- losses against formulas


def _plain_forward(net, X, train_bn=False, r=None):
    A = X
    for i, (W, b) in enumerate(zip(net.coefs, net.intercepts)):
        Z = A @ W + b
        if i == net.n_layers - 1:
            return Z
        if net.batch_norm:
            if train_bn:
                mu = r @ Z
                var = r @ (Z - mu) ** 2
            else:
                mu, var = net.running_means[i], net.running_vars[i]
            Z = net.gammas[i] * (Z - mu) / np.sqrt(var + BN_EPSILON) + net.betas[i]
        A = get_activation(net.activation.name, 0.1).forward(Z, np.empty_like(Z))
    return A


@pytest.mark.parametrize("out_activation, n_outputs", OUTPUTS)
def test_loss_matches_independent_formula(out_activation, n_outputs,
                                          global_random_seed):
    rng, X, Y, w = _problem(global_random_seed, out_activation, n_outputs, True)
    net = _network(rng, out_activation, "relu", n_outputs, batch_norm=True)
    alpha, l1 = 0.3, 0.2
    loss = net.loss_grad(X, Y, w, alpha=alpha, l1=l1)
    r = w / w.sum()
    Z = _plain_forward(net, X, train_bn=True, r=r)
    if out_activation == "softmax":
        per_sample = -(log_softmax(Z, axis=1) * Y).sum(axis=1)
    elif out_activation == "logistic":
        per_sample = -(Y * log_expit(Z) + (1 - Y) * log_expit(-Z)).sum(axis=1)
    else:
        per_sample = 0.5 * ((Z - Y) ** 2).sum(axis=1)
    weights = np.concatenate([c.ravel() for c in net.coefs])
    expected = (r @ per_sample + 0.5 * alpha * weights @ weights / w.sum()
                + l1 * np.abs(weights).sum() / w.sum())
    assert loss == pytest.approx(expected, rel=1e-12)


def test_batch_norm_running_statistics(global_random_seed):
    rng, X, Y, w = _problem(global_random_seed, "identity", 2)
    net = _network(rng, "identity", "relu", 2, batch_norm=True)
    Z1 = X @ net.coefs[0] + net.intercepts[0]
    mean0, var0 = net.running_means[0].copy(), net.running_vars[0].copy()
    net.loss_grad(X, Y, w)
    assert_allclose(net.running_means[0],
                    (1 - BN_MOMENTUM) * mean0 + BN_MOMENTUM * Z1.mean(axis=0))
    assert_allclose(net.running_vars[0],
                    (1 - BN_MOMENTUM) * var0 + BN_MOMENTUM * Z1.var(axis=0))
    # Prediction uses the running statistics.
    views = net.views(net.params)
    Z = net.forward_predict(X, *views, net.running_means, net.running_vars)
    assert_allclose(Z, _plain_forward(net, X), rtol=1e-12)


def test_sparse_input_gives_the_dense_gradient(global_random_seed):
    rng, X, Y, w = _problem(global_random_seed, "softmax", weighted=True)
    X[np.abs(X) < 0.8] = 0.0
    net = _network(rng, "softmax", "relu")
    dense_loss = net.loss_grad(X, Y, w, alpha=0.1)
    dense_grad = net.grads.copy()
    sparse_loss = net.loss_grad(sp.csr_matrix(X), Y, w, alpha=0.1)
    assert sparse_loss == pytest.approx(dense_loss, rel=1e-12)
    assert_allclose(net.grads, dense_grad, rtol=1e-12, atol=1e-15)


def test_zero_weight_batch_is_skipped(global_random_seed):
    rng, X, Y, _ = _problem(global_random_seed, "softmax")
    net = _network(rng, "softmax")
    net.grads.fill(7.0)
    assert net.loss_grad(X, Y, np.zeros(N_SAMPLES)) is None
    assert (net.grads == 7.0).all()


def test_dropout_masks_rate(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    net = _Network([3, 2000, 2], "relu", 0.0, "softmax", [0.25], False, np.float32)
    params, stats = net.init_params(np.random.RandomState(0))
    net.allocate(50, params, np.zeros_like(params), stats)
    net.draw_masks(rng, 50)
    mask = net._masks[0]
    assert mask.dtype == np.float32
    assert set(np.unique(mask)) == {0.0, np.float32(1 / 0.75)}
    # 100_000 Bernoulli(0.25) draws: the kept fraction within 5 sigma.
    assert abs((mask == 0).mean() - 0.25) < 5 * np.sqrt(0.25 * 0.75 / mask.size)


def test_logistic_loss_is_stable_for_large_logits():
    net = _Network([1, 1], "relu", 0.0, "logistic", [], False, np.float64)
    params, stats = net.init_params(np.random.RandomState(0))
    net.allocate(2, params, np.zeros_like(params), stats)
    params[:] = [1.0, 0.0]  # z = x
    X = np.array([[800.0], [-800.0]])
    Y = np.array([[0.0], [1.0]])
    # Each sample costs log(1 + e^800) = 800 (to float precision).
    assert net.loss_grad(X, Y, np.ones(2)) == pytest.approx(800.0)
    assert_allclose(expit(np.array([800.0])), [1.0])
