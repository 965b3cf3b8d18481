# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""
==================================
PCA of the handwritten digits data
==================================

Principal component analysis of the 8x8 digit images with
:class:`skml.decomposition.PCA`: how much variance each number of components
keeps, what the first two components show, and a side-by-side check against
scikit-learn's ``PCA``.
"""

# %%
# Explained variance
# ------------------
#
# Fit all 64 components and plot the cumulative explained variance ratio. A
# float ``n_components`` keeps the smallest number of components that explain
# more than that fraction of the variance.

import matplotlib.pyplot as plt
import numpy as np
from sklearn import decomposition as sk_decomposition
from sklearn.datasets import load_digits

from skml.decomposition import PCA

X, y = load_digits(return_X_y=True)
pca = PCA().fit(X)
cumulated = np.cumsum(pca.explained_variance_ratio_)
n_90 = PCA(n_components=0.9).fit(X).n_components_

fig, ax = plt.subplots(figsize=(6, 4))
ax.plot(np.arange(1, cumulated.size + 1), cumulated, marker=".")
ax.axhline(0.9, color="grey", linestyle="--")
ax.axvline(n_90, color="grey", linestyle=":")
ax.set_xlabel("number of components")
ax.set_ylabel("cumulative explained variance ratio")
ax.set_title(f"{n_90} components keep 90% of the variance")
fig.tight_layout()

# %%
# Two-dimensional projection
# --------------------------
#
# The first two components already separate several digits (0, 4, 6 apart from
# the rest), although they keep less than a third of the variance.

X_2d = PCA(n_components=2).fit_transform(X)
fig, ax = plt.subplots(figsize=(6, 5))
points = ax.scatter(X_2d[:, 0], X_2d[:, 1], c=y, cmap="tab10", s=8)
fig.colorbar(points, ax=ax, label="digit")
ax.set_xlabel("first component")
ax.set_ylabel("second component")
ax.set_title("Digits projected on two principal components")
fig.tight_layout()

# %%
# Comparison with scikit-learn
# ----------------------------
#
# Both libraries choose the same solver and the same sign for every component,
# so the fitted attributes agree to floating-point precision. We also time
# ``fit_transform`` on a larger tall matrix, where both use the covariance
# solver.

from time import perf_counter

for solver in ["full", "covariance_eigh", "randomized"]:
    ours = PCA(n_components=10, svd_solver=solver, random_state=0).fit(X)
    theirs = sk_decomposition.PCA(
        n_components=10, svd_solver=solver, random_state=0
    ).fit(X)
    difference = np.abs(ours.components_ - theirs.components_).max()
    print(f"{solver:>16}: largest difference in components_ = {difference:.1e}")

X_large = np.random.default_rng(0).standard_normal((100_000, 100))
for name, estimator in [("skml", PCA), ("scikit-learn", sk_decomposition.PCA)]:
    times = []
    for _ in range(3):
        start = perf_counter()
        estimator(n_components=10).fit_transform(X_large)
        times.append(perf_counter() - start)
    print(f"{name:>12}: fit_transform on 100000 x 100 in {min(times):.3f} s")
