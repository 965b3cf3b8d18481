# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Meta-learners against NumPy re-derivations of their definitions."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.dummy import DummyRegressor
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.neighbors import KNeighborsRegressor

from skml.tree import DecisionTreeClassifier, DecisionTreeRegressor
from skml.uplift import (
    ClassTransformation,
    DRLearner,
    RLearner,
    SLearner,
    TLearner,
    TransformedOutcome,
    XLearner,
)


def _linear_data(seed, n_samples=400, n_groups=1, noise=0.3, return_truth=False):
    # Group k has its own slopes and intercept k; truth[:, k-1] is its effect.
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, 3))
    t = rng.integers(0, n_groups + 1, n_samples)
    slopes = rng.normal(size=(n_groups + 1, 3))
    y = np.einsum("ij,ij->i", X, slopes[t]) + t + noise * rng.normal(size=n_samples)
    if not return_truth:
        return X, y, t
    truth = np.column_stack(
        [X @ (slopes[k] - slopes[0]) + k for k in range(1, n_groups + 1)]
    )
    return X, y, t, truth


def _lstsq(X, y, w=None):
    # Coefficients (intercept last) of weighted least squares.
    A = np.column_stack([X, np.ones(len(X))])
    if w is not None:
        A, y = A * np.sqrt(w)[:, None], y * np.sqrt(w)
    return np.linalg.lstsq(A, y, rcond=None)[0]


def _apply(coef, X):
    return X @ coef[:-1] + coef[-1]


@pytest.mark.parametrize("n_groups", [1, 3])
def test_tlearner_is_the_difference_of_per_group_fits(global_random_seed, n_groups):
    X, y, t = _linear_data(global_random_seed, n_groups=n_groups)
    uplift = TLearner(LinearRegression()).fit(X, y, treatment=t).predict(X)
    control = _apply(_lstsq(X[t == 0], y[t == 0]), X)
    expected = np.column_stack(
        [
            _apply(_lstsq(X[t == k], y[t == k]), X) - control
            for k in range(1, n_groups + 1)
        ]
    )
    assert_allclose(uplift, expected[:, 0] if n_groups == 1 else expected, atol=1e-9)


@pytest.mark.parametrize("n_groups", [1, 2])
def test_slearner_with_interactions_equals_tlearner_for_least_squares(
    global_random_seed, n_groups
):
    # Full interactions give every group its own intercept and slopes: the same
    # column space as one least-squares fit per group.
    X, y, t = _linear_data(global_random_seed, n_groups=n_groups)
    s = SLearner(LinearRegression(), interactions=True).fit(X, y, treatment=t)
    tl = TLearner(LinearRegression()).fit(X, y, treatment=t)
    assert_allclose(s.predict(X), tl.predict(X), atol=1e-8)
    assert_allclose(s.predict_outcomes(X), tl.predict_outcomes(X), atol=1e-8)


def test_slearner_without_interactions_has_a_constant_linear_effect(global_random_seed):
    X, y, t = _linear_data(global_random_seed)
    model = SLearner(LinearRegression()).fit(X, y, treatment=t)
    coef = _lstsq(np.column_stack([X, t]), y)
    assert_allclose(model.predict(X), np.full(len(X), coef[3]), atol=1e-9)


def test_slearner_classifier_uplift_is_a_probability_difference(global_random_seed):
    rng = np.random.default_rng(global_random_seed)
    X = rng.normal(size=(500, 2))
    t = rng.integers(0, 2, 500)
    y = (rng.random(500) < 0.3 + 0.3 * t * (X[:, 0] > 0)).astype(int)
    model = SLearner(LogisticRegression(), interactions=True).fit(X, y, treatment=t)
    design = np.column_stack([X, t, X * t[:, None]])
    reference = LogisticRegression().fit(design, y)

    def p(g):
        g = np.full(len(X), g)
        return reference.predict_proba(np.column_stack([X, g, X * g[:, None]]))[:, 1]

    assert_allclose(model.predict(X), p(1) - p(0), atol=1e-10)


