# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""
=============================================
Gradient boosting: interaction constraints
=============================================

``interaction_cst`` tells :class:`skml.ensemble.GradientBoostingRegressor`
which features may interact. Here the target is the sum of a term in
features 0 and 1 and a term in feature 2 alone. An unconstrained model also
learns spurious interactions of feature 2 with the others from the noise;
with ``interaction_cst=[{0, 1}, {2}]`` every tree path uses features of one
group only, so the model is exactly the sum of a function of (x0, x1) and a
function of x2. We check it on the fitted trees and on the predictions.
"""

# %%
# Data and models
# ---------------

import matplotlib.pyplot as plt
import numpy as np

from skml.ensemble import GradientBoostingRegressor

rng = np.random.RandomState(0)
n_samples = 2000
X = rng.uniform(-1, 1, size=(n_samples, 3))
noise = rng.normal(scale=0.5, size=n_samples)
y = 2 * X[:, 0] * X[:, 1] + np.sin(3 * X[:, 2]) + noise

common = dict(n_estimators=100, early_stopping=False, random_state=0)
free = GradientBoostingRegressor(**common).fit(X, y)
constrained = GradientBoostingRegressor(interaction_cst=[{0, 1}, {2}], **common)
constrained.fit(X, y)

# %%
# Features along the tree paths
# -----------------------------
#
# Count the root-to-leaf paths that split on feature 2 and on another
# feature: the unconstrained model has many, the constrained one none.


def mixed_paths(model):
    count = 0
    for trees in model._predictors:
        for tree in trees:
            stack = [(0, set())]
            while stack:
                node, used = stack.pop()
                if tree.children_left[node] < 0:
                    count += 2 in used and len(used) > 1
                    continue
                used = used | {int(tree.feature[node])}
                stack.append((tree.children_left[node], used))
                stack.append((tree.children_right[node], used))
    return count


print(f"paths mixing feature 2 with others, unconstrained: {mixed_paths(free)}")
print(f"paths mixing feature 2 with others, constrained: {mixed_paths(constrained)}")

# %%
# Effect of feature 2 for different values of feature 0
# -----------------------------------------------------
#
# With the constraint, the curves of the prediction along feature 2 at
# different values of feature 0 are shifted copies of each other.

grid = np.linspace(-1, 1, 100)
fig, axes = plt.subplots(1, 2, figsize=(9, 4), sharey=True)
for ax, model, title in (
    (axes[0], free, "unconstrained"),
    (axes[1], constrained, "interaction_cst=[{0, 1}, {2}]"),
):
    for x0 in (-0.8, 0.0, 0.8):
        rows = np.column_stack([np.full(100, x0), np.full(100, 0.5), grid])
        curve = model.predict(rows)
        ax.plot(grid, curve - curve.mean(), label=f"x0 = {x0}")
    ax.set_title(title)
    ax.set_xlabel("feature 2")
axes[0].set_ylabel("prediction (centred)")
axes[0].legend()
fig.tight_layout()
plt.show()
