# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""
==================================================
Decision boundaries of k-nearest-neighbour classes
==================================================

:class:`skml.neighbors.KNeighborsClassifier` on a 2-D dataset with three
classes, with uniform weights (every neighbour votes the same) and distance
weights (closer neighbours count more), and a check that scikit-learn's
``KNeighborsClassifier`` predicts the same classes and probabilities.
"""

# %%
# Data
# ----
#
# Three overlapping Gaussian blobs in two dimensions, split into a training and
# a test set.

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import ListedColormap
from sklearn import neighbors as sk_neighbors
from sklearn.datasets import make_blobs
from sklearn.model_selection import train_test_split

from skml.neighbors import KNeighborsClassifier

X, y = make_blobs(n_samples=600, centers=3, cluster_std=1.6, random_state=3)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

# %%
# Decision boundaries
# -------------------
#
# Predict every point of a grid covering the data. With uniform weights the
# class of a grid point is the majority among its 15 nearest training points;
# with distance weights each vote counts with the inverse of its distance, so
# the boundaries follow isolated training points more closely and every
# training point is classified as its own label.

xx, yy = np.meshgrid(
    np.linspace(X[:, 0].min() - 1, X[:, 0].max() + 1, 300),
    np.linspace(X[:, 1].min() - 1, X[:, 1].max() + 1, 300),
)
grid = np.column_stack([xx.ravel(), yy.ravel()])
cmap_light = ListedColormap(["#fbb4ae", "#b3cde3", "#ccebc5"])
cmap_bold = ListedColormap(["#e41a1c", "#377eb8", "#4daf4a"])

fig, axes = plt.subplots(1, 2, figsize=(11, 4.5), sharey=True)
for ax, weights in zip(axes, ["uniform", "distance"]):
    clf = KNeighborsClassifier(n_neighbors=15, weights=weights).fit(X_train, y_train)
    Z = clf.predict(grid).reshape(xx.shape)
    ax.pcolormesh(xx, yy, Z, cmap=cmap_light, shading="auto")
    ax.scatter(X_train[:, 0], X_train[:, 1], c=y_train, cmap=cmap_bold,
               edgecolor="k", s=15)
    ax.set_title(
        f'weights="{weights}": test accuracy {clf.score(X_test, y_test):.3f}'
    )
fig.tight_layout()

# %%
# Agreement with scikit-learn
# ---------------------------
#
# On the whole grid and for both weightings, skml and scikit-learn predict the
# same classes, and their probabilities agree to floating-point precision.

for weights in ["uniform", "distance"]:
    ours = KNeighborsClassifier(n_neighbors=15, weights=weights).fit(X_train, y_train)
    ref = sk_neighbors.KNeighborsClassifier(n_neighbors=15, weights=weights)
    ref.fit(X_train, y_train)
    same = np.mean(ours.predict(grid) == ref.predict(grid))
    gap = np.max(np.abs(ours.predict_proba(grid) - ref.predict_proba(grid)))
    print(f"{weights:>8}: same class on {same:.2%} of the grid, "
          f"max probability difference {gap:.1e}")

plt.show()
