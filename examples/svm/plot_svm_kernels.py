# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""
===========================
SVM margins and kernels
===========================

:class:`skml.svm.SVC` with the linear, polynomial, rbf and sigmoid kernels on a
2-D dataset: the decision function, its margins (the levels -1 and +1) and the
support vectors, and a check that scikit-learn's ``SVC`` (libsvm) finds the same
support vectors.
"""

# %%
# Data
# ----
#
# Two interleaved half moons with noise, standardised.

import matplotlib.pyplot as plt
import numpy as np
from sklearn import svm as sk_svm
from sklearn.datasets import make_moons
from sklearn.preprocessing import StandardScaler

from skml.svm import SVC

X, y = make_moons(n_samples=200, noise=0.25, random_state=0)
X = StandardScaler().fit_transform(X)

# %%
# Decision functions and margins
# ------------------------------
#
# The solid line is the decision boundary, the dashed lines the margins;
# circled points are support vectors. The linear kernel cannot follow the
# moons; the polynomial and rbf kernels can.

kernels = {
    "linear": {"kernel": "linear"},
    "poly (degree 3)": {"kernel": "poly", "degree": 3, "coef0": 1.0},
    "rbf": {"kernel": "rbf", "gamma": 1.0},
    "sigmoid": {"kernel": "sigmoid", "gamma": 0.5, "coef0": 0.0},
}
xx, yy = np.meshgrid(np.linspace(-2.5, 2.5, 200), np.linspace(-2.5, 2.5, 200))
grid = np.c_[xx.ravel(), yy.ravel()]

fig, axes = plt.subplots(1, 4, figsize=(16, 4), sharey=True)
for ax, (name, params) in zip(axes, kernels.items()):
    clf = SVC(C=1.0, **params).fit(X, y)
    Z = clf.decision_function(grid).reshape(xx.shape)
    ax.contourf(xx, yy, Z, levels=20, cmap="RdBu", alpha=0.5)
    ax.contour(xx, yy, Z, levels=[-1, 0, 1], colors="k",
               linestyles=["--", "-", "--"])
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap="RdBu", edgecolors="k", s=20)
    sv = clf.support_vectors_
    ax.scatter(sv[:, 0], sv[:, 1], s=80, facecolors="none", edgecolors="k")
    ax.set_title(f"{name}: {len(clf.support_)} SVs, acc {clf.score(X, y):.2f}")
plt.tight_layout()

# %%
# The same support vectors as libsvm
# ----------------------------------
#
# On the same problem skml and scikit-learn select the same support vectors and
# agree on the decision function to the solver tolerance.

for name, params in kernels.items():
    ours = SVC(tol=1e-6, **params).fit(X, y)
    ref = sk_svm.SVC(tol=1e-6, **params).fit(X, y)
    same = np.array_equal(ours.support_, ref.support_)
    gap = np.abs(ours.decision_function(grid) - ref.decision_function(grid)).max()
    print(f"{name:16s} same support set: {same}, max |decision gap|: {gap:.1e}")

# %%
# Regularisation
# --------------
#
# A small ``C`` allows a wide margin with many support vectors; a large ``C``
# fits the training points more closely with fewer.

fig, axes = plt.subplots(1, 3, figsize=(12, 4), sharey=True)
for ax, C in zip(axes, [0.1, 1.0, 100.0]):
    clf = SVC(kernel="rbf", gamma=1.0, C=C).fit(X, y)
    Z = clf.decision_function(grid).reshape(xx.shape)
    ax.contour(xx, yy, Z, levels=[-1, 0, 1], colors="k",
               linestyles=["--", "-", "--"])
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap="RdBu", edgecolors="k", s=20)
    ax.set_title(f"C={C}: {len(clf.support_)} support vectors")
plt.tight_layout()
plt.show()
