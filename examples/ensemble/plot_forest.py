# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""
===============================
Random forest vs a single tree
===============================

A single fully grown decision tree overfits; averaging many randomized trees
with :class:`skml.ensemble.RandomForestClassifier` (or
:class:`skml.ensemble.ExtraTreesClassifier`) keeps the low bias and cuts the
variance. We compare test accuracy as the forest grows, look at the feature
importances, and time the histogram splitter against scikit-learn.
"""

# %%
# Forest vs single tree
# ---------------------
#
# Test accuracy on the digits data of one tree and of forests of growing size.
# ``warm_start=True`` adds trees to the fitted forest instead of refitting it.

from time import perf_counter

import matplotlib.pyplot as plt
import numpy as np
from sklearn import ensemble as sk_ensemble
from sklearn.datasets import load_digits, make_classification
from sklearn.model_selection import train_test_split

from skml.ensemble import ExtraTreesClassifier, RandomForestClassifier
from skml.tree import DecisionTreeClassifier

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)

tree_score = DecisionTreeClassifier(random_state=0).fit(X_train, y_train)
tree_score = tree_score.score(X_test, y_test)
sizes = [1, 2, 5, 10, 20, 50, 100]
scores = {}
for name, Forest in [
    ("random forest", RandomForestClassifier),
    ("extra trees", ExtraTreesClassifier),
]:
    forest = Forest(warm_start=True, n_jobs=2, random_state=0)
    scores[name] = []
    for n in sizes:
        forest.set_params(n_estimators=n).fit(X_train, y_train)
        scores[name].append(forest.score(X_test, y_test))

fig, ax = plt.subplots(figsize=(6, 4))
for name, values in scores.items():
    ax.plot(sizes, values, marker="o", label=name)
ax.axhline(tree_score, color="gray", linestyle="--", label="single tree")
ax.set_xscale("log")
ax.set_xlabel("number of trees")
ax.set_ylabel("test accuracy")
ax.set_title("Digits: forests vs a single tree")
ax.legend()
fig.tight_layout()

# %%
# Feature importances
# -------------------
#
# ``feature_importances_`` is the mean of the trees' normalized impurity
# decreases. On the digits, the pixels of the image border carry nothing.

importances = forest.feature_importances_.reshape(8, 8)
fig, ax = plt.subplots(figsize=(4, 4))
image = ax.imshow(importances, cmap="viridis")
fig.colorbar(image, ax=ax)
ax.set_title("Extra-trees pixel importances")
ax.set_axis_off()
fig.tight_layout()

# %%
# Histogram splitter and scikit-learn
# -----------------------------------
#
# ``splitter="hist"`` bins every feature once for the whole forest (at most 255
# bins) and finds splits from histograms: much faster on large data for nearly
# the same accuracy. The exact splitter grows the same trees as scikit-learn's
# for the same ``random_state``.

X, y = make_classification(
    n_samples=40_000, n_features=20, n_informative=10, random_state=0
)
X = X.astype(np.float32)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
models = {
    "scikit-learn": sk_ensemble.RandomForestClassifier(
        n_estimators=30, n_jobs=2, random_state=0
    ),
    "skml best": RandomForestClassifier(n_estimators=30, n_jobs=2, random_state=0),
    "skml hist": RandomForestClassifier(
        n_estimators=30, splitter="hist", n_jobs=2, random_state=0
    ),
}
for name, model in models.items():
    start = perf_counter()
    model.fit(X_train, y_train)
    elapsed = perf_counter() - start
    accuracy = model.score(X_test, y_test)
    print(f"{name:>12}: fit in {elapsed:.2f} s, test accuracy {accuracy:.4f}")

# %%
# Outliers in the target: ``criterion="absolute_error"``
# ------------------------------------------------------
#
# With ``criterion="absolute_error"`` every leaf predicts the weighted median
# of its training targets instead of their mean, so a few wild targets barely
# move it. Here 3% of the training targets are shifted by +100.

from skml.ensemble import RandomForestRegressor

rng = np.random.RandomState(0)
X = rng.uniform(0, 1, size=(3000, 1))
truth = np.sin(6 * X[:, 0])
y = truth + 0.1 * rng.randn(3000)
y[rng.rand(3000) < 0.03] += 100.0
grid = np.linspace(0, 1, 300)[:, None]
fig, ax = plt.subplots(figsize=(6, 4))
ax.plot(grid[:, 0], np.sin(6 * grid[:, 0]), color="black", label="truth")
for criterion in ("squared_error", "absolute_error"):
    forest = RandomForestRegressor(
        n_estimators=30, criterion=criterion, min_samples_leaf=10, random_state=0
    ).fit(X, y)
    ax.plot(grid[:, 0], forest.predict(grid), label=criterion)
ax.set_ylim(-2, 6)
ax.set_title("Forest predictions with 3% outlying targets")
ax.legend()
fig.tight_layout()

# %%
# Sparse input
# ------------
#
# Forests take SciPy sparse matrices as they are: the split finder reads the
# stored values of a CSC copy and never builds the dense matrix.

import scipy.sparse as sp

X = sp.random(5000, 3000, density=0.005, format="csr", random_state=0)
y = np.asarray(X[:, :50].sum(axis=1)).ravel() > 0.5
start = perf_counter()
forest = RandomForestClassifier(n_estimators=30, n_jobs=2, random_state=0)
forest.fit(X, y)
print(f"sparse {X.shape}, {X.nnz} stored values: fit in {perf_counter() - start:.2f} s")
