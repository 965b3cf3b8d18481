# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""
==================================================
Gradient boosting: early stopping in a grid search
==================================================

:class:`skml.ensemble.GradientBoostingClassifier` can stop adding trees when a
held-out part of its training data stops improving. Inside
:class:`~sklearn.model_selection.GridSearchCV` this needs nothing passed to
``fit``: every fit of the search holds out its own validation part, so the
number of iterations is tuned together with the other parameters.
"""

# %%
# Data and search
# ---------------
#
# A noisy binary problem; the search tunes the learning rate and the number of
# leaves, and early stopping picks the number of iterations of each candidate.

from time import perf_counter

import matplotlib.pyplot as plt
from sklearn.datasets import make_classification
from sklearn.model_selection import GridSearchCV, train_test_split

from skml.ensemble import GradientBoostingClassifier

X, y = make_classification(
    6000, 20, n_informative=8, flip_y=0.1, random_state=0
)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

model = GradientBoostingClassifier(
    n_estimators=500,
    early_stopping=True,
    validation_fraction=0.15,
    n_iter_no_change=10,
    random_state=0,
)
grid = GridSearchCV(
    model,
    {"learning_rate": [0.05, 0.2], "max_leaf_nodes": [7, 31]},
    cv=3,
    scoring="neg_log_loss",
)
tic = perf_counter()
grid.fit(X_train, y_train)
print(f"search in {perf_counter() - tic:.1f}s, best {grid.best_params_}")
best = grid.best_estimator_
print(f"iterations kept: {best.n_iter_} of {best.n_estimators}")
print(f"test accuracy: {best.score(X_test, y_test):.3f}")

# %%
# Validation curve of the refitted model
# --------------------------------------
#
# ``validation_score_`` holds the negative log-loss on the held-out part
# before the first and after every iteration; fitting stopped
# ``n_iter_no_change`` iterations after the best one.

fig, ax = plt.subplots()
ax.plot(-best.train_score_, label="training")
ax.plot(-best.validation_score_, label="validation")
ax.axvline(best.n_iter_ - best.n_iter_no_change, color="gray", ls="--")
ax.set_xlabel("iteration")
ax.set_ylabel("log-loss")
ax.legend()
plt.show()
