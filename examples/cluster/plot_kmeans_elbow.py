# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""
==============================================
Choosing k with the elbow method, and k-means
==============================================

Fit :class:`skml.cluster.KMeans` for several numbers of clusters, plot the
inertia with :class:`skml.cluster.ElbowDisplay`, and check the inertia against
scikit-learn's ``KMeans`` started from the same centers.
"""

# %%
# The elbow curve
# ---------------
#
# Five well-separated blobs. The inertia drops quickly up to the true number of
# clusters and slowly afterwards; the marked elbow is the point farthest from
# the chord joining the ends of the rescaled curve ("kneedle" rule).

import matplotlib.pyplot as plt
import numpy as np
from sklearn import cluster as sk_cluster
from sklearn.datasets import make_blobs

from skml.cluster import ElbowDisplay, KMeans, elbow_curve

X, _ = make_blobs(
    n_samples=3000, centers=5, cluster_std=0.8, center_box=(-15, 15), random_state=3
)
result = elbow_curve(X, range(1, 11), random_state=0)
display = ElbowDisplay(result.k_values, result.inertias, elbow=result.elbow)
display.plot(name="skml KMeans")
display.ax_.set_title(f"elbow at k={result.elbow}")

# %%
# Same centers, same answer as scikit-learn
# -----------------------------------------
#
# Started from the same initial centers, both libraries find the same clusters
# and the same inertia, with Lloyd's and with Elkan's algorithm.

rng = np.random.RandomState(0)
init = X[rng.choice(X.shape[0], 5, replace=False)]
for algorithm in ("lloyd", "elkan"):
    ours = KMeans(5, init=init, algorithm=algorithm).fit(X)
    theirs = sk_cluster.KMeans(5, init=init, algorithm=algorithm).fit(X)
    same = np.array_equal(ours.labels_, theirs.labels_)
    print(
        f"{algorithm}: skml inertia {ours.inertia_:.4f}, scikit-learn "
        f"{theirs.inertia_:.4f}, same labels: {same}, "
        f"iterations {ours.n_iter_} / {theirs.n_iter_}"
    )

# %%
# The clusters
# ------------

model = KMeans(5, random_state=0).fit(X)
fig, ax = plt.subplots(figsize=(5, 5))
ax.scatter(X[:, 0], X[:, 1], c=model.labels_, s=4, cmap="tab10")
ax.scatter(*model.cluster_centers_.T, c="black", marker="x", s=80)
ax.set_title("KMeans(n_clusters=5)")
plt.show()
