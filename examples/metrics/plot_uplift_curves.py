# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""
=============================================
Evaluating uplift models: Qini, uplift curves
=============================================

Simulate a randomised campaign where the treatment helps some customers and
hurts others. Rank the customers with three scores: the true effect (which no
real data gives), a two-model estimate and random noise. Compare the rankings
with the Qini and uplift curves, their normalised areas, the uplift at the
top 30% and the uplift by percentile, all from :mod:`skml.metrics`.
"""

# %%
# A simulated campaign
# --------------------
#
# 20 000 customers, half treated at random. The purchase probability depends
# on the features, and the treatment adds ``0.15 * x1`` to it: positive for
# some customers, negative for others.

import matplotlib.pyplot as plt
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from skml.metrics import (
    QiniCurveDisplay,
    UpliftCurveDisplay,
    plot_uplift_by_percentile,
    qini_auc_score,
    uplift_at_k,
    uplift_auc_score,
    uplift_by_percentile,
)

rng = np.random.default_rng(0)
n = 20_000
X = rng.standard_normal((n, 4))
treatment = rng.integers(0, 2, n)
base = 1 / (1 + np.exp(-(X[:, 0] - 1.0)))
effect = 0.15 * X[:, 1]
y = (rng.random(n) < np.clip(base + treatment * effect, 0, 1)).astype(int)

X_train, X_test, y_train, y_test, t_train, t_test, _, effect_test = train_test_split(
    X, y, treatment, effect, test_size=0.5, random_state=0
)

# %%
# Three rankings
# --------------
#
# The two-model approach fits one classifier on the treated rows and one on
# the control rows; the predicted uplift is the difference of their predicted
# probabilities. (``skml.uplift`` provides this as a T-learner, and its
# estimators plug into the same metrics.)

treated_model = LogisticRegression().fit(X_train[t_train == 1], y_train[t_train == 1])
control_model = LogisticRegression().fit(X_train[t_train == 0], y_train[t_train == 0])
scores = {
    "true effect": effect_test,
    "two models": treated_model.predict_proba(X_test)[:, 1]
    - control_model.predict_proba(X_test)[:, 1],
    "random scores": rng.standard_normal(len(y_test)),
}

for name, uplift in scores.items():
    print(
        f"{name:>12}: Qini AUC {qini_auc_score(y_test, uplift, t_test):6.3f}, "
        f"uplift AUC {uplift_auc_score(y_test, uplift, t_test):6.3f}, "
        f"uplift@30% {uplift_at_k(y_test, uplift, t_test, 'overall', k=0.3):6.3f}"
    )

# %%
# Qini and uplift curves
# ----------------------
#
# The curves rise while the ranking puts customers who respond to the
# treatment first. The true effect and the two-model estimate rise well above
# the random line, then fall as the customers hurt by the treatment come
# last. Random scores stay close to the random line. The dotted perfect curve
# is an oracle that knows each row's outcome, so no model reaches it.

fig, axes = plt.subplots(1, 2, figsize=(12, 5))
for i, (name, uplift) in enumerate(scores.items()):
    last = i == len(scores) - 1
    QiniCurveDisplay.from_predictions(
        y_test, uplift, t_test, name=name, ax=axes[0], random=last, perfect=last
    )
    UpliftCurveDisplay.from_predictions(
        y_test, uplift, t_test, name=name, ax=axes[1], random=last, perfect=last
    )
fig.tight_layout()

# %%
# Uplift by percentile
# --------------------
#
# For the two-model ranking, the top deciles show a positive uplift and the
# bottom ones a negative uplift: treating only the top of the ranking gains
# more than treating everybody.

table = uplift_by_percentile(
    y_test, scores["two models"], t_test, bins=10, std=True, total=True
)
print(table[["n_treatment", "n_control", "uplift", "std_uplift"]].round(3))

fig, ax = plt.subplots(figsize=(9, 4))
plot_uplift_by_percentile(y_test, scores["two models"], t_test, bins=10, ax=ax)
fig.tight_layout()
plt.show()
