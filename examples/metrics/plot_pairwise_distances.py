# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""
=========================================
Pairwise distances: skml and scikit-learn
=========================================

:func:`skml.metrics.pairwise_distances` is a drop-in for
:func:`sklearn.metrics.pairwise_distances` on the common metrics. This example
checks that both give the same distances, compares their speed, and shows where
skml is more accurate: close points far from the origin, where the matrix-product
formula for the Euclidean distance cancels.
"""

# %%
# Same distances
# --------------
# Both libraries agree to rounding error on every metric.
import time

import matplotlib.pyplot as plt
import numpy as np
import sklearn.metrics
from scipy.spatial.distance import cdist

from skml.metrics import pairwise_distances

rng = np.random.default_rng(0)
X = rng.standard_normal((1000, 20))
Y = rng.standard_normal((800, 20))
for metric in ["euclidean", "sqeuclidean", "manhattan", "chebyshev", "cosine"]:
    ours = pairwise_distances(X, Y, metric=metric)
    theirs = sklearn.metrics.pairwise_distances(X, Y, metric=metric)
    print(f"{metric:>12}: max |skml - sklearn| = {np.abs(ours - theirs).max():.1e}")

# %%
# Speed
# -----
# Time both libraries on growing problems of 50 features (best of three runs;
# ``Y=None``, the distances among the rows of ``X``).


def best_time(func, *args, **kwargs):
    times = []
    for _ in range(3):
        start = time.perf_counter()
        func(*args, **kwargs)
        times.append(time.perf_counter() - start)
    return min(times)


sizes = [500, 1000, 2000, 3000]
fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
for ax, dtype in zip(axes, [np.float64, np.float32]):
    for metric, style in [("euclidean", "-"), ("manhattan", "--"), ("cosine", ":")]:
        for name, func, color in [
            ("skml", pairwise_distances, "C0"),
            ("scikit-learn", sklearn.metrics.pairwise_distances, "C1"),
        ]:
            times = [
                best_time(func, rng.standard_normal((n, 50)).astype(dtype),
                          metric=metric)
                for n in sizes
            ]
            ax.loglog(sizes, times, style, color=color, marker="o",
                      label=f"{name}, {metric}")
    ax.set_title(np.dtype(dtype).name)
    ax.set_xlabel("n_samples")
axes[0].set_ylabel("time (s)")
axes[1].legend(fontsize="small")
fig.tight_layout()

# %%
# Accuracy far from the origin
# ----------------------------
# Points within 0.001 of each other, 10 000 away from the origin. The
# matrix-product formula :math:`\|x\|^2 - 2 x \cdot y + \|y\|^2` subtracts numbers
# of order :math:`10^9` to get squared distances of order :math:`10^{-5}`; skml
# recomputes such pairs directly and matches scipy's exact ``cdist``.
X = 1e4 + 1e-3 * rng.standard_normal((300, 10))
exact = cdist(X, X)
off_diagonal = ~np.eye(len(X), dtype=bool)
errors = {}
for name, func in [("skml", pairwise_distances),
                   ("scikit-learn", sklearn.metrics.pairwise_distances)]:
    got = func(X)
    errors[name] = (np.abs(got - exact)[off_diagonal] / exact[off_diagonal])
    print(f"{name:>12}: largest relative error {errors[name].max():.1e}")

fig, ax = plt.subplots(figsize=(6, 4))
bins = np.logspace(-18, 0, 37)
for name, color in [("skml", "C0"), ("scikit-learn", "C1")]:
    # Exact results (error 0) are drawn in the first bin.
    ax.hist(np.maximum(errors[name], 1e-18), bins=bins, color=color, alpha=0.6,
            label=name)
ax.set_xscale("log")
ax.set_xlabel("relative error of the Euclidean distance")
ax.set_ylabel("number of pairs")
ax.legend()
fig.tight_layout()
plt.show()
