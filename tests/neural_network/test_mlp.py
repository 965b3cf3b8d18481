# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Behaviour of MLPClassifier and MLPRegressor: training options, state, outputs."""

import pickle
import tracemalloc
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from scipy.special import expit, log_expit, log_softmax, softmax
from sklearn.base import clone
from sklearn.datasets import load_digits, make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skml.neural_network import MLPClassifier, MLPRegressor
from skml.neural_network._network import BN_EPSILON, _Network
from skml.neural_network.optimizers import Adam, Momentum
from skml.neural_network.schedules import ReduceLROnPlateau, StepLR

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

# Deterministic, comparable runs: no shuffling, no stop on the training loss.
EXACT = dict(shuffle=False, n_iter_no_change=1000, tol=0.0)


def _blobs(seed, n_samples=240, n_classes=3, n_features=6):
    X, y = make_classification(
        n_samples=n_samples, n_features=n_features, n_informative=4,
        n_redundant=0, n_classes=n_classes, n_clusters_per_class=1,
        class_sep=2.0, random_state=seed,
    )
    return X, y


def _digits():
    X, y = load_digits(n_class=5, return_X_y=True)
    return X / 16.0, y


def _relu(Z):
    return np.maximum(Z, 0)


def _plain_forward(model, X, activation=_relu):
    A = X
    for i, (W, b) in enumerate(zip(model.coefs_, model.intercepts_)):
        Z = A @ W + b
        if i == len(model.coefs_) - 1:
            return Z
        if model.batch_norm:
            Z = (Z - model.bn_running_means_[i]) / np.sqrt(
                model.bn_running_vars_[i] + BN_EPSILON
            ) * model.bn_gammas_[i] + model.bn_betas_[i]
        A = activation(Z)
    return A


# ------------------------------------------------------------------ outputs


def test_multiclass_outputs_match_a_plain_forward_pass(global_random_seed):
    X, y = _blobs(global_random_seed)
    clf = MLPClassifier(hidden_layer_sizes=(8, 5), max_iter=30,
                        random_state=global_random_seed).fit(X, y)
    Z = _plain_forward(clf, X)
    assert_allclose(clf.predict_proba(X), softmax(Z, axis=1), rtol=1e-10)
    assert_allclose(clf.predict_log_proba(X), log_softmax(Z, axis=1), rtol=1e-10,
                    atol=1e-12)
    assert_array_equal(clf.predict(X), clf.classes_[Z.argmax(axis=1)])
    assert clf.out_activation_ == "softmax"
    assert clf.n_layers_ == 4 and clf.n_outputs_ == 3


def test_binary_outputs(global_random_seed):
    X, y = _blobs(global_random_seed, n_classes=2)
    labels = np.array(["no", "yes"])[y]
    clf = MLPClassifier(hidden_layer_sizes=(8,), learning_rate_init=0.01,
                        max_iter=100, random_state=global_random_seed).fit(X, labels)
    assert clf.out_activation_ == "logistic" and clf.n_outputs_ == 1
    z = _plain_forward(clf, X)[:, 0]
    proba = clf.predict_proba(X)
    assert_allclose(proba, np.column_stack([1 - expit(z), expit(z)]), rtol=1e-10)
    # log(1 - p) from the logit, without the cancellation of np.log(proba).
    assert_allclose(clf.predict_log_proba(X),
                    np.column_stack([log_expit(-z), log_expit(z)]), rtol=1e-10)
    assert_array_equal(clf.predict(X), np.where(z > 0, "yes", "no"))
    assert clf.score(X, labels) > 0.9


