# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""The optimizers against closed forms, plain NumPy references and known optima."""

import copy
import pickle
import tracemalloc

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.optimize import minimize
from scipy.special import expit, log_expit
from sklearn.datasets import make_classification

from skml.neural_network.optimizers import (
    SGD,
    Adam,
    AdamW,
    Momentum,
    Nesterov,
    RMSprop,
)

ALL = [SGD, Momentum, Nesterov, RMSprop, Adam, AdamW]


def _params_and_grads(rng, dtype=np.float64):
    params = [rng.standard_normal((4, 3)).astype(dtype), rng.standard_normal(3)
              .astype(dtype)]
    grads = [rng.standard_normal(p.shape).astype(dtype) for p in params]
    return params, grads


# ---------------------------------------------------------------- closed forms


def test_sgd_first_step_closed_form(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    params, grads = _params_and_grads(rng)
    expected = [p - 0.05 * g for p, g in zip(params, grads)]
    SGD(learning_rate=0.05).update(params, grads)
    for p, e in zip(params, expected):
        assert_allclose(p, e, rtol=1e-14)


def test_momentum_two_steps_closed_form(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    (p0,), (g1,) = [[a[0]] for a in _params_and_grads(rng)]
    g2 = rng.standard_normal(p0.shape)
    lr, mu = 0.1, 0.8
    p = p0.copy()
    opt = Momentum(learning_rate=lr, momentum=mu)
    opt.update([p], [g1])
    assert_allclose(p, p0 - lr * g1, rtol=1e-14)
    opt.update([p], [g2])
    # v2 = mu * (-lr g1) - lr g2
    assert_allclose(p, p0 - lr * g1 - mu * lr * g1 - lr * g2, rtol=1e-13)
    assert_allclose(opt.velocities_[0], -mu * lr * g1 - lr * g2, rtol=1e-13)


def test_nesterov_two_steps_closed_form(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    (p0,), (g1,) = [[a[0]] for a in _params_and_grads(rng)]
    g2 = rng.standard_normal(p0.shape)
    lr, mu = 0.1, 0.8
    p = p0.copy()
    opt = Nesterov(learning_rate=lr, momentum=mu)
    opt.update([p], [g1])
    assert_allclose(p, p0 - lr * (1 + mu) * g1, rtol=1e-13)
    opt.update([p], [g2])
    v2 = -mu * lr * g1 - lr * g2
    assert_allclose(p, p0 - lr * (1 + mu) * g1 + mu * v2 - lr * g2, rtol=1e-13)


def test_rmsprop_first_step_closed_form(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    (p0,), (g,) = [[a[0]] for a in _params_and_grads(rng)]
    lr, rho, eps = 0.01, 0.9, 1e-8
    p = p0.copy()
    RMSprop(learning_rate=lr, rho=rho, epsilon=eps).update([p], [g])
    assert_allclose(p, p0 - lr * g / (np.sqrt(1 - rho) * np.abs(g) + eps), rtol=1e-13)


@pytest.mark.parametrize("cls", [Adam, AdamW])
def test_adam_first_step_is_sign_step(cls, global_random_seed):
    # m_hat = g and v_hat = g**2 exactly: the step is lr * g / (|g| + eps).
    rng = np.random.default_rng(global_random_seed)
    (p0,), (g,) = [[a[0]] for a in _params_and_grads(rng)]
    lr, eps = 0.01, 1e-8
    p = p0.copy()
    kwargs = {"weight_decay": 0.0} if cls is AdamW else {}
    cls(learning_rate=lr, epsilon=eps, **kwargs).update([p], [g])
    assert_allclose(p, p0 - lr * g / (np.abs(g) + eps), rtol=1e-13)


def test_adam_bias_correction_exact_for_constant_gradient(global_random_seed):
    # With a constant gradient, the bias-corrected moments equal g and g**2 at
    # every step, so every step has the size of the first one.
    rng = np.random.default_rng(global_random_seed)
    p0 = rng.standard_normal(7)
    g = rng.standard_normal(7)
    lr, eps, n_steps = 1e-3, 1e-8, 60
    p = p0.copy()
    opt = Adam(learning_rate=lr, beta_1=0.8, beta_2=0.99, epsilon=eps)
    for _ in range(n_steps):
        opt.update([p], [g])
    assert opt.t_ == n_steps
    assert_allclose(p, p0 - n_steps * lr * g / (np.abs(g) + eps), rtol=1e-12)


def test_adamw_first_step_closed_form(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    (p0,), (g,) = [[a[0]] for a in _params_and_grads(rng)]
    lr, eps, wd = 0.01, 1e-8, 0.3
    p = p0.copy()
    AdamW(learning_rate=lr, epsilon=eps, weight_decay=wd).update([p], [g])
    assert_allclose(p, p0 * (1 - lr * wd) - lr * g / (np.abs(g) + eps), rtol=1e-13)


# --------------------------------------------- many steps against plain NumPy


def _reference(name, hyper, params, grad_seq):
    """The update rules written out plainly (new arrays at every step)."""
    params = [p.copy() for p in params]
    state = [dict(v=np.zeros_like(p), m=np.zeros_like(p)) for p in params]
    for t, grads in enumerate(grad_seq, start=1):
        for i, g in enumerate(grads):
            s, p = state[i], params[i]
            lr = hyper["learning_rate"]
            if name == "SGD":
                p = p - lr * g
            elif name == "Momentum":
                s["v"] = hyper["momentum"] * s["v"] - lr * g
                p = p + s["v"]
            elif name == "Nesterov":
                s["v"] = hyper["momentum"] * s["v"] - lr * g
                p = p + hyper["momentum"] * s["v"] - lr * g
            elif name == "RMSprop":
                s["v"] = hyper["rho"] * s["v"] + (1 - hyper["rho"]) * g**2
                p = p - lr * g / (np.sqrt(s["v"]) + hyper["epsilon"])
            else:
                b1, b2 = hyper["beta_1"], hyper["beta_2"]
                if name == "AdamW":
                    p = p * (1 - lr * hyper["weight_decay"])
                s["m"] = b1 * s["m"] + (1 - b1) * g
                s["v"] = b2 * s["v"] + (1 - b2) * g**2
                m_hat = s["m"] / (1 - b1**t)
                v_hat = s["v"] / (1 - b2**t)
                p = p - lr * m_hat / (np.sqrt(v_hat) + hyper["epsilon"])
            params[i] = p
    return params


HYPER = {
    "SGD": {"learning_rate": 0.05},
    "Momentum": {"learning_rate": 0.05, "momentum": 0.7},
    "Nesterov": {"learning_rate": 0.05, "momentum": 0.7},
    "RMSprop": {"learning_rate": 0.01, "rho": 0.8, "epsilon": 1e-6},
    "Adam": {"learning_rate": 0.01, "beta_1": 0.85, "beta_2": 0.95, "epsilon": 1e-6},
    "AdamW": {
        "learning_rate": 0.01,
        "beta_1": 0.85,
        "beta_2": 0.95,
        "epsilon": 1e-6,
        "weight_decay": 0.1,
    },
}


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_optimizer_matches_plain_numpy_reference(cls, global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    params, _ = _params_and_grads(rng)
    grad_seq = [_params_and_grads(rng)[1] for _ in range(25)]
    expected = _reference(cls.__name__, HYPER[cls.__name__], params, grad_seq)
    opt = cls(**HYPER[cls.__name__])
    for grads in grad_seq:
        opt.update(params, grads)
    for p, e in zip(params, expected):
        assert_allclose(p, e, rtol=1e-10, atol=1e-12)


# --------------------------------------------------------------- convergence


def _quadratic(rng, n=6):
    Q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    A = Q @ np.diag(np.linspace(1.0, 10.0, n)) @ Q.T
    b = rng.standard_normal(n)
    return A, b, np.linalg.solve(A, b)


# (constructor parameters, number of steps). The adaptive methods take steps of
# about the learning rate whatever the gradient, so they hover at that distance
# from the optimum: they get an exponentially decaying rate (see _run).
CONVERGENCE = {
    SGD: ({"learning_rate": 0.15}, 300),
    Momentum: ({"learning_rate": 0.05, "momentum": 0.8}, 300),
    Nesterov: ({"learning_rate": 0.05, "momentum": 0.8}, 300),
    RMSprop: ({"learning_rate": 0.05}, 3000),
    Adam: ({"learning_rate": 0.05}, 3000),
    AdamW: ({"learning_rate": 0.05, "weight_decay": 0.0}, 3000),
}


def _run(opt, x, grad, n_steps, decay):
    lr0 = opt.learning_rate
    for t in range(n_steps):
        if decay:
            # Total travel lr0 / 0.003, final rate lr0 * 1e-4 after 3000 steps.
            opt.learning_rate = lr0 * 0.997**t
        opt.update([x], [grad(x)])
    return x


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_optimizer_converges_on_convex_quadratic(cls, global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    A, b, x_star = _quadratic(rng)
    hyper, n_steps = CONVERGENCE[cls]
    x = _run(cls(**hyper), rng.standard_normal(len(b)), lambda x: A @ x - b,
             n_steps, decay=cls in (RMSprop, Adam, AdamW))
    assert_allclose(x, x_star, atol=1e-4)


def test_adamw_converges_to_the_decayed_optimum(global_random_seed):
    # With decoupled decay, the fixed point of the mean dynamics solves
    # grad f(x) = 0 for f + (wd / 2) ||x||^2 only for SGD-like steps; for Adam the
    # fixed point is where the Adam step equals lr * wd * x. A strongly decayed
    # run ends closer to 0 than the undecayed optimum.
    rng = np.random.default_rng(global_random_seed)
    A, b, x_star = _quadratic(rng)
    x = _run(AdamW(learning_rate=0.05, weight_decay=0.5), np.zeros(len(b)),
             lambda x: A @ x - b, 3000, decay=True)
    assert np.linalg.norm(x) < np.linalg.norm(x_star)


def _logistic_problem(seed):
    X, y = make_classification(n_samples=200, n_features=5, n_informative=3,
                               n_redundant=0, random_state=seed)
    X = np.hstack([X, np.ones((len(X), 1))])
    lam = 1e-2
    sign = 2.0 * y - 1.0

    def objective(w):
        return -np.mean(log_expit(sign * (X @ w))) + 0.5 * lam * w @ w

    def grad(w):
        return X.T @ (expit(X @ w) - y) / len(y) + lam * w

    reference = minimize(objective, np.zeros(X.shape[1]), jac=grad,
                         method="L-BFGS-B", options={"gtol": 1e-12, "ftol": 0})
    return objective, grad, reference.fun, X.shape[1]


LOGISTIC = {
    SGD: ({"learning_rate": 1.0}, 2000),
    Momentum: ({"learning_rate": 0.2, "momentum": 0.9}, 800),
    Nesterov: ({"learning_rate": 0.2, "momentum": 0.9}, 800),
    RMSprop: ({"learning_rate": 0.05}, 3000),
    Adam: ({"learning_rate": 0.05}, 3000),
    AdamW: ({"learning_rate": 0.05, "weight_decay": 0.0}, 3000),
}


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_optimizer_converges_on_logistic_regression(cls, global_random_seed):
    objective, grad, best, n = _logistic_problem(global_random_seed)
    hyper, n_steps = LOGISTIC[cls]
    w = _run(cls(**hyper), np.zeros(n), grad, n_steps,
             decay=cls in (RMSprop, Adam, AdamW))
    assert objective(w) - best < 1e-7


# ---------------------------------------------------------------- the state


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_optimizer_state_round_trips(cls, global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    params, grads = _params_and_grads(rng)
    opt = cls(**HYPER[cls.__name__])
    for _ in range(3):
        opt.update(params, grads)
    # Resuming from get_state, a pickle or a deepcopy continues identically.
    resumed = cls(**HYPER[cls.__name__]).set_state(opt.get_state())
    pickled = pickle.loads(pickle.dumps(opt))
    copied = copy.deepcopy(opt)
    assert pickled._scratch is None
    runs = []
    for o in (opt, resumed, pickled, copied):
        p = [a.copy() for a in params]
        o.update(p, grads)
        runs.append(p)
    for run in runs[1:]:
        for a, b in zip(run, runs[0]):
            assert_array_equal(a, b)
    assert resumed.t_ == opt.t_ == 4


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_optimizer_get_state_is_a_copy_and_reset_clears(cls, global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    params, grads = _params_and_grads(rng)
    opt = cls(**HYPER[cls.__name__])
    opt.update(params, grads)
    state = opt.get_state()
    assert state["t"] == 1
    for name in opt._state_names:
        arrays = state[name.rstrip("_")]
        for a, b in zip(arrays, getattr(opt, name)):
            assert a is not b
    p_reset = [a.copy() for a in params]
    p_fresh = [a.copy() for a in params]
    opt.reset().update(p_reset, grads)
    cls(**HYPER[cls.__name__]).update(p_fresh, grads)
    for a, b in zip(p_reset, p_fresh):
        assert_array_equal(a, b)


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_optimizer_keeps_float32(cls, global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    params, grads = _params_and_grads(rng, np.float32)
    params64 = [p.astype(np.float64) for p in params]
    grads64 = [g.astype(np.float64) for g in grads]
    opt, opt64 = cls(**HYPER[cls.__name__]), cls(**HYPER[cls.__name__])
    for _ in range(3):
        opt.update(params, grads)
        opt64.update(params64, grads64)
    for p, p64 in zip(params, params64):
        assert p.dtype == np.float32
        assert_allclose(p, p64, rtol=1e-5, atol=1e-6)
    for name in opt._state_names:
        assert all(s.dtype == np.float32 for s in getattr(opt, name))


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_optimizer_allocates_nothing_after_the_first_step(cls):
    # 1e6 float64 parameters = 8 MB; later steps must not allocate a temporary
    # of that size.
    params = [np.ones(1_000_000)]
    grads = [np.full(1_000_000, 0.5)]
    opt = cls(**HYPER[cls.__name__])
    opt.update(params, grads)
    tracemalloc.start()
    try:
        for _ in range(3):
            opt.update(params, grads)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 100_000


# -------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "cls, kwargs, error, match",
    [
        (SGD, {"learning_rate": 0.0}, ValueError, "learning_rate must be in"),
        (SGD, {"learning_rate": -1}, ValueError, "learning_rate"),
        (SGD, {"learning_rate": "fast"}, TypeError, "learning_rate must be a real"),
        (SGD, {"learning_rate": float("nan")}, ValueError, "learning_rate"),
        (Momentum, {"momentum": 1.0}, ValueError, "momentum must be in"),
        (Nesterov, {"momentum": -0.1}, ValueError, "momentum"),
        (RMSprop, {"rho": 1.0}, ValueError, "rho"),
        (Adam, {"beta_1": 1.0}, ValueError, "beta_1"),
        (Adam, {"beta_2": -0.5}, ValueError, "beta_2"),
        (Adam, {"epsilon": -1e-8}, ValueError, "epsilon"),
        (AdamW, {"weight_decay": -0.1}, ValueError, "weight_decay"),
    ],
)
def test_optimizer_rejects_bad_hyperparameters(cls, kwargs, error, match):
    with pytest.raises(error, match=match):
        cls(**kwargs)


def test_optimizer_rejects_bad_arrays():
    opt = Adam()
    with pytest.raises(ValueError, match="same length"):
        opt.update([np.zeros(2)], [])
    with pytest.raises(ValueError, match="grads\\[0\\] has shape"):
        opt.update([np.zeros(2)], [np.zeros(3)])
    with pytest.raises(TypeError, match="floating-point ndarray"):
        opt.update([np.zeros(2, dtype=int)], [np.zeros(2)])
    readonly = np.zeros(2)
    readonly.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        opt.update([readonly], [np.zeros(2)])
    opt.update([np.zeros(2)], [np.ones(2)])
    with pytest.raises(ValueError, match="call reset"):
        opt.update([np.zeros(3)], [np.ones(3)])
    with pytest.raises(ValueError, match="state must be a dict with keys"):
        opt.set_state({"t": 1})
    with pytest.raises(ValueError, match="non-negative integer"):
        opt.set_state({"t": -1, "first_moments": None, "second_moments": None})


def test_optimizer_repr_names_hyperparameters():
    assert repr(Momentum(learning_rate=0.5, momentum=0.25)) == (
        "Momentum(learning_rate=0.5, momentum=0.25)"
    )
