# SPDX-License-Identifier: BSD-3-Clause
# Authors: The skml developers
"""Interaction constraints of gradient boosting (``interaction_cst``).

Resolved and checked as scikit-learn's HistGradientBoosting does, then handed
to :func:`skml._splitting.build_tree`, whose builders carry each pending node's
allowed groups and give the splitter the node's allowed features.
"""

import itertools
from numbers import Integral

import numpy as np


def _resolve_interaction_cst(interaction_cst, n_features):
    # interaction_cst as a list of sorted tuples of feature indices, the
    # features in no group forming one more group; None when not set.
    if interaction_cst is None:
        return None
    if isinstance(interaction_cst, str):
        if interaction_cst == "no_interactions":
            groups = [(f,) for f in range(n_features)]
        elif interaction_cst == "pairwise":
            groups = itertools.combinations(range(n_features), 2)
        else:
            # The parameter constraints let no other string through.
            raise ValueError(
                "interaction_cst must be 'pairwise', 'no_interactions' or a "
                f"sequence of groups of feature indices; got {interaction_cst!r}."
            )
    else:
        groups = interaction_cst
    try:
        sets = [set(group) for group in groups]
    except TypeError:
        raise ValueError(
            "Interaction constraints must be a sequence of tuples or lists, got:"
            f" {interaction_cst!r}."
        ) from None
    for group in sets:
        for f in group:
            if isinstance(f, (bool, np.bool_)) or not (
                isinstance(f, Integral) and 0 <= f < n_features
            ):
                raise ValueError(
                    "Interaction constraints must consist of integer indices in "
                    f"[0, n_features - 1] = [0, {n_features - 1}], specifying the "
                    f"position of features, got invalid indices: {group!r}"
                )
    rest = set(range(n_features)).difference(*sets)
    if rest:
        sets.append(rest)
    return [tuple(sorted(int(f) for f in group)) for group in sets]


def _column_groups(groups, columns, n_features):
    # The groups of a tree grown on X[:, columns] (colsample_bytree, sorted
    # indices), in its own feature indices: each group cut to the columns,
    # empty ones dropped. A set of columns lies in a group exactly when it
    # lies in its cut, so the tree follows the constraint on all features.
    if groups is None or columns is None:
        return groups
    position = np.full(n_features, -1, dtype=np.intp)
    position[columns] = np.arange(len(columns))
    cut = []
    for group in groups:
        local = position[np.asarray(group, dtype=np.intp)]
        local = local[local >= 0]
        if len(local):
            cut.append(tuple(local.tolist()))
    return cut
