# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""make_uplift_scorer: treatment routed by metadata routing into cross_validate
and GridSearchCV, checked against folds fitted and scored by hand."""

import pickle

import numpy as np
import pytest
import sklearn
from numpy.testing import assert_allclose
from sklearn.base import BaseEstimator, clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, KFold, cross_validate

from skml.metrics import (
    make_uplift_scorer,
    qini_auc_score,
    uplift_at_k,
    uplift_auc_score,
    weighted_average_uplift,
)


class TwoModelUplift(BaseEstimator):
    """A T-learner: one logistic regression per group; uplift = p1 - p0."""

    __metadata_request__fit = {"treatment": True}

    def __init__(self, C=1.0):
        self.C = C

    def fit(self, X, y, treatment):
        treated = np.asarray(treatment) == 1
        self.treated_ = LogisticRegression(C=self.C).fit(X[treated], y[treated])
        self.control_ = LogisticRegression(C=self.C).fit(X[~treated], y[~treated])
        return self

    def predict(self, X):
        return (
            self.treated_.predict_proba(X)[:, 1] - self.control_.predict_proba(X)[:, 1]
        )


@pytest.fixture
def routing():
    with sklearn.config_context(enable_metadata_routing=True):
        yield


def _data(seed, n=600):
    # Test folds of 200 rows: weighted_average_uplift's 10 bins of 20 rows hold
    # both groups (it raises on a bin of treated rows only).
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 3))
    treatment = rng.integers(0, 2, n)
    logit = X[:, 0] + treatment * (X[:, 1] + 1.0)
    y = (rng.random(n) < 1 / (1 + np.exp(-logit))).astype(int)
    return X, y, treatment


def _by_hand(estimator, X, y, treatment, metric, cv):
    scores = []
    for train, test in cv.split(X):
        model = clone(estimator).fit(X[train], y[train], treatment[train])
        scores.append(metric(y[test], model.predict(X[test]), treatment[test]))
    return np.array(scores)


METRICS = {
    "qini_auc_score": qini_auc_score,
    "qini": qini_auc_score,
    "uplift_auc_score": uplift_auc_score,
    "uplift_auc": uplift_auc_score,
    "uplift_at_k": lambda y, u, t: uplift_at_k(y, u, t, "overall"),
    "weighted_average_uplift": weighted_average_uplift,
}


@pytest.mark.parametrize("name", sorted(METRICS))
def test_scorer_in_cross_validate(global_random_seed, routing, name):
    X, y, treatment = _data(global_random_seed)
    cv = KFold(3, shuffle=True, random_state=global_random_seed)
    result = cross_validate(
        TwoModelUplift(),
        X,
        y,
        params={"treatment": treatment},
        scoring=make_uplift_scorer(name),
        cv=cv,
    )
    expected = _by_hand(TwoModelUplift(), X, y, treatment, METRICS[name], cv)
    assert_allclose(result["test_score"], expected, rtol=1e-12)


# negative_effect=False is undefined (NaN, warned) on a fold without gain.
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.UndefinedMetricWarning")
def test_scorer_kwargs_and_multimetric(global_random_seed, routing):
    X, y, treatment = _data(global_random_seed)
    cv = KFold(3, shuffle=True, random_state=global_random_seed)
    scoring = {
        "qini": make_uplift_scorer("qini", negative_effect=False),
        "top": make_uplift_scorer("uplift_at_k", strategy="by_group", k=0.5),
    }
    result = cross_validate(
        TwoModelUplift(), X, y, params={"treatment": treatment}, scoring=scoring, cv=cv
    )
    expected = _by_hand(
        TwoModelUplift(),
        X,
        y,
        treatment,
        lambda y, u, t: uplift_at_k(y, u, t, "by_group", k=0.5),
        cv,
    )
    assert_allclose(result["test_top"], expected, rtol=1e-12)
    expected = _by_hand(
        TwoModelUplift(),
        X,
        y,
        treatment,
        lambda y, u, t: qini_auc_score(y, u, t, negative_effect=False),
        cv,
    )
    assert_allclose(result["test_qini"], expected, rtol=1e-12)


def test_scorer_in_grid_search(global_random_seed, routing):
    X, y, treatment = _data(global_random_seed)
    cv = KFold(3, shuffle=True, random_state=global_random_seed)
    grid = {"C": [0.01, 100.0]}
    search = GridSearchCV(
        TwoModelUplift(), grid, scoring=make_uplift_scorer("qini"), cv=cv
    )
    search.fit(X, y, treatment=treatment)
    means = [
        _by_hand(TwoModelUplift(C=C), X, y, treatment, qini_auc_score, cv).mean()
        for C in grid["C"]
    ]
    assert_allclose(search.cv_results_["mean_test_score"], means, rtol=1e-12)
    assert search.best_params_ == {"C": grid["C"][int(np.argmax(means))]}
    assert_allclose(search.best_score_, max(means), rtol=1e-12)


def test_scorer_called_directly(global_random_seed, routing):
    X, y, treatment = _data(global_random_seed)
    model = TwoModelUplift().fit(X, y, treatment)
    scorer = make_uplift_scorer("uplift_at_k", k=0.4)
    assert_allclose(
        scorer(model, X, y, treatment=treatment),
        uplift_at_k(y, model.predict(X), treatment, "overall", k=0.4),
    )


def test_scorer_several_treatment_groups_average(global_random_seed, routing):
    rng = np.random.default_rng(global_random_seed)
    X = rng.standard_normal((200, 2))
    treatment = rng.integers(0, 3, 200)
    y = rng.integers(0, 2, 200)

    class TwoColumns(BaseEstimator):
        def fit(self, X, y):
            return self

        def predict(self, X):
            return X

    scorer = make_uplift_scorer("qini")
    model = TwoColumns().fit(X, y)
    assert_allclose(
        scorer(model, X, y, treatment=treatment),
        qini_auc_score(y, X, treatment).mean(),
    )


def test_scorer_without_routing_says_how_to_enable_it(global_random_seed):
    X, y, treatment = _data(global_random_seed, n=90)
    model = TwoModelUplift().fit(X, y, treatment)
    scorer = make_uplift_scorer("qini_auc_score")
    assert not sklearn.get_config()["enable_metadata_routing"]
    with pytest.raises(ValueError, match=r"enable_metadata_routing=True"):
        scorer(model, X, y)
    with pytest.raises(ValueError, match=r"needs the treatment"):
        cross_validate(
            TwoModelUplift(),
            X,
            y,
            params={"treatment": treatment},
            scoring=scorer,
            cv=3,
            error_score="raise",
        )


def test_scorer_requests_treatment(routing):
    for name in ["qini", "uplift_auc", "uplift_at_k", "weighted_average_uplift"]:
        scorer = make_uplift_scorer(name)
        assert scorer.get_metadata_routing().score.requests["treatment"] is True


def test_scorer_pickles(global_random_seed, routing):
    X, y, treatment = _data(global_random_seed, n=90)
    model = TwoModelUplift().fit(X, y, treatment)
    scorer = pickle.loads(
        pickle.dumps(make_uplift_scorer("qini", negative_effect=True))
    )
    assert_allclose(
        scorer(model, X, y, treatment=treatment),
        qini_auc_score(y, model.predict(X), treatment),
    )


def test_make_uplift_scorer_validation():
    with pytest.raises(ValueError, match="not an uplift metric"):
        make_uplift_scorer("roc_auc")
    with pytest.raises(TypeError, match="treatment is metadata"):
        make_uplift_scorer("qini", treatment=[0, 1])
    with pytest.raises(TypeError, match=r"takes no argument \['k'\]"):
        make_uplift_scorer("qini_auc_score", k=0.3)
