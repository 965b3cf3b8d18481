# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Clustering: k-means (Lloyd, Elkan, mini-batch) and the elbow method."""

from skml.cluster._elbow import ElbowDisplay, elbow_curve
from skml.cluster._kmeans import KMeans
from skml.cluster._minibatch import MiniBatchKMeans

__all__ = ["ElbowDisplay", "KMeans", "MiniBatchKMeans", "elbow_curve"]
