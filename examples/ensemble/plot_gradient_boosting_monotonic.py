# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""
=============================================
Gradient boosting: monotonic constraints
=============================================

When a target is known to grow with a feature, ``monotonic_cst`` makes
:class:`skml.ensemble.GradientBoostingRegressor` respect it: here the target
increases with the first feature and decreases with the second, but noise
makes an unconstrained model wiggle. We plot the predictions of both models
along each feature, the other one held at its mean.
"""

# %%
# Data and models
# ---------------

import matplotlib.pyplot as plt
import numpy as np

from skml.ensemble import GradientBoostingRegressor

rng = np.random.RandomState(0)
n_samples = 1000
X = rng.uniform(0, 1, size=(n_samples, 2))
noise = rng.normal(scale=0.3, size=n_samples)
y = 5 * X[:, 0] + np.sin(10 * np.pi * X[:, 0]) - 5 * X[:, 1] + noise

free = GradientBoostingRegressor(early_stopping=False, random_state=0).fit(X, y)
constrained = GradientBoostingRegressor(
    monotonic_cst=[1, -1], early_stopping=False, random_state=0
).fit(X, y)

# %%
# Predictions along each feature
# ------------------------------
#
# The constrained model is non-decreasing in the first feature and
# non-increasing in the second; the unconstrained one follows the sine wave.

grid = np.linspace(0, 1, 200)
fig, axes = plt.subplots(1, 2, figsize=(9, 4))
for feature, ax in enumerate(axes):
    rows = np.tile(X.mean(axis=0), (len(grid), 1))
    rows[:, feature] = grid
    ax.plot(grid, free.predict(rows), label="unconstrained")
    ax.plot(grid, constrained.predict(rows), label="monotonic_cst=[1, -1]")
    ax.set_xlabel(f"feature {feature}")
axes[0].set_ylabel("prediction")
axes[0].legend()
fig.tight_layout()

steps = np.diff(constrained.predict(np.column_stack([grid, np.full(200, 0.5)])))
print(f"constrained model non-decreasing in feature 0: {bool((steps >= 0).all())}")
plt.show()
