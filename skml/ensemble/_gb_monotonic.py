# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Monotonic constraints of the gradient-boosting estimators: the
``monotonic_cst`` parameter resolved per feature, and the value bounds of the
nodes of a constrained tree (for the losses that re-fit their leaves)."""

from numbers import Integral

import numpy as np


def _resolve_monotonic_cst(estimator):
    # The estimator's monotonic_cst as int32 (n_features_in_,), checked (the
    # checks and messages of scikit-learn's HistGradientBoosting; a dict may
    # also key features by index); None when no feature is constrained.
    cst = estimator.monotonic_cst
    n_features = estimator.n_features_in_
    if cst is None:
        return None
    if isinstance(cst, dict):
        names = getattr(estimator, "feature_names_in_", None)
        index = {} if names is None else {name: i for i, name in enumerate(names)}
        resolved = np.zeros(n_features, dtype=np.int32)
        unknown = []
        for key, value in cst.items():
            if isinstance(key, str):
                position = index.get(key)
            elif isinstance(key, Integral) and 0 <= key < n_features:
                position = int(key)
            else:
                position = None
            if position is None:
                unknown.append(key)
                continue
            if value not in (-1, 0, 1):
                raise ValueError(
                    f"monotonic_cst[{key!r}] must be either -1, 0 or 1. Got {value!r}."
                )
            resolved[position] = value
        if unknown:
            if names is None and any(isinstance(key, str) for key in unknown):
                raise ValueError(
                    f"{type(estimator).__name__} was not fitted on data with "
                    "feature names. Pass monotonic_cst as an integer array or "
                    "a dict keyed by feature index instead."
                )
            raise ValueError(
                f"monotonic_cst contains {len(unknown)} unexpected feature names "
                f"or indices: {sorted(map(repr, unknown))} (features: "
                f"{n_features})."
            )
    else:
        resolved = np.asarray(cst)
        if resolved.ndim != 1 or resolved.dtype.kind not in "biuf":
            raise ValueError(
                f"monotonic_cst must be a 1-D array-like of -1, 0 or 1; got {cst!r}."
            )
        unexpected = np.setdiff1d(resolved, [-1, 0, 1])
        if unexpected.shape[0]:
            raise ValueError(
                "monotonic_cst must be an array-like of -1, 0 or 1. Observed "
                f"values: {unexpected.tolist()}."
            )
        if resolved.shape[0] != n_features:
            raise ValueError(
                f"monotonic_cst has shape {resolved.shape} but the input data "
                f"X has {n_features} features."
            )
        resolved = resolved.astype(np.int32)
    return resolved if resolved.any() else None


def _node_bounds(tree, monotonic_cst):
    # Bounds (lower, upper) of every node's value, as the builder derived them
    # under monotonic constraints (of the tree's own features): a split on a
    # feature of constraint +1 (-1) gives its left child the upper (lower)
    # bound, and its right child the lower (upper) bound, of the midpoint of
    # the two children's values; other splits pass the node's bounds down.
    # Children are numbered after their parents.
    n_nodes = tree.node_count
    lower = np.full(n_nodes, -np.inf)
    upper = np.full(n_nodes, np.inf)
    left, right = tree.children_left, tree.children_right
    feature, value = tree.feature, tree.value[:, 0, 0]
    for node in range(n_nodes):
        a, b = left[node], right[node]
        if a < 0:
            continue
        lower[a] = lower[b] = lower[node]
        upper[a] = upper[b] = upper[node]
        cst = monotonic_cst[feature[node]]
        if cst:
            # Within the node's bounds, so that they nest whatever the rounding
            # (the builder's midpoint may differ from this one by an ulp).
            mid = min(max((value[a] + value[b]) / 2.0, lower[node]), upper[node])
            if cst > 0:
                upper[a] = lower[b] = mid
            else:
                lower[a] = upper[b] = mid
    return lower, upper
