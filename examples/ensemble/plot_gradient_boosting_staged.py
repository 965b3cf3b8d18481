# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""
=============================================
Gradient boosting: staged validation curves
=============================================

``staged_predict`` yields the predictions of
:class:`skml.ensemble.GradientBoostingRegressor` after each iteration, so one
fit gives the whole test-error curve. We compare learning rates, and the
squared error with the robust Huber and absolute-error losses on data with
outliers.
"""

# %%
# Learning rate
# -------------
#
# A smaller learning rate needs more iterations but reaches a lower error.

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_friedman1
from sklearn.metrics import mean_absolute_error, mean_squared_error
from sklearn.model_selection import train_test_split

from skml.ensemble import GradientBoostingRegressor

X, y = make_friedman1(4000, noise=1.0, random_state=0)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

fig, ax = plt.subplots()
for learning_rate in (0.03, 0.1, 0.5):
    reg = GradientBoostingRegressor(
        n_estimators=300, learning_rate=learning_rate, early_stopping=False
    ).fit(X_train, y_train)
    errors = [mean_squared_error(y_test, p) for p in reg.staged_predict(X_test)]
    ax.plot(np.arange(1, len(errors) + 1), errors, label=f"lr={learning_rate}")
ax.set_xlabel("iteration")
ax.set_ylabel("test MSE")
ax.set_yscale("log")
ax.legend()

# %%
# Robust losses
# -------------
#
# One training target in twenty is replaced by a large outlier. The squared
# error chases the outliers; the Huber and absolute-error losses, whose leaves
# are re-fitted to quantiles of the residuals, do not.

rng = np.random.RandomState(0)
y_noisy = y_train.copy()
outliers = rng.uniform(size=len(y_noisy)) < 0.05
y_noisy[outliers] += rng.normal(scale=50, size=outliers.sum())

fig, ax = plt.subplots()
for loss in ("squared_error", "huber", "absolute_error"):
    reg = GradientBoostingRegressor(
        loss, n_estimators=200, early_stopping=False
    ).fit(X_train, y_noisy)
    errors = [mean_absolute_error(y_test, p) for p in reg.staged_predict(X_test)]
    ax.plot(np.arange(1, len(errors) + 1), errors, label=loss)
    print(f"{loss:15s} test MAE {errors[-1]:.3f}")
ax.set_xlabel("iteration")
ax.set_ylabel("test MAE (clean targets)")
ax.legend()
plt.show()