def test_xlearner_combines_imputed_effect_models(global_random_seed):
    X, y, t = _linear_data(global_random_seed)
    e = np.random.default_rng(global_random_seed).uniform(0.2, 0.8, len(X))
    model = XLearner(LinearRegression()).fit(X, y, treatment=t)
    treated, control = t == 1, t == 0
    mu_0, mu_1 = _lstsq(X[control], y[control]), _lstsq(X[treated], y[treated])
    tau_1 = _lstsq(X[treated], y[treated] - _apply(mu_0, X[treated]))
    tau_0 = _lstsq(X[control], _apply(mu_1, X[control]) - y[control])
    expected = e * _apply(tau_0, X) + (1 - e) * _apply(tau_1, X)
    assert_allclose(model.predict(X, propensity=e), expected, atol=1e-9)
    # Learned propensity: the logistic regression of treatment on X.
    g = LogisticRegression(max_iter=1000).fit(X, t).predict_proba(X)[:, 1]
    expected = g * _apply(tau_0, X) + (1 - g) * _apply(tau_1, X)
    assert_allclose(model.predict(X), expected, atol=1e-6)


def test_xlearner_given_propensity_falls_back_to_its_mean(global_random_seed):
    X, y, t = _linear_data(global_random_seed)
    e = np.full(len(X), 0.4)
    model = XLearner(LinearRegression()).fit(X, y, treatment=t, propensity=e)
    assert model.propensity_estimators_ == [None]
    assert_allclose(model.predict(X), model.predict(X, propensity=e), atol=1e-12)


def _out_of_fold_linear(X, y, folds):
    out = np.empty(len(y))
    for train, test in folds:
        out[test] = _apply(_lstsq(X[train], y[train]), X[test])
    return out


def test_rlearner_constant_effect_is_the_residual_regression(global_random_seed):
    # With a constant effect model, tau = sum(rt ry) / sum(rt^2) over cross-fitted
    # residuals (the partially linear model's estimator).
    X, y, t = _linear_data(global_random_seed, n_samples=600)
    e = np.random.default_rng(global_random_seed).uniform(0.3, 0.7, len(X))
    model = RLearner(
        LinearRegression(), effect_estimator=DummyRegressor(), cv=4, random_state=3
    ).fit(X, y, treatment=t, propensity=e)
    folds = StratifiedKFold(4, shuffle=True, random_state=3).split(X, t == 1)
    ry = y - _out_of_fold_linear(X, y, folds)
    rt = t - e
    assert_allclose(model.predict(X[:5]), np.sum(rt * ry) / np.sum(rt**2), rtol=1e-9)


def test_drlearner_regresses_the_doubly_robust_pseudo_outcome(global_random_seed):
    X, y, t = _linear_data(global_random_seed, n_samples=600)
    e = np.random.default_rng(global_random_seed).uniform(0.005, 0.995, len(X))
    model = DRLearner(LinearRegression(), cv=3, random_state=1, propensity_clip=0.02)
    model.fit(X, y, treatment=t, propensity=e)
    treated = t == 1
    mu_0, mu_1 = np.empty(len(y)), np.empty(len(y))
    for train, test in StratifiedKFold(3, shuffle=True, random_state=1).split(
        X, treated
    ):
        for side, mu in ((False, mu_0), (True, mu_1)):
            part = train[treated[train] == side]
            mu[test] = _apply(_lstsq(X[part], y[part]), X[test])
    ec = np.clip(e, 0.02, 0.98)
    pseudo = mu_1 - mu_0 + np.where(treated, (y - mu_1) / ec, -(y - mu_0) / (1 - ec))
    assert_allclose(model.predict(X), _apply(_lstsq(X, pseudo), X), atol=1e-8)


def test_transformed_outcome_regresses_the_transformed_target(global_random_seed):
    X, y, t = _linear_data(global_random_seed)
    model = TransformedOutcome(LinearRegression()).fit(X, y, treatment=t)
    p = t.mean()
    target = y * (t - p) / (p * (1 - p))
    assert_allclose(model.predict(X), _apply(_lstsq(X, target), X), atol=1e-8)


