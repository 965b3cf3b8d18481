# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""
==================================================
Early stopping of XGBoost and LightGBM in a search
==================================================

:class:`skml.ensemble.XGBoostClassifier` and
:class:`skml.ensemble.LightGBMClassifier` hold out a validation split inside
``fit`` when ``early_stopping=True``, so a ``GridSearchCV`` over a ``Pipeline``
stops every candidate's boosting at its own best round with nothing passed to
``fit`` (no ``eval_set`` to route through the search). The labels here are
strings, which the wrappers encode themselves.

This example needs ``pip install "skml[xgboost,lightgbm]"``.
"""

# %%
# The data and the search
# -----------------------
#
# A binary problem with string labels. Each candidate may grow up to 500 trees;
# early stopping decides how many it keeps.

import matplotlib.pyplot as plt
import numpy as np
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skml.ensemble import LightGBMClassifier, XGBoostClassifier

X, y = make_classification(
    n_samples=4000, n_features=20, n_informative=8, flip_y=0.05, random_state=0
)
y = np.array(["no", "yes"])[y]
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

common = dict(
    n_estimators=500, learning_rate=0.2, early_stopping=True, n_iter_no_change=10,
    random_state=0, n_jobs=1,
)
models = {
    "XGBoost": (XGBoostClassifier(**common), "max_depth", [2, 4, 6]),
    "LightGBM": (LightGBMClassifier(**common), "num_leaves", [4, 15, 31]),
}

results = {}
for name, (model, param, values) in models.items():
    step = type(model).__name__.lower()
    search = GridSearchCV(
        make_pipeline(StandardScaler(), model), {f"{step}__{param}": values}, cv=3
    )
    search.fit(X_train, y_train)
    # Refit on all training data: how many rounds early stopping kept per
    # setting, and the cross-validated accuracy.
    rounds = [
        clone(search.estimator).set_params(**{f"{step}__{param}": v})
        .fit(X_train, y_train)[-1]
        .n_iter_
        for v in values
    ]
    results[name] = (param, values, search.cv_results_["mean_test_score"], rounds)
    best = search.best_estimator_[-1]
    print(
        f"{name}: best {param}={search.best_params_[f'{step}__{param}']}, "
        f"{best.n_iter_} of 500 rounds, test accuracy "
        f"{search.score(X_test, y_test):.3f}, classes {best.classes_.tolist()}"
    )

# %%
# Accuracy and rounds kept
# ------------------------
#
# Deeper or larger trees reach their best validation loss in fewer rounds.

fig, axes = plt.subplots(1, 2, figsize=(9, 3.5))
for ax, (name, (param, values, scores, rounds)) in zip(axes, results.items()):
    labels = [str(v) for v in values]
    ax.bar(labels, rounds, color="tab:blue")
    ax.set_xlabel(param)
    ax.set_ylabel("rounds kept (n_iter_)")
    ax.set_title(name)
    twin = ax.twinx()
    twin.plot(labels, scores, "o-", color="tab:orange")
    twin.set_ylabel("CV accuracy", color="tab:orange")
fig.tight_layout()
plt.show()