def test_multilabel(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    X = rng.standard_normal((300, 5))
    Y = np.column_stack([X[:, 0] > 0, X[:, 1] + X[:, 2] > 0, X[:, 3] > 0.5]).astype(int)
    clf = MLPClassifier(hidden_layer_sizes=(16,), learning_rate_init=0.01,
                        max_iter=100, random_state=global_random_seed).fit(X, Y)
    assert_array_equal(clf.classes_, [0, 1, 2])
    assert clf.predict(X).shape == Y.shape
    assert_allclose(clf.predict_proba(X), expit(_plain_forward(clf, X)), rtol=1e-10)
    assert (clf.predict(X) == Y).mean() > 0.9


def test_regressor_outputs(global_random_seed):
    X, y = make_regression(n_samples=200, n_features=4, noise=0.1,
                           random_state=global_random_seed)
    y = y / y.std()
    reg = MLPRegressor(hidden_layer_sizes=(16,), learning_rate_init=0.01,
                       max_iter=200, random_state=global_random_seed).fit(X, y)
    assert reg.predict(X).shape == (200,)
    assert_allclose(reg.predict(X), _plain_forward(reg, X)[:, 0], rtol=1e-10)
    assert reg.score(X, y) > 0.95
    Y = np.column_stack([y, -2 * y])
    reg2 = clone(reg).fit(X, Y)
    assert reg2.predict(X).shape == (200, 2)
    assert reg2.score(X, Y) > 0.9


def test_no_hidden_layer_is_a_linear_model(global_random_seed):
    X, y = _blobs(global_random_seed)
    clf = MLPClassifier(hidden_layer_sizes=(), learning_rate_init=0.05, max_iter=100,
                        random_state=global_random_seed).fit(X, y)
    assert [c.shape for c in clf.coefs_] == [(6, 3)] and clf.n_layers_ == 2
    assert_allclose(clf.predict_proba(X), softmax(X @ clf.coefs_[0]
                                                  + clf.intercepts_[0], axis=1))
    assert clf.score(X, y) > 0.8


def test_batch_norm_skips_running_stats_of_a_one_row_batch(global_random_seed):
    X, y = _blobs(global_random_seed, n_samples=201)
    params = dict(hidden_layer_sizes=(5,), batch_norm=True, batch_size=100,
                  shuffle=False, max_iter=1, random_state=global_random_seed)
    with_row = MLPClassifier(**params).fit(X, y)
    without = MLPClassifier(**params).fit(X[:200], y[:200])
    # The last, one-row batch trains the weights but leaves the statistics.
    assert_array_equal(with_row.bn_running_means_[0], without.bn_running_means_[0])
    assert_array_equal(with_row.bn_running_vars_[0], without.bn_running_vars_[0])
    assert not np.array_equal(with_row.coefs_[0], without.coefs_[0])


@pytest.mark.parametrize("activation", ["identity", "logistic", "tanh", "relu",
                                        "leaky_relu"])
def test_every_activation_learns(activation, global_random_seed):
    X, y = _digits()
    clf = MLPClassifier(hidden_layer_sizes=(32,), activation=activation,
                        learning_rate_init=0.01, max_iter=15,
                        random_state=global_random_seed).fit(X, y)
    assert clf.score(X, y) > 0.9


@pytest.mark.parametrize("solver, lr", [("sgd", 0.2), ("momentum", 0.05),
                                        ("nesterov", 0.05), ("rmsprop", 0.005),
                                        ("adam", 0.005), ("adamw", 0.005)])
def test_every_solver_learns(solver, lr, global_random_seed):
    X, y = _digits()
    clf = MLPClassifier(hidden_layer_sizes=(32,), solver=solver,
                        learning_rate_init=lr, max_iter=15,
                        random_state=global_random_seed).fit(X, y)
    assert clf.score(X, y) > 0.95
    assert len(clf.loss_curve_) == clf.n_iter_
    assert clf.loss_curve_[-1] < clf.loss_curve_[0]


# ------------------------------------------------------------------ dtypes


def test_float32_input_trains_in_float32(global_random_seed):
    X, y = _digits()
    params = dict(hidden_layer_sizes=(32,), max_iter=10, **EXACT,
                  random_state=global_random_seed)
    clf32 = MLPClassifier(**params).fit(X.astype(np.float32), y)
    clf64 = MLPClassifier(**params).fit(X, y)
    assert all(c.dtype == np.float32 for c in clf32.coefs_ + clf32.intercepts_)
    assert all(c.dtype == np.float64 for c in clf64.coefs_ + clf64.intercepts_)
    assert clf32.predict_proba(X.astype(np.float32)).dtype == np.float32
    for state in clf32.optimizer_.first_moments_:
        assert state.dtype == np.float32
    # The same training, up to float32 rounding.
    assert_allclose(clf32.loss_curve_, clf64.loss_curve_, rtol=1e-3)
    assert_allclose(clf32.predict_proba(X), clf64.predict_proba(X), atol=1e-3)


def test_sparse_input_gives_the_dense_model(global_random_seed):
    X, y = _digits()
    params = dict(hidden_layer_sizes=(16,), max_iter=3, **EXACT,
                  random_state=global_random_seed)
    dense = MLPClassifier(**params).fit(X, y)
    sparse = MLPClassifier(**params).fit(sp.csr_matrix(X), y)
    assert_allclose(sparse.loss_curve_, dense.loss_curve_, rtol=1e-10)
    for a, b in zip(sparse.coefs_, dense.coefs_):
        assert_allclose(a, b, rtol=1e-8, atol=1e-10)
    assert_allclose(sparse.predict_proba(sp.csr_matrix(X)), dense.predict_proba(X),
                    rtol=1e-8, atol=1e-10)


# ------------------------------------------------------ state and resumption


def test_partial_fit_equals_fit_epoch_by_epoch(global_random_seed):
    X, y = _blobs(global_random_seed)
    params = dict(hidden_layer_sizes=(8,), batch_size=50, **EXACT,
                  random_state=global_random_seed)
    fitted = MLPClassifier(max_iter=4, **params).fit(X, y)
    online = MLPClassifier(**params)
    for _ in range(4):
        online.partial_fit(X, y, classes=np.unique(y))
    assert online.n_iter_ == 4 and online.t_ == 4 * len(X)
    assert online.loss_curve_ == fitted.loss_curve_
    for a, b in zip(online.coefs_ + online.intercepts_,
                    fitted.coefs_ + fitted.intercepts_):
        assert_array_equal(a, b)


def test_warm_start_continues_with_the_optimizer_state(global_random_seed):
    X, y = _blobs(global_random_seed)
    params = dict(hidden_layer_sizes=(8,), batch_size=50, **EXACT,
                  random_state=global_random_seed)
    straight = MLPClassifier(max_iter=6, **params).fit(X, y)
    warm = MLPClassifier(max_iter=3, warm_start=True, **params).fit(X, y)
    warm.fit(X, y)
    assert warm.n_iter_ == 6 and warm.optimizer_.t_ == straight.optimizer_.t_
    assert warm.loss_curve_ == straight.loss_curve_
    for a, b in zip(warm.coefs_, straight.coefs_):
        assert_array_equal(a, b)
    # Without warm_start, a second fit starts afresh.
    cold = MLPClassifier(max_iter=3, **params).fit(X, y).fit(X, y)
    assert cold.n_iter_ == 3


def test_pickled_model_resumes_training_identically(global_random_seed):
    X, y = _blobs(global_random_seed)
    clf = MLPClassifier(hidden_layer_sizes=(8,), max_iter=2, warm_start=True,
                        **EXACT, random_state=global_random_seed).fit(X, y)
    restored = pickle.loads(pickle.dumps(clf))
    clf.fit(X, y)
    restored.fit(X, y)
    for a, b in zip(clf.coefs_, restored.coefs_):
        assert_array_equal(a, b)


def test_partial_fit_needs_classes_and_known_labels(global_random_seed):
    X, y = _blobs(global_random_seed)
    with pytest.raises(ValueError, match="classes must be passed"):
        MLPClassifier().partial_fit(X, y)
    clf = MLPClassifier(hidden_layer_sizes=(4,)).partial_fit(X, y, classes=[0, 1, 2, 3])
    assert_array_equal(clf.classes_, [0, 1, 2, 3])
    assert clf.predict_proba(X).shape == (len(X), 4)
    with pytest.raises(ValueError, match="labels not seen"):
        clf.partial_fit(X, y + 5)


def test_partial_fit_rejects_early_stopping(global_random_seed):
    X, y = _blobs(global_random_seed)
    with pytest.raises(ValueError, match="partial_fit does not support early_stop"):
        MLPClassifier(early_stopping=True).partial_fit(X, y, classes=[0, 1, 2])


def test_warm_start_rejects_a_different_network(global_random_seed):
    X, y = _blobs(global_random_seed)
    clf = MLPClassifier(hidden_layer_sizes=(4,), max_iter=2, warm_start=True).fit(X, y)
    clf.set_params(hidden_layer_sizes=(5,))
    with pytest.raises(ValueError, match="does not match"):
        clf.fit(X, y)


def test_given_optimizer_and_schedule_are_not_modified(global_random_seed):
    X, y = _blobs(global_random_seed)
    solver, schedule = Momentum(momentum=0.5), StepLR(step_size=2, gamma=0.5)
    clf = MLPClassifier(hidden_layer_sizes=(4,), solver=solver,
                        learning_rate=schedule, learning_rate_init=0.02,
                        max_iter=5, **EXACT, random_state=0).fit(X, y)
    assert solver.t_ == 0 and solver.velocities_ is None
    assert solver.learning_rate == 0.01
    assert not hasattr(schedule, "epoch_")
    assert isinstance(clf.optimizer_, Momentum) and clf.optimizer_ is not solver
    assert clf.optimizer_.momentum == 0.5
    # learning_rate_init overrides the instance's rate; StepLR halved it twice.
    assert clf.lr_schedule_.base_lr_ == 0.02
    assert clf.optimizer_.learning_rate == pytest.approx(0.02 * 0.5 ** (5 // 2))


@pytest.mark.parametrize("name, expected", [
    ("constant", [1, 1, 1, 1, 1, 1]),
    ("step", [0.1 ** (e // 2) for e in range(1, 7)]),  # step_size = 6 // 3
    ("cosine", [(1 + np.cos(np.pi * e / 6)) / 2 for e in range(1, 7)]),
    ("invscaling", [1 / np.sqrt(e + 1) for e in range(1, 7)]),
])
def test_named_schedules(name, expected, global_random_seed):
    X, y = _blobs(global_random_seed)
    rates = []

    class Spy(Adam):
        def update(self, params, grads):
            rates.append(self.learning_rate)
            return super().update(params, grads)

    MLPClassifier(hidden_layer_sizes=(4,), solver=Spy(), learning_rate=name,
                  learning_rate_init=1e-3, max_iter=6, batch_size=len(X),
                  **EXACT).fit(X, y)
    # One batch per epoch: the rate of epoch e+1 is the schedule after e epochs.
    assert_allclose(rates[1:], 1e-3 * np.array(expected[:5]), rtol=1e-12)
    assert rates[0] == 1e-3


def test_adaptive_schedule_lowers_the_rate_instead_of_stopping(global_random_seed):
    X, y = _blobs(global_random_seed)
    # tol so large that no epoch counts as an improvement after the first.
    clf = MLPClassifier(hidden_layer_sizes=(4,), learning_rate="adaptive",
                        learning_rate_init=1e-2, tol=10.0, n_iter_no_change=2,
                        max_iter=100, random_state=global_random_seed).fit(X, y)
    assert isinstance(clf.lr_schedule_, ReduceLROnPlateau)
    # 1e-2 / 5**k reaches 1e-6 (the floor) at k = 6, one reduction every 2 epochs;
    # training stops at the first plateau with the rate at the floor.
    assert clf.optimizer_.learning_rate == 1e-6
    assert clf.n_iter_ == 2 * 6 + 2 + 1


# ------------------------------------------------------------ regularisation


def test_early_stopping_restores_the_best_epoch(global_random_seed):
    X, y = _digits()
    params = dict(hidden_layer_sizes=(32,), early_stopping=True, n_iter_no_change=3,
                  tol=0.0, learning_rate_init=0.05, max_iter=200,
                  random_state=global_random_seed)
    clf = MLPClassifier(**params).fit(X, y)
    scores = clf.validation_scores_
    best_epoch = int(np.argmax(scores)) + 1
    assert clf.best_validation_score_ == max(scores)
    assert len(scores) == clf.n_iter_ < 200
    assert clf.n_iter_ - best_epoch == 3  # stopped after 3 epochs without a gain
    # The weights are those after the best epoch: a run stopped there has them.
    truncated = MLPClassifier(**{**params, "max_iter": best_epoch}).fit(X, y)
    for a, b in zip(clf.coefs_, truncated.coefs_):
        assert_array_equal(a, b)


def test_training_loss_plateau_stops_without_warning(global_random_seed):
    X, y = _blobs(global_random_seed)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf = MLPClassifier(hidden_layer_sizes=(4,), tol=10.0, n_iter_no_change=3,
                            max_iter=50, random_state=0).fit(X, y)
    assert clf.n_iter_ == 4
    assert clf.best_loss_ == min(clf.loss_curve_)
    with pytest.warns(ConvergenceWarning, match="maximum iterations"):
        MLPClassifier(hidden_layer_sizes=(4,), max_iter=2).fit(X, y)


def test_dropout_and_batch_norm_prediction_is_a_plain_forward(global_random_seed):
    X, y = _digits()
    clf = MLPClassifier(hidden_layer_sizes=(32, 16), dropout=[0.3, 0.1],
                        batch_norm=True, learning_rate_init=0.01, max_iter=10,
                        random_state=global_random_seed).fit(X, y)
    assert len(clf.bn_gammas_) == 2 and clf.bn_running_vars_[1].shape == (16,)
    # Prediction: no dropout, running statistics, deterministic.
    assert_allclose(clf.predict_proba(X), softmax(_plain_forward(clf, X), axis=1),
                    rtol=1e-9)
    assert_array_equal(clf.predict_proba(X), clf.predict_proba(X))
    assert clf.score(X, y) > 0.9


def test_dropout_changes_training_but_not_its_seeded_repetition(global_random_seed):
    X, y = _blobs(global_random_seed)
    params = dict(hidden_layer_sizes=(8,), max_iter=3, random_state=global_random_seed)
    a = MLPClassifier(dropout=0.5, **params).fit(X, y)
    b = MLPClassifier(dropout=0.5, **params).fit(X, y)
    c = MLPClassifier(dropout=0.0, **params).fit(X, y)
    assert a.loss_curve_ == b.loss_curve_
    assert a.loss_curve_ != c.loss_curve_


def test_l1_penalty_makes_weights_sparser(global_random_seed):
    X, y = _digits()
    params = dict(hidden_layer_sizes=(16,), solver="sgd", learning_rate_init=0.1,
                  max_iter=20, random_state=global_random_seed)
    plain = MLPClassifier(**params).fit(X, y)
    lasso = MLPClassifier(l1=3.0, **params).fit(X, y)
    small = [np.mean(np.abs(m.coefs_[0]) < 1e-2) for m in (plain, lasso)]
    assert small[1] > small[0] + 0.3
    assert lasso.score(X, y) > 0.9


def test_clip_norm_bounds_the_step(global_random_seed):
    X, y = _blobs(global_random_seed)
    clf = MLPClassifier(hidden_layer_sizes=(8,), solver="sgd", learning_rate_init=1.0,
                        clip_norm=1e-3, batch_size=len(X), shuffle=False)
    clf.partial_fit(X, y, classes=[0, 1, 2])
    before = np.concatenate([a.ravel() for a in clf.coefs_ + clf.intercepts_])
    clf.partial_fit(X, y)
    after = np.concatenate([a.ravel() for a in clf.coefs_ + clf.intercepts_])
    # One SGD step of length learning_rate * clip_norm.
    assert np.linalg.norm(after - before) == pytest.approx(1e-3, rel=1e-9)


def test_sample_weight_equals_repetition(global_random_seed):
    X, y = _blobs(global_random_seed, n_samples=60)
    weights = np.random.default_rng(global_random_seed).integers(0, 4, len(X))
    # Under 200 rows both ways: one full batch per epoch ("auto").
    params = dict(hidden_layer_sizes=(6,), max_iter=20, **EXACT,
                  random_state=0)
    weighted = MLPClassifier(**params).fit(X, y, sample_weight=weights)
    repeated = MLPClassifier(**params).fit(np.repeat(X, weights, axis=0),
                                           np.repeat(y, weights))
    assert_allclose(weighted.loss_curve_, repeated.loss_curve_, rtol=1e-10)
    assert_allclose(weighted.predict_proba(X), repeated.predict_proba(X),
                    rtol=1e-8, atol=1e-12)


# ------------------------------------------------------------- ecosystem


def test_in_pipeline_and_grid_search(global_random_seed):
    X, y = _blobs(global_random_seed)
    pipe = make_pipeline(StandardScaler(), MLPClassifier(
        hidden_layer_sizes=(8,), solver=Adam(), learning_rate_init=0.01, max_iter=60,
        random_state=global_random_seed))
    search = GridSearchCV(pipe, {"mlpclassifier__alpha": [1e-4, 1e-1]}, cv=2).fit(X, y)
    assert search.best_score_ > 0.8


def test_verbose_prints_every_epoch(capsys, global_random_seed):
    X, y = _blobs(global_random_seed)
    MLPClassifier(hidden_layer_sizes=(4,), max_iter=3, verbose=True,
                  early_stopping=True, n_iter_no_change=5).fit(X, y)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("Epoch 1, loss = ") and "validation score" in lines[0]


def test_training_step_allocates_no_batch_sized_array(global_random_seed):
    # A batch of 1000 x 100 float64 is 800 kB, and so are the first layer's
    # activations; a training step must not allocate a temporary of that size.
    rng = np.random.default_rng(global_random_seed)
    X = rng.standard_normal((1000, 100))
    Y = np.eye(3)[rng.integers(3, size=1000)]
    w = np.ones(1000)
    net = _Network([100, 100, 50, 3], "leaky_relu", 0.1, "softmax", [0.2, 0.0],
                   True, np.float64)
    params, stats = net.init_params(np.random.RandomState(0))
    net.allocate(1000, params, np.zeros_like(params), stats)
    opt = Adam()
    net.loss_grad(X, Y, w, alpha=1e-4, l1=1e-5, random_state=rng)
    opt.update([params], [net.grads])
    tracemalloc.start()
    try:
        for _ in range(3):
            net.loss_grad(X, Y, w, alpha=1e-4, l1=1e-5, random_state=rng)
            opt.update([params], [net.grads])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 200_000