def test_class_transformation_recovers_cell_uplift_exactly(global_random_seed):
    # One binary feature; in both cells treated rows are 30% of the rows, as in
    # the whole data: the balanced classifier of z gives 2 P(z) - 1 = p1 - p0.
    rng = np.random.default_rng(global_random_seed)
    rows = []
    for cell, (p0, p1) in enumerate([(0.2, 0.5), (0.6, 0.4)]):
        for treated, n, p in ((0, 700, p0), (1, 300, p1)):
            y = np.zeros(n, dtype=int)
            y[: int(round(p * n))] = 1
            rows.append(np.column_stack([np.full(n, cell), np.full(n, treated), y]))
    data = rng.permutation(np.concatenate(rows))
    X, t, y = data[:, :1], data[:, 1], data[:, 2]
    model = ClassTransformation(DecisionTreeClassifier(max_depth=1))
    uplift = model.fit(X.astype(float), y, treatment=t).predict([[0.0], [1.0]])
    assert_allclose(uplift, [0.5 - 0.2, 0.4 - 0.6], atol=1e-12)


@pytest.mark.parametrize(
    "learner",
    [
        SLearner(LinearRegression(), interactions=True),
        TLearner(LinearRegression()),
        XLearner(LinearRegression()),
        RLearner(LinearRegression(), random_state=0),
        DRLearner(LinearRegression(), random_state=0),
    ],
    ids=lambda est: type(est).__name__,
)
def test_learners_recover_a_linear_effect_per_group(global_random_seed, learner):
    X, y, t, truth = _linear_data(
        global_random_seed, n_samples=6000, n_groups=2, noise=0.5, return_truth=True
    )
    uplift = learner.fit(X, y, treatment=t).predict(X)
    pehe = np.sqrt(np.mean((uplift - truth) ** 2, axis=0))
    assert np.all(pehe < 0.15), pehe


def test_learners_take_skml_trees_and_knn(global_random_seed):
    X, y, t = _linear_data(global_random_seed, n_samples=800)
    for learner in (
        TLearner(DecisionTreeRegressor(max_depth=4)),
        XLearner(KNeighborsRegressor(20)),
        DRLearner(DecisionTreeRegressor(min_samples_leaf=20), random_state=0),
    ):
        uplift = learner.fit(X, y, treatment=t).predict(X)
        assert uplift.shape == (800,) and np.all(np.isfinite(uplift))


def test_errors_name_the_problem():
    X, y, t = _linear_data(0, n_samples=60)
    binary = (y > 0).astype(int)
    with pytest.raises(ValueError, match="needs a base model"):
        TLearner().fit(X, y, treatment=t)
    with pytest.raises(ValueError, match="binary"):
        TLearner(LogisticRegression()).fit(X, y, treatment=t)
    with pytest.raises(ValueError, match="implementing .fit. and .predict_proba."):
        ClassTransformation(LinearRegression()).fit(X, binary, treatment=t)
    with pytest.raises(ValueError, match="must be a regressor"):
        TransformedOutcome(LogisticRegression()).fit(X, binary, treatment=t)
    with pytest.raises(ValueError, match="give effect_estimator"):
        XLearner(LogisticRegression()).fit(X, binary, treatment=t)
    with pytest.raises(ValueError, match="accept sample_weight"):
        RLearner(LinearRegression(), effect_estimator=KNeighborsRegressor()).fit(
            X, y, treatment=t
        )
    with pytest.raises(ValueError, match="Use a smaller cv"):
        DRLearner(LinearRegression(), cv=5).fit(
            X, y, treatment=np.r_[np.zeros(57), np.ones(3)]
        )
    with pytest.raises(ValueError, match="strictly between 0 and 1"):
        DRLearner(LinearRegression()).fit(X, y, treatment=t, propensity=np.ones(60))
    with pytest.raises(ValueError, match="propensity must have shape"):
        RLearner(LinearRegression()).fit(X, y, treatment=t, propensity=np.ones(59) / 2)
    with pytest.raises(ValueError, match="does not accept sample_weight"):
        TLearner(KNeighborsRegressor()).fit(
            X, y, treatment=t, sample_weight=np.ones(60)
        )
