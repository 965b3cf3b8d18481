# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""skml's uplift learners on the real Hillstrom e-mail campaign (shared data)."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skml.datasets import load_hillstrom
from skml.metrics import qini_auc_score
from skml.uplift import TLearner


@pytest.mark.slow
def test_tlearner_hillstrom_matches_two_sklearn_models(shared_data):
    # Women's e-mail vs no e-mail, visit outcome, 70/30 split stratified on
    # treatment x outcome.
    data = load_hillstrom(shared_data / "hillstrom.csv", outcome="visit")
    keep = np.isin(data.treatment, ["Womens E-Mail", "No E-Mail"])
    X, y = data.data[keep], data.target[keep]
    t = (data.treatment[keep] == "Womens E-Mail").astype(int)
    train, test = train_test_split(
        np.arange(y.shape[0]), test_size=0.3, stratify=2 * t + y, random_state=0
    )
    base = make_pipeline(StandardScaler(), LogisticRegression())
    model = TLearner(base).fit(X[train], y[train], treatment=t[train])
    uplift = model.predict(X[test])

    # Reference: the two outcome models fitted by hand with scikit-learn.
    treated, control = train[t[train] == 1], train[t[train] == 0]
    p_treated = clone(base).fit(X[treated], y[treated]).predict_proba(X[test])[:, 1]
    p_control = clone(base).fit(X[control], y[control]).predict_proba(X[test])[:, 1]
    assert_allclose(uplift, p_treated - p_control, rtol=1e-12, atol=1e-12)

    # The e-mail's effect on visits is heterogeneous enough that the held-out Qini
    # is well above that of random rankings (mean ~0, sd ~0.017 here).
    score = qini_auc_score(y[test], uplift, t[test])
    rng = np.random.default_rng(0)
    random_scores = [
        qini_auc_score(y[test], rng.random(test.shape[0]), t[test]) for _ in range(30)
    ]
    assert score > np.mean(random_scores) + 3 * np.std(random_scores)
    assert score > max(random_scores)
