# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""
=====================================
Meta-learners on a simulated campaign
=====================================

A simulated e-mail campaign with known effects: which customers does the e-mail
make buy? We fit the skml meta-learners on the same training rows, compare their
error against the true effects (PEHE) and their held-out Qini curves, tune one
inside :class:`~sklearn.model_selection.GridSearchCV` with ``treatment`` routed as
metadata, and pick how many customers to mail.
"""

# %%
# A campaign with known effects
# -----------------------------
#
# :func:`skml.datasets.make_uplift_classification` returns the true effect of the
# e-mail on every customer's purchase probability next to the data.

import matplotlib.pyplot as plt
import numpy as np
import sklearn
from sklearn.model_selection import GridSearchCV, train_test_split

from skml.datasets import make_uplift_classification
from skml.ensemble import RandomForestClassifier, RandomForestRegressor
from skml.metrics import QiniCurveDisplay, qini_auc_score
from skml.uplift import (
    ClassTransformation,
    DRLearner,
    SLearner,
    TLearner,
    XLearner,
    best_targeting_fraction,
    targeting_curve,
)

X, y, t, effect = make_uplift_classification(
    20_000, 20, n_informative=6, n_uplift=3, random_state=0
)
(X_train, X_test, y_train, y_test, t_train, t_test, _, effect_test) = train_test_split(
    X, y, t, effect, test_size=0.3, random_state=0, stratify=t
)
print(f"purchase rate {y.mean():.3f}; mean true effect {effect.mean():.3f}")

# %%
# Five learners, one base model
# -----------------------------
#
# Every learner clones the forest it is given. The class transformation needs a
# classifier; the others model the purchase probability with a regressor.

forest = dict(n_estimators=100, min_samples_leaf=40, n_jobs=-1, random_state=0)
learners = {
    "S-learner": SLearner(RandomForestRegressor(**forest)),
    "T-learner": TLearner(RandomForestRegressor(**forest)),
    "X-learner": XLearner(RandomForestRegressor(**forest)),
    "DR-learner": DRLearner(RandomForestRegressor(**forest), cv=3, random_state=0),
    "class transformation": ClassTransformation(RandomForestClassifier(**forest)),
}
fig, ax = plt.subplots(figsize=(7, 5))
for name, learner in learners.items():
    learner.fit(X_train, y_train, treatment=t_train)
    uplift = learner.predict(X_test)
    pehe = np.sqrt(np.mean((uplift - effect_test) ** 2))
    qini = qini_auc_score(y_test, uplift, t_test)
    print(f"{name:22s} sqrt-PEHE {pehe:.4f}  held-out Qini AUC {qini:.4f}")
    QiniCurveDisplay.from_predictions(
        y_test, uplift, t_test, name=name, ax=ax, perfect=False, random=False
    )
QiniCurveDisplay.from_predictions(
    y_test, effect_test, t_test, name="true effect", ax=ax, linestyle="--"
)
ax.set_title("Held-out Qini curves")

# %%
# Tuning with the treatment routed to every fold
# ----------------------------------------------
#
# With metadata routing on, ``GridSearchCV`` passes each fold its slice of
# ``treatment`` and scores by the learner's ``score``, the normalised Qini AUC.

sklearn.set_config(enable_metadata_routing=True)
search = GridSearchCV(
    TLearner(RandomForestRegressor(n_estimators=50, n_jobs=-1, random_state=0)),
    {"estimator__min_samples_leaf": [10, 40, 160]},
    cv=3,
).fit(X_train, y_train, treatment=t_train)
sklearn.set_config(enable_metadata_routing=False)
print(
    "best min_samples_leaf:", search.best_params_, f"CV Qini {search.best_score_:.4f}"
)

# %%
# Whom to mail
# ------------
#
# An e-mail costs 0.02 and a purchase is worth 1. The held-out uplift curve of the
# tuned model prices every campaign size; the most profitable one mails the top of
# the ranking only.

uplift = search.best_estimator_.predict(X_test)
curve = targeting_curve(y_test, uplift, t_test, cost=0.02, value=1.0)
fraction, profit = best_targeting_fraction(y_test, uplift, t_test, cost=0.02, value=1.0)
print(f"mail the top {fraction:.0%}: profit {profit:.1f} on {len(y_test)} customers")
fig, ax = plt.subplots(figsize=(7, 4))
ax.plot(curve.fraction, curve.profit)
ax.axvline(fraction, color="black", linestyle=":")
ax.set_xlabel("fraction of customers mailed (by predicted uplift)")
ax.set_ylabel("profit on the test customers")
ax.set_title("Targeting profit")
plt.show()
